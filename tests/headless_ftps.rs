//! `wharf ls`, `get` and `put` over FTPS as a script runs them: the built
//! binary against the in-process server with TLS required and a
//! self-signed certificate. An untrusted certificate stops the run with
//! exit status 3 and says how to trust it; `--trust-fingerprint`, a
//! certificate kept in known_certs.toml and `--insecure` let it through;
//! `tls = "required"` in config.toml upgrades an `ftp://` URL.

#[path = "common/run.rs"]
mod run;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::path::Path;

use run::{wharf_configured, wharf_in};
use server::TestServer;
use tree::{content, sha_bytes};
use wharf::engine::protocol::Fingerprint;

const LOGIN: Option<(&str, &str)> = Some(("alice", "s3cret"));

struct Setup {
    server: TestServer,
    fp: Fingerprint,
    local: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        let (server, fp) = TestServer::start_tls(LOGIN, false).await;
        std::fs::write(server.path("hello.txt"), b"hello over TLS\n").expect("write");
        Setup {
            server,
            fp,
            local: tempfile::tempdir().expect("tempdir"),
            config: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!(
            "{scheme}://alice:s3cret@localhost:{}/{path}",
            self.server.port()
        )
    }

    async fn wharf(&self, args: &[&str]) -> run::Run {
        wharf_configured(self.local.path(), self.config.path(), args).await
    }

    fn config_file(&self, name: &str, text: &str) {
        std::fs::write(self.config.path().join(name), text).expect("write config");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_certificate_stops_the_run_with_status_3_and_its_fingerprint() {
    let s = Setup::new().await;
    let r = s.wharf(&["ls", &s.url("ftpes", "")]).await;
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(r.stdout.is_empty(), "{r:?}");
    assert!(r.stderr.contains("self-signed"), "{r:?}");
    let fp = s.fp.to_string();
    assert!(r.stderr.contains(&format!("fingerprint: {fp}")), "{r:?}");
    assert!(
        r.stderr.contains(&format!("--trust-fingerprint {fp}")),
        "{r:?}"
    );
    // get refuses the same way before anything is written.
    let r = s.wharf(&["get", &s.url("ftpes", "hello.txt")]).await;
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(!s.local.path().join("hello.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fingerprint_given_on_the_command_line_is_trusted_on_either_side() {
    let s = Setup::new().await;
    let fp = s.fp.to_string();
    let r = s
        .wharf(&["ls", &s.url("ftpes", ""), "--trust-fingerprint", &fp])
        .await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("hello.txt"), "{r:?}");
    // Before the subcommand too, and get and put carry files over TLS.
    let r = s
        .wharf(&[
            "--trust-fingerprint",
            &fp,
            "get",
            &s.url("ftpes", "hello.txt"),
        ])
        .await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        std::fs::read(s.local.path().join("hello.txt")).expect("read"),
        b"hello over TLS\n"
    );
    let big = content(9, 3 * 1024 * 1024 + 17);
    std::fs::write(s.local.path().join("big.bin"), &big).expect("write");
    let r = s
        .wharf(&[
            "put",
            "--trust-fingerprint",
            &fp,
            "big.bin",
            &s.url("ftpes", ""),
        ])
        .await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert_eq!(
        sha_bytes(&std::fs::read(s.server.path("big.bin")).expect("read")),
        sha_bytes(&big)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_or_malformed_fingerprint_is_no_trust() {
    let s = Setup::new().await;
    let other = Fingerprint([7; 32]).to_string();
    let r = s
        .wharf(&["ls", &s.url("ftpes", ""), "--trust-fingerprint", &other])
        .await;
    assert_eq!(r.code, Some(3), "{r:?}");
    let r = s
        .wharf(&[
            "ls",
            &s.url("ftpes", ""),
            "--trust-fingerprint",
            "SHA256:AB:CD",
        ])
        .await;
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(r.stderr.contains("not a SHA-256 fingerprint"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_kept_in_known_certs_is_trusted_and_a_broken_file_is_reported() {
    let s = Setup::new().await;
    let server = format!("localhost:{}", s.server.port());
    s.config_file(
        "known_certs.toml",
        &format!("[certificates]\n\"{server}\" = \"{}\"\n", s.fp),
    );
    let r = s.wharf(&["ls", &s.url("ftpes", "")]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("hello.txt"), "{r:?}");

    s.config_file("known_certs.toml", "[certificates\n");
    let r = s.wharf(&["ls", &s.url("ftpes", "")]).await;
    assert_eq!(r.code, Some(3), "{r:?}");
    assert!(r.stderr.contains("known_certs.toml:1:"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insecure_checks_nothing_and_says_so() {
    let s = Setup::new().await;
    let r = s.wharf(&["--insecure", "ls", &s.url("ftpes", "")]).await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("hello.txt"), "{r:?}");
    assert!(r.stderr.contains("--insecure"), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_required_in_the_config_upgrades_an_ftp_url() {
    let s = Setup::new().await;
    let fp = s.fp.to_string();
    // Without it, plain FTP meets a server that wants TLS.
    let r = s
        .wharf(&["ls", &s.url("ftp", ""), "--trust-fingerprint", &fp])
        .await;
    assert_eq!(r.code, Some(1), "{r:?}");
    s.config_file("config.toml", "tls = \"required\"\n");
    let r = s
        .wharf(&["ls", &s.url("ftp", ""), "--trust-fingerprint", &fp])
        .await;
    assert_eq!(r.code, Some(0), "{r:?}");
    assert!(r.stdout.contains("hello.txt"), "{r:?}");
    // A config whose TLS versions make no sense is said, not ignored.
    s.config_file("config.toml", "tls_min = \"1.1\"\n");
    let r = s
        .wharf(&["ls", &s.url("ftpes", ""), "--trust-fingerprint", &fp])
        .await;
    assert!(r.stderr.contains("tls_min"), "{r:?}");
}

/// The plain runner still works beside these (no config folder written).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_url_to_an_explicit_server_fails_in_time() {
    let s = Setup::new().await;
    let started = std::time::Instant::now();
    let r = wharf_in(Path::new("/tmp"), &["ls", &s.url("ftps", "")]).await;
    assert_eq!(r.code, Some(1), "{r:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "{r:?}"
    );
}
