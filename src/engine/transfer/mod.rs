//! Transfers, on connections of their own (a control connection cannot
//! answer while its data connection is busy): the scheduler task that turns
//! requests into file jobs and hands them to a pool of workers.
//!
//! Flow: a `TransferRequest` is planned (folders walked, targets looked up)
//! on a connection of its own; the resulting jobs are queued; each waits for
//! the user's answer if its target exists and the policy is Ask; a free
//! worker (at most `connections` of them, opened when there is work and
//! closed after a while without) runs it and reports to the scheduler.
//!
//! `scheduler.rs` is the glue: the scheduler's loop, which routes messages,
//! worker reports and its own tasks' results to the parts that decide —
//! `jobs.rs` (the job table, and the one writer of a transfer's state),
//! `conflicts.rs` (existing-target questions), `batches.rs` (a request as
//! a whole, and its report), `pool.rs` (the workers and their limits),
//! `planning.rs` and `move_cleanup.rs` (the tasks it starts),
//! `disk_space.rs` (room on the local disk) — and sends
//! the batch and conflict events they decide on (a transfer's own events
//! come from the job table alone).

//!
//! This file only declares and re-exports (no file imports its parent).

mod batches;
mod config;
mod conflicts;
pub mod disk_space;
pub mod file_io;
pub mod job;
mod jobs;
mod move_cleanup;
pub mod plan;
mod planning;
mod pool;
pub mod saved;
mod scheduler;
pub mod worker;

pub use config::{TransferConfig, Verify};
pub use job::Outcome;
pub use scheduler::{Msg, TransferHandle, spawn};
