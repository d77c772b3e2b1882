//! Interop moves (F6): a tree uploaded to real vsftpd, pure-ftpd and
//! proftpd, then moved back down: every file arrives (compared by
//! SHA-256) and the server's copy — files and folders — is gone. Plain
//! get and put are in tests/interop.rs. Each test works in its own folder
//! under the test user's `upload/`.

#[path = "common/events.rs"]
mod events;
#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::path::Path;
use std::time::Duration;

use events::{Engine, no_answers};
use interop_env::server;
use tree::{content, make_tree, sha, tree_hashes};
use values::{item, item_as, local, remote, request};
use wharf::engine::protocol::{DataMode, OnExisting, TransferRequest};

const HOME: &str = "/home/wharftest";

/// Runs a batch to its end, none of its files failing: (done, failed).
async fn batch(e: &mut Engine, req: TransferRequest) -> (usize, usize) {
    let r = e.batch(req, no_answers).await;
    assert!(r.failures().is_empty(), "{r:?}");
    (r.done, r.failed)
}

/// Uploads a file and a 40-file tree into a fresh folder, then moves the
/// folder back down.
async fn up_then_move_down(var: &str, mode: DataMode) {
    let Some(profile) = server(var, mode) else {
        return;
    };
    let local_dir = tempfile::tempdir().expect("tempdir");
    let tag = format!(
        "wharf-{}-{:?}-{}",
        var.to_lowercase(),
        mode,
        std::process::id()
    );
    let src = local_dir.path().join("src");
    std::fs::create_dir(&src).expect("mkdir");
    let file = src.join("one file.bin");
    std::fs::write(&file, content(42, 1_500_000)).expect("write");
    make_tree(&src.join("tree"), 40);

    let mut e = Engine::spawn().waiting(Duration::from_secs(120));
    e.start_connect(1, profile);
    // The remote folder of this test, created by uploading into it:
    // `src` goes up as `upload/<tag>`.
    let remote_dir = format!("{HOME}/upload/{tag}");
    let up = request(
        1,
        vec![item_as(local(&src), true, tag.as_str())],
        remote(&format!("{HOME}/upload")),
        OnExisting::Overwrite,
    );
    assert_eq!(batch(&mut e, up).await, (41, 0));

    // Move it all back down: F6 deletes each source once its copy is complete.
    let tidy = local_dir.path().join("tidy");
    std::fs::create_dir(&tidy).expect("mkdir");
    let clean = TransferRequest {
        move_after: true,
        ..request(
            4,
            vec![item(remote(&remote_dir), true)],
            local(&tidy),
            OnExisting::Overwrite,
        )
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
