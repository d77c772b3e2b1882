//! `wharf mirror` as a user runs it: the built binary against the
//! in-process server (libunftp, a fresh root per test) and a scripted one,
//! with config and data folders kept between runs (the sync record lives
//! there). Files are compared by hash; "nothing moved" is read from the
//! protocol log (`-v`): no RETR or STOR went out.

#[path = "common/fake_ftp.rs"]
mod fake_ftp;
#[path = "common/run.rs"]
mod run;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};

use fake_ftp::{FakeServer, Script};
use run::{Run, wharf_kept};
use server::TestServer;
use tree::{content, make_tree, tree_hashes};

struct Setup {
    server: TestServer,
    local: tempfile::TempDir,
    state: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        Setup {
            server: TestServer::start(None, false).await,
            local: tempfile::tempdir().expect("tempdir"),
            state: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("ftp://127.0.0.1:{}/{path}", self.server.port())
    }

    fn r(&self, rel: &str) -> PathBuf {
        self.server.path(rel)
    }

    fn l(&self, rel: &str) -> PathBuf {
        self.local.path().join(rel)
    }

    async fn wharf(&self, args: &[&str]) -> Run {
        wharf_kept(self.local.path(), self.state.path(), args).await
    }
}

fn write(path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, data).expect("write");
}

/// How many commands of `verb` the protocol log shows going out.
fn sent(run: &Run, verb: &str) -> usize {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("> ") && l.contains(&format!(" {verb} ")))
        .count()
}

#[track_caller]
fn assert_ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_down_copies_the_tree_and_a_second_run_moves_nothing() {
    let s = Setup::new().await;
    make_tree(&s.r("site"), 30);
    let run = s.wharf(&["mirror", &s.url("site"), "copy"]).await;
    assert_ok(&run);
    assert_eq!(tree_hashes(&s.r("site")), tree_hashes(&s.l("copy")));

    let again = s.wharf(&["mirror", "-v", &s.url("site"), "copy"]).await;
    assert_ok(&again);
    assert!(again.stderr.contains("in sync"), "{again:?}");
    assert_eq!(sent(&again, "RETR"), 0, "{again:?}");

    // Three files change on the server (new sizes): only those move.
    for i in [1, 7, 12] {
        let f = tree::files_under(&s.r("site"))
            .into_iter()
            .nth(i)
            .expect("file");
        std::fs::write(&f, content(1000 + i as u64, 777)).expect("write");
    }
    let third = s.wharf(&["mirror", "-v", &s.url("site"), "copy"]).await;
    assert_ok(&third);
    assert_eq!(sent(&third, "RETR"), 3, "{third:?}");
    assert_eq!(tree_hashes(&s.r("site")), tree_hashes(&s.l("copy")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_up_copies_new_and_changed_files_and_then_is_in_sync() {
    let s = Setup::new().await;
    make_tree(&s.l("site"), 20);
    std::fs::create_dir_all(s.l("site/empty folder")).expect("mkdir");
    let run = s.wharf(&["mirror", "site", &s.url("up")]).await;
    assert_ok(&run);
    assert_eq!(tree_hashes(&s.l("site")), tree_hashes(&s.r("up")));
    assert!(
        s.r("up/empty folder").is_dir(),
        "an empty folder is made too"
    );

    let again = s.wharf(&["mirror", "-v", "site", &s.url("up")]).await;
    assert_ok(&again);
    assert!(again.stderr.contains("in sync"), "{again:?}");
    assert_eq!(sent(&again, "STOR"), 0, "{again:?}");

    write(&s.l("site/new.txt"), b"new");
    write(&s.l("site/d0/sub 0/file 000.bin"), b"changed");
    let third = s.wharf(&["mirror", "-v", "site", &s.url("up")]).await;
    assert_ok(&third);
    assert_eq!(sent(&third, "STOR"), 2, "{third:?}");
    assert_eq!(tree_hashes(&s.l("site")), tree_hashes(&s.r("up")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_plan_and_changes_nothing() {
    let s = Setup::new().await;
    write(&s.r("site/same.txt"), b"same");
    write(&s.r("site/new.txt"), b"new");
    write(&s.r("site/dir/inner.txt"), b"inner");
    write(&s.r("site/grown.txt"), b"grown on the server");
    write(&s.l("copy/same.txt"), b"same");
    write(&s.l("copy/grown.txt"), b"grown");
    write(&s.l("copy/extra.txt"), b"extra");
    // Equal times for the file that is the same on both sides.
    let t = std::fs::metadata(s.r("site/same.txt"))
        .and_then(|m| m.modified())
        .expect("mtime");
    std::fs::File::options()
        .write(true)
        .open(s.l("copy/same.txt"))
        .and_then(|f| f.set_modified(t))
        .expect("set time");
    let before = tree_hashes(&s.l("copy"));
    let run = s
        .wharf(&["mirror", "--dry-run", "--delete", &s.url("site"), "copy"])
        .await;
    assert_ok(&run);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "+ dir/",
            "+ dir/inner.txt",
            "- extra.txt",
            "* grown.txt",
            "+ new.txt"
        ],
        "{run:?}"
    );
    assert!(
        run.stderr.contains("plan: 2 new, 1 changed") && run.stderr.contains("1 to delete"),
        "{run:?}"
    );
    assert_eq!(before, tree_hashes(&s.l("copy")), "nothing changed");

    // Without --delete, the extra is reported and left.
    let run = s.wharf(&["mirror", "-n", &s.url("site"), "copy"]).await;
    assert!(run.stdout.contains("= extra.txt"), "{run:?}");
    assert!(!run.stdout.contains("- extra.txt"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_extras_unless_more_than_max_delete_would_go() {
    let s = Setup::new().await;
    write(&s.l("site/keep.txt"), b"keep");
    write(&s.r("up/keep.txt"), b"old");
    write(&s.r("up/stale.txt"), b"stale");
    write(&s.r("up/old/x.txt"), b"x");
    let run = s
        .wharf(&[
            "mirror",
            "--delete",
            "--max-delete",
            "2",
            "site",
            &s.url("up"),
        ])
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("3 entries would be deleted, more than --max-delete 2: nothing deleted"),
        "{run:?}"
    );
    assert!(s.r("up/stale.txt").exists() && s.r("up/old/x.txt").exists());
    assert_eq!(std::fs::read(s.r("up/keep.txt")).expect("read"), b"keep");

    let run = s.wharf(&["mirror", "--delete", "site", &s.url("up")]).await;
    assert_ok(&run);
    assert!(!s.r("up/stale.txt").exists() && !s.r("up/old").exists());
    assert_eq!(tree_hashes(&s.l("site")), tree_hashes(&s.r("up")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_deleted_when_a_copy_failed() {
    // The scripted server lists two files and refuses every RETR.
    let server = FakeServer::start(Script {
        listing:
            b"-rw-r--r-- 1 u g 5 Nov 27 14:03 a.txt\r\n-rw-r--r-- 1 u g 5 Nov 27 14:03 b.txt\r\n"
                .to_vec(),
        features: vec!["SIZE".into()],
        ..Script::default()
    })
    .await;
    let local = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    write(&local.path().join("copy/extra.txt"), b"extra");
    let run = wharf_kept(
        local.path(),
        state.path(),
        &[
            "mirror",
            "--delete",
            &format!("{}dir", server.url()),
            "copy",
        ],
    )
    .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("not every copy succeeded: nothing deleted"),
        "{run:?}"
    );
    assert!(local.path().join("copy/extra.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_listing_local_time_nine_hours_ahead_is_in_sync_once_its_offset_is_found() {
    // LIST shows the server's clock (UTC+9), to the minute; MDTM answers
    // in UTC, to the second. Three days ago, so LIST's year is this one.
    let secs = chrono::Utc::now().timestamp() - 3 * 86_400;
    let utc = chrono::DateTime::from_timestamp(secs - secs % 60 + 27, 0).expect("time");
    let shown = utc + chrono::Duration::hours(9);
    let listing = format!(
        "-rw-r--r-- 1 u g 5 {} a.txt\r\n",
        shown.format("%b %e %H:%M")
    );
    let server = FakeServer::start(Script {
        listing: listing.into_bytes(),
        features: vec!["MDTM".into(), "SIZE".into()],
        mdtm_reply: Some(format!("213 {}", utc.format("%Y%m%d%H%M%S"))),
        file_content: Some(b"hello".to_vec()),
        ..Script::default()
    })
    .await;
    let local = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let copy = local.path().join("copy/a.txt");
    write(&copy, b"hello");
    std::fs::File::options()
        .write(true)
        .open(&copy)
        .and_then(|f| f.set_modified(utc.into()))
        .expect("set time");
    let run = wharf_kept(
        local.path(),
        state.path(),
        &["mirror", "-n", &format!("{}dir", server.url()), "copy"],
    )
    .await;
    assert_ok(&run);
    assert!(run.stdout.trim().is_empty(), "{run:?}");
    assert!(run.stderr.contains("in sync"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_message() {
    let s = Setup::new().await;
    let run = s.wharf(&["mirror", "a", "b"]).await;
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("one side must be a URL"), "{run:?}");
    let run = s.wharf(&["mirror", "missing", &s.url("x")]).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("missing: no such folder"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latin1_name_arrives_decoded_and_is_asked_for_as_the_server_wrote_it() {
    let server = FakeServer::start(Script {
        listing: b"-rw-r--r-- 1 u g 5 Nov 27 14:03 caf\xe9.txt\r\n".to_vec(),
        features: vec!["SIZE".into()],
        file_content: Some(b"hello".to_vec()),
        ..Script::default()
    })
    .await;
    let local = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let run = wharf_kept(
        local.path(),
        state.path(),
        &["mirror", &format!("{}dir", server.url()), "copy"],
    )
    .await;
    assert_ok(&run);
    assert_eq!(
        std::fs::read(local.path().join("copy/café.txt")).expect("café.txt"),
        b"hello"
    );
    let raw = server.raw.lock().expect("raw").clone();
    assert!(
        raw.iter()
            .any(|l| l.ends_with(b"dir/caf\xe9.txt") && l.starts_with(b"RETR ")),
        "{:?}",
        raw.iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_source_never_empties_the_target() {
    let s = Setup::new().await;
    std::fs::create_dir_all(s.r("empty")).expect("mkdir");
    write(&s.l("copy/precious.txt"), b"precious");
    let run = s
        .wharf(&["mirror", "--delete", &s.url("empty"), "copy"])
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("the source is empty"), "{run:?}");
    assert!(s.l("copy/precious.txt").exists());
}
