//! `wharf ls URL`: one folder, printed as `ls -l`; a file, as `ls -l FILE`
//! prints it: its own line.

use std::io::{self, BufWriter, Write};

use chrono::Datelike;

use super::shared::{connect_failed, names_a_folder};
use super::wording::remote_failure;
use crate::engine::error::EngineError;
use crate::engine::protocol::{
    ConnectProfile, Entry, EntryKind, ListingNotes, NameEncoding, RemotePath,
};
use crate::engine::session::{Connector, RemoteKind, Session};
use crate::text::{push_padded, push_short_time, sanitize};

/// `wharf ls URL`: prints the folder as `ls -l` would and returns the
/// exit code. Sorted by name, or with `unsorted` (`-U`) in the server's
/// order as the entries arrive, holding none of them. Lines the server
/// sent that could not be read, and a listing the server cut short, are
/// said on stderr (without `-v`), and make the exit code 1.
pub async fn ls(
    connector: Connector,
    profile: ConnectProfile,
    verbose: bool,
    unsorted: bool,
) -> i32 {
    let sink = super::shared::stderr_sink(verbose);
    let target = profile.authority();
    let folder_only = names_a_folder(&profile);
    let mut session = match connector.open(profile, sink).await {
        Ok(s) => s,
        Err(e) => return connect_failed(&target, &e),
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
        match session.list_streaming(&path, &mut each).await {
            Ok(notes) => Ok(notes),
            // A refusal may be a file (its CWD gets 550): said as below.
            Err(e @ EngineError::Reply { .. }) if session.is_usable() => {
                match entries(&mut session, &path, folder_only).await {
                    Ok((found, notes)) => {
                        if let Err(e) = print_long(&mut out, &found, year, notes.encoding) {
                            write_error = Some(e);
                        }
                        Ok(notes)
                    }
                    Err(_) => Err(remote_failure(&path.display(), "folder", &e.failure())),
                }
            }
            Err(e) => Err(remote_failure(&path.display(), "folder", &e.failure())),
        }
    } else {
        match entries(&mut session, &path, folder_only).await {
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
        (Err(why), _) => {
            eprintln!("wharf: {why}");
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

/// What `ls PATH` prints: a folder's entries, or a file's own entry. The
/// folder is listed first (the common case costs nothing more); only when
/// the server refuses that does `stat` find out what the path is. Errors
/// come back worded for the user.
async fn entries(
    session: &mut Session,
    path: &RemotePath,
    folder_only: bool,
) -> Result<(Vec<Entry>, ListingNotes), String> {
    let shown = path.display();
    let refusal = match session.list_noted(path, &mut |_| {}).await {
        Ok(listed) => return Ok(listed),
        // A refusal (a file's CWD gets 550): the connection is still good.
        Err(e @ EngineError::Reply { .. }) if session.is_usable() => e.failure(),
        Err(e) => return Err(remote_failure(&shown, "folder", &e.failure())),
    };
    match session.stat(path).await {
        Ok(RemoteKind::File { .. }) if folder_only => {
            Err(format!("{}: not a folder", sanitize(&shown)))
        }
        Ok(RemoteKind::File { .. }) => the_file(session, path).await,
        // Neither a folder nor a file: SIZE's refusal says whether it is
        // not there.
        Ok(RemoteKind::Missing(e)) => Err(remote_failure(&shown, "file or folder", &e.failure())),
        // A folder that cannot be listed, or a look that failed too: the
        // listing's refusal says why.
        _ => Err(remote_failure(&shown, "folder", &refusal)),
    }
}

/// A file's entry, from its folder's listing (where its size, time and
/// permissions are).
async fn the_file(
    session: &mut Session,
    path: &RemotePath,
) -> Result<(Vec<Entry>, ListingNotes), String> {
    let shown = path.display();
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(format!("{}: not a folder", sanitize(&shown)));
    };
    let (listing, notes) = session
        .list_noted(&folder, &mut |_| {})
        .await
        .map_err(|e| {
            format!(
                "{}: a file whose folder cannot be listed ({})",
                sanitize(&shown),
                sanitize(&e.failure().message)
            )
        })?;
    let found: Vec<Entry> = listing.into_iter().filter(|e| e.name == name).collect();
    if found.is_empty() {
        return Err(format!(
            "{}: a file, but its folder's listing does not show it",
            sanitize(&shown)
        ));
    }
    Ok((found, notes))
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
