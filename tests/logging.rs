//! The log file never holds a password. Logging is process-global, so this
//! file has one test: it logs at `trace` (everything)
//! into a temporary data folder, logs in to the in-process server with a
//! wrong and then the right password, lists, downloads a file, logs in once
//! more with suppaftp directly (outside any protocol-log sink), flushes,
//! and reads every file under the data and config folders.

use std::path::{Path, PathBuf};
use std::time::Duration;

use wharf::engine::protocol::{
    BatchId, Command, ConnId, ConnectProfile, DataMode, Direction, Event, OnExisting, RequestId,
    Side, Timeouts, TransferItem, TransferRequest,
};
use wharf::engine::{EngineHandle, spawn};
use wharf::server::{EmbeddedServer, ServerOptions};

const SECRET: &str = "Tr0ub4dor-wharf-s3cret";
const WRONG: &str = "not-the-Secret-42";
const WAIT: Duration = Duration::from_secs(20);

fn profile(port: u16, password: &str) -> ConnectProfile {
    ConnectProfile {
        host: "127.0.0.1".into(),
        port,
        user: Some("alice".into()),
        password: Some(password.into()),
        path: None,
        mode: DataMode::Passive,
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            reply: Duration::from_secs(10),
        },
    }
}

async fn wait_for<T>(e: &mut EngineHandle, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    tokio::time::timeout(WAIT, async {
        loop {
            let ev = e.events.recv().await.expect("engine stopped");
            if let Some(t) = pick(ev) {
                return t;
            }
        }
    })
    .await
    .expect("timed out waiting for an engine event")
}

async fn connect(e: &mut EngineHandle, conn: u64, p: ConnectProfile) -> bool {
    let conn = ConnId(conn);
    e.commands
        .send(Command::Connect { conn, profile: p })
        .expect("send");
    wait_for(e, |ev| match ev {
        Event::Connected { conn: c, .. } if c == conn => Some(true),
        Event::Disconnected { conn: c, .. } if c == conn => Some(false),
        _ => None,
    })
    .await
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_password_reaches_the_log_file() {
    let data = tempfile::tempdir().expect("tempdir");
    let config = tempfile::tempdir().expect("tempdir");
    let local = tempfile::tempdir().expect("tempdir");
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::write(root.path().join("hello.txt"), b"hello wharf\n").expect("write");
    // SAFETY: this test is the only one in its process, and no other thread
    // runs yet.
    unsafe {
        std::env::set_var("WHARF_DATA_DIR", data.path());
        std::env::set_var("WHARF_CONFIG_DIR", config.path());
        std::env::set_var("WHARF_LOG", "trace");
    }
    let guard = wharf::logging::init(None)
        .expect("logging starts")
        .expect("a log folder");

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let server = EmbeddedServer::start(ServerOptions {
            root: root.path().to_path_buf(),
            credentials: Some(("alice".into(), SECRET.into())),
            allow_active: false,
        })
        .await
        .expect("server");
        let port = server.addr().port();
        let mut e = spawn();

        assert!(
            !connect(&mut e, 1, profile(port, WRONG)).await,
            "wrong password"
        );
        assert!(connect(&mut e, 2, profile(port, SECRET)).await, "login");

        let req = RequestId(1);
        e.commands
            .send(Command::List {
                req,
                side: Side::Remote,
                path: PathBuf::from("/"),
            })
            .expect("send");
        let names = wait_for(&mut e, |ev| match ev {
            Event::Listing {
                req: r, entries, ..
            } if r == req => Some(entries.into_iter().map(|x| x.name).collect::<Vec<_>>()),
            Event::Failed { req: r, error, .. } if r == req => panic!("listing: {error}"),
            _ => None,
        })
        .await;
        assert_eq!(names, ["hello.txt"]);

        // A transfer logs in on a connection of its own.
        e.commands
            .send(Command::Transfer(TransferRequest {
                batch: BatchId(1),
                direction: Direction::Download,
                items: vec![TransferItem {
                    source: PathBuf::from("/hello.txt"),
                    is_dir: false,
                    size: None,
                    modified: None,
                    target_name: "hello.txt".into(),
                }],
                target_dir: local.path().to_path_buf(),
                on_existing: OnExisting::Ask,
                move_after: false,
            }))
            .expect("send");
        let done = wait_for(&mut e, |ev| match ev {
            Event::BatchDone { done, .. } => Some(done),
            Event::BatchFailed { error, .. } => panic!("batch: {error}"),
            _ => None,
        })
        .await;
        assert_eq!(done, 1);

        // suppaftp on its own: it traces `CC OUT: PASS …` in clear
        // through the `log` facade, which wharf never routes anywhere.
        let mut ftp = suppaftp::tokio::AsyncFtpStream::connect(server.addr())
            .await
            .expect("connect");
        ftp.login("alice", SECRET).await.expect("login");
        let _ = ftp.quit().await;

        e.shutdown().await;
        server.stop().await;
    });
    drop(rt);
    drop(guard); // flushes the writer thread

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.path().join("logs"))
            .expect("logs folder")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "the log folder is private");
    }

    let mut files = Vec::new();
    files_under(data.path(), &mut files);
    files_under(config.path(), &mut files);
    assert!(!files.is_empty(), "no log file was written");
    let mut all = String::new();
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        for secret in [SECRET, WRONG] {
            assert!(
                !text.contains(secret),
                "{} holds a password:\n{}",
                f.display(),
                text.lines()
                    .filter(|l| l.contains(secret))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        all.push_str(&text);
    }
    // The log did get the events, so the check above means something.
    for expected in [
        "wharf started",
        "login to 127.0.0.1",
        "logged in to 127.0.0.1",
        "wharf::wire",
        "> USER alice",
        "> PASS ****",
        "< 230",
    ] {
        assert!(all.contains(expected), "the log lacks {expected:?}:\n{all}");
    }
}
