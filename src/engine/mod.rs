//! The engine: owns every connection, and the file-system calls of
//! listings and transfers. The UI talks to it only through [`Command`]s and
//! [`Event`]s (`protocol.rs`); `dispatcher.rs` routes them.
//!
//! Like every `mod.rs` here, this file only declares and re-exports: the
//! files below import each other, never their parent, so the crate's
//! import graph has no cycle (`tests/imports.rs`).

pub mod browse;
pub mod checksum;
pub mod dispatcher;
pub mod error;
pub mod file_search;
pub mod fileops;
pub mod listing;
pub mod local;
pub mod log_file;
pub mod protocol;
pub mod safe_path;
pub mod session;
pub mod sync;
pub mod tls;
pub mod transfer;
pub mod wire_log;

pub use dispatcher::{
    DEFAULT_KEEPALIVE, EngineConfig, EngineHandle, EngineStop, spawn, spawn_configured, spawn_with,
};
pub use protocol::{Command, Event, EventTx};
