//! Transfers through the engine against a real in-process FTP server
//! (libunftp), compared by SHA-256: single files, a nested tree both ways,
//! every existing-target choice, resume after a cut, cancel, retries, and a
//! hostile listing that must not write outside the target.

#[path = "common/cut_proxy.rs"]
mod cut_proxy;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;
#[path = "common/tree.rs"]
mod tree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tree::{content, make_tree, sha, tree_hashes};
use wharf::engine::protocol::{
    BatchId, Command, ConnId, ConnectProfile, DataMode, Direction, Event, OnExisting, Timeouts,
    TransferItem, TransferRequest, TransferState,
};
use wharf::engine::transfer::TransferConfig;
use wharf::engine::{EngineHandle, spawn_with};
use wharf::server::{EmbeddedServer, ServerOptions};

const WAIT: Duration = Duration::from_secs(60);

/// A fresh anonymous server over a temporary folder.
async fn plain_server() -> (tempfile::TempDir, EmbeddedServer) {
    let root = tempfile::tempdir().expect("tempdir");
    let server = EmbeddedServer::start(ServerOptions {
        root: root.path().to_path_buf(),
        credentials: None,
        allow_active: false,
    })
    .await
    .expect("server");
    (root, server)
}

/// A proxy with `faults` in front of `server`'s passive data connections.
async fn faulty(
    server: &EmbeddedServer,
    cut_after: Option<u64>,
    cut_first: usize,
    rate: u64,
) -> cut_proxy::CutProxy {
    cut_proxy::CutProxy::start(
        server.addr(),
        cut_proxy::Faults {
            cut_after,
            cut_first,
            rate,
        },
    )
    .await
}

struct Setup {
    server: EmbeddedServer,
    remote_root: tempfile::TempDir,
    local: tempfile::TempDir,
    engine: EngineHandle,
}

fn config() -> TransferConfig {
    TransferConfig {
        connections: 4,
        retries: 5,
        backoff_base: Duration::from_millis(20),
        idle_close: Duration::from_secs(5),
    }
}

async fn setup_with(config: TransferConfig, via: Option<std::net::SocketAddr>) -> Setup {
    let remote_root = tempfile::tempdir().expect("tempdir");
    let local = tempfile::tempdir().expect("tempdir");
    let server = EmbeddedServer::start(ServerOptions {
        root: remote_root.path().to_path_buf(),
        credentials: None,
        allow_active: true,
    })
    .await
    .expect("server");
    let engine = spawn_with(config);
    let port = via.map_or(server.addr().port(), |a| a.port());
    let s = Setup {
        server,
        remote_root,
        local,
        engine,
    };
    connect(&s.engine, port, DataMode::Passive);
    s
}

async fn setup() -> Setup {
    setup_with(config(), None).await
}

fn connect(engine: &EngineHandle, port: u16, mode: DataMode) {
    let profile = ConnectProfile {
        host: "127.0.0.1".into(),
        port,
        user: None,
        password: None,
        path: None,
        mode,
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            reply: Duration::from_secs(10),
        },
    };
    engine
        .commands
        .send(Command::Connect {
            conn: ConnId(1),
            profile,
        })
        .expect("send");
}

fn item(source: impl Into<PathBuf>, is_dir: bool) -> TransferItem {
    let source = source.into();
    let target_name = source
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    TransferItem {
        source,
        is_dir,
        size: None,
        modified: None,
        target_name,
    }
}

#[derive(Debug, Default)]
struct BatchResult {
    done: usize,
    failed: usize,
    skipped: usize,
    cancelled: usize,
    /// Final state per transfer name.
    states: BTreeMap<String, TransferState>,
    skipped_while_walking: Vec<String>,
    conflicts: usize,
}

/// Sends a request and follows it to BatchDone. `on_event` may answer
/// events (conflicts, cancels) with commands.
async fn run(
    e: &mut EngineHandle,
    req: TransferRequest,
    mut on_event: impl FnMut(&Event) -> Vec<Command>,
) -> BatchResult {
    let batch = req.batch;
    e.commands.send(Command::Transfer(req)).expect("send");
    let mut names = BTreeMap::new();
    let mut result = BatchResult::default();
    tokio::time::timeout(WAIT, async {
        loop {
            let ev = e.events.recv().await.expect("engine stopped");
            for c in on_event(&ev) {
                e.commands.send(c).expect("send");
            }
            match ev {
                Event::TransferQueued { id, name, .. } => {
                    names.insert(id, name);
                }
                Event::TransferState { id, state } => {
                    if let Some(n) = names.get(&id) {
                        result.states.insert(n.clone(), state);
                    }
                }
                Event::Conflict { .. } => result.conflicts += 1,
                Event::BatchQueued { skipped, .. } => result.skipped_while_walking = skipped,
                Event::BatchFailed { batch: b, error } if b == batch => {
                    panic!("batch failed: {error}")
                }
                Event::BatchDone {
                    batch: b,
                    done,
                    failed,
                    skipped,
                    cancelled,
                } if b == batch => {
                    result.done = done;
                    result.failed = failed;
                    result.skipped = skipped;
                    result.cancelled = cancelled;
                    return;
                }
                _ => {}
            }
        }
    })
    .await
    .expect("the batch did not finish in time");
    result
}

fn request(
    batch: u64,
    direction: Direction,
    items: Vec<TransferItem>,
    target: &Path,
    on_existing: OnExisting,
) -> TransferRequest {
    TransferRequest {
        batch: BatchId(batch),
        direction,
        items,
        target_dir: target.to_path_buf(),
        on_existing,
        move_after: false,
    }
}

fn no_answers(_: &Event) -> Vec<Command> {
    Vec::new()
}

#[tokio::test]
async fn download_and_upload_a_single_file() {
    let mut s = setup().await;
    let data = content(1, 3 * 1024 * 1024 + 17);
    std::fs::write(s.remote_root.path().join("big file.bin"), &data).expect("write");
    let r = run(
        &mut s.engine,
        request(
            1,
            Direction::Download,
            vec![item("/big file.bin", false)],
            s.local.path(),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    let got = s.local.path().join("big file.bin");
    assert_eq!(sha(&got), sha(&s.remote_root.path().join("big file.bin")));
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(s.local.path()).expect("ls").count(), 1);

    std::fs::write(s.local.path().join("up.bin"), content(2, 100_000)).expect("write");
    let r = run(
        &mut s.engine,
        request(
            2,
            Direction::Upload,
            vec![item(s.local.path().join("up.bin"), false)],
            Path::new("/"),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    assert_eq!(
        sha(&s.remote_root.path().join("up.bin")),
        sha(&s.local.path().join("up.bin"))
    );
    s.engine.shutdown().await;
}

async fn tree_round_trip(mode: DataMode) {
    let mut s = setup().await;
    if mode == DataMode::Active {
        connect(&s.engine, s.server.addr().port(), DataMode::Active);
    }
    let src = s.remote_root.path().join("tree");
    make_tree(&src, 210);
    let want = tree_hashes(&src);
    let r = run(
        &mut s.engine,
        request(
            1,
            Direction::Download,
            vec![item("/tree", true)],
            s.local.path(),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!((r.done, r.failed), (210, 0), "{r:?}");
    assert_eq!(tree_hashes(&s.local.path().join("tree")), want);

    // And back up under another name.
    std::fs::rename(s.local.path().join("tree"), s.local.path().join("copy")).expect("rename");
    let r = run(
        &mut s.engine,
        request(
            2,
            Direction::Upload,
            vec![item(s.local.path().join("copy"), true)],
            Path::new("/"),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!((r.done, r.failed), (210, 0), "{r:?}");
    assert_eq!(tree_hashes(&s.remote_root.path().join("copy")), want);
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
    std::fs::write(s.remote_root.path().join("f.txt"), b"new remote content").expect("write");
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
            Direction::Download,
            vec![item("/f.txt", false)],
            s.local.path(),
            policy,
        )
    };
    let r = run(&mut s.engine, dl(1, OnExisting::Skip), no_answers).await;
    assert_eq!(r.skipped, 1);
    assert_eq!(std::fs::read(&target).expect("read"), b"old local");

    let r = run(&mut s.engine, dl(2, OnExisting::Rename), no_answers).await;
    assert_eq!(r.done, 1);
    assert_eq!(
        std::fs::read(s.local.path().join("f (1).txt")).expect("read"),
        b"new remote content"
    );
    assert_eq!(std::fs::read(&target).expect("read"), b"old local");

    let r = run(
        &mut s.engine,
        dl(3, OnExisting::OverwriteIfNewer),
        no_answers,
    )
    .await;
    assert_eq!(r.done, 1, "the remote file is newer: {r:?}");
    assert_eq!(std::fs::read(&target).expect("read"), b"new remote content");

    // Now the local copy is as new: "if newer" skips.
    let r = run(
        &mut s.engine,
        dl(4, OnExisting::OverwriteIfNewer),
        no_answers,
    )
    .await;
    assert_eq!(r.skipped, 1, "{r:?}");

    std::fs::write(&target, b"x").expect("write");
    let r = run(&mut s.engine, dl(5, OnExisting::Overwrite), no_answers).await;
    assert_eq!(r.done, 1);
    assert_eq!(std::fs::read(&target).expect("read"), b"new remote content");
    s.engine.shutdown().await;
}

#[tokio::test]
async fn resume_continues_a_partial_target() {
    let mut s = setup().await;
    let data = content(9, 1_000_000);
    std::fs::write(s.remote_root.path().join("r.bin"), &data).expect("write");
    let target = s.local.path().join("r.bin");
    std::fs::write(&target, &data[..400_000]).expect("write");
    let r = run(
        &mut s.engine,
        request(
            1,
            Direction::Download,
            vec![item("/r.bin", false)],
            s.local.path(),
            OnExisting::Resume,
        ),
        no_answers,
    )
    .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(sha(&target), sha(&s.remote_root.path().join("r.bin")));

    // Upload side: the server holds the first part.
    let up = s.local.path().join("u.bin");
    std::fs::write(&up, &data).expect("write");
    std::fs::write(s.remote_root.path().join("u.bin"), &data[..123_457]).expect("write");
    let r = run(
        &mut s.engine,
        request(
            2,
            Direction::Upload,
            vec![item(&up, false)],
            Path::new("/"),
            OnExisting::Resume,
        ),
        no_answers,
    )
    .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(sha(&s.remote_root.path().join("u.bin")), sha(&up));
    s.engine.shutdown().await;
}

#[tokio::test]
async fn ask_applies_the_answer_and_for_all_answers_the_rest() {
    let mut s = setup().await;
    for i in 0..3 {
        std::fs::write(s.remote_root.path().join(format!("c{i}.txt")), b"remote").expect("write");
        std::fs::write(s.local.path().join(format!("c{i}.txt")), b"local").expect("write");
    }
    let items = (0..3).map(|i| item(format!("/c{i}.txt"), false)).collect();
    let r = run(
        &mut s.engine,
        request(
            1,
            Direction::Download,
            items,
            s.local.path(),
            OnExisting::Ask,
        ),
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
    let (remote_root, server) = plain_server().await;
    let proxy = faulty(&server, Some(300_000), 3, 0).await;
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = spawn_with(config());
    connect(&engine, proxy.addr.port(), DataMode::Passive);
    let data = content(5, 1_000_000);
    std::fs::write(remote_root.path().join("cut.bin"), &data).expect("write");
    let r = run(
        &mut engine,
        request(
            1,
            Direction::Download,
            vec![item("/cut.bin", false)],
            local.path(),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(
        sha(&local.path().join("cut.bin")),
        sha(&remote_root.path().join("cut.bin"))
    );
    let after_download = proxy
        .data_connections
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        after_download >= 4,
        "expected resumed attempts, saw {after_download} data connections"
    );

    let up = local.path().join("up-cut.bin");
    std::fs::write(&up, content(6, 900_000)).expect("write");
    let proxy2 = faulty(&server, Some(250_000), 2, 0).await;
    connect(&engine, proxy2.addr.port(), DataMode::Passive);
    let r = run(
        &mut engine,
        request(
            2,
            Direction::Upload,
            vec![item(&up, false)],
            Path::new("/"),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!(r.done, 1, "{r:?}");
    assert_eq!(sha(&remote_root.path().join("up-cut.bin")), sha(&up));
    engine.shutdown().await;
}

#[tokio::test]
async fn a_retried_download_shows_running_again_once_it_resumes() {
    // The queue once showed "94%  retry 5/5: cannot connect" while the
    // bytes flowed again: after each retry, the file is Running again
    // before any more of it arrives.
    let (remote_root, server) = plain_server().await;
    let proxy = faulty(&server, Some(300_000), 2, 0).await;
    std::fs::write(remote_root.path().join("again.bin"), content(8, 1_000_000)).expect("write");
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = spawn_with(config());
    connect(&engine, proxy.addr.port(), DataMode::Passive);
    let mut seen = Vec::new();
    let r = run(
        &mut engine,
        request(
            1,
            Direction::Download,
            vec![item("/again.bin", false)],
            local.path(),
            OnExisting::Ask,
        ),
        |ev| {
            match ev {
                Event::TransferState { state, .. } => seen.push(format!("{state:?}")),
                Event::TransferProgress { .. } => seen.push("progress".into()),
                _ => {}
            }
            vec![]
        },
    )
    .await;
    assert_eq!(r.done, 1, "{r:?}");
    let retries: Vec<usize> = (0..seen.len())
        .filter(|&i| seen[i].starts_with("Retrying"))
        .collect();
    assert_eq!(retries.len(), 2, "{seen:?}");
    for i in retries {
        let next = seen[i + 1..]
            .iter()
            .find(|s| !s.starts_with("Retrying"))
            .expect("something follows a retry");
        assert_eq!(next, "Running", "after a retry: {seen:?}");
    }
    assert_eq!(seen.last().map(String::as_str), Some("Done"), "{seen:?}");
    engine.shutdown().await;
}

#[tokio::test]
async fn retries_stop_after_five_with_growing_waits() {
    let (remote_root, server) = plain_server().await;
    // Every data connection is cut: the file can never arrive.
    let proxy = faulty(&server, Some(10_000), 0, 0).await;
    std::fs::write(remote_root.path().join("never.bin"), content(7, 200_000)).expect("write");
    let local = tempfile::tempdir().expect("tempdir");
    let cfg = TransferConfig {
        backoff_base: Duration::from_millis(50),
        ..config()
    };
    let mut engine = spawn_with(cfg);
    connect(&engine, proxy.addr.port(), DataMode::Passive);
    let mut retries = Vec::new();
    let started = Instant::now();
    let r = run(
        &mut engine,
        request(
            1,
            Direction::Download,
            vec![item("/never.bin", false)],
            local.path(),
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
        !local.path().join("never.bin").exists(),
        "a failed download must not create the target"
    );
    engine.shutdown().await;
}

#[tokio::test]
async fn a_permanent_error_fails_at_once() {
    let mut s = setup().await;
    let r = run(
        &mut s.engine,
        request(
            1,
            Direction::Download,
            vec![item("/missing.bin", false)],
            s.local.path(),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!(r.failed, 1);
    match r.states.values().next() {
        Some(TransferState::Failed(why)) => assert!(why.contains("550"), "{why}"),
        other => panic!("{other:?}"),
    }
    s.engine.shutdown().await;
}

#[tokio::test]
async fn cancel_leaves_an_existing_target_untouched() {
    let (remote_root, server) = plain_server().await;
    // Slow enough (1 MB/s) to cancel halfway through 4 MB.
    let proxy = faulty(&server, None, 0, 1_000_000).await;
    std::fs::write(remote_root.path().join("slow.bin"), content(8, 4_000_000)).expect("write");
    let local = tempfile::tempdir().expect("tempdir");
    let target = local.path().join("slow.bin");
    std::fs::write(&target, b"precious").expect("write");
    let mut engine = spawn_with(config());
    connect(&engine, proxy.addr.port(), DataMode::Passive);
    let r = run(
        &mut engine,
        request(
            1,
            Direction::Download,
            vec![item("/slow.bin", false)],
            local.path(),
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
    assert_eq!(
        std::fs::read_dir(local.path()).expect("ls").count(),
        1,
        "a partial file was left behind"
    );
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
    let mut engine = spawn_with(config());
    connect(&engine, server.addr.port(), DataMode::Passive);
    let r = run(
        &mut engine,
        request(
            1,
            Direction::Download,
            vec![item("/evil", true)],
            &target,
            OnExisting::Ask,
        ),
        no_answers,
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
    let src = s.remote_root.path().join("outbox");
    make_tree(&src, 12);
    let want = tree_hashes(&src);
    let mut req = request(
        1,
        Direction::Download,
        vec![item("/outbox", true)],
        s.local.path(),
        OnExisting::Ask,
    );
    req.move_after = true;
    let r = run(&mut s.engine, req, no_answers).await;
    assert_eq!((r.done, r.failed), (12, 0), "{r:?}");
    assert_eq!(tree_hashes(&s.local.path().join("outbox")), want);
    // The emptied remote folders are gone before the batch reports done.
    assert!(!src.exists(), "the remote source folder is still there");

    // Upload-move: the local files and folders go.
    let mut req = request(
        2,
        Direction::Upload,
        vec![item(s.local.path().join("outbox"), true)],
        Path::new("/"),
        OnExisting::Ask,
    );
    req.move_after = true;
    let r = run(&mut s.engine, req, no_answers).await;
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
    // The target folder does not exist on the server: the upload fails.
    let mut req = request(
        1,
        Direction::Upload,
        vec![item(s.local.path().join("keep.txt"), false)],
        Path::new("/no/such/folder"),
        OnExisting::Ask,
    );
    req.move_after = true;
    let r = run(&mut s.engine, req, no_answers).await;
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
    std::fs::write(s.remote_root.path().join("a.txt"), b"from a").expect("write");
    let r = run(
        &mut s.engine,
        request(
            1,
            Direction::Download,
            vec![item("/a.txt", false)],
            s.local.path(),
            OnExisting::Ask,
        ),
        no_answers,
    )
    .await;
    assert_eq!(r.done, 1, "{r:?}");

    // Server B has a file A does not.
    let root_b = tempfile::tempdir().expect("tempdir");
    std::fs::write(root_b.path().join("b.txt"), b"from b").expect("write");
    let server_b = EmbeddedServer::start(ServerOptions {
        root: root_b.path().to_path_buf(),
        credentials: None,
        allow_active: false,
    })
    .await
    .expect("server");
    connect(&s.engine, server_b.addr().port(), DataMode::Passive);
    let r = run(
        &mut s.engine,
        request(
            2,
            Direction::Download,
            vec![item("/b.txt", false)],
            s.local.path(),
            OnExisting::Ask,
        ),
        no_answers,
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
    let root_a = tempfile::tempdir().expect("tempdir");
    let root_b = tempfile::tempdir().expect("tempdir");
    for i in 0..4 {
        std::fs::write(root_a.path().join(format!("f{i}.bin")), content(i, 300_000))
            .expect("write");
        std::fs::write(
            root_b.path().join(format!("f{i}.bin")),
            b"from the wrong server",
        )
        .expect("write");
    }
    let start = |root: &Path| {
        EmbeddedServer::start(ServerOptions {
            root: root.to_path_buf(),
            credentials: None,
            allow_active: false,
        })
    };
    let (a, b) = (
        start(root_a.path()).await.expect("a"),
        start(root_b.path()).await.expect("b"),
    );
    let slow = cut_proxy::CutProxy::start(
        a.addr(),
        cut_proxy::Faults {
            cut_after: None,
            cut_first: 0,
            rate: 1_000_000,
        },
    )
    .await;
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = spawn_with(TransferConfig {
        connections: 1,
        ..config()
    });
    connect(&engine, slow.addr.port(), DataMode::Passive);
    let items = (0..4).map(|i| item(format!("/f{i}.bin"), false)).collect();
    let b_port = b.addr().port();
    let mut switched = false;
    let r = run(
        &mut engine,
        request(1, Direction::Download, items, local.path(), OnExisting::Ask),
        |ev| match ev {
            // As soon as the first file is under way, the user connects elsewhere.
            Event::TransferProgress { done, .. } if *done > 0 && !switched => {
                switched = true;
                vec![Command::Connect {
                    conn: ConnId(2),
                    profile: ConnectProfile {
                        host: "127.0.0.1".into(),
                        port: b_port,
                        user: None,
                        password: None,
                        path: None,
                        mode: DataMode::Passive,
                        timeouts: Timeouts::default(),
                    },
                }]
            }
            _ => vec![],
        },
    )
    .await;
    assert!(switched);
    assert_eq!(r.failed, 3, "{r:?}");
    assert!(
        r.states
            .values()
            .filter_map(|s| match s {
                TransferState::Failed(why) => Some(why),
                _ => None,
            })
            .all(|why| why.contains("not started")),
        "{r:?}"
    );
    // Whatever arrived came from A.
    for i in 0..4 {
        let p = local.path().join(format!("f{i}.bin"));
        if p.exists() {
            assert_eq!(
                sha(&p),
                sha(&root_a.path().join(format!("f{i}.bin"))),
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
                .and_then(|d| d.and_hms_opt(3, 4, 5)),
            ..item(format!("/f{i}.bin"), false)
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
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = spawn_with(config());
    connect(&engine, server.addr.port(), DataMode::Passive);
    let notes = std::sync::Mutex::new(Vec::new());
    let started = Instant::now();
    let req = request(
        1,
        Direction::Download,
        listed_files(12, 5),
        local.path(),
        OnExisting::Overwrite,
    );
    let r = run(&mut engine, req, notes_into(&notes)).await;
    assert_eq!((r.done, r.failed), (12, 0), "{r:?}");
    for i in 1..=12 {
        let got = std::fs::read(local.path().join(format!("f{i}.bin"))).expect("file");
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
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = spawn_with(config());
    connect(&engine, server.addr.port(), DataMode::Passive);
    let req = request(
        1,
        Direction::Download,
        listed_files(6, 5),
        local.path(),
        OnExisting::Overwrite,
    );
    let r = run(&mut engine, req, no_answers).await;
    assert_eq!((r.done, r.failed), (0, 6), "{r:?}");
    for state in r.states.values() {
        assert!(
            // Failed by the pool, untried: no file held a connection
            // attempt of its own.
            matches!(state, TransferState::Failed(why)
                if why.starts_with("not started") && why.contains("421")),
            "{state:?}"
        );
    }
    // Nothing was created.
    assert_eq!(std::fs::read_dir(local.path()).expect("ls").count(), 0);
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
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = spawn_with(config());
    connect(&engine, server.addr.port(), DataMode::Passive);
    for (batch, target) in [(1, "first"), (2, "second")] {
        let dir = local.path().join(target);
        std::fs::create_dir(&dir).expect("mkdir");
        let req = request(
            batch,
            Direction::Download,
            vec![item("/pub", true)],
            &dir,
            OnExisting::Overwrite,
        );
        let r = run(&mut engine, req, no_answers).await;
        assert_eq!((r.done, r.failed), (5, 0), "batch {batch}: {r:?}");
        for i in 1..=5 {
            let got = std::fs::read(dir.join(format!("pub/f{i}.bin"))).expect("file");
            assert_eq!(got, b"hello");
        }
    }
    engine.shutdown().await;
}
