//! Room on the local disk for downloads: whether a batch fits before it
//! starts, and which queued files share a disk that has just filled up.
//!
//! Blocking (statvfs, stat): called from blocking threads, or once per
//! "disk full" from the scheduler, where a stat per queued file costs
//! microseconds.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::job::{Job, local_part_path};
use crate::engine::protocol::Direction;

/// A download batch needs more room than its disk has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// The folder the files go to (on the disk that is short).
    pub folder: PathBuf,
    /// Bytes the batch's files on that disk add up to.
    pub needed: u64,
    /// Bytes free there for us (what statvfs calls available).
    pub free: u64,
}

/// The nearest folder of `path` (itself included) that exists: a download's
/// target folder may not have been made yet.
fn existing_ancestor(path: &Path) -> Option<&Path> {
    path.ancestors().find(|p| p.is_dir())
}

/// Which disk (device) `path` would be written to.
pub fn disk_of(path: &Path) -> Option<u64> {
    existing_ancestor(path)
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.dev())
}

/// Bytes free for us on the disk holding `path`.
pub fn free_on(path: &Path) -> Option<u64> {
    existing_ancestor(path).and_then(|p| fs4::available_space(p).ok())
}

/// The first disk that the downloads among `jobs` would overfill: their
/// sizes are added up per disk (files of unknown size count nothing) and
/// compared with its free space. A partial file that is to be continued
/// only needs what is still missing.
pub fn shortfall(jobs: &[Job]) -> Option<Shortfall> {
    // (disk, first folder seen on it, bytes), in the order the disks
    // first appear; a batch rarely spans more than one.
    let mut disks: Vec<(u64, PathBuf, u64)> = Vec::new();
    for job in jobs.iter().filter(|j| j.direction == Direction::Download) {
        let Some(size) = job.size else { continue };
        let Some(folder) = job.local.parent() else {
            continue;
        };
        let Some(disk) = disk_of(folder) else {
            continue;
        };
        let needed = size.saturating_sub(already_there(job));
        match disks.iter_mut().find(|(d, ..)| *d == disk) {
            Some((_, _, bytes)) => *bytes += needed,
            None => disks.push((disk, folder.to_path_buf(), needed)),
        }
    }
    disks.into_iter().find_map(|(_, folder, needed)| {
        let free = free_on(&folder)?;
        (needed > free).then_some(Shortfall {
            folder,
            needed,
            free,
        })
    })
}

/// Bytes of a job's file already on disk that it will continue from.
fn already_there(job: &Job) -> u64 {
    job.resume_part
        .then(|| local_part_path(&job.local))
        .flatten()
        .and_then(|part| std::fs::metadata(part).ok())
        .map_or(0, |m| m.len())
}

/// Whether `path` is on `disk` (see [`disk_of`]).
pub fn is_on(path: &Path, disk: u64) -> bool {
    disk_of(path) == Some(disk)
}

/// Whether an I/O error means the disk (or the user's quota) is full.
pub fn is_full(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(e.kind(), K::StorageFull | K::QuotaExceeded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_not_made_yet_is_on_the_disk_of_its_nearest_existing_parent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let deep = dir.path().join("a/b/c");
        assert_eq!(disk_of(&deep), disk_of(dir.path()));
        assert!(disk_of(dir.path()).is_some());
        assert!(free_on(&deep).is_some());
    }

    #[test]
    fn storage_full_and_quota_are_a_full_disk_other_errors_are_not() {
        let full = std::io::Error::from_raw_os_error(28); // ENOSPC
        let quota = std::io::Error::from_raw_os_error(122); // EDQUOT
        let denied = std::io::Error::from_raw_os_error(13); // EACCES
        assert!(is_full(&full));
        assert!(is_full(&quota));
        assert!(!is_full(&denied));
    }
}
