//! The engine against a real FTP server in-process (libunftp on 127.0.0.1,
//! a fresh temporary root per test), through its public message interface:
//! Commands in, Events out — exactly what the UI sees.

use std::path::{Path, PathBuf};
use std::time::Duration;

use wharf::engine::protocol::{
    Command, ConnId, ConnectProfile, DataMode, EngineError, Entry, EntryKind, Event, RequestId,
    ServerInfo, Side, Timeouts, WireDir,
};
use wharf::engine::{EngineHandle, spawn};
use wharf::server::{EmbeddedServer, ServerOptions};

const WAIT: Duration = Duration::from_secs(20);

struct Fixture {
    server: EmbeddedServer,
    _root: tempfile::TempDir,
}

/// A server over a small tree: a file, nested folders, a name with spaces
/// and one with non-ASCII letters.
async fn fixture(credentials: Option<(&str, &str)>, allow_active: bool) -> Fixture {
    let root = tempfile::tempdir().expect("tempdir");
    let r = root.path();
    std::fs::create_dir_all(r.join("a/b/c")).expect("mkdir");
    std::fs::write(r.join("hello.txt"), b"hello wharf\n").expect("write");
    std::fs::write(r.join("a/b/deep file.txt"), b"deep").expect("write");
    std::fs::write(r.join("a/b/c/übung.txt"), b"u").expect("write");
    let server = EmbeddedServer::start(ServerOptions {
        root: r.to_path_buf(),
        credentials: credentials.map(|(u, p)| (u.to_string(), p.to_string())),
        allow_active,
    })
    .await
    .expect("server");
    Fixture {
        server,
        _root: root,
    }
}

fn profile(f: &Fixture, user: Option<(&str, &str)>, mode: DataMode) -> ConnectProfile {
    ConnectProfile {
        host: "127.0.0.1".into(),
        port: f.server.addr().port(),
        user: user.map(|(u, _)| u.to_string()),
        password: user.map(|(_, p)| p.to_string()),
        path: None,
        mode,
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            reply: Duration::from_secs(10),
        },
    }
}

/// Waits for the first event that `pick` accepts, collecting the protocol log.
async fn next<T>(
    e: &mut EngineHandle,
    log: &mut Vec<(WireDir, String)>,
    mut pick: impl FnMut(Event) -> Option<T>,
) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let ev = e.events.recv().await.expect("engine stopped");
            if let Event::Wire { dir, ref text, .. } = ev {
                log.push((dir, text.clone()));
            }
            if let Some(t) = pick(ev) {
                return t;
            }
        }
    })
    .await
    .expect("timed out waiting for an engine event")
}

async fn connect(
    e: &mut EngineHandle,
    p: ConnectProfile,
    log: &mut Vec<(WireDir, String)>,
) -> Result<(ServerInfo, String), EngineError> {
    let conn = ConnId(1);
    e.commands
        .send(Command::Connect { conn, profile: p })
        .expect("send");
    next(e, log, |ev| match ev {
        Event::Connected {
            conn: c,
            info,
            start,
        } if c == conn => Some(Ok((info, start))),
        Event::Disconnected { conn: c, reason } if c == conn => {
            Some(Err(reason.expect("a reason")))
        }
        _ => None,
    })
    .await
}

async fn list(
    e: &mut EngineHandle,
    id: u64,
    path: &str,
    log: &mut Vec<(WireDir, String)>,
) -> Result<Vec<Entry>, EngineError> {
    let req = RequestId(id);
    e.commands
        .send(Command::List {
            req,
            side: Side::Remote,
            path: PathBuf::from(path),
        })
        .expect("send");
    next(e, log, |ev| match ev {
        Event::Listing {
            req: r,
            entries,
            path: p,
            ..
        } if r == req => {
            assert_eq!(p, Path::new(path));
            Some(Ok(entries))
        }
        Event::Failed { req: r, error, .. } if r == req => Some(Err(error)),
        _ => None,
    })
    .await
}

fn names(entries: &[Entry]) -> Vec<String> {
    let mut n: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    n.sort();
    n
}

async fn browse_nested(mode: DataMode) {
    let f = fixture(Some(("alice", "pw")), mode == DataMode::Active).await;
    let mut e = spawn();
    let mut log = Vec::new();
    let (info, start) = connect(&mut e, profile(&f, Some(("alice", "pw")), mode), &mut log)
        .await
        .expect("login");
    assert_eq!(start, "/");
    assert!(info.banner.contains("wharf embedded server"), "{info:?}");
    assert!(
        info.uses_mlsd,
        "libunftp lists MLST in FEAT: {:?}",
        info.features
    );

    let root = list(&mut e, 1, "/", &mut log).await.expect("list /");
    assert_eq!(names(&root), ["a", "hello.txt"]);
    let hello = root.iter().find(|x| x.name == "hello.txt").expect("hello");
    assert_eq!((hello.kind, hello.size), (EntryKind::File, 12));
    assert!(hello.modified.is_some());

    let b = list(&mut e, 2, "/a/b", &mut log).await.expect("list /a/b");
    assert_eq!(names(&b), ["c", "deep file.txt"]);
    let c = list(&mut e, 3, "/a/b/c", &mut log)
        .await
        .expect("list /a/b/c");
    assert_eq!(names(&c), ["übung.txt"]);
    // Back out again.
    let a = list(&mut e, 4, "/a", &mut log).await.expect("list /a");
    assert_eq!(names(&a), ["b"]);

    let missing = list(&mut e, 5, "/nope", &mut log)
        .await
        .expect_err("missing folder");
    assert!(
        matches!(missing, EngineError::Reply { code: 550, .. }),
        "{missing:?}"
    );
    // The session survives a 550.
    assert_eq!(
        names(
            &list(&mut e, 6, "/", &mut log)
                .await
                .expect("list after 550")
        ),
        ["a", "hello.txt"]
    );

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
    let mut e = spawn();
    let mut log = Vec::new();
    let err = connect(
        &mut e,
        profile(&f, Some(("alice", "wrong")), DataMode::Passive),
        &mut log,
    )
    .await
    .expect_err("must fail");
    assert!(
        matches!(err, EngineError::Login { code: 530, .. }),
        "{err:?}"
    );
    e.shutdown().await;
}

#[tokio::test]
async fn anonymous_login_works_when_the_server_allows_it() {
    let f = fixture(None, false).await;
    let mut e = spawn();
    let mut log = Vec::new();
    connect(&mut e, profile(&f, None, DataMode::Passive), &mut log)
        .await
        .expect("anonymous");
    assert!(log.iter().any(|(_, t)| t == "USER anonymous"));
    e.shutdown().await;
}

#[tokio::test]
async fn a_folder_of_20000_entries_lists_completely() {
    let f = fixture(None, false).await;
    let big = f.server.root().join("big");
    std::fs::create_dir(&big).expect("mkdir");
    for i in 0..20_000 {
        std::fs::File::create(big.join(format!("f{i:05}.dat"))).expect("create");
    }
    let mut e = spawn();
    let mut log = Vec::new();
    connect(&mut e, profile(&f, None, DataMode::Passive), &mut log)
        .await
        .expect("connect");
    let entries = list(&mut e, 1, "/big", &mut log).await.expect("list");
    assert_eq!(entries.len(), 20_000);
    let n = names(&entries);
    assert_eq!(
        (n[0].as_str(), n[19_999].as_str()),
        ("f00000.dat", "f19999.dat")
    );
    e.shutdown().await;
}

#[tokio::test]
async fn listing_without_a_connection_fails_with_not_connected() {
    let mut e = spawn();
    let mut log = Vec::new();
    let err = list(&mut e, 1, "/", &mut log)
        .await
        .expect_err("no session");
    assert_eq!(err, EngineError::NotConnected);
    e.shutdown().await;
}

#[tokio::test]
async fn local_listings_go_through_the_engine_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.txt"), b"12345").expect("write");
    let mut e = spawn();
    let req = RequestId(9);
    e.commands
        .send(Command::List {
            req,
            side: Side::Local,
            path: dir.path().to_path_buf(),
        })
        .expect("send");
    let mut log = Vec::new();
    let entries = next(&mut e, &mut log, |ev| match ev {
        Event::Listing {
            req: r,
            side: Side::Local,
            entries,
            ..
        } if r == req => Some(entries),
        _ => None,
    })
    .await;
    assert_eq!(names(&entries), ["x.txt"]);
    assert_eq!(entries[0].size, 5);
    e.shutdown().await;
}
