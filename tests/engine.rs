//! The engine against a real FTP server in-process (libunftp on 127.0.0.1,
//! a fresh temporary root per test), through its public message interface:
//! Commands in, Events out — exactly what the UI sees.

#[path = "common/events.rs"]
mod events;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;
#[path = "common/server.rs"]
mod server;
#[path = "common/values.rs"]
mod values;

use events::Engine;
use server::TestServer;
use values::{local, remote};
use wharf::engine::protocol::{
    ConnId, DataMode, Entry, EntryKind, Event, Failure, FailureKind, Name, WireDir,
};

/// A server over a small tree: a file, nested folders, a name with spaces
/// and one with non-ASCII letters.
async fn fixture(login: Option<(&str, &str)>, allow_active: bool) -> TestServer {
    let f = TestServer::start(login, allow_active).await;
    std::fs::create_dir_all(f.path("a/b/c")).expect("mkdir");
    std::fs::write(f.path("hello.txt"), b"hello wharf\n").expect("write");
    std::fs::write(f.path("a/b/deep file.txt"), b"deep").expect("write");
    std::fs::write(f.path("a/b/c/übung.txt"), b"u").expect("write");
    f
}

fn names(entries: &[Entry]) -> Vec<Name> {
    let mut n: Vec<Name> = entries.iter().map(|e| e.name.clone()).collect();
    n.sort();
    n
}

async fn browse_nested(mode: DataMode) {
    let f = fixture(Some(("alice", "pw")), mode == DataMode::Active).await;
    let mut e = Engine::spawn();
    let (info, start) = e
        .connect(1, f.profile(Some(("alice", "pw")), mode))
        .await
        .expect("login");
    assert_eq!(start, "/");
    assert!(info.banner.contains("wharf embedded server"), "{info:?}");
    assert!(
        info.uses_mlsd,
        "libunftp lists MLST in FEAT: {:?}",
        info.features
    );

    let root = e.list(1, remote("/")).await.expect("list /");
    assert_eq!(names(&root), ["a", "hello.txt"]);
    let hello = root.iter().find(|x| x.name == "hello.txt").expect("hello");
    assert_eq!((hello.kind, hello.size), (EntryKind::File, 12));
    assert!(hello.modified.is_some());

    let b = e.list(2, remote("/a/b")).await.expect("list /a/b");
    assert_eq!(names(&b), ["c", "deep file.txt"]);
    let c = e.list(3, remote("/a/b/c")).await.expect("list /a/b/c");
    assert_eq!(names(&c), ["übung.txt"]);
    // Back out again.
    let a = e.list(4, remote("/a")).await.expect("list /a");
    assert_eq!(names(&a), ["b"]);

    let missing = e
        .list(5, remote("/nope"))
        .await
        .expect_err("missing folder");
    assert_eq!(
        (missing.kind, missing.code),
        (FailureKind::NotFound, Some(550)),
        "{missing:?}"
    );
    // The session survives a 550.
    assert_eq!(
        names(&e.list(6, remote("/")).await.expect("list after 550")),
        ["a", "hello.txt"]
    );

    let log = &e.wire;
    let sent: Vec<&str> = log
        .iter()
        .filter(|(d, _)| *d == WireDir::Sent)
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(
        sent.contains(&"USER alice") && sent.contains(&"PASS ****"),
        "{sent:?}"
    );
    assert!(sent.contains(&"TYPE I"), "{sent:?}");
    assert!(
        !log.iter()
            .any(|(_, t)| t.contains("pw") && t.starts_with("PASS")),
        "password in the log"
    );
    let data_cmd = if mode == DataMode::Active {
        "PORT"
    } else {
        "EPSV"
    };
    assert!(
        sent.iter().any(|s| s.starts_with(data_cmd)),
        "no {data_cmd} in {sent:?}"
    );
    assert!(
        log.iter()
            .any(|(d, t)| *d == WireDir::Received && t.starts_with("230")),
        "{log:?}"
    );
    e.shutdown().await;
}

#[tokio::test]
async fn browse_nested_folders_passive() {
    browse_nested(DataMode::Passive).await;
}

#[tokio::test]
async fn browse_nested_folders_active() {
    browse_nested(DataMode::Active).await;
}

#[tokio::test]
async fn a_wrong_password_is_a_530_login_error() {
    let f = fixture(Some(("alice", "pw")), false).await;
    let mut e = Engine::spawn();
    let err = e
        .connect(1, f.profile(Some(("alice", "wrong")), DataMode::Passive))
        .await
        .expect_err("must fail");
    assert_eq!(
        (err.kind, err.code),
        (FailureKind::Login, Some(530)),
        "{err:?}"
    );
    e.shutdown().await;
}

#[tokio::test]
async fn anonymous_login_works_when_the_server_allows_it() {
    let f = fixture(None, false).await;
    let mut e = Engine::spawn();
    e.connect(1, f.profile(None, DataMode::Passive))
        .await
        .expect("anonymous");
    assert!(e.wire.iter().any(|(_, t)| t == "USER anonymous"));
    e.shutdown().await;
}

#[tokio::test]
async fn a_folder_of_20000_entries_lists_completely() {
    let f = fixture(None, false).await;
    let big = f.path("big");
    std::fs::create_dir(&big).expect("mkdir");
    for i in 0..20_000 {
        std::fs::File::create(big.join(format!("f{i:05}.dat"))).expect("create");
    }
    let mut e = Engine::spawn();
    e.connect(1, f.profile(None, DataMode::Passive))
        .await
        .expect("connect");
    let entries = e.list(1, remote("/big")).await.expect("list");
    assert_eq!(entries.len(), 20_000);
    let n = names(&entries);
    assert_eq!(
        (&n[0], &n[19_999]),
        (&"f00000.dat".into(), &"f19999.dat".into())
    );
    e.shutdown().await;
}

#[tokio::test]
async fn listing_without_a_connection_fails_with_not_connected() {
    let mut e = Engine::spawn();
    let err = e.list(1, remote("/")).await.expect_err("no session");
    assert_eq!(err.kind, FailureKind::NotConnected, "{err:?}");
    e.shutdown().await;
}

#[tokio::test]
async fn local_listings_go_through_the_engine_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.txt"), b"12345").expect("write");
    let mut e = Engine::spawn();
    // The answer names the local folder asked for (`Engine::list` checks).
    let entries = e.list(9, local(dir.path())).await.expect("local listing");
    assert_eq!(names(&entries), ["x.txt"]);
    assert_eq!(entries[0].size, 5);
    e.shutdown().await;
}

/// Waits for the browse connection `conn` to be reported gone, and why.
async fn disconnected(e: &mut Engine, conn: u64, within: std::time::Duration) -> Option<Failure> {
    e.wait_for(within, |ev| match ev {
        Event::Disconnected { conn: c, reason } if c == ConnId(conn) => Some(reason),
        _ => None,
    })
    .await
}

/// The server going away is seen while idle, at once (the status bar
/// stopped showing "connected" only when a key needed the server).
#[tokio::test]
async fn an_idle_browse_connection_reports_a_server_that_went_away() {
    let f = fixture(None, false).await;
    let mut e = Engine::spawn();
    e.connect(1, f.profile(None, DataMode::Passive))
        .await
        .expect("login");
    f.stop().await;
    let why = disconnected(&mut e, 1, std::time::Duration::from_secs(10)).await;
    assert!(
        why.as_ref()
            .is_some_and(|w| w.message.contains("connection lost")),
        "{why:?}"
    );
    e.shutdown().await;
}

/// A server that stops answering is found out by the keepalive NOOP.
#[tokio::test]
async fn the_keepalive_finds_a_server_that_stopped_answering() {
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        silent_on: Some("NOOP".into()),
        ..fake_ftp::Script::default()
    })
    .await;
    let mut e = Engine::new(wharf::engine::spawn_configured(
        wharf::engine::EngineConfig {
            keepalive: Some(std::time::Duration::from_millis(200)),
            ..wharf::engine::EngineConfig::default()
        },
    ));
    e.connect(1, server.profile(std::time::Duration::from_millis(500)))
        .await
        .expect("login");
    let why = disconnected(&mut e, 1, std::time::Duration::from_secs(10)).await;
    assert!(
        why.as_ref().is_some_and(|w| w.message.contains("NOOP")),
        "{why:?}"
    );
    e.shutdown().await;
}

#[tokio::test]
async fn the_protocol_log_is_saved_to_a_new_file_in_the_data_folder() {
    use std::time::Duration;
    use wharf::engine::protocol::{Command, Event};
    let data = tempfile::tempdir().expect("tempdir");
    let mut e = Engine::spawn();
    let text = "> USER alice\n< 331 Password required\n".to_string();
    for _ in 0..2 {
        e.send(Command::SaveLog {
            dir: data.path().to_path_buf(),
            text: text.clone(),
        });
    }
    let mut saved = Vec::new();
    for _ in 0..2 {
        let path = e
            .wait_for(Duration::from_secs(10), |ev| match ev {
                Event::LogSaved { result } => Some(result),
                _ => None,
            })
            .await
            .expect("saved");
        saved.push(path);
    }
    assert_ne!(saved[0], saved[1], "a second save never replaces the first");
    for path in &saved {
        assert!(path.starts_with(data.path()), "{path:?}");
        assert_eq!(
            std::fs::read_to_string(path).ok().as_deref(),
            Some(text.as_str())
        );
    }
    e.shutdown().await;
}
