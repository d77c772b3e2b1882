//! The bookmark store: file format, atomic writes, the locked state, the
//! keyring, validation. Every test uses its own temporary folder, passed to
//! the API (never through WHARF_CONFIG_DIR: the environment is shared by all
//! tests of this process).

use std::fs;
use std::path::Path;

use chrono::{TimeZone, Utc};
use wharf::bookmarks::commands::{self, CommandError};
use wharf::bookmarks::secret::{self, SecretError};
use wharf::bookmarks::{
    Bookmark, EditError, Field, Invalid, Mode, PasswordMode, Protocol, RECENT_MAX, Recent, Store,
    StoreError, TlsPolicy,
};
use wharf::engine::protocol::{DataMode, Security, Timeouts, TlsVersion};

const SECRET: &str = "Pa55-w0rd-never-on-disk";

fn full(name: &str) -> Bookmark {
    Bookmark {
        name: name.into(),
        protocol: Protocol::Ftpes,
        host: "ftp.example.org".into(),
        port: 2121,
        user: Some("alice@corp".into()),
        password: PasswordMode::Keyring,
        mode: Mode::Active,
        remote_dir: Some("/pub/ü x".into()),
        local_dir: Some("~/Downloads".into()),
        connections: Some(3),
        tls: TlsPolicy::Optional,
        tls_min: Some(TlsVersion::Tls12),
        tls_max: None,
        notes: "line one\nline \"two\"".into(),
    }
}

fn recent(host: &str, minute: u32) -> Recent {
    Recent {
        protocol: Protocol::Ftp,
        host: host.into(),
        port: 21,
        user: Some("bob".into()),
        mode: Mode::Passive,
        remote_dir: Some("/x".into()),
        when: Utc.with_ymd_and_hms(2025, 3, 1, 12, minute, 0).unwrap(),
    }
}

fn file(dir: &Path) -> std::path::PathBuf {
    dir.join("bookmarks.toml")
}

#[test]
fn the_file_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    assert!(store.problem().is_none());
    assert!(store.bookmarks().is_empty());
    store.add(full("Work")).unwrap();
    let mut anon = Bookmark::new("mirror", "::1");
    anon.protocol = Protocol::Ftps;
    anon.port = 990;
    store.add(anon).unwrap();
    store.push_recent(recent("a.example", 1)).unwrap();

    let again = Store::load(dir.path());
    assert!(again.problem().is_none(), "{:?}", again.problem());
    assert_eq!(again.bookmarks(), store.bookmarks());
    assert_eq!(again.recent(), store.recent());
    assert_eq!(again.bookmarks()[0], full("Work"));
    assert_eq!(again.get("WORK").map(|b| b.port), Some(2121));

    let text = fs::read_to_string(file(dir.path())).unwrap();
    assert!(text.contains("[[bookmark]]"), "{text}");
    assert!(text.contains("[[recent]]"), "{text}");
    assert!(text.contains("password = \"keyring\""), "{text}");
    assert!(text.contains("when = \"2025-03-01T12:01:00Z\""), "{text}");
}

#[test]
fn a_hand_written_file_gets_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        file(dir.path()),
        "[[bookmark]]\nname = \"a\"\nhost = \"h\"\n\n\
         [[bookmark]]\nname = \"b\"\nhost = \"h\"\nprotocol = \"ftps\"\n",
    )
    .unwrap();
    let store = Store::load(dir.path());
    assert!(store.problem().is_none(), "{:?}", store.problem());
    let a = &store.bookmarks()[0];
    assert_eq!(
        (a.protocol, a.port, a.password, a.mode, &a.user),
        (Protocol::Ftp, 21, PasswordMode::Ask, Mode::Passive, &None)
    );
    assert_eq!(store.bookmarks()[1].port, 990);
}

#[cfg(unix)]
#[test]
fn the_file_has_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("new").join("wharf");
    let mut store = Store::load(&conf);
    store.add(full("w")).unwrap();
    let mode = fs::metadata(file(&conf)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // A folder wharf creates is private too.
    let mode = fs::metadata(&conf).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    // Still 0600 after a file with a wider mode is replaced.
    fs::set_permissions(file(&conf), fs::Permissions::from_mode(0o644)).unwrap();
    store.add(full("x")).unwrap();
    let mode = fs::metadata(file(&conf)).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_corrupt_file_locks_the_store_until_start_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let broken = b"[[bookmark]]\nname = \"ok\"\nhost = \"h\"\nport = 21x\n";
    fs::write(file(dir.path()), broken).unwrap();

    let mut store = Store::load(dir.path());
    assert!(store.bookmarks().is_empty());
    match store.problem() {
        Some(StoreError::Parse {
            path, line, column, ..
        }) => {
            assert_eq!(path, &file(dir.path()));
            assert_eq!((*line, *column), (4, 8));
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let shown = store.problem().unwrap().to_string();
    assert!(shown.contains("bookmarks.toml:4:8:"), "{shown}");

    // Every change is refused, and the file stays byte for byte.
    let refused = [
        store.add(full("w")).map(|_| ()),
        store.duplicate("ok").map(|_| ()),
        store.remove("ok").map(|_| ()),
        store.edit("ok", full("w")),
        store.push_recent(recent("h", 1)).map_err(EditError::from),
    ];
    for r in refused {
        let e = r.unwrap_err();
        assert!(
            matches!(e, EditError::Store(StoreError::Locked { .. })),
            "{e:?}"
        );
        assert!(e.to_string().contains("start afresh"), "{e}");
    }
    assert!(store.writable().is_err());
    assert_eq!(fs::read(file(dir.path())).unwrap(), broken);

    let backup = store.start_afresh().unwrap().expect("a backup");
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("bookmarks.toml.broken-"), "{name}");
    assert_eq!(fs::read(&backup).unwrap(), broken);
    assert!(store.problem().is_none());
    store.add(full("w")).unwrap();
    assert_eq!(Store::load(dir.path()).bookmarks().len(), 1);
    // Not locked any more: a second call does nothing.
    assert_eq!(store.start_afresh().unwrap(), None);
}

#[test]
fn a_file_broken_while_running_locks_without_losing_what_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    store.add(full("w")).unwrap();
    fs::write(file(dir.path()), "garbage = [").unwrap();
    let e = store.add(full("x")).unwrap_err();
    assert!(
        matches!(e, EditError::Store(StoreError::Locked { .. })),
        "{e:?}"
    );
    assert_eq!(fs::read_to_string(file(dir.path())).unwrap(), "garbage = [");
    assert_eq!(store.bookmarks().len(), 1);
    store.start_afresh().unwrap();
    assert_eq!(Store::load(dir.path()).bookmarks(), [full("w")]);
}

#[test]
fn an_invalid_bookmark_in_the_file_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[bookmark]]\nname = \"a\"\nhost = \"h\"\n\n\
                [[bookmark]]\nname = \"A\"\nhost = \"h\"\n";
    fs::write(file(dir.path()), text).unwrap();
    let store = Store::load(dir.path());
    let shown = store.problem().map(|p| p.to_string()).unwrap_or_default();
    assert!(
        shown.contains("bookmarks.toml:") && shown.contains("already exists"),
        "{shown}"
    );
    match store.problem() {
        Some(StoreError::Parse { line, .. }) => assert!((5..=6).contains(line), "{line}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_password_typed_into_the_file_is_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("[[bookmark]]\nname = \"a\"\nhost = \"h\"\npassword = \"{SECRET}\"\n");
    fs::write(file(dir.path()), text).unwrap();
    let store = Store::load(dir.path());
    let shown = store.problem().map(|p| p.to_string()).unwrap_or_default();
    assert!(shown.contains(":4:"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    let debug = format!("{:?}", store.problem());
    assert!(!debug.contains(SECRET), "{debug}");
}

#[test]
fn unknown_keys_are_errors_not_silently_dropped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        file(dir.path()),
        "[[bookmark]]\nname = \"a\"\nhots = \"h\"\n",
    )
    .unwrap();
    let store = Store::load(dir.path());
    assert!(matches!(store.problem(), Some(StoreError::Parse { .. })));
}

#[test]
fn an_unreadable_file_locks_too() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the file should be cannot be read as a file.
    fs::create_dir(file(dir.path())).unwrap();
    let mut store = Store::load(dir.path());
    assert!(
        matches!(store.problem(), Some(StoreError::Io { .. })),
        "{:?}",
        store.problem()
    );
    assert!(store.add(full("w")).is_err());
    assert!(file(dir.path()).is_dir());
}

#[test]
fn no_password_reaches_any_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    let url = format!("ftp://alice:{SECRET}@ftp.example.org:2121/pub");
    let outcome = commands::add(&mut store, "work", &url, false, None, None, false);
    let keyring_works = match &outcome {
        Ok(line) => {
            assert!(line.contains("system keyring"), "{line}");
            true
        }
        Err(CommandError::Keyring(SecretError::Unavailable(_))) => {
            // Nothing written anywhere.
            assert!(!file(dir.path()).exists());
            assert!(store.bookmarks().is_empty());
            false
        }
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = &outcome {
        assert!(!e.to_string().contains(SECRET), "{e}");
    }
    // Without the password the bookmark is kept, asking at connect time.
    commands::add(&mut store, "ask", "ftp://bob@h", true, None, None, true).unwrap();
    // A connection with a password, recorded as recent.
    let (b, pw) = Bookmark::from_url("x", &url).unwrap();
    let profile = b.to_profile(pw, Timeouts::default());
    assert_eq!(profile.password.as_deref(), Some(SECRET));
    store
        .push_recent(Recent::from_profile(&profile, Utc::now()))
        .unwrap();
    store.duplicate("ask").unwrap();

    let mut files = 0;
    for entry in fs::read_dir(dir.path()).unwrap() {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        files += 1;
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "a password was written to disk"
        );
    }
    assert_eq!(files, 1);
    assert!(!format!("{:?}", store.bookmarks()).contains(SECRET));

    if keyring_works {
        let work = store.get("work").unwrap().clone();
        assert_eq!(secret::load(&work).unwrap().as_deref(), Some(SECRET));
        commands::remove(&mut store, "work").unwrap();
        assert_eq!(secret::load(&work).unwrap(), None);
    }
}

#[test]
fn the_keyring_works_or_says_it_is_unavailable() {
    let mut b = Bookmark::new("k", "keyring-test.invalid");
    b.user = Some("wharf-test".into());
    b.port = 2999;
    match secret::store(&b, SECRET) {
        Ok(()) => {
            assert_eq!(secret::load(&b).unwrap().as_deref(), Some(SECRET));
            secret::delete(&b).unwrap();
            assert_eq!(secret::load(&b).unwrap(), None);
            assert!(secret::available().is_ok());
        }
        Err(SecretError::Unavailable(why)) => {
            assert!(!why.is_empty());
            assert!(matches!(
                secret::available(),
                Err(SecretError::Unavailable(_))
            ));
            assert!(matches!(secret::load(&b), Err(SecretError::Unavailable(_))));
            assert!(matches!(
                secret::delete(&b),
                Err(SecretError::Unavailable(_))
            ));
        }
        Err(other) => panic!("expected success or Unavailable, got {other:?}"),
    }
    // Anonymous bookmarks have no account.
    let anon = Bookmark::new("a", "h");
    assert_eq!(secret::store(&anon, "x"), Err(SecretError::NoUser));
    assert_eq!(secret::load(&anon), Ok(None));
    assert_eq!(anon.account(), None);
    assert_eq!(
        b.account().as_deref(),
        Some("wharf-test@keyring-test.invalid:2999")
    );
    let mut v6 = b.clone();
    v6.host = "::1".into();
    assert_eq!(v6.account().as_deref(), Some("wharf-test@[::1]:2999"));
}

#[test]
fn names_are_unique_ignoring_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    store.add(full("Work")).unwrap();
    store.add(full("home")).unwrap();
    let e = store.add(full("  wORK ")).unwrap_err();
    assert!(
        matches!(e, EditError::Invalid(Invalid::DuplicateName(ref n)) if n == "Work"),
        "{e:?}"
    );
    // Renaming onto another bookmark is refused; changing its own case is not.
    let e = store.edit("home", full("WORK")).unwrap_err();
    assert!(
        matches!(e, EditError::Invalid(Invalid::DuplicateName(_))),
        "{e:?}"
    );
    store.edit("home", full("Home")).unwrap();
    assert_eq!(store.bookmarks()[1].name, "Home");
    assert!(matches!(
        store.edit("nope", full("x")),
        Err(EditError::NotFound(_))
    ));
    assert!(matches!(store.remove("nope"), Err(EditError::NotFound(_))));

    assert_eq!(store.duplicate("work").unwrap(), "Work (copy)");
    assert_eq!(store.duplicate("WORK").unwrap(), "Work (copy 2)");
    let names: Vec<_> = store.bookmarks().iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["Work", "Work (copy 2)", "Work (copy)", "Home"]);
    assert_eq!(store.remove("work (COPY)").unwrap().name, "Work (copy)");
    assert_eq!(Store::load(dir.path()).bookmarks(), store.bookmarks());
}

/// A change that makes a bookmark invalid, and the error it gives.
type Case = (fn(&mut Bookmark), Invalid, Field);

#[test]
fn validation_errors_name_the_field() {
    let cases: Vec<Case> = vec![
        (|b| b.name = "  ".into(), Invalid::EmptyName, Field::Name),
        (
            |b| b.name = "a\u{1b}[2J".into(),
            Invalid::NameControl,
            Field::Name,
        ),
        (|b| b.host = "".into(), Invalid::EmptyHost, Field::Host),
        (|b| b.host = "a b".into(), Invalid::BadHost, Field::Host),
        (|b| b.host = "h/x".into(), Invalid::BadHost, Field::Host),
        (|b| b.port = 0, Invalid::BadPort, Field::Port),
        (
            |b| b.user = Some("u\r\nDELE x".into()),
            Invalid::BadUser,
            Field::User,
        ),
        (
            |b| b.remote_dir = Some("a\0b".into()),
            Invalid::BadRemoteDir,
            Field::RemoteDir,
        ),
        (
            |b| b.remote_dir = Some("/a\r\nRMD b".into()),
            Invalid::BadRemoteDir,
            Field::RemoteDir,
        ),
        (
            |b| b.local_dir = Some("relative/dir".into()),
            Invalid::BadLocalDir,
            Field::LocalDir,
        ),
        (
            |b| b.local_dir = Some("~user/x".into()),
            Invalid::BadLocalDir,
            Field::LocalDir,
        ),
        (
            |b| b.connections = Some(0),
            Invalid::BadConnections,
            Field::Connections,
        ),
        (
            |b| b.connections = Some(65),
            Invalid::BadConnections,
            Field::Connections,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    for (change, expected, field) in cases {
        let mut b = full("v");
        change(&mut b);
        let e = store.add(b).unwrap_err();
        match e {
            EditError::Invalid(got) => {
                assert_eq!(got, expected);
                assert_eq!(got.field(), field);
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(!file(dir.path()).exists(), "nothing invalid was saved");

    // What is fine.
    for change in [
        (|b: &mut Bookmark| b.remote_dir = Some("relative/dir".into())) as fn(&mut Bookmark),
        |b| b.local_dir = Some("/abs".into()),
        |b| b.local_dir = Some("~".into()),
        |b| b.host = "[::1]".into(),
        |b| b.port = 65535,
        |b| b.connections = Some(64),
        |b| b.remote_dir = Some("".into()),
    ] {
        let mut b = full("ok");
        change(&mut b);
        store.add(b).unwrap();
        store.remove("ok").unwrap();
    }
    // Brackets and blank folders are normalized away.
    let mut b = full("n");
    b.host = " [::1] ".into();
    b.remote_dir = Some(" ".into());
    store.add(b).unwrap();
    assert_eq!(
        store
            .get("n")
            .map(|b| (b.host.as_str(), b.remote_dir.clone())),
        Some(("::1", None))
    );
}

#[test]
fn urls_become_bookmarks_and_bookmarks_profiles() {
    let (b, pw) = Bookmark::from_url("w", "ftp://alice:s%40cret@example.org:2121/pub/x").unwrap();
    assert_eq!(pw.as_deref(), Some("s@cret"));
    assert_eq!(
        (
            b.protocol,
            b.host.as_str(),
            b.port,
            b.user.as_deref(),
            b.remote_dir.as_deref()
        ),
        (
            Protocol::Ftp,
            "example.org",
            2121,
            Some("alice"),
            Some("pub/x")
        )
    );
    assert_eq!(b.password, PasswordMode::Keyring);
    assert_eq!(b.url(), "ftp://alice@example.org:2121");

    let p = b.to_profile(pw, Timeouts::default());
    assert_eq!(
        (p.host.as_str(), p.port, p.mode),
        ("example.org", 2121, DataMode::Passive)
    );
    assert_eq!(p.path.as_deref(), Some("pub/x"));
    assert_eq!(p.password.as_deref(), Some("s@cret"));

    let (b, pw) = Bookmark::from_url("h", "example.org").unwrap();
    assert_eq!(
        (b.protocol, b.port, b.user.clone(), pw),
        (Protocol::Ftp, 21, None, None)
    );
    // Anonymous: a password given for it is not sent.
    assert_eq!(
        b.to_profile(Some("x".into()), Timeouts::default()).password,
        None
    );

    let (b, _) = Bookmark::from_url("e", "FTPES://h").unwrap();
    assert_eq!((b.protocol, b.port), (Protocol::Ftpes, 21));
    let (b, _) = Bookmark::from_url("s", "ftps://h").unwrap();
    assert_eq!((b.protocol, b.port), (Protocol::Ftps, 990));
    assert_eq!(b.url(), "ftps://h");
    let (b, _) = Bookmark::from_url("s", "ftps://h:21/%2Fsrv").unwrap();
    assert_eq!((b.port, b.remote_dir.as_deref()), (21, Some("/srv")));
    let p = b.to_profile(None, Timeouts::default());
    assert_eq!((p.security, p.port), (Security::Implicit, 21));
    let (mut b, _) = Bookmark::from_url("r", "ftp://h").unwrap();
    b.tls = TlsPolicy::Required;
    assert_eq!(
        b.to_profile(None, Timeouts::default()).security,
        Security::Explicit,
        "tls = \"required\" upgrades ftp:// with AUTH TLS"
    );

    let (b, _) = Bookmark::from_url("6", "ftp://a%40b@[::1]:2121").unwrap();
    assert_eq!(b.host, "::1");
    assert_eq!(b.url(), "ftp://a%40b@[::1]:2121");

    assert!(Bookmark::from_url("x", "http://h/").is_err());
    assert!(Bookmark::from_url("x", "ftp://h:99999/").is_err());
    let e = Bookmark::from_url("x", "ftpes://a:s3cr3t@h:99999/").unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains("ftpes://a:****@h:99999/"),
        "the URL as typed: {shown}"
    );
    assert!(!shown.contains("s3cr3t"), "{shown}");
    let e = Bookmark::from_url("x", "http://a:s3cr3t@h/").unwrap_err();
    assert!(!e.to_string().contains("s3cr3t"), "{e}");
}

#[test]
fn recent_keeps_the_last_ten_newest_first_one_per_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    for i in 0..12 {
        store.push_recent(recent(&format!("h{i}"), i)).unwrap();
    }
    store.push_recent(recent("H5", 30)).unwrap();
    let hosts: Vec<_> = store.recent().iter().map(|r| r.host.as_str()).collect();
    assert_eq!(
        hosts,
        ["H5", "h11", "h10", "h9", "h8", "h7", "h6", "h4", "h3", "h2"]
    );
    assert_eq!(store.recent().len(), RECENT_MAX);
    assert_eq!(Store::load(dir.path()).recent(), store.recent());

    let r = &store.recent()[0];
    let b = Bookmark::from_recent("saved", r);
    assert_eq!((b.host.as_str(), b.user.as_deref()), ("H5", Some("bob")));
    assert_eq!(r.url(), "ftp://bob@H5");
    assert_eq!(
        r.to_profile(None, Timeouts::default()).path.as_deref(),
        Some("/x")
    );
}

#[test]
fn two_windows_do_not_undo_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::load(dir.path());
    let mut b = Store::load(dir.path());
    a.add(full("from a")).unwrap();
    b.add(full("from b")).unwrap();
    b.push_recent(recent("r", 1)).unwrap();
    a.push_recent(recent("s", 2)).unwrap();
    let both = Store::load(dir.path());
    assert_eq!(both.bookmarks().len(), 2);
    assert_eq!(both.recent().len(), 2);
    // Each change also refreshes what the store shows.
    assert_eq!(a.bookmarks().len(), 2);
    // A name taken in the other window is refused.
    assert!(matches!(
        a.add(full("FROM B")),
        Err(EditError::Invalid(Invalid::DuplicateName(_)))
    ));
}

#[test]
fn cli_list_add_remove() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::load(dir.path());
    assert!(commands::list(&store).starts_with("no bookmarks in "));
    let line = commands::add(
        &mut store,
        "pub",
        "ftp://ftp.example.org",
        false,
        Some("/pub"),
        None,
        false,
    )
    .unwrap();
    assert!(line.contains("anonymous"), "{line}");
    commands::add(
        &mut store,
        "büro",
        "ftpes://me@h:2121",
        true,
        None,
        Some("~/work"),
        true,
    )
    .unwrap();
    let listed = commands::list(&store);
    let lines: Vec<_> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(lines[0].starts_with("NAME"), "{listed}");
    assert!(
        lines[1].contains("ftp://ftp.example.org") && lines[1].contains("/pub"),
        "{listed}"
    );
    assert!(
        lines[2].contains("ftpes://me@h:2121") && lines[2].contains("active"),
        "{listed}"
    );
    assert!(lines[2].contains("~/work"), "{listed}");
    // Columns line up (by display width).
    let col = |l: &str| unicode_width::UnicodeWidthStr::width(&l[..l.find("ftp").unwrap()]);
    assert_eq!(col(lines[1]), col(lines[2]));

    let b = store.get("büro").unwrap();
    assert_eq!((b.password, b.mode), (PasswordMode::Ask, Mode::Active));

    assert!(matches!(
        commands::add(&mut store, "x", "ftp://u:p@h", false, None, None, true),
        Err(CommandError::PasswordWithAsk)
    ));
    assert!(matches!(
        commands::add(&mut store, "x", "ftp://:p@h", false, None, None, false),
        Err(CommandError::PasswordWithoutUser)
    ));
    assert!(matches!(
        commands::add(&mut store, "PUB", "ftp://h", false, None, None, false),
        Err(CommandError::Edit(EditError::Invalid(
            Invalid::DuplicateName(_)
        )))
    ));
    assert!(matches!(
        commands::add(&mut store, "y", "ftp://h", false, None, Some("rel"), false),
        Err(CommandError::Edit(EditError::Invalid(Invalid::BadLocalDir)))
    ));
    assert!(
        commands::remove(&mut store, "Pub")
            .unwrap()
            .contains("removed \"pub\"")
    );
    assert!(matches!(
        commands::remove(&mut store, "pub"),
        Err(CommandError::Edit(EditError::NotFound(_)))
    ));
    assert_eq!(Store::load(dir.path()).bookmarks().len(), 1);
}
