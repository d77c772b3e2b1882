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
//! The raw writes go to the TCP socket under suppaftp's reader, which is
//! right for a plain control connection; an FTPS one needs them encrypted.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use suppaftp::Status;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::data_conn::DataConn;
use super::{DataOp, EngineError, Failure, MAX_LISTING_BYTES, Session, reply_parts, timed};

/// Replies that complete a data transfer.
pub(super) const TRANSFER_COMPLETE: &[Status] =
    &[Status::ClosingDataConnection, Status::RequestedFileActionOk];

/// Positive completion replies, for commands whose answer only informs.
const ANY_POSITIVE: &[Status] = &[
    Status::CommandOk,
    Status::CommandNotImplemented,
    Status::System,
    Status::Directory,
    Status::File,
    Status::Help,
    Status::Name,
];

/// Commands written before the passive command, in the same write.
#[derive(Default, Clone, Copy)]
pub(super) struct Ahead<'a> {
    /// MDTM of this path (its reply is read first; a refusal means "no time").
    pub mdtm: Option<&'a str>,
    /// CWD here first: a listing is of this folder.
    pub cwd: Option<&'a str>,
}

/// An open data connection, and what was asked ahead of it.
pub(super) struct Opened {
    pub conn: DataConn,
    pub modified: Option<NaiveDateTime>,
}

/// What `finish_data` does once the data connection is closed.
pub(super) enum After {
    /// Read the completion reply.
    Reply,
    /// Leave it for `settle` (a download that arrived whole).
    Defer(Deferred),
}

/// A download whose completion reply is still unread.
pub(super) struct Deferred {
    pub path: String,
    pub bytes: u64,
}

impl Session {
    /// Opens a passive data connection for `op` at `offset` (REST), after
    /// the commands in `ahead`.
    pub(super) async fn open_passive(
        &mut self,
        op: DataOp<'_>,
        offset: u64,
        ahead: Ahead<'_>,
    ) -> Result<Opened, EngineError> {
        let rest = (offset > 0 && op.transfers_file()).then(|| format!("REST {offset}"));
        let mut head = Vec::with_capacity(5);
        if let Some(p) = ahead.mdtm {
            head.push(format!("MDTM {p}"));
        }
        if let Some(p) = ahead.cwd {
            head.push(format!("CWD {p}"));
        }
        head.push(self.passive_verb().to_string());
        let mut tail: Vec<String> = rest.iter().cloned().collect();
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
        let conn = match self.connect_data(addr).await {
            Ok(c) => c,
            Err(e) => return Err(self.break_with(e)),
        };
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
            .await?;
        self.passive_proven = true;
        Ok(Opened {
            conn: DataConn::Own(conn),
            modified,
        })
    }

    /// Whether commands may be written before the replies of earlier ones.
    pub(super) fn may_write_ahead(&self) -> bool {
        !self.sync_only && !is_sync_only(&self.profile.authority())
    }

    /// Reads one reply of a command whose refusal is fine (`None`).
    pub(super) async fn optional_reply(
        &mut self,
        what: &str,
    ) -> Result<Option<suppaftp::types::Response>, EngineError> {
        if self.sync_only {
            self.send_lines(&[what.to_string()]).await?;
        }
        // Any positive reply will do: these answers only inform.
        match self.reply(ANY_POSITIVE, what).await {
            Ok(r) => Ok(Some(r)),
            Err(EngineError::Reply { .. }) if !self.broken => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads one reply of a command that must succeed (sending it first
    /// when commands go one at a time).
    pub(super) async fn command_reply(
        &mut self,
        what: &str,
        expected: &[Status],
    ) -> Result<suppaftp::types::Response, EngineError> {
        if self.sync_only {
            self.send_lines(&[what.to_string()]).await?;
        }
        self.reply(expected, what).await
    }

    fn passive_verb(&self) -> &'static str {
        if self.pasv_only { "PASV" } else { "EPSV" }
    }

    /// Reads the EPSV/PASV reply: the server's port, at the control
    /// connection's address (a PASV address is often private or wrong).
    /// With `fall_back`, a refused EPSV is followed by PASV, remembered for
    /// the session.
    async fn passive_address(&mut self, fall_back: bool) -> Result<SocketAddr, EngineError> {
        let (status, verb) = if self.pasv_only {
            (Status::PassiveMode, "PASV")
        } else {
            (Status::ExtendedPassiveMode, "EPSV")
        };
        let resp = match self.reply(&[status], verb).await {
            Ok(r) => r,
            Err(EngineError::Reply { .. }) if fall_back && !self.pasv_only && !self.broken => {
                self.pasv_only = true;
                self.sink
                    .info("The server refused EPSV; using PASV for this session");
                self.send_lines(&["PASV".to_string()]).await?;
                self.reply(&[Status::PassiveMode], "PASV").await?
            }
            Err(e) => return Err(e),
        };
        let (_, text) = reply_parts(&resp.body);
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
            .control_peer()
            .await
            .map_err(|e| self.fail(Failure::Ftp(suppaftp::FtpError::ConnectionError(e))))?;
        addr.set_port(port);
        Ok(addr)
    }

    async fn control_peer(&self) -> std::io::Result<SocketAddr> {
        self.ftp.get_ref().await.peer_addr()
    }

    async fn connect_data(&mut self, addr: SocketAddr) -> Result<TcpStream, EngineError> {
        let limit = self.profile.timeouts.connect;
        let stream = match tokio::time::timeout(limit, TcpStream::connect(addr)).await {
            Err(_) => {
                return Err(self.fail(Failure::Timeout(format!("the data connection to {addr}"))));
            }
            Ok(Err(e)) => {
                return Err(self.fail(Failure::Ftp(suppaftp::FtpError::ConnectionError(e))));
            }
            Ok(Ok(s)) => s,
        };
        Ok(stream)
    }

    /// Takes a data transfer nobody wants (a listing of the wrong folder)
    /// and throws it away, so the control connection stays in step.
    async fn discard_transfer(&mut self, addr: SocketAddr, rest: bool) -> Result<(), EngineError> {
        let mut conn = match self.connect_data(addr).await {
            Ok(c) => c,
            Err(e) => return Err(self.break_with(e)),
        };
        if rest && let Err(e) = self.reply(&[Status::RequestFilePending], "REST").await {
            return Err(self.break_with(e));
        }
        match self
            .reply(
                &[Status::AboutToSend, Status::AlreadyOpen],
                "discarded transfer",
            )
            .await
        {
            Ok(_) => {}
            // Refused: nothing more will come.
            Err(EngineError::Reply { .. }) if !self.broken => return Ok(()),
            Err(e) => return Err(e),
        }
        let t = self.profile.timeouts.reply;
        let mut buf = self.take_buf();
        let mut total = 0usize;
        loop {
            match tokio::time::timeout(t, conn.read(&mut buf)).await {
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

    /// Closes a data connection and reads the completion reply, or, with
    /// `defer`, leaves the reply for `settle`.
    pub(super) async fn finish_data(
        &mut self,
        conn: DataConn,
        upload: bool,
        after: After,
    ) -> Result<(), EngineError> {
        let t = self.profile.timeouts.reply;
        match conn {
            DataConn::Crate(stream) => {
                let r = timed(t, "transfer end", stream.finish()).await;
                self.check(r)
            }
            DataConn::Own(mut stream) => {
                // We close first: some servers (vsftpd) send the completion
                // reply only then. An upload's end is the FIN after its data.
                let shut = tokio::time::timeout(t, stream.shutdown()).await;
                drop(stream);
                if upload {
                    match shut {
                        Err(_) => return Err(self.fail(Failure::Timeout("STOR data".into()))),
                        Ok(Err(e)) => {
                            return Err(
                                self.fail(Failure::Ftp(suppaftp::FtpError::ConnectionError(e)))
                            );
                        }
                        Ok(Ok(())) => {}
                    }
                }
                let closed_at = Instant::now();
                match after {
                    After::Reply => {}
                    After::Defer(d) => {
                        self.pending_done = Some(d);
                        return Ok(());
                    }
                }
                self.reply(TRANSFER_COMPLETE, "transfer end").await?;
                if !upload {
                    self.learn_holding(closed_at.elapsed());
                }
                Ok(())
            }
        }
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
    fn learn_holding(&mut self, reply_after_close: Duration) {
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

    /// Reads a deferred completion reply, if one is outstanding. The file
    /// it belongs to arrived whole (its announced size), so a refusal now
    /// is reported, not held against it.
    pub(super) async fn settle(&mut self) -> Result<(), EngineError> {
        let Some(done) = self.pending_done.take() else {
            return Ok(());
        };
        match self.reply(TRANSFER_COMPLETE, "transfer end").await {
            Ok(_) => Ok(()),
            Err(EngineError::Reply { code, text }) if !self.broken => {
                let note = format!(
                    "After all {} bytes of {} had arrived the server said {code} {text}; \
                     the file is complete",
                    done.bytes, done.path
                );
                tracing::warn!("{note}");
                self.sink.info(note);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Reads an MDTM reply: the time, or `None` when the server has none.
    async fn read_mdtm(&mut self) -> Result<Option<NaiveDateTime>, EngineError> {
        match self.reply(&[Status::File], "MDTM").await {
            Ok(resp) => Ok(parse_mdtm(&reply_parts(&resp.body).1)),
            Err(EngineError::Reply { .. }) if !self.broken => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads one reply under the reply timeout.
    /// A positive reply that is not one of `expected` means the replies
    /// are out of step with the commands (a server that answered out of
    /// order): the connection is given up, and the server gets one command
    /// at a time from then on.
    pub(super) async fn reply(
        &mut self,
        expected: &[Status],
        what: &str,
    ) -> Result<suppaftp::types::Response, EngineError> {
        let t = self.profile.timeouts.reply;
        let r = timed(t, what, self.ftp.read_response_in(expected)).await;
        match self.check(r) {
            Err(EngineError::Reply { code, text }) if code < 400 => {
                if self.wrote_ahead {
                    mark_sync_only(&self.profile.authority());
                    self.desynced = true;
                    self.sink.info(
                        "The server answered commands sent together out of order: \
                         from now on wharf waits for each reply before the next \
                         command to this server",
                    );
                }
                Err(self.break_with(EngineError::Protocol(format!(
                    "the reply to {what} was {code} {text}: replies out of step"
                ))))
            }
            other => other,
        }
    }

    /// Writes `lines` as commands, in one write, logging each.
    pub(super) async fn send_lines(&mut self, lines: &[String]) -> Result<(), EngineError> {
        let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
        for line in lines {
            if line.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
                return Err(EngineError::Local {
                    path: line.clone(),
                    reason: "a name with a line break or NUL cannot be sent over FTP".into(),
                });
            }
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        for line in lines {
            self.sink.sent_line(line);
        }
        if lines.len() > 1 || self.pending_done.is_some() {
            self.wrote_ahead = true;
        }
        let t = self.profile.timeouts.reply;
        let r = tokio::time::timeout(t, async {
            let socket = self.ftp.get_ref().await;
            let mut at = 0;
            while at < bytes.len() {
                socket.writable().await?;
                match socket.try_write(&bytes[at..]) {
                    Ok(n) => at += n,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        })
        .await;
        match r {
            Err(_) => Err(self.fail(Failure::Timeout("sending a command".into()))),
            Ok(Err(e)) => Err(self.fail(Failure::Ftp(suppaftp::FtpError::ConnectionError(e)))),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// Marks the connection out of step and passes `e` on.
    pub(super) fn break_with(&mut self, e: EngineError) -> EngineError {
        self.broken = true;
        e
    }
}

/// Servers (`host:port`) that lost commands written ahead: some embedded
/// servers drop whatever follows the command they are reading. A reply
/// timeout after writing ahead puts a server here, and its sessions send
/// one command at a time from then on (as lftp's sync mode does).
static SYNC_ONLY: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

pub(super) fn is_sync_only(authority: &str) -> bool {
    SYNC_ONLY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .any(|a| a == authority)
}

/// Remembers that `authority` must get one command at a time.
pub(super) fn mark_sync_only(authority: &str) {
    let mut list = SYNC_ONLY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !list.iter().any(|a| a == authority) {
        list.push(authority.to_string());
    }
}

/// The port of an EPSV reply's `(|||port|)` (any delimiter, RFC 2428).
pub fn epsv_port(text: &str) -> Option<u16> {
    let open = text.find('(')?;
    let inner = &text[open + 1..];
    let inner = &inner[..inner.find(')')?];
    let delim = inner.chars().next()?;
    let fields: Vec<&str> = inner.split(delim).collect();
    match fields.as_slice() {
        ["", "", "", port, ""] => port.parse::<u16>().ok().filter(|p| *p != 0),
        _ => None,
    }
}

/// The port of a PASV reply's `h1,h2,h3,h4,p1,p2` (with or without
/// parentheses). The host part is checked but not used.
pub fn pasv_port(text: &str) -> Option<u16> {
    text.split(|c: char| !(c.is_ascii_digit() || c == ','))
        .find_map(|run| {
            let nums: Vec<u8> = run
                .split(',')
                .map(|n| n.parse::<u8>().ok())
                .collect::<Option<Vec<u8>>>()?;
            (nums.len() == 6).then(|| u16::from(nums[4]) << 8 | u16::from(nums[5]))
        })
        .filter(|p| *p != 0)
}

/// An MDTM time, `YYYYMMDDHHMMSS[.sss]` in UTC.
pub fn parse_mdtm(text: &str) -> Option<NaiveDateTime> {
    let digits = text.split_whitespace().next()?;
    let whole = digits.split('.').next()?;
    NaiveDateTime::parse_from_str(whole.get(..14)?, "%Y%m%d%H%M%S").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_epsv_ports() {
        assert_eq!(
            epsv_port("Entering Extended Passive Mode (|||30023|)"),
            Some(30023)
        );
        assert_eq!(epsv_port("ok (!!!2121!)"), Some(2121));
        assert_eq!(epsv_port("(|||0|)"), None);
        assert_eq!(epsv_port("(|||99999|)"), None);
        assert_eq!(epsv_port("(|1|127.0.0.1|21|)"), None);
        assert_eq!(epsv_port("no parentheses"), None);
        assert_eq!(epsv_port("(|||12"), None);
    }

    #[test]
    fn reads_pasv_ports_and_ignores_the_host() {
        assert_eq!(
            pasv_port("Entering Passive Mode (10,0,0,9,117,48)."),
            Some(117 * 256 + 48)
        );
        assert_eq!(pasv_port("Entering Passive Mode 127,0,0,1,4,1"), Some(1025));
        assert_eq!(pasv_port("Entering Passive Mode (nonsense)"), None);
        assert_eq!(pasv_port("(1,2,3,4,5)"), None);
        assert_eq!(pasv_port("(1,2,3,4,256,1)"), None);
        assert_eq!(pasv_port("(1,2,3,4,0,0)"), None);
    }

    #[test]
    fn reads_mdtm_times() {
        let t = parse_mdtm("20261127231500").expect("time");
        assert_eq!(t.to_string(), "2026-11-27 23:15:00");
        assert_eq!(
            parse_mdtm("20261127231500.123").map(|t| t.to_string()),
            Some("2026-11-27 23:15:00".into())
        );
        assert_eq!(parse_mdtm("2026"), None);
        assert_eq!(parse_mdtm("garbage here"), None);
    }
}
