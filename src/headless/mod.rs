//! Commands that run without the TUI, on the same engine: for scripts and
//! for measuring the engine against curl and lftp.
//!
//! - `ls.rs`   `wharf ls URL`: one listing on a `Session`.
//! - `get.rs`  `wharf get URL [LOCAL]` and `put.rs` `wharf put LOCAL... URL`:
//!   find out what the URL names on a `Session`, place the copy as `cp -r`
//!   would, then hand one `TransferRequest` to the engine.
//! - `copy.rs` follows that request through the engine's events to the
//!   summary and the exit status; `progress.rs` draws the bars.
//! - File operations, each a file: `mkdir.rs`, `rm.rs`, `mv.rs`,
//!   `chmod.rs`, `cat.rs`, `find.rs`, on the engine's `fileops`; `op.rs`
//!   runs one per server on connections of its own and prints failures.
//! - `mirror.rs` `wharf mirror SOURCE TARGET`: the sync's plan
//!   (`engine/sync`) printed (`--dry-run`) or run: copies on the transfer
//!   engine through `copy.rs`, then the deletions, then the sync record.
//! - `look_up.rs` logs in and finds what a URL names; `shared.rs` holds the
//!   exit statuses, `-v`'s protocol lines and remote path arithmetic;
//!   `wording.rs` says what went wrong (a missing path as missing).
//!
//! This file only declares and re-exports: the files here never import it.

mod cat;
mod chmod;
mod copy;
mod find;
mod get;
mod look_up;
mod ls;
mod mirror;
mod mkdir;
mod mv;
mod op;
mod progress;
mod put;
mod rm;
mod shared;
mod wording;

pub use cat::cat;
pub use chmod::{chmod, parse_mode};
pub use find::find;
pub use get::get;
pub use ls::ls;
pub use mirror::{End, MirrorArgs, mirror};
pub use mkdir::mkdir;
pub use mv::{NewName, mv, new_name};
pub use put::put;
pub use rm::{RmArgs, rm};
pub use shared::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNTRUSTED};
