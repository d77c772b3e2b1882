//! The file operations on the local side, through the file system. Every
//! function here blocks: `run.rs` calls them on a blocking thread. Links
//! are never followed into: a recursive delete removes a link as a link,
//! find and chmod do not walk through one.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::report::Reporter;
use crate::engine::local::list as list_folder;
use crate::engine::protocol::{
    Below, Entry, EntryKind, Failure, FailureKind, FileOp, Location, NamePattern, Target,
};

/// Runs one local operation to its end (or until `cancel`).
pub fn run(op: FileOp, rep: &Reporter, cancel: &CancellationToken) {
    match op {
        FileOp::MakeDir { path, parents } => one(rep, &path, |p| mkdir(p, parents)),
        FileOp::Rename { from, to, replace } => match to.as_local() {
            Some(to) => one(rep, &from, |p| rename(p, to, replace)),
            None => rep.failed(from, across_sides()),
        },
        FileOp::Chmod {
            targets,
            mode,
            below,
        } => {
            rep.seen(targets.len());
            for t in targets {
                if let Some(p) = t.as_local() {
                    chmod(p, mode, below, rep, cancel);
                }
            }
        }
        FileOp::Delete { targets } => {
            rep.seen(targets.len());
            for t in targets {
                if cancel.is_cancelled() {
                    return;
                }
                if let Some(p) = t.path.as_local() {
                    delete(p, rep, cancel);
                }
            }
        }
        FileOp::Count { targets } => count(&targets, rep, cancel),
        FileOp::Find { root, pattern } => {
            if let Some(p) = root.as_local() {
                find(p, &pattern, rep, cancel);
            }
        }
        FileOp::Details { path } => {
            let Some(p) = path.as_local() else { return };
            match super::local_owner::owner_of(p) {
                Ok((owner, group)) => rep.details(Some(owner), Some(group)),
                Err(e) => rep.failed(path.clone(), fail(p, &e)),
            }
        }
    }
}

/// Counts what `delete` would remove (`FileOp::Count`), changing nothing;
/// links are counted as entries, never followed.
fn count(targets: &[Target], rep: &Reporter, cancel: &CancellationToken) {
    let mut queue = Vec::new();
    for t in targets {
        match t.path.as_local() {
            Some(p) if t.kind == EntryKind::Dir => queue.push(p.to_path_buf()),
            _ => {}
        }
    }
    rep.counted(targets.len() - queue.len(), queue.len(), 0);
    while let Some(dir) = queue.pop() {
        if cancel.is_cancelled() {
            return;
        }
        match children(&dir) {
            Ok(entries) => {
                let (mut files, mut folders, mut bytes) = (0, 0, 0);
                for (p, m) in entries {
                    if m.is_dir() {
                        folders += 1;
                        queue.push(p);
                    } else {
                        files += 1;
                        if m.is_file() {
                            bytes += m.len();
                        }
                    }
                }
                rep.counted(files, folders, bytes);
            }
            Err(f) => rep.failed(Location::Local(dir), f),
        }
    }
}

/// A rename from one side to the other: that is a copy, not a rename.
pub fn across_sides() -> Failure {
    Failure::new(
        FailureKind::LocalIo,
        "a rename stays on one side: copy (F5) or move (F6) to the other",
    )
}

/// One change to one path, counted or reported.
fn one(rep: &Reporter, path: &Location, f: impl FnOnce(&Path) -> Result<(), Failure>) {
    rep.seen(1);
    let Some(p) = path.as_local() else {
        return;
    };
    match f(p) {
        Ok(()) => rep.done(1),
        Err(e) => rep.failed(path.clone(), e),
    }
}

fn fail(path: &Path, e: &io::Error) -> Failure {
    Failure::local(&path.display().to_string(), e)
}

fn exists(path: &Path, what: &str) -> Failure {
    Failure::new(
        FailureKind::Exists,
        format!("{what} exists at {}", path.display()),
    )
}

pub fn mkdir(path: &Path, parents: bool) -> Result<(), Failure> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() && parents => return Ok(()),
        Ok(m) if m.is_dir() => return Err(exists(path, "a folder")),
        Ok(_) => return Err(exists(path, "a file")),
        Err(_) => {}
    }
    let r = if parents {
        fs::create_dir_all(path)
    } else {
        fs::create_dir(path)
    };
    r.map_err(|e| fail(path, &e))
}

pub fn rename(from: &Path, to: &Path, replace: bool) -> Result<(), Failure> {
    match fs::symlink_metadata(to) {
        Ok(m) if m.is_dir() => return Err(exists(to, "a folder")),
        Ok(_) if !replace => return Err(exists(to, "a file")),
        _ => {}
    }
    fs::rename(from, to).map_err(|e| fail(from, &e))
}

fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o7777))
}

fn chmod(path: &Path, mode: u32, below: Below, rep: &Reporter, cancel: &CancellationToken) {
    match set_mode(path, mode) {
        Ok(()) => rep.done(1),
        Err(e) => rep.failed(Location::Local(path.into()), fail(path, &e)),
    }
    let is_dir = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if !below.any() || !is_dir {
        return;
    }
    let mut queue = vec![path.to_path_buf()];
    while let Some(dir) = queue.pop() {
        if cancel.is_cancelled() {
            return;
        }
        let entries = match children(&dir) {
            Ok(es) => es,
            Err(f) => {
                rep.failed(Location::Local(dir), f);
                continue;
            }
        };
        rep.listed(entries.len(), 0);
        for (p, m) in entries {
            let wanted = if m.is_dir() {
                queue.push(p.clone());
                below.folders
            } else {
                m.is_file() && below.files
            };
            if wanted {
                match set_mode(&p, mode) {
                    Ok(()) => rep.done(1),
                    Err(e) => rep.failed(Location::Local(p.clone()), fail(&p, &e)),
                }
            }
        }
    }
}

/// A folder's entries with their own metadata (links not followed).
fn children(dir: &Path) -> Result<Vec<(PathBuf, fs::Metadata)>, Failure> {
    let rd = fs::read_dir(dir).map_err(|e| fail(dir, &e))?;
    let mut out = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        if let Ok(m) = fs::symlink_metadata(&p) {
            out.push((p, m));
        }
    }
    Ok(out)
}

/// Deletes `path` and, for a folder, everything in it. Returns whether it
/// is gone (an entry below that could not go keeps its folders).
fn delete(path: &Path, rep: &Reporter, cancel: &CancellationToken) -> bool {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        // Gone already: that is what was asked.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            rep.done(1);
            return true;
        }
        Err(e) => {
            rep.failed(Location::Local(path.into()), fail(path, &e));
            return false;
        }
    };
    if meta.is_dir() {
        let entries = match children(path) {
            Ok(es) => es,
            Err(f) => {
                rep.failed(Location::Local(path.into()), f);
                return false;
            }
        };
        let bytes = entries
            .iter()
            .filter(|(_, m)| m.is_file())
            .map(|(_, m)| m.len())
            .sum();
        rep.listed(entries.len(), bytes);
        let mut all_gone = true;
        for (p, _) in entries {
            if cancel.is_cancelled() {
                return false;
            }
            all_gone &= delete(&p, rep, cancel);
        }
        if !all_gone {
            return false;
        }
    }
    let r = if meta.is_dir() {
        fs::remove_dir(path)
    } else {
        fs::remove_file(path)
    };
    match r {
        Ok(()) => {
            rep.done(1);
            true
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            rep.done(1);
            true
        }
        Err(e) => {
            rep.failed(Location::Local(path.into()), fail(path, &e));
            false
        }
    }
}

fn find(root: &Path, pattern: &NamePattern, rep: &Reporter, cancel: &CancellationToken) {
    let mut queue = std::collections::VecDeque::from([root.to_path_buf()]);
    while let Some(dir) = queue.pop_front() {
        if cancel.is_cancelled() {
            return;
        }
        let entries: Vec<Entry> = match list_folder(&dir) {
            Ok(es) => es,
            Err(e) => {
                rep.failed(Location::Local(dir), e.failure());
                continue;
            }
        };
        rep.listed(entries.len(), 0);
        let mut hits = Vec::new();
        for e in entries {
            let path = dir.join(e.name.as_os());
            if e.is_dir() {
                queue.push_back(path.clone());
            }
            if pattern.matches(&e.name.display()) {
                hits.push((Location::Local(path), e));
            }
        }
        rep.done(hits.len());
        rep.found(hits);
    }
}
