//! FTPS on one session: the TLS handshake of the control connection
//! (at once for implicit TLS, after `AUTH TLS` for explicit), `PBSZ 0` and
//! `PROT P` so data connections are encrypted too, and each data
//! connection's handshake, which resumes this control connection's session
//! (vsftpd and proftpd refuse one that does not).
//!
//! A TLS 1.3 server can run out of session tickets for data connections
//! (proftpd sends none after uploads, and rustls uses each ticket once):
//! the data handshake is then a full one and the server refuses the
//! transfer. When that happens the server gets TLS 1.2 from then on (its
//! sessions resume as often as needed) and the operation is redone on a
//! new connection (`fall_back_to_tls12`).

use suppaftp::Status;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::connector::Connector;
use super::core::Session;
use super::failure::StepError;
use super::net_stream::NetStream;
use crate::engine::error::EngineError;
use crate::engine::protocol::{ConnectProfile, Security, TlsVersion, TlsVersions};
use crate::engine::tls::{self, TlsLink};

impl Connector {
    /// The TLS of a new control connection to `profile`'s server: a fresh
    /// resumption store, the versions allowed (TLS 1.2 only for a server
    /// that needs it), and a verifier that knows what the user trusts.
    pub(super) async fn tls_link(&self, profile: &ConnectProfile) -> Result<TlsLink, EngineError> {
        let server = profile.authority();
        let mut versions = profile.tls_versions;
        if self.quirks.of(&server).tls12_only {
            versions = TlsVersions {
                max: Some(TlsVersion::Tls12),
                ..versions
            };
        }
        let webpki = if self.trust.insecure() {
            None
        } else {
            self.roots.verifier(&self.provider).await
        };
        TlsLink::new(
            &profile.host,
            &server,
            versions,
            self.trust.clone(),
            webpki,
            self.provider.clone(),
        )
        .map_err(EngineError::Tls)
    }

    /// The client handshake over a fresh TCP connection (implicit FTPS, a
    /// control connection after `AUTH TLS`), under the connect timeout.
    pub(super) async fn handshake(
        &self,
        link: &TlsLink,
        tcp: TcpStream,
        profile: &ConnectProfile,
    ) -> Result<TlsStream<TcpStream>, EngineError> {
        match tokio::time::timeout(profile.timeouts.connect, link.handshake(tcp)).await {
            Err(_) => Err(EngineError::Tls(format!(
                "the server did not complete the TLS handshake within {} s",
                profile.timeouts.connect.as_secs()
            ))),
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err(handshake_error(link, &e, profile)),
        }
    }
}

/// What a failed control-connection handshake means: a refused
/// certificate (with its details), a server that spoke plain FTP where TLS
/// was expected, or what rustls said.
fn handshake_error(link: &TlsLink, e: &std::io::Error, profile: &ConnectProfile) -> EngineError {
    if let Some(untrusted) = link.refused() {
        return EngineError::Untrusted(Box::new(untrusted));
    }
    if answered_in_plain_text(e) {
        // Implicit TLS expects TLS from the first byte: a plain greeting
        // means the wrong port. After `AUTH TLS` was accepted, plain text
        // means the server did not switch, which no other scheme fixes.
        return match profile.security {
            Security::Implicit => EngineError::Tls(format!(
                "{} answered in plain text, not TLS: it is not an implicit-TLS port; \
                 try ftpes:// (TLS after AUTH TLS) or ftp://",
                profile.authority()
            )),
            _ => EngineError::PlainAfterAuthTls {
                addr: profile.authority(),
            },
        };
    }
    EngineError::Tls(tls::describe_failure(e))
}

/// A plain FTP greeting (`220 …`) read as TLS: the first byte is not a
/// TLS record type.
fn answered_in_plain_text(e: &std::io::Error) -> bool {
    let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return false;
    };
    matches!(
        inner,
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)
    )
}

impl Session {
    /// Explicit FTPS: `AUTH TLS`, then the handshake on the same connection.
    pub(super) async fn start_tls(&mut self, link: &TlsLink) -> Result<(), EngineError> {
        let reply = self.exchange(b"AUTH TLS".to_vec(), "AUTH TLS").await?;
        match reply.code {
            234 => {}
            421 => return Err(self.fail(StepError::Unexpected(reply))),
            code => {
                return Err(EngineError::Tls(format!(
                    "the server does not offer TLS: it answered AUTH TLS with {code} {}",
                    reply.text()
                )));
            }
        }
        let tcp = self
            .ctrl
            .take_plain()
            .map_err(|e| self.fail(StepError::Control(e)))?;
        let connector = self.connector.clone();
        let stream = connector.handshake(link, tcp, &self.profile).await;
        match stream {
            Ok(s) => {
                self.ctrl.encrypted(s);
                self.note_tls();
                Ok(())
            }
            Err(e) => Err(self.break_with(e)),
        }
    }

    /// `PBSZ 0` and `PROT P`: data connections are encrypted too. A server
    /// that refuses `PROT P` would send files in the clear: refused.
    pub(super) async fn protect_data(&mut self) -> Result<(), EngineError> {
        self.command(b"PBSZ 0".to_vec(), &[Status::CommandOk], "PBSZ")
            .await?;
        match self
            .command(b"PROT P".to_vec(), &[Status::CommandOk], "PROT")
            .await
        {
            Ok(_) => Ok(()),
            Err(EngineError::Reply { code, text }) => Err(EngineError::Tls(format!(
                "the server will not encrypt data connections (PROT P: {code} {text})"
            ))),
            Err(e) => Err(e),
        }
    }

    /// Records the control connection's TLS in the server info and the log.
    pub(super) fn note_tls(&mut self) {
        if let Some(stream) = self.ctrl.tls() {
            let info = tls::info(stream);
            self.sink()
                .info(format!("TLS established: {} {}", info.version, info.cipher));
            self.info.tls = Some(info);
        }
    }

    /// The TLS handshake of a data connection (after its TCP connect),
    /// resuming this control connection's session.
    pub(super) async fn data_handshake(
        link: TlsLink,
        tcp: TcpStream,
        limit: std::time::Duration,
    ) -> Result<TlsStream<TcpStream>, EngineError> {
        match tokio::time::timeout(limit, link.handshake(tcp)).await {
            Err(_) => Err(EngineError::Tls(
                "the data connection's TLS handshake timed out".into(),
            )),
            Ok(Err(e)) => Err(EngineError::Tls(format!(
                "the data connection's TLS handshake failed: {}",
                tls::describe_failure(&e)
            ))),
            Ok(Ok(s)) => Ok(s),
        }
    }

    /// The data connection once its handshake is over (`None`: it never
    /// ran, which cannot happen after the transfer started). A failed one
    /// leaves the control connection out of step; on TLS 1.3 it may be a
    /// server out of tickets (see the module comment).
    pub(super) fn encrypted_data(
        &mut self,
        shaken: Option<Result<TlsStream<TcpStream>, EngineError>>,
    ) -> Result<NetStream, EngineError> {
        match shaken {
            Some(Ok(stream)) => {
                let resumed_before = self.data_resumed;
                self.note_data_tls(&stream);
                if resumed_before && self.data_tls13_full {
                    // Resumption worked, then stopped: a server out of
                    // TLS 1.3 tickets, which refuses this connection
                    // after it has started (proftpd). Redone at once on a
                    // TLS 1.2 connection, before any data moves.
                    drop(stream);
                    self.fall_back_to_tls12();
                    return Err(EngineError::Tls(
                        "the server ran out of TLS 1.3 session tickets".into(),
                    ));
                }
                Ok(NetStream::Tls(Box::new(stream)))
            }
            Some(Err(e)) => {
                self.data_tls13_full = self.ctrl.tls().is_some_and(tls::is_tls13);
                if !self.fall_back_to_tls12() {
                    self.broken = true;
                }
                Err(e)
            }
            None => Err(self.break_with(EngineError::Tls(
                "the data connection's handshake did not run".into(),
            ))),
        }
    }

    /// Notes how a data connection's handshake went (at debug level in the
    /// log file; in the protocol log when it did not resume).
    pub(super) fn note_data_tls(&mut self, stream: &TlsStream<TcpStream>) {
        let resumed = tls::resumed(stream);
        let first = !std::mem::replace(&mut self.data_tls_seen, true);
        self.data_resumed |= resumed;
        self.data_tls13_full = !resumed && tls::is_tls13(stream);
        tracing::debug!(resumed, "data connection TLS");
        if !resumed && (first || self.data_resumed) {
            // Once per connection, or when resumption stops working: a
            // line per file would bury the log.
            self.sink()
                .info("The data connection did not resume the TLS session");
        }
    }

    /// After a failed transfer: when its data connection could not resume a
    /// TLS 1.3 session, the server gets TLS 1.2 from now on, and this
    /// connection is given up so the operation is redone on a new one.
    /// Returns whether that happened.
    pub(super) fn fall_back_to_tls12(&mut self) -> bool {
        if !std::mem::take(&mut self.data_tls13_full) {
            return false;
        }
        let server = self.profile.authority();
        self.connector
            .quirks
            .learn(&server, |q| q.tls12_only = true);
        self.sink().info(
            "A data connection could not resume the TLS 1.3 session, which this \
             server refuses: using TLS 1.2 with it from now on",
        );
        self.desynced = true;
        self.broken = true;
        true
    }
}
