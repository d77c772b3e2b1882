//! Copies checked against a real server's checksum: a proftpd of this
//! test's own (the interop one's settings and binary, on port 2171) with
//! mod_digest, which offers `HASH CRC32;MD5;SHA-1*;SHA-256;SHA-512;` and
//! the X commands. A sync's download and upload (`verify` asked, config
//! `auto`) are checked with SHA-256, chosen with `OPTS HASH SHA-256`, and
//! the queue says verified.
//!
//! Outside CI a missing interop set-up skips with a note; with
//! WHARF_REQUIRE_INTEROP=1 (scripts/test.sh, CI) it fails.

#[path = "common/events.rs"]
mod events;
#[path = "common/interop_env.rs"]
mod interop_env;
#[path = "common/own_server.rs"]
mod own_server;
#[path = "common/run.rs"]
mod run;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use events::{Engine, no_answers};
use own_server::{Server, derived_config, interop_dir, wait_for_220};
use tree::{content, sha, sha_bytes};
use values::{item, local, remote, request};
use wharf::engine::protocol::{
    BatchId, DataMode, HashAlgo, OnExisting, TransferRequest, TransferState, WireDir,
};
use wharf::engine::spawn_with;
use wharf::engine::transfer::{TransferConfig, Verify};

const PORT: u16 = 2171;

/// The interop proftpd's settings on `PORT`, with mod_digest (already
/// loaded where scripts/interop-servers.sh wrote it so).
fn start_proftpd(dir: &std::path::Path) -> Server {
    start_proftpd_on(dir, PORT, 30500)
}

/// The same on `port`, passive ports from `pasv` (50 of them): tests
/// running at once each have a server of their own.
fn start_proftpd_on(dir: &std::path::Path, port: u16, pasv: u16) -> Server {
    let run = |file: &str| dir.join(file).display().to_string();
    let base = std::fs::read_to_string(interop_dir().join("conf/proftpd.conf")).unwrap_or_default();
    let modules = interop_dir().join("pkgs/proftpd/usr/lib/proftpd");
    let module_path = format!("ModulePath {}", modules.display());
    let digest: Vec<&str> = if base.contains("mod_digest") {
        Vec::new()
    } else {
        vec![&module_path, "LoadModule mod_digest.c", "DigestEngine on"]
    };
    let conf = derived_config(
        "proftpd.conf",
        &[
            ("Port ", format!("Port {port}")),
            (
                "PassivePorts ",
                format!("PassivePorts {pasv} {}", pasv + 49),
            ),
            ("PidFile ", format!("PidFile {}", run("proftpd.pid"))),
            (
                "ScoreboardFile ",
                format!("ScoreboardFile {}", run("proftpd.scoreboard")),
            ),
            ("SystemLog ", format!("SystemLog {}", run("proftpd.log"))),
            ("TransferLog ", format!("TransferLog {}", run("xferlog"))),
        ],
        &digest,
        dir,
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
    server
}

/// A folder in the test user's home, owned by that user, removed when
/// dropped.
struct RemoteDir(PathBuf);

impl RemoteDir {
    fn new(home: &str, name: &str) -> RemoteDir {
        let root = PathBuf::from(home).join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("mkdir");
        RemoteDir(root)
    }

    fn chown_all(&self) {
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(self.0.parent().expect("home")).expect("home");
        let chown = |p: &std::path::Path| {
            std::os::unix::fs::chown(p, Some(owner.uid()), Some(owner.gid())).expect("chown")
        };
        chown(&self.0);
        for e in std::fs::read_dir(&self.0).expect("ls") {
            chown(&e.expect("entry").path());
        }
    }
}

impl Drop for RemoteDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_syncs_copies_are_verified_by_proftpd_mod_digest() {
    let Some(mut profile) = interop_env::server("WHARF_INTEROP_PROFTPD", DataMode::Passive) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let _server = start_proftpd(dir.path());
    profile.port = PORT;
    let home = std::env::var("WHARF_INTEROP_HOME").unwrap_or_else(|_| "/home/wharftest".into());
    let folder = RemoteDir::new(&home, "verify-proftpd");
    let data = content(11, 1_500_000);
    std::fs::write(folder.0.join("down.bin"), &data).expect("write");
    folder.chown_all();
    let remote_dir = format!("{home}/verify-proftpd");

    let local_dir = tempfile::tempdir().expect("tempdir");
    let up_data = content(12, 700_000);
    std::fs::write(local_dir.path().join("up.bin"), &up_data).expect("write");
    let mut engine = Engine::new(spawn_with(TransferConfig {
        verify: Verify::Auto,
        ..TransferConfig::default()
    }));
    engine.start_connect(1, profile);
    let sync = |batch: u64, req: TransferRequest| TransferRequest {
        batch: BatchId(batch),
        verify: true,
        ..req
    };
    let down = engine
        .batch(
            sync(
                1,
                request(
                    1,
                    vec![item(remote(&format!("{remote_dir}/down.bin")), false)],
                    local(local_dir.path()),
                    OnExisting::Overwrite,
                ),
            ),
            no_answers,
        )
        .await;
    let up = engine
        .batch(
            sync(
                2,
                request(
                    2,
                    vec![item(local(local_dir.path().join("up.bin")), false)],
                    remote(&remote_dir),
                    OnExisting::Overwrite,
                ),
            ),
            no_answers,
        )
        .await;
    let wire = engine.wire.clone();
    engine.shutdown().await;

    assert_eq!(
        down.states.get("down.bin"),
        Some(&TransferState::Verified(HashAlgo::Sha256)),
        "{down:?}"
    );
    assert_eq!(sha(&local_dir.path().join("down.bin")), sha_bytes(&data));
    assert_eq!(
        up.states.get("up.bin"),
        Some(&TransferState::Verified(HashAlgo::Sha256)),
        "{up:?}"
    );
    assert_eq!(sha(&folder.0.join("up.bin")), sha_bytes(&up_data));
    // SHA-1 is proftpd's choice; SHA-256 is wharf's. The upload's
    // temporary file was hashed before it took its name.
    let sent: Vec<&str> = wire
        .iter()
        .filter(|(d, _)| *d == WireDir::Sent)
        .map(|(_, t)| t.rsplit("] ").next().unwrap_or(t))
        .collect();
    let at = |line: &str| sent.iter().position(|l| *l == line);
    assert!(at("OPTS HASH SHA-256").is_some(), "{sent:#?}");
    let hashed = at(&format!("HASH {remote_dir}/.up.bin.wharf-part"));
    let renamed = at(&format!("RNFR {remote_dir}/.up.bin.wharf-part"));
    assert!(hashed.is_some() && hashed < renamed, "{sent:#?}");
}

/// `wharf mirror --checksum`: a file of the same size and time but other
/// bytes is in step by size and time, and changed by the server's hash;
/// the mirror then copies it (verified) and the next run is in sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mirror_checksum_finds_a_file_that_size_and_time_miss() {
    let Some(profile) = interop_env::server("WHARF_INTEROP_PROFTPD", DataMode::Passive) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    const MIRROR_PORT: u16 = 2172;
    let _server = start_proftpd_on(dir.path(), MIRROR_PORT, 30550);
    let home = std::env::var("WHARF_INTEROP_HOME").unwrap_or_else(|_| "/home/wharftest".into());
    let folder = RemoteDir::new(&home, "verify-mirror");
    std::fs::write(folder.0.join("same.bin"), content(21, 4096)).expect("write");
    std::fs::write(folder.0.join("differs.bin"), content(22, 4096)).expect("write");
    folder.chown_all();
    let local_dir = tempfile::tempdir().expect("tempdir");
    let copy = local_dir.path().join("copy");
    std::fs::create_dir_all(&copy).expect("mkdir");
    std::fs::write(copy.join("same.bin"), content(21, 4096)).expect("write");
    std::fs::write(copy.join("differs.bin"), content(23, 4096)).expect("write");
    for name in ["same.bin", "differs.bin"] {
        let t = std::fs::metadata(folder.0.join(name))
            .and_then(|m| m.modified())
            .expect("mtime");
        std::fs::File::options()
            .write(true)
            .open(copy.join(name))
            .and_then(|f| f.set_modified(t))
            .expect("set time");
    }
    let url = format!(
        "ftp://{}:{}@127.0.0.1:{MIRROR_PORT}/%2F{home}/verify-mirror",
        profile.user.as_deref().unwrap_or("wharftest"),
        profile.password.as_deref().unwrap_or("wharfpass"),
    );
    let state = tempfile::tempdir().expect("tempdir");
    let run = |args: Vec<String>| {
        let (dir, state) = (local_dir.path().to_path_buf(), state.path().to_path_buf());
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run::wharf_kept(&dir, &state, &args).await
        }
    };
    let by_time = run(vec![
        "mirror".into(),
        "-n".into(),
        url.clone(),
        "copy".into(),
    ])
    .await;
    assert_eq!(by_time.code, Some(0), "{by_time:?}");
    assert!(by_time.stdout.trim().is_empty(), "{by_time:?}");
    let by_hash = run(vec![
        "mirror".into(),
        "-n".into(),
        "--checksum".into(),
        url.clone(),
        "copy".into(),
    ])
    .await;
    assert_eq!(by_hash.stdout.trim(), "* differs.bin", "{by_hash:?}");
    let applied = run(vec![
        "mirror".into(),
        "--checksum".into(),
        url.clone(),
        "copy".into(),
    ])
    .await;
    assert_eq!(applied.code, Some(0), "{applied:?}");
    assert_eq!(
        sha(&copy.join("differs.bin")),
        sha_bytes(&content(22, 4096))
    );
    let again = run(vec![
        "mirror".into(),
        "--checksum".into(),
        url,
        "copy".into(),
    ])
    .await;
    assert!(again.stderr.contains("in sync"), "{again:?}");
}

/// Compare mode's checksums (`Command::HashPairs`) against proftpd's
/// mod_digest: a pair with the same bytes is equal, one with other bytes
/// of the same size is not, a file the server cannot hash has no answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_pairs_tells_equal_bytes_from_other_bytes() {
    let Some(mut profile) = interop_env::server("WHARF_INTEROP_PROFTPD", DataMode::Passive) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    const PAIRS_PORT: u16 = 2173;
    let _server = start_proftpd_on(dir.path(), PAIRS_PORT, 30600);
    profile.port = PAIRS_PORT;
    let home = std::env::var("WHARF_INTEROP_HOME").unwrap_or_else(|_| "/home/wharftest".into());
    let folder = RemoteDir::new(&home, "verify-pairs");
    std::fs::write(folder.0.join("same.bin"), content(31, 5000)).expect("write");
    std::fs::write(folder.0.join("other.bin"), content(32, 5000)).expect("write");
    folder.chown_all();
    let local_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(local_dir.path().join("same.bin"), content(31, 5000)).expect("write");
    std::fs::write(local_dir.path().join("other.bin"), content(33, 5000)).expect("write");
    let mut engine = Engine::new(wharf::engine::spawn());
    engine.connect(1, profile).await.expect("connect");
    let at = |name: &str| {
        wharf::engine::protocol::RemotePath::from_bytes(
            format!("{home}/verify-pairs/{name}").into_bytes(),
        )
    };
    let req = wharf::engine::protocol::RequestId(77);
    engine.send(wharf::engine::protocol::Command::HashPairs {
        req,
        pairs: vec![
            (at("same.bin"), local_dir.path().join("same.bin")),
            (at("other.bin"), local_dir.path().join("other.bin")),
            (at("missing.bin"), local_dir.path().join("same.bin")),
        ],
    });
    let wait = engine.wait;
    let (equal, error) = engine
        .wait_for(wait, |ev| match ev {
            wharf::engine::protocol::Event::PairsHashed {
                req: r,
                equal,
                error,
            } if r == req => Some((equal, error)),
            _ => None,
        })
        .await;
    assert_eq!(error, None);
    assert_eq!(equal, vec![Some(true), Some(false), None]);
    engine.shutdown().await;
}
