//! Transfers through the engine against a real in-process FTP server
//! (libunftp), compared by SHA-256: single files, a nested tree both ways,
//! every existing-target choice, resume after a cut, cancel, retries, and a
//! hostile listing that must not write outside the target.

#[path = "common/cut_proxy.rs"]
mod cut_proxy;
#[path = "common/events.rs"]
mod events;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use events::{Engine, no_answers};
use server::{TestServer, profile};
use tree::{content, make_tree, sha, tree_hashes};
use values::{item, local, remote, request};
use wharf::engine::protocol::{
    Command, ConnId, DataMode, Event, FailureKind, ModTime, OnExisting, Precision, TransferItem,
    TransferState,
};
use wharf::engine::spawn_with;
use wharf::engine::transfer::TransferConfig;

/// A proxy with faults in front of the passive data connections of the
/// server at `server`.
async fn faulty(
    server: SocketAddr,
    cut_after: Option<u64>,
    cut_first: usize,
    rate: u64,
) -> cut_proxy::CutProxy {
    cut_proxy::CutProxy::start(
        server,
        cut_proxy::Faults {
            cut_after,
            cut_first,
            rate,
        },
    )
    .await
}

struct Setup {
    server: TestServer,
    local: tempfile::TempDir,
    engine: Engine,
}

fn config() -> TransferConfig {
    TransferConfig {
        connections: 4,
        retries: 5,
        backoff_base: Duration::from_millis(20),
        idle_close: Duration::from_secs(5),
        ..TransferConfig::default()
    }
}

/// An engine with `config`, told to connect (anonymously, passively) to
/// 127.0.0.1:`port`; what is asked next queues behind the connection.
fn engine_at(port: u16, config: TransferConfig) -> Engine {
    let engine = Engine::new(spawn_with(config));
    engine.start_connect(1, profile(port, None, DataMode::Passive));
    engine
}

/// An anonymous server that accepts active mode, an engine connecting to
/// it, and a local folder.
async fn setup() -> Setup {
    let server = TestServer::start(None, true).await;
    let engine = engine_at(server.port(), config());
    Setup {
        server,
        local: tempfile::tempdir().expect("tempdir"),
        engine,
    }
}

#[tokio::test]
async fn download_and_upload_a_single_file() {
    let mut s = setup().await;
    let data = content(1, 3 * 1024 * 1024 + 17);
    std::fs::write(s.server.path("big file.bin"), &data).expect("write");
    let r = s
        .engine
        .copy(
            1,
            item(remote("/big file.bin"), false),
            local(s.local.path()),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    let got = s.local.path().join("big file.bin");
    assert_eq!(sha(&got), sha(&s.server.path("big file.bin")));
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(s.local.path()).expect("ls").count(), 1);

    std::fs::write(s.local.path().join("up.bin"), content(2, 100_000)).expect("write");
    let r = s
        .engine
        .copy(
            2,
            item(local(s.local.path().join("up.bin")), false),
            remote("/"),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    assert_eq!(
        sha(&s.server.path("up.bin")),
        sha(&s.local.path().join("up.bin"))
    );
    s.engine.shutdown().await;
}

#[tokio::test]
async fn an_upload_into_a_folder_that_does_not_exist_makes_it_with_its_parents() {
    let mut s = setup().await;
    std::fs::create_dir(s.server.path("pub")).expect("mkdir");
    std::fs::write(s.local.path().join("up.bin"), content(3, 5000)).expect("write");
    let r = s
        .engine
        .copy(
            1,
            item(local(s.local.path().join("up.bin")), false),
            remote("/pub/new/deeper"),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    assert_eq!(
        sha(&s.server.path("pub/new/deeper/up.bin")),
        sha(&s.local.path().join("up.bin"))
    );
    // Into a folder that exists: no MKD at all.
    let r = s
        .engine
        .copy(
            2,
            item(local(s.local.path().join("up.bin")), false),
            remote("/pub"),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    let mkds: Vec<_> = s
        .engine
        .wire
        .iter()
        .filter(|(_, l)| l.contains("MKD "))
        .map(|(_, l)| l.clone())
        .collect();
    assert_eq!(mkds.len(), 2, "{mkds:?}");
    s.engine.shutdown().await;
}

async fn tree_round_trip(mode: DataMode) {
    let mut s = setup().await;
    if mode == DataMode::Active {
        let active = profile(s.server.port(), None, DataMode::Active);
        s.engine.start_connect(1, active);
    }
    let src = s.server.path("tree");
    make_tree(&src, 210);
    let want = tree_hashes(&src);
    let r = s
        .engine
        .copy(
            1,
            item(remote("/tree"), true),
            local(s.local.path()),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (210, 0), "{r:?}");
    assert_eq!(tree_hashes(&s.local.path().join("tree")), want);

    // And back up under another name.
    std::fs::rename(s.local.path().join("tree"), s.local.path().join("copy")).expect("rename");
    let r = s
        .engine
        .copy(
            2,
            item(local(s.local.path().join("copy")), true),
            remote("/"),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (210, 0), "{r:?}");
    assert_eq!(tree_hashes(&s.server.path("copy")), want);
    s.engine.shutdown().await;
}

#[tokio::test]
async fn a_tree_of_210_files_both_ways_passive() {
    tree_round_trip(DataMode::Passive).await;
}

#[tokio::test]
async fn a_tree_of_210_files_both_ways_active() {
    tree_round_trip(DataMode::Active).await;
}

/// Prepares an existing local target older than the remote source.
async fn conflict_setup() -> (Setup, PathBuf) {
    let s = setup().await;
    std::fs::write(s.server.path("f.txt"), b"new remote content").expect("write");
    let target = s.local.path().join("f.txt");
    std::fs::write(&target, b"old local").expect("write");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600 * 24 * 30);
    std::fs::File::options()
        .write(true)
        .open(&target)
        .expect("open")
        .set_modified(old)
        .expect("mtime");
    (s, target)
}

#[tokio::test]
async fn existing_targets_skip_overwrite_and_rename() {
    let (mut s, target) = conflict_setup().await;
    let dl = |b, policy| {
        request(
            b,
            vec![item(remote("/f.txt"), false)],
            local(s.local.path()),
            policy,
        )
    };
    let r = s.engine.batch(dl(1, OnExisting::Skip), no_answers).await;
    assert_eq!(r.skipped, 1);
    assert_eq!(std::fs::read(&target).expect("read"), b"old local");

    let r = s.engine.batch(dl(2, OnExisting::Rename), no_answers).await;
    assert_eq!(r.done, 1);
    assert_eq!(
        std::fs::read(s.local.path().join("f (1).txt")).expect("read"),
        b"new remote content"
    );
    assert_eq!(std::fs::read(&target).expect("read"), b"old local");

    let r = s
        .engine
        .batch(dl(3, OnExisting::OverwriteIfNewer), no_answers)
        .await;
    assert_eq!(r.done, 1, "the remote file is newer: {r:?}");
    assert_eq!(std::fs::read(&target).expect("read"), b"new remote content");

    // Now the local copy is as new: "if newer" skips.
    let r = s
        .engine
        .batch(dl(4, OnExisting::OverwriteIfNewer), no_answers)
        .await;
    assert_eq!(r.skipped, 1, "{r:?}");

    std::fs::write(&target, b"x").expect("write");
    let r = s
        .engine
        .batch(dl(5, OnExisting::Overwrite), no_answers)
        .await;
    assert_eq!(r.done, 1);
    assert_eq!(std::fs::read(&target).expect("read"), b"new remote content");
    s.engine.shutdown().await;
}

#[tokio::test]
async fn resume_continues_a_partial_target() {
    let mut s = setup().await;
    let data = content(9, 1_000_000);
    std::fs::write(s.server.path("r.bin"), &data).expect("write");
    let target = s.local.path().join("r.bin");
    std::fs::write(&target, &data[..400_000]).expect("write");
    let r = s
        .engine
        .copy(
            1,
            item(remote("/r.bin"), false),
            local(s.local.path()),
            OnExisting::Resume,
        )
        .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(sha(&target), sha(&s.server.path("r.bin")));

    // Upload side: the server holds the first part.
    let up = s.local.path().join("u.bin");
    std::fs::write(&up, &data).expect("write");
    std::fs::write(s.server.path("u.bin"), &data[..123_457]).expect("write");
    let r = s
        .engine
        .copy(2, item(local(&up), false), remote("/"), OnExisting::Resume)
        .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(sha(&s.server.path("u.bin")), sha(&up));
    s.engine.shutdown().await;
}

#[tokio::test]
async fn ask_applies_the_answer_and_for_all_answers_the_rest() {
    let mut s = setup().await;
    for i in 0..3 {
        std::fs::write(s.server.path(format!("c{i}.txt")), b"remote").expect("write");
        std::fs::write(s.local.path().join(format!("c{i}.txt")), b"local").expect("write");
    }
    let items = (0..3)
        .map(|i| item(remote(&format!("/c{i}.txt")), false))
        .collect();
    let r = s
        .engine
        .batch(
            request(1, items, local(s.local.path()), OnExisting::Ask),
            |ev| match ev {
                Event::Conflict { ask, target, .. } => {
                    assert_eq!(target.size, Some(5));
                    vec![Command::Resolve {
                        ask: *ask,
                        choice: OnExisting::Overwrite,
                        for_all: true,
                    }]
                }
                _ => vec![],
            },
        )
        .await;
    assert_eq!(r.conflicts, 1, "for_all must answer the other two");
    assert_eq!(r.done, 3);
    for i in 0..3 {
        assert_eq!(
            std::fs::read(s.local.path().join(format!("c{i}.txt"))).expect("read"),
            b"remote"
        );
    }
    s.engine.shutdown().await;
}

#[tokio::test]
async fn a_cut_download_and_a_cut_upload_resume_to_identical_files() {
    // Every data connection dies after 300 KB for the first three; retries
    // resume from what arrived.
    let server = TestServer::anonymous().await;
    let proxy = faulty(server.addr(), Some(300_000), 3, 0).await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(proxy.addr.port(), config());
    let data = content(5, 1_000_000);
    std::fs::write(server.path("cut.bin"), &data).expect("write");
    let r = engine
        .copy(
            1,
            item(remote("/cut.bin"), false),
            local(local_dir.path()),
            OnExisting::Ask,
        )
        .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(
        sha(&local_dir.path().join("cut.bin")),
        sha(&server.path("cut.bin"))
    );
    let after_download = proxy
        .data_connections
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        after_download >= 4,
        "expected resumed attempts, saw {after_download} data connections"
    );

    let up = local_dir.path().join("up-cut.bin");
    std::fs::write(&up, content(6, 900_000)).expect("write");
    let proxy2 = faulty(server.addr(), Some(250_000), 2, 0).await;
    engine.start_connect(1, profile(proxy2.addr.port(), None, DataMode::Passive));
    let r = engine
        .copy(2, item(local(&up), false), remote("/"), OnExisting::Ask)
        .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(sha(&server.path("up-cut.bin")), sha(&up));
    engine.shutdown().await;
}

#[tokio::test]
async fn a_retried_download_shows_running_again_once_it_resumes() {
    // The queue once showed "94%  retry 5/5: cannot connect" while the
    // bytes flowed again: after each retry, the file is Running again
    // before any more of it arrives.
    let server = TestServer::anonymous().await;
    let proxy = faulty(server.addr(), Some(300_000), 2, 0).await;
    std::fs::write(server.path("again.bin"), content(8, 1_000_000)).expect("write");
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(proxy.addr.port(), config());
    let mut seen = Vec::new();
    let r = engine
        .batch(
            request(
                1,
                vec![item(remote("/again.bin"), false)],
                local(local_dir.path()),
                OnExisting::Ask,
            ),
            |ev| {
                // A state, or `None` for bytes arriving.
                match ev {
                    Event::TransferState { state, .. } => seen.push(Some(state.clone())),
                    Event::TransferProgress { .. } => seen.push(None),
                    _ => {}
                }
                vec![]
            },
        )
        .await;
    assert_eq!(r.done, 1, "{r:?}");
    let retrying = |s: &Option<TransferState>| matches!(s, Some(TransferState::Retrying { .. }));
    let retries: Vec<usize> = (0..seen.len()).filter(|&i| retrying(&seen[i])).collect();
    assert_eq!(retries.len(), 2, "{seen:?}");
    for i in retries {
        let next = seen[i + 1..]
            .iter()
            .find(|s| !retrying(s))
            .expect("something follows a retry");
        assert_eq!(
            next,
            &Some(TransferState::Running),
            "after a retry: {seen:?}"
        );
    }
    assert_eq!(seen.last(), Some(&Some(TransferState::Done)), "{seen:?}");
    engine.shutdown().await;
}

#[tokio::test]
async fn retries_stop_after_five_with_growing_waits() {
    let server = TestServer::anonymous().await;
    // Every data connection is cut: the file can never arrive.
    let proxy = faulty(server.addr(), Some(10_000), 0, 0).await;
    std::fs::write(server.path("never.bin"), content(7, 200_000)).expect("write");
    let local_dir = tempfile::tempdir().expect("tempdir");
    let cfg = TransferConfig {
        backoff_base: Duration::from_millis(50),
        ..config()
    };
    let mut engine = engine_at(proxy.addr.port(), cfg);
    let mut retries = Vec::new();
    let started = Instant::now();
    let r = engine
        .batch(
            request(
                1,
                vec![item(remote("/never.bin"), false)],
                local(local_dir.path()),
                OnExisting::Ask,
            ),
            |ev| {
                if let Event::TransferState {
                    state: TransferState::Retrying { attempt, .. },
                    ..
                } = ev
                {
                    retries.push(*attempt);
                }
                vec![]
            },
        )
        .await;
    assert_eq!(r.failed, 1, "{r:?}");
    assert_eq!(retries, [1, 2, 3, 4, 5]);
    // 50 + 100 + 200 + 400 + 800 ms of backoff at least.
    assert!(
        started.elapsed() >= Duration::from_millis(1550),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        proxy
            .data_connections
            .load(std::sync::atomic::Ordering::SeqCst),
        6
    );
    assert!(
        !local_dir.path().join("never.bin").exists(),
        "a failed download must not create the target"
    );
    engine.shutdown().await;
}

#[tokio::test]
async fn a_permanent_error_fails_at_once() {
    let mut s = setup().await;
    let r = s
        .engine
        .copy(
            1,
            item(remote("/missing.bin"), false),
            local(s.local.path()),
            OnExisting::Ask,
        )
        .await;
    assert_eq!(r.failed, 1);
    match r.states.values().next() {
        Some(TransferState::Failed(why)) => assert_eq!(
            (why.kind, why.code),
            (FailureKind::NotFound, Some(550)),
            "{why:?}"
        ),
        other => panic!("{other:?}"),
    }
    s.engine.shutdown().await;
}

#[tokio::test]
async fn cancel_leaves_an_existing_target_untouched() {
    let server = TestServer::anonymous().await;
    // Slow enough (1 MB/s) to cancel halfway through 4 MB.
    let proxy = faulty(server.addr(), None, 0, 1_000_000).await;
    std::fs::write(server.path("slow.bin"), content(8, 4_000_000)).expect("write");
    let local_dir = tempfile::tempdir().expect("tempdir");
    let target = local_dir.path().join("slow.bin");
    std::fs::write(&target, b"precious").expect("write");
    let mut engine = engine_at(proxy.addr.port(), config());
    let r = engine
        .batch(
            request(
                1,
                vec![item(remote("/slow.bin"), false)],
                local(local_dir.path()),
                OnExisting::Overwrite,
            ),
            |ev| match ev {
                Event::TransferProgress { id, done, .. } if *done > 500_000 => {
                    vec![Command::CancelTransfer(*id)]
                }
                _ => vec![],
            },
        )
        .await;
    assert_eq!(r.cancelled, 1, "{r:?}");
    assert_eq!(std::fs::read(&target).expect("read"), b"precious");
    let names: Vec<_> = std::fs::read_dir(local_dir.path())
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(names.len(), 1, "a partial file was left behind: {names:?}");
    engine.shutdown().await;
}

#[tokio::test]
async fn a_hostile_listing_writes_nothing_outside_the_target() {
    let listing = [
        "-rw-r--r-- 1 0 0 5 Jan 02  2024 ../escape.txt",
        "-rw-r--r-- 1 0 0 5 Jan 02  2024 /abs.txt",
        "-rw-r--r-- 1 0 0 5 Jan 02  2024 a/../../b.txt",
        "-rw-r--r-- 1 0 0 5 Jan 02  2024 ..\\win.txt",
        "-rw-r--r-- 1 0 0 5 Jan 02  2024 ok.txt",
        "-rw-r--r-- 1 0 0 5 Jan 02  2024 esc\x1b[2Jname.txt",
    ]
    .join("\r\n");
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        listing: listing.into_bytes(),
        file_content: Some(b"hello".to_vec()),
        ..fake_ftp::Script::default()
    })
    .await;
    let outer = tempfile::tempdir().expect("tempdir");
    let target = outer.path().join("target");
    std::fs::create_dir(&target).expect("mkdir");
    let mut engine = engine_at(server.addr.port(), config());
    let r = engine
        .copy(
            1,
            item(remote("/evil"), true),
            local(&target),
            OnExisting::Ask,
        )
        .await;
    assert_eq!(r.done, 2, "{r:?}");
    assert_eq!(
        r.skipped_while_walking.len(),
        4,
        "{:?}",
        r.skipped_while_walking
    );
    // Only the target folder exists next to it; inside, only the two safe files.
    let outside: Vec<_> = std::fs::read_dir(outer.path())
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(outside, [std::ffi::OsString::from("target")]);
    let mut inside: Vec<String> = tree_hashes(&target).into_keys().collect();
    inside.sort();
    assert_eq!(inside, ["evil/esc\x1b[2Jname.txt", "evil/ok.txt"]);
    engine.shutdown().await;
}

#[tokio::test]
async fn move_deletes_each_source_once_its_copy_is_complete() {
    let mut s = setup().await;
    let src = s.server.path("outbox");
    make_tree(&src, 12);
    let want = tree_hashes(&src);
    let mut req = request(
        1,
        vec![item(remote("/outbox"), true)],
        local(s.local.path()),
        OnExisting::Ask,
    );
    req.move_after = true;
    let r = s.engine.batch(req, no_answers).await;
    assert_eq!((r.done, r.failed), (12, 0), "{r:?}");
    assert_eq!(tree_hashes(&s.local.path().join("outbox")), want);
    // The emptied remote folders are gone before the batch reports done.
    assert!(!src.exists(), "the remote source folder is still there");

    // Upload-move: the local files and folders go.
    let mut req = request(
        2,
        vec![item(local(s.local.path().join("outbox")), true)],
        remote("/"),
        OnExisting::Ask,
    );
    req.move_after = true;
    let r = s.engine.batch(req, no_answers).await;
    assert_eq!((r.done, r.failed), (12, 0), "{r:?}");
    assert_eq!(tree_hashes(&src), want);
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.local.path().join("outbox").exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !s.local.path().join("outbox").exists(),
        "the local source folder is still there"
    );
    s.engine.shutdown().await;
}

#[tokio::test]
async fn a_move_keeps_the_source_when_the_copy_failed() {
    let mut s = setup().await;
    std::fs::write(s.local.path().join("keep.txt"), b"keep me").expect("write");
    // A folder of that name is in the way on the server: the upload
    // fails (a missing target folder would be made).
    std::fs::create_dir(s.server.path("keep.txt")).expect("mkdir");
    let mut req = request(
        1,
        vec![item(local(s.local.path().join("keep.txt")), false)],
        remote("/"),
        OnExisting::Overwrite,
    );
    req.move_after = true;
    let r = s.engine.batch(req, no_answers).await;
    assert_eq!(r.failed, 1, "{r:?}");
    assert_eq!(
        std::fs::read(s.local.path().join("keep.txt")).expect("read"),
        b"keep me"
    );
    s.engine.shutdown().await;
}

#[tokio::test]
async fn after_connecting_elsewhere_no_job_goes_to_the_old_server() {
    // Server A: its workers stay logged in (idle) after a download.
    let mut s = setup().await;
    std::fs::write(s.server.path("a.txt"), b"from a").expect("write");
    let r = s
        .engine
        .copy(
            1,
            item(remote("/a.txt"), false),
            local(s.local.path()),
            OnExisting::Ask,
        )
        .await;
    assert_eq!(r.done, 1, "{r:?}");

    // Server B has a file A does not.
    let server_b = TestServer::anonymous().await;
    std::fs::write(server_b.path("b.txt"), b"from b").expect("write");
    s.engine
        .start_connect(1, profile(server_b.port(), None, DataMode::Passive));
    let r = s
        .engine
        .copy(
            2,
            item(remote("/b.txt"), false),
            local(s.local.path()),
            OnExisting::Ask,
        )
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    assert_eq!(
        std::fs::read(s.local.path().join("b.txt")).expect("read"),
        b"from b"
    );
    s.engine.shutdown().await;
}

#[tokio::test]
async fn files_queued_for_a_server_the_user_left_never_run_against_the_new_one() {
    // Server A (slow, one connection) and server B hold files of the same names.
    let (a, b) = (TestServer::anonymous().await, TestServer::anonymous().await);
    for i in 0..4 {
        let name = format!("f{i}.bin");
        std::fs::write(a.path(&name), content(i, 300_000)).expect("write");
        std::fs::write(b.path(&name), b"from the wrong server").expect("write");
    }
    let slow = faulty(a.addr(), None, 0, 1_000_000).await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(
        slow.addr.port(),
        TransferConfig {
            connections: 1,
            ..config()
        },
    );
    let items = (0..4)
        .map(|i| item(remote(&format!("/f{i}.bin")), false))
        .collect();
    let to_b = profile(b.port(), None, DataMode::Passive);
    let mut switched = false;
    let r = engine
        .batch(
            request(1, items, local(local_dir.path()), OnExisting::Ask),
            |ev| match ev {
                // As soon as the first file is under way, the user connects elsewhere.
                Event::TransferProgress { done, .. } if *done > 0 && !switched => {
                    switched = true;
                    vec![Command::Connect {
                        conn: ConnId(2),
                        profile: to_b.clone(),
                    }]
                }
                _ => vec![],
            },
        )
        .await;
    assert!(switched);
    assert_eq!(r.failed, 3, "{r:?}");
    // The three failed without a worker ever trying them: failed because
    // their server was left (no connection for them), not after a try.
    let failures = r.failures();
    assert_eq!(failures.len(), 3, "{r:?}");
    for (name, why) in failures {
        assert_eq!(why.kind, FailureKind::NotConnected, "{name}: {why:?}");
        assert!(!r.was_tried(name), "{name} was tried: {r:?}");
    }
    // Only the file under way when the user left was ever tried.
    let tried: Vec<&String> = r.states.keys().filter(|n| r.was_tried(n)).collect();
    assert_eq!(tried.len(), 1, "{r:?}");
    // Whatever arrived came from A.
    for i in 0..4 {
        let p = local_dir.path().join(format!("f{i}.bin"));
        if p.exists() {
            assert_eq!(
                sha(&p),
                sha(&a.path(format!("f{i}.bin"))),
                "f{i} came from the wrong server"
            );
        }
    }
    engine.shutdown().await;
}

/// Files as the UI sends them from a listing (size and time known: no
/// planning connection).
fn listed_files(n: usize, size: u64) -> Vec<TransferItem> {
    (1..=n)
        .map(|i| TransferItem {
            size: Some(size),
            modified: chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
                .and_then(|d| d.and_hms_opt(3, 4, 5))
                .map(|t| ModTime::utc(t, Precision::Second)),
            ..item(remote(&format!("/f{i}.bin")), false)
        })
        .collect()
}

/// Collects the protocol log's notes while a batch runs.
fn notes_into(notes: &std::sync::Mutex<Vec<String>>) -> impl FnMut(&Event) -> Vec<Command> + '_ {
    move |ev| {
        if let Event::Wire { text, .. } = ev
            && let Ok(mut n) = notes.lock()
        {
            n.push(text.clone());
        }
        Vec::new()
    }
}

#[tokio::test]
async fn a_server_at_its_connection_limit_gets_no_more_and_every_file_arrives() {
    // Three at once: the browse connection and two transfer connections.
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        file_content: Some(b"hello".to_vec()),
        max_connections: Some(3),
        ..fake_ftp::Script::default()
    })
    .await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(server.addr.port(), config());
    let notes = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    let req = request(
        1,
        listed_files(12, 5),
        local(local_dir.path()),
        OnExisting::Overwrite,
    );
    let r = engine.batch(req, notes_into(&notes)).await;
    assert_eq!((r.done, r.failed), (12, 0), "{r:?}");
    for i in 1..=12 {
        let got = std::fs::read(local_dir.path().join(format!("f{i}.bin"))).expect("file");
        assert_eq!(got, b"hello");
    }
    // No backoff rounds: the refusals only set the pool's size.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let notes = notes.lock().expect("lock").clone();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("takes no more connections")),
        "{notes:?}"
    );
    engine.shutdown().await;
}

#[tokio::test]
async fn files_fail_with_the_reason_when_no_transfer_connection_gets_in() {
    // Only the browse connection fits: every transfer login is refused.
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        file_content: Some(b"hello".to_vec()),
        max_connections: Some(1),
        ..fake_ftp::Script::default()
    })
    .await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(server.addr.port(), config());
    let req = request(
        1,
        listed_files(6, 5),
        local(local_dir.path()),
        OnExisting::Overwrite,
    );
    let r = engine.batch(req, no_answers).await;
    assert_eq!((r.done, r.failed), (0, 6), "{r:?}");
    assert_eq!(r.failures().len(), 6, "{r:?}");
    for (name, why) in r.failures() {
        // Refused as the server refused the logins: its 421 greeting.
        assert_eq!(
            (why.kind, why.code),
            (FailureKind::Refused, Some(421)),
            "{name}: {why:?}"
        );
        // Failed by the pool, untried: no file held a connection attempt
        // of its own.
        assert!(!r.was_tried(name), "{name} was tried: {r:?}");
    }
    // Nothing was created.
    assert_eq!(std::fs::read_dir(local_dir.path()).expect("ls").count(), 0);
    engine.shutdown().await;
}

#[tokio::test]
async fn folders_are_planned_on_a_transfer_connection_when_the_server_is_full() {
    // Room for the browse connection and one more: planning and the
    // transfer connections must share that one.
    let listing = (1..=5)
        .map(|i| format!("-rw-r--r-- 1 0 0 5 Jan 02  2024 f{i}.bin"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        listing: listing.into_bytes(),
        file_content: Some(b"hello".to_vec()),
        max_connections: Some(2),
        ..fake_ftp::Script::default()
    })
    .await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(server.addr.port(), config());
    for (batch, target) in [(1, "first"), (2, "second")] {
        let dir = local_dir.path().join(target);
        std::fs::create_dir(&dir).expect("mkdir");
        let req = request(
            batch,
            vec![item(remote("/pub"), true)],
            local(&dir),
            OnExisting::Overwrite,
        );
        let r = engine.batch(req, no_answers).await;
        assert_eq!((r.done, r.failed), (5, 0), "batch {batch}: {r:?}");
        for i in 1..=5 {
            let got = std::fs::read(dir.join(format!("pub/f{i}.bin"))).expect("file");
            assert_eq!(got, b"hello");
        }
    }
    engine.shutdown().await;
}

/// A slow server sends a burst and then nothing for a while: the bytes of
/// the burst are shown while it waits, not only when the next ones come
/// (the queue showed 80 % with 99.5 % of the file arrived).
#[tokio::test]
async fn progress_keeps_up_with_the_bytes_while_a_slow_server_pauses() {
    let content: Vec<u8> = (0..4000u32).map(|i| i as u8).collect();
    let ms = Duration::from_millis;
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        file_content: Some(content.clone()),
        // 1000 bytes in three reads within 100 ms, then a 2 s pause.
        file_pieces: vec![(300, ms(0)), (300, ms(30)), (400, ms(30)), (0, ms(2000))],
        ..fake_ftp::Script::default()
    })
    .await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_at(server.addr.port(), config());
    let seen = std::sync::Mutex::new(Vec::new());
    let req = request(
        1,
        listed_files(1, content.len() as u64),
        local(local_dir.path()),
        OnExisting::Overwrite,
    );
    let r = engine
        .batch(req, |ev| {
            if let Event::TransferProgress { done, rate, .. } = ev
                && let Ok(mut s) = seen.lock()
            {
                s.push((Instant::now(), *done, *rate));
            }
            Vec::new()
        })
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    let seen = seen.lock().expect("lock").clone();
    let at = |bytes: u64| {
        seen.iter()
            .find(|(_, done, _)| *done >= bytes)
            .map(|(t, _, _)| *t)
            .unwrap_or_else(|| panic!("{bytes} never shown: {seen:?}"))
    };
    let (burst, end) = (at(1000), at(4000));
    assert!(
        end.duration_since(burst) > Duration::from_millis(1500),
        "the first 1000 bytes were shown only {:?} before the rest: {seen:?}",
        end.duration_since(burst)
    );
    // While nothing arrives, the rate falls: the ETA is not drawn from a
    // speed the server no longer has.
    let stalled: Vec<u64> = seen
        .iter()
        .filter(|(t, done, _)| *done == 1000 && t.duration_since(burst) > ms(1500))
        .map(|(_, _, rate)| *rate)
        .collect();
    let at_burst = seen
        .iter()
        .find(|(_, done, _)| *done >= 1000)
        .map_or(0, |(_, _, rate)| *rate);
    assert!(
        !stalled.is_empty() && stalled.iter().all(|&r| r < at_burst),
        "the rate during the pause: {stalled:?}, after the burst: {at_burst}"
    );
    engine.shutdown().await;
}

/// A downloaded file that replaces a local one keeps that one's mode (it
/// is written under a temporary name, which gets the default mode).
#[tokio::test]
async fn a_download_that_replaces_a_file_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let mut s = setup().await;
    std::fs::write(s.server.path("run.sh"), b"#!/bin/sh\necho new\n").expect("write");
    let target = s.local.path().join("run.sh");
    std::fs::write(&target, b"#!/bin/sh\necho old\n").expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o750)).expect("chmod");
    let r = s
        .engine
        .copy(
            1,
            item(remote("/run.sh"), false),
            local(s.local.path()),
            OnExisting::Overwrite,
        )
        .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    assert_eq!(
        std::fs::read(&target).expect("read"),
        b"#!/bin/sh\necho new\n"
    );
    let mode = std::fs::metadata(&target)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o750, "{mode:o}");
    s.engine.shutdown().await;
}

/// Two local scripts uploaded over remote ones whose listing shows their
/// modes, to a scripted server answering SITE with `site` (None: 502).
async fn upload_over_scripts(
    site: Option<&str>,
) -> (fake_ftp::FakeServer, events::BatchResult, Vec<String>) {
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        listing: b"-rwxr-xr-x 1 u g 5 Jan 02 2024 run.cgi\r\n\
                   -rwxr-x--- 1 u g 5 Jan 02 2024 two.cgi\r\n"
            .to_vec(),
        override_reply: site.map(|r| ("SITE".to_string(), r.to_string())),
        ..fake_ftp::Script::default()
    })
    .await;
    // One transfer connection: the files go one after the other.
    let mut engine = Engine::new(spawn_with(TransferConfig {
        connections: 1,
        ..config()
    }));
    engine.start_connect(1, server.profile(Duration::from_secs(5)));
    let local_dir = tempfile::tempdir().expect("tempdir");
    let items = ["run.cgi", "two.cgi"].map(|name| {
        let path = local_dir.path().join(name);
        std::fs::write(&path, b"#!/bin/sh\n").expect("write");
        item(local(&path), false)
    });
    let notes = std::sync::Mutex::new(Vec::new());
    let r = engine
        .batch(
            request(1, items.to_vec(), remote("/"), OnExisting::Overwrite),
            notes_into(&notes),
        )
        .await;
    engine.shutdown().await;
    let notes = notes.into_inner().unwrap_or_default();
    (server, r, notes)
}

#[tokio::test]
async fn an_upload_that_replaces_a_file_gives_it_the_old_mode_with_site_chmod() {
    let (server, r, _) = upload_over_scripts(Some("200 SITE CHMOD command ok.")).await;
    assert_eq!((r.done, r.failed), (2, 0), "{r:?}");
    assert_eq!(r.states.get("run.cgi"), Some(&TransferState::Done), "{r:?}");
    let commands = server
        .commands
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default();
    let at = |line: &str| {
        commands
            .iter()
            .position(|c| c == line)
            .unwrap_or_else(|| panic!("no {line:?} in {commands:#?}"))
    };
    assert!(at("RNTO /run.cgi") < at("SITE CHMOD 755 /run.cgi"));
    assert!(at("RNTO /two.cgi") < at("SITE CHMOD 750 /two.cgi"));
}

#[tokio::test]
async fn a_server_without_site_chmod_is_said_once_and_the_files_still_arrive() {
    let (server, r, notes) = upload_over_scripts(None).await;
    assert_eq!((r.done, r.failed), (2, 0), "{r:?}");
    for name in ["run.cgi", "two.cgi"] {
        assert!(
            matches!(r.states.get(name), Some(TransferState::DoneWithNote(n)) if n.contains("no SITE CHMOD")),
            "{name}: {r:?}"
        );
    }
    let said: Vec<&String> = notes
        .iter()
        .filter(|n| n.contains("the server has no SITE CHMOD"))
        .collect();
    assert_eq!(said.len(), 1, "{notes:#?}");
    assert!(said[0].contains("/run.cgi kept the server's default mode"));
    let commands = server
        .commands
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default();
    let asked = commands.iter().filter(|c| c.starts_with("SITE")).count();
    assert_eq!(asked, 1, "not asked again: {commands:#?}");
}

/// An engine that keeps its unfinished transfers in `saved`.
fn engine_saving(port: u16, saved: &std::path::Path) -> Engine {
    let engine = Engine::new(wharf::engine::spawn_configured(
        wharf::engine::EngineConfig {
            transfer: config(),
            saved_queue: Some(saved.to_path_buf()),
            ..wharf::engine::EngineConfig::default()
        },
    ));
    engine.start_connect(1, profile(port, None, DataMode::Passive));
    engine
}

/// Stopping the engine (quit, SIGTERM) with a download half done keeps
/// the file in the saved queue, private, and its partial file on disk.
#[tokio::test]
async fn stopping_with_a_download_running_saves_it_and_keeps_its_partial_file() {
    use std::os::unix::fs::PermissionsExt;
    use wharf::engine::transfer::saved;
    let content: Vec<u8> = (0..4000u32).map(|i| i as u8).collect();
    let server = fake_ftp::FakeServer::start(fake_ftp::Script {
        file_content: Some(content.clone()),
        // 1000 bytes, then the server takes its time.
        file_pieces: vec![(1000, Duration::ZERO), (0, Duration::from_secs(30))],
        ..fake_ftp::Script::default()
    })
    .await;
    let local_dir = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    let saved_at = data.path().join(saved::FILE_NAME);
    let mut engine = engine_saving(server.addr.port(), &saved_at);
    engine.send(Command::Transfer(request(
        1,
        listed_files(1, content.len() as u64),
        local(local_dir.path()),
        OnExisting::Overwrite,
    )));
    engine
        .wait_for(Duration::from_secs(20), |ev| match ev {
            Event::TransferProgress { done: 1000, .. } => Some(()),
            _ => None,
        })
        .await;
    engine.shutdown().await;
    let part = local_dir.path().join(".f1.bin.wharf-part");
    assert_eq!(std::fs::metadata(&part).map(|m| m.len()).ok(), Some(1000));
    let mode = std::fs::metadata(&saved_at)
        .expect("saved")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let server_key = format!("anonymous@127.0.0.1:{}", server.addr.port());
    let kept = saved::take(&saved_at, &server_key).expect("read");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].local_path(), local_dir.path().join("f1.bin"));
    assert_eq!(kept[0].size, Some(4000));
}

/// Connecting to a server with saved transfers offers them; resumed, a
/// download continues its partial file (REST) to the whole file, and the
/// saved queue forgets it.
#[tokio::test]
async fn saved_transfers_are_offered_on_connecting_and_resume_their_partial_files() {
    use wharf::engine::protocol::{BatchId, Direction};
    use wharf::engine::transfer::saved::{self, SavedJob};
    let server = TestServer::start(None, true).await;
    let data = content(7, 600_000);
    std::fs::write(server.root.path().join("big.bin"), &data).expect("write");
    let local_dir = tempfile::tempdir().expect("tempdir");
    let target = local_dir.path().join("big.bin");
    std::fs::write(
        local_dir.path().join(".big.bin.wharf-part"),
        &data[..250_000],
    )
    .expect("part");
    let store = tempfile::tempdir().expect("tempdir");
    let saved_at = store.path().join(saved::FILE_NAME);
    let server_key = format!("anonymous@127.0.0.1:{}", server.port());
    let job = SavedJob {
        server: server_key.clone(),
        upload: false,
        remote: "%2Fbig%2Ebin".into(),
        local: target
            .to_str()
            .expect("utf-8")
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect(),
        display: "big.bin".into(),
        size: Some(data.len() as u64),
        move_after: false,
        verify: false,
    };
    assert_eq!(job.direction(), Direction::Download);
    saved::add(&saved_at, vec![job]).expect("save");
    let mut engine = engine_saving(server.port(), &saved_at);
    let offered = engine
        .wait_for(Duration::from_secs(20), |ev| match ev {
            Event::SavedTransfers {
                server,
                files,
                bytes,
            } => Some((server, files, bytes)),
            _ => None,
        })
        .await;
    assert_eq!(offered, (server_key.clone(), 1, data.len() as u64));
    engine.send(Command::ResumeSaved { batch: BatchId(77) });
    let done = engine
        .wait_for(Duration::from_secs(30), |ev| match ev {
            Event::BatchDone {
                batch: BatchId(77),
                done,
                failed,
                ..
            } => Some((done, failed)),
            _ => None,
        })
        .await;
    assert_eq!(done, (1, 0));
    assert_eq!(sha(&target), tree::sha_bytes(&data));
    assert!(
        engine.wire.iter().any(|(_, l)| l.contains("REST 250000")),
        "the partial file was continued"
    );
    assert_eq!(saved::count(&saved_at, &server_key).expect("read"), (0, 0));
    engine.shutdown().await;
}
