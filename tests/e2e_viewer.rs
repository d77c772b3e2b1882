//! End to end: F3 and F4 in the real binary, in a pseudo-terminal, against
//! the in-process server. The editor is a shell script; the private
//! copies go to a TMPDIR of the test's own, so it can check they are gone.

#[path = "common/pty.rs"]
mod pty;
#[path = "common/server.rs"]
mod server;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use pty::{Key, Pty};
use server::TestServer;

const WAIT: Duration = Duration::from_secs(30);
const BIN: &str = env!("CARGO_BIN_EXE_wharf");

struct Run {
    _rt: tokio::runtime::Runtime,
    server: TestServer,
    home: tempfile::TempDir,
    tmp: PathBuf,
    p: Pty,
}

/// wharf connected to a fresh server holding `files`, with `editor` as
/// `$EDITOR` (and `$VISUAL`), its temporary files in a folder of ours.
fn start(files: &[(&str, &[u8])], editor: Option<&str>) -> Run {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(Some(("alice", "pw")), false));
    for (name, data) in files {
        std::fs::write(server.path(name), data).expect("server file");
    }
    let home = tempfile::tempdir().expect("tempdir");
    let tmp = home.path().join("tmp");
    let config = home.path().join("config");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::create_dir_all(&config).unwrap();
    let mut env: Vec<(&str, String)> = vec![
        ("WHARF_CONFIG_DIR", config.display().to_string()),
        (
            "WHARF_DATA_DIR",
            home.path().join("data").display().to_string(),
        ),
        ("NETRC", "/nonexistent/netrc".into()),
        ("TMPDIR", tmp.display().to_string()),
    ];
    if let Some(script) = editor {
        let path = home.path().join("editor.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        env.push(("EDITOR", path.display().to_string()));
        env.push(("VISUAL", path.display().to_string()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let url = format!("ftp://alice:pw@127.0.0.1:{}/", server.port());
    let p = Pty::spawn(Path::new(BIN), &[&url], &env, home.path(), 100, 30).expect("spawn");
    p.wait_for_text(files[0].0, WAIT);
    Run {
        _rt: rt,
        server,
        home,
        tmp,
        p,
    }
}

/// wharf's private folders left in our TMPDIR.
fn leftovers(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("wharf-"))
                .collect()
        })
        .unwrap_or_default()
}

fn quit(mut r: Run) {
    r.p.send_key(Key::F(10));
    assert_eq!(r.p.wait_exit(WAIT), Some(0));
    drop(r.home);
}

#[test]
fn f3_views_a_remote_file_and_its_search_finds_a_line() {
    let text: String = (1..=3000)
        .map(|i| format!("row-{i:04} of the log\n"))
        .collect();
    let mut r = start(&[("log.txt", text.as_bytes())], None);
    r.p.send_key(Key::F(3));
    r.p.wait_for_text("row-0001 of the log", WAIT);
    r.p.send_key(Key::Char('/'));
    r.p.type_text("ROW-25");
    r.p.send_key(Key::Enter);
    let top = |s: &str| s.lines().nth(1).unwrap_or("").to_string();
    r.p.wait_for("the first match at the top", WAIT, |s| {
        top(s).contains("row-2500 of the log")
    });
    r.p.send_key(Key::Char('n'));
    r.p.wait_for("the next match", WAIT, |s| top(s).contains("row-2501"));
    r.p.send_key(Key::Char('N'));
    r.p.wait_for("the match before, backwards", WAIT, |s| {
        top(s).contains("row-2500")
    });
    r.p.send_key(Key::End);
    r.p.wait_for("the end", WAIT, |s| {
        s.contains("row-3000") && s.contains("100%")
    });
    r.p.send_key(Key::Char('n'));
    r.p.wait_for_text("Not found after here", WAIT);
    r.p.send_key(Key::Char('q'));
    r.p.wait_for("the panes again", WAIT, |s| s.contains("Local:"));
    assert!(leftovers(&r.tmp).is_empty(), "{:?}", leftovers(&r.tmp));
    quit(r);
}

#[test]
fn f4_uploads_what_the_editor_appended_and_removes_the_copy() {
    let mut r = start(
        &[("conf.txt", b"a=1\n")],
        Some("echo 'added by the editor' >> \"$1\""),
    );
    r.p.send_key(Key::F(4));
    r.p.wait_for_text("Saved conf.txt on the server", WAIT);
    assert_eq!(
        std::fs::read_to_string(r.server.path("conf.txt")).unwrap(),
        "a=1\nadded by the editor\n"
    );
    r.p.wait_for("the temporary copy to go", WAIT, |_| {
        leftovers(&r.tmp).is_empty()
    });
    quit(r);
}

/// The server file's time, set an hour back so an upload would show.
fn aged(path: &Path) -> SystemTime {
    let old = SystemTime::now() - Duration::from_secs(3600);
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(old).unwrap();
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn f4_with_no_change_uploads_nothing() {
    let mut r = start(&[("conf.txt", b"a=1\n")], Some("exit 0"));
    let before = aged(&r.server.path("conf.txt"));
    r.p.send_key(Key::F(4));
    r.p.wait_for_text("conf.txt unchanged: nothing uploaded", WAIT);
    let path = r.server.path("conf.txt");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a=1\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
    assert!(leftovers(&r.tmp).is_empty(), "{:?}", leftovers(&r.tmp));
    quit(r);
}

#[test]
fn f4_with_an_editor_that_fails_uploads_nothing_and_says_so() {
    let mut r = start(
        &[("conf.txt", b"a=1\n")],
        Some("echo 'half done' >> \"$1\"; exit 1"),
    );
    let before = aged(&r.server.path("conf.txt"));
    r.p.send_key(Key::F(4));
    r.p.wait_for_text("editor.sh exited", WAIT);
    r.p.send_key(Key::Char('M'));
    r.p.wait_for("the whole message", WAIT, |s| {
        s.contains("exited with status 1: nothing uploaded; the edited copy is")
            && s.contains("kept at")
    });
    r.p.send_key(Key::Esc);
    let path = r.server.path("conf.txt");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "a=1\n");
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
    quit(r);
}

#[test]
fn the_editor_gets_the_keys_typed_while_it_runs() {
    // An editor that reads a line from the terminal: wharf must not take
    // those keys (crossterm's reader is stopped while it runs).
    let mut r = start(
        &[("conf.txt", b"a=1\n")],
        Some("echo 'type a line:'; read answer; echo \"$answer\" >> \"$1\""),
    );
    r.p.send_key(Key::F(4));
    r.p.wait_for_text("type a line:", WAIT);
    r.p.type_text("typed in the editor");
    r.p.send_key(Key::Enter);
    r.p.wait_for_text("Saved conf.txt on the server", WAIT);
    assert_eq!(
        std::fs::read_to_string(r.server.path("conf.txt")).unwrap(),
        "a=1\ntyped in the editor\n"
    );
    quit(r);
}
