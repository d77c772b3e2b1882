//! The viewer over a big local file (issue 13's target: a 1 GiB file shows
//! its first screen in ≤ 100 ms and its end in ≤ 100 ms, in ≤ 64 MiB).
//! Drives the real `update` (F3, End, PageUp, a search's engine side) on a
//! file in `$WHARF_BENCH_DIR` (default /dev/shm), and reports the times
//! and the process's peak memory (VmHWM, reset after the file is written).
//!
//!     cargo bench --bench viewer            # or scripts/bench-viewer.sh
//!     WHARF_BENCH_MIB=4096 cargo bench --bench viewer

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf::app::keymap::Keymap;
use wharf::app::state::AppState;
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{Entry, EntryKind, Event};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs nothing here.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mib: u64 = std::env::var("WHARF_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = PathBuf::from(std::env::var("WHARF_BENCH_DIR").unwrap_or_else(|_| "/dev/shm".into()));
    let folder = tempfile::tempdir_in(&dir).expect("a folder for the file");
    let path = folder.path().join("big.log");
    {
        let mut f =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).unwrap());
        let mut written = 0u64;
        let mut i = 0u64;
        while written < mib << 20 {
            let line = format!(
                "{i:012} GET /some/path/{} HTTP/1.1 200 {}\n",
                i % 977,
                i * 7 % 100_003
            );
            f.write_all(line.as_bytes()).unwrap();
            written += line.len() as u64;
            i += 1;
        }
        f.flush().unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    // The writing's buffers are not the viewer's: count from here.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_kib();

    let mut s = AppState::new(folder.path().to_path_buf(), Keymap::default(), 200, 60);
    let cmds = update(&mut s, Msg::Start(None)).commands;
    let req = cmds
        .iter()
        .find_map(|c| match c {
            wharf::engine::protocol::Command::List { req, .. } => Some(*req),
            _ => None,
        })
        .expect("the local listing");
    let mut entry = Entry::new("big.log".into(), EntryKind::File);
    entry.size = size;
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req,
            path: wharf::engine::protocol::Location::Local(folder.path().to_path_buf()),
            entries: vec![entry],
            notes: Default::default(),
        }),
    );
    s.dialog = None;
    update(&mut s, key(KeyCode::Down));

    let t = Instant::now();
    update(&mut s, key(KeyCode::F(3)));
    let first = t.elapsed();
    let top = s.viewer.as_ref().expect("viewer").rows[0].text.clone();

    let t = Instant::now();
    update(&mut s, key(KeyCode::End));
    let end = t.elapsed();
    let last = s.viewer.as_ref().unwrap().rows.last().unwrap().text.clone();

    let t = Instant::now();
    for _ in 0..10 {
        update(&mut s, key(KeyCode::PageUp));
    }
    let pages = t.elapsed() / 10;

    let t = Instant::now();
    update(&mut s, key(KeyCode::Home));
    let home = t.elapsed();

    // The search's engine side, over the whole file (no match).
    let t = Instant::now();
    let found = wharf::engine::file_search::find(&path, b"no such text", 0, false).unwrap();
    let scan = t.elapsed();
    assert_eq!(found, None);

    let peak = peak_kib();
    println!(
        "viewer over a {} file in {}:",
        wharf::text::size(size),
        dir.display()
    );
    println!("  F3 to the first screen   {}   (top: {top})", ms(first));
    println!("  End to the last screen   {}   (last: {last})", ms(end));
    println!("  PageUp from the end      {} each", ms(pages));
    println!("  Home                     {}", ms(home));
    println!(
        "  search, whole file        {} ({:.1} GB/s)",
        ms(scan),
        size as f64 / scan.as_secs_f64() / 1e9
    );
    println!(
        "  peak memory (VmHWM)      {:.1} MiB (before F3: {:.1} MiB)",
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
