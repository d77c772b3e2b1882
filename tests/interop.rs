//! Interop: the engine against real vsftpd, pure-ftpd and proftpd on
//! loopback, plain and with TLS required (explicit, and vsftpd implicit), started by `scripts/interop-servers.sh` (scripts/test.sh does
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

#[path = "common/events.rs"]
mod events;
#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use events::{Engine, quiet, recording};
use interop_env::server;
use tree::{content, make_tree, sha_bytes, tree_hashes};
use values::{item, item_as, local, remote};
use wharf::engine::EngineConfig;
use wharf::engine::error::EngineError;
use wharf::engine::protocol::{
    Command, ConnectProfile, DataMode, Entry, EntryKind, Event, OnExisting, Precision, RemotePath,
};
use wharf::engine::transfer::TransferConfig;

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
    let (sink, log) = recording();
    let mut s = interop_env::connector()
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
        hello
            .modified
            .map(|t| t.naive().date().to_string())
            .as_deref(),
        Some("2024-01-02")
    );
    assert_eq!(find(&entries, "with space.txt").kind, EntryKind::File);
    assert_eq!(find(&entries, "übung.txt").kind, EntryKind::File);
    assert_eq!(find(&entries, "nested").kind, EntryKind::Dir);
    assert!(entries.iter().all(|e| e.name != "." && e.name != ".."));

    let deeper = s
        .list(&RemotePath::from("/home/wharftest/nested/deeper"))
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    assert_eq!(find(&deeper, "deep.txt").size, 10);
    // And back out again: the session is still in step.
    let nested = s
        .list(&RemotePath::from("/home/wharftest/nested"))
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    assert_eq!(find(&nested, "deeper").kind, EntryKind::Dir);

    let missing = s
        .list(&RemotePath::from("/home/wharftest/no-such-folder"))
        .await
        .unwrap_err();
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
    let err = interop_env::connector()
        .open(profile, quiet())
        .await
        .err()
        .expect("login must fail");
    assert!(
        matches!(err, EngineError::Login { code: 530, .. }),
        "{var}: {err:?}"
    );
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
    let Ok(mut s) = interop_env::connector()
        .open(profile.clone(), quiet())
        .await
    else {
        return;
    };
    let mut folders = vec![RemotePath::from(root)];
    let mut seen = Vec::new();
    while let Some(dir) = folders.pop() {
        seen.push(dir.clone());
        for e in s.list(&dir).await.unwrap_or_default() {
            let path = dir.join(&e.name);
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
    let local_dir = tempfile::tempdir().expect("tempdir");
    let mut engine = Engine::new(wharf::engine::spawn_configured(EngineConfig {
        transfer: TransferConfig {
            connections: 3,
            ..TransferConfig::default()
        },
        keepalive: None,
        connector: interop_env::connector(),
        saved_queue: None,
        sync_records: None,
    }))
    .waiting(Duration::from_secs(120));
    engine.start_connect(1, profile.clone());

    // Down: a file, then a tree.
    let b = engine
        .copy(
            1,
            item(remote(&format!("{home}/hello.txt")), false),
            local(local_dir.path()),
            OnExisting::Overwrite,
        )
        .await;
    assert_eq!((b.done, b.failures()), (1, BTreeMap::new()), "{var}: {b:?}");
    assert_eq!(
        std::fs::read(local_dir.path().join("hello.txt")).expect("read"),
        b"hello wharf\n"
    );
    let b = engine
        .copy(
            2,
            item(remote(&format!("{home}/nested")), true),
            local(local_dir.path()),
            OnExisting::Overwrite,
        )
        .await;
    assert_eq!((b.done, b.failures()), (3, BTreeMap::new()), "{var}: {b:?}");
    assert_eq!(
        tree_hashes(&local_dir.path().join("nested")),
        nested_hashes()
    );

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
        let mut s = interop_env::connector()
            .open(profile.clone(), quiet())
            .await
            .unwrap_or_else(|e| panic!("{var}: {e}"));
        s.mkdir(&RemotePath::from(folder.as_str()))
            .await
            .unwrap_or_else(|e| panic!("{var}: mkdir {folder}: {e}"));
        s.quit().await;
    }
    let up = local_dir.path().join("up");
    make_tree(&up, 25);
    let big = content(77, 3 * 1024 * 1024 + 3);
    std::fs::write(local_dir.path().join("big.bin"), &big).expect("write");
    let up_file = engine
        .copy(
            3,
            item(local(local_dir.path().join("big.bin")), false),
            remote(&folder),
            OnExisting::Overwrite,
        )
        .await;
    let up_tree = engine
        .copy(
            4,
            item_as(local(&up), true, "tree"),
            remote(&folder),
            OnExisting::Overwrite,
        )
        .await;

    // Back down into a fresh folder and compare: what the server holds is
    // what was sent.
    let back = tempfile::tempdir().expect("tempdir");
    let down = engine
        .copy(
            5,
            item_as(remote(&folder), true, "copy"),
            local(back.path()),
            OnExisting::Overwrite,
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
        (up_file.done, up_file.failures()),
        (1, BTreeMap::new()),
        "{var}: {up_file:?}"
    );
    assert_eq!(
        (up_tree.done, up_tree.failures()),
        (25, BTreeMap::new()),
        "{var}: {up_tree:?}"
    );
    assert_eq!(
        (down.done, down.failures()),
        (26, BTreeMap::new()),
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

/// Many uploads in a row on one connection all land. On TLS each one's
/// data connection resumes the control connection's session, and a server
/// out of TLS 1.3 tickets (proftpd after two) would refuse the third: the
/// engine moves that server to TLS 1.2 before any data is lost.
async fn uploads_in_a_row(var: &str) {
    let Some(profile) = server(var, DataMode::Passive) else {
        return;
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let folder = format!(
        "/home/wharftest/upload/row-{var}-{}-{stamp}",
        std::process::id()
    );
    let connector = interop_env::connector();
    let mut s = connector
        .open(profile.clone(), quiet())
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    s.mkdir(&RemotePath::from(folder.as_str()))
        .await
        .unwrap_or_else(|e| panic!("{var}: mkdir {folder}: {e}"));
    let mut results = Vec::new();
    for i in 0..6u8 {
        let body = content(i.into(), 100_000);
        let path = RemotePath::from(format!("{folder}/f{i}.bin"));
        let r = s.upload(&path, 0, false, &mut &body[..], &mut |_| {}).await;
        results.push(r.map_err(|e| e.to_string()));
    }
    s.quit().await;
    remove_remote_tree(&profile, &folder).await;
    assert_eq!(results, vec![Ok(100_000); 6], "{var}");
}

/// An upload over a file with mode 0751 leaves it 0751, though it was
/// written under a temporary name (which gets the server's default mode)
/// and renamed over it: the engine reads the mode from the listing and
/// gives it back with SITE CHMOD.
async fn a_replaced_file_keeps_its_mode(var: &str) {
    let Some(profile) = server(var, DataMode::Passive) else {
        return;
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let folder = format!(
        "/home/wharftest/upload/mode-{var}-{}-{stamp}",
        std::process::id()
    );
    let target = RemotePath::from(format!("{folder}/run.cgi"));
    let mut s = interop_env::connector()
        .open(profile.clone(), quiet())
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    s.mkdir(&RemotePath::from(folder.as_str()))
        .await
        .unwrap_or_else(|e| panic!("{var}: mkdir {folder}: {e}"));
    s.upload(&target, 0, false, &mut &b"old"[..], &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));
    s.site_chmod(&target, 0o751)
        .await
        .unwrap_or_else(|e| panic!("{var}: {e}"));

    let local_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(local_dir.path().join("run.cgi"), b"#!/bin/sh\necho new\n").expect("write");
    let mut engine = Engine::new(wharf::engine::spawn_configured(EngineConfig {
        transfer: TransferConfig::default(),
        keepalive: None,
        connector: interop_env::connector(),
        saved_queue: None,
        sync_records: None,
    }))
    .waiting(Duration::from_secs(60));
    engine.start_connect(1, profile.clone());
    // Asked about the existing file (as F4's edit going back is): the
    // question carries the server's time to the second, from MLSD or, on
    // a server that lists only minutes, MDTM.
    let mut asked = None;
    let b = engine
        .batch(
            values::request(
                1,
                vec![item(local(local_dir.path().join("run.cgi")), false)],
                remote(&folder),
                OnExisting::Ask,
            ),
            |ev| match ev {
                Event::Conflict { ask, target, .. } => {
                    asked = Some(target.clone());
                    vec![Command::Resolve {
                        ask: *ask,
                        choice: OnExisting::Overwrite,
                        for_all: false,
                    }]
                }
                _ => vec![],
            },
        )
        .await;
    engine.shutdown().await;
    let asked = asked.unwrap_or_else(|| panic!("{var}: no question about the existing file"));
    assert_eq!(asked.size, Some(3), "{var}");
    assert_eq!(
        asked.modified.map(|m| m.precision()),
        Some(Precision::Second),
        "{var}: {asked:?}"
    );
    let listed = s.list(&RemotePath::from(folder.as_str())).await;
    s.quit().await;
    remove_remote_tree(&profile, &folder).await;
    assert_eq!((b.done, b.failures()), (1, BTreeMap::new()), "{var}: {b:?}");
    let listed = listed.unwrap_or_else(|e| panic!("{var}: {e}"));
    let run = find(&listed, "run.cgi");
    assert_eq!(run.size, 19, "{var}: the new content");
    assert_eq!(
        run.permissions.map(|p| p.mode()),
        Some(0o751),
        "{var}: {b:?}"
    );
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

            #[tokio::test]
            async fn uploads_in_a_row_on_one_connection() {
                uploads_in_a_row($var).await;
            }

            #[tokio::test]
            async fn a_replaced_file_keeps_its_mode() {
                super::a_replaced_file_keeps_its_mode($var).await;
            }
        }
    };
}

server_tests!(vsftpd, "WHARF_INTEROP_VSFTPD");
server_tests!(pureftpd, "WHARF_INTEROP_PUREFTPD");
server_tests!(proftpd, "WHARF_INTEROP_PROFTPD");
server_tests!(vsftpd_tls, "WHARF_INTEROP_VSFTPD_TLS");
server_tests!(vsftpd_implicit_tls, "WHARF_INTEROP_VSFTPD_IMPLICIT");
server_tests!(proftpd_tls, "WHARF_INTEROP_PROFTPD_TLS");
server_tests!(pureftpd_tls, "WHARF_INTEROP_PUREFTPD_TLS");

/// A server that offers only TLS 1.0 is refused, and the message says why.
#[tokio::test]
async fn a_tls_1_0_server_is_refused_naming_the_version() {
    let Some(profile) = server("WHARF_INTEROP_VSFTPD_TLS10", DataMode::Passive) else {
        return;
    };
    let err = interop_env::connector()
        .open(profile, quiet())
        .await
        .err()
        .expect("TLS 1.0 must be refused");
    assert_eq!(
        err.failure().kind,
        wharf::engine::protocol::FailureKind::Tls,
        "{err}"
    );
    assert!(err.to_string().contains("TLS 1.0"), "{err}");
}
