//! Commands written ahead of their replies (src/engine/session/passive.rs),
//! against the scripted server: they really go out together once a
//! transfer has worked, and a server that answers them out of order costs
//! a new connection, not a wrong answer.

#[path = "common/events.rs"]
mod events;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;

use std::sync::atomic::Ordering;
use std::time::Duration;

use events::recording;
use fake_ftp::{FakeServer, Script};
use wharf::engine::protocol::RemotePath;
use wharf::engine::session::{Fetch, Session};

const LISTING: &[u8] = b"-rw-r--r--    1 0        0              12 Jan 02  2024 hello.txt\r\n";
const CONTENT: &[u8] = b"hello, world";

const FIVE_SECONDS: Duration = Duration::from_secs(5);

fn script() -> Script {
    Script {
        listing: LISTING.to_vec(),
        file_content: Some(CONTENT.to_vec()),
        ..Script::default()
    }
}

async fn fetch(s: &mut Session, path: &str) -> Vec<u8> {
    let path = RemotePath::from(path);
    let mut out = Vec::new();
    let fetch = Fetch {
        want_time: false,
        expect: Some(CONTENT.len() as u64),
    };
    s.download(&path, 0, fetch, &mut out, &mut |_| {})
        .await
        .expect("download");
    out
}

#[tokio::test]
async fn commands_go_out_together_once_a_transfer_has_worked() {
    let server = FakeServer::start(script()).await;
    let (sink, _) = recording();
    let mut s = server.session(FIVE_SECONDS, sink).await;
    for dir in ["/pub", "/other"] {
        assert_eq!(
            s.list(&RemotePath::from(dir)).await.expect("list")[0].name,
            "hello.txt"
        );
    }
    for _ in 0..2 {
        assert_eq!(fetch(&mut s, "/pub/hello.txt").await, CONTENT);
    }
    let ahead = server.ahead.lock().expect("lock").clone();
    let commands = server.commands.lock().expect("lock").clone();
    // The login's last four commands went out in one write.
    for c in ["PWD", "SYST"] {
        assert!(ahead.iter().any(|a| a == c), "{c} not ahead: {ahead:?}");
    }
    // The first listing waited for each reply (a refused LIST -a must be
    // told from a refused CWD); the second went out with its CWD and EPSV.
    assert_eq!(commands.iter().filter(|c| *c == "LIST -a").count(), 2);
    assert_eq!(
        ahead.iter().filter(|c| *c == "LIST -a").count(),
        1,
        "{ahead:?}"
    );
    assert!(ahead.iter().any(|c| c == "EPSV"), "{ahead:?}");
    // Both downloads' RETR rode behind their EPSV.
    assert_eq!(
        ahead.iter().filter(|c| *c == "RETR /pub/hello.txt").count(),
        2,
        "{ahead:?}\n{commands:?}"
    );
    assert!(s.is_usable());
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn replies_out_of_order_cost_a_new_connection_not_a_wrong_answer() {
    let server = FakeServer::start(Script {
        reorder_when_pipelined: Some("CWD".into()),
        ..script()
    })
    .await;
    let (sink, lines) = recording();
    let mut s = server.session(FIVE_SECONDS, sink).await;
    // The first listing sends its CWD alone; the second in one write with
    // EPSV and LIST, and the server answers EPSV first.
    for (round, dir) in ["/pub", "/other", "/third"].into_iter().enumerate() {
        let entries = s
            .list(&RemotePath::from(dir))
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].name, "hello.txt");
    }
    assert_eq!(fetch(&mut s, "/pub/hello.txt").await, CONTENT);
    assert!(s.is_usable());
    // One new connection, then one command at a time: no more reordering.
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
    let lines = lines.lock().expect("lock").clone();
    assert!(
        lines.iter().any(|l| l.contains("out of order")),
        "the protocol log says why it reconnected: {lines:?}"
    );
}

#[tokio::test]
async fn a_login_answered_out_of_order_is_done_again_one_command_at_a_time() {
    let server = FakeServer::start(Script {
        reorder_when_pipelined: Some("TYPE".into()),
        ..script()
    })
    .await;
    let (sink, _) = recording();
    let mut s = server.session(FIVE_SECONDS, sink).await;
    assert_eq!(s.info().home, "/");
    assert_eq!(
        s.list(&RemotePath::from("/pub")).await.expect("list")[0].name,
        "hello.txt"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 2);
}

/// A server that throws away commands written ahead (`what`: a first word,
/// or `*` for all): each is found out by the reply timeout, the operation
/// is redone on a new connection, and that server then gets one command at
/// a time. Returns the server and the protocol log.
async fn against_a_dropping_server(what: &str) -> (FakeServer, Vec<String>) {
    let server = FakeServer::start(Script {
        drop_pipelined: Some(what.into()),
        ..script()
    })
    .await;
    let (sink, lines) = recording();
    let mut s = server.session(Duration::from_millis(700), sink).await;
    for dir in ["/pub", "/other", "/third"] {
        assert_eq!(
            s.list(&RemotePath::from(dir)).await.expect("list")[0].name,
            "hello.txt"
        );
    }
    for _ in 0..3 {
        assert_eq!(fetch(&mut s, "/pub/hello.txt").await, CONTENT);
    }
    assert!(s.is_usable());
    let lines = lines.lock().expect("lock").clone();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("No reply after commands were sent ahead")),
        "the protocol log says why it reconnected: {lines:?}"
    );
    (server, lines)
}

#[tokio::test]
async fn a_server_that_drops_commands_sent_together_gets_them_one_at_a_time() {
    // The login's TYPE, PWD and SYST go unanswered: login again.
    let (server, lines) = against_a_dropping_server("*").await;
    assert_eq!(server.connections.load(Ordering::SeqCst), 2, "{lines:?}");
}

#[tokio::test]
async fn a_download_whose_pipelined_retr_is_dropped_is_redone() {
    // The first download waits for EPSV's reply; the second writes RETR
    // behind EPSV, and the server drops it.
    let (server, lines) = against_a_dropping_server("RETR").await;
    assert_eq!(server.connections.load(Ordering::SeqCst), 2, "{lines:?}");
}
