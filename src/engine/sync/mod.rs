//! Compare and synchronise (issue 15). `compare.rs` makes the plan from
//! two trees, a pure function; `walk.rs` reads the trees; `record.rs`
//! keeps what the last sync left; `hashes.rs` compares file pairs by
//! checksum; `run.rs` plans (for the engine and for
//! `wharf mirror`). Running a plan is the transfer queue's and the file
//! operations' work: the plan turns into their requests
//! (`SyncPlan::transfer_requests`, `SyncPlan::delete_targets`).
//!
//! This file only declares and re-exports (no file imports its parent).

pub mod compare;
pub mod hashes;
pub mod record;
pub mod run;
pub mod walk;

pub use compare::{SyncEntry, Tree, compare, compare_recorded, pair};
pub use run::{plan, spawn_plan};
