//! Opening and closing a data connection, whichever way it is opened:
//! passive (`passive.rs`, commands written ahead where the server allows)
//! or active (`active.rs`). What is asked ahead of the transfer (MDTM,
//! CWD), the REST offset, and when the completion reply is read.

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use futures::FutureExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::core::{Deferred, Session, TRANSFER_COMPLETE, line};
use super::failure::StepError;
use super::net_stream::NetStream;
use super::reply::Reply;
use crate::engine::error::EngineError;
use crate::engine::protocol::{DataMode, RemotePath};

/// What a data connection is opened for. The argument is bytes: names go
/// back to the server exactly as it sent them.
#[derive(Clone, Copy)]
pub(super) enum DataOp<'a> {
    List(&'a str),
    /// `LIST <path>`: one path's line (`details.rs`).
    ListPath(&'a [u8]),
    Retr(&'a [u8]),
    Stor(&'a [u8]),
    Appe(&'a [u8]),
}

impl DataOp<'_> {
    /// The command line.
    pub(super) fn line(&self) -> Vec<u8> {
        match self {
            DataOp::List(cmd) => cmd.as_bytes().to_vec(),
            DataOp::ListPath(p) => line("LIST", p),
            DataOp::Retr(p) => line("RETR", p),
            DataOp::Stor(p) => line("STOR", p),
            DataOp::Appe(p) => line("APPE", p),
        }
    }

    /// Whether a REST offset applies.
    pub(super) fn transfers_file(&self) -> bool {
        !matches!(self, DataOp::List(_) | DataOp::ListPath(_))
    }

    pub(super) fn verb(&self) -> &'static str {
        match self {
            DataOp::List(_) | DataOp::ListPath(_) => "listing",
            DataOp::Retr(_) => "RETR",
            DataOp::Stor(_) => "STOR",
            DataOp::Appe(_) => "APPE",
        }
    }
}

/// Commands sent before the transfer command, in the same write where the
/// server allows.
#[derive(Default, Clone, Copy)]
pub(super) struct Ahead<'a> {
    /// MDTM of this path (its reply is read first; a refusal means "no time").
    pub mdtm: Option<&'a RemotePath>,
    /// CWD here first: a listing is of this folder.
    pub cwd: Option<&'a RemotePath>,
}

/// An open data connection, and what was asked ahead of it.
pub(super) struct Opened {
    pub conn: NetStream,
    pub modified: Option<NaiveDateTime>,
}

/// What `finish_data` does once the data connection is closed.
pub(super) enum After {
    /// Read the completion reply.
    Reply,
    /// Leave it for `settle` (a download that arrived whole).
    Defer(Deferred),
}

impl Session {
    /// Opens a data connection for `op`, starting at `offset` (REST) when
    /// it is not 0, after the commands in `ahead`.
    pub(super) async fn open_data(
        &mut self,
        op: DataOp<'_>,
        offset: u64,
        ahead: Ahead<'_>,
    ) -> Result<Opened, EngineError> {
        match self.profile.mode {
            DataMode::Passive => self.open_passive(op, offset, ahead).await,
            DataMode::Active => self.open_active(op, offset, ahead).await,
        }
    }

    /// `open_data`, done once more on a new connection when the replies
    /// came out of order: no data has moved yet then.
    pub(super) async fn open_data_redone(
        &mut self,
        op: DataOp<'_>,
        offset: u64,
        ahead: Ahead<'_>,
    ) -> Result<Opened, EngineError> {
        match self.open_data(op, offset, ahead).await {
            Err(_) if self.desynced => {
                self.reopen().await?;
                self.open_data(op, offset, ahead).await
            }
            r => r,
        }
    }

    /// Closes a data connection and reads the completion reply (returned:
    /// a listing's may say it was cut short), or, with `After::Defer`,
    /// leaves the reply for `settle`.
    pub(super) async fn finish_data(
        &mut self,
        mut conn: NetStream,
        upload: bool,
        after: After,
    ) -> Result<Option<Reply>, EngineError> {
        let t = self.profile.timeouts.reply;
        // We close first: some servers (vsftpd) send the completion reply
        // only then. An upload's end is the FIN after its data (on TLS,
        // our close_notify first).
        let shut = tokio::time::timeout(t, conn.shutdown()).await;
        if upload && conn.is_tls() && matches!(shut, Ok(Ok(()))) {
            // What the server still sends (a TLS 1.3 session ticket, its
            // close_notify) is read before the socket goes: vsftpd answers
            // 426 to a data connection closed with it unread.
            drain(&mut conn).await;
        }
        drop(conn);
        if upload {
            match shut {
                Err(_) => return Err(self.fail(StepError::Timeout("STOR data".into()))),
                Ok(Err(e)) => return Err(self.data_failed(e)),
                Ok(Ok(())) => {}
            }
        }
        let closed_at = Instant::now();
        if let After::Defer(d) = after {
            self.pending_done = Some(d);
            return Ok(None);
        }
        let reply = match self.reply(TRANSFER_COMPLETE, "transfer end").await {
            Ok(r) => r,
            Err(e) => {
                // A refused data connection on TLS 1.3 may be a server out
                // of session tickets: then TLS 1.2 from now on (secure.rs).
                self.fall_back_to_tls12();
                return Err(e);
            }
        };
        if !upload {
            self.learn_holding(closed_at.elapsed());
        }
        Ok(Some(reply))
    }

    /// A data connection's read or write failed: the session's error (and,
    /// on TLS 1.3, maybe a server out of session tickets: see `secure.rs`).
    pub(super) fn data_failed(&mut self, e: std::io::Error) -> EngineError {
        self.fall_back_to_tls12();
        self.fail(StepError::Data(e))
    }
}

/// Reads and drops what is left on a data connection, for at most a second.
async fn drain(conn: &mut NetStream) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while matches!(conn.read(&mut buf).await, Ok(n) if n > 0) {}
    })
    .await;
}

/// A read from a data connection, in which an encrypted connection that
/// ends without TLS's close_notify counts as ended (servers commonly skip
/// it; a short file is caught by its size, as on plain connections).
pub(super) async fn read_data(conn: &mut NetStream, buf: &mut [u8]) -> std::io::Result<usize> {
    let first = match conn.read(buf).await {
        Err(e) if conn.is_tls() && e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(0),
        r => r?,
    };
    if first == 0 || !conn.is_tls() {
        return Ok(first);
    }
    // A TLS read hands back one record (16 KiB at most): take what else is
    // already there without waiting, so the caller's per-read work (its
    // timer, the hand-off to the file, progress) is paid per 256 KiB, as
    // for plain data, not per record.
    let mut n = first;
    while n < buf.len() {
        match conn.read(&mut buf[n..]).now_or_never() {
            Some(Ok(more)) if more > 0 => n += more,
            // Nothing more yet, the end, or an error: the next call sees it.
            _ => break,
        }
    }
    Ok(n)
}
