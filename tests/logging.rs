//! The log file never holds a password. Logging is process-global, so this
//! file has one test: it logs at `trace` (everything)
//! into a temporary data folder, logs in to the in-process server with a
//! wrong and then the right password, lists, downloads a file, logs in once
//! more with suppaftp directly (outside any protocol-log sink), flushes,
//! and reads every file under the data and config folders.

#[path = "common/events.rs"]
mod events;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use events::Engine;
use server::TestServer;
use values::{item, local, remote};
use wharf::engine::protocol::{DataMode, FailureKind, OnExisting};

const SECRET: &str = "Tr0ub4dor-wharf-s3cret";
const WRONG: &str = "not-the-Secret-42";

#[test]
fn no_password_reaches_the_log_file() {
    let data = tempfile::tempdir().expect("tempdir");
    let config = tempfile::tempdir().expect("tempdir");
    let local_dir = tempfile::tempdir().expect("tempdir");
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
        let server = TestServer::start(Some(("alice", SECRET)), false).await;
        std::fs::write(server.path("hello.txt"), b"hello wharf\n").expect("write");
        let mut e = Engine::spawn();

        let wrong = e
            .connect(1, server.profile(Some(("alice", WRONG)), DataMode::Passive))
            .await
            .expect_err("wrong password");
        assert_eq!(wrong.kind, FailureKind::Login, "{wrong:?}");
        e.connect(
            2,
            server.profile(Some(("alice", SECRET)), DataMode::Passive),
        )
        .await
        .expect("login");

        let entries = e.list(1, remote("/")).await.expect("listing");
        let names: Vec<_> = entries.into_iter().map(|x| x.name).collect();
        assert_eq!(names, ["hello.txt"]);

        // A transfer logs in on a connection of its own.
        let get = item(remote("/hello.txt"), false);
        let r = e
            .copy(1, get, local(local_dir.path()), OnExisting::Ask)
            .await;
        assert_eq!(r.done, 1, "{r:?}");

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

    let mut files = tree::files_under(data.path());
    files.extend(tree::files_under(config.path()));
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
