//! `wharf mkdir`, `rm`, `mv`, `cat`, `find` as a user runs them: the built
//! binary in a child process against the in-process FTP server (libunftp,
//! a fresh root per test). Exit statuses and the messages on stderr are
//! part of the contract: 0 only when everything asked for was done, and a
//! failure names the path and the server's reply. `@bookmark/path` works
//! in place of a URL. chmod and a delete without permission need a real
//! server: tests/interop_fileops.rs.

#[path = "common/run.rs"]
mod run;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};

use run::{Run, wharf_configured, wharf_in};
use server::TestServer;
use tree::{content, sha_bytes};

struct Setup {
    server: TestServer,
    local: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        Setup {
            server: TestServer::start(None, false).await,
            local: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("ftp://127.0.0.1:{}/{path}", self.server.port())
    }

    fn r(&self, rel: &str) -> PathBuf {
        self.server.path(rel)
    }

    async fn wharf(&self, args: &[&str]) -> Run {
        wharf_in(self.local.path(), args).await
    }
}

fn write(path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, data).expect("write");
}

#[track_caller]
fn assert_ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{run:?}");
}

#[track_caller]
fn assert_fails_saying(run: &Run, said: &str) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains(said), "wanted {said:?}: {run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mkdir_makes_nested_folders_with_p_and_refuses_an_existing_name() {
    let s = Setup::new().await;
    assert_ok(
        &s.wharf(&["mkdir", "-p", &s.url("a/b/c"), &s.url("x/y")])
            .await,
    );
    assert!(s.r("a/b/c").is_dir() && s.r("x/y").is_dir());
    let run = s.wharf(&["mkdir", &s.url("a/b")]).await;
    assert_fails_saying(&run, "/a/b: a folder of that name exists");
    // -p: an existing folder is fine.
    assert_ok(&s.wharf(&["mkdir", "-p", &s.url("a/b")]).await);
    // One of two fails: exit 1, the other is made.
    let run = s.wharf(&["mkdir", &s.url("a"), &s.url("new")]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(s.r("new").is_dir());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rm_needs_r_for_a_folder_and_then_deletes_it_whole() {
    let s = Setup::new().await;
    for d in 0..3 {
        for f in 0..10 {
            write(&s.r(&format!("tree/d{d}/f{f}.txt")), b"x");
        }
    }
    write(&s.r("outside/keep.txt"), b"keep");
    std::os::unix::fs::symlink(s.r("outside"), s.r("tree/link")).expect("symlink");
    write(&s.r("one.txt"), b"1");

    let run = s.wharf(&["rm", &s.url("tree")]).await;
    assert_fails_saying(&run, "/tree: is a folder (-r deletes it");
    assert!(s.r("tree/d0/f0.txt").exists());

    let run = s.wharf(&["rm", "-r", "--dry-run", &s.url("tree")]).await;
    assert_ok(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 30 + 1 + 3 + 1, "{run:?}");
    assert!(lines.contains(&"/tree/link") && lines.last() == Some(&"/tree"));
    assert!(s.r("tree/d0/f0.txt").exists(), "a dry run deletes nothing");

    let run = s
        .wharf(&["rm", "-r", &s.url("tree"), &s.url("one.txt")])
        .await;
    assert_ok(&run);
    assert!(!s.r("tree").exists() && !s.r("one.txt").exists());
    assert!(s.r("outside/keep.txt").exists(), "the link's folder stays");

    let run = s.wharf(&["rm", &s.url("no-such.txt")]).await;
    assert_fails_saying(&run, "no such file or folder: /no-such.txt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mv_refuses_an_existing_target_unless_forced() {
    let s = Setup::new().await;
    write(&s.r("d/a.txt"), b"a");
    write(&s.r("d/b.txt"), b"b");
    std::fs::create_dir_all(s.r("d/sub")).expect("mkdir");
    let run = s.wharf(&["mv", &s.url("d/a.txt"), "b.txt"]).await;
    assert_fails_saying(&run, "a file exists at /d/b.txt");
    assert_eq!(std::fs::read(s.r("d/b.txt")).expect("b"), b"b");
    assert_ok(
        &s.wharf(&["mv", "--force", &s.url("d/a.txt"), "b.txt"])
            .await,
    );
    assert_eq!(std::fs::read(s.r("d/b.txt")).expect("b"), b"a");
    // Into a folder, relative to the source's folder.
    assert_ok(&s.wharf(&["mv", &s.url("d/b.txt"), "sub/"]).await);
    assert!(s.r("d/sub/b.txt").exists());
    // As a URL of the same server, absolute.
    assert_ok(
        &s.wharf(&["mv", &s.url("d/sub/b.txt"), &s.url("c.txt")])
            .await,
    );
    assert!(s.r("c.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cat_streams_the_file_and_find_prints_matching_paths() {
    let s = Setup::new().await;
    let data = content(7, 3 * 1024 * 1024 + 11);
    write(&s.r("pub/big.bin"), &data);
    write(&s.r("pub/logs/App.LOG"), b"l");
    write(&s.r("pub/logs/old/b.log"), b"l");
    write(&s.r("pub/notes.txt"), b"n");
    let run = wharf_bytes(&s, &["cat", &s.url("pub/big.bin")]).await;
    assert_eq!(run.0, Some(0));
    assert_eq!(sha_bytes(&run.1), sha_bytes(&data));
    let run = s.wharf(&["cat", &s.url("pub/none.bin")]).await;
    assert_fails_saying(&run, "/pub/none.bin");

    let run = s.wharf(&["find", &s.url("pub"), "--name", "*.log"]).await;
    assert_ok(&run);
    let mut lines: Vec<&str> = run.stdout.lines().collect();
    lines.sort();
    assert_eq!(lines, ["/pub/logs/App.LOG", "/pub/logs/old/b.log"]);
    let run = s.wharf(&["find", &s.url("pub")]).await;
    assert_eq!(run.stdout.lines().count(), 6, "{run:?}");
}

/// The binary's exit status and its stdout as bytes.
async fn wharf_bytes(s: &Setup, args: &[&str]) -> (Option<i32>, Vec<u8>) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let state = tempfile::tempdir().expect("tempdir");
    let dir = s.local.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
            .args(&args)
            .current_dir(dir)
            .env("WHARF_CONFIG_DIR", state.path().join("c"))
            .env("WHARF_DATA_DIR", state.path().join("d"))
            .env("NETRC", "/nonexistent/netrc")
            .output()
            .expect("run")
    })
    .await
    .expect("join");
    (out.status.code(), out.stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bookmark_and_a_path_under_it_stand_in_for_a_url() {
    let s = Setup::new().await;
    write(&s.r("srv/pub/a.txt"), b"hello");
    write(&s.r("srv/old/b.txt"), b"old");
    let config = tempfile::tempdir().expect("config");
    let port = s.server.port();
    std::fs::write(
        config.path().join("bookmarks.toml"),
        format!(
            "[[bookmark]]\nname = \"srv\"\nhost = \"127.0.0.1\"\nport = {port}\nremote_dir = \"/srv\"\n\n\
             [[bookmark]]\nname = \"srv/old\"\nhost = \"127.0.0.1\"\nport = {port}\nremote_dir = \"/srv/old\"\n"
        ),
    )
    .expect("bookmarks");
    let run = wharf_configured(s.local.path(), config.path(), &["ls", "@srv/pub"]).await;
    assert_ok(&run);
    assert!(run.stdout.contains("a.txt"), "{run:?}");
    let run = wharf_configured(s.local.path(), config.path(), &["cat", "@srv/pub/a.txt"]).await;
    assert_eq!(run.stdout, "hello", "{run:?}");
    // The longest name wins: `srv/old`, then b.txt under its folder.
    let run = wharf_configured(s.local.path(), config.path(), &["cat", "@srv/old/b.txt"]).await;
    assert_eq!(run.stdout, "old", "{run:?}");
    let run = wharf_configured(
        s.local.path(),
        config.path(),
        &["get", "@srv/pub/a.txt", "got.txt"],
    )
    .await;
    assert_ok(&run);
    assert_eq!(
        std::fs::read(s.local.path().join("got.txt")).expect("got"),
        b"hello"
    );
    let run = wharf_configured(s.local.path(), config.path(), &["ls", "@nope/x"]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("no bookmark named \"nope/x\""),
        "{run:?}"
    );
}
