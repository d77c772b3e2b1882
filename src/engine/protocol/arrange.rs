//! The order a pane shows a folder in: which entries are shown (hidden
//! files, the filter) and how they are sorted (folders first, then by
//! name, size or time, either way; one [`compare`] for every folder).
//!
//! Sorting a million names takes longer than a key may wait (about a
//! second in a release build), so a pane orders a big folder off the UI's
//! path: it sends an [`ArrangeJob`] (the entries shared, not copied), the
//! engine runs it on a blocking thread and answers with [`Arranged`]. A
//! small folder is ordered in place by the same [`view_of`].
//!
//! The sort keys (lower-cased names, as shown) are computed once per
//! listing, all in one buffer: 4 bytes and the name's length per entry,
//! where a `String` each would cost 56.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use super::encoding::NameEncoding;
use super::entry::Entry;
use super::ids::{RequestId, Side};
use super::path::Name;

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

/// What a pane shows of a folder and in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSpec {
    pub sort: SortKey,
    /// False: ascending (A→Z, smallest, oldest first; the header shows ↑),
    /// true: descending (↓), for every key alike.
    pub descending: bool,
    pub show_hidden: bool,
    /// Lower-cased; empty: no filter.
    pub filter: String,
}

/// Lower-cased names as a pane shows them, one per entry, in one buffer.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct SortKeys {
    text: String,
    /// Where each key ends in `text`.
    ends: Vec<u32>,
}

impl SortKeys {
    /// The keys of `entries`, their names decoded as `encoding` says.
    pub fn new(entries: &[Entry], encoding: NameEncoding) -> SortKeys {
        let mut keys = SortKeys {
            text: String::new(),
            ends: Vec::with_capacity(entries.len()),
        };
        for e in entries {
            let shown = encoding.decode(e.name.as_bytes());
            // Most names have no upper case: no allocation for those.
            if shown.chars().any(char::is_uppercase) {
                keys.text.push_str(&shown.to_lowercase());
            } else {
                keys.text.push_str(&shown);
            }
            // Past 4 GiB of names (no folder has that) keys come out empty.
            keys.ends
                .push(u32::try_from(keys.text.len()).unwrap_or(u32::MAX));
        }
        keys.text.shrink_to_fit();
        keys
    }

    /// Entry `i`'s key ("" past the end).
    pub fn get(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.ends.get(p).copied().unwrap_or(u32::MAX),
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0);
        let (start, end) = (start as usize, end as usize);
        self.text.get(start..end).unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl fmt::Debug for SortKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SortKeys({} names)", self.ends.len())
    }
}

/// The indices of the entries shown, in the order shown (see [`compare`]).
/// Small and big folders alike go through here, so both are ordered the
/// same way.
pub fn view_of(entries: &[Entry], keys: &SortKeys, spec: &ViewSpec) -> Vec<usize> {
    let mut view: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            let e = &entries[i];
            if e.name.is_parent_link() {
                return true;
            }
            (spec.show_hidden || !e.is_hidden())
                && (spec.filter.is_empty() || keys.get(i).contains(&spec.filter))
        })
        .collect();
    let (sort, descending) = (spec.sort, spec.descending);
    view.sort_unstable_by(|&a, &b| {
        compare(
            &entries[a],
            keys.get(a),
            &entries[b],
            keys.get(b),
            sort,
            descending,
        )
    });
    view
}

/// The one order of a pane's entries: ".." before all, folders first,
/// then by the chosen key, ascending unless `descending`; names (their
/// keys, then their bytes) break ties, A→Z whichever way the key goes.
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

/// Order a pane's folder off the UI's path.
#[derive(Clone)]
pub struct ArrangeJob {
    /// Answers carry it; a pane takes only the answer to its last job.
    pub ticket: RequestId,
    pub side: Side,
    pub entries: Arc<Vec<Entry>>,
    /// The keys when the pane has them already (a re-sort), else made
    /// from the names decoded as `encoding` says.
    pub keys: Option<Arc<SortKeys>>,
    pub encoding: NameEncoding,
    pub spec: ViewSpec,
    /// The row of this name is wanted too (where the cursor goes).
    pub select: Option<Name>,
}

impl fmt::Debug for ArrangeJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ArrangeJob")
            .field("ticket", &self.ticket)
            .field("side", &self.side)
            .field("entries", &self.entries.len())
            .field("spec", &self.spec)
            .field("select", &self.select)
            .finish_non_exhaustive()
    }
}

/// A folder ordered: the answer to an [`ArrangeJob`].
#[derive(Clone)]
pub struct Arranged {
    pub ticket: RequestId,
    pub side: Side,
    pub keys: Arc<SortKeys>,
    pub view: Vec<usize>,
    /// The row (in `view`) of the job's `select`, when shown.
    pub selected: Option<usize>,
}

impl fmt::Debug for Arranged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arranged")
            .field("ticket", &self.ticket)
            .field("side", &self.side)
            .field("rows", &self.view.len())
            .field("selected", &self.selected)
            .finish_non_exhaustive()
    }
}

impl ArrangeJob {
    /// Orders the folder (a blocking call: a second for a million names);
    /// `None` when `still_wanted` says, before the sort, that the pane has
    /// asked for another order since.
    pub fn run(self, still_wanted: impl Fn() -> bool) -> Option<Arranged> {
        let keys = match self.keys {
            Some(k) => k,
            None => Arc::new(SortKeys::new(&self.entries, self.encoding)),
        };
        if !still_wanted() {
            return None;
        }
        let view = view_of(&self.entries, &keys, &self.spec);
        let selected = self
            .select
            .and_then(|name| view.iter().position(|&i| self.entries[i].name == name));
        Some(Arranged {
            ticket: self.ticket,
            side: self.side,
            keys,
            view,
            selected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::entry::EntryKind;

    fn entries(names: &[&str]) -> Vec<Entry> {
        names
            .iter()
            .map(|n| Entry::new((*n).into(), EntryKind::File))
            .collect()
    }

    #[test]
    fn keys_are_lower_cased_names_in_one_buffer() {
        let e = entries(&["Zeta", "alpha", "", "ÉTÉ"]);
        let keys = SortKeys::new(&e, NameEncoding::Utf8);
        assert_eq!(keys.len(), 4);
        let all: Vec<&str> = (0..4).map(|i| keys.get(i)).collect();
        assert_eq!(all, ["zeta", "alpha", "", "été"]);
        assert_eq!(keys.get(9), "");
    }

    #[test]
    fn keys_decode_names_as_the_listing_says() {
        let e = vec![Entry::new(
            Name::from_bytes(b"CAF\xc9.txt"),
            EntryKind::File,
        )];
        let keys = SortKeys::new(&e, NameEncoding::Latin1);
        assert_eq!(keys.get(0), "café.txt");
    }

    #[test]
    fn a_job_orders_and_finds_the_selected_row() {
        let e = entries(&["b", "C", "a", ".hidden"]);
        let job = ArrangeJob {
            ticket: RequestId(7),
            side: Side::Remote,
            entries: Arc::new(e),
            keys: None,
            encoding: NameEncoding::Utf8,
            spec: ViewSpec {
                sort: SortKey::Name,
                descending: false,
                show_hidden: false,
                filter: String::new(),
            },
            select: Some("C".into()),
        };
        let done = job.clone().run(|| true).expect("wanted");
        assert_eq!(done.view, [2, 0, 1]);
        assert_eq!(done.selected, Some(2));
        assert_eq!(done.ticket, RequestId(7));
        assert!(job.run(|| false).is_none());
    }
}
