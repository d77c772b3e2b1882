//! `wharf rm [-r] [--dry-run] URL…`: deletes files, and with `-r` folders
//! with everything in them (a folder without `-r` is refused, as `rm`
//! does). What each URL names is read from its folder's listing, so a
//! link to a folder is deleted as a link, never walked into. `--dry-run`
//! prints what would go, one path a line, and deletes nothing.

use std::io::Write;

use super::op::{Server, by_server, shown, status};
use super::wording::remote_failure;
use crate::engine::fileops::remote::look_up;
use crate::engine::fileops::walk::walk;
use crate::engine::protocol::{
    ConnectProfile, EntryKind, Failure, FailureKind, FileOp, Location, Target,
};
use crate::engine::session::Connector;

pub struct RmArgs {
    pub recursive: bool,
    pub dry_run: bool,
    pub connections: usize,
    pub verbose: bool,
}

pub async fn rm(connector: Connector, urls: Vec<ConnectProfile>, args: RmArgs) -> i32 {
    let mut failed = 0;
    for (server, urls) in by_server(urls) {
        let mut s = match Server::open(&connector, &server, args.connections, args.verbose).await {
            Ok(s) => s,
            Err(code) => return code,
        };
        let mut targets = Vec::new();
        let mut session = match s.conns.one().await {
            Ok(x) => x,
            Err(e) => {
                eprintln!("wharf: {}: {e}", server.authority());
                return super::shared::EXIT_FAILED;
            }
        };
        for url in &urls {
            let path = s.path_of(url);
            let found = look_up(&mut session, &path).await;
            let entry = match found {
                Ok(Some(e)) => e,
                Ok(None) => {
                    let gone = Failure::new(FailureKind::NotFound, "not in its folder's listing");
                    eprintln!(
                        "wharf: {}",
                        remote_failure(&path.display(), "file or folder", &gone)
                    );
                    failed += 1;
                    continue;
                }
                Err(e) => {
                    eprintln!(
                        "wharf: {}",
                        remote_failure(&path.display(), "file or folder", &e.failure())
                    );
                    failed += 1;
                    continue;
                }
            };
            if path.is_root() {
                eprintln!(
                    "wharf: {}: refusing to delete the root folder",
                    shown(&path)
                );
                failed += 1;
            } else if entry.kind == EntryKind::Dir && !args.recursive {
                eprintln!(
                    "wharf: {}: is a folder (-r deletes it with everything in it)",
                    shown(&path)
                );
                failed += 1;
            } else {
                targets.push(Target {
                    path: Location::Remote(path),
                    kind: entry.kind,
                });
            }
        }
        s.conns.put_back(session);
        if args.dry_run {
            failed += dry_run(&mut s, &targets).await;
        } else if !targets.is_empty() {
            failed += s
                .run(FileOp::Delete { targets }, "file or folder", |_| {})
                .await
                .failed;
        }
        s.close().await;
    }
    status(failed)
}

/// Prints what would go, each path a line (the contents of a folder
/// before it); returns the failures (folders that could not be listed).
async fn dry_run(s: &mut Server, targets: &[Target]) -> usize {
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    let mut folders = Vec::new();
    for t in targets {
        let Some(p) = t.path.as_remote() else {
            continue;
        };
        if t.kind == EntryKind::Dir {
            folders.push(p.clone());
        } else {
            let _ = writeln!(out, "{}", shown(p));
        }
    }
    let mut below = Vec::new();
    let walked = walk(
        &mut s.conns,
        folders.clone(),
        &mut |folder, listing| match listing {
            Ok(entries) => {
                for e in entries {
                    let p = folder.join(&e.name);
                    if e.kind != EntryKind::Dir {
                        let _ = writeln!(out, "{}", shown(&p));
                    }
                }
                below.push(folder.clone());
            }
            Err(e) => {
                eprintln!(
                    "wharf: {}",
                    remote_failure(&folder.display(), "folder", &e.failure())
                );
                failed += 1;
            }
        },
    )
    .await;
    if let Err(e) = walked {
        eprintln!("wharf: {e}");
        failed += 1;
    }
    // Folders after what is in them, deepest first, as they would go.
    below.sort_by_key(|p| std::cmp::Reverse(p.as_bytes().iter().filter(|&&b| b == b'/').count()));
    for p in below {
        let _ = writeln!(out, "{}", shown(&p));
    }
    failed
}
