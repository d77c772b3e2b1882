//! `wharf get`/`put` progress as a user sees it: the real binary in a
//! pseudo-terminal (stderr a terminal, so the bars are drawn), one big
//! file through a proxy that slows its data connection down, the screen
//! read back through a terminal emulator while it runs and after it ends.

#[path = "common/cut_proxy.rs"]
mod cut_proxy;
#[path = "common/pty.rs"]
mod pty;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

use cut_proxy::{CutProxy, Faults};
use pty::Pty;
use server::TestServer;
use tree::{content, sha, sha_bytes};

const BIN: &str = env!("CARGO_BIN_EXE_wharf");
const WAIT: Duration = Duration::from_secs(30);
/// 8 MiB at 4 MiB/s: about two seconds of bars.
const SIZE: usize = 8 * 1024 * 1024;
const RATE: u64 = 4 * 1024 * 1024;

/// What one screen of a running copy shows: the bytes on the total's line
/// (the one that counts files) and on the file's own line.
#[derive(Debug, Clone, Copy, Default)]
struct Bars {
    total: Option<u64>,
    file: Option<u64>,
    /// The file line's size, as printed after its ` / `.
    file_size: Option<u64>,
}

fn bars(screen: &str) -> Bars {
    let mut seen = Bars::default();
    for line in screen.lines().filter(|l| l.contains(" / ")) {
        let (done, size) = figures(line);
        if line.contains(" files") {
            seen.total = done;
        } else if line.contains("big.bin") {
            seen.file = done;
            seen.file_size = size;
        }
    }
    seen
}

/// `… 2.50 MiB / 8.00 MiB …` → both figures in bytes.
fn figures(line: &str) -> (Option<u64>, Option<u64>) {
    let Some((before, after)) = line.split_once(" / ") else {
        return (None, None);
    };
    let before: Vec<&str> = before.split_whitespace().collect();
    let done = match before.as_slice() {
        [.., n, unit] => bytes(n, unit),
        _ => None,
    };
    let mut after = after.split_whitespace();
    let size = match (after.next(), after.next()) {
        (Some(n), Some(unit)) => bytes(n, unit),
        _ => None,
    };
    (done, size)
}

fn bytes(n: &str, unit: &str) -> Option<u64> {
    let scale = match unit {
        "B" => 1.0,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    n.parse::<f64>().ok().map(|v| (v * scale).round() as u64)
}

/// Runs wharf in a 100×20 terminal in `cwd` and watches it to the end:
/// every screen that shows both bars must show the file within the total,
/// the file's bar must show its size, and afterwards only the summary may
/// be left. Returns the last screen.
fn watch(args: &[&str], cwd: &Path) -> String {
    let state = tempfile::tempdir().expect("tempdir");
    let config = state.path().join("config").to_string_lossy().into_owned();
    let data = state.path().join("data").to_string_lossy().into_owned();
    let env = [
        ("WHARF_CONFIG_DIR", config.as_str()),
        ("WHARF_DATA_DIR", data.as_str()),
        ("NETRC", "/nonexistent/netrc"),
    ];
    let mut all = args.to_vec();
    all.extend(["--timeout", "10", "--connect-timeout", "5"]);
    let mut p = Pty::spawn(Path::new(BIN), &all, &env, cwd, 100, 20).expect("spawn wharf");

    // The total may run ahead of the file for a moment (it is drawn
    // first), never behind it: the file's bytes are part of it.
    let behind = RefCell::new(Vec::new());
    let check = |screen: &str| {
        let b = bars(screen);
        if let (Some(total), Some(file)) = (b.total, b.file)
            && file > total
        {
            behind.borrow_mut().push(screen.to_string());
        }
        b
    };
    p.wait_for("the file's own bar, with the file's size", WAIT, |screen| {
        check(screen).file_size == Some(SIZE as u64)
    });
    let last = p.wait_for("the summary", WAIT, |screen| {
        check(screen);
        screen.contains("1 file, 8.0 MiB in ")
    });
    assert_eq!(p.wait_exit(WAIT), Some(0), "{last}");
    if let Some(screen) = behind.borrow().first() {
        panic!("the total fell behind the file:\n{screen}");
    }
    let screen = p.screen();
    let left: Vec<&str> = screen.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(left.len(), 1, "only the summary stays:\n{screen}");
    assert!(left[0].starts_with("1 file, 8.0 MiB in "), "{screen}");
    screen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_big_file_draws_true_bars_and_leaves_only_the_summary() {
    let server = TestServer::start(None, false).await;
    let data = content(11, SIZE);
    std::fs::write(server.path("big.bin"), &data).expect("write");
    let slow = Faults {
        rate: RATE,
        ..Faults::default()
    };
    let proxy = CutProxy::start(server.addr(), slow).await;
    let base = format!("ftp://127.0.0.1:{}/", proxy.addr.port());
    let local = tempfile::tempdir().expect("tempdir");

    let cwd = local.path().to_path_buf();
    let url = format!("{base}big.bin");
    tokio::task::spawn_blocking(move || watch(&["get", &url], &cwd))
        .await
        .expect("get");
    assert_eq!(sha(&local.path().join("big.bin")), sha_bytes(&data));

    std::fs::create_dir(server.path("up")).expect("mkdir");
    let cwd = local.path().to_path_buf();
    let url = format!("{base}up/");
    tokio::task::spawn_blocking(move || watch(&["put", "big.bin", &url], &cwd))
        .await
        .expect("put");
    assert_eq!(sha(&server.path("up/big.bin")), sha_bytes(&data));
}

#[test]
fn figures_are_read_off_both_lines() {
    let screen = "━━╸      2.50 MiB / 8.00 MiB   2.99 MiB/s  0/1 files  big.bin\n  \
                  ━━━      2.00 MiB / 8.00 MiB        big.bin";
    let b = bars(screen);
    assert_eq!(b.total, Some(2_621_440));
    assert_eq!(b.file, Some(2 * 1024 * 1024));
    assert_eq!(b.file_size, Some(8 * 1024 * 1024));
    assert_eq!(figures("  512 B / 0 B  x"), (Some(512), Some(0)));
}
