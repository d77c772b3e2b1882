//! A data connection, whichever way it was opened: our own passive one
//! (EPSV/PASV, see `passive.rs`) or suppaftp's (active mode: PORT/EPRT,
//! where the crate runs the listener).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// suppaftp's data connection type.
pub type CrateStream = suppaftp::tokio::TransferStream<suppaftp::tokio::AsyncNoTlsStream>;

pub enum DataConn {
    /// Opened by us: closing it is ours to do, and so is reading the
    /// completion reply (`Session::finish_data`).
    Own(TcpStream),
    /// Opened by suppaftp: its `finish()` closes it and reads the reply.
    Crate(Box<CrateStream>),
}

impl AsyncRead for DataConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataConn::Own(s) => Pin::new(s).poll_read(cx, buf),
            DataConn::Crate(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
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
            DataConn::Own(s) => Pin::new(s).poll_write(cx, buf),
            DataConn::Crate(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataConn::Own(s) => Pin::new(s).poll_flush(cx),
            DataConn::Crate(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DataConn::Own(s) => Pin::new(s).poll_shutdown(cx),
            DataConn::Crate(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
