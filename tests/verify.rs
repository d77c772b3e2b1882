//! Copies checked against the server's checksum (config.toml `verify`),
//! through the engine: scripted servers that report a wrong checksum (the
//! file fails after its retries, each retry from the first byte, and
//! nothing is left at the target) or answer in the quirky forms seen in
//! the wild (accepted: the queue says verified), and libunftp, which
//! offers no hash (nothing is checked, nothing fails). The real thing,
//! proftpd's mod_digest, is in interop_verify.rs.

#[path = "common/events.rs"]
mod events;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;
#[path = "common/values.rs"]
mod values;

use std::path::Path;
use std::time::Duration;

use events::{Engine, no_answers};
use fake_ftp::{FakeServer, Script};
use server::{TestServer, profile};
use tree::{content, sha, sha_bytes};
use values::{item, local, remote, request};
use wharf::engine::checksum::Hasher;
use wharf::engine::protocol::{
    DataMode, FailureKind, HashAlgo, Location, OnExisting, TransferItem, TransferRequest,
    TransferState, WireDir,
};
use wharf::engine::spawn_with;
use wharf::engine::transfer::{TransferConfig, Verify};

/// One connection (the files go in order), two retries, short waits.
fn config(verify: Verify) -> TransferConfig {
    TransferConfig {
        connections: 1,
        retries: 2,
        backoff_base: Duration::from_millis(10),
        idle_close: Duration::from_secs(5),
        verify,
    }
}

fn engine_for(server: &FakeServer, verify: Verify) -> Engine {
    let engine = Engine::new(spawn_with(config(verify)));
    engine.start_connect(1, server.profile(Duration::from_secs(5)));
    engine
}

/// `data`'s checksum by `algo`, in lower-case hex.
fn hex(algo: HashAlgo, data: &[u8]) -> String {
    let mut h = Hasher::new(algo);
    h.update(data);
    h.finish().hex()
}

/// `/f1.bin` of `size` bytes, as a listing shows it (no planning trip).
fn listed(size: usize) -> TransferItem {
    TransferItem {
        size: Some(size as u64),
        ..item(remote("/f1.bin"), false)
    }
}

/// A request for `items` into `into`, asking for checks (a sync's).
fn checked(items: Vec<TransferItem>, into: Location) -> TransferRequest {
    TransferRequest {
        verify: true,
        ..request(1, items, into, OnExisting::Overwrite)
    }
}

fn commands(server: &FakeServer) -> Vec<String> {
    server
        .commands
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default()
}

fn count(commands: &[String], line: &str) -> usize {
    commands.iter().filter(|c| *c == line).count()
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn the_failure(r: &events::BatchResult, name: &str) -> wharf::engine::protocol::Failure {
    match r.states.get(name) {
        Some(TransferState::Failed(f)) => f.clone(),
        other => panic!("{name}: {other:?}: {r:?}"),
    }
}

#[tokio::test]
async fn a_download_whose_checksum_differs_fails_after_its_retries_and_leaves_the_target() {
    let data = content(1, 300_000);
    let wrong = hex(HashAlgo::Sha256, b"something else");
    let server = FakeServer::start(Script {
        file_content: Some(data.clone()),
        features: vec!["HASH SHA-256*;SHA-1;MD5;CRC32".into()],
        replies: vec![(
            "HASH".into(),
            format!("213 SHA-256 0-{} {wrong} /f1.bin", data.len()),
        )],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("f1.bin"), b"the user's own").expect("write");
    let mut engine = engine_for(&server, Verify::Auto);
    let r = engine
        .batch(
            checked(vec![listed(data.len())], local(dir.path())),
            no_answers,
        )
        .await;
    engine.shutdown().await;
    assert_eq!((r.done, r.failed), (0, 1), "{r:?}");
    let f = the_failure(&r, "f1.bin");
    assert_eq!(f.kind, FailureKind::Checksum, "{f:?}");
    let ours = sha_bytes(&data);
    assert!(
        f.message.contains("checksum mismatch (SHA-256)")
            && f.message.contains(&wrong)
            && f.message.contains(&ours)
            && f.message.contains("after 2 retries"),
        "{f:?}"
    );
    let retries = r.history["f1.bin"]
        .iter()
        .filter(|s| matches!(s, TransferState::Retrying { .. }))
        .count();
    assert_eq!(retries, 2, "{r:?}");
    // The existing target is untouched, and no partial file is left.
    assert_eq!(names(dir.path()), ["f1.bin"]);
    assert_eq!(
        std::fs::read(dir.path().join("f1.bin")).expect("read"),
        b"the user's own"
    );
    // Every attempt fetched the whole file again (no REST into a corrupt
    // copy) and asked for the checksum after it.
    let c = commands(&server);
    assert_eq!(count(&c, "RETR /f1.bin"), 3, "{c:#?}");
    assert_eq!(count(&c, "HASH /f1.bin"), 3, "{c:#?}");
    assert!(
        !c.iter().any(|l| l.starts_with("REST ") && l != "REST 0"),
        "{c:#?}"
    );
}

#[tokio::test]
async fn an_upload_whose_checksum_differs_fails_after_its_retries_and_is_never_renamed() {
    let server = FakeServer::start(Script {
        features: vec!["XCRC".into(), "XSHA256".into()],
        replies: vec![(
            "XSHA256".into(),
            format!("250 {}", hex(HashAlgo::Sha256, b"no").to_uppercase()),
        )],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let up = dir.path().join("up.bin");
    std::fs::write(&up, content(2, 70_000)).expect("write");
    let mut engine = engine_for(&server, Verify::Auto);
    let r = engine
        .batch(
            checked(vec![item(local(&up), false)], remote("/")),
            no_answers,
        )
        .await;
    engine.shutdown().await;
    assert_eq!((r.done, r.failed), (0, 1), "{r:?}");
    assert_eq!(the_failure(&r, "up.bin").kind, FailureKind::Checksum);
    let c = commands(&server);
    // Stored under the temporary name each time, checked there, removed
    // (a retry starts afresh), never renamed into place.
    assert_eq!(count(&c, "STOR /.up.bin.wharf-part"), 3, "{c:#?}");
    assert_eq!(count(&c, "XSHA256 /.up.bin.wharf-part"), 3, "{c:#?}");
    assert_eq!(count(&c, "DELE /.up.bin.wharf-part"), 3, "{c:#?}");
    assert!(
        !c.iter()
            .any(|l| l.starts_with("RNFR") || l.starts_with("APPE") || l.starts_with("REST")),
        "{c:#?}"
    );
}

#[tokio::test]
async fn quirky_checksum_replies_are_accepted_and_the_queue_says_verified() {
    // `verify = "always"`: a plain copy (no sync asked) is checked too.
    let data = content(3, 100_000);
    let upper = hex(HashAlgo::Sha256, &data).to_uppercase();
    let server = FakeServer::start(Script {
        file_content: Some(data.clone()),
        // proftpd's FEAT line: SHA-1 selected, so OPTS HASH picks SHA-256.
        features: vec!["HASH CRC32;MD5;SHA-1*;SHA-256;SHA-512;".into()],
        replies: vec![
            ("OPTS".into(), "200 SHA-256".into()),
            // Multi-line, upper case, no file name.
            (
                "HASH".into(),
                format!(
                    "213-Computing SHA-256 digest\r\n213 SHA-256 0-{} {upper}",
                    data.len()
                ),
            ),
        ],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_for(&server, Verify::Always);
    let r = engine
        .batch(
            request(
                1,
                vec![listed(data.len())],
                local(dir.path()),
                OnExisting::Overwrite,
            ),
            no_answers,
        )
        .await;
    engine.shutdown().await;
    assert_eq!((r.done, r.failed), (1, 0), "{r:?}");
    assert_eq!(
        r.states.get("f1.bin"),
        Some(&TransferState::Verified(HashAlgo::Sha256)),
        "{r:?}"
    );
    assert_eq!(sha(&dir.path().join("f1.bin")), sha_bytes(&data));
    assert_eq!(names(dir.path()), ["f1.bin"]);
    let c = commands(&server);
    let at = |line: &str| c.iter().position(|l| l == line);
    assert!(
        at("OPTS HASH SHA-256") < at("HASH /f1.bin") && at("OPTS HASH SHA-256").is_some(),
        "{c:#?}"
    );

    // An X command's odd code with the file name after the digest.
    let local_data = content(4, 5_000);
    let md5 = hex(HashAlgo::Md5, &local_data);
    let server = FakeServer::start(Script {
        features: vec!["XCRC".into(), "XMD5".into()],
        replies: vec![("XMD5".into(), format!("251 {md5} /.up.bin.wharf-part"))],
        ..Script::default()
    })
    .await;
    let up = dir.path().join("up.bin");
    std::fs::write(&up, &local_data).expect("write");
    let mut engine = engine_for(&server, Verify::Always);
    let r = engine
        .batch(
            request(
                2,
                vec![item(local(&up), false)],
                remote("/"),
                OnExisting::Overwrite,
            ),
            no_answers,
        )
        .await;
    engine.shutdown().await;
    assert_eq!(
        r.states.get("up.bin"),
        Some(&TransferState::Verified(HashAlgo::Md5)),
        "{r:?}"
    );
    let c = commands(&server);
    let at = |line: &str| c.iter().position(|l| l == line);
    assert!(at("XMD5 /.up.bin.wharf-part") < at("RNFR /.up.bin.wharf-part"));
    assert!(at("XMD5 /.up.bin.wharf-part").is_some(), "{c:#?}");
}

#[tokio::test]
async fn verify_off_asks_nothing_even_for_a_sync() {
    let data = content(5, 1_000);
    let server = FakeServer::start(Script {
        file_content: Some(data.clone()),
        features: vec!["HASH SHA-256*".into()],
        replies: vec![("HASH".into(), "213 SHA-256 0-1 00".into())],
        ..Script::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut engine = engine_for(&server, Verify::Off);
    let r = engine
        .batch(
            checked(vec![listed(data.len())], local(dir.path())),
            no_answers,
        )
        .await;
    engine.shutdown().await;
    assert_eq!(r.states.get("f1.bin"), Some(&TransferState::Done), "{r:?}");
    assert!(!commands(&server).iter().any(|l| l.starts_with("HASH")));
}

/// libunftp lists no hash command: a sync's copies both ways arrive,
/// unchecked, and no hash command is sent.
#[tokio::test]
async fn a_server_without_a_hash_checks_nothing_and_fails_nothing() {
    let server = TestServer::start(None, false).await;
    let data = content(6, 200_000);
    std::fs::write(server.path("down.bin"), &data).expect("write");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("up.bin"), content(7, 50_000)).expect("write");
    let mut engine = Engine::new(spawn_with(config(Verify::Auto)));
    engine.start_connect(1, profile(server.port(), None, DataMode::Passive));
    let down = engine
        .batch(
            checked(vec![item(remote("/down.bin"), false)], local(dir.path())),
            no_answers,
        )
        .await;
    let up = engine
        .batch(
            TransferRequest {
                batch: wharf::engine::protocol::BatchId(2),
                ..checked(
                    vec![item(local(dir.path().join("up.bin")), false)],
                    remote("/"),
                )
            },
            no_answers,
        )
        .await;
    let wire = engine.wire.clone();
    engine.shutdown().await;
    assert_eq!(
        down.states.get("down.bin"),
        Some(&TransferState::Done),
        "{down:?}"
    );
    assert_eq!(
        up.states.get("up.bin"),
        Some(&TransferState::Done),
        "{up:?}"
    );
    assert_eq!(sha(&dir.path().join("down.bin")), sha_bytes(&data));
    assert_eq!(sha(&server.path("up.bin")), sha(&dir.path().join("up.bin")));
    let asked: Vec<&String> = wire
        .iter()
        // A transfer connection's lines begin with its label, `[T1] `.
        .filter(|(d, t)| {
            let command = t.rsplit("] ").next().unwrap_or(t);
            *d == WireDir::Sent && (command.starts_with("HASH") || command.starts_with("XSHA"))
        })
        .map(|(_, t)| t)
        .collect();
    assert!(asked.is_empty(), "{asked:?}");
}
