//! Opening a session: resolve, connect (for implicit FTPS, the TLS
//! handshake at once), read the greeting, `AUTH TLS` for explicit FTPS,
//! log in (USER, PASS), `PBSZ 0`/`PROT P` on TLS, learn the server (FEAT,
//! then OPTS UTF8, TYPE I, PWD and SYST written together where the server
//! allows); and closing one (QUIT), or replacing it with a fresh one
//! after replies came out of step.

use std::net::SocketAddr;
use std::time::Duration;

use suppaftp::Status;
use tokio::net::TcpStream;

use super::connector::Connector;
use super::control::{self, Control};
use super::core::{Session, line};
use super::failure::{StepError, classify, describe_io};
use super::net_stream::NetStream;
use super::reply::{parse_features, parse_pwd};
use crate::engine::error::EngineError;
use crate::engine::protocol::{ConnectProfile, RemotePath, Security, ServerInfo};
use crate::engine::wire_log::WireSink;

/// How long a server may take to greet before wharf says why it may not.
const GREETING_WAIT: Duration = Duration::from_secs(10);

impl Connector {
    /// Connects, logs in and learns what the server can do.
    pub async fn open(
        &self,
        profile: ConnectProfile,
        sink: WireSink,
    ) -> Result<Session, EngineError> {
        let profile = self.defaults.apply(profile);
        // Never the password: the profile's Debug masks it, and it is not named here.
        let authority = profile.authority();
        let user = profile.user_or_anonymous().to_string();
        tracing::info!(mode = ?profile.mode, "connecting to {authority} as {user}");
        let sync_before = self.quirks.of(&authority).sync_only;
        let mut r = self.open_once(profile.clone(), sink.clone()).await;
        if r.is_err() && !sync_before && self.quirks.of(&authority).sync_only {
            // The login's commands written together came back out of
            // order or not at all: once more, one at a time.
            sink.info("Reconnecting, to log in again one command at a time");
            r = self.open_once(profile, sink).await;
        } else if matches!(r, Err(EngineError::PlainAfterAuthTls { .. })) {
            // A server that switches to TLS a moment after its 234 (see
            // the error): once more, on a new connection.
            sink.info(
                "The server answered in plain text right after accepting AUTH TLS; \
                 trying once more on a new connection",
            );
            r = self.open_once(profile, sink).await;
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

    pub(super) async fn open_once(
        &self,
        profile: ConnectProfile,
        sink: WireSink,
    ) -> Result<Session, EngineError> {
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
        let tls = match profile.security {
            Security::Plain => None,
            Security::Explicit | Security::Implicit => Some(self.tls_link(&profile).await?),
        };
        let stream = match (&tls, profile.security) {
            (Some(link), Security::Implicit) => {
                sink.info("TLS handshake (implicit FTPS)…");
                NetStream::Tls(Box::new(self.handshake(link, tcp, &profile).await?))
            }
            _ => NetStream::Plain(tcp),
        };
        let mut session = Session {
            ctrl: Control::new(stream, sink),
            tls: tls.clone(),
            data_tls13_full: false,
            data_resumed: false,
            data_tls_seen: false,
            connector: self.clone(),
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
            hash_way: None,
            broken: false,
            data_buf: Vec::new(),
        };
        session.note_tls();
        session.greeting().await?;
        if let (Some(link), Security::Explicit) = (&tls, session.profile.security) {
            session.start_tls(link).await?;
        }
        session.login().await?;
        if tls.is_some() {
            session.protect_data().await?;
        }
        session.learn_server().await?;
        Ok(session)
    }
}

impl Session {
    /// Reads the server's greeting (220; a 120 "ready in n minutes" first
    /// is waited out). Anything else turns us away.
    pub(super) async fn greeting(&mut self) -> Result<(), EngineError> {
        let authority = self.profile.authority();
        loop {
            // A server greets at once. Silence is usually a port that waits
            // for a TLS hello (implicit FTPS): say so instead of waiting
            // out the whole reply timeout.
            let t = self.profile.timeouts.reply.min(GREETING_WAIT);
            let reply = match tokio::time::timeout(t, self.ctrl.read_reply()).await {
                Err(_) => {
                    let hint = match self.profile.security {
                        Security::Implicit => "",
                        Security::Plain | Security::Explicit => {
                            "; if it expects TLS from the first byte (implicit FTPS, \
                             usually port 990), connect with ftps://"
                        }
                    };
                    self.broken = true;
                    return Err(EngineError::Connect {
                        addr: authority,
                        reason: format!(
                            "no greeting from the server within {} s{hint}",
                            t.as_secs()
                        ),
                    });
                }
                Ok(Err(control::ControlError::Violation(m))) => {
                    return Err(self.break_with(EngineError::Protocol(m)));
                }
                Ok(Err(e)) => {
                    let (err, _) = classify(StepError::Control(e), t);
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
    pub(super) async fn login(&mut self) -> Result<(), EngineError> {
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
            _ => Err(self.fail(StepError::Unexpected(reply))),
        }
    }

    /// FEAT, then OPTS UTF8 (when listed), TYPE I, PWD and SYST, written
    /// together where the server allows (see `passive.rs`). Refusals of the
    /// optional ones are fine.
    pub(super) async fn learn_server(&mut self) -> Result<(), EngineError> {
        let feat = self.exchange(b"FEAT".to_vec(), "FEAT").await?;
        if feat.code == 211 {
            self.info.features = parse_features(&feat);
            self.info.uses_mlsd = self.has_feature("MLST");
        } else if feat.code == 421 {
            return Err(self.fail(StepError::Unexpected(feat)));
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
        self.info.home = RemotePath::from_bytes(home);
        self.info.system = self.optional_reply("SYST").await?.map(|r| r.text());
        Ok(())
    }

    /// Replaces the control connection with a new one, logged in the same
    /// way (after replies came out of order: the server is now sent one
    /// command at a time). Keeps the data buffer.
    pub(super) async fn reopen(&mut self) -> Result<(), EngineError> {
        self.sink()
            .info("Reconnecting, to do that again on a new connection");
        let buf = std::mem::take(&mut self.data_buf);
        let fresh = Box::pin(
            self.connector
                .clone()
                .open(self.profile.clone(), self.sink().clone()),
        )
        .await?;
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
