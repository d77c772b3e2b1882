//! The other remote file operations: mkdir (with the folders above it),
//! rename, chmod (`SITE CHMOD`, below a folder too), find, and cat (a
//! file's bytes into any writer). Deleting is `remote_delete.rs`.

use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::connections::Connections;
use super::report::Reporter;
use super::spread::{Outcome, spread};
use super::walk::walk;
use crate::engine::error::EngineError;
use crate::engine::protocol::{Below, Entry, EntryKind, Location, NamePattern, RemotePath};
use crate::engine::session::{Chmod, Fetch, Session, TransferError, chmod_verb};

/// What `path` names, from its folder's listing: the entry, with a link
/// shown as a link (CWD would follow it). `None`: not there (or its
/// folder cannot be listed). The root has no folder to list it in: it is
/// a folder.
pub async fn look_up(s: &mut Session, path: &RemotePath) -> Result<Option<Entry>, EngineError> {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return Ok(Some(Entry::new("/".into(), EntryKind::Dir)));
    };
    match s.list(&folder).await {
        Ok(entries) => Ok(entries.into_iter().find(|e| e.name == name)),
        // Its folder cannot be listed: not there, as far as we can know.
        Err(EngineError::Reply { .. }) if s.is_usable() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A refusal that says what is in the way; `at` when it is not the path
/// the failure is reported for.
fn exists(at: Option<&RemotePath>, what: &str) -> EngineError {
    EngineError::Exists(match at {
        Some(p) => format!("{what} exists at {p}"),
        None => format!("{what} of that name exists"),
    })
}

/// MKD `path`; with `parents`, the missing folders above it first, and an
/// existing folder is fine. Without, an existing name is refused as such
/// (servers word that refusal every way).
pub async fn mkdir(s: &mut Session, path: &RemotePath, parents: bool) -> Result<(), EngineError> {
    let refusal = match s.mkdir(path).await {
        Ok(()) => return Ok(()),
        Err(e @ EngineError::Reply { .. }) if s.is_usable() => e,
        Err(e) => return Err(e),
    };
    let there = look_up(s, path).await.ok().flatten();
    match there {
        Some(e) if parents && e.kind == EntryKind::Dir => return Ok(()),
        Some(e) if e.kind == EntryKind::Dir => return Err(exists(None, "a folder")),
        Some(_) => return Err(exists(None, "a file")),
        None => {}
    }
    let Some(above) = path.parent().filter(|p| parents && !p.is_root()) else {
        return Err(refusal);
    };
    match look_up(s, &above).await? {
        Some(e) if e.kind == EntryKind::Dir => return Err(refusal),
        Some(_) => return Err(exists(Some(&above), "a file")),
        None => {}
    }
    Box::pin(mkdir(s, &above, true)).await?;
    s.mkdir(path).await
}

/// RNFR/RNTO. An existing target is refused unless `replace`, and a
/// folder is never replaced.
pub async fn rename(
    s: &mut Session,
    from: &RemotePath,
    to: &RemotePath,
    replace: bool,
) -> Result<(), EngineError> {
    match look_up(s, to).await? {
        Some(e) if e.kind == EntryKind::Dir => return Err(exists(Some(to), "a folder")),
        Some(_) if !replace => return Err(exists(Some(to), "a file")),
        _ => {}
    }
    s.rename(from, to).await
}

/// SITE CHMOD on `targets`, and with `below`, on what is under the
/// folders among them (links are left alone: the server would change
/// what they point to). The first path goes alone, so a server without
/// SITE CHMOD says so once.
pub async fn chmod(
    conns: &mut Connections,
    max: usize,
    targets: Vec<RemotePath>,
    mode: u32,
    below: Below,
    rep: &Reporter,
) {
    rep.seen(targets.len());
    let Some(first) = targets.first().cloned() else {
        return;
    };
    let mut s = match conns.one().await {
        Ok(s) => s,
        Err(e) => {
            for t in targets {
                rep.failed(Location::Remote(t), e.failure());
            }
            return;
        }
    };
    let r = s.site_chmod(&first, mode).await;
    conns.put_back(s);
    match r {
        Ok(Chmod::Done) => rep.done(1),
        Ok(Chmod::Unsupported { .. }) => {
            rep.failed(Location::Remote(first), no_site_chmod().failure());
            return;
        }
        Err(e) => rep.failed(Location::Remote(first), e.failure()),
    }
    let mut todo: Vec<RemotePath> = targets[1..].to_vec();
    if below.any() {
        // Which targets are folders: the walk finds out (a file's listing fails).
        let mut found = Vec::new();
        let walked = walk(conns, targets.clone(), &mut |folder, listing| {
            let Ok(entries) = listing else {
                return;
            };
            rep.listed(entries.len(), 0);
            for e in entries {
                let wanted = match e.kind {
                    EntryKind::Dir => below.folders,
                    EntryKind::File => below.files,
                    EntryKind::Symlink | EntryKind::Other => false,
                };
                if wanted {
                    found.push(folder.join(&e.name));
                }
            }
        })
        .await;
        if let Err(e) = walked {
            rep.failed(Location::Remote(first_or_root(&targets)), e.failure());
        }
        todo.extend(found);
    }
    let mut again = Vec::new();
    spread(
        conns,
        max,
        &chmod_verb(mode),
        todo,
        &mut |path, outcome| match outcome {
            Outcome::Done => rep.done(1),
            // Maybe another path's reply: sent again alone below.
            Outcome::Refused {
                doubtful: true,
                error,
            } => again.push((path, error)),
            Outcome::Refused { error, .. } | Outcome::Lost(error) => {
                rep.failed(Location::Remote(path), error.failure())
            }
        },
    )
    .await;
    if again.is_empty() {
        return;
    }
    let mut s = match conns.one().await {
        Ok(s) => s,
        Err(_) => {
            for (p, e) in again {
                rep.failed(Location::Remote(p), e.failure());
            }
            return;
        }
    };
    for (path, first) in again {
        match s.site_chmod(&path, mode).await {
            Ok(Chmod::Done) => rep.done(1),
            Ok(Chmod::Unsupported { .. }) => {
                rep.failed(Location::Remote(path), no_site_chmod().failure())
            }
            Err(e) if s.is_usable() => rep.failed(Location::Remote(path), e.failure()),
            Err(_) => rep.failed(Location::Remote(path), first.failure()),
        }
    }
    conns.put_back(s);
}

fn no_site_chmod() -> EngineError {
    EngineError::Unsupported("SITE CHMOD")
}

fn first_or_root(paths: &[RemotePath]) -> RemotePath {
    paths.first().cloned().unwrap_or_else(RemotePath::root)
}

/// Walks under `root` and reports the entries whose name matches, folder
/// by folder, as the listings arrive.
pub async fn find(
    conns: &mut Connections,
    root: RemotePath,
    pattern: &NamePattern,
    rep: &Reporter,
) {
    let encoding = conns.profile().listing.encoding;
    let walked = walk(
        conns,
        vec![root.clone()],
        &mut |folder, listing| match listing {
            Ok(entries) => {
                rep.listed(entries.len(), 0);
                let enc = encoding.resolve(entries.iter().map(|e| e.name.as_bytes()));
                let hits: Vec<(Location, Entry)> = entries
                    .into_iter()
                    .filter(|e| pattern.matches(&enc.decode(e.name.as_bytes())))
                    .map(|e| (Location::Remote(folder.join(&e.name)), e))
                    .collect();
                rep.done(hits.len());
                rep.found(hits);
            }
            Err(e) => rep.failed(Location::Remote(folder.clone()), e.failure()),
        },
    )
    .await;
    if let Err(e) = walked {
        rep.failed(Location::Remote(root), e.failure());
    }
}

/// Streams the file at `path` into `out` (flushed at the end): its bytes.
pub async fn cat<W: AsyncWrite + Unpin>(
    s: &mut Session,
    path: &RemotePath,
    out: &mut W,
) -> Result<u64, TransferError> {
    let got = s
        .download(path, 0, Fetch::default(), out, &mut |_| {})
        .await?;
    out.flush().await.map_err(TransferError::Local)?;
    Ok(got.bytes)
}
