//! File operations on either side: mkdir, rename, chmod, delete, find, and
//! cat for the shell. `run.rs` runs one for the engine (`Command::FileOp`)
//! and reports through `report.rs`; the headless commands call the same
//! functions on connections of their own.
//!
//! Remote: `connections.rs` (the connections an operation runs on, and
//! the loop that spreads work over them), `walk.rs` (folders listed
//! several at once), `spread.rs` (one command for many paths, written
//! ahead on each connection), `remote_delete.rs`, `remote.rs` (mkdir,
//! rename, chmod, find, cat; an entry's owner is `Session::owner_of`).
//! Local: `local.rs`, on blocking threads (`local_owner.rs`: an entry's
//! owner and group by name).
//!
//! This file only declares and re-exports (no file imports its parent).

pub mod connections;
pub mod local;
pub mod local_owner;
pub mod remote;
pub mod remote_delete;
pub mod report;
pub mod run;
pub mod spread;
pub mod walk;

pub use connections::{Connections, SinkFor};
pub use report::Reporter;
pub use run::{Remote, run_remote, spawn};
