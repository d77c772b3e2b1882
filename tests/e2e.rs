//! End to end: the real wharf binary in a pseudo-terminal, keys in, screen
//! out. These catch what no unit test can: terminal set-up and restore,
//! the event loop, the demo server, real timing.

#[path = "common/pty.rs"]
mod pty;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::path::Path;
use std::time::Duration;

use pty::{Key, Pty};
use server::TestServer;

const WAIT: Duration = Duration::from_secs(30);
const BIN: &str = env!("CARGO_BIN_EXE_wharf");

/// Runs wharf with its config and data folders inside `cwd`'s sibling
/// temp folders, so no test reads or writes the real ~/.config/wharf.
fn spawn(args: &[&str], cwd: &Path, cols: u16, rows: u16) -> Pty {
    let state = cwd.join(".wharf-test");
    let config = state.join("config");
    let data = state.join("data");
    std::fs::create_dir_all(&config).expect("config dir");
    spawn_in(args, cwd, &config, &data, cols, rows)
}

fn spawn_in(args: &[&str], cwd: &Path, config: &Path, data: &Path, cols: u16, rows: u16) -> Pty {
    let config = config.to_string_lossy();
    let data = data.to_string_lossy();
    let env = [
        ("WHARF_CONFIG_DIR", config.as_ref()),
        ("WHARF_DATA_DIR", data.as_ref()),
        ("NETRC", "/nonexistent/netrc"),
    ];
    Pty::spawn(Path::new(BIN), args, &env, cwd, cols, rows).expect("spawn wharf")
}

/// The terminal was put back: mouse reporting off, main screen, cursor shown.
fn assert_restored(p: &Pty) {
    let out = p.output_bytes();
    let has = |s: &[u8]| out.windows(s.len()).any(|w| w == s);
    assert!(has(b"\x1b[?1000l"), "mouse capture not disabled");
    assert!(has(b"\x1b[?1049l"), "alternate screen not left");
    assert!(has(b"\x1b[?25h"), "cursor not shown again");
}

#[test]
fn demo_browse_into_a_folder_and_back_then_quit() {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("local-file.txt"), b"x").expect("write");
    let mut p = spawn(&["--demo"], home.path(), 100, 30);
    // Both panes: the local folder and the demo server's root.
    let screen = p.wait_for_text("big-folder", WAIT);
    assert!(screen.contains("local-file.txt"), "{screen}");
    assert!(
        screen.contains("UNIX Type: L8"),
        "status bar shows the system type:\n{screen}"
    );

    let screen = open_docs(&mut p);
    assert!(
        screen.contains(": /docs"),
        "the title shows the path:\n{screen}"
    );
    assert!(
        screen.contains("日本語.txt") && screen.contains("Überweisung März.pdf"),
        "{screen}"
    );
    assert!(
        !screen.contains(".draft (hidden).txt"),
        "hidden files are hidden by default"
    );

    // Hidden files on, then back up: the cursor lands on docs.
    p.send_key(Key::Char('.'));
    p.wait_for_text(".draft (hidden).txt", WAIT);
    p.send_key(Key::Backspace);
    p.wait_for_text("big-folder", WAIT);

    // The protocol log shows the exchange, password masked.
    p.send_key(Key::F(9));
    let screen = p.wait_for_text("Protocol log", WAIT);
    // The newest lines: the listing of the folder we went back to.
    assert!(
        screen.contains("> MLSD") && screen.contains("< 226"),
        "{screen}"
    );

    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
    assert_restored(&p);
    // Every frame came as a synchronized update (DEC mode 2026).
    let out = p.output_bytes();
    let count = |s: &[u8]| out.windows(s.len()).filter(|w| *w == s).count();
    let (begun, ended) = (count(b"\x1b[?2026h"), count(b"\x1b[?2026l"));
    assert!(begun > 3 && begun == ended, "{begun} begun, {ended} ended");
    // The demo's server dies with this run: it is not a recent connection.
    let bookmarks = home.path().join(".wharf-test/config/bookmarks.toml");
    let kept = std::fs::read_to_string(&bookmarks).unwrap_or_default();
    assert!(!kept.contains("127.0.0.1"), "demo kept in Recent:\n{kept}");
}

/// Keys typed while wharf starts (the demo writes 20,000 files) are kept
/// for the app: F9 typed at once opens the protocol log when the screen is
/// up (it used to be echoed as `^[[20~` and lost). (Typed before wharf
/// even runs, the terminal still echoes it: the tty is not ours yet.)
#[test]
fn keys_typed_during_start_up_are_kept() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&["--demo"], home.path(), 100, 30);
    p.send_key(Key::F(9));
    p.wait_for_text("Protocol log", WAIT);
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn the_20000_entry_folder_lists_and_pages() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&["--demo"], home.path(), 100, 30);
    p.wait_for_text("big-folder", WAIT);
    p.send_key(Key::Char('/'));
    p.type_text("big-folder");
    p.send_key(Key::Enter);
    p.wait_for("the filter", WAIT, |s| !s.contains("/docs"));
    p.send_key(Key::Down);
    p.send_key(Key::Enter);
    p.wait_for_text("20,000 entries", WAIT);
    p.send_key(Key::End);
    p.wait_stable(WAIT);
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn sigterm_restores_the_terminal() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&[], home.path(), 80, 24);
    // Without a URL the bookmark manager greets the user.
    p.wait_for_text("Bookmarks", WAIT);
    let pid = p.pid().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert_eq!(p.wait_exit(WAIT), Some(0));
    assert_restored(&p);
}

#[test]
fn ctrl_c_quits_and_restores() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&[], home.path(), 80, 24);
    p.wait_for_text("No bookmarks yet", WAIT);
    p.send_key(Key::Esc);
    p.wait_for_text_gone("No bookmarks yet", WAIT);
    p.send_key(Key::Ctrl('c'));
    assert_eq!(p.wait_exit(WAIT), Some(0));
    assert_restored(&p);
}

#[test]
fn a_refused_connection_is_reported_and_wharf_stays_up() {
    let home = tempfile::tempdir().expect("tempdir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let url = format!("ftp://127.0.0.1:{port}/");
    let mut p = spawn(&[&url], home.path(), 100, 24);
    let screen = p.wait_for_text("connection refused", WAIT);
    // The pane says how to retry (the status line says it too, cut at
    // this width).
    assert!(screen.contains("Ctrl-r retries"), "{screen}");
    // Still responsive: the help overlay opens.
    p.send_key(Key::F(1));
    p.wait_for_text("Next panel: local, remote", WAIT);
    p.send_key(Key::Esc);
    p.send_key(Key::Char('q'));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn a_wrong_password_shows_530_and_asks_nothing_else() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(Some(("alice", "right")), false));
    let url = format!("ftp://alice:wrong@127.0.0.1:{}/", server.port());
    let mut p = spawn(&[&url], server.root.path(), 100, 24);
    p.wait_for_text("530", WAIT);
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn a_user_without_password_gets_a_masked_prompt() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(Some(("alice", "s3cr3t")), false));
    std::fs::write(server.path("secret-plans.txt"), b"x").expect("write");
    let url = format!("ftp://alice@127.0.0.1:{}/", server.port());
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&[&url], home.path(), 100, 24);
    p.wait_for_text("Password for alice@", WAIT);
    p.type_text("s3cr3t");
    let screen = p.wait_for_text("******", WAIT);
    assert!(!screen.contains("s3cr3t"));
    p.send_key(Key::Enter);
    p.wait_for_text("secret-plans.txt", WAIT);
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn resizing_down_to_60_by_15_redraws() {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("a-local-file.txt"), b"x").expect("write");
    let mut p = spawn(&["--demo"], home.path(), 120, 40);
    p.wait_for_text("big-folder", WAIT);
    p.resize(60, 15);
    let screen = p.wait_for("a 60-column frame", WAIT, |s| {
        let lines: Vec<&str> = s.lines().collect();
        // Both panes side by side within 60 columns (the old frame, cut to
        // 60 columns by the resize, shows only the left pane), the key bar
        // on the last row.
        lines.len() == 15
            && lines[0].chars().count() == 60
            && lines[0].contains("┐┌")
            // (eleven keys in 60 columns: labels narrowed, "1He…")
            && lines[14].starts_with("1He")
    });
    assert!(screen.contains("a-local-fil"), "{screen}");
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn a_malformed_url_exits_with_status_2() {
    let out = std::process::Command::new(BIN)
        .arg("ftp://host:99999/")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a valid URL"));
}

#[test]
fn wharf_ls_prints_a_long_listing() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::anonymous());
    std::fs::create_dir(server.path("sub dir")).expect("mkdir");
    std::fs::write(server.path("sub dir/file one.txt"), b"12345").expect("write");
    let url = format!("ftp://127.0.0.1:{}/sub%20dir", server.port());
    let out = std::process::Command::new(BIN)
        .args(["ls", &url])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.ends_with("file one.txt"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.starts_with('-') && line.contains(" 5 "), "{line}");
    let missing = format!("ftp://127.0.0.1:{}/nope", server.port());
    let out = std::process::Command::new(BIN)
        .args(["ls", &missing])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("550"));
}

fn asset(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo")
            .join(name),
    )
    .expect("asset")
}

/// Opens the demo's docs folder in the remote pane (filters to it, steps
/// onto it, opens it); returns the screen that shows it.
fn open_docs(p: &mut Pty) -> String {
    p.wait_for_text("big-folder", WAIT);
    p.send_key(Key::Char('/'));
    p.type_text("docs");
    p.send_key(Key::Enter);
    p.wait_for("the filter to narrow the pane", WAIT, |s| {
        !s.contains("big-folder")
    });
    p.send_key(Key::Down);
    p.send_key(Key::Enter);
    p.wait_for_text("café menu.txt", WAIT)
}

#[test]
fn mark_two_files_and_f5_downloads_them() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&["--demo"], home.path(), 120, 34);
    open_docs(&mut p);
    // ".." → manual/ → café menu.txt (mark) → empty.txt → exactly 1 KiB.bin → notes.md (mark)
    p.send_keys(&[
        Key::Down,
        Key::Down,
        Key::Insert,
        Key::Down,
        Key::Down,
        Key::Insert,
    ]);
    let screen = p.wait_for_text("2 marked", WAIT);
    assert!(
        screen.contains("*café menu.txt") && screen.contains("*notes.md"),
        "{screen}"
    );
    p.send_key(Key::F(5));
    // The copy dialog names what goes and where; Enter starts.
    p.wait_for_text("Copy 2 files", WAIT);
    p.send_key(Key::Enter);
    p.wait_for_text("Transfers finished: 2 done", WAIT);
    assert_eq!(
        std::fs::read(home.path().join("café menu.txt")).expect("café"),
        asset("cafe-menu.txt")
    );
    assert_eq!(
        std::fs::read(home.path().join("notes.md")).expect("notes"),
        asset("notes.md")
    );
    // The local pane re-read itself and shows them.
    p.wait_for("the local pane to show the copies", WAIT, |s| {
        s.lines().filter(|l| l.contains("notes.md")).count() >= 1 && s.contains(" café menu.txt")
    });
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn drag_and_drop_with_the_mouse_downloads() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut p = spawn(&["--demo"], home.path(), 120, 34);
    let screen = p.wait_for_text("README.txt", WAIT);
    assert!(screen.contains("big-folder"));
    let (col, row) = p.find_text("README.txt").expect("README.txt on screen");
    p.mouse_press(col + 2, row);
    // Over the local (left) pane, in steps as a real pointer moves.
    p.mouse_drag(col - 20, row);
    p.mouse_drag(20, row);
    p.wait_for_text("⇠ README.txt", WAIT);
    p.mouse_release(20, row);
    p.wait_for_text("Transfers finished: 1 done", WAIT);
    assert_eq!(
        std::fs::read(home.path().join("README.txt")).expect("README"),
        asset("README.txt")
    );
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn a_bookmark_added_in_the_manager_opens_with_wharf_at_name() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(Some(("alice", "s3cr3t")), false));
    std::fs::create_dir(server.path("reports")).expect("mkdir");
    std::fs::write(server.path("reports/q3-summary.txt"), b"x").expect("write");
    let home = tempfile::tempdir().expect("tempdir");
    let state = tempfile::tempdir().expect("tempdir");
    let (config, data) = (state.path().join("config"), state.path().join("data"));
    std::fs::create_dir_all(&config).expect("mkdir");

    // Connect by URL, open /reports, then save it as a bookmark.
    let url = format!("ftp://alice:s3cr3t@127.0.0.1:{}/reports", server.port());
    let mut p = spawn_in(&[&url], home.path(), &config, &data, 110, 32);
    p.wait_for_text("q3-summary.txt", WAIT);
    p.send_key(Key::Char('b'));
    // The connection is already among the recent ones.
    p.wait_for_text("Recent", WAIT);
    p.send_key(Key::Char('a'));
    p.wait_for_text("New bookmark", WAIT);
    for _ in 0.."127.0.0.1".len() {
        p.send_key(Key::Backspace);
    }
    p.type_text("team reports");
    p.send_key(Key::Enter);
    p.wait_for_text("Saved bookmark team reports", WAIT);
    p.send_key(Key::Esc);
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));

    let saved = std::fs::read_to_string(config.join("bookmarks.toml")).expect("bookmarks.toml");
    assert!(
        saved.contains("team reports") && saved.contains("/reports"),
        "{saved}"
    );
    // No password in any file wharf wrote.
    for dir in [&config, &data] {
        for entry in tree::files_under(dir) {
            let bytes = std::fs::read(&entry).unwrap_or_default();
            assert!(
                !bytes.windows(6).any(|w| w == b"s3cr3t"),
                "the password is in {}",
                entry.display()
            );
        }
    }

    // Start through the bookmark: it asks for the password, then lists /reports.
    let mut p = spawn_in(&["@team reports"], home.path(), &config, &data, 110, 32);
    p.wait_for_text("Password for alice@", WAIT);
    p.type_text("s3cr3t");
    p.send_key(Key::Enter);
    let screen = p.wait_for_text("q3-summary.txt", WAIT);
    assert!(screen.contains(": /reports"), "{screen}");
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

#[test]
fn an_unknown_bookmark_is_a_usage_error() {
    let state = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(BIN)
        .arg("@nope")
        .env("WHARF_CONFIG_DIR", state.path())
        .env("WHARF_DATA_DIR", state.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no bookmark named \"nope\""));
}
