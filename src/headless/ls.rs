//! `wharf ls URL`: one folder, printed as `ls -l`.

use std::io::{self, BufWriter, Write};

use chrono::Datelike;

use crate::engine::protocol::{ConnectProfile, Entry, EntryKind};
use crate::engine::session::Connector;
use crate::text::{push_padded, push_short_time, sanitize};

/// `wharf ls URL`: prints the folder as `ls -l` would and returns the exit code.
pub async fn ls(profile: ConnectProfile, verbose: bool) -> i32 {
    let sink = super::shared::stderr_sink(verbose);
    let target = profile.authority();
    let mut session = match Connector::new().open(profile, sink).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wharf: {target}: {e}");
            return 1;
        }
    };
    let path = session.start_path();
    let result = session.list(&path).await;
    // Print before saying goodbye: the listing is what the user waits for.
    let code = match result {
        Ok(mut entries) => {
            entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
            let printed = print_long(&entries);
            // The process ends right after this: freeing 100,000 entries one
            // by one would only delay the exit the user is waiting for.
            std::mem::forget(entries);
            match printed {
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
            eprintln!("wharf: {}: {e}", sanitize(&path.display()));
            1
        }
    };
    if session.is_usable() {
        session.quit().await;
    }
    code
}

fn print_long(entries: &[Entry]) -> io::Result<()> {
    let year = chrono::Local::now().year();
    let mut out = BufWriter::with_capacity(256 * 1024, io::stdout().lock());
    // One reused line buffer: `format!` per line costs more than the
    // network when a folder has 100,000 entries.
    let mut line = String::with_capacity(256);
    for e in entries {
        line.clear();
        match e.permissions {
            Some(p) => line.push_str(&p.text()),
            None => line.push_str(match e.kind {
                EntryKind::Dir => "d?????????",
                EntryKind::Symlink => "l?????????",
                _ => "-?????????",
            }),
        }
        line.push(' ');
        push_padded(&mut line, e.size, 12, ' ');
        line.push(' ');
        let before = line.len();
        push_short_time(&mut line, e.modified, year);
        for _ in line[before..].chars().count()..12 {
            line.push(' ');
        }
        line.push(' ');
        line.push_str(&sanitize(&e.name.display()));
        match (&e.kind, &e.link_target) {
            (EntryKind::Symlink, Some(t)) => {
                line.push_str(" -> ");
                line.push_str(&sanitize(&t.display()));
            }
            (EntryKind::Dir, _) => line.push('/'),
            _ => {}
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}
