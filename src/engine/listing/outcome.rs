//! What parsing one line gives, shared by every family (and an entry's
//! owner and group, read by `owner.rs`).

use crate::engine::protocol::{Entry, EntryKind, Name};

/// The outcome for one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedLine {
    Entry(Entry),
    /// `.`, `..`, `total N`, headers, cdir/pdir, blank: nothing to show.
    Skip,
    /// A line that cannot be read: counted and logged, never guessed into
    /// an entry.
    Unreadable,
    /// The first half of an entry written over two lines (VMS): the next
    /// line completes it.
    Pending,
}

/// An entry for `name`, or `Skip` for `.` and `..`, or `Unreadable` for an
/// empty name.
pub fn entry_or_skip(name: &[u8], kind: EntryKind, fill: impl FnOnce(&mut Entry)) -> ParsedLine {
    if name.is_empty() {
        return ParsedLine::Unreadable;
    }
    if name == b"." || name == b".." {
        return ParsedLine::Skip;
    }
    let mut e = Entry::new(Name::from_bytes(name), kind);
    fill(&mut e);
    ParsedLine::Entry(e)
}

/// An entry's owner and group, as the server wrote them (a name, or a
/// number when it gives no name); `None` when it did not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    pub owner: Option<Vec<u8>>,
    pub group: Option<Vec<u8>>,
}

impl Owner {
    /// Whether the server said anything.
    pub fn is_known(&self) -> bool {
        self.owner.is_some() || self.group.is_some()
    }
}
