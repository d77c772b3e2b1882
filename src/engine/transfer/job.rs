//! One file to move from one side to the other, as the scheduler and the
//! workers see it (every path already resolved and checked), and how moving
//! it ended.

use std::path::PathBuf;

use crate::engine::protocol::{
    BatchId, Direction, Failure, FileFacts, HashAlgo, ModTime, Name, OnExisting, RemotePath,
    TransferId, TransferState,
};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: TransferId,
    pub batch: BatchId,
    pub direction: Direction,
    /// Shown to the user: the path below the batch's target folder.
    pub display: String,
    /// The remote file (source of a download, target of an upload).
    pub remote: RemotePath,
    /// The local file (target of a download, source of an upload). Checked
    /// to lie inside the chosen target folder for downloads.
    pub local: PathBuf,
    /// Size of the source, when known before the transfer.
    pub size: Option<u64>,
    /// Modification time of the source (UTC for remote MLSD and local files).
    pub modified: Option<ModTime>,
    /// Whether `modified` is exact (MLSD, local) or a LIST guess that MDTM
    /// should replace.
    pub modified_exact: bool,
    /// The target as it was when the batch was planned, if it existed.
    pub existing: Option<FileFacts>,
    /// The existing target's permission bits (`0o755`), when its side
    /// tells them: a target replaced through a temporary name gets them
    /// back (the new file would otherwise have the default mode).
    pub existing_mode: Option<u32>,
    /// Names already taken in the target folder, for "Rename".
    pub taken: std::sync::Arc<std::collections::HashSet<Name>>,
    /// What to do with an existing target, once decided.
    pub on_existing: OnExisting,
    /// Delete the source once the copy is verified.
    pub move_after: bool,
    /// Continue the partial `.name.wharf-part` from an earlier run (a job
    /// of the saved queue) instead of starting it afresh.
    pub resume_part: bool,
    /// Check the copy against the server's hash before it takes its name
    /// (the request asked and config.toml's `verify` agrees, or `verify =
    /// "always"`); a server without one checks nothing.
    pub verify: bool,
}

impl Job {
    /// The target path on its own side, for messages.
    pub fn target_text(&self) -> String {
        match self.direction {
            Direction::Download => self.local.display().to_string(),
            Direction::Upload => self.remote.to_string(),
        }
    }
}

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Done, and checked against the server's checksum.
    Verified(HashAlgo),
    /// Done; the note says what did not go as asked (the mode of a
    /// replaced file could not be kept).
    DoneWithNote(String),
    Failed(Failure),
    Cancelled,
    Skipped(String),
}

impl Outcome {
    /// The state the UI shows for it.
    pub fn state(&self) -> TransferState {
        match self {
            Outcome::Done => TransferState::Done,
            Outcome::Verified(algo) => TransferState::Verified(*algo),
            Outcome::DoneWithNote(n) => TransferState::DoneWithNote(n.clone()),
            Outcome::Failed(w) => TransferState::Failed(w.clone()),
            Outcome::Cancelled => TransferState::Cancelled,
            Outcome::Skipped(w) => TransferState::Skipped(w.clone()),
        }
    }
}

/// The first free name of the form `stem (n).ext` among `taken`.
pub fn free_name(name: &Name, taken: &std::collections::HashSet<Name>) -> Name {
    let bytes = name.as_bytes();
    let (stem, ext) = match bytes.iter().rposition(|&b| b == b'.') {
        Some(i) if i > 0 => bytes.split_at(i),
        _ => (bytes, &[][..]),
    };
    (1..10_000)
        .map(|n| Name::from_bytes([stem, format!(" ({n})").as_bytes(), ext].concat()))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| Name::from_bytes([bytes, b".copy"].concat()))
}

/// The temporary name a file is written under before it is complete.
pub fn part_name(name: &Name) -> Name {
    Name::from_bytes([b".", name.as_bytes(), b".wharf-part"].concat())
}

/// Whether `name` is one of [`part_name`]'s (a sync neither copies nor
/// deletes them).
pub fn is_part_name(name: &[u8]) -> bool {
    name.starts_with(b".") && name.ends_with(b".wharf-part")
}

/// Where a download to `local` is written before it is complete.
pub fn local_part_path(local: &std::path::Path) -> Option<PathBuf> {
    let (dir, name) = (local.parent()?, local.file_name()?);
    Some(dir.join(part_name(&Name::from_os(name)).as_os()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_count_up_and_keep_the_extension() {
        let taken: std::collections::HashSet<Name> =
            ["a.txt", "a (1).txt"].into_iter().map(Name::from).collect();
        assert_eq!(free_name(&"a.txt".into(), &taken), "a (2).txt");
        assert_eq!(free_name(&"README".into(), &taken), "README (1)");
        assert_eq!(free_name(&".bashrc".into(), &taken), ".bashrc (1)");
        let latin1 = Name::from_bytes(&b"caf\xe9.txt"[..]);
        assert_eq!(free_name(&latin1, &taken).as_bytes(), b"caf\xe9 (1).txt");
        assert_eq!(part_name(&"a b".into()), ".a b.wharf-part");
        assert!(is_part_name(part_name(&"a b".into()).as_bytes()));
        assert!(!is_part_name(b"a.wharf-part") && !is_part_name(b".a"));
    }
}
