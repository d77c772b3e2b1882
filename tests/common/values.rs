//! Values of the message types, built the short way: listing entries,
//! locations on either side, transfer items and requests.
#![allow(dead_code)]

use std::path::Path;

use wharf::engine::protocol::{
    BatchId, Entry, EntryKind, Location, Name, OnExisting, RelPath, RemotePath, TransferItem,
    TransferRequest,
};

/// An entry with no time, permissions or link target.
pub fn entry(name: &str, kind: EntryKind, size: u64) -> Entry {
    Entry {
        name: name.into(),
        kind,
        size,
        modified: None,
        permissions: None,
        link_target: None,
    }
}

pub fn file(name: &str, size: u64) -> Entry {
    entry(name, EntryKind::File, size)
}

pub fn dir(name: &str) -> Entry {
    entry(name, EntryKind::Dir, 0)
}

/// A path on the server.
pub fn remote(path: &str) -> Location {
    Location::Remote(RemotePath::from(path))
}

/// A path on this machine.
pub fn local(path: impl AsRef<Path>) -> Location {
    Location::Local(path.as_ref().to_path_buf())
}

/// `source` to copy under its own name, its size and time unknown (the
/// engine looks them up).
pub fn item(source: Location, is_dir: bool) -> TransferItem {
    let name = source.file_name().expect("the source has a name");
    item_as(source, is_dir, name)
}

/// `source` to copy as `target_name`.
pub fn item_as(source: Location, is_dir: bool, target_name: impl Into<Name>) -> TransferItem {
    TransferItem {
        source,
        is_dir,
        size: None,
        modified: None,
        target_name: target_name.into(),
        subdir: RelPath::default(),
    }
}

/// Copy `items` into `target_dir` (its side says which way), not a move.
pub fn request(
    batch: u64,
    items: Vec<TransferItem>,
    target_dir: Location,
    on_existing: OnExisting,
) -> TransferRequest {
    TransferRequest {
        batch: BatchId(batch),
        items,
        target_dir,
        on_existing,
        move_after: false,
        folders: Vec::new(),
        verify: false,
    }
}
