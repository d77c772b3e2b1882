//! The in-process FTP server (`wharf::server`, libunftp on 127.0.0.1) over
//! a fresh temporary root, and the profiles that reach a server on
//! loopback.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use wharf::engine::protocol::{ConnectProfile, DataMode, Fingerprint, Security, Timeouts};
use wharf::engine::tls::fingerprint;
use wharf::server::{EmbeddedServer, ServerOptions, TlsFiles};

/// An embedded server and the temporary folder it serves (removed when
/// dropped). Files may be written into the folder before or after start:
/// the server reads the disk as it is asked.
pub struct TestServer {
    pub server: EmbeddedServer,
    pub root: tempfile::TempDir,
    /// An FTPS server's certificate and key (kept until the server goes).
    _cert_dir: Option<tempfile::TempDir>,
}

impl TestServer {
    /// `login`: the only user and password it accepts; `None` lets
    /// anyone in anonymously. `allow_active`: it accepts PORT/EPRT.
    pub async fn start(login: Option<(&str, &str)>, allow_active: bool) -> TestServer {
        TestServer::start_with(login, allow_active, None).await
    }

    /// An FTPS server (TLS required on control and data, TLS 1.2 and 1.3)
    /// with a certificate made now, self-signed for `localhost` and
    /// 127.0.0.1, and that certificate's fingerprint.
    pub async fn start_tls(
        login: Option<(&str, &str)>,
        allow_active: bool,
    ) -> (TestServer, Fingerprint) {
        let (files, fp) = self_signed_cert();
        let server = TestServer::start_with(login, allow_active, Some(files)).await;
        (server, fp)
    }

    async fn start_with(
        login: Option<(&str, &str)>,
        allow_active: bool,
        tls: Option<(TlsFiles, tempfile::TempDir)>,
    ) -> TestServer {
        let root = tempfile::tempdir().expect("tempdir");
        let (tls, cert_dir) = match tls {
            Some((files, dir)) => (Some(files), Some(dir)),
            None => (None, None),
        };
        let server = EmbeddedServer::start(ServerOptions {
            root: root.path().to_path_buf(),
            credentials: login.map(|(u, p)| (u.to_string(), p.to_string())),
            allow_active,
            tls,
        })
        .await
        .expect("server");
        TestServer {
            server,
            root,
            _cert_dir: cert_dir,
        }
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

    /// The same over explicit TLS, to `localhost` (the certificate's name).
    pub fn tls_profile(&self, login: Option<(&str, &str)>, mode: DataMode) -> ConnectProfile {
        ConnectProfile {
            host: "localhost".into(),
            security: Security::Explicit,
            ..profile(self.port(), login, mode)
        }
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
        security: Default::default(),
        tls_versions: Default::default(),
    }
}

/// A certificate and key for `localhost` and 127.0.0.1, self-signed, made
/// now (rcgen: well under a millisecond), written as PEM into a temporary
/// folder that lives as long as the returned guard; and its fingerprint.
pub fn self_signed_cert() -> ((TlsFiles, tempfile::TempDir), Fingerprint) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("certificate");
    let dir = tempfile::tempdir().expect("tempdir");
    let files = TlsFiles {
        cert: dir.path().join("cert.pem"),
        key: dir.path().join("key.pem"),
    };
    std::fs::write(&files.cert, made.cert.pem()).expect("write cert");
    std::fs::write(&files.key, made.signing_key.serialize_pem()).expect("write key");
    let fp = fingerprint(made.cert.der());
    ((files, dir), fp)
}

/// A test certificate authority: its certificate (to trust as a root) and
/// what it signs.
pub struct TestCa {
    pub cert: rustls::pki_types::CertificateDer<'static>,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl TestCa {
    pub fn new() -> TestCa {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "wharf test CA");
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa {
            cert: cert.der().clone(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A server certificate for `names`, signed by this CA; `expired`
    /// makes one whose validity ended in 2020. Written as PEM files, with
    /// its fingerprint.
    pub fn server_cert(
        &self,
        names: &[&str],
        expired: bool,
    ) -> ((TlsFiles, tempfile::TempDir), Fingerprint) {
        let key = rcgen::KeyPair::generate().expect("key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = rcgen::CertificateParams::new(names).expect("params");
        if expired {
            params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).expect("certificate");
        let dir = tempfile::tempdir().expect("tempdir");
        let files = TlsFiles {
            cert: dir.path().join("cert.pem"),
            key: dir.path().join("key.pem"),
        };
        std::fs::write(&files.cert, cert.pem()).expect("write cert");
        std::fs::write(&files.key, key.serialize_pem()).expect("write key");
        ((files, dir), fingerprint(cert.der()))
    }
}

impl TestServer {
    /// An FTPS server with the given certificate (see `TestCa`).
    pub async fn start_tls_with(
        login: Option<(&str, &str)>,
        cert: (TlsFiles, tempfile::TempDir),
    ) -> TestServer {
        TestServer::start_with(login, false, Some(cert)).await
    }

    /// The same, taking active mode (EPRT/PORT) too.
    pub async fn start_tls_with_active(
        login: Option<(&str, &str)>,
        cert: (TlsFiles, tempfile::TempDir),
    ) -> TestServer {
        TestServer::start_with(login, true, Some(cert)).await
    }
}
