//! File operations through the engine (`Command::FileOp`), on both sides:
//! remote against libunftp in-process (a fresh root per test), local in a
//! temporary folder. mkdir with and without -p, a recursive delete of a
//! tree holding a link to a folder outside it (the link goes, the folder
//! it points to stays), renaming onto an existing name, find, and chmod
//! on a server without `SITE CHMOD` (libunftp; the real thing:
//! tests/interop_fileops.rs); an entry's owner (`FileOp::Details`).

#[path = "common/events.rs"]
mod events;
#[path = "common/server.rs"]
mod server;
#[path = "common/values.rs"]
mod values;

use std::path::Path;

use events::Engine;
use server::TestServer;
use values::{local, remote};
use wharf::engine::protocol::{
    DataMode, EntryKind, FailureKind, FileOp, Location, NamePattern, Target, WireDir,
};

const LOGIN: Option<(&str, &str)> = Some(("alice", "pw"));

/// `files` files in each of `folders` folders under `root`, and beside
/// them `outside/keep.txt` with a link to it from inside the tree.
fn tree_with_link(root: &Path, folders: usize, files: usize) {
    for d in 0..folders {
        let dir = root.join("tree").join(format!("d{d}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        for f in 0..files {
            std::fs::write(dir.join(format!("f{f}.txt")), b"x").expect("write");
        }
    }
    std::fs::create_dir_all(root.join("outside")).expect("mkdir");
    std::fs::write(root.join("outside/keep.txt"), b"keep").expect("write");
    std::os::unix::fs::symlink(root.join("outside"), root.join("tree/d0/link")).expect("symlink");
    std::fs::write(root.join("tree/top.txt"), b"t").expect("write");
}

async fn connected(f: &TestServer) -> Engine {
    let mut e = Engine::spawn();
    e.connect(1, f.profile(LOGIN, DataMode::Passive))
        .await
        .expect("login");
    e
}

fn delete(path: Location, kind: EntryKind) -> FileOp {
    FileOp::Delete {
        targets: vec![Target { path, kind }],
    }
}

#[tokio::test]
async fn a_remote_tree_goes_and_a_linked_folder_outside_it_stays() {
    let f = TestServer::start(LOGIN, false).await;
    tree_with_link(&f.path(""), 5, 20);
    let mut e = connected(&f).await;
    let r = e.op(10, delete(remote("/tree"), EntryKind::Dir)).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(!r.cancelled);
    // The tree, 5 folders, 100 files, the link and top.txt.
    assert_eq!(r.counts.done, 1 + 5 + 100 + 1 + 1, "{r:?}\n{:#?}", e.wire);
    assert!(!f.path("tree").exists(), "the tree is gone");
    assert_eq!(
        std::fs::read(f.path("outside/keep.txt")).expect("kept"),
        b"keep"
    );
    // Several DELEs were in flight on one connection at once.
    let sent: Vec<_> = e.wire.iter().map(|(_, l)| l.as_str()).collect();
    assert!(
        sent.iter().filter(|l| l.contains("DELE ")).count() >= 102,
        "{sent:?}"
    );
}

#[tokio::test]
async fn a_local_tree_goes_and_a_linked_folder_outside_it_stays() {
    let tmp = tempfile::tempdir().expect("tmp");
    tree_with_link(tmp.path(), 3, 4);
    let mut e = Engine::spawn();
    let r = e
        .op(1, delete(local(tmp.path().join("tree")), EntryKind::Dir))
        .await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.counts.done, 1 + 3 + 12 + 1 + 1);
    assert!(!tmp.path().join("tree").exists());
    assert!(tmp.path().join("outside/keep.txt").exists());
}

#[tokio::test]
async fn a_file_already_gone_counts_as_deleted() {
    let f = TestServer::start(LOGIN, false).await;
    std::fs::write(f.path("here.txt"), b"h").expect("write");
    let mut e = connected(&f).await;
    let r = e
        .op(
            2,
            FileOp::Delete {
                targets: vec![
                    Target {
                        path: remote("/gone.txt"),
                        kind: EntryKind::File,
                    },
                    Target {
                        path: remote("/here.txt"),
                        kind: EntryKind::File,
                    },
                ],
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.counts.done, 2);
    assert!(!f.path("here.txt").exists());
}

#[tokio::test]
async fn mkdir_makes_nested_folders_with_parents_and_refuses_an_existing_name() {
    let f = TestServer::start(LOGIN, false).await;
    let mut e = connected(&f).await;
    let nested = FileOp::MakeDir {
        path: remote("/a/b/c"),
        parents: true,
    };
    let r = e.op(1, nested.clone()).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(f.path("a/b/c").is_dir());
    // Again with -p: fine, nothing to do.
    assert!(e.op(2, nested).await.failures.is_empty());
    // Without -p: the name exists.
    let r = e
        .op(
            3,
            FileOp::MakeDir {
                path: remote("/a/b"),
                parents: false,
            },
        )
        .await;
    assert_eq!(r.failures.len(), 1, "{r:?}");
    assert_eq!(r.failures[0].1.kind, FailureKind::Exists, "{r:?}");

    // The same locally.
    let tmp = tempfile::tempdir().expect("tmp");
    let deep = tmp.path().join("x/y/z");
    let r = e
        .op(
            4,
            FileOp::MakeDir {
                path: local(&deep),
                parents: true,
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(deep.is_dir());
    let r = e
        .op(
            5,
            FileOp::MakeDir {
                path: local(&deep),
                parents: false,
            },
        )
        .await;
    assert_eq!(r.failures[0].1.kind, FailureKind::Exists, "{r:?}");
}

#[tokio::test]
async fn rename_refuses_an_existing_target_unless_asked_to_replace() {
    let f = TestServer::start(LOGIN, false).await;
    std::fs::write(f.path("a.txt"), b"a").expect("write");
    std::fs::write(f.path("b.txt"), b"b").expect("write");
    let mut e = connected(&f).await;
    let onto = |replace| FileOp::Rename {
        from: remote("/a.txt"),
        to: remote("/b.txt"),
        replace,
    };
    let r = e.op(1, onto(false)).await;
    assert_eq!(r.failures.len(), 1, "{r:?}");
    assert_eq!(r.failures[0].1.kind, FailureKind::Exists);
    assert_eq!(std::fs::read(f.path("b.txt")).expect("b"), b"b");
    let r = e.op(2, onto(true)).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(std::fs::read(f.path("b.txt")).expect("b"), b"a");
    assert!(!f.path("a.txt").exists());
    // A plain rename.
    let r = e
        .op(
            3,
            FileOp::Rename {
                from: remote("/b.txt"),
                to: remote("/c.txt"),
                replace: false,
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(f.path("c.txt").exists());

    // Across sides: refused.
    let r = e
        .op(
            4,
            FileOp::Rename {
                from: remote("/c.txt"),
                to: local(Path::new("/tmp/c.txt")),
                replace: false,
            },
        )
        .await;
    assert_eq!(r.failures.len(), 1);
}

#[tokio::test]
async fn find_streams_matching_names_from_every_folder() {
    let f = TestServer::start(LOGIN, false).await;
    tree_with_link(&f.path(""), 4, 3);
    std::fs::write(f.path("tree/d3/Notes.LOG"), b"n").expect("write");
    let mut e = connected(&f).await;
    let r = e
        .op(
            1,
            FileOp::Find {
                root: remote("/tree"),
                pattern: NamePattern::new("*.log"),
            },
        )
        .await;
    assert_eq!(r.found, ["/tree/d3/Notes.LOG"], "{r:?}");
    let r = e
        .op(
            2,
            FileOp::Find {
                root: remote("/"),
                pattern: NamePattern::new("f2"),
            },
        )
        .await;
    let mut found = r.found.clone();
    found.sort();
    assert_eq!(
        found,
        [
            "/tree/d0/f2.txt",
            "/tree/d1/f2.txt",
            "/tree/d2/f2.txt",
            "/tree/d3/f2.txt"
        ],
        "the link to outside/ is not walked: {r:?}"
    );
    assert!(r.counts.folders >= 6, "{r:?}");
}

#[tokio::test]
async fn a_server_without_site_chmod_says_so_once() {
    let f = TestServer::start(LOGIN, false).await;
    std::fs::write(f.path("a.txt"), b"a").expect("write");
    std::fs::write(f.path("b.txt"), b"b").expect("write");
    let mut e = connected(&f).await;
    let chmod = || FileOp::Chmod {
        targets: vec![remote("/a.txt"), remote("/b.txt")],
        mode: 0o600,
        below: wharf::engine::protocol::Below::default(),
    };
    // The second time the engine knows (as an upload that replaced a
    // file would): it says so without asking the server again.
    for req in [1, 2] {
        let r = e.op(req, chmod()).await;
        assert_eq!(r.failures.len(), 1, "said once: {r:?}");
        assert!(
            r.failures[0]
                .1
                .message
                .contains("does not support SITE CHMOD"),
            "{r:?}"
        );
    }
    let asked = e
        .wire
        .iter()
        .filter(|(dir, l)| *dir == WireDir::Sent && l.contains("SITE CHMOD"))
        .count();
    assert_eq!(asked, 1, "asked once: {:?}", e.wire);
}

/// `Count` walks as a delete would and changes nothing: every entry, the
/// folders among them and the files' bytes, on both sides; a link to a
/// folder is one entry, never walked into.
#[tokio::test]
async fn count_walks_like_a_delete_and_deletes_nothing() {
    let f = TestServer::start(LOGIN, false).await;
    tree_with_link(&f.path(""), 3, 4);
    let mut e = connected(&f).await;
    let op = |path| FileOp::Count {
        targets: vec![Target {
            path,
            kind: EntryKind::Dir,
        }],
    };
    let r = e.op(10, op(remote("/tree"))).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    // tree, d0..d2; 12 files, the link, top.txt.
    assert_eq!(
        (r.counts.seen, r.counts.folders),
        (4 + 12 + 1 + 1, 4),
        "{r:?}"
    );
    // libunftp lists the link with a size of its own: at least the files.
    assert!(r.counts.bytes >= 13, "{r:?}");
    assert_eq!(r.counts.done, 0);
    assert!(f.path("tree/d0/f0.txt").exists());

    let tmp = tempfile::tempdir().expect("tmp");
    tree_with_link(tmp.path(), 2, 3);
    let r = e.op(11, op(local(tmp.path().join("tree")))).await;
    assert_eq!(
        (r.counts.seen, r.counts.folders),
        (3 + 6 + 1 + 1, 3),
        "{r:?}"
    );
    assert_eq!(r.counts.bytes, 6 + 1);
    assert!(tmp.path().join("tree/d1/f2.txt").exists());
}

/// `FileOp::Details` on this computer (`local_owner.rs`): a temporary file's owner is the
/// user running the test, by name, and so is its group.
#[tokio::test]
async fn a_local_file_is_owned_by_whoever_made_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("mine.txt");
    std::fs::write(&file, b"m").expect("write");
    let id = |flag: &str| {
        let out = std::process::Command::new("id")
            .arg(flag)
            .output()
            .expect("id");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let mut e = Engine::spawn();
    let r = e.op(1, FileOp::Details { path: local(file) }).await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.details, Some((Some(id("-un")), Some(id("-gn")))));
    // A missing file: a failure, no answer.
    let r = e
        .op(
            2,
            FileOp::Details {
                path: local(tmp.path().join("gone")),
            },
        )
        .await;
    assert_eq!(r.failures.len(), 1, "{r:?}");
    assert_eq!(r.details, None);
}

/// A server that tells no owner (libunftp: MLST without `UNIX.*` facts,
/// STAT refused, `LIST <file>` answered 150 then 550): each way is asked
/// in turn, and the answer says nothing, with no failure (the dialog
/// shows "not told by the server"). The real servers:
/// tests/interop_fileops.rs.
#[tokio::test]
async fn a_server_that_tells_no_owner_is_asked_each_way() {
    let f = TestServer::start(LOGIN, false).await;
    std::fs::write(f.path("here.txt"), b"h").expect("write");
    let mut e = connected(&f).await;
    let r = e
        .op(
            2,
            FileOp::Details {
                path: remote("/here.txt"),
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.details, Some((None, None)));
    let sent: Vec<_> = e.wire.iter().map(|(_, l)| l.as_str()).collect();
    for asked in ["MLST /here.txt", "STAT /here.txt", "LIST /here.txt"] {
        assert!(sent.iter().any(|l| l.ends_with(asked)), "{asked}: {sent:?}");
    }
}
