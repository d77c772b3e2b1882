//! One control connection: connect, log in, learn the server, list folders.
//!
//! Every network step runs under a timeout. Some failures leave the control
//! connection out of step with the server (a timeout, a lost connection, a
//! malformed or oversized reply, 421): those mark the session *broken*, and
//! its owner drops it and opens a new one rather than reuse it.

mod data_conn;
mod passive;

pub use passive::{epsv_port, parse_mdtm, pasv_port};

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use suppaftp::tokio::AsyncFtpStream;
use suppaftp::{FtpError, ReplyTooLarge, Status};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use data_conn::DataConn;
use passive::{After, Ahead, Deferred, Opened};

use super::listing::{ListFormat, Listing, ListingParser};
use super::protocol::{ConnectProfile, DataMode, EngineError, Entry, ServerInfo};
use super::wire_log::{WireSink, reply_code};

/// A listing bigger than this is refused: no real folder needs it, and a
/// hostile server must not be able to fill our memory.
pub const MAX_LISTING_BYTES: usize = 512 * 1024 * 1024;

/// Read buffer for data connections.
const DATA_BUF: usize = 256 * 1024;

/// How many unreadable listing lines are copied into the protocol log.
const UNREADABLE_SHOWN: usize = 5;

/// What a data connection is opened for.
#[derive(Clone, Copy)]
enum DataOp<'a> {
    List(&'a str),
    Retr(&'a str),
    Stor(&'a str),
    Appe(&'a str),
}

impl DataOp<'_> {
    /// The command line.
    fn line(&self) -> String {
        match self {
            DataOp::List(cmd) => cmd.to_string(),
            DataOp::Retr(p) => format!("RETR {p}"),
            DataOp::Stor(p) => format!("STOR {p}"),
            DataOp::Appe(p) => format!("APPE {p}"),
        }
    }

    /// Whether a REST offset applies.
    fn transfers_file(&self) -> bool {
        !matches!(self, DataOp::List(_))
    }

    fn verb(&self) -> &'static str {
        match self {
            DataOp::List(_) => "listing",
            DataOp::Retr(_) => "RETR",
            DataOp::Stor(_) => "STOR",
            DataOp::Appe(_) => "APPE",
        }
    }
}

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

/// What a download got.
#[derive(Debug, Clone, Copy)]
pub struct Fetched {
    pub bytes: u64,
    /// From MDTM, when asked and known.
    pub modified: Option<chrono::NaiveDateTime>,
}

/// What a remote path names, as [`Session::stat`] found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteKind {
    Folder,
    /// A file; `size` is `None` when the server has no SIZE.
    File {
        size: Option<u64>,
    },
    /// Neither: the server's refusal says why (usually "no such file").
    Missing(EngineError),
}

pub struct Session {
    ftp: AsyncFtpStream,
    profile: ConnectProfile,
    info: ServerInfo,
    sink: WireSink,
    /// The server refused EPSV once: use PASV for the rest of the session.
    pasv_only: bool,
    /// A passive transfer has worked on this connection: commands may be
    /// written ahead of their replies (see `passive.rs`).
    passive_proven: bool,
    /// A listing has worked here: its CWD may go in the same write.
    listing_proven: bool,
    /// The completion reply of a finished download, not read yet.
    pending_done: Option<Deferred>,
    /// Commands go one at a time, each after the last one's reply.
    sync_only: bool,
    /// The server's working folder, when a CWD of ours is known to have
    /// taken it there (a listing of it needs no CWD).
    cwd_now: Option<String>,
    /// More than one command was written before its reply was read.
    wrote_ahead: bool,
    /// Replies to commands written ahead came out of order, or never came:
    /// this connection is lost, the operation may be redone on a new one
    /// (nothing of it had arrived yet).
    desynced: bool,
    /// The shortest wait seen for a passive reply: about a round trip.
    rtt: Option<Duration>,
    /// The server was seen sending a transfer's completion reply without
    /// waiting for our close (`passive.rs`, `learn_holding`).
    sends_completion_early: bool,
    /// The server refused `LIST -a`: send plain `LIST`.
    plain_list: bool,
    broken: bool,
    /// The data-connection buffer, kept from one transfer to the next:
    /// allocating and zeroing 256 KiB for every file cost more CPU than
    /// a small file's whole transfer.
    data_buf: Vec<u8>,
}

impl Session {
    /// Connects, logs in and learns what the server can do.
    pub async fn open(profile: ConnectProfile, sink: WireSink) -> Result<Session, EngineError> {
        // Never the password: the profile's Debug masks it, and it is not named here.
        let authority = profile.authority();
        let user = profile.user_or_anonymous().to_string();
        tracing::info!(mode = ?profile.mode, "connecting to {authority} as {user}");
        let sync_before = passive::is_sync_only(&authority);
        let mut r = sink
            .clone()
            .scope(Self::open_inner(profile.clone(), sink.clone()))
            .await;
        if r.is_err() && !sync_before && passive::is_sync_only(&authority) {
            // The login's commands written together came back out of
            // order or not at all: once more, one at a time.
            sink.info("Reconnecting, to log in again one command at a time");
            r = sink.clone().scope(Self::open_inner(profile, sink)).await;
        }
        match &r {
            Ok(s) => tracing::info!(
                system = s.info.system.as_deref().unwrap_or("?"),
                mlsd = s.info.uses_mlsd,
                "logged in to {authority} as {user}, in {}",
                s.info.home
            ),
            Err(e @ EngineError::Login { .. }) => {
                tracing::warn!("login to {authority} as {user} refused: {e}")
            }
            Err(e) => tracing::warn!("connecting to {authority} failed: {e}"),
        }
        r
    }

    async fn open_inner(profile: ConnectProfile, sink: WireSink) -> Result<Session, EngineError> {
        let t = profile.timeouts;
        let authority = profile.authority();
        let addr = resolve(&profile.host, &authority, t.connect).await?;
        sink.info(format!("Connecting to {addr}…"));

        let connect_err = |reason: String| EngineError::Connect {
            addr: authority.clone(),
            reason,
        };
        // The crate's connect timeout covers TCP only; the banner gets the reply timeout.
        let mut ftp = match tokio::time::timeout(
            t.connect + t.reply,
            AsyncFtpStream::connect_timeout(addr, t.connect),
        )
        .await
        {
            Err(_) => return Err(connect_err("timed out".into())),
            Ok(Err(FtpError::ConnectionError(e))) if is_too_large(&e) => {
                return Err(EngineError::Protocol(e.to_string()));
            }
            Ok(Err(FtpError::ConnectionError(e))) => return Err(connect_err(describe_io(&e))),
            Ok(Err(FtpError::UnexpectedResponse(r))) => {
                let (code, text) = reply_parts(&r.body);
                return Err(EngineError::Refused {
                    addr: authority.clone(),
                    code,
                    text,
                });
            }
            Ok(Err(e)) => return Err(EngineError::Protocol(e.to_string())),
            Ok(Ok(ftp)) => ftp,
        };
        if let Some(v) = sink.take_violation() {
            return Err(EngineError::Protocol(v));
        }
        let banner = ftp.get_welcome_msg().unwrap_or_default().to_string();

        // Passive data connections are ours (passive.rs); in active mode the
        // crate runs the listener that the server connects to.
        if matches!(profile.mode, DataMode::Active) {
            ftp = ftp.active_mode(t.reply);
        }
        // Commands are small and often alone: no waiting for an ACK to send one.
        let _ = ftp.get_ref().await.set_nodelay(true);

        let mut session = Session {
            ftp,
            profile,
            info: ServerInfo {
                banner,
                ..ServerInfo::default()
            },
            sink,
            pasv_only: false,
            passive_proven: false,
            listing_proven: false,
            pending_done: None,
            sync_only: false,
            cwd_now: None,
            wrote_ahead: false,
            desynced: false,
            rtt: None,
            sends_completion_early: false,
            plain_list: false,
            broken: false,
            data_buf: Vec::new(),
        };
        session.login().await?;
        session.learn_server().await?;
        Ok(session)
    }

    async fn login(&mut self) -> Result<(), EngineError> {
        let user = self.profile.user_or_anonymous().to_string();
        let pass = self.profile.password_to_send().to_string();
        let t = self.profile.timeouts.reply;
        let r = timed(t, "login", self.ftp.login(user.as_str(), pass.as_str())).await;
        match r {
            Err(e) => Err(self.fail(e)),
            Ok(Err(FtpError::UnexpectedResponse(resp))) => {
                let (code, text) = reply_parts(&resp.body);
                if code == 421 {
                    // Closing on us: a limit of connections, or going down.
                    self.broken = true;
                    Err(EngineError::Refused {
                        addr: self.profile.authority(),
                        code,
                        text,
                    })
                } else if (400..600).contains(&code) {
                    Err(EngineError::Login { code, text })
                } else {
                    Err(self.fail(Failure::Ftp(FtpError::UnexpectedResponse(resp))))
                }
            }
            Ok(r) => self.check(Ok(r)),
        }
    }

    /// FEAT, then OPTS UTF8 (when listed), TYPE I, PWD and SYST, written
    /// together where the server allows (see `passive.rs`). Refusals of the
    /// optional ones are fine.
    async fn learn_server(&mut self) -> Result<(), EngineError> {
        let t = self.profile.timeouts.reply;
        let r = timed(t, "FEAT", self.ftp.feat()).await;
        if let Some(features) = self.optional(r)? {
            let mut lines: Vec<String> = features
                .into_iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{} {v}", k.to_ascii_uppercase()),
                    None => k.to_ascii_uppercase(),
                })
                .collect();
            lines.sort();
            self.info.uses_mlsd = lines.iter().any(|l| l == "MLST" || l.starts_with("MLST "));
            self.info.features = lines;
        }
        let utf8 = self.has_feature("UTF8");
        let mut lines = Vec::with_capacity(4);
        if utf8 {
            lines.push("OPTS UTF8 ON".to_string());
        }
        lines.extend(["TYPE I", "PWD", "SYST"].map(String::from));
        if self.may_write_ahead() {
            self.send_lines(&lines).await?;
        } else {
            self.sync_only = true;
        }
        if utf8 {
            self.optional_reply(&lines[0]).await?;
        }
        self.command_reply("TYPE I", &[Status::CommandOk]).await?;
        let pwd = self.command_reply("PWD", &[Status::PathCreated]).await?;
        self.info.home = parse_pwd(&reply_parts(&pwd.body).1).ok_or_else(|| {
            self.break_with(EngineError::Protocol(
                "the server's PWD reply names no folder".into(),
            ))
        })?;
        self.info.system = self
            .optional_reply("SYST")
            .await?
            .map(|r| reply_parts(&r.body).1);
        Ok(())
    }

    pub fn info(&self) -> &ServerInfo {
        &self.info
    }

    pub fn profile(&self) -> &ConnectProfile {
        &self.profile
    }

    pub fn has_feature(&self, name: &str) -> bool {
        self.info
            .features
            .iter()
            .any(|f| f.split(' ').next() == Some(name))
    }

    /// False once the control connection can no longer be trusted.
    pub fn is_usable(&self) -> bool {
        !self.broken
    }

    /// Sends this session's protocol lines to another log from now on: a
    /// planning connection that goes on as a transfer connection is
    /// labelled as one.
    pub fn relabel(&mut self, sink: WireSink) {
        self.sink = sink;
    }

    /// The folder the user asked to start in, made absolute against the
    /// login folder (URL paths are relative to it, as in curl and lftp).
    pub fn start_path(&self) -> String {
        resolve_start_path(&self.info.home, self.profile.path.as_deref())
    }

    /// Lists `path` (absolute): CWD there, then MLSD or LIST.
    pub async fn list(&mut self, path: &str) -> Result<Vec<Entry>, EngineError> {
        let sink = self.sink.clone();
        sink.scope(async {
            match self.list_inner(path).await {
                Err(_) if self.desynced => {
                    self.reopen().await?;
                    self.list_inner(path).await
                }
                other => other,
            }
        })
        .await
    }

    async fn list_inner(&mut self, path: &str) -> Result<Vec<Entry>, EngineError> {
        // Once a listing has worked here, the CWD goes in the same write
        // as the listing's commands; the first time it goes alone, so a
        // refused `LIST -a` is told apart from a refused CWD.
        let here = self.cwd_now.take().is_some_and(|c| c == path);
        let cwd = if here {
            None
        } else if self.listing_proven && matches!(self.profile.mode, DataMode::Passive) {
            Some(path)
        } else {
            self.simple("CWD", async |f| f.cwd(path).await).await?;
            None
        };
        let parsed = if self.info.uses_mlsd {
            self.read_listing(cwd, "MLSD", ListFormat::Mlsd).await?
        } else if self.plain_list {
            self.read_listing(cwd, "LIST", ListFormat::List).await?
        } else {
            match self.read_listing(cwd, "LIST -a", ListFormat::List).await {
                // Some servers take `-a` for a file name; a plain LIST then
                // works. Not when the CWD went in the same write: the
                // refusal may be the CWD's (and `-a` has worked here).
                Err(EngineError::Reply { code, .. })
                    if cwd.is_none() && ((500..=504).contains(&code) || code == 550) =>
                {
                    self.plain_list = true;
                    self.sink.info("The server refused LIST -a; using LIST");
                    self.read_listing(None, "LIST", ListFormat::List).await?
                }
                other => other?,
            }
        };
        if parsed.unreadable_count > 0 {
            for line in parsed.unreadable.iter().take(UNREADABLE_SHOWN) {
                self.sink
                    .info(format!("Skipped a listing line wharf cannot read: {line}"));
            }
            if parsed.unreadable_count > UNREADABLE_SHOWN {
                self.sink.info(format!(
                    "… {} unreadable listing lines in all",
                    parsed.unreadable_count
                ));
            }
        }
        self.listing_proven = true;
        self.cwd_now = Some(path.to_string());
        Ok(parsed.entries)
    }

    /// Sends a listing command (after `CWD cwd`, when given) and parses its
    /// data connection as it arrives (parsing overlaps the transfer).
    async fn read_listing(
        &mut self,
        cwd: Option<&str>,
        command: &str,
        format: ListFormat,
    ) -> Result<Listing, EngineError> {
        let t = self.profile.timeouts.reply;
        let ahead = Ahead { mdtm: None, cwd };
        let mut stream = self.open_data(DataOp::List(command), 0, ahead).await?.conn;
        let mut parser = ListingParser::new(format, chrono::Local::now().date_naive());
        let mut total = 0usize;
        let mut buf = self.take_buf();
        loop {
            let n = match tokio::time::timeout(t, stream.read(&mut buf)).await {
                Err(_) => return Err(self.fail(Failure::Timeout(format!("{command} data")))),
                Ok(Err(e)) => return Err(self.fail(Failure::Ftp(FtpError::ConnectionError(e)))),
                Ok(Ok(n)) => n,
            };
            if n == 0 {
                break;
            }
            total += n;
            if total > MAX_LISTING_BYTES {
                return Err(self.fail(Failure::Protocol(format!(
                    "the listing is larger than {} MiB",
                    MAX_LISTING_BYTES >> 20
                ))));
            }
            // A chunk is at most DATA_BUF bytes: a few milliseconds of
            // parsing, fine on a worker thread.
            parser.feed(&buf[..n]);
        }
        self.data_buf = buf;
        self.finish_data(stream, false, After::Reply).await?;
        Ok(parser.finish())
    }

    /// Opens a data connection for `op`, starting at `offset` (REST) when
    /// it is not 0, after the commands in `ahead`: our own passive one
    /// (passive.rs), or in active mode the crate's.
    async fn open_data(
        &mut self,
        op: DataOp<'_>,
        offset: u64,
        ahead: Ahead<'_>,
    ) -> Result<Opened, EngineError> {
        if matches!(self.profile.mode, DataMode::Passive) {
            return self.open_passive(op, offset, ahead).await;
        }
        self.settle().await?;
        let modified = match ahead.mdtm {
            Some(p) => self.mdtm(p).await?,
            None => None,
        };
        if let Some(dir) = ahead.cwd {
            self.simple("CWD", async |f| f.cwd(dir).await).await?;
        }
        let t = self.profile.timeouts.reply;
        let ftp = &mut self.ftp;
        let opened = timed(t, op.verb(), async {
            // The crate consumes the offset with each data command, even a
            // failed one, so it is set right before it.
            let offset = usize::try_from(offset).map_err(|_| FtpError::BadResponse)?;
            ftp.resume_transfer(offset).await?;
            match op {
                DataOp::List(cmd) => ftp
                    .custom_data_command(cmd, &[Status::AboutToSend, Status::AlreadyOpen])
                    .await
                    .map(|(_, s)| s),
                DataOp::Retr(path) => ftp.retr_as_stream(path).await,
                DataOp::Stor(path) => ftp.put_with_stream(path).await,
                DataOp::Appe(path) => ftp.append_with_stream(path).await,
            }
        })
        .await;
        let stream = self.check(opened)?;
        Ok(Opened {
            conn: DataConn::Crate(Box::new(stream)),
            modified,
        })
    }

    /// `open_data`, done once more on a new connection when the replies
    /// came out of order: no data has moved yet then.
    async fn open_data_redone(
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

    /// Downloads `remote` into `out`, starting at byte `offset` (the caller
    /// has positioned `out` there). `progress` gets the running total of
    /// bytes received in this call. Returns that total.
    pub async fn download<W: AsyncWrite + Unpin>(
        &mut self,
        remote: &str,
        offset: u64,
        fetch: Fetch,
        out: &mut W,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<Fetched, TransferError> {
        let sink = self.sink.clone();
        sink.scope(self.download_inner(remote, offset, fetch, out, progress))
            .await
    }

    async fn download_inner<W: AsyncWrite + Unpin>(
        &mut self,
        remote: &str,
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
            .open_data_redone(DataOp::Retr(remote), offset, ahead)
            .await?;
        let (mut stream, modified) = (opened.conn, opened.modified);
        let mut buf = self.take_buf();
        let mut done = 0u64;
        loop {
            let n = match tokio::time::timeout(t, stream.read(&mut buf)).await {
                Err(_) => return Err(self.fail(Failure::Timeout("RETR data".into())).into()),
                Ok(Err(e)) => {
                    return Err(self.fail(Failure::Ftp(FtpError::ConnectionError(e))).into());
                }
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
                path: remote.to_string(),
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
        remote: &str,
        offset: u64,
        append: bool,
        input: &mut R,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, TransferError> {
        let sink = self.sink.clone();
        sink.scope(self.upload_inner(remote, offset, append, input, progress))
            .await
    }

    async fn upload_inner<R: AsyncBufRead + Unpin>(
        &mut self,
        remote: &str,
        offset: u64,
        append: bool,
        input: &mut R,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<u64, TransferError> {
        let t = self.profile.timeouts.reply;
        let op = if append {
            DataOp::Appe(remote)
        } else {
            DataOp::Stor(remote)
        };
        let rest = if append { 0 } else { offset };
        let mut stream = self
            .open_data_redone(op, rest, Ahead::default())
            .await?
            .conn;
        let mut done = 0u64;
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
            match tokio::time::timeout(t, stream.write_all(chunk)).await {
                Err(_) => return Err(self.fail(Failure::Timeout("STOR data".into())).into()),
                Ok(Err(e)) => {
                    return Err(self.fail(Failure::Ftp(FtpError::ConnectionError(e))).into());
                }
                Ok(Ok(())) => {}
            }
            input.consume(n);
            done += n as u64;
            progress(done);
        }
        self.finish_data(stream, true, After::Reply).await?;
        Ok(done)
    }

    /// The data buffer (see `data_buf`); put it back when done with it.
    fn take_buf(&mut self) -> Vec<u8> {
        let mut buf = std::mem::take(&mut self.data_buf);
        if buf.len() < DATA_BUF {
            buf.resize(DATA_BUF, 0);
        }
        buf
    }

    /// Runs a simple command (no data connection) under the timeout and the
    /// protocol log.
    async fn simple<T>(
        &mut self,
        what: &str,
        f: impl AsyncFnOnce(&mut AsyncFtpStream) -> Result<T, FtpError>,
    ) -> Result<T, EngineError> {
        let sink = self.sink.clone();
        sink.scope(self.settle()).await?;
        let t = self.profile.timeouts.reply;
        let ftp = &mut self.ftp;
        let r = sink.scope(timed(t, what, f(ftp))).await;
        self.check(r)
    }

    /// SIZE: `None` when the server says the file is not there (550) or
    /// does not know SIZE.
    pub async fn size(&mut self, path: &str) -> Result<Option<u64>, EngineError> {
        match self.simple("SIZE", async |f| f.size(path).await).await {
            Ok(n) => Ok(Some(n as u64)),
            Err(EngineError::Reply { .. }) if self.is_usable() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// What `path` (absolute) names: CWD tells a folder (it follows links,
    /// as a copy does), then SIZE a file. Changes the working folder.
    pub async fn stat(&mut self, path: &str) -> Result<RemoteKind, EngineError> {
        self.cwd_now = None;
        match self.simple("CWD", async |f| f.cwd(path).await).await {
            Ok(()) => {
                self.cwd_now = Some(path.to_string());
                return Ok(RemoteKind::Folder);
            }
            Err(EngineError::Reply { .. }) if self.is_usable() => {}
            Err(e) => return Err(e),
        }
        match self.simple("SIZE", async |f| f.size(path).await).await {
            Ok(n) => Ok(RemoteKind::File {
                size: Some(n as u64),
            }),
            // Neither a folder nor a file SIZE can measure.
            Err(e @ EngineError::Reply { code: 550, .. }) if self.is_usable() => {
                Ok(RemoteKind::Missing(e))
            }
            // No SIZE here (500/502): only the transfer itself can tell.
            Err(EngineError::Reply { .. }) if self.is_usable() => {
                Ok(RemoteKind::File { size: None })
            }
            Err(e) => Err(e),
        }
    }

    /// MDTM: the modification time in UTC, when the server tells it.
    pub async fn mdtm(&mut self, path: &str) -> Result<Option<chrono::NaiveDateTime>, EngineError> {
        match self.simple("MDTM", async |f| f.mdtm(path).await).await {
            Ok(t) => Ok(Some(t)),
            Err(EngineError::Reply { .. }) if self.is_usable() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// MFMT: sets a file's modification time (UTC).
    pub async fn mfmt(
        &mut self,
        path: &str,
        time: chrono::NaiveDateTime,
    ) -> Result<(), EngineError> {
        let cmd = format!("MFMT {} {path}", time.format("%Y%m%d%H%M%S"));
        self.simple("MFMT", async |f| {
            f.custom_command(cmd, &[Status::File]).await.map(|_| ())
        })
        .await
    }

    /// NOOP: keeps an idle control connection alive.
    pub async fn noop(&mut self) -> Result<(), EngineError> {
        self.simple("NOOP", async |f| f.noop().await).await
    }

    pub async fn rename(&mut self, from: &str, to: &str) -> Result<(), EngineError> {
        self.simple("RNFR/RNTO", async |f| f.rename(from, to).await)
            .await
    }

    pub async fn delete(&mut self, path: &str) -> Result<(), EngineError> {
        self.simple("DELE", async |f| f.rm(path).await).await
    }

    pub async fn mkdir(&mut self, path: &str) -> Result<(), EngineError> {
        self.simple("MKD", async |f| f.mkdir(path).await).await
    }

    pub async fn rmdir(&mut self, path: &str) -> Result<(), EngineError> {
        self.simple("RMD", async |f| f.rmdir(path).await).await
    }

    /// Replaces the control connection with a new one, logged in the same
    /// way (after replies came out of order: the server is now sent one
    /// command at a time). Keeps the data buffer.
    async fn reopen(&mut self) -> Result<(), EngineError> {
        self.sink
            .info("Reconnecting, to do that again one command at a time");
        let buf = std::mem::take(&mut self.data_buf);
        let fresh = Box::pin(Session::open(self.profile.clone(), self.sink.clone())).await?;
        *self = fresh;
        self.data_buf = buf;
        Ok(())
    }

    /// Says goodbye politely; errors do not matter any more.
    pub async fn quit(mut self) {
        let sink = self.sink.clone();
        sink.scope(async {
            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                let _ = self.settle().await;
                self.ftp.quit().await
            })
            .await;
        })
        .await;
    }

    /// Unwraps a step's result, recording whether the connection survived it.
    fn check<T>(&mut self, r: Result<Result<T, FtpError>, Failure>) -> Result<T, EngineError> {
        let out = match r {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Failure::Ftp(e)),
            Err(f) => Err(f),
        };
        // A reply line over the limit closes the connection even if the
        // command itself succeeded.
        if let Some(v) = self.sink.take_violation() {
            return Err(self.fail(Failure::Protocol(v)));
        }
        out.map_err(|f| self.fail(f))
    }

    /// Like `check`, but a refusal reply (4xx/5xx other than 421) just means "not supported".
    fn optional<T>(
        &mut self,
        r: Result<Result<T, FtpError>, Failure>,
    ) -> Result<Option<T>, EngineError> {
        match self.check(r) {
            Ok(v) => Ok(Some(v)),
            Err(EngineError::Reply { .. }) if !self.broken => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Turns a failure into the user-facing error, marking the session
    /// broken when the control connection is no longer in step.
    fn fail(&mut self, f: Failure) -> EngineError {
        if matches!(f, Failure::Timeout(_)) && self.wrote_ahead && !self.sync_only {
            // A server that drops commands it did not expect yet: the
            // operation is redone on a new connection (see `desynced`).
            passive::mark_sync_only(&self.profile.authority());
            self.desynced = true;
            self.sink.info(
                "No reply after commands were sent ahead: from now on wharf waits \
                 for each reply before the next command to this server",
            );
        }
        let (err, fatal) = classify(f, self.profile.timeouts.reply);
        if fatal {
            self.broken = true;
        }
        err
    }
}

/// What went wrong in one step, before classification.
enum Failure {
    Ftp(FtpError),
    Timeout(String),
    Protocol(String),
}

/// Runs one network step under a timeout.
async fn timed<T>(
    limit: Duration,
    what: &str,
    fut: impl Future<Output = Result<T, FtpError>>,
) -> Result<Result<T, FtpError>, Failure> {
    tokio::time::timeout(limit, fut)
        .await
        .map_err(|_| Failure::Timeout(what.to_string()))
}

/// Maps a failure to an error and says whether the connection is now unusable.
fn classify(f: Failure, reply_timeout: Duration) -> (EngineError, bool) {
    match f {
        Failure::Timeout(what) => (
            EngineError::Timeout {
                what,
                secs: reply_timeout.as_secs(),
            },
            true,
        ),
        Failure::Protocol(m) => (EngineError::Protocol(m), true),
        Failure::Ftp(FtpError::UnexpectedResponse(resp)) => {
            let (code, text) = reply_parts(&resp.body);
            match code {
                0 => (
                    EngineError::Protocol(format!("malformed reply: {text}")),
                    true,
                ),
                421 => (EngineError::ConnectionLost(format!("{code} {text}")), true),
                _ => (EngineError::Reply { code, text }, false),
            }
        }
        Failure::Ftp(FtpError::ConnectionError(e)) if is_too_large(&e) => {
            (EngineError::Protocol(e.to_string()), true)
        }
        Failure::Ftp(FtpError::ConnectionError(e)) => {
            (EngineError::ConnectionLost(describe_io(&e)), true)
        }
        Failure::Ftp(FtpError::BadResponse) => (
            EngineError::Protocol("the server sent a malformed reply".into()),
            true,
        ),
        Failure::Ftp(FtpError::InvalidAddress(e)) => (
            EngineError::Protocol(format!("cannot read the passive address: {e}")),
            false,
        ),
        Failure::Ftp(e) => (EngineError::Protocol(e.to_string()), true),
    }
}

fn is_too_large(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<ReplyTooLarge>())
}

fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::UnexpectedEof => "the server closed the connection".into(),
        io::ErrorKind::ConnectionReset => "the connection was reset".into(),
        _ => e.to_string(),
    }
}

/// The code (0 when unreadable) and the text of a reply, its lines joined.
pub fn reply_parts(body: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(body);
    let code = reply_code(&text).unwrap_or(0);
    let joined = text
        .lines()
        .map(|l| match reply_code(l) {
            Some(_) => l.get(4..).unwrap_or("").trim(),
            None => l.trim(),
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (code, joined)
}

async fn resolve(host: &str, authority: &str, limit: Duration) -> Result<SocketAddr, EngineError> {
    let err = |reason: String| EngineError::Resolve {
        host: host.to_string(),
        reason,
    };
    match tokio::time::timeout(limit, tokio::net::lookup_host(authority)).await {
        Err(_) => Err(err("timed out".into())),
        Ok(Err(e)) => Err(err(e.to_string())),
        Ok(Ok(mut addrs)) => addrs.next().ok_or_else(|| err("no address found".into())),
    }
}

/// The folder in a PWD reply's text: between the first quote and its
/// closing quote, a doubled quote standing for one (RFC 959).
pub fn parse_pwd(text: &str) -> Option<String> {
    let rest = &text[text.find('"')? + 1..];
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if chars.peek() == Some(&'"') {
                chars.next();
                out.push('"');
            } else {
                return (!out.is_empty()).then_some(out);
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Joins a URL path onto the login folder: absolute paths stay as they are.
pub fn resolve_start_path(home: &str, path: Option<&str>) -> String {
    let home = if home.is_empty() { "/" } else { home };
    match path.map(|p| p.trim_end_matches('/')) {
        None | Some("") => home.to_string(),
        Some(p) if p.starts_with('/') => p.to_string(),
        Some(p) => format!("{}/{}", home.trim_end_matches('/'), p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_path_is_relative_to_home_unless_absolute() {
        assert_eq!(resolve_start_path("/home/u", None), "/home/u");
        assert_eq!(resolve_start_path("/home/u", Some("docs/")), "/home/u/docs");
        assert_eq!(resolve_start_path("/", Some("pub")), "/pub");
        assert_eq!(resolve_start_path("/home/u", Some("/srv")), "/srv");
        assert_eq!(resolve_start_path("", Some("")), "/");
    }

    #[test]
    fn pwd_replies_give_their_quoted_folder() {
        assert_eq!(
            parse_pwd(r#""/home/wharftest" is the current directory"#).as_deref(),
            Some("/home/wharftest")
        );
        assert_eq!(
            parse_pwd(r#""/a ""b"" c" is cwd"#).as_deref(),
            Some(r#"/a "b" c"#)
        );
        assert_eq!(parse_pwd("no quotes"), None);
        assert_eq!(parse_pwd(r#""unterminated"#), None);
        assert_eq!(parse_pwd(r#""" empty"#), None);
    }

    #[test]
    fn reply_parts_reads_code_and_joins_lines() {
        assert_eq!(
            reply_parts(b"550 No such file\r\n"),
            (550, "No such file".to_string())
        );
        assert_eq!(
            reply_parts(b"530-Login incorrect.\r\n530 Bye\r\n"),
            (530, "Login incorrect. Bye".to_string())
        );
        assert_eq!(reply_parts(b"xx"), (0, "xx".to_string()));
    }
}
