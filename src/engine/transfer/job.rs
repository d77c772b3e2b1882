//! One file to move from one side to the other, as the scheduler and the
//! workers see it (every path already resolved and checked), and how moving
//! it ended.

use std::path::PathBuf;

use chrono::NaiveDateTime;

use crate::engine::protocol::{
    BatchId, Direction, FileFacts, OnExisting, TransferId, TransferState,
};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: TransferId,
    pub batch: BatchId,
    pub direction: Direction,
    /// Shown to the user: the path below the batch's target folder.
    pub display: String,
    /// The remote file (source of a download, target of an upload).
    pub remote: String,
    /// The local file (target of a download, source of an upload). Checked
    /// to lie inside the chosen target folder for downloads.
    pub local: PathBuf,
    /// Size of the source, when known before the transfer.
    pub size: Option<u64>,
    /// Modification time of the source (UTC for remote MLSD and local files).
    pub modified: Option<NaiveDateTime>,
    /// Whether `modified` is exact (MLSD, local) or a LIST guess that MDTM
    /// should replace.
    pub modified_exact: bool,
    /// The target as it was when the batch was planned, if it existed.
    pub existing: Option<FileFacts>,
    /// Names already taken in the target folder, for "Rename".
    pub taken: std::sync::Arc<std::collections::HashSet<String>>,
    /// What to do with an existing target, once decided.
    pub on_existing: OnExisting,
    /// Delete the source once the copy is verified.
    pub move_after: bool,
}

impl Job {
    /// The target path on its own side, for messages.
    pub fn target_text(&self) -> String {
        match self.direction {
            Direction::Download => self.local.display().to_string(),
            Direction::Upload => self.remote.clone(),
        }
    }
}

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Failed(String),
    Cancelled,
    Skipped(String),
}

impl Outcome {
    /// The state the UI shows for it.
    pub fn state(&self) -> TransferState {
        match self {
            Outcome::Done => TransferState::Done,
            Outcome::Failed(w) => TransferState::Failed(w.clone()),
            Outcome::Cancelled => TransferState::Cancelled,
            Outcome::Skipped(w) => TransferState::Skipped(w.clone()),
        }
    }
}

/// The first free name of the form `stem (n).ext` among `taken`.
pub fn free_name(name: &str, taken: &std::collections::HashSet<String>) -> String {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (1..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| format!("{name}.copy"))
}

/// The temporary name a file is written under before it is complete.
pub fn part_name(name: &str) -> String {
    format!(".{name}.wharf-part")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_names_count_up_and_keep_the_extension() {
        let taken: std::collections::HashSet<String> = ["a.txt", "a (1).txt"]
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(free_name("a.txt", &taken), "a (2).txt");
        assert_eq!(free_name("README", &taken), "README (1)");
        assert_eq!(free_name(".bashrc", &taken), ".bashrc (1)");
    }
}
