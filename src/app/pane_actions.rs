//! The panes' half of `update`: moving, opening folders, going up,
//! re-reading, sorting, hidden files, the filter, marks (one by one, all,
//! by pattern), the mouse over a pane, and the engine's listings. Acts on
//! the focused pane unless told which.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{ConnectForm, Dialog, PatternPrompt};
use super::effects::Update;
use super::keymap::{Action, is_plain};
use super::motion::Motion;
use super::pane::SortKey;
use super::requests;
use super::state::{AppState, Click, ConnState, Panel};
use crate::engine::protocol::{
    Arranged, Command, Entry, EntryKind, Failure, ListingNotes, Location, RequestId, Side,
};

pub fn move_cursor(state: &mut AppState, motion: Motion) {
    let side = state.focus;
    let height = state.list_height(side);
    state
        .pane_mut(side)
        .move_cursor(motion.rows(height), height);
}

/// Opens the folder under the cursor (`..` goes up).
pub fn open_current(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    let Some(entry) = state.pane(side).current().cloned() else {
        return out.unchanged();
    };
    if entry.name.is_parent_link() {
        return go_up(state, out);
    }
    match entry.kind {
        // A symlink may lead to a folder; listing it tells.
        EntryKind::Dir | EntryKind::Symlink => {
            let path = state.pane(side).path.join(&entry.name);
            requests::list_if_online(state, path, None, out);
        }
        EntryKind::File | EntryKind::Other => {
            state.set_status(format!("{} is not a folder", entry.name), false);
        }
    }
}

/// Lists the parent folder, with the cursor on the folder we came from.
pub fn go_up(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    let pane = state.pane(side);
    let Some(parent) = pane.path.parent() else {
        return out.unchanged();
    };
    let came_from = pane.path.file_name();
    requests::list_if_online(state, parent, came_from, out);
}

/// Re-reads the folder; an offline remote pane reconnects instead (or
/// offers quick connect when there was no connection yet).
pub fn reload(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if side == Side::Remote && !state.is_connected() {
        if matches!(state.conn, ConnState::Connecting { .. }) {
            return out.unchanged();
        }
        let login_refused = matches!(state.conn, ConnState::Failed { login: true, .. });
        match state.profile.clone() {
            // The same password would be refused again: ask for it (the
            // user name stays).
            Some(mut p) if login_refused && p.user.is_some() => {
                p.password = None;
                requests::ask_password(state, p);
            }
            Some(p) => requests::connect(state, p, out),
            None => {
                let form = ConnectForm::new(None, state.default_mode);
                state.dialog = Some(Dialog::Connect(form));
            }
        }
        return;
    }
    let pane = state.pane(side);
    let path = pane.path.clone();
    let keep = pane.current().map(|e| e.name.clone());
    requests::list_if_online(state, path, keep, out);
    if side == Side::Local
        && matches!(state.conn, ConnState::Failed { .. })
        && let Some(k) = state.keymap.key_for(Action::Reload)
    {
        state.set_status(
            format!("Re-read the local folder; to reconnect, press {k} in the remote pane"),
            false,
        );
    }
}

pub fn toggle_hidden(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    let pane = state.pane_mut(side);
    pane.show_hidden = !pane.show_hidden;
    let shown = if pane.show_hidden { "shown" } else { "hidden" };
    reorder(state, side, out);
    state.set_status(format!("Hidden files {shown}"), false);
}

/// The pane's sort, filter or hidden setting changed: its entries are
/// ordered again, a big folder's off the UI's path (the engine answers
/// with `Event::Arranged`).
fn reorder(state: &mut AppState, side: Side, out: &mut Update) {
    let ticket = state.next_request();
    let height = state.list_height(side);
    let pane = state.pane_mut(side);
    if let Some(job) = pane.reorder(ticket) {
        out.send(Command::Arrange(Box::new(job)));
    }
    pane.scroll_to_cursor(height);
}

/// Each key in the order it starts in, then the other way: name A→Z, Z→A,
/// size biggest first, smallest first, time newest first, oldest first,
/// name… The status says the order in words.
pub fn cycle_sort(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    let pane = state.pane_mut(side);
    let next = match pane.sort {
        SortKey::Name => SortKey::Size,
        SortKey::Size => SortKey::Time,
        SortKey::Time => SortKey::Name,
    };
    (pane.sort, pane.descending) = if pane.descending == pane.sort.starts_descending() {
        (pane.sort, !pane.descending)
    } else {
        (next, next.starts_descending())
    };
    let (sort, descending) = (pane.sort, pane.descending);
    reorder(state, side, out);
    state.set_status(
        format!("Sorted by {}, {}", sort.word(), sort.order(descending)),
        false,
    );
}

/// The filter line takes the keyboard.
pub fn start_filter(state: &mut AppState) {
    let side = state.focus;
    state.pane_mut(side).filter_editing = true;
}

/// Keys while the filter line has the keyboard: typing narrows the pane.
pub fn filter_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let side = state.focus;
    let height = state.list_height(side);
    let pane = state.pane_mut(side);
    match key.code {
        KeyCode::Esc => {
            pane.filter.clear();
            pane.filter_editing = false;
        }
        KeyCode::Enter => {
            pane.filter_editing = false;
            return;
        }
        KeyCode::Backspace => {
            pane.filter.pop();
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            // Moving while filtering is natural; keep the filter open.
            let motion = match key.code {
                KeyCode::Up => Motion::Up,
                KeyCode::Down => Motion::Down,
                KeyCode::PageUp => Motion::PageUp,
                _ => Motion::PageDown,
            };
            pane.move_cursor(motion.rows(height), height);
            return;
        }
        KeyCode::Char(c) if is_plain(&key) => pane.filter.push(c),
        _ => return out.unchanged(),
    }
    reorder(state, side, out);
}

/// Text pasted while the filter line has the keyboard.
pub fn paste_filter(state: &mut AppState, text: &str, out: &mut Update) {
    let side = state.focus;
    let pane = state.pane_mut(side);
    if !pane.filter_editing {
        return out.unchanged();
    }
    pane.filter.push_str(text);
    reorder(state, side, out);
}

/// Esc in a pane stops a listing still arriving or still being sorted
/// (the entries shown stay), else clears a filter left in place (as in
/// mc's quick search).
pub fn clear_filter(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if let Some(p) = state.pane_mut(side).pending.take() {
        state.pane_mut(side).arrived = None;
        out.send(Command::CancelList { req: p.req });
        state.set_status(format!("Stopped listing {}", p.path), false);
        return;
    }
    if let Some(path) = state.pane_mut(side).drop_staged() {
        state.set_status(format!("Stopped listing {path}"), false);
        return;
    }
    let pane = state.pane_mut(side);
    if pane.filter.is_empty() {
        return out.unchanged();
    }
    pane.filter.clear();
    reorder(state, side, out);
}

/// Marks or unmarks the entry under the cursor and moves down.
pub fn toggle_mark(state: &mut AppState) {
    let side = state.focus;
    let height = state.list_height(side);
    let pane = state.pane_mut(side);
    pane.toggle_mark();
    pane.move_cursor(1, height);
}

pub fn invert_marks(state: &mut AppState) {
    let side = state.focus;
    state.pane_mut(side).invert_marks();
}

/// Opens the pattern prompt for `+` (mark) or `-` (unmark).
pub fn ask_pattern(state: &mut AppState, mark: bool) {
    state.dialog = Some(Dialog::Pattern(PatternPrompt {
        mark,
        input: "*".into(),
        error: None,
    }));
}

/// Keys in the pattern prompt.
pub fn pattern_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Pattern(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    match key.code {
        KeyCode::Esc => state.dialog = None,
        KeyCode::Backspace => {
            p.input.pop();
        }
        KeyCode::Enter => match glob::Pattern::new(&p.input) {
            Err(e) => p.error = Some(format!("Not a pattern: {e}")),
            Ok(pattern) => {
                let mark = p.mark;
                state.dialog = None;
                let side = state.focus;
                let n = state.pane_mut(side).mark_matching(&pattern, mark);
                let verb = if mark { "Marked" } else { "Unmarked" };
                state.set_status(
                    format!(
                        "{verb} {} matching {}",
                        crate::text::count(n, "entry", "entries"),
                        pattern.as_str()
                    ),
                    false,
                );
            }
        },
        KeyCode::Char(c) if is_plain(&key) => {
            p.input.push(c);
            p.error = None;
        }
        _ => out.unchanged(),
    }
}

/// Text pasted into the pattern prompt.
pub fn paste_pattern(state: &mut AppState, text: &str) {
    if let Some(Dialog::Pattern(p)) = state.dialog.as_mut() {
        p.input.push_str(text);
    }
}

/// The wheel over a pane scrolls it, dragging the cursor along only when
/// it would leave the screen.
pub fn scroll(state: &mut AppState, side: Side, rows: isize) {
    let height = state.list_height(side);
    state.pane_mut(side).scroll(rows, height);
}

/// A click on a pane: it takes the keyboard.
pub fn focus(state: &mut AppState, side: Side) {
    state.focus = side;
    state.panel = Panel::Panes;
}

/// A click on a row: the pane takes the keyboard and the cursor goes there.
pub fn click_row(state: &mut AppState, side: Side, row: usize, now: Instant) {
    focus(state, side);
    let height = state.list_height(side);
    state.pane_mut(side).set_cursor(row, height);
    state.last_click = Some(Click { at: now, side, row });
}

/// The second click of a double click opens the row.
pub fn double_click_row(state: &mut AppState, side: Side, row: usize, out: &mut Update) {
    focus(state, side);
    let height = state.list_height(side);
    state.pane_mut(side).set_cursor(row, height);
    state.last_click = None;
    state.drag = None;
    open_current(state, out);
}

/// A listing arrived. One the pane no longer waits for is dropped: the
/// user has moved on.
pub fn on_listing(
    state: &mut AppState,
    req: RequestId,
    path: Location,
    entries: Vec<Entry>,
    notes: ListingNotes,
    out: &mut Update,
) {
    let side = path.side();
    let pane = state.pane_mut(side);
    let Some(pending) = pane.pending.take_if(|p| p.req == req) else {
        return out.unchanged();
    };
    pane.arrived = None;
    let ticket = state.next_request();
    let pane = state.pane_mut(side);
    // A big one is ordered off the UI's path first.
    if let Some(job) = pane.receive_listing(path, entries, notes, pending.select.as_ref(), ticket) {
        out.send(Command::Arrange(Box::new(job)));
        return;
    }
    // The notice row (if any) takes a row of the list.
    let height = state.list_height(side);
    state.pane_mut(side).scroll_to_cursor(height);
}

/// A big folder ordered: the pane shows it (a listing that waited for its
/// order, or the new order of the entries shown).
pub fn on_arranged(state: &mut AppState, done: Arranged, out: &mut Update) {
    let side = done.side;
    if !state.pane_mut(side).arranged(done) {
        return out.unchanged();
    }
    let height = state.list_height(side);
    state.pane_mut(side).scroll_to_cursor(height);
}

/// A big listing is on its way: the pane shows how much has arrived.
pub fn on_listing_progress(state: &mut AppState, req: RequestId, entries: usize, out: &mut Update) {
    let side = match [Side::Local, Side::Remote]
        .into_iter()
        .find(|&s| state.pane(s).pending.as_ref().is_some_and(|p| p.req == req))
    {
        Some(s) => s,
        None => return out.unchanged(),
    };
    state.pane_mut(side).arrived = Some(entries);
}

/// A listing failed. That is not an empty folder: the old entries stay,
/// and a pane that never loaded shows the error itself.
pub fn on_listing_failed(
    state: &mut AppState,
    req: RequestId,
    path: Location,
    error: Failure,
    out: &mut Update,
) {
    let pane = state.pane_mut(path.side());
    if pane.pending.take_if(|p| p.req == req).is_none() {
        return out.unchanged();
    }
    pane.arrived = None;
    pane.error = Some(error.message.clone());
    state.set_status(format!("Cannot open {path}: {error}"), true);
}

/// Files came or went in a folder (a transfer finished): a pane showing it
/// re-reads it, unless it is already reading or offline.
pub fn on_folder_changed(state: &mut AppState, path: Location, out: &mut Update) {
    let side = path.side();
    let pane = state.pane(side);
    let connected = side == Side::Local || state.is_connected();
    if pane.path != path || pane.pending.is_some() || !connected {
        return out.unchanged();
    }
    let keep = pane.current().map(|e| e.name.clone());
    out.send(requests::list(state, path, keep));
}
