//! One command for each of many paths (DELE, RMD, SITE CHMOD), written
//! ahead of their replies: over a long link a recursive delete costs round
//! trips, not bytes, and lftp's one `DELE` per round trip takes 10 s for
//! 500 files behind 20 ms. A server reads its control connection in
//! order, so up to [`WINDOW`] commands are kept in flight and each reply
//! is read at its place, as `passive.rs` does for a transfer's commands.
//!
//! The same checks hold: a positive reply that is not one of those due
//! means the server answered out of order, and a reply timeout after
//! writing ahead means it lost commands; either way the connection is
//! given up (`reply`, `fail`), the server gets one command at a time from
//! then on (`sync_only`), and the caller redoes the paths not answered.
//! A server that reorders replies of the same code (libunftp runs DELE in
//! a task of its own) cannot be caught by code: the caller checks any
//! refusal among commands sent ahead (see `fileops/remote_delete.rs`).

use suppaftp::Status;

use super::core::{Session, line};
use crate::engine::error::EngineError;
use crate::engine::protocol::RemotePath;

/// Commands in flight at most on one connection: enough to cover a long
/// round trip, few enough that neither side's buffers fill.
pub const WINDOW: usize = 32;

/// The replies to [`Session::each_path`], in the paths' order.
#[derive(Debug)]
pub struct EachReplies {
    /// One per path answered; a refusal leaves the connection usable.
    pub results: Vec<Result<(), EngineError>>,
    /// The connection failed before every path was answered: the paths
    /// from `results.len()` on have no known outcome.
    pub lost: Option<EngineError>,
    /// More than one command was in flight at some point.
    pub wrote_ahead: bool,
}

/// The success replies of DELE, RMD and SITE.
pub const DONE: &[Status] = &[Status::RequestedFileActionOk, Status::CommandOk];

impl Session {
    /// Sends `verb path` for each of `paths` (as `DELE p`, `SITE CHMOD 755
    /// p`), up to [`WINDOW`] ahead of their replies where the server
    /// allows, one at a time where it does not, and reads each reply at
    /// its place.
    pub async fn each_path(&mut self, verb: &str, paths: &[RemotePath]) -> EachReplies {
        let mut out = EachReplies {
            results: Vec::with_capacity(paths.len()),
            lost: None,
            wrote_ahead: false,
        };
        if let Err(e) = self.settle().await {
            out.lost = Some(e);
            return out;
        }
        let window = if self.may_write_ahead() { WINDOW } else { 1 };
        let mut sent = 0;
        while out.results.len() < paths.len() {
            let upto = paths.len().min(out.results.len() + window);
            if sent < upto {
                let lines: Vec<Vec<u8>> = paths[sent..upto]
                    .iter()
                    .map(|p| line(verb, p.as_bytes()))
                    .collect();
                if let Err(e) = self.send_lines(&lines).await {
                    out.lost = Some(e);
                    return out;
                }
                sent = upto;
                if sent - out.results.len() > 1 {
                    // Checked by `reply` and `fail`: out of order, or lost.
                    self.wrote_ahead = true;
                    out.wrote_ahead = true;
                }
            }
            match self.reply(DONE, verb).await {
                Ok(_) => out.results.push(Ok(())),
                Err(e @ EngineError::Reply { .. }) if self.is_usable() => out.results.push(Err(e)),
                Err(e) => {
                    out.lost = Some(e);
                    return out;
                }
            }
        }
        out
    }
}
