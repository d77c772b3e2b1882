//! Compare and synchronise (issue 15). `compare.rs` makes the plan from
//! two listings, a pure function; walking the sides and running the plan
//! come later.
//!
//! This file only declares and re-exports (no file imports its parent).

pub mod compare;

pub use compare::{SyncEntry, Tree, compare};
