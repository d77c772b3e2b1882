//! Active data connections: wharf listens, tells the server where (EPRT,
//! or PORT where EPRT is refused), and the server connects to us after the
//! transfer command. One command at a time: a server may act on a PORT
//! as soon as it reads it, so nothing is written ahead here.
//!
//! We listen on the control connection's local address (the one the
//! server already reaches us on), and take the data connection only from
//! the control connection's peer: anyone else who connects to the port is
//! turned away, as curl and suppaftp do.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use suppaftp::Status;
use tokio::net::{TcpListener, TcpStream};

use super::core::{Session, line};
use super::data::{Ahead, DataOp, Opened};
use super::failure::StepError;
use super::net_stream::NetStream;
use crate::engine::error::EngineError;

impl Session {
    /// Opens an active data connection for `op` at `offset` (REST), after
    /// the commands in `ahead` (each waited for).
    pub(super) async fn open_active(
        &mut self,
        op: DataOp<'_>,
        offset: u64,
        ahead: Ahead<'_>,
    ) -> Result<Opened, EngineError> {
        self.settle().await?;
        let modified = match ahead.mdtm {
            Some(p) => self.mdtm(p).await?,
            None => None,
        };
        if let Some(dir) = ahead.cwd {
            self.cwd(dir).await?;
        }
        let ours = self
            .ctrl
            .local_addr()
            .map_err(|e| self.fail(StepError::Data(e)))?;
        let listener = TcpListener::bind(SocketAddr::new(ours.ip(), 0))
            .await
            .map_err(|e| {
                EngineError::local(
                    format!("{} (listening for the server's data connection)", ours.ip()),
                    &e,
                )
            })?;
        let at = listener
            .local_addr()
            .map_err(|e| self.fail(StepError::Data(e)))?;
        self.announce_port(at).await?;
        if offset > 0 && op.transfers_file() {
            self.command(
                format!("REST {offset}").into_bytes(),
                &[Status::RequestFilePending],
                "REST",
            )
            .await?;
        }
        self.command(
            op.line(),
            &[Status::AboutToSend, Status::AlreadyOpen],
            op.verb(),
        )
        .await?;
        let stream = self.accept_from_server(&listener).await?;
        let conn = match self.tls.clone() {
            // We are the TLS client on a data connection either way (RFC 4217).
            Some(link) => {
                let limit = self.profile.timeouts.connect;
                let shaken = Session::data_handshake(link, stream, limit).await;
                self.encrypted_data(Some(shaken))?
            }
            None => NetStream::Plain(stream),
        };
        Ok(Opened { conn, modified })
    }

    /// EPRT (RFC 2428), or PORT for the rest of the session where the
    /// server refuses EPRT (IPv4 only: PORT cannot name an IPv6 address).
    async fn announce_port(&mut self, at: SocketAddr) -> Result<(), EngineError> {
        if !self.port_only {
            match self
                .command(eprt_line(at), &[Status::CommandOk], "EPRT")
                .await
            {
                Ok(_) => return Ok(()),
                Err(EngineError::Reply { code, .. })
                    if self.is_usable() && (500..=504).contains(&code) && at.is_ipv4() =>
                {
                    self.port_only = true;
                    self.sink()
                        .info("The server refused EPRT; using PORT for this session");
                }
                Err(e) => return Err(e),
            }
        }
        let Some(port) = port_line(at) else {
            return Err(EngineError::Protocol(
                "the server takes no EPRT, and PORT cannot name an IPv6 address".into(),
            ));
        };
        self.command(port, &[Status::CommandOk], "PORT")
            .await
            .map(drop)
    }

    /// Waits (the connect timeout) for the server's data connection,
    /// turning away any that comes from elsewhere.
    async fn accept_from_server(
        &mut self,
        listener: &TcpListener,
    ) -> Result<TcpStream, EngineError> {
        let server: IpAddr = self
            .ctrl
            .peer_addr()
            .map_err(|e| self.fail(StepError::Data(e)))?
            .ip();
        let limit: Duration = self.profile.timeouts.connect;
        let accepted = tokio::time::timeout(limit, async {
            loop {
                let (stream, from) = listener.accept().await?;
                if from.ip() == server {
                    return Ok::<_, std::io::Error>(stream);
                }
                tracing::warn!("refused a data connection from {from} (the server is {server})");
            }
        })
        .await;
        match accepted {
            Err(_) => Err(self.fail(StepError::Timeout(
                "the server's data connection (active mode)".into(),
            ))),
            Ok(Err(e)) => Err(self.fail(StepError::Data(e))),
            Ok(Ok(s)) => Ok(s),
        }
    }
}

/// `EPRT |1|127.0.0.1|40123|` (|2| for IPv6).
fn eprt_line(at: SocketAddr) -> Vec<u8> {
    let family = if at.is_ipv4() { 1 } else { 2 };
    line(
        "EPRT",
        format!("|{family}|{}|{}|", at.ip(), at.port()).as_bytes(),
    )
}

/// `PORT 127,0,0,1,156,187`, for IPv4 addresses.
fn port_line(at: SocketAddr) -> Option<Vec<u8>> {
    let IpAddr::V4(ip) = at.ip() else {
        return None;
    };
    let [a, b, c, d] = ip.octets();
    let (hi, lo) = (at.port() >> 8, at.port() & 0xff);
    Some(line(
        "PORT",
        format!("{a},{b},{c},{d},{hi},{lo}").as_bytes(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eprt_and_port_name_our_listening_address() {
        let v4: SocketAddr = "127.0.0.1:40123".parse().unwrap();
        assert_eq!(eprt_line(v4), b"EPRT |1|127.0.0.1|40123|");
        assert_eq!(port_line(v4).unwrap(), b"PORT 127,0,0,1,156,187");
        let v6: SocketAddr = "[::1]:2121".parse().unwrap();
        assert_eq!(eprt_line(v6), b"EPRT |2|::1|2121|");
        assert_eq!(port_line(v6), None);
    }
}
