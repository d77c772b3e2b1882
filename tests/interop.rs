//! Interop: the engine against real vsftpd, pure-ftpd and proftpd on
//! loopback, started by `scripts/interop-servers.sh` (scripts/test.sh does
//! it). Each server must: log in, list the home folder and a nested one,
//! in passive and in active mode, and refuse a wrong password with 530.
//!
//! Transfers go through the engine (Command::Transfer), as the UI and
//! `wharf get`/`put` send them: a file and a tree each way, passive and
//! active, compared by SHA-256. Uploads go to a folder of their own under
//! upload/ (tests run in parallel) and are removed afterwards.
//!
//! Outside CI a missing server skips with a note; with
//! WHARF_REQUIRE_INTEROP=1 (scripts/test.sh, CI) it fails.

#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/tree.rs"]
mod tree;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use interop_env::server;
use tree::{content, make_tree, sha_bytes, tree_hashes};
use wharf::engine::protocol::{
    BatchId, Command, ConnId, ConnectProfile, DataMode, Direction, EngineError, Entry, EntryKind,
    Event, OnExisting, TransferItem, TransferRequest, TransferState,
};
use wharf::engine::session::Connector;
use wharf::engine::transfer::TransferConfig;
use wharf::engine::wire_log::WireSink;

fn find<'a>(entries: &'a [Entry], name: &str) -> &'a Entry {
    entries.iter().find(|e| e.name == name).unwrap_or_else(|| {
        panic!(
            "{name} not in {:?}",
            entries.iter().map(|e| &e.name).collect::<Vec<_>>()
        )
    })
}

async fn browse(var: &str, mode: DataMode) {
    let Some(profile) = server(var, mode) else {
        return;
    };
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let l2 = log.clone();
    let sink = WireSink::new(move |e| {
        if let wharf::engine::Event::Wire { text, .. } = e {
            l2.lock().expect("log").push(text);
        }
    });
    let mut s = Connector::new()
        .open(profile, sink)
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    let home = s.start_path();
    assert_eq!(home, "/home/wharftest");
    let entries = s
        .list(&home)
        .await
        .unwrap_or_else(|e| panic!("{var} list home: {e}"));
    let hello = find(&entries, "hello.txt");
    assert_eq!((hello.kind, hello.size), (EntryKind::File, 12));
    assert_eq!(
        hello.modified.map(|t| t.date().to_string()).as_deref(),
        Some("2024-01-02")
    );
    assert_eq!(find(&entries, "with space.txt").kind, EntryKind::File);
    assert_eq!(find(&entries, "übung.txt").kind, EntryKind::File);
    assert_eq!(find(&entries, "nested").kind, EntryKind::Dir);
    assert!(entries.iter().all(|e| e.name != "." && e.name != ".."));

    let deeper = s
        .list("/home/wharftest/nested/deeper")
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    assert_eq!(find(&deeper, "deep.txt").size, 10);
    // And back out again: the session is still in step.
    let nested = s
        .list("/home/wharftest/nested")
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    assert_eq!(find(&nested, "deeper").kind, EntryKind::Dir);

    let missing = s.list("/home/wharftest/no-such-folder").await.unwrap_err();
    assert!(
        matches!(missing, EngineError::Reply { code: 550, .. }),
        "{var}: {missing:?}"
    );
    assert!(s.is_usable());
    s.quit().await;

    let log = log.lock().expect("log").clone();
    assert!(
        log.iter().any(|l| l == "PASS ****"),
        "{var}: no masked PASS in {log:?}"
    );
    assert!(
        !log.iter().any(|l| l.contains("wharfpass")),
        "{var}: the password reached the log"
    );
    let data_cmd = if mode == DataMode::Active {
        "EPRT"
    } else {
        "EPSV"
    };
    let port_cmd =
        |l: &String| l.starts_with(data_cmd) || (mode == DataMode::Active && l.starts_with("PORT"));
    assert!(log.iter().any(port_cmd), "{var}: no {data_cmd} in {log:?}");
}

async fn wrong_password(var: &str) {
    let Some(mut profile) = server(var, DataMode::Passive) else {
        return;
    };
    profile.password = Some("definitely-wrong".into());
    let err = Connector::new()
        .open(profile, WireSink::new(|_| {}))
        .await
        .err()
        .expect("login must fail");
    assert!(
        matches!(err, EngineError::Login { code: 530, .. }),
        "{var}: {err:?}"
    );
}

/// What a batch came to.
#[derive(Debug, Default)]
struct Batch {
    done: usize,
    failed: BTreeMap<String, String>,
    other: usize,
}

/// Sends one transfer and follows it to its end.
async fn transfer(
    engine: &mut wharf::engine::EngineHandle,
    batch: u64,
    direction: Direction,
    item: TransferItem,
    target_dir: &Path,
) -> Batch {
    engine
        .commands
        .send(Command::Transfer(TransferRequest {
            batch: BatchId(batch),
            direction,
            items: vec![item],
            target_dir: target_dir.to_path_buf(),
            on_existing: OnExisting::Overwrite,
            move_after: false,
        }))
        .expect("send");
    let mut names = BTreeMap::new();
    let mut out = Batch::default();
    tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            match engine.events.recv().await.expect("engine stopped") {
                Event::TransferQueued { id, name, .. } => {
                    names.insert(id, name);
                }
                Event::TransferState {
                    id,
                    state: TransferState::Failed(why),
                } => {
                    out.failed
                        .insert(names.get(&id).cloned().unwrap_or_default(), why);
                }
                Event::BatchFailed { batch: b, error } if b == BatchId(batch) => {
                    panic!("batch {batch} failed: {error}")
                }
                Event::BatchDone {
                    batch: b,
                    done,
                    skipped,
                    cancelled,
                    ..
                } if b == BatchId(batch) => {
                    out.done = done;
                    out.other = skipped + cancelled;
                    return;
                }
                _ => {}
            }
        }
    })
    .await
    .expect("the transfer did not finish in time");
    out
}

fn item(source: impl Into<PathBuf>, is_dir: bool, target_name: &str) -> TransferItem {
    TransferItem {
        source: source.into(),
        is_dir,
        size: None,
        modified: None,
        target_name: target_name.into(),
    }
}

/// The nested/ tree scripts/interop-servers.sh writes, by relative path.
fn nested_hashes() -> BTreeMap<String, String> {
    let data: Vec<u8> = (0..4096).map(|i| ((i * 7) % 256) as u8).collect();
    [
        ("readme.txt", b"nested readme\n".to_vec()),
        ("deeper/deep.txt", b"deep file\n".to_vec()),
        ("deeper/data.bin", data),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), sha_bytes(&v)))
    .collect()
}

/// Removes a remote tree over FTP (files, then folders, deepest first).
async fn remove_remote_tree(profile: &ConnectProfile, root: &str) {
    let Ok(mut s) = Connector::new()
        .open(profile.clone(), WireSink::new(|_| {}))
        .await
    else {
        return;
    };
    let mut folders = vec![root.to_string()];
    let mut seen = Vec::new();
    while let Some(dir) = folders.pop() {
        seen.push(dir.clone());
        for e in s.list(&dir).await.unwrap_or_default() {
            let path = format!("{dir}/{}", e.name);
            match e.kind {
                EntryKind::Dir => folders.push(path),
                _ => {
                    let _ = s.delete(&path).await;
                }
            }
        }
    }
    for dir in seen.iter().rev() {
        let _ = s.rmdir(dir).await;
    }
    s.quit().await;
}

/// Get a file and a tree, put a file and a tree, through the engine.
async fn transfers(var: &str, mode: DataMode) {
    let Some(profile) = server(var, mode) else {
        return;
    };
    let home = "/home/wharftest";
    let local = tempfile::tempdir().expect("tempdir");
    let mut engine = wharf::engine::spawn_with(TransferConfig {
        connections: 3,
        ..TransferConfig::default()
    });
    engine
        .commands
        .send(Command::Connect {
            conn: ConnId(1),
            profile: profile.clone(),
        })
        .expect("send");

    // Down: a file, then a tree.
    let b = transfer(
        &mut engine,
        1,
        Direction::Download,
        item(format!("{home}/hello.txt"), false, "hello.txt"),
        local.path(),
    )
    .await;
    assert_eq!((b.done, &b.failed), (1, &BTreeMap::new()), "{var}: {b:?}");
    assert_eq!(
        std::fs::read(local.path().join("hello.txt")).expect("read"),
        b"hello wharf\n"
    );
    let b = transfer(
        &mut engine,
        2,
        Direction::Download,
        item(format!("{home}/nested"), true, "nested"),
        local.path(),
    )
    .await;
    assert_eq!((b.done, &b.failed), (3, &BTreeMap::new()), "{var}: {b:?}");
    assert_eq!(tree_hashes(&local.path().join("nested")), nested_hashes());

    // Up, into a folder of this test's own.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mode_name = format!("{mode:?}").to_lowercase();
    let folder = format!(
        "{home}/upload/t-{var}-{mode_name}-{}-{stamp}",
        std::process::id()
    );
    {
        let mut s = Connector::new()
            .open(profile.clone(), WireSink::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{var}: {e}"));
        s.mkdir(&folder)
            .await
            .unwrap_or_else(|e| panic!("{var}: mkdir {folder}: {e}"));
        s.quit().await;
    }
    let up = local.path().join("up");
    make_tree(&up, 25);
    let big = content(77, 3 * 1024 * 1024 + 3);
    std::fs::write(local.path().join("big.bin"), &big).expect("write");
    let up_file = transfer(
        &mut engine,
        3,
        Direction::Upload,
        item(local.path().join("big.bin"), false, "big.bin"),
        Path::new(&folder),
    )
    .await;
    let up_tree = transfer(
        &mut engine,
        4,
        Direction::Upload,
        item(&up, true, "tree"),
        Path::new(&folder),
    )
    .await;

    // Back down into a fresh folder and compare: what the server holds is
    // what was sent.
    let back = tempfile::tempdir().expect("tempdir");
    let down = transfer(
        &mut engine,
        5,
        Direction::Download,
        item(&folder, true, "copy"),
        back.path(),
    )
    .await;
    engine.shutdown().await;
    // Where the servers run on this machine, the files on their disk say
    // the same (a mistake made both ways, like ASCII mode, would not show
    // in the round trip alone).
    let on_disk = std::env::var("WHARF_INTEROP_HOME")
        .ok()
        .map(|disk| Path::new(&disk).join(folder.trim_start_matches(&format!("{home}/"))));
    let disk_hashes = on_disk.as_deref().filter(|p| p.exists()).map(tree_hashes);
    remove_remote_tree(&profile, &folder).await;

    assert_eq!(
        (up_file.done, &up_file.failed),
        (1, &BTreeMap::new()),
        "{var}: {up_file:?}"
    );
    assert_eq!(
        (up_tree.done, &up_tree.failed),
        (25, &BTreeMap::new()),
        "{var}: {up_tree:?}"
    );
    assert_eq!(
        (down.done, &down.failed),
        (26, &BTreeMap::new()),
        "{var}: {down:?}"
    );
    let mut want = BTreeMap::new();
    want.insert("big.bin".to_string(), sha_bytes(&big));
    for (k, v) in tree_hashes(&up) {
        want.insert(format!("tree/{k}"), v);
    }
    assert_eq!(tree_hashes(&back.path().join("copy")), want, "{var}");
    if let Some(disk) = disk_hashes {
        assert_eq!(disk, want, "{var}: on the server's disk");
    }
    if let Some(p) = on_disk {
        assert!(!p.exists(), "{var}: {} was not cleaned up", p.display());
    }
}

macro_rules! server_tests {
    ($name:ident, $var:literal) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn passive() {
                browse($var, DataMode::Passive).await;
            }

            #[tokio::test]
            async fn active() {
                browse($var, DataMode::Active).await;
            }

            #[tokio::test]
            async fn wrong_password_is_530() {
                wrong_password($var).await;
            }

            #[tokio::test]
            async fn transfers_passive() {
                transfers($var, DataMode::Passive).await;
            }

            #[tokio::test]
            async fn transfers_active() {
                transfers($var, DataMode::Active).await;
            }
        }
    };
}

server_tests!(vsftpd, "WHARF_INTEROP_VSFTPD");
server_tests!(pureftpd, "WHARF_INTEROP_PUREFTPD");
server_tests!(proftpd, "WHARF_INTEROP_PROFTPD");
