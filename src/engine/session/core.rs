//! The `Session` type and the primitives every step on a control
//! connection uses: send commands, read a reply and check its code, read a
//! deferred completion reply first (`settle`), and turn failures into the
//! user's errors (marking the connection broken when it is out of step).
//! The steps themselves live beside it: `open.rs` (connect, log in),
//! `commands.rs`, `checksum.rs`, `list.rs`, `files.rs`, and the data connections in
//! `data.rs`, `passive.rs`, `active.rs`.

use std::time::Duration;

use suppaftp::Status;

use super::connector::Connector;
use super::control::Control;
use super::failure::{StepError, classify};
use super::hash_reply::HashWay;
use super::reply::Reply;
use crate::engine::error::EngineError;
use crate::engine::protocol::{ConnectProfile, Name, NameEncoding, RemotePath, ServerInfo};
use crate::engine::tls::TlsLink;
use crate::engine::wire_log::WireSink;

/// A listing bigger than this is refused: no real folder needs it, and a
/// hostile server must not be able to fill our memory.
pub const MAX_LISTING_BYTES: usize = 512 * 1024 * 1024;

/// Read buffer for data connections.
pub(super) const DATA_BUF: usize = 256 * 1024;

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

/// A command line: the verb, a space, the argument's bytes.
pub(super) fn line(verb: &str, arg: &[u8]) -> Vec<u8> {
    let mut l = Vec::with_capacity(verb.len() + 1 + arg.len());
    l.extend_from_slice(verb.as_bytes());
    l.push(b' ');
    l.extend_from_slice(arg);
    l
}

/// A download whose completion reply is still unread.
pub(super) struct Deferred {
    pub path: RemotePath,
    pub bytes: u64,
}

pub struct Session {
    pub(super) ctrl: Control,
    /// FTPS: the control connection's TLS, which data connections resume.
    pub(super) tls: Option<TlsLink>,
    /// The last data connection did a full TLS 1.3 handshake instead of
    /// resuming (see `secure.rs`, `fall_back_to_tls12`).
    pub(super) data_tls13_full: bool,
    /// Some data connection of this session resumed its TLS session: a
    /// later one that cannot is a server out of session tickets.
    pub(super) data_resumed: bool,
    /// A data connection of this session has had its TLS handshake.
    pub(super) data_tls_seen: bool,
    /// What opened this session: a replacement is opened the same way, and
    /// what is learned about the server is recorded there.
    pub(super) connector: Connector,
    pub(super) profile: ConnectProfile,
    pub(super) info: ServerInfo,
    /// The server refused EPSV once: use PASV for the rest of the session.
    pub(super) pasv_only: bool,
    /// The server refused EPRT once: use PORT for the rest of the session.
    pub(super) port_only: bool,
    /// A passive transfer has worked on this connection: commands may be
    /// written ahead of their replies (see `passive.rs`).
    pub(super) passive_proven: bool,
    /// A listing has worked here: its CWD may go in the same write.
    pub(super) listing_proven: bool,
    /// The completion reply of a finished download, not read yet.
    pub(super) pending_done: Option<Deferred>,
    /// Commands go one at a time, each after the last one's reply.
    pub(super) sync_only: bool,
    /// The server's working folder, when a CWD of ours is known to have
    /// taken it there (a listing of it needs no CWD).
    pub(super) cwd_now: Option<RemotePath>,
    /// More than one command was written before its reply was read.
    pub(super) wrote_ahead: bool,
    /// Replies to commands written ahead came out of order, or never came:
    /// this connection is lost, the operation may be redone on a new one
    /// (nothing of it had arrived yet).
    pub(super) desynced: bool,
    /// The shortest wait seen for a passive reply: about a round trip.
    pub(super) rtt: Option<Duration>,
    /// The server was seen sending a transfer's completion reply without
    /// waiting for our close (`passive.rs`, `learn_holding`).
    pub(super) sends_completion_early: bool,
    /// The server refused `LIST -a`: send plain `LIST`.
    pub(super) plain_list: bool,
    /// How a file's hash is asked for, once decided (`checksum.rs`).
    pub(super) hash_way: Option<HashWay>,
    pub(super) broken: bool,
    /// The data-connection buffer, kept from one transfer to the next:
    /// allocating and zeroing 256 KiB for every file cost more CPU than
    /// a small file's whole transfer.
    pub(super) data_buf: Vec<u8>,
}

impl Session {
    /// Remembers that this server must get one command at a time (it
    /// lost or reordered commands written ahead): for this session and
    /// every later one of the same connector.
    pub(super) fn mark_sync_only(&mut self) {
        self.connector
            .quirks
            .learn(&self.profile.authority(), |q| q.sync_only = true);
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

    /// Gives the connection up (a listing was stopped halfway: its data
    /// and replies are still coming); its owner opens a new one.
    pub fn abandon(&mut self) {
        self.broken = true;
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

    pub(super) fn sink(&self) -> &WireSink {
        self.ctrl.sink()
    }

    /// The folder the user asked to start in, made absolute against the
    /// login folder (URL paths are relative to it, as in curl and lftp).
    pub fn start_path(&self) -> RemotePath {
        resolve_start_path_in(
            &self.info.home,
            self.profile.path.as_deref(),
            self.profile.listing.encoding,
        )
    }

    /// Sends one command and reads its reply, whatever its code: for the
    /// steps that decide by code themselves. Fails only when the
    /// connection does.
    pub(super) async fn exchange(
        &mut self,
        command: Vec<u8>,
        what: &str,
    ) -> Result<Reply, EngineError> {
        self.settle().await?;
        self.send_lines(std::slice::from_ref(&command)).await?;
        let t = self.profile.timeouts.reply;
        match tokio::time::timeout(t, self.ctrl.read_reply()).await {
            Err(_) => Err(self.fail(StepError::Timeout(what.to_string()))),
            Ok(Err(e)) => Err(self.fail(e.into())),
            Ok(Ok(r)) => Ok(r),
        }
    }

    /// Sends one command and reads its reply, which must be one of
    /// `expected`: any other is the error (a refusal such as 550 leaves
    /// the connection usable).
    pub(super) async fn command(
        &mut self,
        command: Vec<u8>,
        expected: &[Status],
        what: &str,
    ) -> Result<Reply, EngineError> {
        let reply = self.exchange(command, what).await?;
        if expects(expected, reply.code) {
            Ok(reply)
        } else {
            Err(self.fail(StepError::Unexpected(reply)))
        }
    }

    /// Turns a failure into the user-facing error, marking the session
    /// broken when the control connection is no longer in step.
    pub(super) fn fail(&mut self, f: StepError) -> EngineError {
        if matches!(f, StepError::Timeout(_)) && self.wrote_ahead && !self.sync_only {
            // A server that drops commands it did not expect yet: the
            // operation is redone on a new connection (see `desynced`).
            self.mark_sync_only();
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
    pub(super) fn break_with(&mut self, e: EngineError) -> EngineError {
        self.broken = true;
        e
    }

    /// The data buffer (see `data_buf`); put it back when done with it.
    pub(super) fn take_buf(&mut self) -> Vec<u8> {
        let mut buf = std::mem::take(&mut self.data_buf);
        if buf.len() < DATA_BUF {
            buf.resize(DATA_BUF, 0);
        }
        buf
    }

    /// Whether commands may be written before the replies of earlier ones.
    pub(super) fn may_write_ahead(&self) -> bool {
        !self.sync_only
            && !self
                .connector
                .quirks
                .of(&self.profile.authority())
                .sync_only
    }

    /// Reads one reply of a command whose refusal is fine (`None`).
    pub(super) async fn optional_reply(
        &mut self,
        what: &str,
    ) -> Result<Option<Reply>, EngineError> {
        if self.sync_only {
            self.send_lines(&[what.as_bytes().to_vec()]).await?;
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
    ) -> Result<Reply, EngineError> {
        if self.sync_only {
            self.send_lines(&[what.as_bytes().to_vec()]).await?;
        }
        self.reply(expected, what).await
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
                self.sink().info(note);
                Ok(())
            }
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
    ) -> Result<Reply, EngineError> {
        let t = self.profile.timeouts.reply;
        let reply = match tokio::time::timeout(t, self.ctrl.read_reply()).await {
            Err(_) => return Err(self.fail(StepError::Timeout(what.to_string()))),
            Ok(Err(e)) => return Err(self.fail(e.into())),
            Ok(Ok(r)) => r,
        };
        if expects(expected, reply.code) {
            return Ok(reply);
        }
        if reply.code < 400 {
            if self.wrote_ahead {
                self.mark_sync_only();
                self.desynced = true;
                self.sink().info(
                    "The server answered commands sent together out of order: \
                     from now on wharf waits for each reply before the next \
                     command to this server",
                );
            }
            return Err(self.break_with(EngineError::Protocol(format!(
                "the reply to {what} was {} {}: replies out of step",
                reply.code,
                reply.text()
            ))));
        }
        Err(self.fail(StepError::Unexpected(reply)))
    }

    /// Writes `lines` as commands, in one write, logging each.
    pub(super) async fn send_lines(&mut self, lines: &[Vec<u8>]) -> Result<(), EngineError> {
        if lines.len() > 1 || self.pending_done.is_some() {
            self.wrote_ahead = true;
        }
        let t = self.profile.timeouts.reply;
        match tokio::time::timeout(t, self.ctrl.send(lines)).await {
            Err(_) => Err(self.fail(StepError::Timeout("sending a command".into()))),
            Ok(Err(e)) => Err(self.fail(e.into())),
            Ok(Ok(())) => Ok(()),
        }
    }
}

/// Whether `code` is one of `expected`.
pub(super) fn expects(expected: &[Status], code: u16) -> bool {
    expected.iter().any(|s| s.code() == u32::from(code))
}

/// Joins a URL path onto the login folder: absolute paths stay as they are.
/// The URL's path is text the user typed: its bytes as UTF-8.
pub fn resolve_start_path(home: &RemotePath, path: Option<&str>) -> RemotePath {
    resolve_start_path_in(home, path, NameEncoding::Utf8)
}

/// [`resolve_start_path`], the typed path encoded as the server's names
/// are (a bookmark's encoding); the login folder stays the bytes PWD gave.
pub fn resolve_start_path_in(
    home: &RemotePath,
    path: Option<&str>,
    encoding: NameEncoding,
) -> RemotePath {
    let home = if home.as_bytes().is_empty() {
        RemotePath::root()
    } else {
        home.clone()
    };
    match path.map(|p| p.trim_end_matches('/')) {
        None | Some("") => home,
        Some(p) if p.starts_with('/') => RemotePath::from_bytes(encoding.encode(p)),
        Some(p) => p.split('/').filter(|c| !c.is_empty()).fold(home, |dir, c| {
            dir.join(&Name::from_bytes(encoding.encode(c)))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn start_path_is_relative_to_home_unless_absolute() {
        let at = |home: &str, path| resolve_start_path(&home.into(), path).to_string();
        assert_eq!(at("/home/u", None), "/home/u");
        assert_eq!(at("/home/u", Some("docs/")), "/home/u/docs");
        assert_eq!(at("/home/u/", Some("a/b")), "/home/u/a/b");
        assert_eq!(at("/", Some("pub")), "/pub");
        assert_eq!(at("/home/u", Some("/srv")), "/srv");
        assert_eq!(at("", Some("")), "/");
    }

    #[test]
    pub(super) fn command_lines_carry_names_as_bytes() {
        assert_eq!(line("CWD", b"caf\xe9"), b"CWD caf\xe9");
    }
}
