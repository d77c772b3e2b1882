//! Commands that run without the TUI, on the same engine: for scripts and
//! for measuring the engine against curl and lftp.

use std::io::{self, BufWriter, Write};

use chrono::Datelike;

use crate::engine::protocol::{ConnectProfile, Entry, EntryKind, Event, WireDir};
use crate::engine::session::Session;
use crate::engine::wire_log::WireSink;
use crate::ui::text::{sanitize, short_time};

/// `wharf ls URL`: prints the folder as `ls -l` would and returns the exit code.
pub async fn ls(profile: ConnectProfile, verbose: bool) -> i32 {
    let sink = WireSink::new(move |ev| {
        if let (true, Event::Wire { dir, text, .. }) = (verbose, ev) {
            let arrow = match dir {
                WireDir::Sent => ">",
                WireDir::Received => "<",
                WireDir::Info => "*",
            };
            eprintln!("{arrow} {}", sanitize(&text));
        }
    });
    let target = profile.authority();
    let mut session = match Session::open(profile, sink).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wharf: {target}: {e}");
            return 1;
        }
    };
    let path = session.start_path();
    let result = session.list(&path).await;
    if session.is_usable() {
        session.quit().await;
    }
    match result {
        Ok(mut entries) => {
            entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
            match print_long(&entries) {
                Ok(()) => 0,
                // A closed pipe (`wharf ls … | head`) is not an error.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
                Err(e) => {
                    eprintln!("wharf: {e}");
                    1
                }
            }
        }
        Err(e) => {
            eprintln!("wharf: {path}: {e}");
            1
        }
    }
}

fn print_long(entries: &[Entry]) -> io::Result<()> {
    let year = chrono::Local::now().year();
    let mut out = BufWriter::with_capacity(256 * 1024, io::stdout().lock());
    for e in entries {
        let perm = e.permissions.as_deref().unwrap_or(match e.kind {
            EntryKind::Dir => "d?????????",
            EntryKind::Symlink => "l?????????",
            _ => "-?????????",
        });
        let time = short_time(e.modified, year);
        let name = sanitize(&e.name);
        match (&e.kind, &e.link_target) {
            (EntryKind::Symlink, Some(t)) => writeln!(
                out,
                "{} {:>12} {:<12} {} -> {}",
                sanitize(perm),
                e.size,
                time,
                name,
                sanitize(t)
            )?,
            (EntryKind::Dir, _) => writeln!(
                out,
                "{} {:>12} {:<12} {}/",
                sanitize(perm),
                e.size,
                time,
                name
            )?,
            _ => writeln!(
                out,
                "{} {:>12} {:<12} {}",
                sanitize(perm),
                e.size,
                time,
                name
            )?,
        }
    }
    out.flush()
}
