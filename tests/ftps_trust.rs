//! Certificate trust and the wrong doors of FTPS, against the in-process
//! server and small scripted listeners: a certificate an authority signed
//! for the right name is trusted without asking; a wrong name, an expired
//! one, or a changed one is refused with the reason; "trust always"
//! survives a restart (known_certs.toml); TLS to a plain port, plain FTP
//! to a port that waits for TLS, and a server that accepts AUTH TLS but
//! never shakes hands each end with a clear message, in time.

#[path = "common/events.rs"]
mod events;
#[path = "common/server.rs"]
mod server;

use std::time::{Duration, Instant};

use server::{TestCa, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wharf::engine::error::EngineError;
use wharf::engine::protocol::{CertProblem, DataMode, Security};
use wharf::engine::session::Connector;
use wharf::engine::tls::{KnownCerts, Trust};

const LOGIN: Option<(&str, &str)> = Some(("alice", "s3cret"));

async fn refusal(connector: &Connector, server: &TestServer) -> CertProblem {
    let profile = server.tls_profile(LOGIN, DataMode::Passive);
    match connector.open(profile, events::quiet()).await {
        Err(EngineError::Untrusted(u)) => u.problem,
        Err(e) => panic!("expected an untrusted certificate, got {e:?}"),
        Ok(_) => panic!("the certificate was trusted"),
    }
}

#[tokio::test]
async fn a_certificate_an_authority_signed_for_the_name_is_trusted() {
    let ca = TestCa::new();
    let server = TestServer::start_tls_with(LOGIN, ca.server_cert(&["localhost"], false).0).await;
    let connector = Connector::new().with_roots(vec![ca.cert.clone()]);
    let s = connector
        .open(
            server.tls_profile(LOGIN, DataMode::Passive),
            events::quiet(),
        )
        .await
        .expect("trusted through the authority");
    assert!(s.info().tls.is_some());
    s.quit().await;
}

#[tokio::test]
async fn a_wrong_name_and_an_expired_certificate_are_refused_with_the_reason() {
    let ca = TestCa::new();
    let connector = Connector::new().with_roots(vec![ca.cert.clone()]);
    let wrong =
        TestServer::start_tls_with(LOGIN, ca.server_cert(&["ftp.other.example"], false).0).await;
    assert_eq!(refusal(&connector, &wrong).await, CertProblem::WrongName);
    let expired = TestServer::start_tls_with(LOGIN, ca.server_cert(&["localhost"], true).0).await;
    assert_eq!(refusal(&connector, &expired).await, CertProblem::Expired);
}

#[tokio::test]
async fn a_changed_certificate_is_refused_even_when_an_authority_signed_it() {
    let ca = TestCa::new();
    let (cert, fp) = ca.server_cert(&["localhost"], false);
    let server = TestServer::start_tls_with(LOGIN, cert).await;
    let connector = Connector::new().with_roots(vec![ca.cert.clone()]);
    let server_key = server.tls_profile(LOGIN, DataMode::Passive).authority();
    let earlier = wharf::engine::protocol::Fingerprint([7; 32]);
    connector.trust().trust_once(&server_key, earlier);
    assert_eq!(
        refusal(&connector, &server).await,
        CertProblem::Changed { previous: earlier }
    );
    // Trusting the new one (the user's explicit choice) lets it in.
    connector.trust().trust_once(&server_key, fp);
    assert!(
        connector
            .open(
                server.tls_profile(LOGIN, DataMode::Passive),
                events::quiet()
            )
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn trust_always_survives_a_restart() {
    let config = tempfile::tempdir().expect("config dir");
    let (server, fp) = TestServer::start_tls(LOGIN, false).await;
    let key = server.tls_profile(LOGIN, DataMode::Passive).authority();
    let first = Connector::with_trust(Trust::new(KnownCerts::load(config.path())));
    assert!(matches!(
        refusal(&first, &server).await,
        CertProblem::SelfSigned | CertProblem::UnknownIssuer
    ));
    first.trust().trust_always(&key, fp).expect("kept");
    // A new run: a new connector reading the same config folder.
    let second = Connector::with_trust(Trust::new(KnownCerts::load(config.path())));
    assert!(
        second
            .open(
                server.tls_profile(LOGIN, DataMode::Passive),
                events::quiet()
            )
            .await
            .is_ok(),
        "trusted from known_certs.toml"
    );
}

#[tokio::test]
async fn implicit_tls_to_a_plain_port_says_it_answered_in_plain_text() {
    let server = TestServer::start(LOGIN, false).await;
    let profile = wharf::engine::protocol::ConnectProfile {
        security: Security::Implicit,
        ..server.profile(LOGIN, DataMode::Passive)
    };
    let started = Instant::now();
    let err = Connector::new()
        .open(profile, events::quiet())
        .await
        .err()
        .expect("refused");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.failure().kind,
        wharf::engine::protocol::FailureKind::Tls
    );
    assert!(err.to_string().contains("plain text"), "{err}");
    assert!(err.to_string().contains("ftpes://"), "{err}");
}

/// A listener that accepts and then runs `behave` on each connection.
async fn listener<F, Fut>(behave: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = l.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(behave(s));
        }
    });
    port
}

#[tokio::test]
async fn plain_ftp_to_a_port_that_waits_for_tls_suggests_ftps() {
    // An implicit-TLS port: it waits for the client's hello, says nothing.
    let port = listener(|mut s| async move {
        let mut buf = [0u8; 512];
        let _ = s.read(&mut buf).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let mut profile = server::profile(port, LOGIN, DataMode::Passive);
    profile.timeouts.reply = Duration::from_secs(2);
    let started = Instant::now();
    let err = Connector::new()
        .open(profile, events::quiet())
        .await
        .err()
        .expect("no greeting");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(err.to_string().contains("no greeting"), "{err}");
    assert!(err.to_string().contains("ftps://"), "{err}");
}

#[tokio::test]
async fn a_server_that_accepts_auth_tls_but_never_shakes_hands_times_out() {
    let port = listener(|mut s| async move {
        let _ = s.write_all(b"220 hello\r\n").await;
        let mut buf = [0u8; 512];
        let _ = s.read(&mut buf).await; // AUTH TLS
        let _ = s.write_all(b"234 go ahead\r\n").await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let mut profile = server::profile(port, LOGIN, DataMode::Passive);
    profile.security = Security::Explicit;
    profile.timeouts.connect = Duration::from_secs(2);
    let started = Instant::now();
    let err = Connector::new()
        .open(profile, events::quiet())
        .await
        .err()
        .expect("no handshake");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        err.failure().kind,
        wharf::engine::protocol::FailureKind::Tls
    );
    assert!(err.to_string().contains("handshake"), "{err}");
}

#[tokio::test]
async fn a_server_without_tls_is_refused_for_ftpes() {
    let server = TestServer::start(LOGIN, false).await;
    // libunftp without a certificate answers AUTH TLS with an error.
    let err = Connector::new()
        .open(
            wharf::engine::protocol::ConnectProfile {
                security: Security::Explicit,
                ..server.profile(LOGIN, DataMode::Passive)
            },
            events::quiet(),
        )
        .await
        .err()
        .expect("refused");
    assert_eq!(
        err.failure().kind,
        wharf::engine::protocol::FailureKind::Tls
    );
    assert!(err.to_string().contains("does not offer TLS"), "{err}");
}
