//! Passive data connections (EPSV, or PASV where EPSV is refused), with
//! commands written ahead of their replies.
//!
//! Why our own and not suppaftp's: a small file over a long link costs
//! round trips, not bytes. The crate waits for each reply before the next
//! command: EPSV, connect, RETR, the completion reply, then MDTM — four
//! round trips per file (three seconds for a hundred 4 KiB files behind a
//! 20 ms round trip on four connections). A server reads its control
//! connection in order, so once a passive transfer has worked on this
//! connection we write `MDTM f`, `EPSV`, `REST n`, `RETR f` in one go and
//! read the replies as they come: one round trip, then the data.
//!
//! And the completion reply of a download whose every announced byte
//! arrived may be left unread until the next command has been written
//! ("deferred"): servers such as vsftpd send the 226 only after we close
//! the data connection, so waiting for it before asking for the next file
//! costs a round trip per file. `settle` reads it before any other reply.
//!
//! Until one passive transfer has worked here, the transfer command waits
//! for the passive reply: a server that refuses EPSV must not get a RETR it
//! might try to serve over the default (active) data port.
//!
//! Every reply is checked against what is due at its place: a positive
//! reply meant for another command means the server answered out of order
//! (libunftp answers CWD and MDTM from tasks of their own); a reply timeout
//! after writing ahead means it lost commands. Either way the connection
//! is replaced, the operation redone, and the server sent one command at a
//! time for the rest of the run (`SYNC_ONLY`).
//!
//! The writes go through the control connection's own stream
//! (`control.rs`), so they take whatever is under it (TLS included).

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use suppaftp::Status;
use tokio::net::TcpStream;

use super::core::{MAX_LISTING_BYTES, Session, TRANSFER_COMPLETE, line};
use super::data::{Ahead, DataOp, Opened, read_data};
use super::failure::StepError;
use super::net_stream::NetStream;
use super::reply::{epsv_port, parse_mdtm, pasv_port};
use crate::engine::error::EngineError;
use crate::engine::tls::TlsLink;
use tokio_rustls::client::TlsStream;

impl Session {
    /// Opens a passive data connection for `op` at `offset` (REST), after
    /// the commands in `ahead`.
    pub(super) async fn open_passive(
        &mut self,
        op: DataOp<'_>,
        offset: u64,
        ahead: Ahead<'_>,
    ) -> Result<Opened, EngineError> {
        let rest =
            (offset > 0 && op.transfers_file()).then(|| format!("REST {offset}").into_bytes());
        let mut head: Vec<Vec<u8>> = Vec::with_capacity(5);
        if let Some(p) = ahead.mdtm {
            head.push(line("MDTM", p.as_bytes()));
        }
        if let Some(p) = ahead.cwd {
            head.push(line("CWD", p.as_bytes()));
        }
        head.push(self.passive_verb().as_bytes().to_vec());
        let mut tail: Vec<Vec<u8>> = rest.iter().cloned().collect();
        tail.push(op.line());
        let batch = self.may_write_ahead();
        let all_ahead = batch && self.passive_proven;
        let sent_at = Instant::now();
        if batch {
            if all_ahead {
                head.append(&mut tail);
            }
            self.send_lines(&head).await?;
        }
        // A deferred completion reply comes before ours.
        self.settle().await?;
        // One at a time when the server cannot take them ahead.
        let mut lines = head.into_iter();
        let mut next_line = async |s: &mut Session| match lines.next() {
            Some(l) if !batch => s.send_lines(std::slice::from_ref(&l)).await,
            _ => Ok(()),
        };

        let modified = match ahead.mdtm {
            Some(_) => {
                next_line(self).await?;
                self.read_mdtm().await?
            }
            None => None,
        };
        let cwd_refused = match ahead.cwd {
            None => None,
            Some(_) => {
                next_line(self).await?;
                match self
                    .reply(&[Status::RequestedFileActionOk, Status::CommandOk], "CWD")
                    .await
                {
                    Ok(_) => None,
                    Err(e @ EngineError::Reply { .. }) if !self.broken => Some(e),
                    Err(e) => return Err(e),
                }
            }
        };
        if let (Some(refused), false) = (&cwd_refused, batch) {
            return Err(refused.clone());
        }
        if !batch {
            next_line(self).await?;
        }
        let asked_at = if batch { sent_at } else { Instant::now() };
        let addr = match self.passive_address(!all_ahead).await {
            Ok(a) => {
                // Round trip, plus the server's time for what came first.
                let took = asked_at.elapsed();
                self.rtt = Some(self.rtt.map_or(took, |r| r.min(took)));
                a
            }
            // The replies of what was written after it are still to come.
            Err(e) if all_ahead => return Err(self.break_with(e)),
            Err(e) => return Err(cwd_refused.unwrap_or(e)),
        };
        if let Some(refused) = cwd_refused {
            if all_ahead {
                // The listing already asked for is of the folder we were in.
                self.discard_transfer(addr, rest.is_some()).await?;
            }
            return Err(refused);
        }
        let tcp = match self.connect_data(addr).await {
            Ok(c) => c,
            Err(e) => return Err(self.break_with(e)),
        };
        // What is still to be sent, and the replies up to the transfer's
        // 1xx. An encrypted data connection's handshake runs meanwhile:
        // servers take it once they have read the transfer command, so it
        // costs no round trip of its own.
        let (link, limit) = (self.tls.clone(), self.profile.timeouts.connect);
        let replies = async {
            if !all_ahead && batch {
                self.send_lines(&tail).await?;
            }
            let mut tail = tail.into_iter();
            if rest.is_some() {
                if !batch && let Some(l) = tail.next() {
                    self.send_lines(std::slice::from_ref(&l)).await?;
                }
                if let Err(e) = self.reply(&[Status::RequestFilePending], "REST").await {
                    // Written ahead, the transfer command runs anyway, from
                    // byte 0: never take that.
                    return Err(if batch { self.break_with(e) } else { e });
                }
            }
            if !batch && let Some(l) = tail.next() {
                self.send_lines(std::slice::from_ref(&l)).await?;
            }
            self.reply(&[Status::AboutToSend, Status::AlreadyOpen], op.verb())
                .await
                .map(drop)
        };
        let (data, replied) = beside_replies(link, tcp, limit, replies).await;
        replied?;
        let conn = self.data_stream(data)?;
        self.passive_proven = true;
        Ok(Opened { conn, modified })
    }

    pub(super) fn passive_verb(&self) -> &'static str {
        if self.pasv_only { "PASV" } else { "EPSV" }
    }

    /// Reads the EPSV/PASV reply: the server's port, at the control
    /// connection's address (a PASV address is often private or wrong).
    /// With `fall_back`, a refused EPSV is followed by PASV, remembered for
    /// the session.
    pub(super) async fn passive_address(
        &mut self,
        fall_back: bool,
    ) -> Result<SocketAddr, EngineError> {
        let (status, verb) = if self.pasv_only {
            (Status::PassiveMode, "PASV")
        } else {
            (Status::ExtendedPassiveMode, "EPSV")
        };
        let resp = match self.reply(&[status], verb).await {
            Ok(r) => r,
            Err(EngineError::Reply { .. }) if fall_back && !self.pasv_only && !self.broken => {
                self.pasv_only = true;
                self.sink()
                    .info("The server refused EPSV; using PASV for this session");
                self.send_lines(&[b"PASV".to_vec()]).await?;
                self.reply(&[Status::PassiveMode], "PASV").await?
            }
            Err(e) => return Err(e),
        };
        let text = resp.text();
        let port = if self.pasv_only {
            pasv_port(&text)
        } else {
            epsv_port(&text)
        };
        let Some(port) = port else {
            return Err(EngineError::Protocol(format!(
                "cannot read the passive address: {text}"
            )));
        };
        let mut addr = self
            .ctrl
            .peer_addr()
            .map_err(|e| self.fail(StepError::Data(e)))?;
        addr.set_port(port);
        Ok(addr)
    }

    pub(super) async fn connect_data(
        &mut self,
        addr: SocketAddr,
    ) -> Result<TcpStream, EngineError> {
        let limit = self.profile.timeouts.connect;
        let stream = match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
            Err(_) => {
                return Err(self.fail(StepError::Timeout(format!("the data connection to {addr}"))));
            }
            Ok(Err(e)) => return Err(self.fail(StepError::Data(e))),
            Ok(Ok(s)) => s,
        };
        Ok(stream)
    }

    /// Takes a data transfer nobody wants (a listing of the wrong folder)
    /// and throws it away, so the control connection stays in step.
    pub(super) async fn discard_transfer(
        &mut self,
        addr: SocketAddr,
        rest: bool,
    ) -> Result<(), EngineError> {
        let tcp = match self.connect_data(addr).await {
            Ok(c) => c,
            Err(e) => return Err(self.break_with(e)),
        };
        let (link, limit) = (self.tls.clone(), self.profile.timeouts.connect);
        let replies = async {
            if rest && let Err(e) = self.reply(&[Status::RequestFilePending], "REST").await {
                return Err(self.break_with(e));
            }
            self.reply(
                &[Status::AboutToSend, Status::AlreadyOpen],
                "discarded transfer",
            )
            .await
            .map(drop)
        };
        // On TLS the unwanted data comes encrypted, after a handshake like
        // any other data connection's.
        let (data, replied) = beside_replies(link, tcp, limit, replies).await;
        match replied {
            Ok(()) => {}
            // Refused: nothing more will come.
            Err(EngineError::Reply { .. }) if !self.broken => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut conn = self.data_stream(data)?;
        let t = self.profile.timeouts.reply;
        let mut buf = self.take_buf();
        let mut total = 0usize;
        loop {
            match tokio::time::timeout(t, read_data(&mut conn, &mut buf)).await {
                Ok(Ok(0)) => break,
                Ok(Ok(n)) if total + n <= MAX_LISTING_BYTES => total += n,
                _ => {
                    self.data_buf = buf;
                    self.broken = true;
                    return Err(EngineError::ConnectionLost(
                        "an unwanted transfer could not be discarded".into(),
                    ));
                }
            }
        }
        self.data_buf = buf;
        drop(conn);
        self.reply(TRANSFER_COMPLETE, "transfer end")
            .await
            .map(|_| ())
    }

    /// Whether this server keeps a transfer's completion reply until we
    /// close the data connection (as vsftpd does), judged from how long
    /// the reply took after our close: about a round trip then, about
    /// nothing for a server that sends it as its data ends (libunftp).
    /// A server judged not to hold it never gets the next command before
    /// that reply: there it would gain nothing, and a server that answers
    /// commands while a transfer ends could put the next reply first.
    /// Below 2 ms of round trip it cannot be judged; there, and before the
    /// first judgement, the reply is deferred, and the codes checked at
    /// each place (`reply`) catch a server that answers out of order.
    /// One "no" is final for the connection.
    pub(super) fn learn_holding(&mut self, reply_after_close: Duration) {
        let Some(rtt) = self.rtt.filter(|r| *r >= Duration::from_millis(2)) else {
            return;
        };
        if reply_after_close < rtt / 2 {
            self.sends_completion_early = true;
        }
    }

    /// Whether a download that arrived whole may leave its completion
    /// reply for the next command (see `learn_holding`): unless judged not
    /// to help here.
    pub(super) fn may_defer(&self) -> bool {
        !self.sends_completion_early && self.may_write_ahead()
    }

    /// Reads an MDTM reply: the time, or `None` when the server has none.
    pub(super) async fn read_mdtm(&mut self) -> Result<Option<NaiveDateTime>, EngineError> {
        match self.reply(&[Status::File], "MDTM").await {
            Ok(resp) => Ok(parse_mdtm(&resp.text())),
            Err(EngineError::Reply { .. }) if !self.broken => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A new data connection as `beside_replies` leaves it: plain, or the
/// outcome of its TLS handshake (`None`: the handshake never finished,
/// because the replies failed first).
pub(super) enum Handshaken {
    Plain(TcpStream),
    /// Boxed: a TLS stream is large, and this is moved around.
    Tls(Box<Option<Result<TlsStream<TcpStream>, EngineError>>>),
}

/// Runs the replies that start a transfer, and beside them, when the
/// session is encrypted, the data connection's TLS handshake: servers
/// take it once they have read the transfer command, so it costs no round
/// trip of its own. A refused transfer ends the wait at once (the server
/// will never take the handshake then); otherwise both finish.
pub(super) async fn beside_replies(
    link: Option<TlsLink>,
    tcp: TcpStream,
    limit: Duration,
    replies: impl Future<Output = Result<(), EngineError>>,
) -> (Handshaken, Result<(), EngineError>) {
    let Some(link) = link else {
        return (Handshaken::Plain(tcp), replies.await);
    };
    let handshake = Session::data_handshake(link, tcp, limit);
    tokio::pin!(handshake);
    tokio::pin!(replies);
    let mut shaken = None;
    loop {
        tokio::select! {
            r = &mut replies => {
                if r.is_err() {
                    return (Handshaken::Tls(Box::new(shaken)), r);
                }
                let h = match shaken {
                    Some(h) => h,
                    None => handshake.await,
                };
                return (Handshaken::Tls(Box::new(Some(h))), Ok(()));
            }
            h = &mut handshake, if shaken.is_none() => shaken = Some(h),
        }
    }
}

impl Session {
    /// The data connection's stream, once `beside_replies` is done.
    pub(super) fn data_stream(&mut self, data: Handshaken) -> Result<NetStream, EngineError> {
        match data {
            Handshaken::Plain(tcp) => Ok(NetStream::Plain(tcp)),
            Handshaken::Tls(shaken) => self.encrypted_data(*shaken),
        }
    }
}
