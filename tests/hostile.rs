//! Servers that misbehave: every case ends in a clear error (or a working
//! fallback), never a panic, a hang or a corrupted session.

#[path = "common/events.rs"]
mod events;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use events::{Engine, quiet, recording};
use fake_ftp::{FakeServer, Script};
use wharf::address::parse_url;
use wharf::engine::error::EngineError;
use wharf::engine::protocol::{Command, DataMode, Event, RemotePath, RequestId, Timeouts};
use wharf::engine::session::{Connector, Session};
use wharf::engine::wire_log::MAX_REPLY_LINE;

const LISTING: &[u8] = b"-rw-r--r--    1 0        0              12 Jan 02  2024 hello.txt\r\n";

const FIVE_SECONDS: Duration = Duration::from_secs(5);

async fn open(script: Script) -> Result<Session, EngineError> {
    let server = FakeServer::start(script).await;
    let r = Connector::new()
        .open(server.profile(FIVE_SECONDS), quiet())
        .await;
    drop(server);
    r
}

/// Opens a session to a server that greets with `banner`.
async fn open_greeted_with(banner: Vec<u8>) -> Result<Session, EngineError> {
    open(Script {
        banner: Some(banner),
        ..Script::default()
    })
    .await
}

/// A greeting of one line: `220 ` and `xs` times `x`.
fn long_greeting(xs: usize) -> Vec<u8> {
    let mut banner = b"220 ".to_vec();
    banner.extend(std::iter::repeat_n(b'x', xs));
    banner.extend_from_slice(b"\r\n");
    banner
}

/// `lines` lines of a multi-line greeting (58 bytes each), never ended.
fn endless_greeting(lines: usize) -> Vec<u8> {
    let mut banner = Vec::new();
    for _ in 0..lines {
        banner.extend_from_slice(b"220-this greeting never ends, line after line after line\r\n");
    }
    banner
}

fn root() -> RemotePath {
    RemotePath::root()
}

/// A greeting `under` a limit is read whole; one `over` it is a protocol
/// error (and, the other being read, only its size can be why).
async fn the_limit_holds(under: Vec<u8>, over: Vec<u8>) {
    open_greeted_with(under)
        .await
        .expect("a reply under the limit is accepted");
    let err = open_greeted_with(over).await.err().expect("must fail");
    assert!(matches!(&err, EngineError::Protocol(_)), "{err:?}");
}

#[tokio::test]
async fn a_reply_line_over_8_kib_is_a_protocol_error() {
    the_limit_holds(long_greeting(MAX_REPLY_LINE - 100), long_greeting(9000)).await;
}

#[tokio::test]
async fn an_endless_multi_line_reply_is_a_protocol_error() {
    // A long multi-line reply (~58 KiB) that ends, and ~1.1 MiB that does not.
    let mut ended = endless_greeting(1_000);
    ended.extend_from_slice(b"220 at last\r\n");
    the_limit_holds(ended, endless_greeting(20_000)).await;
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
    let (sink, lines) = recording();
    let mut s = server.session(FIVE_SECONDS, sink).await;
    let first = s.list(&root()).await.expect("list via PASV");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, "hello.txt");
    // Remembered for the session: the second listing goes straight to PASV.
    s.list(&root()).await.expect("second list");
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
    let mut s = server.session(FIVE_SECONDS, quiet()).await;
    let err = s.list(&root()).await.expect_err("must fail");
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
    let mut s = server.session(Duration::from_secs(1), quiet()).await;
    let started = Instant::now();
    let err = s.list(&root()).await.expect_err("must time out");
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
    let mut engine = Engine::spawn();
    engine.start_connect(1, server.profile(Duration::from_secs(1)));
    engine.send(Command::List {
        req: RequestId(7),
        path: wharf::engine::protocol::Location::Remote(root()),
    });
    let listing = engine
        .wait_for(Duration::from_secs(15), |ev| match ev {
            Event::Listing { req, entries, .. } => Some((req, entries)),
            Event::Failed { error, .. } => panic!("failed: {error:?}"),
            Event::Disconnected { reason, .. } => panic!("disconnected: {reason:?}"),
            _ => None,
        })
        .await;
    assert_eq!(listing.0, RequestId(7));
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
    let mut s = server.session(FIVE_SECONDS, quiet()).await;
    let err = s
        .list(&RemotePath::from("/x"))
        .await
        .expect_err("must fail");
    // The server keeps the connection open after its 421: only the reply
    // can have ended the session.
    assert!(matches!(err, EngineError::ConnectionLost(_)), "{err:?}");
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
    let started = Instant::now();
    let err = Connector::new()
        .open(p, quiet())
        .await
        .err()
        .expect("refused");
    assert!(matches!(err, EngineError::Connect { .. }), "{err:?}");
    // Refused at once, not given up on after the connect timeout (15 s).
    assert!(
        started.elapsed() < FIVE_SECONDS,
        "took {:?}",
        started.elapsed()
    );
    let p = parse_url(
        "ftp://no-such-host.invalid/",
        DataMode::Passive,
        Timeouts::default(),
    )
    .expect("url");
    let err = Connector::new()
        .open(p, quiet())
        .await
        .err()
        .expect("unknown host");
    assert!(matches!(err, EngineError::Resolve { .. }), "{err:?}");
}

#[tokio::test]
async fn an_idle_browse_connection_sends_keepalive_noops() {
    let server = FakeServer::start(Script::default()).await;
    let mut engine = Engine::new(wharf::engine::spawn_configured(
        wharf::engine::EngineConfig {
            keepalive: Some(Duration::from_millis(150)),
            ..wharf::engine::EngineConfig::default()
        },
    ));
    engine
        .connect(1, server.profile(FIVE_SECONDS))
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
