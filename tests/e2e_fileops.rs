//! End to end, the real binary in a pseudo-terminal against the
//! in-process server: F8 on a remote folder (confirmed: gone on the
//! server), F7, Shift-F6; and bad input — mkdir of an existing name, a
//! rename onto an existing name, a name with `/`, a delete the system
//! refuses — each a clear message and nothing lost.

#[path = "common/pty.rs"]
mod pty;
#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use pty::{Key, Pty};
use server::TestServer;

const WAIT: Duration = Duration::from_secs(30);
const BIN: &str = env!("CARGO_BIN_EXE_wharf");
/// xterm's Shift-F6.
const SHIFT_F6: &[u8] = b"\x1b[17;2~";

fn spawn(args: &[&str], cwd: &Path, home: &Path) -> Pty {
    let config = home.join("config");
    std::fs::create_dir_all(&config).expect("config");
    let config = config.display().to_string();
    let data = home.join("data").display().to_string();
    let env = [
        ("WHARF_CONFIG_DIR", config.as_str()),
        ("WHARF_DATA_DIR", data.as_str()),
        ("NETRC", "/nonexistent/netrc"),
    ];
    Pty::spawn(Path::new(BIN), args, &env, cwd, 100, 30).expect("spawn wharf")
}

fn until(what: &str, f: impl Fn() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn clear_line(p: &mut Pty) {
    p.send_key(Key::Ctrl('u'));
}

#[test]
fn remote_delete_mkdir_and_rename_with_their_refusals() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(Some(("alice", "pw")), false));
    std::fs::create_dir_all(server.path("doomed/inner")).expect("tree");
    for i in 0..5 {
        std::fs::write(server.path(format!("doomed/inner/f{i}")), b"x").expect("file");
    }
    std::fs::write(server.path("keep.txt"), b"keep").expect("file");
    std::fs::write(server.path("other.txt"), b"other").expect("file");
    let home = tempfile::tempdir().expect("home");
    let url = format!("ftp://alice:pw@127.0.0.1:{}/", server.port());
    let mut p = spawn(&[&url], home.path(), home.path());
    p.wait_for_text("doomed", WAIT);

    // F8 on the folder under the cursor: the count, then Enter.
    p.send_key(Key::F(8));
    p.wait_for_text("Delete doomed:", WAIT);
    p.wait_for_text("Delete doomed: 2 folders, 5 files, 5 bytes?", WAIT);
    p.send_key(Key::Enter);
    until("the folder gone on the server", || {
        !server.path("doomed").exists()
    });
    p.wait_for_text("Deleted", WAIT);
    p.wait_for_text_gone("doomed", WAIT);

    // F7: nested folders; the cursor lands on the new one.
    p.send_key(Key::F(7));
    p.wait_for_text("Make folder", WAIT);
    p.type_text("made/deep");
    p.send_key(Key::Enter);
    until("made/deep on the server", || {
        server.path("made/deep").is_dir()
    });
    p.wait_for_text("Made made", WAIT);
    p.wait_for("made listed", WAIT, |s| s.contains("│/made "));

    // mkdir of an existing name: said in the dialog.
    p.send_key(Key::F(7));
    p.type_text("made");
    p.send_key(Key::Enter);
    // Said by the dialog from the listing, or by the engine when the
    // listing was not re-read yet.
    p.wait_for("mkdir refused", WAIT, |s| {
        s.contains("A folder named made is already here") || s.contains("/made exists already")
    });
    p.send_key(Key::Esc);

    // Shift-F6 on keep.txt (below made).
    p.send_key(Key::Home);
    p.send_key(Key::Down);
    p.send(SHIFT_F6);
    p.wait_for_text("Rename keep.txt to:", WAIT);
    clear_line(&mut p);
    p.type_text("kept.txt");
    p.send_key(Key::Enter);
    until("kept.txt on the server", || {
        server.path("kept.txt").exists()
    });
    assert!(!server.path("keep.txt").exists());
    p.wait_for_text("Renamed to kept.txt", WAIT);
    // The re-read: the cursor on the new name.
    p.wait_for("kept.txt listed", WAIT, |s| s.contains("│ kept.txt "));

    // A name with `/`, then a rename onto an existing name: refused, asked.
    p.send(SHIFT_F6);
    p.wait_for_text("Rename kept.txt to:", WAIT);
    clear_line(&mut p);
    p.type_text("sub/x.txt");
    p.send_key(Key::Enter);
    p.wait_for_text("A name cannot hold `/`", WAIT);
    clear_line(&mut p);
    p.type_text("other.txt");
    p.send_key(Key::Enter);
    p.wait_for_text("other.txt exists: Enter again replaces it", WAIT);
    p.send_key(Key::Esc);
    p.wait_for_text_gone("Enter again", WAIT);
    assert_eq!(
        std::fs::read(server.path("kept.txt")).expect("kept"),
        b"keep"
    );
    assert_eq!(
        std::fs::read(server.path("other.txt")).expect("other"),
        b"other"
    );

    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}

/// A delete the system refuses (a file of /proc: refused even to root,
/// where a read-only folder is not): the reason said, nothing lost.
#[test]
fn a_refused_local_delete_says_why() {
    let home = tempfile::tempdir().expect("home");
    let kernel = Path::new("/proc/sys/kernel");
    let mut p = spawn(&[], kernel, home.path());
    // No server given: the bookmark manager opens first.
    p.wait_for_text("Bookmarks", WAIT);
    p.send_key(Key::Esc);
    p.wait_for_text_gone("No bookmarks yet", WAIT);
    p.send_key(Key::Alt('c'));
    p.wait_for_text("Go to", WAIT);
    clear_line(&mut p);
    p.type_text("/proc/sys/kernel/hostname");
    p.send_key(Key::Enter);
    p.wait_for_text_gone("Go to", WAIT);
    p.wait_stable(Duration::from_secs(2));
    p.send_key(Key::F(8));
    p.wait_for_text("Delete hostname:", WAIT);
    p.send_key(Key::Enter);
    p.wait_for_text("Could not delete /proc/sys/kernel/hostname", WAIT);
    assert!(kernel.join("hostname").exists());
    p.send_key(Key::F(10));
    assert_eq!(p.wait_exit(WAIT), Some(0));
}
