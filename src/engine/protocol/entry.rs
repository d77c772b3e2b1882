//! One entry of a folder listing, local or remote. Both panes hold these.

use chrono::NaiveDateTime;

use super::path::Name;

/// What kind of thing an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    /// A symbolic link; `Entry::link_target` holds its target when known.
    Symlink,
    /// Devices, sockets, pipes: shown, never transferred.
    Other,
}

/// A folder entry as the panes show it.
///
/// Names are kept exactly as the server (or the local file system) gave
/// them, as bytes; they are decoded, and control characters escaped, only
/// when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: Name,
    pub kind: EntryKind,
    /// Size in bytes (0 when the listing does not say).
    pub size: u64,
    /// Modification time as the listing gives it (MLSD: UTC; LIST: server-local).
    pub modified: Option<NaiveDateTime>,
    /// Unix permissions as text, e.g. `drwxr-xr-x`, when the listing gives them.
    pub permissions: Option<String>,
    /// For symlinks: the target when the listing shows it (`a -> b`).
    pub link_target: Option<String>,
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Dir
    }

    /// Hidden as `ls` means it: the name starts with a dot.
    pub fn is_hidden(&self) -> bool {
        self.name.is_hidden()
    }
}
