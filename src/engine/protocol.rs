//! The typed messages between the UI and the engine, and the errors that
//! cross that boundary. Nothing here does I/O.

use std::path::PathBuf;
use std::time::Duration;

pub use super::entry::{Entry, EntryKind};

/// Identifies one request (a listing, a mkdir…) so that a late answer for a
/// request the UI no longer waits for can be recognised and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Identifies one connection attempt, so events of a connection the user
/// already replaced are recognised and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Which pane a request is for. The left pane is local, the right remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Local,
    Remote,
}

/// How data connections are opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataMode {
    /// EPSV, falling back to PASV when the server refuses EPSV.
    #[default]
    Passive,
    /// EPRT/PORT: the server connects back to us.
    Active,
}

/// Everything needed to open and log in a control connection.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectProfile {
    pub host: String,
    pub port: u16,
    /// `None` means anonymous.
    pub user: Option<String>,
    pub password: Option<String>,
    /// Folder to open after login; `None` opens the login folder (PWD).
    pub path: Option<String>,
    pub mode: DataMode,
    pub timeouts: Timeouts,
}

impl ConnectProfile {
    pub fn user_or_anonymous(&self) -> &str {
        self.user.as_deref().unwrap_or("anonymous")
    }

    /// The password to send: anonymous logins conventionally send an
    /// e-mail-like string.
    pub fn password_to_send(&self) -> &str {
        match (&self.user, &self.password) {
            (_, Some(p)) => p,
            (None, None) => "wharf@",
            (Some(_), None) => "",
        }
    }

    /// `host:port`, with IPv6 literals bracketed.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

// Hand-written so a password never reaches a log through `{:?}`.
impl std::fmt::Debug for ConnectProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectProfile")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "****"))
            .field("path", &self.path)
            .field("mode", &self.mode)
            .finish()
    }
}

/// Limits on how long the engine waits for the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// For each reply and each data read.
    pub reply: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            reply: Duration::from_secs(30),
        }
    }
}

/// Identifies one file transfer (a folder becomes one per file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransferId(pub u64);

/// Identifies what one F5/F6 or drop asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BatchId(pub u64);

/// Identifies one question the engine asked (an existing target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AskId(pub u64);

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
    /// Full path of the source (local, or remote for downloads).
    pub source: PathBuf,
    pub is_dir: bool,
    /// From the listing the user saw, when known (files).
    pub size: Option<u64>,
    pub modified: Option<chrono::NaiveDateTime>,
    /// The name to create in the target folder (usually the source's).
    pub target_name: String,
}

/// Copy (or move) entries into a folder on the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub batch: BatchId,
    pub direction: Direction,
    pub items: Vec<TransferItem>,
    /// The folder to copy into (remote for uploads, local for downloads).
    pub target_dir: PathBuf,
    pub on_existing: OnExisting,
    /// Delete each source once its copy is verified complete.
    pub move_after: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    Queued,
    Running,
    /// A transient failure; the next attempt resumes where this one stopped.
    Retrying {
        attempt: u32,
        reason: String,
    },
    Done,
    Failed(String),
    Cancelled,
    Skipped(String),
}

impl TransferState {
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            TransferState::Done
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
    pub modified: Option<chrono::NaiveDateTime>,
}

/// UI → engine.
#[derive(Debug, Clone)]
pub enum Command {
    /// Open (or replace) the remote browse session.
    Connect {
        conn: ConnId,
        profile: ConnectProfile,
    },
    Disconnect,
    /// List a folder. For the remote side `path` is a server path.
    List {
        req: RequestId,
        side: Side,
        path: PathBuf,
    },
    Transfer(TransferRequest),
    CancelTransfer(TransferId),
    CancelAllTransfers,
    /// Queue failed or cancelled transfers again.
    RetryTransfers(Vec<TransferId>),
    /// The answer to `Event::Conflict`.
    Resolve {
        ask: AskId,
        choice: OnExisting,
        /// Use the same choice for the rest of the batch.
        for_all: bool,
    },
    Shutdown,
}

/// What the server told us at login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerInfo {
    pub banner: String,
    /// The SYST reply text, e.g. `UNIX Type: L8`.
    pub system: Option<String>,
    /// FEAT lines, upper-cased feature names with their parameters.
    pub features: Vec<String>,
    /// The folder we are in after login (PWD).
    pub home: String,
    pub uses_mlsd: bool,
}

/// Which way a protocol-log line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireDir {
    Sent,
    Received,
    /// A note from wharf itself (connecting to…, falling back to PASV…).
    Info,
}

/// Engine → UI. Unbounded because the UI drains it completely on every turn
/// of its loop and every producer is rate-limited (one event per request,
/// throttled progress), so it cannot grow without bound in practice.
pub type EventTx = tokio::sync::mpsc::UnboundedSender<Event>;

/// Engine → UI.
#[derive(Debug, Clone)]
pub enum Event {
    /// Connecting has started (host resolution, TCP connect).
    Connecting { conn: ConnId, host: String },
    /// Logged in. `start` is the folder to show first (absolute).
    Connected {
        conn: ConnId,
        info: ServerInfo,
        start: String,
    },
    /// The connection ended: `reason` is `None` when the user asked for it.
    Disconnected {
        conn: ConnId,
        reason: Option<EngineError>,
    },
    Listing {
        req: RequestId,
        side: Side,
        path: PathBuf,
        entries: Vec<Entry>,
    },
    Failed {
        req: RequestId,
        side: Side,
        path: PathBuf,
        error: EngineError,
    },
    /// A batch's tree has been walked: its files are queued.
    BatchQueued {
        batch: BatchId,
        files: usize,
        bytes: u64,
        /// Entries left out while walking (symlinks to folders, unsafe names…), with why.
        skipped: Vec<String>,
    },
    /// The batch could not be started at all (the source can't be read…).
    BatchFailed { batch: BatchId, error: String },
    TransferQueued {
        id: TransferId,
        batch: BatchId,
        direction: Direction,
        /// Shown in the queue: the path below the batch's target folder.
        name: String,
        size: Option<u64>,
    },
    TransferState {
        id: TransferId,
        state: TransferState,
    },
    /// Bytes of the file now at the target (resumed bytes included) and the
    /// current rate in bytes per second. At most ~10 a second per transfer.
    TransferProgress {
        id: TransferId,
        done: u64,
        rate: u64,
    },
    /// The target of a transfer exists: what now?
    Conflict {
        ask: AskId,
        id: TransferId,
        name: String,
        source: FileFacts,
        target: FileFacts,
    },
    /// Every transfer of the batch has finished.
    BatchDone {
        batch: BatchId,
        done: usize,
        failed: usize,
        skipped: usize,
        cancelled: usize,
    },
    /// Files were added to or removed from a folder: panes showing it re-read.
    FolderChanged { side: Side, path: PathBuf },
    /// One line of the protocol log. `code` is set for replies.
    Wire {
        dir: WireDir,
        code: Option<u16>,
        text: String,
    },
}

/// Errors that reach the UI. Each carries enough to tell the user what
/// happened in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    /// The server turned the connection away: a refusing greeting, or a
    /// 421 to the login.
    #[error("cannot connect to {addr}: server said {code} {text}")]
    Refused {
        addr: String,
        code: u16,
        text: String,
    },
    #[error("login failed: {code} {text}")]
    Login { code: u16, text: String },
    /// The server answered with an error reply.
    #[error("{code} {text}")]
    Reply { code: u16, text: String },
    #[error("timed out after {secs} s waiting for {what}")]
    Timeout { what: String, secs: u64 },
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("connection lost: {0}")]
    ConnectionLost(String),
    #[error("not connected")]
    NotConnected,
    #[error("{path}: {reason}")]
    Local { path: String, reason: String },
}

impl EngineError {
    /// The FTP reply code, when the error is a server reply.
    pub fn code(&self) -> Option<u16> {
        match self {
            EngineError::Login { code, .. }
            | EngineError::Reply { code, .. }
            | EngineError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether a refused connection or login reads as "no room for another
    /// connection": vsftpd (`max_per_ip`) and pure-ftpd greet with 421,
    /// proftpd answers the login with 530 "maximum number of clients".
    /// A 421 greeting can also mean "shutting down": the transfer pool
    /// takes it as a limit only while another of its connections is in.
    pub fn is_connection_limit(&self) -> bool {
        let text = match self {
            EngineError::Refused { code: 421, .. } => return true,
            EngineError::Refused { text, .. } | EngineError::Login { text, .. } => text,
            _ => return false,
        };
        let text = text.to_ascii_lowercase();
        [
            "too many",
            "maximum number",
            "connection limit",
            "limit reached",
            "already connected",
        ]
        .iter()
        .any(|w| text.contains(w))
    }
}
