//! The state of one pane: where it is, what it holds, what is shown.
//!
//! Entries stay in the order they arrived; `view` holds the indices of the
//! visible ones, filtered and sorted. Sort keys (lower-cased names) are
//! computed once per listing, so re-sorting or filtering 100,000 entries
//! neither allocates per comparison nor clones entries.
//!
//! A big folder (more than [`ORDER_IN_PLACE`] entries) is ordered off the
//! UI's path: the pane hands out an [`ArrangeJob`] (its entries shared,
//! not copied), keeps showing what it showed, and takes the answer
//! ([`PaneState::arranged`]) when it comes; a new listing waits meanwhile
//! as [`Staged`], and Esc drops it.

use std::collections::HashSet;
use std::sync::Arc;

pub use crate::engine::protocol::SortKey;
use crate::engine::protocol::{
    ArrangeJob, Arranged, Entry, EntryKind, ListingNotes, Location, Name, NameEncoding, RequestId,
    Side, SortKeys, ViewSpec, view_of,
};

/// Folders of up to this many entries are ordered in place (a few
/// milliseconds even in a debug build); bigger ones on a blocking thread.
pub const ORDER_IN_PLACE: usize = 5_000;

/// A listing that arrived and waits for its order before it is shown.
#[derive(Debug, Clone)]
pub struct Staged {
    pub path: Location,
    pub entries: Arc<Vec<Entry>>,
    pub notes: ListingNotes,
}

impl Staged {
    /// Its entries, without "..".
    pub fn count(&self) -> usize {
        let up = self.entries.last().is_some_and(|e| e.name.is_parent_link());
        self.entries.len() - usize::from(up)
    }
}

/// An order asked of the engine and not yet answered.
#[derive(Debug, Clone)]
pub struct Arranging {
    pub ticket: RequestId,
    /// The listing it orders, when it is a new one (else the pane's own
    /// entries are re-sorted or filtered).
    pub staged: Option<Staged>,
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
    /// Shared with a job that orders them (big folders).
    pub entries: Arc<Vec<Entry>>,
    /// Lower-cased names as shown, parallel to `entries`.
    keys: Arc<SortKeys>,
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
    /// A big folder being ordered off the UI's path.
    pub arranging: Option<Arranging>,
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
            entries: Arc::default(),
            keys: Arc::default(),
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
            arranging: None,
            marked: HashSet::new(),
            shown_count: 0,
            all_count: 0,
        }
    }

    /// Replaces the entries with a fresh listing of `path`, ordered in
    /// place whatever its size (see [`PaneState::receive_listing`]). On a
    /// re-read of the same folder the cursor stays on its entry; in a new
    /// folder it starts at the top, or on `select`.
    pub fn set_listing(&mut self, path: Location, entries: Vec<Entry>, select: Option<&Name>) {
        let entries = self.with_parent_link(&path, entries);
        let keep = self.keep_for(&path, select);
        self.arrive(&path);
        self.keep_marks_in(&entries);
        self.keys = Arc::new(SortKeys::new(&entries, self.notes.encoding));
        self.entries = Arc::new(entries);
        // The old view indexes the old entries: never read it again.
        self.view.clear();
        self.path = path;
        self.rebuild_view(keep.as_ref());
    }

    /// A listing arrived with `notes`: a small one is shown at once; a big
    /// one waits (staged) for the job returned, and the pane shows what it
    /// showed until [`PaneState::arranged`] brings its order.
    pub fn receive_listing(
        &mut self,
        path: Location,
        entries: Vec<Entry>,
        notes: ListingNotes,
        select: Option<&Name>,
        ticket: RequestId,
    ) -> Option<ArrangeJob> {
        if entries.len() <= ORDER_IN_PLACE {
            self.arranging = None;
            self.notes = notes;
            self.set_listing(path, entries, select);
            return None;
        }
        let entries = Arc::new(self.with_parent_link(&path, entries));
        let mut spec = self.spec();
        if self.moves_to(&path) {
            // A new folder starts unfiltered.
            spec.filter.clear();
        }
        let job = ArrangeJob {
            ticket,
            side: self.side,
            entries: entries.clone(),
            keys: None,
            encoding: notes.encoding,
            spec,
            select: self.keep_for(&path, select),
        };
        self.arranging = Some(Arranging {
            ticket,
            staged: Some(Staged {
                path,
                entries,
                notes,
            }),
        });
        Some(job)
    }

    /// The sort, filter or hidden setting changed: a small folder is
    /// ordered again at once, a big one by the job returned (a listing
    /// still staged is ordered anew with the new setting).
    pub fn reorder(&mut self, ticket: RequestId) -> Option<ArrangeJob> {
        let staged = self.arranging.take().and_then(|a| a.staged);
        let (entries, keys, encoding, select) = match &staged {
            Some(st) => (st.entries.clone(), None, st.notes.encoding, None),
            None if self.entries.len() <= ORDER_IN_PLACE => {
                self.rebuild_view(None);
                return None;
            }
            None => (
                self.entries.clone(),
                Some(self.keys.clone()),
                self.notes.encoding,
                None,
            ),
        };
        let mut spec = self.spec();
        if let Some(st) = &staged
            && self.moves_to(&st.path)
        {
            spec.filter.clear();
        }
        self.arranging = Some(Arranging { ticket, staged });
        Some(ArrangeJob {
            ticket,
            side: self.side,
            entries,
            keys,
            encoding,
            spec,
            select,
        })
    }

    /// The engine ordered the folder: a staged listing is shown now, or
    /// the new order of the entries shown. `false` when the pane no longer
    /// waits for this answer.
    pub fn arranged(&mut self, done: Arranged) -> bool {
        let Some(asked) = self.arranging.take_if(|a| a.ticket == done.ticket) else {
            return false;
        };
        match asked.staged {
            Some(st) => {
                let moved = self.moves_to(&st.path);
                self.arrive(&st.path);
                self.keep_marks_in(&st.entries);
                self.notes = st.notes;
                self.entries = st.entries;
                self.path = st.path;
                self.keys = done.keys;
                self.view = done.view;
                self.cursor = done.selected.unwrap_or(if moved { 0 } else { self.cursor });
            }
            None => {
                // The entry under the cursor stays under it.
                let current = self.view.get(self.cursor).copied();
                self.keys = done.keys;
                self.view = done.view;
                if let Some(row) = current.and_then(|i| self.view.iter().position(|&j| j == i)) {
                    self.cursor = row;
                }
            }
        }
        self.cursor = self.cursor.min(self.view.len().saturating_sub(1));
        self.recount();
        true
    }

    /// Drops a listing that waits for its order (Esc): the pane keeps
    /// what it shows. Its path, when there was one.
    pub fn drop_staged(&mut self) -> Option<Location> {
        let asked = self.arranging.take_if(|a| a.staged.is_some())?;
        asked.staged.map(|st| st.path)
    }

    /// What the pane shows and in which order, as a job needs it.
    pub fn spec(&self) -> ViewSpec {
        ViewSpec {
            sort: self.sort,
            descending: self.descending,
            show_hidden: self.show_hidden,
            filter: self.filter.to_lowercase(),
        }
    }

    /// A listing of `path` would take the pane to another folder.
    fn moves_to(&self, path: &Location) -> bool {
        *path != self.path || !self.loaded
    }

    /// The ".." row, as in mc, so the mouse can go up too.
    fn with_parent_link(&self, path: &Location, mut entries: Vec<Entry>) -> Vec<Entry> {
        if path.parent().is_some() {
            entries.push(Entry::new("..".into(), EntryKind::Dir));
        }
        entries
    }

    /// Where the cursor goes in a listing of `path`: on `select`, or, on a
    /// re-read, on the entry it is on.
    fn keep_for(&self, path: &Location, select: Option<&Name>) -> Option<Name> {
        match select {
            Some(s) => Some(s.clone()),
            None if !self.moves_to(path) => self.current().map(|e| e.name.clone()),
            None => None,
        }
    }

    /// What every new listing of `path` does to the pane's state (but its
    /// entries): a new folder starts at the top, unfiltered and unmarked.
    fn arrive(&mut self, path: &Location) {
        if self.moves_to(path) {
            self.filter.clear();
            self.filter_editing = false;
            self.cursor = 0;
            self.offset = 0;
            self.marked.clear();
        }
        self.error = None;
        self.loaded = true;
    }

    /// A re-read keeps the marks of entries still there (a new folder
    /// has none: nothing to look for).
    fn keep_marks_in(&mut self, entries: &[Entry]) {
        if self.marked.is_empty() {
            return;
        }
        let marked = &self.marked;
        let present: HashSet<Name> = entries
            .iter()
            .filter(|e| marked.contains(&e.name))
            .map(|e| e.name.clone())
            .collect();
        self.marked = present;
    }

    /// Recomputes `view` in place after a change of entries, sort, filter
    /// or hidden setting, keeping the cursor on `keep` (or on the same
    /// entry) if it is still shown.
    pub fn rebuild_view(&mut self, keep: Option<&Name>) {
        let keep: Option<Name> = keep
            .cloned()
            .or_else(|| self.current().map(|e| e.name.clone()));
        self.view = view_of(&self.entries, &self.keys, &self.spec());
        self.recount();
        self.cursor = keep
            .and_then(|name| self.view.iter().position(|&i| self.entries[i].name == name))
            .unwrap_or_else(|| self.cursor.min(self.view.len().saturating_sub(1)));
    }

    /// The counts the footer shows, from `view` and `entries`.
    fn recount(&mut self) {
        let up = usize::from(
            self.view
                .first()
                .is_some_and(|&i| self.entries[i].name.is_parent_link()),
        );
        self.shown_count = self.view.len() - up;
        self.all_count = self.entries.len() - up;
    }

    /// A name as this pane shows it (decoded as its listing says).
    pub fn shown_name(&self, name: &Name) -> String {
        self.notes.encoding.decode(name.as_bytes()).into_owned()
    }

    /// The pane's folder as it is shown: a remote path decoded as the
    /// listing's names are (a path that is not UTF-8 where the listing's
    /// names were, as Latin-1: its folders' names came from listings that
    /// were decoded so).
    pub fn shown_path(&self) -> String {
        match &self.path {
            Location::Local(_) => self.path.display().into_owned(),
            Location::Remote(p) => {
                let encoding = match self.notes.encoding {
                    NameEncoding::Utf8 | NameEncoding::Auto => {
                        NameEncoding::Auto.resolve(std::iter::once(p.as_bytes()))
                    }
                    other => other,
                };
                encoding.decode(p.as_bytes()).into_owned()
            }
        }
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
    fn a_remote_path_is_shown_decoded_as_the_listing_says() {
        let path = Location::Remote(crate::engine::protocol::RemotePath::from_bytes(
            b"/pub/\xcf\xf0\xe8/caf\xe9".to_vec(),
        ));
        let mut p = PaneState::new(path.clone());
        p.notes.encoding = NameEncoding::Other(encoding_rs::WINDOWS_1251);
        p.set_listing(path.clone(), vec![], None);
        assert_eq!(p.shown_path(), "/pub/При/cafй");
        // Names all UTF-8 here, the path's folders were not: Latin-1.
        p.notes.encoding = NameEncoding::Utf8;
        assert_eq!(p.shown_path(), "/pub/Ïðè/café");
        p.path = Location::Remote("/pub/日本".into());
        assert_eq!(p.shown_path(), "/pub/日本");
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
