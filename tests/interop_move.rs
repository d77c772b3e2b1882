//! Interop moves (F6): a tree uploaded to real vsftpd, pure-ftpd and
//! proftpd, then moved back down: every file arrives (compared by
//! SHA-256) and the server's copy — files and folders — is gone. Plain
//! get and put are in tests/interop.rs. Each test works in its own folder
//! under the test user's `upload/`.

#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/tree.rs"]
mod tree;

use std::path::Path;
use std::time::Duration;

use interop_env::server;
use tree::{content, make_tree, sha, tree_hashes};
use wharf::engine::protocol::{
    BatchId, Command, ConnId, DataMode, Direction, Event, OnExisting, TransferItem, TransferRequest,
};
use wharf::engine::{EngineHandle, spawn};

const WAIT: Duration = Duration::from_secs(120);
const HOME: &str = "/home/wharftest";

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

/// Uploads a file and a 40-file tree into a fresh folder, then moves the
/// folder back down.
async fn up_then_move_down(var: &str, mode: DataMode) {
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

    // Move it all back down: F6 deletes each source once its copy is complete.
    let tidy = local.path().join("tidy");
    std::fs::create_dir(&tidy).expect("mkdir");
    let clean = TransferRequest {
        batch: BatchId(4),
        direction: Direction::Download,
        items: vec![item(Path::new(&remote_dir), true)],
        target_dir: tidy.clone(),
        on_existing: OnExisting::Overwrite,
        move_after: true,
    };
    assert_eq!(batch(&mut e, clean).await, (41, 0));
    assert_eq!(sha(&tidy.join(&tag).join("one file.bin")), sha(&file));
    assert_eq!(
        tree_hashes(&tidy.join(&tag).join("tree")),
        tree_hashes(&src.join("tree"))
    );
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
            async fn move_passive() {
                up_then_move_down($var, DataMode::Passive).await;
            }

            #[tokio::test]
            async fn move_active() {
                up_then_move_down($var, DataMode::Active).await;
            }
        }
    };
}

server_tests!(vsftpd, "WHARF_INTEROP_VSFTPD");
server_tests!(pureftpd, "WHARF_INTEROP_PUREFTPD");
server_tests!(proftpd, "WHARF_INTEROP_PROFTPD");
