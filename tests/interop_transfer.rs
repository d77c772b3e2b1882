//! Interop transfers: get and put of a file and of a tree, passive and
//! active, through the engine, against real vsftpd, pure-ftpd and proftpd
//! (started by scripts/interop-servers.sh). Content compared by SHA-256.
//! Each test works in its own folder under the test user's `upload/`.

#[path = "common/tree.rs"]
mod tree;

use std::path::Path;
use std::time::Duration;

use tree::{content, make_tree, sha, tree_hashes};
use wharf::cli::parse_url;
use wharf::engine::protocol::{
    BatchId, Command, ConnId, ConnectProfile, DataMode, Direction, Event, OnExisting, Timeouts,
    TransferItem, TransferRequest,
};
use wharf::engine::{EngineHandle, spawn};

const WAIT: Duration = Duration::from_secs(120);
const HOME: &str = "/home/wharftest";

fn server(var: &str, mode: DataMode) -> Option<ConnectProfile> {
    match std::env::var(var) {
        Ok(url) => Some(parse_url(&url, mode, Timeouts::default()).expect("a valid interop URL")),
        Err(_) if std::env::var_os("WHARF_REQUIRE_INTEROP").is_some() => {
            panic!("{var} is not set: run the tests through scripts/test.sh")
        }
        Err(_) => {
            eprintln!("skipping: {var} not set (scripts/test.sh starts the interop servers)");
            None
        }
    }
}

async fn batch(e: &mut EngineHandle, req: TransferRequest) -> (usize, usize) {
    let batch = req.batch;
    e.commands.send(Command::Transfer(req)).expect("send");
    let mut failures = Vec::new();
    let r = tokio::time::timeout(WAIT, async {
        loop {
            match e.events.recv().await.expect("engine alive") {
                Event::TransferState {
                    state: wharf::engine::protocol::TransferState::Failed(why),
                    ..
                } => failures.push(why),
                Event::BatchFailed { batch: b, error } if b == batch => {
                    panic!("batch failed: {error}")
                }
                Event::BatchDone {
                    batch: b,
                    done,
                    failed,
                    ..
                } if b == batch => return (done, failed),
                _ => {}
            }
        }
    })
    .await
    .expect("the batch finished in time");
    assert!(failures.is_empty(), "{failures:?}");
    r
}

fn item(source: &Path, is_dir: bool) -> TransferItem {
    TransferItem {
        source: source.to_path_buf(),
        is_dir,
        size: None,
        modified: None,
        target_name: source
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned(),
    }
}

/// Uploads a file and a 40-file tree into a fresh folder, downloads both
/// back elsewhere, compares every byte, then removes what it uploaded.
async fn round_trip(var: &str, mode: DataMode) {
    let Some(profile) = server(var, mode) else {
        return;
    };
    let local = tempfile::tempdir().expect("tempdir");
    let tag = format!(
        "wharf-{}-{:?}-{}",
        var.to_lowercase(),
        mode,
        std::process::id()
    );
    let src = local.path().join("src");
    std::fs::create_dir(&src).expect("mkdir");
    let file = src.join("one file.bin");
    std::fs::write(&file, content(42, 1_500_000)).expect("write");
    make_tree(&src.join("tree"), 40);

    let mut e = spawn();
    e.commands
        .send(Command::Connect {
            conn: ConnId(1),
            profile,
        })
        .expect("send");
    // The remote folder of this test, created by uploading into it.
    let remote_dir = format!("{HOME}/upload/{tag}");
    let mkdir = TransferRequest {
        batch: BatchId(1),
        direction: Direction::Upload,
        items: vec![item(&src, true)],
        target_dir: format!("{HOME}/upload").into(),
        on_existing: OnExisting::Overwrite,
        move_after: false,
    };
    // Upload `src` as `upload/<tag>` by renaming the item.
    let mut up = mkdir;
    up.items[0].target_name = tag.clone();
    assert_eq!(batch(&mut e, up).await, (41, 0));

    let back = local.path().join("back");
    std::fs::create_dir(&back).expect("mkdir");
    let get_file = TransferRequest {
        batch: BatchId(2),
        direction: Direction::Download,
        items: vec![item(
            Path::new(&format!("{remote_dir}/one file.bin")),
            false,
        )],
        target_dir: back.clone(),
        on_existing: OnExisting::Ask,
        move_after: false,
    };
    assert_eq!(batch(&mut e, get_file).await, (1, 0));
    assert_eq!(sha(&back.join("one file.bin")), sha(&file));
    let get_tree = TransferRequest {
        batch: BatchId(3),
        direction: Direction::Download,
        items: vec![item(Path::new(&format!("{remote_dir}/tree")), true)],
        target_dir: back.clone(),
        on_existing: OnExisting::Ask,
        move_after: false,
    };
    assert_eq!(batch(&mut e, get_tree).await, (40, 0));
    assert_eq!(
        tree_hashes(&back.join("tree")),
        tree_hashes(&src.join("tree"))
    );

    // Tidy up on the server: move everything back down (F6 deletes the sources).
    let tidy = local.path().join("tidy");
    std::fs::create_dir(&tidy).expect("mkdir");
    let clean = TransferRequest {
        batch: BatchId(4),
        direction: Direction::Download,
        items: vec![item(Path::new(&remote_dir), true)],
        target_dir: tidy,
        on_existing: OnExisting::Overwrite,
        move_after: true,
    };
    assert_eq!(batch(&mut e, clean).await, (41, 0));
    // The servers run on this machine: the moved folder is gone from it.
    assert!(
        !Path::new(&remote_dir).exists(),
        "{remote_dir} is still on the server"
    );
    e.shutdown().await;
}

macro_rules! server_tests {
    ($name:ident, $var:literal) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn get_and_put_passive() {
                round_trip($var, DataMode::Passive).await;
            }

            #[tokio::test]
            async fn get_and_put_active() {
                round_trip($var, DataMode::Active).await;
            }
        }
    };
}

server_tests!(vsftpd, "WHARF_INTEROP_VSFTPD");
server_tests!(pureftpd, "WHARF_INTEROP_PUREFTPD");
server_tests!(proftpd, "WHARF_INTEROP_PROFTPD");
