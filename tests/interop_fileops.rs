//! Interop file operations against real vsftpd, pure-ftpd and proftpd
//! (scripts/interop-servers.sh, plain on 2121-2123): chmod through
//! `SITE CHMOD` (libunftp has none), checked in the listing, below a
//! folder too; a recursive delete of a tree holding a link to a folder
//! outside it (the link goes, the folder stays) and a file the server may
//! not delete (reported with its reply, the rest goes on, exit status 1
//! from `wharf rm`); mkdir -p; a rename onto an existing name refused;
//! cat compared by hash; find; an entry's owner and group (MLST facts,
//! STAT's `ls -l` line). Each test works in its own folder under
//! the test user's `upload/`, made by the test (it runs as root) and
//! removed afterwards.

#[path = "common/events.rs"]
mod events;
#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use events::{Engine, quiet};
use interop_env::server;
use tree::{content, sha_bytes};
use values::remote;
use wharf::engine::fileops::remote::cat;
use wharf::engine::protocol::{
    Below, DataMode, EntryKind, FailureKind, FileOp, NamePattern, RemotePath, Target,
};

const HOME: &str = "/home/wharftest";

/// The test's folder under upload/, owned by the test user, removed on drop.
struct Area {
    dir: PathBuf,
    remote: String,
}

impl Drop for Area {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn area(var: &str, what: &str) -> Area {
    let tag = format!(
        "wharf-fo-{}-{what}-{}",
        var.to_lowercase(),
        std::process::id()
    );
    let dir = Path::new(HOME).join("upload").join(&tag);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    Area {
        dir,
        remote: format!("{HOME}/upload/{tag}"),
    }
}

fn chown_tree(path: &Path) {
    let ok = std::process::Command::new("chown")
        .args(["-R", "wharftest:", &path.display().to_string()])
        .status()
        .expect("chown")
        .success();
    assert!(ok);
}

fn write(path: &Path, data: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, data).expect("write");
}

async fn engine(var: &str) -> Option<Engine> {
    let profile = server(var, DataMode::Passive)?;
    let mut e = Engine::spawn().waiting(Duration::from_secs(60));
    e.connect(1, profile).await.expect("login");
    Some(e)
}

async fn chmod_shows_in_the_listing(var: &str) {
    let Some(mut e) = engine(var).await else {
        return;
    };
    let a = area(var, "chmod");
    write(&a.dir.join("f.txt"), b"f");
    write(&a.dir.join("sub/g.txt"), b"g");
    chown_tree(&a.dir);
    let r = e
        .op(
            2,
            FileOp::Chmod {
                targets: vec![remote(&format!("{}/f.txt", a.remote))],
                mode: 0o640,
                below: Below::default(),
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{var}: {:?}", r.failures);
    let listed = e.list(3, remote(&a.remote)).await.expect("list");
    let f = listed.iter().find(|x| x.name == "f.txt").expect("f.txt");
    assert_eq!(
        f.permissions.map(|p| p.mode() & 0o777),
        Some(0o640),
        "{var}: {f:?}"
    );
    // Below a folder: the folder and what is in it.
    let r = e
        .op(
            4,
            FileOp::Chmod {
                targets: vec![remote(&format!("{}/sub", a.remote))],
                mode: 0o700,
                below: Below::all(),
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{var}: {:?}", r.failures);
    assert_eq!(r.counts.done, 2, "{var}: {r:?}");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&a.dir.join("sub")), 0o700);
    assert_eq!(mode(&a.dir.join("sub/g.txt")), 0o700);
    e.shutdown().await;
}

async fn delete_tree_link_and_refusal(var: &str) {
    let Some(mut e) = engine(var).await else {
        return;
    };
    let a = area(var, "rm");
    for d in 0..3 {
        for f in 0..40 {
            write(&a.dir.join(format!("tree/d{d}/f{f}.txt")), b"x");
        }
    }
    write(&a.dir.join("outside/keep.txt"), b"keep");
    std::os::unix::fs::symlink(a.dir.join("outside"), a.dir.join("tree/d1/link")).expect("ln");
    chown_tree(&a.dir);
    // A folder of root's: the test user may not delete what is in it.
    write(&a.dir.join("tree/locked/mine.txt"), b"root's");
    let r = e
        .op(
            2,
            FileOp::Delete {
                targets: vec![Target {
                    path: remote(&format!("{}/tree", a.remote)),
                    kind: EntryKind::Dir,
                }],
            },
        )
        .await;
    assert_eq!(r.failures.len(), 1, "{var}: {:?}", r.failures);
    let (path, why) = &r.failures[0];
    assert!(path.ends_with("/tree/locked/mine.txt"), "{var}: {path}");
    assert_eq!(why.code, Some(550), "{var}: {why:?}");
    // Everything else went; the folders above the refusal stay.
    assert_eq!(r.counts.done, 120 + 1 + 3, "{var}: {r:?}");
    assert!(a.dir.join("tree/locked/mine.txt").exists());
    assert!(!a.dir.join("tree/d0").exists() && !a.dir.join("tree/d1").exists());
    assert_eq!(
        std::fs::read(a.dir.join("outside/keep.txt")).expect("kept"),
        b"keep"
    );

    // The same from the shell: exit status 1, the path and the reply.
    let url = std::env::var(var).expect("url");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        // %2F: the path is absolute, not under the login folder.
        .args(["rm", "-r", &format!("{url}/%2F{}/tree", a.remote)])
        .env("WHARF_CONFIG_DIR", a.dir.join("no-config"))
        .env("WHARF_DATA_DIR", a.dir.join("no-data"))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{var}: {stderr}");
    assert!(
        stderr.contains("/tree/locked/mine.txt: 550"),
        "{var}: {stderr}"
    );
    e.shutdown().await;
}

async fn mkdir_rename_cat_find(var: &str) {
    let Some(mut e) = engine(var).await else {
        return;
    };
    let a = area(var, "misc");
    let data = content(3, 700_000);
    write(&a.dir.join("data.bin"), &data);
    write(&a.dir.join("other.bin"), b"o");
    chown_tree(&a.dir);
    let r = e
        .op(
            2,
            FileOp::MakeDir {
                path: remote(&format!("{}/p/q/r", a.remote)),
                parents: true,
            },
        )
        .await;
    assert!(r.failures.is_empty(), "{var}: {:?}", r.failures);
    assert!(a.dir.join("p/q/r").is_dir());
    let r = e
        .op(
            3,
            FileOp::MakeDir {
                path: remote(&format!("{}/p/q", a.remote)),
                parents: false,
            },
        )
        .await;
    assert_eq!(r.failures[0].1.kind, FailureKind::Exists, "{var}: {r:?}");

    let r = e
        .op(
            4,
            FileOp::Rename {
                from: remote(&format!("{}/other.bin", a.remote)),
                to: remote(&format!("{}/data.bin", a.remote)),
                replace: false,
            },
        )
        .await;
    assert_eq!(r.failures[0].1.kind, FailureKind::Exists, "{var}: {r:?}");
    assert_eq!(std::fs::read(a.dir.join("data.bin")).expect("data"), data);

    let r = e
        .op(
            5,
            FileOp::Find {
                root: remote(&a.remote),
                pattern: NamePattern::new("[R]"),
            },
        )
        .await;
    assert_eq!(r.found, [format!("{}/p/q/r", a.remote)], "{var}: {r:?}");
    e.shutdown().await;

    let profile = server(var, DataMode::Passive).expect("profile");
    let mut s = interop_env::connector()
        .open(profile, quiet())
        .await
        .expect("login");
    let mut got = Vec::new();
    let n = cat(
        &mut s,
        &RemotePath::from(format!("{}/data.bin", a.remote).as_str()),
        &mut got,
    )
    .await
    .expect("cat");
    assert_eq!(n, data.len() as u64);
    assert_eq!(sha_bytes(&got), sha_bytes(&data));
    s.quit().await;
}

/// The uid the test user has (vsftpd and pure-ftpd tell numbers).
fn uid_of_test_user() -> String {
    let out = std::process::Command::new("id")
        .args(["-u", "wharftest"])
        .output()
        .expect("id");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `FileOp::Details`: a file's and a folder's owner and group, asked with
/// `verb` (MLST where FEAT lists it, else STAT); a missing path tells
/// nothing and fails nothing.
async fn details(var: &str, verb: &str, names: bool) {
    let Some(mut e) = engine(var).await else {
        return;
    };
    let a = area(var, "details");
    write(&a.dir.join("f.txt"), b"f");
    std::fs::create_dir_all(a.dir.join("sub")).expect("mkdir");
    chown_tree(&a.dir);
    let who = if names {
        "wharftest".to_string()
    } else {
        uid_of_test_user()
    };
    for (i, name) in ["f.txt", "sub"].into_iter().enumerate() {
        let path = format!("{}/{name}", a.remote);
        e.wire.clear();
        let r = e
            .op(
                10 + i as u64,
                FileOp::Details {
                    path: remote(&path),
                },
            )
            .await;
        assert!(r.failures.is_empty(), "{var} {name}: {:?}", r.failures);
        assert_eq!(
            r.details,
            Some((Some(who.clone()), Some(who.clone()))),
            "{var} {name}"
        );
        let asked = format!("{verb} {path}");
        assert!(
            e.wire.iter().any(|(_, l)| l.ends_with(&asked)),
            "{var}: no {asked} in {:?}",
            e.wire
        );
    }
    let r = e
        .op(
            20,
            FileOp::Details {
                path: remote(&format!("{}/missing.txt", a.remote)),
            },
        )
        .await;
    assert!(
        r.failures.is_empty(),
        "{var}: {:?} {:?}",
        r.failures,
        e.wire
    );
    assert_eq!(r.details, Some((None, None)), "{var}");
    e.shutdown().await;
}

macro_rules! per_server {
    ($name:ident, $var:literal) => {
        mod $name {
            #[tokio::test]
            async fn chmod() {
                super::chmod_shows_in_the_listing($var).await;
            }
            #[tokio::test]
            async fn delete() {
                super::delete_tree_link_and_refusal($var).await;
            }
            #[tokio::test]
            async fn mkdir_rename_cat_find() {
                super::mkdir_rename_cat_find($var).await;
            }
        }
    };
}

per_server!(vsftpd, "WHARF_INTEROP_VSFTPD");
per_server!(pureftpd, "WHARF_INTEROP_PUREFTPD");
per_server!(proftpd, "WHARF_INTEROP_PROFTPD");

/// Who owns an entry: proftpd names them in MLST's facts, pure-ftpd gives
/// `UNIX.uid`/`UNIX.gid` numbers, vsftpd has no MLST and answers STAT with
/// an `ls -l` line (numbers: its `text_userdb_names` is off).
mod details {
    #[tokio::test]
    async fn proftpd_mlst_names() {
        super::details("WHARF_INTEROP_PROFTPD", "MLST", true).await;
    }
    #[tokio::test]
    async fn pureftpd_mlst_numbers() {
        super::details("WHARF_INTEROP_PUREFTPD", "MLST", false).await;
    }
    #[tokio::test]
    async fn vsftpd_stat() {
        super::details("WHARF_INTEROP_VSFTPD", "STAT", false).await;
    }
}
