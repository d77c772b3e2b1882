//! What the UI asks to copy or move, and how each file of it fares.

use super::checksum::HashAlgo;
use super::failure::Failure;
use super::ids::{BatchId, Side};
use super::path::RelPath;
use super::path::{Location, Name};
use super::time::ModTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Remote → local.
    Download,
    /// Local → remote.
    Upload,
}

/// What to do when the target of a transfer already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OnExisting {
    /// Ask the user (the UI shows both sides).
    #[default]
    Ask,
    Overwrite,
    /// Overwrite only when the source is newer than the target.
    OverwriteIfNewer,
    /// Continue the target from its size (it is taken as a correct prefix).
    Resume,
    /// Transfer under a free name (`name (1).ext`).
    Rename,
    Skip,
}

/// One entry the user picked: a file, or a folder to copy recursively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferItem {
    /// The source, on the side the request copies from.
    pub source: Location,
    pub is_dir: bool,
    /// From the listing the user saw, when known (files).
    pub size: Option<u64>,
    pub modified: Option<ModTime>,
    /// The name to create in the target folder (usually the source's).
    pub target_name: Name,
    /// The folders below the request's target folder that the target goes
    /// in: empty for a copy into the folder itself; a sync's nested files
    /// carry their path. Missing ones are created.
    pub subdir: RelPath,
}

/// Copy (or move) entries into a folder on the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub batch: BatchId,
    pub items: Vec<TransferItem>,
    /// The folder to copy into: its side says which way the copy goes.
    pub target_dir: Location,
    pub on_existing: OnExisting,
    /// Delete each source once its copy is verified complete.
    pub move_after: bool,
    /// Folders to create below `target_dir` even when no file goes in them
    /// (a sync's new empty folders).
    pub folders: Vec<RelPath>,
    /// Check each file against the server's hash where the server offers
    /// one (HASH, XSHA256…): a mismatch is a failed attempt, retried. A
    /// sync's copies set it (config.toml `verify`).
    pub verify: bool,
}

impl TransferRequest {
    pub fn direction(&self) -> Direction {
        match self.target_dir.side() {
            Side::Local => Direction::Download,
            Side::Remote => Direction::Upload,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    Queued,
    Running,
    /// A transient failure; the next attempt resumes where this one stopped.
    Retrying {
        attempt: u32,
        /// Retries allowed in all (config.toml's `retries`).
        of: u32,
        reason: Failure,
    },
    Done,
    /// Done, and the copy's checksum is the server's (config.toml
    /// `verify`). A verified file with a note is `DoneWithNote`, the
    /// note starting `verified (SHA-256); `.
    Verified(HashAlgo),
    /// Done, with something the user should know (a replaced file kept
    /// the server's default mode).
    DoneWithNote(String),
    Failed(Failure),
    Cancelled,
    /// Left alone on purpose (the target exists, already complete…): why.
    Skipped(String),
}

impl TransferState {
    /// Arrived: done, verified or not, with or without a note.
    pub fn is_done(&self) -> bool {
        matches!(
            self,
            TransferState::Done | TransferState::Verified(_) | TransferState::DoneWithNote(_)
        )
    }

    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            TransferState::Done
                | TransferState::Verified(_)
                | TransferState::DoneWithNote(_)
                | TransferState::Failed(_)
                | TransferState::Cancelled
                | TransferState::Skipped(_)
        )
    }
}

/// The two sides of an existing-target question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    pub size: Option<u64>,
    pub modified: Option<ModTime>,
}
