//! A file being edited (F4), as data: where it is on the server, its
//! private copy, what the server said of it when it was fetched, and the
//! step it is at. `edit_actions.rs` moves it along.

use std::path::PathBuf;
use std::sync::Arc;

use crate::engine::protocol::{AskId, BatchId, FileFacts, Location, Name, TransferId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditStep {
    /// The remote file is being fetched into the private folder.
    Fetching,
    /// The editor has the terminal.
    Editing,
    /// The edited copy is going back (temporary name, then rename).
    Uploading,
}

#[derive(Debug, Clone)]
pub struct EditSession {
    pub step: EditStep,
    /// The fetch's batch, then the upload's.
    pub batch: BatchId,
    /// The batch's one transfer, once queued.
    pub transfer: Option<TransferId>,
    /// The remote file's folder and name; `None` for a local file
    /// (edited in place).
    pub remote: Option<(Location, Name)>,
    /// The file the editor opens.
    pub file: PathBuf,
    /// The private folder of a remote file's copy (removed with the last
    /// holder, unless kept).
    pub temp: Option<Arc<tempfile::TempDir>>,
    /// Size and time of the server's copy when it was fetched (from the
    /// listing the user saw), to tell whether it changed meanwhile.
    pub fetched: FileFacts,
    /// The user was asked what to do with a changed server copy.
    pub asking: Option<AskId>,
    /// Why the fetch failed, for the summary.
    pub failure: Option<String>,
}
