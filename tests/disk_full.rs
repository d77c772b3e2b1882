//! Downloads onto a disk that is too small (a 2 MiB tmpfs mounted for each
//! test, so the disk really fills): the batch asks before it starts, a file
//! that fills the disk leaves no partial file, the files after it are not
//! started, and `wharf get` refuses up front. Needs root for the mount
//! (CI runs as root); elsewhere the tests say they skipped.

#[path = "common/events.rs"]
mod events;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::Duration;

use events::Engine;
use server::{TestServer, profile};
use tree::{content, sha};
use values::{item, local, remote, request};
use wharf::engine::protocol::{
    BatchId, Command, DataMode, Event, FailureKind, OnExisting, TransferState,
};
use wharf::engine::spawn_with;
use wharf::engine::transfer::TransferConfig;

const MIB: usize = 1024 * 1024;

/// A tmpfs of 2 MiB, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// None (the test skips) when mounting is not allowed here.
    fn mount() -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("tempdir");
        let ok = Process::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "wharf-test", "--"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(SmallDisk { dir });
        }
        // Not root, or a container without the right to mount: nothing
        // here can make a disk fill up for real.
        eprintln!("skipped: cannot mount a tmpfs here (root needed)");
        None
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg(self.dir.path()).status();
    }
}

/// Every file under `root`, by name.
fn names_under(root: &Path) -> Vec<String> {
    tree::files_under(root)
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

/// One transfer connection, so files run in the order asked.
fn one_connection() -> TransferConfig {
    TransferConfig {
        connections: 1,
        retries: 2,
        backoff_base: Duration::from_millis(20),
        idle_close: Duration::from_secs(5),
        ..TransferConfig::default()
    }
}

/// A server with `big.bin` (3 MiB, more than the disk holds) and five
/// small files, and an engine connected to it.
async fn setup() -> (TestServer, Engine) {
    let server = TestServer::start(None, false).await;
    std::fs::write(server.path("big.bin"), content(1, 3 * MIB)).expect("write");
    for i in 1..=5 {
        std::fs::write(server.path(format!("small{i}.txt")), content(i, 10_000)).expect("write");
    }
    let engine = Engine::new(spawn_with(one_connection()));
    engine.start_connect(1, profile(server.port(), None, DataMode::Passive));
    (server, engine)
}

fn files() -> Vec<wharf::engine::protocol::TransferItem> {
    let mut items = vec![item(remote("/big.bin"), false)];
    items.extend((1..=5).map(|i| item(remote(&format!("/small{i}.txt")), false)));
    items
}

/// Asks for `files()` into `disk` and waits for the question: the batch
/// and the folder it names. Nothing may be queued before the answer.
async fn asked(engine: &mut Engine, disk: &Path) -> (BatchId, PathBuf) {
    engine.send(Command::Transfer(request(
        1,
        files(),
        local(disk),
        OnExisting::Ask,
    )));
    let wait = engine.wait;
    engine
        .wait_for(wait, |ev| match ev {
            Event::NotEnoughSpace { batch, folder, .. } => Some((batch, folder)),
            Event::TransferQueued { .. } => panic!("queued before the user answered"),
            _ => None,
        })
        .await
}

/// Answers the question and waits for the batch to fail: nothing queued.
async fn answered_and_failed(engine: &mut Engine, go_on: bool) -> wharf::engine::protocol::Failure {
    engine.send(Command::AnswerSpace {
        batch: BatchId(1),
        go_on,
    });
    let wait = engine.wait;
    engine
        .wait_for(wait, |ev| match ev {
            Event::BatchFailed { error, .. } => Some(error),
            Event::TransferQueued { .. } => panic!("queued after the answer"),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn a_file_that_fills_the_disk_leaves_no_partial_file_and_the_rest_are_not_started() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let (_server, mut engine) = setup().await;
    let mut asked = None;
    let r = engine
        .batch(
            request(1, files(), local(disk.path()), OnExisting::Ask),
            |ev| match ev {
                Event::NotEnoughSpace {
                    batch,
                    needed,
                    free,
                    ..
                } => {
                    asked = Some((*needed, *free));
                    vec![Command::AnswerSpace {
                        batch: *batch,
                        go_on: true,
                    }]
                }
                _ => vec![],
            },
        )
        .await;
    let (needed, free) = asked.expect("the batch asked first");
    assert_eq!(needed, (3 * MIB + 5 * 10_000) as u64);
    assert!(free <= 2 * MIB as u64, "{free}");

    let failures = r.failures();
    let big = failures.get("big.bin").expect("big.bin failed");
    assert_eq!(big.kind, FailureKind::NoSpace, "{big:?}");
    assert!(big.message.contains("needs 3.0 MiB"), "{big:?}");
    assert!(big.message.contains("free"), "{big:?}");
    // The files after it were not started, each saying why.
    for i in 1..=5 {
        let name = format!("small{i}.txt");
        let why = failures.get(name.as_str()).expect("not started");
        assert_eq!(why.kind, FailureKind::NoSpace, "{why:?}");
        assert!(why.message.starts_with("not started"), "{why:?}");
        assert!(!r.was_tried(&name), "{name} was tried");
    }
    // The disk is as empty as before: no `.big.bin.wharf-part`.
    assert_eq!(names_under(disk.path()), Vec::<String>::new());
    engine.shutdown().await;
}

#[tokio::test]
async fn a_batch_bigger_than_the_free_space_asks_and_no_writes_nothing() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let (_server, mut engine) = setup().await;
    let (batch, folder) = asked(&mut engine, disk.path()).await;
    assert_eq!(batch, BatchId(1));
    assert_eq!(folder, disk.path());
    let error = answered_and_failed(&mut engine, false).await;
    assert_eq!(error.kind, FailureKind::Cancelled, "{error:?}");
    assert_eq!(names_under(disk.path()), Vec::<String>::new());
    engine.shutdown().await;
}

#[tokio::test]
async fn a_yes_after_connecting_elsewhere_starts_nothing_there() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let (_server, mut engine) = setup().await;
    asked(&mut engine, disk.path()).await;
    // Another server, with files of the same names, while the question is open.
    let other = TestServer::start(None, false).await;
    engine
        .connect(2, profile(other.port(), None, DataMode::Passive))
        .await
        .expect("connected elsewhere");
    let error = answered_and_failed(&mut engine, true).await;
    assert_eq!(error.kind, FailureKind::NotConnected, "{error:?}");
    assert_eq!(names_under(disk.path()), Vec::<String>::new());
    engine.shutdown().await;
}

#[tokio::test]
async fn a_batch_that_fits_is_not_asked_about() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let (server, mut engine) = setup().await;
    let small: Vec<_> = (1..=5)
        .map(|i| item(remote(&format!("/small{i}.txt")), false))
        .collect();
    let r = engine
        .batch(
            request(1, small, local(disk.path()), OnExisting::Ask),
            |ev| {
                assert!(!matches!(ev, Event::NotEnoughSpace { .. }), "{ev:?}");
                vec![]
            },
        )
        .await;
    assert_eq!((r.done, r.failed), (5, 0), "{r:?}");
    assert!(
        r.states.values().all(|s| *s == TransferState::Done),
        "{r:?}"
    );
    assert_eq!(
        sha(&disk.path().join("small3.txt")),
        sha(&server.path("small3.txt"))
    );
    engine.shutdown().await;
}

#[test]
fn wharf_get_of_more_than_the_disk_holds_is_refused_before_it_starts() {
    let Some(disk) = SmallDisk::mount() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(None, false));
    let dir = server.path("pub");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("big.bin"), content(1, 3 * MIB)).expect("write");
    std::fs::write(dir.join("small.txt"), content(2, 1000)).expect("write");
    let url = format!("ftp://127.0.0.1:{}/pub", server.port());
    let out = Process::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["get", "-q", &url])
        .arg(disk.path())
        .output()
        .expect("run wharf");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("not started: the download needs 3.0 MiB"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&disk.path().display().to_string()),
        "{stderr}"
    );
    let nothing: Vec<PathBuf> = tree::files_under(disk.path());
    assert!(nothing.is_empty(), "{nothing:?}");
    drop(server);
}
