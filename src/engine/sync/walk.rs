//! Reading each side of a sync into a [`Tree`]: every entry below the
//! root by its path. The remote side is listed several folders at once
//! (`fileops/walk.rs`); the local one on a blocking thread. Links are
//! recorded as links and never walked into, on either side. wharf's own
//! partial files (`.name.wharf-part`) are not part of either tree: they are
//! neither copied nor deleted.
//!
//! A folder that cannot be read is named in `unreadable`: the plan leaves
//! out everything at and below it, so a folder that failed to list on the
//! source never makes its copy on the target look like extras to delete.

use std::collections::HashMap;
use std::path::Path;

use tokio_util::sync::CancellationToken;

use super::compare::{SyncEntry, Tree};
use crate::engine::fileops::walk::walk;
use crate::engine::fileops::{Connections, Reporter};
use crate::engine::protocol::{
    EntryKind, Failure, FailureKind, Location, ModTime, Name, RelPath, RemotePath,
};
use crate::engine::transfer::job::is_part_name;

/// One side, read.
#[derive(Debug, Default)]
pub struct Walked {
    pub tree: Tree,
    /// Folders (below the root) whose listing failed.
    pub unreadable: Vec<RelPath>,
    /// The root is not there (a target not made yet): an empty tree.
    pub missing_root: bool,
    /// The server's path of each entry whose name was decoded (remote
    /// side only; see `SyncPlan::server_names`).
    pub server_names: std::collections::BTreeMap<RelPath, RemotePath>,
    /// Why the root could not be listed, when the server said (vsftpd
    /// says "Failed to change directory" of a missing folder).
    pub root_refused: Option<Failure>,
}

/// Reads the local tree under `root`. Blocking. Fails only when the root
/// itself cannot be read (a missing root is `missing_root`).
pub fn local_tree(
    root: &Path,
    rep: &Reporter,
    stop: &CancellationToken,
) -> Result<Walked, Failure> {
    let mut out = Walked::default();
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Failure::new(
                FailureKind::Protocol,
                format!("{}: not a folder", root.display()),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            out.missing_root = true;
            return Ok(out);
        }
        Err(e) => return Err(Failure::local(&root.display().to_string(), &e)),
    }
    let mut stack = vec![(root.to_path_buf(), RelPath::default())];
    while let Some((dir, rel)) = stack.pop() {
        if stop.is_cancelled() {
            return Err(Failure::new(FailureKind::Cancelled, "cancelled"));
        }
        let read = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if rel.parts().is_empty() => {
                return Err(Failure::local(&dir.display().to_string(), &e));
            }
            Err(e) => {
                rep.failed(
                    Location::Local(dir.clone()),
                    Failure::local(&dir.display().to_string(), &e),
                );
                out.unreadable.push(rel);
                continue;
            }
        };
        let mut bytes = 0;
        let mut count = 0;
        for child in read {
            let Ok(child) = child else { continue };
            let name = Name::from_os(&child.file_name());
            if is_part_name(name.as_bytes()) {
                continue;
            }
            let path = rel.join(&name);
            // Not followed: a link is reported, never copied through.
            let meta = match std::fs::symlink_metadata(child.path()) {
                Ok(m) => m,
                Err(e) => {
                    rep.failed(
                        Location::Local(child.path()),
                        Failure::local(&child.path().display().to_string(), &e),
                    );
                    out.unreadable.push(path);
                    continue;
                }
            };
            let ft = meta.file_type();
            let kind = if ft.is_symlink() {
                EntryKind::Symlink
            } else if ft.is_dir() {
                stack.push((child.path(), path.clone()));
                EntryKind::Dir
            } else if ft.is_file() {
                bytes += meta.len();
                EntryKind::File
            } else {
                EntryKind::Other
            };
            count += 1;
            out.tree.insert(
                path,
                SyncEntry {
                    kind,
                    size: if kind == EntryKind::File {
                        meta.len()
                    } else {
                        0
                    },
                    modified: meta.modified().ok().map(ModTime::from_system),
                    digest: None,
                },
            );
        }
        rep.listed(count, bytes);
    }
    Ok(out)
}

/// Reads the remote tree under `root`, several folders at once. Names are
/// kept as the local side would have them (decoded from the server's
/// encoding), so the two trees meet path by path. Fails when the root
/// cannot be listed, unless it is not there (`missing_root`).
pub async fn remote_tree(
    conns: &mut Connections,
    root: &RemotePath,
    rep: &Reporter,
) -> Result<Walked, Failure> {
    let encoding = conns.profile().listing.encoding;
    let mut out = Walked::default();
    let mut root_failure = None;
    // Each folder queued by the walk, with its path below the root.
    let mut below: HashMap<RemotePath, RelPath> =
        HashMap::from([(root.clone(), RelPath::default())]);
    let walked = walk(conns, vec![root.clone()], &mut |folder, listing| {
        let rel = below.remove(folder).unwrap_or_default();
        let entries = match listing {
            Ok(entries) => entries,
            Err(e) if folder == root => {
                root_failure = Some(e.failure());
                return;
            }
            Err(e) => {
                rep.failed(Location::Remote(folder.clone()), e.failure());
                out.unreadable.push(rel);
                return;
            }
        };
        let enc = encoding.resolve(entries.iter().map(|e| e.name.as_bytes()));
        rep.listed_entries(&entries);
        for e in &entries {
            if is_part_name(e.name.as_bytes()) {
                continue;
            }
            let local_name = enc.to_local(&e.name);
            let path = rel.join(&local_name);
            // A decoded name, or one below a decoded folder: the server's
            // own path is kept for asking for it.
            if local_name != e.name || out.server_names.contains_key(&rel) {
                out.server_names.insert(path.clone(), folder.join(&e.name));
            }
            if e.kind == EntryKind::Dir {
                below.insert(folder.join(&e.name), path.clone());
            }
            out.tree.insert(path, SyncEntry::from(e));
        }
    })
    .await;
    if let Err(e) = walked {
        return Err(e.failure());
    }
    // A refusal (a reply, not a broken connection) is taken as "not
    // there": for a target that is safe (nothing is deleted from an empty
    // tree, and making the folder fails with the server's reason if it is
    // there after all); a source that is not there fails the plan.
    match root_failure {
        Some(f)
            if matches!(
                f.kind,
                FailureKind::NotFound | FailureKind::Permission | FailureKind::Server
            ) =>
        {
            out.missing_root = true;
            out.root_refused = Some(f);
            Ok(out)
        }
        Some(f) => Err(f),
        None => Ok(out),
    }
}
