//! `wharf mirror` against real vsftpd, pure-ftpd and proftpd
//! (scripts/interop-servers.sh, plain on 2121-2123), both ways: the tree
//! arrives whole (compared by hash), a second run moves nothing — on
//! vsftpd too, whose LIST gives times to the minute only, and whose MDTM
//! cannot set a time — and after ten files change on one side only those
//! ten move; uploaded copies get their sources' times. Each test works in its own folder under the test user's
//! `upload/`, removed afterwards. "Moved" is read from the protocol log.

#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/run.rs"]
mod run;
#[path = "common/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};

use run::{Run, wharf_kept};
use tree::{content, files_under, make_tree, tree_hashes};

const HOME: &str = "/home/wharftest";

/// The test's folder under upload/, owned by the test user, removed on drop.
struct Area {
    dir: PathBuf,
    url: String,
}

impl Drop for Area {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn area(var: &str, what: &str) -> Option<Area> {
    let base = match std::env::var(var) {
        Ok(u) => u,
        Err(_) => {
            interop_env::server(var, wharf::engine::protocol::DataMode::Passive)?;
            return None;
        }
    };
    let tag = format!(
        "wharf-sync-{}-{what}-{}",
        var.to_lowercase(),
        std::process::id()
    );
    let dir = Path::new(HOME).join("upload").join(&tag);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    chown(&dir);
    Some(Area {
        url: format!("{base}/%2F{HOME}/upload/{tag}"),
        dir,
    })
}

fn chown(path: &Path) {
    let ok = std::process::Command::new("chown")
        .args(["-R", "wharftest:", &path.display().to_string()])
        .status()
        .expect("chown")
        .success();
    assert!(ok);
}

fn sent(run: &Run, verb: &str) -> usize {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("> ") && l.contains(&format!(" {verb} ")))
        .count()
}

#[track_caller]
fn assert_ok(run: &Run) {
    assert_eq!(run.code, Some(0), "{run:?}");
}

/// Ten of the tree's files get new contents (and sizes).
fn change_ten(root: &Path) {
    for (i, f) in files_under(root)
        .into_iter()
        .step_by(3)
        .take(10)
        .enumerate()
    {
        std::fs::write(&f, content(5000 + i as u64, 1234 + i)).expect("write");
    }
}

async fn down_then_again(var: &str) {
    let Some(a) = area(var, "down") else { return };
    make_tree(&a.dir.join("site"), 40);
    chown(&a.dir);
    let local = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let url = format!("{}/site", a.url);
    let run = wharf_kept(local.path(), state.path(), &["mirror", &url, "copy"]).await;
    assert_ok(&run);
    let copy = local.path().join("copy");
    assert_eq!(tree_hashes(&a.dir.join("site")), tree_hashes(&copy));

    let again = wharf_kept(local.path(), state.path(), &["mirror", "-v", &url, "copy"]).await;
    assert_ok(&again);
    assert!(again.stderr.contains("in sync"), "{again:?}");
    assert_eq!(sent(&again, "RETR"), 0, "{again:?}");

    change_ten(&a.dir.join("site"));
    let third = wharf_kept(local.path(), state.path(), &["mirror", "-v", &url, "copy"]).await;
    assert_ok(&third);
    assert_eq!(sent(&third, "RETR"), 10, "{third:?}");
    assert_eq!(tree_hashes(&a.dir.join("site")), tree_hashes(&copy));
}

async fn up_then_again(var: &str) {
    let Some(a) = area(var, "up") else { return };
    let local = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    make_tree(&local.path().join("site"), 40);
    // Times a day old, so a copy stamped with its upload time differs.
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    for f in files_under(&local.path().join("site")) {
        std::fs::File::options()
            .write(true)
            .open(&f)
            .and_then(|h| h.set_modified(day_ago))
            .expect("set time");
    }
    let url = format!("{}/up", a.url);
    let run = wharf_kept(local.path(), state.path(), &["mirror", "site", &url]).await;
    assert_ok(&run);
    assert_eq!(
        tree_hashes(&local.path().join("site")),
        tree_hashes(&a.dir.join("up"))
    );
    // The copies have their sources' times (MFMT, or vsftpd's MDTM with a
    // time), to the second.
    let secs = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .expect("mtime")
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    };
    for f in files_under(&local.path().join("site")).iter().take(5) {
        let rel = f.strip_prefix(local.path().join("site")).expect("below");
        assert_eq!(secs(f), secs(&a.dir.join("up").join(rel)), "{rel:?}");
    }

    let again = wharf_kept(local.path(), state.path(), &["mirror", "-v", "site", &url]).await;
    assert_ok(&again);
    assert!(again.stderr.contains("in sync"), "{again:?}");
    assert_eq!(sent(&again, "STOR"), 0, "{again:?}");

    change_ten(&local.path().join("site"));
    let third = wharf_kept(local.path(), state.path(), &["mirror", "-v", "site", &url]).await;
    assert_ok(&third);
    assert_eq!(sent(&third, "STOR"), 10, "{third:?}");
    assert_eq!(
        tree_hashes(&local.path().join("site")),
        tree_hashes(&a.dir.join("up"))
    );
}

macro_rules! server_tests {
    ($name:ident, $var:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mirror_down_then_nothing_then_ten() {
                down_then_again($var).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mirror_up_then_nothing_then_ten() {
                up_then_again($var).await;
            }
        }
    };
}

server_tests!(vsftpd, "WHARF_INTEROP_VSFTPD");
server_tests!(pureftpd, "WHARF_INTEROP_PUREFTPD");
server_tests!(proftpd, "WHARF_INTEROP_PROFTPD");
