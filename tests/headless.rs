//! `wharf get` and `wharf put` as a user runs them: the built binary in a
//! child process against the in-process FTP server (libunftp, a fresh root
//! per test). Content is compared by SHA-256; exit statuses and the
//! messages on stderr are part of the contract.

#[path = "common/run.rs"]
mod run;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};

use run::{Run, wharf_in};
use server::TestServer;
use tree::{content, make_tree, sha, sha_bytes, tree_hashes};

/// An anonymous server that accepts active mode, and the local folder
/// wharf runs in.
struct Setup {
    server: TestServer,
    local: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        Setup {
            server: TestServer::start(None, true).await,
            local: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// `ftp://127.0.0.1:PORT/path`
    fn url(&self, path: &str) -> String {
        format!("ftp://127.0.0.1:{}/{path}", self.server.port())
    }

    fn r(&self, rel: &str) -> PathBuf {
        self.server.path(rel)
    }

    fn l(&self, rel: &str) -> PathBuf {
        self.local.path().join(rel)
    }

    /// Runs wharf in the local folder.
    async fn wharf(&self, args: &[&str]) -> Run {
        wharf_in(self.local.path(), args).await
    }
}

/// The run failed (exit 1) and said `said`, in words for people (no
/// `(os error N)`).
#[track_caller]
fn assert_fails_saying(run: &Run, said: &str) {
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains(said), "wanted {said:?}: {run:?}");
    assert!(!run.stderr.contains("os error"), "{run:?}");
}

fn write(path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, data).expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_a_file_into_the_current_folder_and_as_a_new_name() {
    let s = Setup::new().await;
    let data = content(1, 3 * 1024 * 1024 + 5);
    write(&s.r("big file.bin"), &data);

    let run = s.wharf(&["get", &s.url("big%20file.bin")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("big file.bin")), sha_bytes(&data));
    assert!(run.stderr.contains("1 file, 3.0 MiB in "), "{run:?}");
    // Nothing else was left beside it (no temporary file).
    assert_eq!(std::fs::read_dir(s.local.path()).expect("ls").count(), 1);

    // LOCAL does not exist: the file is created under that name.
    let run = s
        .wharf(&["get", &s.url("big%20file.bin"), "renamed.bin"])
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("renamed.bin")), sha_bytes(&data));

    // LOCAL is an existing folder: into it.
    std::fs::create_dir(s.l("into")).expect("mkdir");
    let run = s.wharf(&["get", &s.url("big%20file.bin"), "into"]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("into/big file.bin")), sha_bytes(&data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_a_tree_into_a_folder_and_as_a_new_name() {
    let s = Setup::new().await;
    make_tree(&s.r("tree"), 60);
    std::fs::create_dir_all(s.r("tree/empty/inside")).expect("mkdir");
    let want = tree_hashes(&s.r("tree"));

    let run = s.wharf(&["get", &s.url("tree"), "."]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(tree_hashes(&s.l("tree")), want);
    assert!(run.stderr.contains("60 files, "), "{run:?}");
    assert!(
        s.l("tree/empty/inside").is_dir(),
        "empty folders are copied too"
    );

    let run = s.wharf(&["get", &s.url("tree/"), "copy"]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(tree_hashes(&s.l("copy")), want);

    // A folder cannot replace a file.
    write(&s.l("plain"), b"x");
    let run = s.wharf(&["get", &s.url("tree"), "plain"]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert_eq!(std::fs::read(s.l("plain")).expect("read"), b"x");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_in_active_mode_with_one_connection() {
    let s = Setup::new().await;
    make_tree(&s.r("tree"), 12);
    let want = tree_hashes(&s.r("tree"));
    let run = s
        .wharf(&["get", "--active", "-j", "1", &s.url("tree")])
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(tree_hashes(&s.l("tree")), want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_files_and_trees() {
    let s = Setup::new().await;
    write(&s.l("a.txt"), &content(2, 1000));
    write(&s.l("b.bin"), &content(3, 200_000));
    std::fs::create_dir(s.r("dir")).expect("mkdir");

    // Several files into an existing folder.
    let run = s.wharf(&["put", "a.txt", "b.bin", &s.url("dir/")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.r("dir/a.txt")), sha(&s.l("a.txt")));
    assert_eq!(sha(&s.r("dir/b.bin")), sha(&s.l("b.bin")));
    assert!(run.stderr.contains("2 files, "), "{run:?}");

    // One file under a new name.
    let run = s.wharf(&["put", "a.txt", &s.url("dir/renamed.txt")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.r("dir/renamed.txt")), sha(&s.l("a.txt")));

    // A tree into the login folder, then as a new name.
    make_tree(&s.l("up"), 40);
    std::fs::create_dir_all(s.l("up/empty")).expect("mkdir");
    let want = tree_hashes(&s.l("up"));
    let run = s.wharf(&["put", "up", &s.url("")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(tree_hashes(&s.r("up")), want);
    assert!(s.r("up/empty").is_dir());
    let run = s.wharf(&["put", "up", &s.url("copy")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(tree_hashes(&s.r("copy")), want);

    // Several sources need a folder to go into.
    let run = s
        .wharf(&["put", "a.txt", "b.bin", &s.url("dir/no-such")])
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("not a folder"), "{run:?}");
    assert!(!s.r("dir/no-such").exists());

    // A missing source is reported; the others are still copied.
    let run = s
        .wharf(&["put", "missing.txt", "a.txt", &s.url("other/")])
        .await;
    assert_fails_saying(&run, "wharf: no such file: missing.txt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_remote_file_fails_with_the_reason() {
    let s = Setup::new().await;
    let run = s.wharf(&["get", &s.url("nothing-here.bin")]).await;
    // Said as missing, whatever the server's words; its reply is kept.
    assert_fails_saying(&run, "wharf: no such file: /nothing-here.bin (550 ");
    assert_eq!(std::fs::read_dir(s.local.path()).expect("ls").count(), 0);
    // A local folder that is not there is said so too.
    write(&s.r("here.bin"), b"x");
    let run = s.wharf(&["get", &s.url("here.bin"), "no-dir/x.bin"]).await;
    assert_fails_saying(&run, "wharf: no such folder: no-dir");
}

/// `wharf ls` of a file prints that file's line, as `ls -l FILE` does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_of_a_file_lists_that_file() {
    let s = Setup::new().await;
    write(&s.r("dir/f.txt"), b"12345");
    write(&s.r("dir/other.txt"), b"x");

    let run = s.wharf(&["ls", &s.url("dir/f.txt")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{run:?}");
    assert!(
        lines[0].ends_with(" f.txt") && lines[0].contains(" 5 "),
        "{run:?}"
    );

    let run = s.wharf(&["ls", &s.url("dir/f.txt/")]).await;
    assert_fails_saying(&run, "wharf: /dir/f.txt: not a folder");

    let run = s.wharf(&["ls", &s.url("dir/nothing")]).await;
    assert_fails_saying(&run, "wharf: no such file or folder: /dir/nothing (550 ");
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_urls_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = wharf_in(dir.path(), &["get", "http://example.org/x"]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    // `://` mistyped: not a host called ftp.
    for cmd in ["get", "ls"] {
        let run = wharf_in(dir.path(), &[cmd, "ftp//127.0.0.1:1/x"]).await;
        assert_eq!(run.code, Some(2), "{run:?}");
        assert!(run.stderr.contains("not a valid URL"), "{run:?}");
    }
    let run = wharf_in(dir.path(), &["put", "ftp://127.0.0.1:1/"]).await;
    assert_eq!(run.code, Some(2), "put needs a source: {run:?}");
    let run = wharf_in(
        dir.path(),
        &["get", "--overwrite", "--resume", "ftp://127.0.0.1:1/x"],
    )
    .await;
    assert_eq!(run.code, Some(2), "the flags exclude each other: {run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_download_target_needs_a_flag() {
    let s = Setup::new().await;
    let data = content(4, 500_000);
    write(&s.r("f.bin"), &data);
    write(&s.r("g.bin"), b"new g");
    write(&s.l("f.bin"), b"old local");

    let run = s.wharf(&["get", &s.url("f.bin")]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("f.bin: exists (use --overwrite, --skip-existing or --resume)"),
        "{run:?}"
    );
    assert_eq!(std::fs::read(s.l("f.bin")).expect("read"), b"old local");

    let run = s.wharf(&["get", "--skip-existing", &s.url("f.bin")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("1 skipped (exist)"), "{run:?}");
    assert_eq!(std::fs::read(s.l("f.bin")).expect("read"), b"old local");

    let run = s.wharf(&["get", "--overwrite", &s.url("f.bin")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("f.bin")), sha_bytes(&data));

    // Resume: the local file is a correct prefix.
    write(&s.l("f.bin"), &data[..123_456]);
    let run = s.wharf(&["get", "--resume", &s.url("f.bin")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("f.bin")), sha_bytes(&data));
    // And once more: already complete, nothing to do, still a success.
    let run = s.wharf(&["get", "--resume", &s.url("f.bin")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("1 already complete"), "{run:?}");

    // In a tree, the refused file fails and the others arrive.
    std::fs::create_dir(s.r("t")).expect("mkdir");
    std::fs::rename(s.r("f.bin"), s.r("t/f.bin")).expect("mv");
    std::fs::rename(s.r("g.bin"), s.r("t/g.bin")).expect("mv");
    write(&s.l("t/f.bin"), b"keep me");
    let run = s.wharf(&["get", &s.url("t")]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("t/f.bin: exists"), "{run:?}");
    assert_eq!(std::fs::read(s.l("t/f.bin")).expect("read"), b"keep me");
    assert_eq!(std::fs::read(s.l("t/g.bin")).expect("read"), b"new g");
}

/// A tree copied again onto its copy: one line for all the files that
/// exist, not one per file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_targets_of_a_tree_are_summed_up() {
    let s = Setup::new().await;
    make_tree(&s.r("tree"), 30);
    let run = s.wharf(&["get", &s.url("tree")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");

    let run = s.wharf(&["get", &s.url("tree")]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    let said: Vec<&str> = run.stderr.lines().filter(|l| l.contains("exist")).collect();
    assert_eq!(said.len(), 1, "{run:?}");
    assert!(
        said[0].starts_with("wharf: 30 files exist (tree/")
            && said[0].ends_with("…); use --overwrite, --skip-existing or --resume"),
        "{run:?}"
    );
    assert!(run.stderr.contains(", 30 failed"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_upload_target_needs_a_flag() {
    let s = Setup::new().await;
    let data = content(5, 400_000);
    write(&s.l("u.bin"), &data);
    write(&s.r("u.bin"), b"old remote");

    let run = s.wharf(&["put", "u.bin", &s.url("")]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("u.bin: exists (use --overwrite"),
        "{run:?}"
    );
    assert_eq!(std::fs::read(s.r("u.bin")).expect("read"), b"old remote");

    let run = s
        .wharf(&["put", "--skip-existing", "u.bin", &s.url("")])
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(std::fs::read(s.r("u.bin")).expect("read"), b"old remote");

    write(&s.r("u.bin"), &data[..100_000]);
    let run = s.wharf(&["put", "--resume", "u.bin", &s.url("")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.r("u.bin")), sha_bytes(&data));

    write(&s.r("u.bin"), b"replace me");
    let run = s
        .wharf(&["put", "--overwrite", "u.bin", &s.url("u.bin")])
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.r("u.bin")), sha_bytes(&data));
}

/// The connection that looked at the URL goes on to carry the files: one
/// file costs one login, a tree with `-j 2` two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_looking_up_connection_carries_the_files() {
    let s = Setup::new().await;
    let logins = |run: &Run| {
        run.stderr
            .lines()
            // `> USER x` from the look-up, `> [T2] USER x` from a worker.
            .filter(|l| l.starts_with("> ") && l.contains(" USER "))
            .count()
    };
    write(&s.r("one.bin"), &content(4, 300_000));
    let run = s.wharf(&["get", "-v", &s.url("one.bin")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("one.bin")), sha(&s.r("one.bin")));
    assert_eq!(logins(&run), 1, "{run:?}");

    write(&s.l("up.bin"), &content(5, 300_000));
    let run = s.wharf(&["put", "-v", "up.bin", &s.url("")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.r("up.bin")), sha(&s.l("up.bin")));
    assert_eq!(logins(&run), 1, "{run:?}");

    // libunftp answers some commands sent together out of order; each time
    // wharf notices, it logs in again on a new connection and says so.
    make_tree(&s.r("tree"), 30);
    let want = tree_hashes(&s.r("tree"));
    let run = s.wharf(&["get", "-v", "-j", "2", &s.url("tree")]).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(tree_hashes(&s.l("tree")), want);
    let reconnects = run.stderr.matches("Reconnecting").count();
    assert_eq!(logins(&run) - reconnects, 2, "{run:?}");
}

/// Options for every command work before the command as after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_options_work_before_the_command() {
    let s = Setup::new().await;
    write(&s.r("f.bin"), &content(6, 100_000));
    let run = s
        .wharf(&["--log-level", "debug", "--active", "get", &s.url("f.bin")])
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(sha(&s.l("f.bin")), sha(&s.r("f.bin")));
    let run = s
        .wharf(&["--passive", "--timeout", "9", "ls", &s.url("")])
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("f.bin"), "{run:?}");
    // An option of the TUI beside a command is a usage error.
    let run = s.wharf(&["--demo", "ls", &s.url("")]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
}
