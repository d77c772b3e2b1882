//! The typed messages between the UI and the engine, and everything they
//! carry: ids, connection profiles, names and paths (bytes, as servers send
//! them), listing entries, transfer requests and states, file operations,
//! failures, checksums. Nothing here does I/O, and nothing here imports the rest of
//! the engine: the UI, the headless commands and the engine all build on
//! it.
//!
//! This file only declares and re-exports.

mod arrange;
mod checksum;
mod encoding;
mod entry;
mod failure;
mod fileops;
mod ids;
mod messages;
mod notes;
mod path;
mod profile;
mod sync;
mod time;
mod tls;
mod transfer;

pub use arrange::{ArrangeJob, Arranged, SortKey, SortKeys, ViewSpec, view_of};
pub use checksum::{Digest, HashAlgo};
pub use encoding::NameEncoding;
pub use entry::{Entry, EntryKind, Perms};
pub use failure::{Failure, FailureKind};
pub use fileops::{Below, FileOp, NamePattern, OpCounts, Target};
pub use ids::{AskId, BatchId, ConnId, RequestId, Side, TransferId};
pub use messages::{Command, Event, EventTx, ServerInfo, WireDir};
pub use notes::ListingNotes;
pub use path::{Location, Name, RelPath, RemotePath};
pub use profile::{ConnectProfile, DataMode, ListingSettings, Timeouts};
pub use sync::{
    Action, Criteria, Facts, InStep, PlanCounts, PlanLine, Seen, Skip, SyncDirection, SyncOptions,
    SyncPlan, SyncRecord, SyncRoots, Tally, Why,
};
pub use time::{ModTime, Precision, Zone};
pub use tls::{
    CertProblem, CertificateInfo, Fingerprint, Security, TlsInfo, TlsVersion, TlsVersions,
    UntrustedCertificate,
};
pub use transfer::{
    Direction, FileFacts, OnExisting, TransferItem, TransferRequest, TransferState,
};
