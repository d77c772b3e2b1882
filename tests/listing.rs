//! Listings against a scripted server: a Latin-1 name downloaded, renamed
//! and deleted by its bytes, a listing the server cut short, LIST times
//! moved to UTC by the offset MDTM shows, and a big listing counted as it
//! arrives and stopped halfway.

#[path = "common/events.rs"]
mod events;
#[path = "common/fake_ftp.rs"]
mod fake_ftp;
#[path = "common/values.rs"]
mod values;

use std::time::Duration;

use chrono::{Datelike, Timelike};
use events::{Engine, quiet};
use fake_ftp::{FakeServer, Script};
use values::{item_as, remote};
use wharf::engine::protocol::{
    Command, Event, Location, NameEncoding, OnExisting, RemotePath, RequestId, TransferState, Zone,
};
use wharf::engine::session::Fetch;

const WAIT: Duration = Duration::from_secs(20);

fn latin1_listing() -> Script {
    Script {
        listing: b"-rw-r--r--    1 1000     1000            5 Nov 27 14:03 caf\xe9.txt\r\n"
            .to_vec(),
        file_content: Some(b"hello".to_vec()),
        ..Script::default()
    }
}

fn sent(server: &FakeServer, verb: &[u8]) -> Vec<Vec<u8>> {
    server
        .raw
        .lock()
        .expect("commands")
        .iter()
        .filter(|c| c.starts_with(verb))
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_latin1_name_is_fetched_renamed_and_deleted_by_its_bytes() {
    let server = FakeServer::start(latin1_listing()).await;
    let mut session = server.session(WAIT, quiet()).await;
    let (entries, notes) = session
        .list_noted(&RemotePath::root(), &mut |_| {})
        .await
        .expect("listing");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].name.as_bytes(), b"caf\xe9.txt");
    // Not UTF-8: shown as Latin-1.
    assert_eq!(notes.encoding, NameEncoding::Latin1);
    assert_eq!(
        notes.encoding.decode(entries[0].name.as_bytes()),
        "café.txt"
    );

    let path = RemotePath::root().join(&entries[0].name);
    let mut got = Vec::new();
    session
        .download(&path, 0, Fetch::default(), &mut got, &mut |_| {})
        .await
        .expect("download");
    assert_eq!(got, b"hello");
    let renamed = RemotePath::from_bytes(&b"/caf\xe9-old.txt"[..]);
    session.rename(&path, &renamed).await.expect("rename");
    session.delete(&renamed).await.expect("delete");
    assert_eq!(sent(&server, b"RETR"), [b"RETR /caf\xe9.txt".to_vec()]);
    assert_eq!(sent(&server, b"RNFR"), [b"RNFR /caf\xe9.txt".to_vec()]);
    assert_eq!(sent(&server, b"RNTO"), [b"RNTO /caf\xe9-old.txt".to_vec()]);
    assert_eq!(sent(&server, b"DELE"), [b"DELE /caf\xe9-old.txt".to_vec()]);
}

/// Copying a folder whole: the Latin-1 file inside arrives under its
/// decoded name, fetched by its bytes.
#[tokio::test]
async fn a_folder_with_a_latin1_name_is_copied_with_decoded_local_names() {
    let server = FakeServer::start(latin1_listing()).await;
    let target = tempfile::tempdir().expect("tempdir");
    let mut engine = Engine::spawn().waiting(WAIT);
    engine
        .connect(1, server.profile(WAIT))
        .await
        .expect("connect");
    let result = engine
        .copy(
            7,
            item_as(remote("/pub"), true, "pub"),
            Location::Local(target.path().to_path_buf()),
            OnExisting::Overwrite,
        )
        .await;
    assert_eq!(result.done, 1, "{:?}", result.states);
    assert!(matches!(
        result.states.get("pub/café.txt"),
        Some(TransferState::Done)
    ));
    let local = target.path().join("pub").join("café.txt");
    assert_eq!(std::fs::read(&local).expect("the decoded name"), b"hello");
    assert_eq!(sent(&server, b"RETR"), [b"RETR /pub/caf\xe9.txt".to_vec()]);
    engine.shutdown().await;
}

#[tokio::test]
async fn a_listing_the_server_cut_short_says_so() {
    let server = FakeServer::start(Script {
        listing: b"-rw-r--r-- 1 u g 5 Nov 27 14:03 a\r\nnot a listing line\r\n".to_vec(),
        list_reply: Some("226 Output truncated to 10000 matches".into()),
        ..Script::default()
    })
    .await;
    let mut engine = Engine::spawn().waiting(WAIT);
    engine
        .connect(1, server.profile(WAIT))
        .await
        .expect("connect");
    engine.send(Command::List {
        req: RequestId(9),
        path: remote("/"),
    });
    let notes = engine
        .wait_for(WAIT, |ev| match ev {
            Event::Listing {
                req: RequestId(9),
                notes,
                entries,
                ..
            } => {
                assert_eq!(entries.len(), 1);
                Some(notes)
            }
            Event::Failed { error, .. } => panic!("{error:?}"),
            _ => None,
        })
        .await;
    assert_eq!(
        notes.truncated.as_deref(),
        Some("Output truncated to 10000 matches")
    );
    assert_eq!(notes.unreadable, 1);
    let warnings = notes.warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].starts_with("1 line from the server could not be read"));
    assert!(warnings[1].contains("incomplete"));
    engine.shutdown().await;
}

/// A server two hours ahead of UTC whose listing has a file listed two
/// days ago at 14:03 (MDTM says 12:03:27) and an old one; the time the
/// recent one was listed at.
async fn two_hours_ahead() -> (FakeServer, chrono::NaiveDateTime) {
    let listed = chrono::Local::now().date_naive() - chrono::Duration::days(2);
    let when = listed.and_hms_opt(14, 3, 0).expect("time");
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let line = format!(
        "-rw-r--r-- 1 u g 5 {} {:2} 14:03 recent.txt\r\n-rw-r--r-- 1 u g 5 Jan  1  2001 old.txt\r\n",
        MONTHS[listed.month0() as usize],
        listed.day()
    );
    let utc = when - chrono::Duration::hours(2) + chrono::Duration::seconds(27);
    let server = FakeServer::start(Script {
        listing: line.into_bytes(),
        features: vec!["MDTM".into()],
        mdtm_reply: Some(format!("213 {}", utc.format("%Y%m%d%H%M%S"))),
        ..Script::default()
    })
    .await;
    (server, when)
}

#[tokio::test]
async fn list_times_are_moved_to_utc_by_the_offset_mdtm_shows() {
    let (server, when) = two_hours_ahead().await;
    let (sink, log) = events::recording();
    let mut session = server.session(WAIT, sink).await;
    let entries = session.list(&RemotePath::root()).await.expect("listing");
    let recent = entries
        .iter()
        .find(|e| e.name == "recent.txt")
        .expect("recent");
    let t = recent.modified.expect("a time");
    assert_eq!(t.zone(), Zone::Utc);
    assert_eq!(t.naive(), when - chrono::Duration::hours(2));
    assert_eq!((t.naive().hour(), t.naive().minute()), (12, 3));
    // The day-precise one moved by the same offset.
    let old = entries.iter().find(|e| e.name == "old.txt").expect("old");
    assert_eq!(old.modified.map(|t| t.zone()), Some(Zone::Utc));
    assert_eq!(sent(&server, b"MDTM"), [b"MDTM /recent.txt".to_vec()]);
    // Once per connection.
    session.list(&RemotePath::root()).await.expect("listing");
    assert_eq!(sent(&server, b"MDTM").len(), 1);
    let log = log.lock().expect("log").join("\n");
    assert!(log.contains("UTC+02:00"), "{log}");
}

/// The offset one connection found holds for the others to that server
/// (a transfer's connection after the browse one): no MDTM of their own.
#[tokio::test]
async fn the_offset_found_on_one_connection_serves_the_others() {
    let (server, when) = two_hours_ahead().await;
    let connector = wharf::engine::session::Connector::new();
    let mut first = connector
        .open(server.profile(WAIT), quiet())
        .await
        .expect("login");
    first.list(&RemotePath::root()).await.expect("listing");
    assert_eq!(sent(&server, b"MDTM").len(), 1);
    let mut second = connector
        .open(server.profile(WAIT), quiet())
        .await
        .expect("login");
    let entries = second.list(&RemotePath::root()).await.expect("listing");
    assert_eq!(sent(&server, b"MDTM").len(), 1, "found once per server");
    let t = entries
        .iter()
        .find(|e| e.name == "recent.txt")
        .and_then(|e| e.modified)
        .expect("a time");
    assert_eq!(t.zone(), Zone::Utc);
    assert_eq!(t.naive(), when - chrono::Duration::hours(2));
    // Another connector (another engine) finds it for itself.
    let mut other = server.session(WAIT, quiet()).await;
    other.list(&RemotePath::root()).await.expect("listing");
    assert_eq!(sent(&server, b"MDTM").len(), 2);
}

/// A bookmark's offset is taken as it is: no MDTM.
#[tokio::test]
async fn a_bookmarks_offset_needs_no_mdtm() {
    let server = FakeServer::start(Script {
        listing: b"-rw-r--r-- 1 u g 5 Jan  1  2001 old.txt\r\n".to_vec(),
        features: vec!["MDTM".into()],
        ..Script::default()
    })
    .await;
    let mut profile = server.profile(WAIT);
    profile.listing.utc_offset_minutes = Some(-300);
    let mut session = wharf::engine::session::Connector::new()
        .open(profile, quiet())
        .await
        .expect("login");
    let entries = session.list(&RemotePath::root()).await.expect("listing");
    let old = entries.iter().find(|e| e.name == "old.txt").expect("old");
    let t = old.modified.expect("time");
    assert_eq!(t.naive().to_string(), "2001-01-01 05:00:00");
    assert!(sent(&server, b"MDTM").is_empty());
}

/// A listing of 300,000 entries is counted while it arrives, and Esc
/// (CancelList) stops it: no listing comes, and the next one works.
#[tokio::test]
async fn a_big_listing_is_counted_and_can_be_stopped() {
    let server = FakeServer::start(Script {
        generated: Some((
            300_000,
            std::sync::Arc::new(|i| {
                format!("-rw-r--r--    1 1000     1000     {i:>8} Nov 27 14:03 file_{i:07}.dat\r\n")
                    .into_bytes()
            }),
        )),
        ..Script::default()
    })
    .await;
    let mut engine = Engine::spawn().waiting(WAIT);
    engine
        .connect(1, server.profile(WAIT))
        .await
        .expect("connect");
    engine.send(Command::List {
        req: RequestId(1),
        path: remote("/"),
    });
    let so_far = engine
        .wait_for(WAIT, |ev| match ev {
            Event::ListingProgress {
                req: RequestId(1),
                entries,
            } => Some(entries),
            Event::Listing { .. } => panic!("the listing ended before it was counted"),
            _ => None,
        })
        .await;
    assert!(so_far > 0 && so_far < 300_000, "{so_far}");
    engine.send(Command::CancelList { req: RequestId(1) });
    engine.send(Command::List {
        req: RequestId(2),
        path: remote("/"),
    });
    let entries = engine
        .wait_for(Duration::from_secs(120), |ev| match ev {
            Event::Listing {
                req: RequestId(1), ..
            } => {
                panic!("a stopped listing arrived")
            }
            Event::Listing {
                req: RequestId(2),
                entries,
                ..
            } => Some(entries.len()),
            Event::Failed { error, .. } => panic!("{error:?}"),
            _ => None,
        })
        .await;
    assert_eq!(entries, 300_000);
    // The stopped listing's connection was given up for a new one.
    assert!(server.connections.load(std::sync::atomic::Ordering::SeqCst) >= 2);
    engine.shutdown().await;
}
