//! Where each part of the screen goes. One pure function of the terminal
//! size, used by drawing and by `update` (mouse hit tests, page sizes), so
//! both always agree.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use crate::engine::protocol::Side;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AppLayout {
    pub area: Rect,
    /// Whole panes, borders included: local, remote.
    pub panes: [Rect; 2],
    /// The entry rows inside each pane (below the column header).
    pub lists: [Rect; 2],
    pub log: Option<Rect>,
    /// The transfer queue panel, when shown.
    pub queue: Option<Rect>,
    pub status: Rect,
    pub keybar: Rect,
}

impl AppLayout {
    pub fn compute(area: Rect, show_log: bool, show_queue: bool) -> AppLayout {
        let log_height = if show_log {
            (area.height / 4).max(5)
        } else {
            0
        };
        let queue_height = if show_queue {
            (area.height / 3).max(6)
        } else {
            0
        };
        let [main, queue, log, status, keybar] = Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(queue_height),
            Constraint::Length(log_height),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let [left, right] =
            Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(main);
        let list_of = |pane: Rect| {
            // Border on every side, then one row of column titles.
            let inner = Rect {
                x: pane.x.saturating_add(1),
                y: pane.y.saturating_add(2),
                width: pane.width.saturating_sub(2),
                height: pane.height.saturating_sub(3),
            };
            inner.intersection(pane)
        };
        AppLayout {
            area,
            panes: [left, right],
            lists: [list_of(left), list_of(right)],
            log: (log_height > 0).then_some(log),
            queue: (queue_height > 0).then_some(queue),
            status,
            keybar,
        }
    }

    pub fn pane(&self, side: Side) -> Rect {
        self.panes[index(side)]
    }

    pub fn list(&self, side: Side) -> Rect {
        self.lists[index(side)]
    }

    /// Find's results panel (Alt-?): most of the screen, over the panes.
    pub fn find_panel(&self) -> Rect {
        let w = self.area.width.saturating_sub(4).min(110);
        let h = self.area.height.saturating_sub(2);
        Rect::new(
            self.area.x + (self.area.width - w) / 2,
            self.area.y + (self.area.height - h) / 2,
            w,
            h,
        )
    }

    /// Rows of find's result list: inside the border, below the line that
    /// says how far the walk is, above the keys.
    pub fn find_rows(&self) -> usize {
        self.find_panel().height.saturating_sub(4) as usize
    }

    /// Rows of the queue panel's list (inside its border, below the total line).
    pub fn queue_rows(&self) -> usize {
        self.queue
            .map_or(0, |q| q.height.saturating_sub(3) as usize)
    }

    /// Rows of the protocol log panel's lines (inside its border).
    pub fn log_rows(&self) -> usize {
        self.log.map_or(0, |l| l.height.saturating_sub(2) as usize)
    }

    /// Which pane a screen cell belongs to.
    pub fn pane_at(&self, column: u16, row: u16) -> Option<Side> {
        let p = Position::new(column, row);
        [Side::Local, Side::Remote]
            .into_iter()
            .find(|&s| self.pane(s).contains(p))
    }
}

fn index(side: Side) -> usize {
    match side {
        Side::Local => 0,
        Side::Remote => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_sits_inside_the_pane_below_its_header() {
        let l = AppLayout::compute(Rect::new(0, 0, 80, 24), false, false);
        assert_eq!(l.panes[0], Rect::new(0, 0, 40, 22));
        assert_eq!(l.lists[0], Rect::new(1, 2, 38, 19));
        assert_eq!(l.pane_at(50, 5), Some(Side::Remote));
        assert_eq!(l.pane_at(50, 23), None);
    }

    #[test]
    fn tiny_terminals_do_not_underflow() {
        let l = AppLayout::compute(Rect::new(0, 0, 3, 2), true, true);
        assert!(l.lists[0].height <= l.panes[0].height);
    }
}
