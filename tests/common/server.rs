//! The in-process FTP server (`wharf::server`, libunftp on 127.0.0.1) over
//! a fresh temporary root, and the profiles that reach a server on
//! loopback.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use wharf::engine::protocol::{ConnectProfile, DataMode, Timeouts};
use wharf::server::{EmbeddedServer, ServerOptions};

/// An embedded server and the temporary folder it serves (removed when
/// dropped). Files may be written into the folder before or after start:
/// the server reads the disk as it is asked.
pub struct TestServer {
    pub server: EmbeddedServer,
    pub root: tempfile::TempDir,
}

impl TestServer {
    /// `login`: the only user and password it accepts; `None` lets
    /// anyone in anonymously. `allow_active`: it accepts PORT/EPRT.
    pub async fn start(login: Option<(&str, &str)>, allow_active: bool) -> TestServer {
        let root = tempfile::tempdir().expect("tempdir");
        let server = EmbeddedServer::start(ServerOptions {
            root: root.path().to_path_buf(),
            credentials: login.map(|(u, p)| (u.to_string(), p.to_string())),
            allow_active,
        })
        .await
        .expect("server");
        TestServer { server, root }
    }

    /// Anonymous and passive only.
    pub async fn anonymous() -> TestServer {
        TestServer::start(None, false).await
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn port(&self) -> u16 {
        self.server.addr().port()
    }

    /// `rel` under the served folder, on this machine's disk.
    pub fn path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.path().join(rel)
    }

    /// A profile for this server, logging in as `login` (`None`: anonymous).
    pub fn profile(&self, login: Option<(&str, &str)>, mode: DataMode) -> ConnectProfile {
        profile(self.port(), login, mode)
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}

/// A profile for a server (or a proxy) on 127.0.0.1:`port`, with short
/// time limits (loopback answers at once).
pub fn profile(port: u16, login: Option<(&str, &str)>, mode: DataMode) -> ConnectProfile {
    ConnectProfile {
        host: "127.0.0.1".into(),
        port,
        user: login.map(|(u, _)| u.to_string()),
        password: login.map(|(_, p)| p.to_string()),
        path: None,
        mode,
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            reply: Duration::from_secs(10),
        },
        listing: Default::default(),
    }
}
