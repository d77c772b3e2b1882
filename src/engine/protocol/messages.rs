//! The messages themselves: [`Command`] (UI → engine) and [`Event`]
//! (engine → UI), and what the server told us at login.

use super::arrange::{ArrangeJob, Arranged};
use super::entry::Entry;
use super::failure::Failure;
use super::fileops::{FileOp, OpCounts};
use super::ids::{AskId, BatchId, ConnId, RequestId, TransferId};
use super::notes::ListingNotes;
use super::path::{Location, RemotePath};
use super::profile::ConnectProfile;
use super::sync::{SyncOptions, SyncPlan, SyncRoots};
use super::tls::{Fingerprint, TlsInfo, UntrustedCertificate};
use super::transfer::{Direction, FileFacts, OnExisting, TransferRequest, TransferState};

/// UI → engine.
#[derive(Debug, Clone)]
pub enum Command {
    /// Open (or replace) the remote browse session.
    Connect {
        conn: ConnId,
        profile: ConnectProfile,
    },
    Disconnect,
    /// List a folder, local or remote (the location says which).
    List {
        req: RequestId,
        path: Location,
    },
    /// Stop a listing still arriving (the pane keeps what it showed).
    CancelList {
        req: RequestId,
    },
    /// Order a big folder for a pane, on a blocking thread (`Event::Arranged`).
    Arrange(Box<ArrangeJob>),
    Transfer(TransferRequest),
    CancelTransfer(TransferId),
    CancelAllTransfers,
    /// Queue failed or cancelled transfers again.
    RetryTransfers(Vec<TransferId>),
    /// Trust a certificate the engine refused (`Event::Untrusted`): for
    /// this run, or `always` (kept in `known_certs.toml`).
    TrustCertificate {
        server: String,
        fingerprint: Fingerprint,
        always: bool,
    },
    /// A file operation (mkdir, rename, chmod, delete, find) on either
    /// side; remote ones run on connections of their own, never on the
    /// browse connection. Answered by `OpProgress`, `OpEntryFailed`,
    /// `Found` and, last, `OpDone`.
    FileOp {
        req: RequestId,
        op: FileOp,
    },
    /// Stop a file operation: what is done stays done (`OpDone` follows,
    /// `cancelled`).
    CancelFileOp {
        req: RequestId,
    },
    /// Stop the unfinished transfers and save them for the next
    /// connection to their server (disconnecting with transfers running).
    SuspendTransfers,
    /// Queue the transfers saved for the current server (`Event::SavedTransfers`)
    /// as batch `batch`, continuing their partial files.
    ResumeSaved {
        batch: BatchId,
    },
    /// Forget the transfers saved for the current server.
    DiscardSaved,
    /// The answer to `Event::NotEnoughSpace`: start the batch anyway, or
    /// drop it.
    AnswerSpace {
        batch: BatchId,
        go_on: bool,
    },
    /// The answer to `Event::Conflict`.
    Resolve {
        ask: AskId,
        choice: OnExisting,
        /// Use the same choice for the rest of the batch.
        for_all: bool,
    },
    /// Save the protocol log's `text` to a new file in `dir` (the data
    /// folder); answered by `Event::LogSaved`.
    SaveLog {
        dir: std::path::PathBuf,
        text: String,
    },
    /// The viewer's search: the first match of `needle` (ASCII case
    /// ignored) in the file at `path` at or after `from`, or the last one
    /// ending at or before it (`backward`); answered by `Event::FoundInFile`.
    FindInFile {
        req: RequestId,
        path: std::path::PathBuf,
        needle: Vec<u8>,
        from: u64,
        backward: bool,
    },
    /// Walk both roots and plan what brings them in step (nothing moves):
    /// `OpProgress` counts the entries found (`seen`), a folder that
    /// cannot be read is an `OpEntryFailed`, and `SyncPlanned` ends it.
    /// Runs on connections of its own; `CancelFileOp` stops it.
    PlanSync {
        req: RequestId,
        roots: SyncRoots,
        options: SyncOptions,
    },
    /// Every ticked line of `plan` ran: keep what both sides look like now
    /// (the sync record, in the data folder, one per server and pair of
    /// folders) so the next sync finds them in step. `Event::SyncRecorded`
    /// answers.
    RecordSync {
        plan: Box<SyncPlan>,
    },
    /// Compare each pair — a file on the server and one here of the same
    /// size — by checksum: the server's (HASH, XSHA256…) and the local
    /// file's in the same algorithm, on connections of its own. Answered
    /// by `Event::PairsHashed`; `CancelFileOp` stops it.
    HashPairs {
        req: RequestId,
        pairs: Vec<(RemotePath, std::path::PathBuf)>,
    },
    Shutdown,
}

/// What the server told us at login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub banner: String,
    /// The SYST reply text, e.g. `UNIX Type: L8`.
    pub system: Option<String>,
    /// FEAT lines, upper-cased feature names with their parameters.
    pub features: Vec<String>,
    /// The folder we are in after login (PWD), as the server named it.
    pub home: RemotePath,
    pub uses_mlsd: bool,
    /// The control connection's TLS (None: plain FTP).
    pub tls: Option<TlsInfo>,
}

impl ServerInfo {
    /// Whether FEAT offers TLS (`AUTH TLS`), for suggesting `ftpes://`
    /// on a plain connection.
    pub fn offers_tls(&self) -> bool {
        self.features
            .iter()
            .any(|f| f == "AUTH TLS" || (f.starts_with("AUTH ") && f.contains("TLS")))
    }
}

impl Default for ServerInfo {
    fn default() -> Self {
        ServerInfo {
            banner: String::new(),
            system: None,
            features: Vec::new(),
            home: RemotePath::root(),
            uses_mlsd: false,
            tls: None,
        }
    }
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
        start: RemotePath,
    },
    /// The server's certificate is not trusted: the connection is given
    /// up (`Disconnected` follows); the user may trust it and connect again.
    Untrusted {
        conn: ConnId,
        cert: UntrustedCertificate,
    },
    /// A certificate could not be kept in `known_certs.toml` (it is still
    /// trusted for this run): why.
    TrustNotKept { reason: String },
    /// The connection ended: `reason` is `None` when the user asked for it.
    Disconnected {
        conn: ConnId,
        reason: Option<Failure>,
    },
    Listing {
        req: RequestId,
        path: Location,
        entries: Vec<Entry>,
        /// Unreadable lines, a listing cut short, the names' encoding.
        notes: ListingNotes,
    },
    /// A big listing is arriving: this many entries so far (at most ~10 a
    /// second).
    ListingProgress { req: RequestId, entries: usize },
    /// A folder ordered for a pane (`Command::Arrange`).
    Arranged(Box<Arranged>),
    Failed {
        req: RequestId,
        path: Location,
        error: Failure,
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
    BatchFailed { batch: BatchId, error: Failure },
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
    /// A download batch needs more room than the disk of `folder` has:
    /// it waits for `Command::AnswerSpace`.
    NotEnoughSpace {
        batch: BatchId,
        folder: std::path::PathBuf,
        needed: u64,
        free: u64,
    },
    /// Transfers left unfinished by an earlier run (or a disconnect) are
    /// saved for the server just connected to: resume them?
    SavedTransfers {
        server: String,
        files: usize,
        bytes: u64,
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
    FolderChanged { path: Location },
    /// A file operation goes on: its counts so far (at most ~10 a second).
    OpProgress { req: RequestId, counts: OpCounts },
    /// One entry of a file operation failed (the rest goes on): which, and
    /// the server's reply or the OS error.
    OpEntryFailed {
        req: RequestId,
        path: Location,
        error: Failure,
    },
    /// Find's matches, as their folders are listed.
    Found {
        req: RequestId,
        hits: Vec<(Location, Entry)>,
    },
    /// `FileOp::Details`' answer (before its `OpDone`): the entry's owner
    /// and group as the server or the system names them (a number when
    /// there is no name), `None` where it did not say.
    Details {
        req: RequestId,
        owner: Option<String>,
        group: Option<String>,
    },
    /// A file operation has ended (always its last event): the counts,
    /// and whether the user stopped it.
    OpDone {
        req: RequestId,
        counts: OpCounts,
        cancelled: bool,
    },
    /// The answer to `Command::SaveLog`: the file written, or why not.
    LogSaved {
        result: Result<std::path::PathBuf, String>,
    },
    /// The answer to `Command::FindInFile`: the match's offset, none, or
    /// why the file could not be read.
    FoundInFile {
        req: RequestId,
        result: Result<Option<u64>, String>,
    },
    /// `Command::PlanSync`'s answer: the plan, or why there is none (a
    /// root that cannot be read, no connection).
    SyncPlanned {
        req: RequestId,
        result: Result<Box<SyncPlan>, Failure>,
    },
    /// `Command::RecordSync` done, or why the record could not be written
    /// (the next sync then compares by size and time alone).
    SyncRecorded { error: Option<String> },
    /// `Command::HashPairs`' answer, in its order: whether each pair's two
    /// checksums are equal (`None`: no checksum to go by — the server
    /// offers none, or refused that file). `error`: why it stopped early.
    PairsHashed {
        req: RequestId,
        equal: Vec<Option<bool>>,
        error: Option<Failure>,
    },
    /// One line of the protocol log. `code` is set for replies. `conn`:
    /// the browse connection it went over (`None`: a transfer or planning
    /// connection, or a note about them); the status bar shows the browse
    /// connection's own last reply only.
    Wire {
        dir: WireDir,
        code: Option<u16>,
        text: String,
        conn: Option<ConnId>,
    },
}
