//! A data connection, whichever way it was opened (passive: we connect,
//! `passive.rs`; active: the server connects to us, `active.rs`), plain or
//! encrypted (FTPS: `secure.rs` runs its handshake). Closing it and reading
//! the completion reply is the session's job (`Session::finish_data`).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

pub enum DataConn {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl DataConn {
    pub fn is_tls(&self) -> bool {
        matches!(self, DataConn::Tls(_))
    }
}

impl AsyncRead for DataConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataConn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            DataConn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for DataConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            DataConn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            DataConn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataConn::Plain(s) => Pin::new(s).poll_flush(cx),
            DataConn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataConn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            DataConn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
