//! Real servers that limit connections per client address: a vsftpd with
//! `max_per_ip=2` (it greets the third connection with 421) and a proftpd
//! with `MaxClientsPerHost 2` (it answers the third login with 530 "the
//! maximum number of clients"). Both are started here from the interop
//! servers' binaries and settings (scripts/interop-servers.sh installs
//! them), on ports of their own. `wharf get` of a folder with the default
//! four connections must bring every file, and must not sit out per-file
//! retries on the connections the server turns away.
//!
//! Outside CI a missing interop set-up skips with a note; with
//! WHARF_REQUIRE_INTEROP=1 (scripts/test.sh, CI) it fails.

#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/own_server.rs"]
mod own_server;
#[path = "common/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use own_server::{Server, derived_config, interop_dir, wait_for_220};

use tree::{make_tree, tree_hashes};
use wharf::engine::protocol::DataMode;

/// A tree of `files` files in the test user's home, owned by that user,
/// removed when dropped.
struct RemoteTree(PathBuf);

impl RemoteTree {
    fn new(name: &str, files: usize) -> RemoteTree {
        let home = PathBuf::from(
            std::env::var("WHARF_INTEROP_HOME").unwrap_or_else(|_| "/home/wharftest".into()),
        );
        let root = home.join(name);
        let _ = std::fs::remove_dir_all(&root);
        make_tree(&root, files);
        let meta = std::fs::metadata(&home).expect("home");
        chown_tree(&root, &meta);
        RemoteTree(root)
    }
}

impl Drop for RemoteTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chown_tree(path: &Path, owner: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid())).expect("chown");
    if path.is_dir() {
        for e in std::fs::read_dir(path).expect("ls") {
            chown_tree(&e.expect("entry").path(), owner);
        }
    }
}

/// `wharf get` of the tree from `port`, with the default connections;
/// `refusal` is what the server says to a connection it has no room for.
fn get_tree(port: u16, tree: &RemoteTree, what: &str, refusal: &str) {
    let local = tempfile::tempdir().expect("tempdir");
    let name = tree.0.file_name().and_then(|n| n.to_str()).expect("name");
    let url = format!("ftp://wharftest:wharfpass@127.0.0.1:{port}/{name}");
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["get", "-v", "--timeout", "10", &url])
        .arg(local.path())
        .output()
        .expect("run wharf");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{what}: {stderr}");
    // The limit was really met (the protocol log, -v, is on stderr).
    assert!(
        stderr.contains(refusal),
        "{what}: no refusal seen: {stderr}"
    );
    assert_eq!(
        tree_hashes(&local.path().join(name)),
        tree_hashes(&tree.0),
        "{what}"
    );
    // Waiting out a connection's five retries (1 + 2 + 4 + 8 + 16 s) is
    // what a pool that ignores the limit does. It takes 2-7 s; a machine
    // busy compiling beside it has made it 17 s (proftpd forks a process
    // per connection), still well short of the 31 s of retries.
    assert!(
        took < Duration::from_secs(25),
        "{what} took {took:?}: {stderr}"
    );
}

#[test]
fn vsftpd_with_two_connections_per_address() {
    if interop_env::server("WHARF_INTEROP_VSFTPD", DataMode::Passive).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let port = 2161;
    let conf = derived_config(
        "vsftpd.conf",
        &[
            ("listen_port=", format!("listen_port={port}")),
            ("pasv_min_port=", "pasv_min_port=30300".into()),
            ("pasv_max_port=", "pasv_max_port=30349".into()),
            ("max_per_ip=", "max_per_ip=2".into()),
            ("log_ftp_protocol=", "log_ftp_protocol=NO".into()),
            (
                "vsftpd_log_file=",
                format!(
                    "vsftpd_log_file={}",
                    dir.path().join("vsftpd.log").display()
                ),
            ),
        ],
        &[],
        dir.path(),
    );
    let bin = interop_dir().join("pkgs/vsftpd/usr/sbin/vsftpd");
    let mut server = Server(
        Command::new(bin)
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start vsftpd"),
    );
    wait_for_220(port, &mut server);
    let tree = RemoteTree::new("limits-vsftpd", 30);
    get_tree(
        port,
        &tree,
        "vsftpd max_per_ip=2",
        "421 There are too many connections",
    );
}

#[test]
fn proftpd_with_two_clients_per_host() {
    if interop_env::server("WHARF_INTEROP_PROFTPD", DataMode::Passive).is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let port = 2162;
    let run = |file: &str| dir.path().join(file).display().to_string();
    let conf = derived_config(
        "proftpd.conf",
        &[
            ("Port ", format!("Port {port}")),
            ("PassivePorts ", "PassivePorts 30350 30399".into()),
            ("PidFile ", format!("PidFile {}", run("proftpd.pid"))),
            (
                "ScoreboardFile ",
                format!("ScoreboardFile {}", run("proftpd.scoreboard")),
            ),
            ("SystemLog ", format!("SystemLog {}", run("proftpd.log"))),
            ("TransferLog ", format!("TransferLog {}", run("xferlog"))),
        ],
        // proftpd answers PASS only after checking the password (0.1-0.4 s
        // here, more on a busy machine), so the refusals of the connections
        // beyond the limit come late: unthrottled, the one connection that
        // got in can fetch all 30 files before any refusal arrives and the
        // limit is never met. 150 KB/s per download keeps the copy going
        // for seconds, long after every refusal.
        &["MaxClientsPerHost 2", "TransferRate RETR 150"],
        dir.path(),
    );
    let bin = interop_dir().join("pkgs/proftpd/usr/sbin/proftpd");
    let mut server = Server(
        Command::new(bin)
            .args(["-n", "-c"])
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start proftpd"),
    );
    wait_for_220(port, &mut server);
    let tree = RemoteTree::new("limits-proftpd", 30);
    get_tree(
        port,
        &tree,
        "proftpd MaxClientsPerHost 2",
        "maximum number of clients",
    );
}
