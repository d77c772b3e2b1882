//! What a mouse event means, read from the layout of the last frame: a
//! pure function of the state and the event (as television's `mouse.rs`),
//! so `update` only routes what comes out.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};

use super::key_bar;
use super::state::AppState;
use crate::engine::protocol::Side;

/// Two clicks on the same row within this time open it.
pub const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Rows one wheel notch scrolls.
pub const WHEEL_ROWS: isize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    /// The pointer moved with the button down: a drag, if one started.
    DragTo((u16, u16)),
    /// The button went up: a drop, if a drag is on.
    Release((u16, u16)),
    /// The wheel over the transfer queue (rows, negative up).
    ScrollQueue(isize),
    ClickQueue,
    /// The wheel over the protocol log (rows, negative up).
    ScrollLog(isize),
    ClickLog,
    /// The wheel over a pane (rows, negative up).
    ScrollPane(Side, isize),
    /// A click on a pane but not on one of its rows.
    ClickPane(Side),
    ClickRow {
        side: Side,
        row: usize,
        at: (u16, u16),
    },
    /// A click on the status line: its messages in full.
    ClickStatus,
    /// A click on the function-key bar: as if that key were pressed.
    Key(KeyCode),
    /// The second click on a row within [`DOUBLE_CLICK`].
    DoubleClickRow {
        side: Side,
        row: usize,
    },
}

/// What `ev` means now; `None` when it means nothing (a dialog is open,
/// the pointer only moved, a click landed on no panel).
pub fn interpret(state: &AppState, ev: MouseEvent, now: Instant) -> Option<Pointer> {
    if state.dialog.is_some() {
        return None;
    }
    let at = (ev.column, ev.row);
    let wheel = match ev.kind {
        MouseEventKind::Drag(MouseButton::Left) => return Some(Pointer::DragTo(at)),
        MouseEventKind::Up(MouseButton::Left) => return Some(Pointer::Release(at)),
        MouseEventKind::ScrollUp => Some(-WHEEL_ROWS),
        MouseEventKind::ScrollDown => Some(WHEEL_ROWS),
        _ => None,
    };
    let click = ev.kind == MouseEventKind::Down(MouseButton::Left);
    let layout = &state.layout;
    if click && layout.status.contains(at.into()) {
        return Some(Pointer::ClickStatus);
    }
    if click && layout.keybar.contains(at.into()) {
        let column = at.0 - layout.keybar.x;
        let width = layout.keybar.width;
        return key_bar::key_at(&state.keymap, state.context(), width, column).map(Pointer::Key);
    }
    if layout.queue.is_some_and(|q| q.contains(at.into())) {
        return match (wheel, click) {
            (Some(rows), _) => Some(Pointer::ScrollQueue(rows)),
            (None, true) => Some(Pointer::ClickQueue),
            (None, false) => None,
        };
    }
    if layout.log.is_some_and(|l| l.contains(at.into())) {
        return match (wheel, click) {
            (Some(rows), _) => Some(Pointer::ScrollLog(rows)),
            (None, true) => Some(Pointer::ClickLog),
            (None, false) => None,
        };
    }
    let side = layout.pane_at(ev.column, ev.row)?;
    if let Some(rows) = wheel {
        return Some(Pointer::ScrollPane(side, rows));
    }
    if !click {
        return None;
    }
    let list = layout.list(side);
    let pane = state.pane(side);
    let on_screen = ev.row.saturating_sub(list.y) as usize;
    let row = pane.offset + on_screen;
    // The notice row, when there is one, is below the entries.
    if !list.contains(at.into()) || row >= pane.view.len() || on_screen >= state.list_height(side) {
        return Some(Pointer::ClickPane(side));
    }
    let double = state.last_click.is_some_and(|c| {
        c.side == side && c.row == row && now.duration_since(c.at) <= DOUBLE_CLICK
    });
    Some(if double {
        Pointer::DoubleClickRow { side, row }
    } else {
        Pointer::ClickRow { side, row, at }
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crossterm::event::KeyModifiers;

    use super::*;
    use crate::app::keymap::Keymap;
    use crate::app::state::Click;
    use crate::engine::protocol::{Entry, EntryKind, Location};

    fn state() -> AppState {
        let mut s = AppState::new(PathBuf::from("/"), Keymap::default(), 80, 24);
        let entries = ["a", "b"]
            .iter()
            .map(|n| Entry {
                size: 1,
                ..Entry::new((*n).into(), EntryKind::File)
            })
            .collect();
        s.local
            .set_listing(Location::Local(PathBuf::from("/")), entries, None);
        s
    }

    fn ev(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[test]
    fn clicks_become_rows_and_a_quick_second_one_a_double_click() {
        let mut s = state();
        let list = s.layout.list(Side::Local);
        let down = MouseEventKind::Down(MouseButton::Left);
        let t0 = Instant::now();
        let first = interpret(&s, ev(down, list.x + 1, list.y + 1), t0);
        assert_eq!(
            first,
            Some(Pointer::ClickRow {
                side: Side::Local,
                row: 1,
                at: (list.x + 1, list.y + 1)
            })
        );
        s.last_click = Some(Click {
            at: t0,
            side: Side::Local,
            row: 1,
        });
        let quick = t0 + Duration::from_millis(300);
        assert_eq!(
            interpret(&s, ev(down, list.x + 1, list.y + 1), quick),
            Some(Pointer::DoubleClickRow {
                side: Side::Local,
                row: 1
            })
        );
        let slow = t0 + Duration::from_millis(500);
        assert!(matches!(
            interpret(&s, ev(down, list.x + 1, list.y + 1), slow),
            Some(Pointer::ClickRow { .. })
        ));
        // Below the last row: the pane, not a row.
        assert_eq!(
            interpret(&s, ev(down, list.x + 1, list.y + 5), t0),
            Some(Pointer::ClickPane(Side::Local))
        );
    }

    #[test]
    fn the_wheel_scrolls_what_is_under_it_and_moves_mean_nothing() {
        let mut s = state();
        s.show_log = true;
        s.relayout();
        let pane = s.layout.pane(Side::Remote);
        let log = s.layout.log.expect("log shown");
        let up = MouseEventKind::ScrollUp;
        let t = Instant::now();
        assert_eq!(
            interpret(&s, ev(up, pane.x + 2, pane.y + 2), t),
            Some(Pointer::ScrollPane(Side::Remote, -WHEEL_ROWS))
        );
        assert_eq!(
            interpret(&s, ev(MouseEventKind::ScrollDown, log.x + 2, log.y + 1), t),
            Some(Pointer::ScrollLog(WHEEL_ROWS))
        );
        assert_eq!(
            interpret(&s, ev(MouseEventKind::Moved, pane.x + 2, pane.y + 2), t),
            None
        );
        s.dialog = Some(crate::app::dialog::Dialog::Help { scroll: 0 });
        assert_eq!(interpret(&s, ev(up, pane.x + 2, pane.y + 2), t), None);
    }
}
