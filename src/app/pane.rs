//! The state of one pane: where it is, what it holds, what is shown.
//!
//! Entries stay in the order they arrived; `view` holds the indices of the
//! visible ones, filtered and sorted. Sort keys (lower-cased names) are
//! computed once per listing, so re-sorting or filtering 100,000 entries
//! neither allocates per comparison nor clones entries.

use std::cmp::Ordering;
use std::collections::HashSet;

use crate::engine::protocol::{Entry, EntryKind, ListingNotes, Location, Name, RequestId, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Size,
    Time,
}

impl SortKey {
    /// The order a key starts in: names A→Z, sizes biggest first, times
    /// newest first (what one looks for first).
    pub fn starts_descending(self) -> bool {
        !matches!(self, SortKey::Name)
    }

    /// "name", "size", "time", for messages.
    pub fn word(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Size => "size",
            SortKey::Time => "time",
        }
    }

    /// The order in words: "A→Z", "biggest first", "oldest first"…
    pub fn order(self, descending: bool) -> &'static str {
        match (self, descending) {
            (SortKey::Name, false) => "A→Z",
            (SortKey::Name, true) => "Z→A",
            (SortKey::Size, false) => "smallest first",
            (SortKey::Size, true) => "biggest first",
            (SortKey::Time, false) => "oldest first",
            (SortKey::Time, true) => "newest first",
        }
    }
}

/// A listing asked for and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub req: RequestId,
    pub path: Location,
    /// Put the cursor on this name when the listing arrives (the folder we
    /// came up from, or the entry that was under the cursor on reload).
    pub select: Option<Name>,
}

#[derive(Debug, Clone)]
pub struct PaneState {
    pub side: Side,
    pub path: Location,
    pub entries: Vec<Entry>,
    /// Lower-cased names as shown, parallel to `entries`.
    keys: Vec<String>,
    /// Indices into `entries` of the rows shown, in display order.
    pub view: Vec<usize>,
    /// Row of `view` under the cursor.
    pub cursor: usize,
    /// First row of `view` drawn.
    pub offset: usize,
    pub sort: SortKey,
    /// The order, for every key alike: false is ascending (A→Z, smallest,
    /// oldest first; the header shows ↑), true descending (↓).
    pub descending: bool,
    pub show_hidden: bool,
    pub filter: String,
    /// The filter line has the keyboard.
    pub filter_editing: bool,
    pub pending: Option<Pending>,
    /// Why the last listing failed; the old entries stay shown.
    pub error: Option<String>,
    /// A listing has arrived at least once for `path`.
    pub loaded: bool,
    /// What the shown listing says about itself (unreadable lines, cut
    /// short, how its names are decoded).
    pub notes: ListingNotes,
    /// Entries of the pending listing arrived so far (big listings).
    pub arrived: Option<usize>,
    /// Names of the marked entries (names are unique in a folder, and
    /// survive re-sorting and re-reading).
    pub marked: HashSet<Name>,
    /// Entries shown and entries in all, without "..": kept up to date by
    /// `rebuild_view` so that drawing never walks the whole folder.
    shown_count: usize,
    all_count: usize,
}

impl PaneState {
    pub fn new(path: Location) -> Self {
        PaneState {
            side: path.side(),
            path,
            entries: Vec::new(),
            keys: Vec::new(),
            view: Vec::new(),
            cursor: 0,
            offset: 0,
            sort: SortKey::Name,
            descending: false,
            show_hidden: false,
            filter: String::new(),
            filter_editing: false,
            pending: None,
            error: None,
            loaded: false,
            notes: ListingNotes::default(),
            arrived: None,
            marked: HashSet::new(),
            shown_count: 0,
            all_count: 0,
        }
    }

    /// Replaces the entries with a fresh listing of `path`. On a re-read of
    /// the same folder the cursor stays on its entry; in a new folder it
    /// starts at the top, or on `select`.
    pub fn set_listing(&mut self, path: Location, mut entries: Vec<Entry>, select: Option<&Name>) {
        let moved = path != self.path || !self.loaded;
        let keep: Option<Name> = match select {
            Some(s) => Some(s.clone()),
            None if !moved => self.current().map(|e| e.name.clone()),
            None => None,
        };
        if moved {
            self.filter.clear();
            self.filter_editing = false;
            self.cursor = 0;
            self.offset = 0;
            self.marked.clear();
        } else {
            // A re-read keeps the marks of entries that are still there.
            let present: HashSet<&Name> = entries.iter().map(|e| &e.name).collect();
            self.marked.retain(|n| present.contains(n));
        }
        // The ".." row, as in mc, so the mouse can go up too.
        if path.parent().is_some() {
            entries.push(Entry::new("..".into(), EntryKind::Dir));
        }
        let encoding = self.notes.encoding;
        self.keys = entries
            .iter()
            .map(|e| encoding.decode(e.name.as_bytes()).to_lowercase())
            .collect();
        self.entries = entries;
        // The old view indexes the old entries: never read it again.
        self.view.clear();
        self.path = path;
        self.error = None;
        self.loaded = true;
        self.rebuild_view(keep.as_ref());
    }

    /// Recomputes `view` after a change of entries, sort, filter or hidden
    /// setting, keeping the cursor on `keep` (or on the same entry) if it is
    /// still shown.
    pub fn rebuild_view(&mut self, keep: Option<&Name>) {
        let keep: Option<Name> = keep
            .cloned()
            .or_else(|| self.current().map(|e| e.name.clone()));
        let filter = self.filter.to_lowercase();
        let entries = &self.entries;
        let keys = &self.keys;
        let mut view: Vec<usize> = (0..entries.len())
            .filter(|&i| {
                let e = &entries[i];
                if e.name.is_parent_link() {
                    return true;
                }
                (self.show_hidden || !e.is_hidden())
                    && (filter.is_empty() || keys[i].contains(&filter))
            })
            .collect();
        let (sort, reverse) = (self.sort, self.descending);
        view.sort_unstable_by(|&a, &b| {
            compare(&entries[a], &keys[a], &entries[b], &keys[b], sort, reverse)
        });
        let up = usize::from(
            view.first()
                .is_some_and(|&i| entries[i].name.is_parent_link()),
        );
        self.shown_count = view.len() - up;
        self.all_count = entries.len() - up;
        self.view = view;
        self.cursor = keep
            .and_then(|name| self.view.iter().position(|&i| self.entries[i].name == name))
            .unwrap_or_else(|| self.cursor.min(self.view.len().saturating_sub(1)));
    }

    /// A name as this pane shows it (decoded as its listing says).
    pub fn shown_name(&self, name: &Name) -> String {
        self.notes.encoding.decode(name.as_bytes()).into_owned()
    }

    /// The row that says the listing is not the whole folder, if it is not.
    pub fn notice(&self) -> Option<String> {
        let w = self.notes.warnings();
        (!w.is_empty()).then(|| w.join(" · "))
    }

    /// The entry under the cursor.
    pub fn current(&self) -> Option<&Entry> {
        self.view.get(self.cursor).map(|&i| &self.entries[i])
    }

    /// Moves the cursor by `delta` rows, clamped, and keeps it in sight.
    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        let last = self.view.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        self.scroll_to_cursor(height);
    }

    pub fn set_cursor(&mut self, row: usize, height: usize) {
        self.cursor = row.min(self.view.len().saturating_sub(1));
        self.scroll_to_cursor(height);
    }

    /// Scrolls the view (wheel) without moving the cursor off screen.
    pub fn scroll(&mut self, delta: isize, height: usize) {
        let max_offset = self.view.len().saturating_sub(height.max(1)) as isize;
        self.offset = (self.offset as isize + delta).clamp(0, max_offset.max(0)) as usize;
        if height > 0 {
            if self.cursor < self.offset {
                self.cursor = self.offset;
            } else if self.cursor >= self.offset + height {
                self.cursor = self.offset + height - 1;
            }
        }
    }

    pub fn scroll_to_cursor(&mut self, height: usize) {
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
        // Don't leave empty rows at the bottom when the list could fill them.
        let max_offset = self.view.len().saturating_sub(height);
        self.offset = self.offset.min(max_offset);
    }

    /// Marks or unmarks the entry under the cursor ("..": never).
    pub fn toggle_mark(&mut self) {
        let Some(name) = self.current().map(|e| e.name.clone()) else {
            return;
        };
        if name.is_parent_link() {
            return;
        }
        if !self.marked.remove(&name) {
            self.marked.insert(name);
        }
    }

    /// Inverts the marks of the shown entries.
    pub fn invert_marks(&mut self) {
        for &i in &self.view {
            let name = &self.entries[i].name;
            if name.is_parent_link() {
                continue;
            }
            if !self.marked.remove(name) {
                self.marked.insert(name.clone());
            }
        }
    }

    /// Marks (or unmarks) the shown entries whose name matches a shell
    /// pattern such as `*.txt`. Returns how many matched.
    pub fn mark_matching(&mut self, pattern: &glob::Pattern, mark: bool) -> usize {
        let mut n = 0;
        for &i in &self.view {
            let name = &self.entries[i].name;
            if name.is_parent_link() || !pattern.matches(&name.display()) {
                continue;
            }
            n += 1;
            if mark {
                self.marked.insert(name.clone());
            } else {
                self.marked.remove(name);
            }
        }
        n
    }

    /// What an operation acts on: the marked entries in display order, or
    /// the entry under the cursor when nothing is marked.
    pub fn selection(&self) -> Vec<&Entry> {
        if self.marked.is_empty() {
            return self
                .current()
                .filter(|e| !e.name.is_parent_link())
                .into_iter()
                .collect();
        }
        self.view
            .iter()
            .map(|&i| &self.entries[i])
            .filter(|e| self.marked.contains(&e.name))
            .collect()
    }

    /// Number and total size of the marked entries (folders count 0 bytes).
    pub fn marked_summary(&self) -> (usize, u64) {
        self.entries
            .iter()
            .filter(|e| self.marked.contains(&e.name))
            .fold((0, 0), |(n, b), e| {
                (n + 1, b + if e.is_dir() { 0 } else { e.size })
            })
    }

    /// Counts for the pane footer: shown, all, hidden.
    pub fn counts(&self) -> (usize, usize) {
        (self.shown_count, self.all_count)
    }
}

/// Folders first (and ".." before all), then by the chosen key, ascending
/// unless `descending`; names break ties, A→Z.
fn compare(a: &Entry, ka: &str, b: &Entry, kb: &str, sort: SortKey, descending: bool) -> Ordering {
    let up = |e: &Entry| !e.name.is_parent_link();
    let dirs_first = |e: &Entry| !e.is_dir();
    up(a)
        .cmp(&up(b))
        .then_with(|| dirs_first(a).cmp(&dirs_first(b)))
        .then_with(|| {
            let by_name = || ka.cmp(kb).then_with(|| a.name.cmp(&b.name));
            let key = match sort {
                SortKey::Name => by_name(),
                SortKey::Size => a.size.cmp(&b.size),
                SortKey::Time => a.modified.cmp(&b.modified),
            };
            let key = if descending { key.reverse() } else { key };
            key.then_with(by_name)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, kind: EntryKind, size: u64) -> Entry {
        Entry {
            size,
            ..Entry::new(name.into(), kind)
        }
    }

    fn names(p: &PaneState) -> Vec<String> {
        p.view
            .iter()
            .map(|&i| p.entries[i].name.to_string())
            .collect()
    }

    fn local(p: &str) -> Location {
        Location::Local(p.into())
    }

    #[test]
    fn folders_come_first_and_hidden_files_are_hidden() {
        let mut p = PaneState::new(local("/x"));
        p.set_listing(
            local("/x"),
            vec![
                entry("b.txt", EntryKind::File, 1),
                entry("Zeta", EntryKind::Dir, 0),
                entry(".secret", EntryKind::File, 1),
                entry("a.txt", EntryKind::File, 9),
            ],
            None,
        );
        assert_eq!(names(&p), ["..", "Zeta", "a.txt", "b.txt"]);
        p.show_hidden = true;
        p.rebuild_view(None);
        assert_eq!(names(&p), ["..", "Zeta", ".secret", "a.txt", "b.txt"]);
        p.sort = SortKey::Size;
        p.rebuild_view(None);
        assert_eq!(names(&p), ["..", "Zeta", ".secret", "b.txt", "a.txt"]);
        p.descending = true;
        p.rebuild_view(None);
        assert_eq!(names(&p), ["..", "Zeta", "a.txt", ".secret", "b.txt"]);
    }

    #[test]
    fn filter_matches_case_insensitively_and_keeps_the_cursor_entry() {
        let mut p = PaneState::new(local("/"));
        p.set_listing(
            local("/"),
            vec![
                entry("Alpha", EntryKind::File, 1),
                entry("beta", EntryKind::File, 1),
            ],
            Some(&"beta".into()),
        );
        assert_eq!(
            p.current().map(|e| e.name.to_string()).as_deref(),
            Some("beta")
        );
        p.filter = "ALP".into();
        p.rebuild_view(None);
        assert_eq!(names(&p), ["Alpha"]);
    }

    #[test]
    fn the_cursor_stays_in_sight() {
        let mut p = PaneState::new(local("/"));
        let many = (0..100)
            .map(|i| entry(&format!("f{i:03}"), EntryKind::File, 0))
            .collect();
        p.set_listing(local("/"), many, None);
        p.move_cursor(50, 10);
        assert_eq!((p.cursor, p.offset), (50, 41));
        p.move_cursor(-1000, 10);
        assert_eq!((p.cursor, p.offset), (0, 0));
        p.scroll(30, 10);
        assert_eq!((p.cursor, p.offset), (30, 30));
    }
}
