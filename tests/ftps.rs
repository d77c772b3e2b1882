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
