//! How far a cursor moves: a row, a page, to either end, or a number of
//! rows (the mouse wheel). Panes, the queue and the log all move by these.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Rows down (negative: up).
    By(isize),
}

impl Motion {
    /// The rows to move in a view `page` rows high; the ends are far enough
    /// to be clamped to, and near enough never to overflow.
    pub fn rows(self, page: usize) -> isize {
        let page = page.max(1) as isize;
        match self {
            Motion::Up => -1,
            Motion::Down => 1,
            Motion::PageUp => -page,
            Motion::PageDown => page,
            Motion::Top => isize::MIN / 2,
            Motion::Bottom => isize::MAX / 2,
            Motion::By(n) => n,
        }
    }
}
