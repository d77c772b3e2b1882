//! `wharf ls URL`: one folder, printed as `ls -l`.

use std::io::{self, BufWriter, Write};

use chrono::Datelike;

use crate::engine::protocol::{ConnectProfile, Entry, EntryKind, NameEncoding};
use crate::engine::session::Connector;
use crate::text::{push_padded, push_short_time, sanitize};

/// `wharf ls URL`: prints the folder as `ls -l` would and returns the
/// exit code. Sorted by name, or with `unsorted` (`-U`) in the server's
/// order as the entries arrive, holding none of them. Lines the server
/// sent that could not be read, and a listing the server cut short, are
/// said on stderr (without `-v`), and make the exit code 1.
pub async fn ls(profile: ConnectProfile, verbose: bool, unsorted: bool) -> i32 {
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
    let year = chrono::Local::now().year();
    let mut out = BufWriter::with_capacity(256 * 1024, io::stdout());
    let mut write_error: Option<io::Error> = None;
    let result = if unsorted {
        // The encoding of a streamed listing is the bookmark's (auto: UTF-8,
        // other bytes escaped): it cannot wait for the last name.
        let encoding = session.profile().listing.encoding;
        let encoding = match encoding {
            NameEncoding::Auto => NameEncoding::Utf8,
            other => other,
        };
        let mut each = |batch: Vec<Entry>| {
            if write_error.is_none()
                && let Err(e) = print_long(&mut out, &batch, year, encoding)
            {
                write_error = Some(e);
            }
        };
        session.list_streaming(&path, &mut each).await
    } else {
        match session.list_noted(&path, &mut |_| {}).await {
            Ok((mut entries, notes)) => {
                entries.sort_unstable_by(|a, b| a.name.cmp(&b.name));
                if let Err(e) = print_long(&mut out, &entries, year, notes.encoding) {
                    write_error = Some(e);
                }
                // The process ends right after this: freeing 100,000 entries
                // one by one would only delay the exit the user waits for.
                std::mem::forget(entries);
                Ok(notes)
            }
            Err(e) => Err(e),
        }
    };
    if write_error.is_none()
        && let Err(e) = out.flush()
    {
        write_error = Some(e);
    }
    drop(out);
    // Print before saying goodbye: the listing is what the user waits for.
    let code = match (result, write_error) {
        (Err(e), _) => {
            eprintln!("wharf: {}: {e}", sanitize(&path.display()));
            1
        }
        // A closed pipe (`wharf ls … | head`) is not an error.
        (Ok(_), Some(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        (Ok(_), Some(e)) => {
            eprintln!("wharf: {e}");
            1
        }
        (Ok(notes), None) => {
            let warnings = notes.warnings();
            for w in &warnings {
                eprintln!("wharf: {}: {}", sanitize(&path.display()), sanitize(w));
            }
            i32::from(!warnings.is_empty())
        }
    };
    if session.is_usable() {
        session.quit().await;
    }
    code
}

fn print_long(
    out: &mut impl Write,
    entries: &[Entry],
    year: i32,
    encoding: NameEncoding,
) -> io::Result<()> {
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
        line.push_str(&sanitize(&encoding.decode(e.name.as_bytes())));
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
    Ok(())
}
