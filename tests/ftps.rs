//! FTPS against the in-process server with TLS required on control and
//! data connections (libunftp, a certificate made at test time): the
//! certificate is refused until trusted, then listings, downloads and
//! uploads work as over plain FTP, pipelined commands included, and files
//! arrive intact (compared by SHA-256).

#[path = "common/events.rs"]
mod events;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use server::TestServer;
use wharf::engine::error::EngineError;
use wharf::engine::protocol::{CertProblem, DataMode, RemotePath};
use wharf::engine::session::{Connector, Fetch};

const LOGIN: Option<(&str, &str)> = Some(("alice", "s3cret"));

#[tokio::test]
async fn a_self_signed_certificate_is_refused_until_trusted() {
    let (server, fp) = TestServer::start_tls(LOGIN, false).await;
    let connector = Connector::new();
    let profile = server.tls_profile(LOGIN, DataMode::Passive);
    let Err(EngineError::Untrusted(refused)) =
        connector.open(profile.clone(), events::quiet()).await
    else {
        panic!("an untrusted certificate must be refused");
    };
    assert_eq!(refused.cert.fingerprint, fp);
    assert_eq!(refused.server, profile.authority());
    assert!(
        matches!(
            refused.problem,
            CertProblem::SelfSigned | CertProblem::UnknownIssuer
        ),
        "{:?}",
        refused.problem
    );
    assert!(refused.cert.names.contains(&"localhost".to_string()));

    connector.trust().trust_once(&refused.server, fp);
    let s = connector
        .open(profile, events::quiet())
        .await
        .expect("trusted now");
    let tls = s
        .info()
        .tls
        .clone()
        .expect("the control connection is encrypted");
    assert!(tls.version.starts_with("TLS 1."), "{tls:?}");
    s.quit().await;
}

#[tokio::test]
async fn files_go_both_ways_over_tls_with_commands_written_ahead() {
    let (server, fp) = TestServer::start_tls(LOGIN, false).await;
    let connector = Connector::new();
    let profile = server.tls_profile(LOGIN, DataMode::Passive);
    connector.trust().trust_once(&profile.authority(), fp);
    for i in 0..5 {
        std::fs::write(
            server.path(format!("f{i}.txt")),
            format!("file {i}\n").repeat(100 + i),
        )
        .expect("write");
    }
    let (sink, lines) = events::recording();
    let mut s = connector.open(profile, sink).await.expect("login");
    let home = s.start_path();
    let listed = s.list(&home).await.expect("list");
    assert_eq!(listed.len(), 5);
    for i in 0..5 {
        let path = home.join(&format!("f{i}.txt").as_str().into());
        let mut got = Vec::new();
        let fetch = Fetch {
            want_time: true,
            expect: None,
        };
        s.download(&path, 0, fetch, &mut got, &mut |_| {})
            .await
            .expect("download");
        assert_eq!(got, format!("file {i}\n").repeat(100 + i).into_bytes());
    }
    // Three uploads in a row on one connection (proftpd's ticket trap is
    // the same shape), each read back.
    for i in 0..3 {
        let body = vec![b'a' + i as u8; 70_000];
        let path = RemotePath::from(format!("/up{i}.bin"));
        let mut input: &[u8] = &body;
        s.upload(&path, 0, false, &mut input, &mut |_| {})
            .await
            .expect("upload");
        assert_eq!(
            tree::sha(&server.path(format!("up{i}.bin"))),
            tree::sha_bytes(&body)
        );
    }
    assert!(s.is_usable());
    s.quit().await;
    let log = lines.lock().expect("log").join("\n");
    eprintln!("{log}");
    assert!(log.contains("AUTH TLS") && log.contains("PROT P"), "{log}");
    assert!(
        log.lines()
            .any(|l| l.starts_with("MDTM") || l.contains("> MDTM")),
        "downloads asked their time: {log}"
    );
}

#[path = "common/values.rs"]
mod values;

use events::Engine;
use wharf::engine::protocol::{Command, ConnId, Event, OnExisting};
use wharf::engine::{EngineConfig, spawn_configured};

/// An engine whose connections trust `ca`.
fn engine_trusting(ca: &server::TestCa) -> Engine {
    Engine::new(spawn_configured(EngineConfig {
        connector: Connector::new().with_roots(vec![ca.cert.clone()]),
        keepalive: None,
        ..EngineConfig::default()
    }))
}

#[tokio::test]
async fn the_engine_asks_about_an_untrusted_certificate_and_connects_once_trusted() {
    let (server, fp) = TestServer::start_tls(LOGIN, false).await;
    let mut e = Engine::spawn();
    let profile = server.tls_profile(LOGIN, DataMode::Passive);
    e.start_connect(1, profile.clone());
    let cert = e
        .wait_for(events::WAIT, |ev| match ev {
            Event::Untrusted {
                conn: ConnId(1),
                cert,
            } => Some(cert),
            Event::Connected { .. } => panic!("connected without trust"),
            _ => None,
        })
        .await;
    assert_eq!(cert.cert.fingerprint, fp);
    e.send(Command::TrustCertificate {
        server: cert.server.clone(),
        fingerprint: fp,
        always: false,
    });
    let (info, _) = e.connect(2, profile).await.expect("trusted now");
    assert!(info.tls.is_some());
    e.shutdown().await;
}

#[tokio::test]
async fn trees_go_both_ways_over_tls_on_the_transfer_pool() {
    let ca = server::TestCa::new();
    let server = TestServer::start_tls_with(LOGIN, ca.server_cert(&["localhost"], false).0).await;
    tree::make_tree(&server.path("down"), 30);
    let local = tempfile::tempdir().expect("tempdir");
    let mut e = engine_trusting(&ca);
    e.connect(1, server.tls_profile(LOGIN, DataMode::Passive))
        .await
        .expect("login");
    let got = e
        .copy(
            1,
            values::item(values::remote("/down"), true),
            values::local(local.path()),
            OnExisting::Overwrite,
        )
        .await;
    assert_eq!((got.done, got.failed), (30, 0), "{:?}", got.failures());
    assert_eq!(
        tree::tree_hashes(&local.path().join("down")),
        tree::tree_hashes(&server.path("down"))
    );
    std::fs::rename(local.path().join("down"), local.path().join("up")).expect("rename");
    let put = e
        .copy(
            2,
            values::item(values::local(local.path().join("up")), true),
            values::remote("/"),
            OnExisting::Overwrite,
        )
        .await;
    assert_eq!((put.done, put.failed), (30, 0), "{:?}", put.failures());
    assert_eq!(
        tree::tree_hashes(&server.path("up")),
        tree::tree_hashes(&server.path("down"))
    );
    e.shutdown().await;
}

#[tokio::test]
async fn active_mode_works_over_tls() {
    let ca = server::TestCa::new();
    let (cert, _) = ca.server_cert(&["localhost"], false);
    let server = TestServer::start_tls_with_active(LOGIN, cert).await;
    std::fs::write(server.path("a.bin"), vec![7u8; 300_000]).expect("write");
    let connector = Connector::new().with_roots(vec![ca.cert.clone()]);
    let mut s = connector
        .open(server.tls_profile(LOGIN, DataMode::Active), events::quiet())
        .await
        .expect("login");
    let home = s.start_path();
    assert_eq!(s.list(&home).await.expect("list").len(), 1);
    let mut got = Vec::new();
    s.download(
        &home.join(&"a.bin".into()),
        0,
        Fetch::default(),
        &mut got,
        &mut |_| {},
    )
    .await
    .expect("download");
    assert_eq!(got, vec![7u8; 300_000]);
    let mut input: &[u8] = b"up in active mode";
    s.upload(
        &RemotePath::from("/b.txt"),
        0,
        false,
        &mut input,
        &mut |_| {},
    )
    .await
    .expect("upload");
    assert_eq!(
        std::fs::read(server.path("b.txt")).expect("read"),
        b"up in active mode"
    );
    s.quit().await;
}
