//! `wharf ls URL`: one folder, printed as `ls -l`; a file, as `ls -l FILE`
//! prints it: its own line.

use std::io::{self, BufWriter, Write};

use chrono::Datelike;

use super::shared::names_a_folder;
use super::wording::remote_failure;
use crate::engine::error::EngineError;
use crate::engine::protocol::{ConnectProfile, Entry, EntryKind, RemotePath};
use crate::engine::session::{Connector, RemoteKind, Session};
use crate::text::{push_padded, push_short_time, sanitize};

/// `wharf ls URL`: prints the folder as `ls -l` would and returns the exit code.
pub async fn ls(profile: ConnectProfile, verbose: bool) -> i32 {
    let sink = super::shared::stderr_sink(verbose);
    let target = profile.authority();
    let folder_only = names_a_folder(&profile);
    let mut session = match Connector::new().open(profile, sink).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wharf: {target}: {e}");
            return 1;
        }
    };
    let path = session.start_path();
    let result = entries(&mut session, &path, folder_only).await;
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
        Err(why) => {
            eprintln!("wharf: {why}");
            1
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
) -> Result<Vec<Entry>, String> {
    let shown = path.display();
    let refusal = match session.list(path).await {
        Ok(entries) => return Ok(entries),
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
async fn the_file(session: &mut Session, path: &RemotePath) -> Result<Vec<Entry>, String> {
    let shown = path.display();
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(format!("{}: not a folder", sanitize(&shown)));
    };
    let listing = session.list(&folder).await.map_err(|e| {
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
    Ok(found)
}

fn print_long(entries: &[Entry]) -> io::Result<()> {
    let year = chrono::Local::now().year();
    let mut out = BufWriter::with_capacity(256 * 1024, io::stdout().lock());
    // One reused line buffer: `format!` per line costs more than the
    // network when a folder has 100,000 entries.
    let mut line = String::with_capacity(256);
    for e in entries {
        line.clear();
        let perm = e.permissions.as_deref().unwrap_or(match e.kind {
            EntryKind::Dir => "d?????????",
            EntryKind::Symlink => "l?????????",
            _ => "-?????????",
        });
        line.push_str(&sanitize(perm));
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
                line.push_str(&sanitize(t));
            }
            (EntryKind::Dir, _) => line.push('/'),
            _ => {}
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}
