//! Moving one file's bytes: a download (RETR, from an offset with REST)
//! into any writer, an upload (STOR, or APPE) from any buffered reader.
//! Where the bytes go on the local side is the caller's business
//! (`transfer/file_io.rs`).

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use super::core::{Deferred, Session};
use super::data::{After, Ahead, DataOp, read_data};
use super::failure::StepError;
use crate::engine::error::EngineError;
use crate::engine::protocol::RemotePath;

/// A file transfer failed on the network side or on the local side. The
/// two are retried differently: a full disk is not going to get better.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error(transparent)]
    Remote(#[from] EngineError),
    #[error("{0}")]
    Local(io::Error),
}

/// What a download asks for besides the data.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fetch {
    /// The file's time (MDTM, where the server has it), asked in the same
    /// write as the transfer.
    pub want_time: bool,
    /// The bytes this call should receive (the announced size less the
    /// offset). When exactly these arrive, the completion reply may be read
    /// with the next command (see `passive.rs`); leave it `None` when
    /// something must not happen before that reply (a move's delete).
    pub expect: Option<u64>,
}

/// How often a transfer that waits for the network tells its progress
/// callback the total again (see `with_beat`).
const QUIET_BEAT: Duration = Duration::from_millis(100);

fn quiet_beat() -> tokio::time::Interval {
    let mut beat = tokio::time::interval(QUIET_BEAT);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat
}

/// Runs `step` (one read or write of the data connection), calling `on_beat`
/// at each beat while it waits. The step is polled to its end, never
/// dropped and restarted, so no data is lost; a step that is ready at once
/// (a fast transfer) costs no timer.
async fn with_beat<F: Future>(
    step: F,
    beat: &mut tokio::time::Interval,
    mut on_beat: impl FnMut(),
) -> F::Output {
    let mut step = std::pin::pin!(step);
    loop {
        tokio::select! {
            biased;
            out = &mut step => return out,
            _ = beat.tick() => on_beat(),
        }
    }
}

/// What a download got.
#[derive(Debug, Clone, Copy)]
pub struct Fetched {
    pub bytes: u64,
    /// From MDTM, when asked and known.
    pub modified: Option<chrono::NaiveDateTime>,
}

impl Session {
    /// Downloads `remote` into `out`, starting at byte `offset` (the caller
    /// has positioned `out` there). `progress` gets the running total of
    /// bytes received in this call. Returns that total.
    pub async fn download<W: AsyncWrite + Unpin>(
        &mut self,
        remote: &RemotePath,
        offset: u64,
        fetch: Fetch,
        out: &mut W,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<Fetched, TransferError> {
        let t = self.profile.timeouts.reply;
        let ahead = Ahead {
            mdtm: (fetch.want_time && self.has_feature("MDTM")).then_some(remote),
            cwd: None,
        };
        let opened = self
            .open_data_redone(DataOp::Retr(remote.as_bytes()), offset, ahead)
            .await?;
        let (mut stream, modified) = (opened.conn, opened.modified);
        let mut buf = self.take_buf();
        let mut done = 0u64;
        let mut beat = quiet_beat();
        loop {
            // While a slow server sends nothing, `progress` still hears the
            // total now and then: what arrived last is shown, and the rate
            // can fall.
            let read = tokio::time::timeout(t, read_data(&mut stream, &mut buf));
            let n = match with_beat(read, &mut beat, || progress(done)).await {
                Err(_) => return Err(self.fail(StepError::Timeout("RETR data".into())).into()),
                Ok(Err(e)) => return Err(self.data_failed(e).into()),
                Ok(Ok(0)) => break,
                Ok(Ok(n)) => n,
            };
            if let Err(e) = out.write_all(&buf[..n]).await {
                // The server still sends; this connection is out of step now.
                self.broken = true;
                return Err(TransferError::Local(e));
            }
            done += n as u64;
            progress(done);
        }
        self.data_buf = buf;
        out.flush().await.map_err(TransferError::Local)?;
        let after = match fetch.expect {
            Some(n) if n == done && self.may_defer() => After::Defer(Deferred {
                path: remote.clone(),
                bytes: offset + done,
            }),
            _ => After::Reply,
        };
        self.finish_data(stream, false, after).await?;
        Ok(Fetched {
            bytes: done,
            modified,
        })
    }

    /// Uploads `input` to `remote`. With `offset` > 0 the server resumes at
    /// that byte: REST + STOR, or APPE when `append` is set (servers without
    /// REST STREAM). The caller has positioned `input` at `offset`.
    pub async fn upload<R: AsyncBufRead + Unpin>(
        &mut self,
        remote: &RemotePath,
        offset: u64,
        append: bool,
        input: &mut R,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, TransferError> {
        let t = self.profile.timeouts.reply;
        let op = if append {
            DataOp::Appe(remote.as_bytes())
        } else {
            DataOp::Stor(remote.as_bytes())
        };
        let rest = if append { 0 } else { offset };
        let mut stream = self
            .open_data_redone(op, rest, Ahead::default())
            .await?
            .conn;
        let mut done = 0u64;
        let mut beat = quiet_beat();
        loop {
            // Written from the reader's own buffer: no copy on the way.
            let chunk = match input.fill_buf().await {
                Ok([]) => break,
                Ok(chunk) => chunk,
                Err(e) => {
                    self.broken = true;
                    return Err(TransferError::Local(e));
                }
            };
            let n = chunk.len();
            let write = tokio::time::timeout(t, stream.write_all(chunk));
            match with_beat(write, &mut beat, || progress(done)).await {
                Err(_) => return Err(self.fail(StepError::Timeout("STOR data".into())).into()),
                Ok(Err(e)) => return Err(self.data_failed(e).into()),
                Ok(Ok(())) => {}
            }
            input.consume(n);
            done += n as u64;
            progress(done);
        }
        self.finish_data(stream, true, After::Reply).await?;
        Ok(done)
    }
}
