//! Servers that misbehave: every case ends in a clear error (or a working
//! fallback), never a panic, a hang or a corrupted session.

#[path = "common/fake_ftp.rs"]
mod fake_ftp;

use std::sync::atomic::Ordering;
use std::time::Duration;

use fake_ftp::{FakeServer, Script};
use wharf::cli::parse_url;
use wharf::engine::protocol::{ConnectProfile, DataMode, EngineError, Timeouts};
use wharf::engine::session::{Connector, Session};
use wharf::engine::wire_log::WireSink;

const LISTING: &[u8] = b"-rw-r--r--    1 0        0              12 Jan 02  2024 hello.txt\r\n";

fn profile(server: &FakeServer, reply_secs: u64) -> ConnectProfile {
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        reply: Duration::from_secs(reply_secs),
    };
    parse_url(&server.url(), DataMode::Passive, timeouts).expect("url")
}

fn sink() -> WireSink {
    WireSink::new(|_| {})
}

async fn open(script: Script) -> Result<Session, EngineError> {
    let server = FakeServer::start(script).await;
    let r = Connector::new().open(profile(&server, 5), sink()).await;
    drop(server);
    r
}

#[tokio::test]
async fn a_reply_line_over_8_kib_is_a_protocol_error() {
    let mut banner = b"220 ".to_vec();
    banner.extend(std::iter::repeat_n(b'x', 9000));
    banner.extend_from_slice(b"\r\n");
    let err = open(Script {
        banner: Some(banner),
        ..Script::default()
    })
    .await
    .err()
    .expect("must fail");
    assert!(
        matches!(&err, EngineError::Protocol(m) if m.contains("reply line")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endless_multi_line_reply_is_a_protocol_error() {
    let mut banner = Vec::new();
    for _ in 0..20_000 {
        banner.extend_from_slice(b"220-this greeting never ends, line after line after line\r\n");
    }
    let err = open(Script {
        banner: Some(banner),
        ..Script::default()
    })
    .await
    .err()
    .expect("must fail");
    assert!(
        matches!(&err, EngineError::Protocol(m) if m.contains("larger than")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_reply_without_a_code_is_an_error_not_a_panic() {
    for banner in [
        &b"hello there\r\n"[..],
        b"2\r\n",
        b"999 what\r\n",
        b"\xff\xfe\r\n",
    ] {
        let r = open(Script {
            banner: Some(banner.to_vec()),
            ..Script::default()
        })
        .await;
        assert!(r.is_err(), "accepted banner {banner:?}");
    }
}

#[tokio::test]
async fn refused_epsv_falls_back_to_pasv_and_ignores_the_advertised_address() {
    let server = FakeServer::start(Script {
        epsv_reply: Some("500 EPSV not understood".into()),
        // Advertise an address nothing listens on: wharf must use the
        // control connection's peer instead.
        pasv_reply: Some("227 Entering Passive Mode (127,0,0,9,{p1},{p2})".into()),
        listing: LISTING.to_vec(),
        ..Script::default()
    })
    .await;
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let l2 = lines.clone();
    let sink = WireSink::new(move |e| {
        if let wharf::engine::Event::Wire { text, .. } = e {
            l2.lock().expect("lock").push(text);
        }
    });
    let mut s = Connector::new()
        .open(profile(&server, 5), sink)
        .await
        .expect("login");
    let first = s.list("/").await.expect("list via PASV");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, "hello.txt");
    // Remembered for the session: the second listing goes straight to PASV.
    s.list("/").await.expect("second list");
    let lines = lines.lock().expect("lock").clone();
    assert_eq!(
        lines.iter().filter(|l| *l == "EPSV").count(),
        1,
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|l| *l == "PASV").count(),
        2,
        "{lines:?}"
    );
}

#[tokio::test]
async fn an_unparseable_pasv_reply_is_an_error() {
    let server = FakeServer::start(Script {
        epsv_reply: Some("502 no".into()),
        pasv_reply: Some("227 Entering Passive Mode (nonsense)".into()),
        listing: LISTING.to_vec(),
        ..Script::default()
    })
    .await;
    let mut s = Connector::new()
        .open(profile(&server, 5), sink())
        .await
        .expect("login");
    let err = s.list("/").await.expect_err("must fail");
    assert!(
        matches!(err, EngineError::Protocol(_) | EngineError::Reply { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_silent_server_times_out_and_the_connection_is_not_reused() {
    let server = FakeServer::start(Script {
        silent_on: Some("CWD".into()),
        listing: LISTING.to_vec(),
        ..Script::default()
    })
    .await;
    let mut s = Connector::new()
        .open(profile(&server, 1), sink())
        .await
        .expect("login");
    let started = std::time::Instant::now();
    let err = s.list("/").await.expect_err("must time out");
    assert!(matches!(err, EngineError::Timeout { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert!(!s.is_usable(), "a timed-out connection must be dropped");
}

#[tokio::test]
async fn the_browse_session_replaces_a_timed_out_connection() {
    // The first connection never answers CWD; the replacement behaves.
    let server = FakeServer::start(Script {
        silent_on: Some("CWD".into()),
        silent_once: true,
        listing: LISTING.to_vec(),
        ..Script::default()
    })
    .await;
    let mut engine = wharf::engine::spawn();
    let conn = wharf::engine::protocol::ConnId(1);
    let send = |c| engine.commands.send(c).expect("engine alive");
    send(wharf::engine::Command::Connect {
        conn,
        profile: profile(&server, 1),
    });
    send(wharf::engine::Command::List {
        req: wharf::engine::protocol::RequestId(7),
        side: wharf::engine::protocol::Side::Remote,
        path: "/".into(),
    });
    let listing = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match engine.events.recv().await {
                Some(wharf::engine::Event::Listing { req, entries, .. }) => break (req, entries),
                Some(wharf::engine::Event::Failed { error, .. }) => panic!("failed: {error}"),
                Some(wharf::engine::Event::Disconnected { reason, .. }) => {
                    panic!("disconnected: {reason:?}")
                }
                Some(_) => {}
                None => panic!("engine stopped"),
            }
        }
    })
    .await
    .expect("a listing in time");
    assert_eq!(listing.0, wharf::engine::protocol::RequestId(7));
    assert_eq!(listing.1.len(), 1);
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
    engine.shutdown().await;
}

#[tokio::test]
async fn a_421_closes_the_session() {
    let server = FakeServer::start(Script {
        override_reply: Some(("CWD".into(), "421 Service not available, closing".into())),
        ..Script::default()
    })
    .await;
    let mut s = Connector::new()
        .open(profile(&server, 5), sink())
        .await
        .expect("login");
    let err = s.list("/x").await.expect_err("must fail");
    assert!(
        matches!(err, EngineError::ConnectionLost(ref m) if m.starts_with("421")),
        "{err:?}"
    );
    assert!(!s.is_usable());
}

#[tokio::test]
async fn a_refused_connection_and_an_unknown_host_are_clear_errors() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let p = parse_url(
        &format!("ftp://127.0.0.1:{port}/"),
        DataMode::Passive,
        Timeouts::default(),
    )
    .expect("url");
    let err = Connector::new()
        .open(p, sink())
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("connection refused"), "{err}");
    let p = parse_url(
        "ftp://no-such-host.invalid/",
        DataMode::Passive,
        Timeouts::default(),
    )
    .expect("url");
    let err = Connector::new()
        .open(p, sink())
        .await
        .err()
        .expect("unknown host");
    assert!(matches!(err, EngineError::Resolve { .. }), "{err:?}");
}

#[tokio::test]
async fn an_idle_browse_connection_sends_keepalive_noops() {
    let server = FakeServer::start(Script::default()).await;
    let mut engine = wharf::engine::spawn_configured(wharf::engine::EngineConfig {
        keepalive: Some(Duration::from_millis(150)),
        ..wharf::engine::EngineConfig::default()
    });
    let conn = wharf::engine::protocol::ConnId(1);
    engine
        .commands
        .send(wharf::engine::Command::Connect {
            conn,
            profile: profile(&server, 5),
        })
        .expect("send");
    tokio::time::timeout(Duration::from_secs(10), async {
        while !matches!(
            engine.events.recv().await,
            Some(wharf::engine::Event::Connected { .. })
        ) {}
    })
    .await
    .expect("connected");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let noops = server
        .commands
        .lock()
        .expect("lock")
        .iter()
        .filter(|c| *c == "NOOP")
        .count();
    assert!(noops >= 2, "expected keepalive NOOPs, saw {noops}");
    engine.shutdown().await;
}
