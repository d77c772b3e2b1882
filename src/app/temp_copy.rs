//! What the viewer and the editor share: the file under the cursor, a
//! private folder for a remote file's copy, and the request that fetches
//! it there through the transfer queue (the same download path as F5:
//! a `.name.wharf-part` file renamed when complete).

use std::path::PathBuf;

use super::state::AppState;
use crate::engine::protocol::{
    BatchId, Entry, EntryKind, Location, Name, OnExisting, RelPath, RemotePath, TransferItem,
    TransferRequest,
};

/// The file under the focused pane's cursor, or why there is none.
pub fn current_file(state: &AppState) -> Result<Entry, &'static str> {
    match state.pane(state.focus).current() {
        None => Err("No file under the cursor"),
        Some(e) if e.name.is_parent_link() || e.kind == EntryKind::Dir => {
            Err("That is a folder: Enter opens it")
        }
        Some(e) => Ok(e.clone()),
    }
}

/// A private folder (0700) for a remote file's copy; removed when dropped.
pub fn private_temp(prefix: &str) -> std::io::Result<tempfile::TempDir> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix(prefix)
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
}

/// A remote file's copy in `dir`: the request that fetches it, the name
/// it gets there, and its path while arriving and when complete.
pub struct Fetching {
    pub request: TransferRequest,
    pub local_name: Name,
    pub part: PathBuf,
    pub full: PathBuf,
}

pub fn fetch(
    state: &AppState,
    batch: BatchId,
    remote: RemotePath,
    entry: &Entry,
    dir: &std::path::Path,
) -> Fetching {
    let local_name = state.remote.notes.encoding.to_local(&entry.name);
    let full = dir.join(local_name.as_os());
    let mut part_name = std::ffi::OsString::from(".");
    part_name.push(local_name.as_os());
    part_name.push(".wharf-part");
    let part = dir.join(part_name);
    let request = TransferRequest {
        batch,
        items: vec![TransferItem {
            source: Location::Remote(remote),
            is_dir: false,
            size: (entry.kind == EntryKind::File).then_some(entry.size),
            modified: entry.modified,
            target_name: local_name.clone(),
            subdir: RelPath::default(),
        }],
        target_dir: Location::Local(dir.to_path_buf()),
        on_existing: OnExisting::Overwrite,
        move_after: false,
        folders: Vec::new(),
        verify: false,
    };
    Fetching {
        request,
        local_name,
        part,
        full,
    }
}
