//! Interop: the engine against real vsftpd, pure-ftpd and proftpd on
//! loopback, started by `scripts/interop-servers.sh` (scripts/test.sh does
//! it). Each server must: log in, list the home folder and a nested one,
//! in passive and in active mode, and refuse a wrong password with 530.
//!
//! Outside CI a missing server skips with a note; with
//! WHARF_REQUIRE_INTEROP=1 (scripts/test.sh, CI) it fails.

use wharf::cli::parse_url;
use wharf::engine::protocol::{ConnectProfile, DataMode, EngineError, Entry, EntryKind, Timeouts};
use wharf::engine::session::Session;
use wharf::engine::wire_log::WireSink;

fn server(var: &str, mode: DataMode) -> Option<ConnectProfile> {
    match std::env::var(var) {
        Ok(url) => Some(parse_url(&url, mode, Timeouts::default()).expect("a valid interop URL")),
        Err(_) if std::env::var_os("WHARF_REQUIRE_INTEROP").is_some() => {
            panic!("{var} is not set: run the tests through scripts/test.sh")
        }
        Err(_) => {
            eprintln!("skipping: {var} not set (scripts/test.sh starts the interop servers)");
            None
        }
    }
}

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
    let mut s = Session::open(profile, sink)
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
    let err = Session::open(profile, WireSink::new(|_| {}))
        .await
        .err()
        .expect("login must fail");
    assert!(
        matches!(err, EngineError::Login { code: 530, .. }),
        "{var}: {err:?}"
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
        }
    };
}

server_tests!(vsftpd, "WHARF_INTEROP_VSFTPD");
server_tests!(pureftpd, "WHARF_INTEROP_PUREFTPD");
server_tests!(proftpd, "WHARF_INTEROP_PROFTPD");
