//! One control connection: connect, log in, learn the server; then the
//! commands (`commands.rs`), listings (`list.rs`) and file transfers
//! (`files.rs`) run on it, over data connections opened passively
//! (`passive.rs`) or actively (`active.rs`).
//!
//! wharf reads and writes the control connection itself (`control.rs`):
//! every line it sends or receives goes to the protocol log from there.
//! Every network step runs under a timeout. Some failures leave the
//! control connection out of step with the server (a timeout, a lost
//! connection, a malformed or oversized reply, 421): those mark the
//! session *broken*, and its owner drops it and opens a new one rather
//! than reuse it.

mod active;
mod commands;
mod control;
mod data;
mod data_conn;
mod failure;
mod files;
mod list;
mod passive;
mod reply;

pub use commands::RemoteKind;
pub use files::{Fetch, Fetched, TransferError};
pub use reply::{epsv_port, parse_mdtm, parse_pwd, pasv_port};

use std::net::SocketAddr;
use std::time::Duration;

use suppaftp::Status;
use tokio::net::TcpStream;

use control::Control;
use data::Deferred;
use failure::{Failure, classify, describe_io};
use reply::{Reply, parse_features};

use super::protocol::{ConnectProfile, EngineError, ServerInfo};
use super::wire_log::WireSink;

/// A listing bigger than this is refused: no real folder needs it, and a
/// hostile server must not be able to fill our memory.
pub const MAX_LISTING_BYTES: usize = 512 * 1024 * 1024;

/// Read buffer for data connections.
const DATA_BUF: usize = 256 * 1024;

/// A command line: the verb, a space, the argument's bytes.
fn line(verb: &str, arg: &[u8]) -> Vec<u8> {
    let mut l = Vec::with_capacity(verb.len() + 1 + arg.len());
    l.extend_from_slice(verb.as_bytes());
    l.push(b' ');
    l.extend_from_slice(arg);
    l
}

pub struct Session {
    ctrl: Control,
    profile: ConnectProfile,
    info: ServerInfo,
    /// The server refused EPSV once: use PASV for the rest of the session.
    pasv_only: bool,
    /// The server refused EPRT once: use PORT for the rest of the session.
    port_only: bool,
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
        let mut r = Self::open_inner(profile.clone(), sink.clone()).await;
        if r.is_err() && !sync_before && passive::is_sync_only(&authority) {
            // The login's commands written together came back out of
            // order or not at all: once more, one at a time.
            sink.info("Reconnecting, to log in again one command at a time");
            r = Self::open_inner(profile, sink).await;
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
        let tcp = match tokio::time::timeout(t.connect, TcpStream::connect(addr)).await {
            Err(_) => return Err(connect_err("timed out".into())),
            Ok(Err(e)) => return Err(connect_err(describe_io(&e))),
            Ok(Ok(tcp)) => tcp,
        };
        let mut session = Session {
            ctrl: Control::new(tcp, sink),
            profile,
            info: ServerInfo::default(),
            pasv_only: false,
            port_only: false,
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
        session.greeting().await?;
        session.login().await?;
        session.learn_server().await?;
        Ok(session)
    }

    /// Reads the server's greeting (220; a 120 "ready in n minutes" first
    /// is waited out). Anything else turns us away.
    async fn greeting(&mut self) -> Result<(), EngineError> {
        let authority = self.profile.authority();
        loop {
            let t = self.profile.timeouts.reply;
            let reply = match tokio::time::timeout(t, self.ctrl.read_reply()).await {
                Err(_) => {
                    return Err(EngineError::Connect {
                        addr: authority,
                        reason: format!("no greeting from the server within {} s", t.as_secs()),
                    });
                }
                Ok(Err(control::ControlError::Violation(m))) => {
                    return Err(self.break_with(EngineError::Protocol(m)));
                }
                Ok(Err(e)) => {
                    let (err, _) = classify(Failure::Control(e), t);
                    let reason = match err {
                        EngineError::ConnectionLost(r) => r,
                        other => other.to_string(),
                    };
                    self.broken = true;
                    return Err(EngineError::Connect {
                        addr: authority,
                        reason,
                    });
                }
                Ok(Ok(r)) => r,
            };
            match reply.code {
                220 => {
                    self.info.banner = reply.text();
                    return Ok(());
                }
                120 => continue,
                code => {
                    self.broken = true;
                    return Err(EngineError::Refused {
                        addr: authority,
                        code,
                        text: reply.text(),
                    });
                }
            }
        }
    }

    /// USER, then PASS when asked for. A 421 means no room (or going
    /// down): the connection is closed on us.
    async fn login(&mut self) -> Result<(), EngineError> {
        let user = self.profile.user_or_anonymous().to_string();
        let pass = self.profile.password_to_send().to_string();
        let mut reply = self
            .exchange(line("USER", user.as_bytes()), "login")
            .await?;
        if reply.code == 331 {
            reply = self
                .exchange(line("PASS", pass.as_bytes()), "login")
                .await?;
        }
        match reply.code {
            230 | 202 => Ok(()),
            332 => Err(EngineError::Login {
                code: 332,
                text: "the server asks for an account (ACCT), which wharf does not send".into(),
            }),
            421 => {
                self.broken = true;
                Err(EngineError::Refused {
                    addr: self.profile.authority(),
                    code: 421,
                    text: reply.text(),
                })
            }
            code if (400..600).contains(&code) => Err(EngineError::Login {
                code,
                text: reply.text(),
            }),
            _ => Err(self.fail(Failure::Unexpected(reply))),
        }
    }

    /// FEAT, then OPTS UTF8 (when listed), TYPE I, PWD and SYST, written
    /// together where the server allows (see `passive.rs`). Refusals of the
    /// optional ones are fine.
    async fn learn_server(&mut self) -> Result<(), EngineError> {
        let feat = self.exchange(b"FEAT".to_vec(), "FEAT").await?;
        if feat.code == 211 {
            self.info.features = parse_features(&feat);
            self.info.uses_mlsd = self.has_feature("MLST");
        } else if feat.code == 421 {
            return Err(self.fail(Failure::Unexpected(feat)));
        }
        let utf8 = self.has_feature("UTF8");
        let mut lines: Vec<&str> = Vec::with_capacity(4);
        if utf8 {
            lines.push("OPTS UTF8 ON");
        }
        lines.extend(["TYPE I", "PWD", "SYST"]);
        if self.may_write_ahead() {
            let bytes: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
            self.send_lines(&bytes).await?;
        } else {
            self.sync_only = true;
        }
        if utf8 {
            self.optional_reply(lines[0]).await?;
        }
        self.command_reply("TYPE I", &[Status::CommandOk]).await?;
        let pwd = self.command_reply("PWD", &[Status::PathCreated]).await?;
        let home = parse_pwd(pwd.first_line_body()).ok_or_else(|| {
            self.break_with(EngineError::Protocol(
                "the server's PWD reply names no folder".into(),
            ))
        })?;
        self.info.home = String::from_utf8_lossy(&home).into_owned();
        self.info.system = self.optional_reply("SYST").await?.map(|r| r.text());
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
        self.ctrl.set_sink(sink);
    }

    fn sink(&self) -> &WireSink {
        self.ctrl.sink()
    }

    /// The folder the user asked to start in, made absolute against the
    /// login folder (URL paths are relative to it, as in curl and lftp).
    pub fn start_path(&self) -> String {
        resolve_start_path(&self.info.home, self.profile.path.as_deref())
    }

    /// Sends one command and reads its reply, whatever its code: for the
    /// steps that decide by code themselves. Fails only when the
    /// connection does.
    async fn exchange(&mut self, command: Vec<u8>, what: &str) -> Result<Reply, EngineError> {
        self.settle().await?;
        self.send_lines(std::slice::from_ref(&command)).await?;
        let t = self.profile.timeouts.reply;
        match tokio::time::timeout(t, self.ctrl.read_reply()).await {
            Err(_) => Err(self.fail(Failure::Timeout(what.to_string()))),
            Ok(Err(e)) => Err(self.fail(e.into())),
            Ok(Ok(r)) => Ok(r),
        }
    }

    /// Sends one command and reads its reply, which must be one of
    /// `expected`: any other is the error (a refusal such as 550 leaves
    /// the connection usable).
    async fn command(
        &mut self,
        command: Vec<u8>,
        expected: &[Status],
        what: &str,
    ) -> Result<Reply, EngineError> {
        let reply = self.exchange(command, what).await?;
        if expects(expected, reply.code) {
            Ok(reply)
        } else {
            Err(self.fail(Failure::Unexpected(reply)))
        }
    }

    /// Replaces the control connection with a new one, logged in the same
    /// way (after replies came out of order: the server is now sent one
    /// command at a time). Keeps the data buffer.
    async fn reopen(&mut self) -> Result<(), EngineError> {
        self.sink()
            .info("Reconnecting, to do that again one command at a time");
        let buf = std::mem::take(&mut self.data_buf);
        let fresh = Box::pin(Session::open(self.profile.clone(), self.sink().clone())).await?;
        *self = fresh;
        self.data_buf = buf;
        Ok(())
    }

    /// Says goodbye politely; errors do not matter any more.
    pub async fn quit(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            let _ = self.settle().await;
            if self.send_lines(&[b"QUIT".to_vec()]).await.is_ok() {
                let _ = self.ctrl.read_reply().await;
            }
            self.ctrl.shutdown().await;
        })
        .await;
    }

    /// Turns a failure into the user-facing error, marking the session
    /// broken when the control connection is no longer in step.
    fn fail(&mut self, f: Failure) -> EngineError {
        if matches!(f, Failure::Timeout(_)) && self.wrote_ahead && !self.sync_only {
            // A server that drops commands it did not expect yet: the
            // operation is redone on a new connection (see `desynced`).
            passive::mark_sync_only(&self.profile.authority());
            self.desynced = true;
            self.sink().info(
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

    /// Marks the connection out of step and passes `e` on.
    fn break_with(&mut self, e: EngineError) -> EngineError {
        self.broken = true;
        e
    }

    /// The data buffer (see `data_buf`); put it back when done with it.
    fn take_buf(&mut self) -> Vec<u8> {
        let mut buf = std::mem::take(&mut self.data_buf);
        if buf.len() < DATA_BUF {
            buf.resize(DATA_BUF, 0);
        }
        buf
    }
}

/// Whether `code` is one of `expected`.
fn expects(expected: &[Status], code: u16) -> bool {
    expected.iter().any(|s| s.code() == u32::from(code))
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
    fn command_lines_carry_names_as_bytes() {
        assert_eq!(line("CWD", b"caf\xe9"), b"CWD caf\xe9");
    }
}
