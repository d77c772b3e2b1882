//! Deleting on the server, recursively: the folders are walked first,
//! several at once (`walk.rs`); then every file and link goes (DELE,
//! spread over the connections and written ahead, `spread.rs`); then the
//! folders, deepest first (RMD, likewise). Links are removed as links:
//! a listing's link is never walked into, and DELE removes the link
//! itself. A file that is already gone counts as deleted. An entry the
//! server refuses is reported with its reply and the rest goes on; the
//! folders above it stay (they are not empty).
//!
//! A refusal is checked against a listing of its folder — gone means
//! deleted (not every server says "no such file") — and what is still
//! there is sent again alone, so the reply reported is its own (one read
//! among replies written ahead may belong to another path of the batch,
//! see `spread.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::connections::Connections;
use super::report::Reporter;
use super::spread::{Outcome, spread};
use super::walk::walk;
use crate::engine::error::EngineError;
use crate::engine::protocol::{EntryKind, FailureKind, Location, Name, RemotePath};

struct Folder {
    parent: Option<usize>,
    depth: usize,
    /// Something below could not be deleted (or listed): it stays.
    kept: bool,
}

#[derive(Default)]
struct Tree {
    folders: Vec<(RemotePath, Folder)>,
    index: HashMap<RemotePath, usize>,
    /// Files, links and anything else that is not a folder, with their
    /// folder (None: a target).
    files: Vec<(RemotePath, Option<usize>)>,
}

impl Tree {
    fn add_folder(&mut self, path: RemotePath, parent: Option<usize>) {
        let depth = parent.map_or(0, |p| self.folders[p].1.depth + 1);
        self.index.insert(path.clone(), self.folders.len());
        self.folders.push((
            path,
            Folder {
                parent,
                depth,
                kept: false,
            },
        ));
    }

    /// The folder holding `path`, when it is one of the tree's.
    fn parent_of(&self, path: &RemotePath) -> Option<usize> {
        path.parent().and_then(|p| self.index.get(&p).copied())
    }

    fn keep(&mut self, folder: Option<usize>) {
        if let Some(i) = folder {
            self.folders[i].1.kept = true;
        }
    }
}

/// Whether a refusal says the path is not there (any more).
fn is_gone(e: &EngineError) -> bool {
    e.failure().kind == FailureKind::NotFound
}

/// Deletes `targets` (paths with the kind their listing showed).
pub async fn delete(
    conns: &mut Connections,
    max: usize,
    targets: Vec<(RemotePath, EntryKind)>,
    rep: &Reporter,
) {
    rep.seen(targets.len());
    let mut tree = Tree::default();
    let mut roots = Vec::new();
    for (path, kind) in targets {
        if kind == EntryKind::Dir {
            tree.add_folder(path.clone(), None);
            roots.push(path);
        } else {
            tree.files.push((path, None));
        }
    }
    if !roots.is_empty() {
        let walked = walk(conns, roots.clone(), &mut |folder, listing| {
            let Some(&at) = tree.index.get(folder) else {
                return;
            };
            match listing {
                Ok(entries) => {
                    rep.listed_entries(&entries);
                    for e in entries {
                        let path = folder.join(&e.name);
                        if e.kind == EntryKind::Dir {
                            tree.add_folder(path, Some(at));
                        } else {
                            tree.files.push((path, Some(at)));
                        }
                    }
                }
                Err(e) => {
                    rep.failed(Location::Remote(folder.clone()), e.failure());
                    tree.folders[at].1.kept = true;
                }
            }
        })
        .await;
        if let Err(e) = walked {
            for r in roots {
                rep.failed(Location::Remote(r), e.failure());
            }
            return;
        }
    }

    // Files and links.
    let files: Vec<RemotePath> = tree.files.iter().map(|(p, _)| p.clone()).collect();
    for (path, error) in remove(conns, max, "DELE", files, rep).await {
        let parent = tree.parent_of(&path);
        tree.keep(parent);
        rep.failed(Location::Remote(path), error.failure());
    }

    // Folders, deepest first; one that keeps something keeps its parent.
    let mut by_depth: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, (_, f)) in tree.folders.iter().enumerate() {
        by_depth.entry(f.depth).or_default().push(i);
    }
    for (_, level) in by_depth.into_iter().rev() {
        let mut ready = Vec::new();
        for i in level {
            let (path, f) = &tree.folders[i];
            if f.kept {
                let parent = f.parent;
                tree.keep(parent);
            } else {
                ready.push(path.clone());
            }
        }
        for (path, error) in remove(conns, max, "RMD", ready, rep).await {
            let parent = tree
                .index
                .get(&path)
                .and_then(|&i| tree.folders[i].1.parent);
            tree.keep(parent);
            rep.failed(Location::Remote(path), error.failure());
        }
    }
}

/// Counts what `delete` would remove (`FileOp::Count`): the same walk,
/// its counts streamed, nothing changed. A folder that cannot be listed
/// is reported as failed; the count goes on without it.
pub async fn count(conns: &mut Connections, targets: Vec<(RemotePath, EntryKind)>, rep: &Reporter) {
    let roots: Vec<RemotePath> = targets
        .iter()
        .filter(|(_, k)| *k == EntryKind::Dir)
        .map(|(p, _)| p.clone())
        .collect();
    rep.counted(targets.len() - roots.len(), roots.len(), 0);
    if roots.is_empty() {
        return;
    }
    let walked = walk(conns, roots.clone(), &mut |folder, listing| match listing {
        Ok(entries) => {
            let folders = entries.iter().filter(|e| e.kind == EntryKind::Dir).count();
            let bytes = entries
                .iter()
                .filter(|e| e.kind == EntryKind::File)
                .map(|e| e.size)
                .sum();
            rep.counted(entries.len() - folders, folders, bytes);
        }
        Err(e) => rep.failed(Location::Remote(folder.clone()), e.failure()),
    })
    .await;
    if let Err(e) = walked {
        for r in roots {
            rep.failed(Location::Remote(r), e.failure());
        }
    }
}

/// `verb` (DELE or RMD) for every path, spread over the connections; a
/// path already gone counts as deleted. Returns the failures.
async fn remove(
    conns: &mut Connections,
    max: usize,
    verb: &str,
    paths: Vec<RemotePath>,
    rep: &Reporter,
) -> Vec<(RemotePath, EngineError)> {
    let mut doubtful = Vec::new();
    let mut failed = Vec::new();
    spread(
        conns,
        max,
        verb,
        paths,
        &mut |path, outcome| match outcome {
            Outcome::Done => rep.done(1),
            Outcome::Refused { error, .. } if is_gone(&error) => rep.done(1),
            // Already gone, or someone else's reply (see `recheck`).
            Outcome::Refused { error, .. } => doubtful.push((path, error)),
            Outcome::Lost(error) => failed.push((path, error)),
        },
    )
    .await;
    failed.extend(recheck(conns, verb, doubtful, rep).await);
    failed
}

/// Sorts out refusals: a path no longer in its folder's listing was
/// deleted, by us or meanwhile (vsftpd says "Delete operation failed" for
/// a file that is not there); one still there is sent again, alone, so
/// the reply reported is its own (one read among replies written ahead
/// may have been another path's). Returns the failures.
async fn recheck(
    conns: &mut Connections,
    verb: &str,
    doubtful: Vec<(RemotePath, EngineError)>,
    rep: &Reporter,
) -> Vec<(RemotePath, EngineError)> {
    if doubtful.is_empty() {
        return doubtful;
    }
    let mut s = match conns.one().await {
        Ok(s) => s,
        Err(_) => return doubtful,
    };
    let mut present: HashMap<RemotePath, Option<HashSet<Name>>> = HashMap::new();
    let mut failed = Vec::new();
    for (path, first) in doubtful {
        let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
            failed.push((path, first));
            continue;
        };
        if !present.contains_key(&folder) {
            let names = s
                .list(&folder)
                .await
                .ok()
                .map(|es| es.into_iter().map(|e| e.name).collect());
            present.insert(folder.clone(), names);
        }
        if present
            .get(&folder)
            .and_then(|n| n.as_ref())
            .is_some_and(|names| !names.contains(&name))
        {
            rep.done(1);
            continue;
        }
        if !s.is_usable() {
            failed.push((path, first));
            continue;
        }
        let again = s.each_path(verb, std::slice::from_ref(&path)).await;
        match again.results.into_iter().next() {
            Some(Ok(())) => rep.done(1),
            Some(Err(e)) if is_gone(&e) => rep.done(1),
            Some(Err(e)) => failed.push((path, e)),
            None => failed.push((path, again.lost.unwrap_or(first))),
        }
    }
    conns.put_back(s);
    failed
}
