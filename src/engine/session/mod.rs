//! One control connection: connect, log in, learn the server; then the
//! commands (`commands.rs`), a file's checksum (`checksum.rs`), listings (`list.rs`), one path's owner
//! (`details.rs`) and file transfers
//! (`files.rs`) run on it, over data connections opened passively
//! (`passive.rs`) or actively (`active.rs`).
//!
//! wharf reads and writes the control connection itself (`control.rs`):
//! every line it sends or receives goes to the protocol log from there.
//! Every network step runs under a timeout. Some failures leave the
//! control connection out of step with the server (a timeout, a lost
//! connection, a malformed or oversized reply, 421): those mark the
//! session *broken*, and its owner drops it and opens a new one rather
//! than reuse it.
//!
//! Sessions are opened through a [`Connector`], which carries what every
//! connection of one engine shares: what was learned about each server
//! (`quirks.rs`).
//!
//! This file only declares and re-exports (no file imports its parent).

mod active;
mod batch;
mod checksum;
mod commands;
mod connector;
mod control;
mod core;
mod data;
mod details;
mod failure;
mod files;
mod hash_reply;
mod list;
mod net_stream;
mod open;
mod passive;
mod quirks;
mod reply;
mod secure;

pub use batch::{EachReplies, WINDOW};
pub use commands::{Chmod, RemoteKind, chmod_verb};
pub use connector::{Connector, TlsDefaults};
pub use core::{MAX_LISTING_BYTES, Session, resolve_start_path, resolve_start_path_in};
pub use files::{Fetch, Fetched, TransferError};
pub use quirks::{Quirks, ServerQuirks};
pub use reply::{epsv_port, parse_mdtm, parse_pwd, pasv_port};
