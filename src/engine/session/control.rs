//! The control connection, read and written by wharf itself.
//!
//! Why not suppaftp's: every command line and every reply line passes
//! through here, so the protocol log sees exactly what went over the wire
//! (no scraping of a library's trace output), a reply line over the limit
//! is caught where it is read, commands written ahead of their replies
//! (`passive.rs`) go through the same stream as everything else, and a
//! command carries the raw bytes of a server's names (they need not be
//! UTF-8). The stream under it is plain TCP or TLS (implicit from the
//! start, or after `AUTH TLS`): everything above it works unchanged on an
//! encrypted connection, pipelined writes included.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::net_stream::NetStream;
use super::reply::Reply;
use crate::engine::wire_log::{MAX_REPLY_LINE, WireSink};

/// A whole reply (all its lines) bigger than this is a protocol violation:
/// no real reply comes near it, and a hostile server must not fill memory.
pub const MAX_REPLY_BYTES: usize = 256 * 1024;

/// Telnet's "interpret as command" byte: doubled inside a command line
/// (RFC 959, 3.1.1.5.2), so a name holding it reaches the server intact.
const IAC: u8 = 0xff;

/// What goes wrong on the control connection itself.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The server closed the connection (before or inside a reply).
    #[error("the server closed the connection")]
    Closed,
    /// Not an FTP reply, or over the limits.
    #[error("{0}")]
    Violation(String),
    /// A command that cannot be sent: a line break or NUL in it would end
    /// it early and smuggle in another command.
    #[error("a name with a line break or NUL cannot be sent over FTP: {0}")]
    Unsendable(String),
}

/// No stream: a TLS handshake took it and failed.
fn no_stream() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the TLS handshake did not finish",
    )
}

/// One control connection: commands out, replies in, each line shown in
/// the protocol log of its `sink`.
pub struct Control {
    /// `None` only while the plain stream is in a TLS handshake (`AUTH
    /// TLS`), or after that handshake failed.
    stream: Option<BufReader<NetStream>>,
    sink: WireSink,
    /// The line being read, kept between calls so nothing is allocated per reply.
    line: Vec<u8>,
}

impl Control {
    /// A control connection over `stream` (plain TCP, or TLS from the
    /// first byte for implicit FTPS).
    pub fn new(stream: NetStream, sink: WireSink) -> Control {
        // Commands are small and often alone: no waiting for an ACK to send one.
        let _ = stream.tcp().set_nodelay(true);
        Control {
            stream: Some(BufReader::new(stream)),
            sink,
            line: Vec::with_capacity(256),
        }
    }

    fn stream(&mut self) -> io::Result<&mut BufReader<NetStream>> {
        self.stream.as_mut().ok_or_else(no_stream)
    }

    /// Takes the plain stream for a TLS handshake (after `234` to `AUTH
    /// TLS`). The server sends nothing between its 234 and the handshake,
    /// so nothing may be buffered: bytes there would be a server that does
    /// not speak TLS after all.
    pub fn take_plain(&mut self) -> Result<TcpStream, ControlError> {
        let reader = self.stream.take().ok_or_else(no_stream)?;
        if !reader.buffer().is_empty() {
            return Err(ControlError::Violation(
                "the server sent more after its 234 reply to AUTH TLS".into(),
            ));
        }
        match reader.into_inner() {
            NetStream::Plain(tcp) => Ok(tcp),
            tls => {
                self.stream = Some(BufReader::new(tls));
                Err(ControlError::Violation(
                    "the connection is already encrypted".into(),
                ))
            }
        }
    }

    /// Continues over the TLS stream the handshake produced.
    pub fn encrypted(&mut self, tls: TlsStream<TcpStream>) {
        self.stream = Some(BufReader::new(NetStream::Tls(Box::new(tls))));
    }

    /// The TLS session, when the connection is encrypted.
    pub fn tls(&self) -> Option<&TlsStream<TcpStream>> {
        self.stream.as_ref().and_then(|s| s.get_ref().tls())
    }

    pub fn sink(&self) -> &WireSink {
        &self.sink
    }

    /// Sends this connection's protocol lines to another log from now on.
    pub fn set_sink(&mut self, sink: WireSink) {
        self.sink = sink;
    }

    /// The server's address: passive data connections go there, whatever
    /// address a PASV reply names.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.tcp()?.peer_addr()
    }

    fn tcp(&self) -> io::Result<&TcpStream> {
        Ok(self.stream.as_ref().ok_or_else(no_stream)?.get_ref().tcp())
    }

    /// Our end: active mode listens on this address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.tcp()?.local_addr()
    }

    /// Writes `lines` as commands in one write, logging each (masked).
    /// A line is bytes: names from a server go back exactly as they came.
    pub async fn send(&mut self, lines: &[Vec<u8>]) -> Result<(), ControlError> {
        let mut bytes = Vec::with_capacity(lines.iter().map(|l| l.len() + 2).sum());
        for line in lines {
            if line.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
                return Err(ControlError::Unsendable(
                    String::from_utf8_lossy(line).into_owned(),
                ));
            }
        }
        for line in lines {
            for &b in line {
                bytes.push(b);
                if b == IAC {
                    bytes.push(IAC);
                }
            }
            bytes.extend_from_slice(b"\r\n");
            self.sink.sent_line(&String::from_utf8_lossy(line));
        }
        let stream = self.stream()?.get_mut();
        stream.write_all(&bytes).await?;
        stream.flush().await?;
        Ok(())
    }

    /// Reads one reply, all its lines (RFC 959: `123-` opens a multi-line
    /// reply, a line starting with a code and a space closes it).
    pub async fn read_reply(&mut self) -> Result<Reply, ControlError> {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        let mut total = 0usize;
        let mut opening: Option<u16> = None;
        loop {
            self.read_line().await?;
            let line = trim_eol(&self.line);
            total += line.len();
            if total > MAX_REPLY_BYTES {
                return Err(ControlError::Violation(format!(
                    "the server sent a reply larger than {} KiB",
                    MAX_REPLY_BYTES / 1024
                )));
            }
            self.sink.received(line);
            let code = line_code(line);
            match opening {
                None => {
                    let Some(code) = code else {
                        return Err(ControlError::Violation(format!(
                            "not an FTP reply: {}",
                            String::from_utf8_lossy(line)
                        )));
                    };
                    lines.push(line.to_vec());
                    if line.get(3) == Some(&b'-') {
                        opening = Some(code);
                    } else {
                        return Ok(Reply::new(code, lines));
                    }
                }
                Some(_) => {
                    lines.push(line.to_vec());
                    // A code and a space (or the bare code) ends it. Some
                    // servers close with another code than they opened
                    // with; the closing one is what they mean.
                    if let Some(code) = code
                        && matches!(line.get(3), None | Some(b' '))
                    {
                        return Ok(Reply::new(code, lines));
                    }
                }
            }
        }
    }

    /// Waits, while no reply is due, until the server sends something or
    /// closes the connection (`true`: it closed). Cancel-safe: what
    /// arrives stays buffered for `read_reply`.
    pub async fn wait_unasked(&mut self) -> Result<bool, ControlError> {
        let stream = self.stream.as_mut().ok_or_else(no_stream)?;
        Ok(stream.fill_buf().await?.is_empty())
    }

    /// Reads up to and including the next `\n` into `self.line`, at most
    /// `MAX_REPLY_LINE` bytes.
    async fn read_line(&mut self) -> Result<(), ControlError> {
        self.line.clear();
        loop {
            let stream = self.stream.as_mut().ok_or_else(no_stream)?;
            let available = stream.fill_buf().await?;
            if available.is_empty() {
                return Err(ControlError::Closed);
            }
            let (take, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (available.len(), false),
            };
            if self.line.len() + take > MAX_REPLY_LINE + 2 {
                return Err(ControlError::Violation(format!(
                    "the server sent a reply line of more than {MAX_REPLY_LINE} bytes"
                )));
            }
            self.line.extend_from_slice(&available[..take]);
            stream.consume(take);
            if done {
                return Ok(());
            }
        }
    }

    /// Closes our side (after QUIT's reply, or when giving up).
    pub async fn shutdown(&mut self) {
        if let Ok(stream) = self.stream() {
            let _ = stream.get_mut().shutdown().await;
        }
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The reply code a line starts with (three digits, 100–599).
fn line_code(line: &[u8]) -> Option<u16> {
    let digits = line.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    (100..600).contains(&code).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    /// A control connection to a peer that sends `script` and keeps what
    /// it receives.
    async fn pair(script: &'static [u8]) -> (Control, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let peer = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(script).await.unwrap();
            // Our side is done talking: the client sees the end after the script.
            s.shutdown().await.unwrap();
            let mut got = Vec::new();
            let _ = s.read_to_end(&mut got).await;
            got
        });
        let tcp = TcpStream::connect(addr).await.unwrap();
        (
            Control::new(NetStream::Plain(tcp), WireSink::new(|_| {})),
            peer,
        )
    }

    #[tokio::test]
    async fn reads_single_and_multi_line_replies() {
        let (mut c, _peer) =
            pair(b"220 hi\r\n211-Features:\r\n MLST type*;\r\n UTF8\r\n211 End\r\n331 x\n").await;
        let r = c.read_reply().await.unwrap();
        assert_eq!((r.code, r.text()), (220, "hi".to_string()));
        let r = c.read_reply().await.unwrap();
        assert_eq!(r.code, 211);
        assert_eq!(r.lines.len(), 4);
        assert_eq!(r.lines[1], b" MLST type*;");
        // A bare \n ends a line too.
        assert_eq!(c.read_reply().await.unwrap().code, 331);
        assert!(matches!(c.read_reply().await, Err(ControlError::Closed)));
    }

    #[tokio::test]
    async fn refuses_garbage_and_overlong_lines() {
        let (mut c, _peer) = pair(b"hello there\r\n").await;
        assert!(matches!(
            c.read_reply().await,
            Err(ControlError::Violation(_))
        ));
        let long: &'static [u8] = Box::leak(
            [b"220 ".as_slice(), &[b'a'; MAX_REPLY_LINE + 10], b"\r\n"]
                .concat()
                .into_boxed_slice(),
        );
        let (mut c, _peer) = pair(long).await;
        assert!(matches!(
            c.read_reply().await,
            Err(ControlError::Violation(_))
        ));
    }

    #[tokio::test]
    async fn commands_go_out_as_bytes_with_iac_doubled_and_no_line_breaks() {
        let (mut c, peer) = pair(b"").await;
        c.send(&[b"CWD caf\xe9".to_vec(), b"RETR a\xffb".to_vec()])
            .await
            .unwrap();
        assert!(matches!(
            c.send(&[b"DELE a\r\nDELE b".to_vec()]).await,
            Err(ControlError::Unsendable(_))
        ));
        c.shutdown().await;
        drop(c);
        assert_eq!(peer.await.unwrap(), b"CWD caf\xe9\r\nRETR a\xff\xffb\r\n");
    }

    #[test]
    fn reply_codes_are_three_digits_in_range() {
        assert_eq!(line_code(b"230 ok"), Some(230));
        assert_eq!(line_code(b"211-x"), Some(211));
        assert_eq!(line_code(b" 211"), None);
        assert_eq!(line_code(b"999 x"), None);
        assert_eq!(line_code(b"20"), None);
    }
}
