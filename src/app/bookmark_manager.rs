//! The bookmark manager's own state: the type-to-filter list of bookmarks
//! and recent connections, its cursor, and a pending "delete?" question.

use crate::bookmarks::service::BookmarksSnapshot;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manager {
    pub filter: String,
    /// Typing goes to the filter (after `/`, or once it is not empty).
    pub filtering: bool,
    pub cursor: usize,
    /// Asking "delete this bookmark?".
    pub confirm_delete: Option<String>,
}

/// One row of the manager: a bookmark or a recent connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Bookmark(usize),
    Recent(usize),
}

impl Manager {
    /// The rows of `bookmarks` the filter lets through, bookmarks first.
    pub fn rows(&self, bookmarks: &BookmarksSnapshot) -> Vec<Row> {
        let f = self.filter.to_lowercase();
        let hit = |s: &str| f.is_empty() || s.to_lowercase().contains(&f);
        let b = bookmarks.list.iter().enumerate();
        let r = bookmarks.recent.iter().enumerate();
        b.filter(|(_, b)| hit(&b.name) || hit(&b.host) || hit(&b.notes))
            .map(|(i, _)| Row::Bookmark(i))
            .chain(
                r.filter(|(_, r)| hit(&r.host) || r.user.as_deref().is_some_and(hit))
                    .map(|(i, _)| Row::Recent(i)),
            )
            .collect()
    }
}
