//! End to end, the real binary in a pseudo-terminal against the
//! in-process server: the synchronise dialog (S), the plan the engine
//! walked, applied with deletions (they run after the copies), files
//! compared by their bytes; then a second sync finds nothing to do; and
//! compare mode (`=`) marks in the panes.

#[path = "common/pty.rs"]
mod pty;
#[path = "common/server.rs"]
mod server;

use std::path::Path;
use std::time::Duration;

use pty::{Key, Pty};
use server::TestServer;

const WAIT: Duration = Duration::from_secs(30);
const BIN: &str = env!("CARGO_BIN_EXE_wharf");

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
    Pty::spawn(Path::new(BIN), args, &env, cwd, 110, 32).expect("spawn wharf")
}

fn write(path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, data).expect("write");
}

#[test]
fn synchronise_downloads_what_differs_deletes_extras_then_is_in_sync() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let server = rt.block_on(TestServer::start(Some(("alice", "pw")), false));
    write(&server.path("site/index.html"), b"<h1>new</h1>");
    write(&server.path("site/css/style.css"), b"body{}");
    let home = tempfile::tempdir().expect("home");
    let local = home.path().join("copy");
    write(&local.join("index.html"), b"<h1>old</h1> and longer");
    write(&local.join("stale.txt"), b"stale");
    // The same on both sides, times too: equal, and asked by checksum.
    write(&server.path("site/same.txt"), b"same");
    write(&local.join("same.txt"), b"same");
    let t = std::fs::metadata(server.path("site/same.txt"))
        .and_then(|m| m.modified())
        .expect("mtime");
    std::fs::File::options()
        .write(true)
        .open(local.join("same.txt"))
        .and_then(|f| f.set_modified(t))
        .expect("set time");
    let url = format!("ftp://alice:pw@127.0.0.1:{}/site", server.port());
    let mut p = spawn(&[&url], &local, home.path());
    p.wait_for_text("/css", WAIT);

    // Compare mode marks both panes; the footer counts. Again: by
    // checksum too, which libunftp does not offer (said); again: off.
    p.send("=".as_bytes());
    p.wait_for_text("compare", WAIT);
    p.send("=".as_bytes());
    p.wait_for_text("offers no checksum", WAIT);
    p.send("=".as_bytes());
    p.wait_for_text("Compare off", WAIT);

    // Synchronise from the server (the focused pane) to this computer,
    // deleting what is only here.
    p.send("S".as_bytes());
    p.wait_for_text("Nothing changes until you apply the plan.", WAIT);
    p.send_key(Key::Down);
    p.send(" ".as_bytes());
    p.wait_for_text("[x] Delete files that are only on the target", WAIT);
    p.send_key(Key::Enter);
    // The plan the engine walked: what differs, what goes.
    p.wait_for_text("only after every copy succeeded", WAIT);
    p.wait_for_text("css/style.css", WAIT);
    p.wait_for_text("size differs", WAIT);
    p.wait_for_text("only here", WAIT);
    // Deletions ticked: the first Enter asks, the second applies.
    p.send_key(Key::Enter);
    p.wait_for_text("Enter again", WAIT);
    p.send_key(Key::Enter);
    p.wait_for("the files downloaded", WAIT, |_| {
        std::fs::read(local.join("css/style.css")).is_ok_and(|b| b == b"body{}")
            && std::fs::read(local.join("index.html")).is_ok_and(|b| b == b"<h1>new</h1>")
    });
    p.wait_for("the extra deleted", WAIT, |_| {
        !local.join("stale.txt").exists()
    });
    p.wait_for_text("in sync: 2 files copied, 1 deleted", WAIT);

    // Again: nothing to do.
    p.send("S".as_bytes());
    p.wait_for_text("Nothing changes until you apply the plan.", WAIT);
    p.send_key(Key::Enter);
    p.wait_for_text("in sync: nothing to do", WAIT);
}
