//! Turning what the user picked into a list of file jobs: folders are
//! walked first (so the batch's total size is known), names from the server
//! are checked before they become local paths, and each target is looked up
//! so an existing one can be asked about.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;

use super::disk_space;
use super::job::Job;
use crate::engine::error::EngineError;
use crate::engine::protocol::{
    ConnectProfile, Direction, EntryKind, FileFacts, Location, ModTime, Name, Precision,
    RemotePath, TransferId, TransferRequest,
};
use crate::engine::safe_path::{check_name, join_inside};
use crate::engine::session::{Connector, Session};
use crate::engine::wire_log::WireSink;

/// What walking a batch produced.
#[derive(Debug, Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    /// Entries left out, each with the reason, for the user.
    pub skipped: Vec<String>,
    /// Source folders, deepest last, for removing after a move.
    pub source_dirs: Vec<Location>,
    /// A download batch that needs more room than its disk has: the user
    /// is asked before it starts.
    pub shortfall: Option<disk_space::Shortfall>,
}

/// Hands out transfer ids.
pub type IdSource = dyn FnMut() -> TransferId + Send;

/// The planning connection, opened on first use: files whose size and time
/// the caller already knows (from the listing the user saw) need no server
/// to plan, and a login is the slowest thing planning does.
pub struct PlanSession {
    connector: Connector,
    profile: ConnectProfile,
    sink: WireSink,
    session: Option<Session>,
    borrow: Option<Borrow>,
}

/// Asks the transfer pool for one of its logged-in sessions (a worker
/// hands it over when it is free: `worker::Assignment::Lend`).
pub type Borrow = Box<dyn Fn(oneshot::Sender<Session>) + Send>;

impl PlanSession {
    /// `opened`: a session logged in ahead, if there is one. `borrow`: where
    /// to get one when the server takes no new connection.
    pub fn new(
        connector: Connector,
        profile: ConnectProfile,
        sink: WireSink,
        opened: Option<Session>,
        borrow: Option<Borrow>,
    ) -> PlanSession {
        let session = opened.map(|mut s| {
            s.relabel(sink.clone());
            s
        });
        PlanSession {
            connector,
            profile,
            sink,
            session,
            borrow,
        }
    }

    /// The logged-in session, opened now if need be. A server at its limit
    /// of connections (our transfer connections may hold its places) lends
    /// us one of the pool's when one is free.
    pub async fn get(&mut self) -> Result<&mut Session, EngineError> {
        if self.session.is_none() {
            let s = match self
                .connector
                .open(self.profile.clone(), self.sink.clone())
                .await
            {
                Ok(s) => s,
                Err(e) if e.is_connection_limit() => self.borrow().await.ok_or(e)?,
                Err(e) => return Err(e),
            };
            self.session = Some(s);
        }
        self.session.as_mut().ok_or(EngineError::NotConnected)
    }

    /// Waits (a while) for a transfer connection to be lent.
    async fn borrow(&mut self) -> Option<Session> {
        let ask = self.borrow.as_ref()?;
        let (tx, rx) = oneshot::channel();
        ask(tx);
        self.sink
            .info("The server takes no more connections: planning waits for a transfer connection");
        let wait = self.profile.timeouts.reply * 4;
        let mut s = tokio::time::timeout(wait, rx).await.ok()?.ok()?;
        s.relabel(self.sink.clone());
        Some(s)
    }

    /// Whether listings here are MLSD (exact times); unknown, so false, when
    /// nothing was asked yet. Workers, which do log in, make up for that.
    fn uses_mlsd(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.info().uses_mlsd)
    }

    /// The logged-in connection, if one was opened and is still in step:
    /// planning is over, it can carry files.
    pub fn into_session(self) -> Option<Session> {
        self.session.filter(Session::is_usable)
    }
}

/// The names of a path below a batch's target folder, shown as `a/b/c`.
fn shown(rel: &[Name]) -> String {
    rel.iter()
        .map(|n| n.display().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A request whose sources are not all on the other side than its target
/// cannot be planned: the UI never sends one; say so rather than guess.
fn wrong_side() -> EngineError {
    EngineError::Protocol("a transfer's sources must be on the other side of its target".into())
}

/// Plans a download. `session` lists remote folders (and answers SIZE for
/// symlinks, whose kind LIST does not tell).
pub async fn plan_download(
    req: &TransferRequest,
    plan_session: &mut PlanSession,
    next_id: &mut IdSource,
) -> Result<Plan, EngineError> {
    let mut plan = Plan::default();
    let target_root = req
        .target_dir
        .as_local()
        .ok_or_else(wrong_side)?
        .to_path_buf();
    let mut local_dirs = Vec::new();
    for item in &req.items {
        let source = item.source.as_remote().ok_or_else(wrong_side)?.clone();
        let top = match check_name(&item.target_name) {
            Ok(n) => n.clone(),
            Err(e) => {
                plan.skipped.push(e.to_string());
                continue;
            }
        };
        // A sync's file goes into its folder below the target folder.
        let below: Vec<Name> = item.subdir.parts().to_vec();
        if !item.is_dir {
            // The UI passes what its listing showed; others may not know.
            let size = match item.size {
                Some(s) => Some(s),
                None => plan_session.get().await?.size(&source).await?,
            };
            let (modified, exact) = match item.modified {
                Some(m) => (Some(m), plan_session.uses_mlsd()),
                None => {
                    let session = plan_session.get().await?;
                    if session.has_feature("MDTM") {
                        let t = session.mdtm(&source).await?;
                        (t.map(|t| ModTime::utc(t, Precision::Second)), true)
                    } else {
                        (None, false)
                    }
                }
            };
            let rel: Vec<Name> = below.iter().cloned().chain([top.clone()]).collect();
            let parts: Vec<&Name> = rel.iter().collect();
            let local = match join_inside(&target_root, &parts) {
                Ok(p) => p,
                Err(e) => {
                    plan.skipped.push(e.to_string());
                    continue;
                }
            };
            // Made if missing: a sync's target folder may be new.
            if let Some(parent) = local.parent() {
                local_dirs.push(parent.to_path_buf());
            }
            plan.jobs.push(new_job(
                req,
                next_id(),
                shown(&rel),
                source,
                local,
                size,
                modified,
                exact,
            ));
            continue;
        }
        // Breadth-first walk of the remote folder.
        let session = plan_session.get().await?;
        let exact_times = session.info().uses_mlsd;
        let first: Vec<Name> = below.iter().cloned().chain([top.clone()]).collect();
        let mut folders = VecDeque::from([(source.clone(), first)]);
        while let Some((dir, rel)) = folders.pop_front() {
            plan.source_dirs.push(Location::Remote(dir.clone()));
            let entries = match session.list(&dir).await {
                Ok(e) => e,
                Err(e) if session.is_usable() => {
                    plan.skipped.push(format!("{}: {e}", shown(&rel)));
                    continue;
                }
                Err(e) => return Err(e),
            };
            // A server's names become local ones decoded (a Latin-1
            // `caf\xe9` is `café` on the local disk), as the pane shows them.
            let encoding = session
                .profile()
                .listing
                .encoding
                .resolve(entries.iter().map(|e| e.name.as_bytes()));
            // Created even when empty, as `cp -r` does.
            let parts: Vec<&Name> = rel.iter().collect();
            if let Ok(local) = join_inside(&target_root, &parts) {
                local_dirs.push(local);
            }
            for e in entries {
                if let Err(err) = check_name(&e.name) {
                    plan.skipped.push(format!("{}: {err}", shown(&rel)));
                    continue;
                }
                let remote = dir.join(&e.name);
                let mut rel_child = rel.clone();
                rel_child.push(encoding.to_local(&e.name));
                let parts: Vec<&Name> = rel_child.iter().collect();
                let local = match join_inside(&target_root, &parts) {
                    Ok(p) => p,
                    Err(err) => {
                        plan.skipped.push(err.to_string());
                        continue;
                    }
                };
                let display = shown(&rel_child);
                match e.kind {
                    EntryKind::Dir => folders.push_back((remote, rel_child)),
                    EntryKind::File => {
                        plan.jobs.push(new_job(
                            req,
                            next_id(),
                            display,
                            remote,
                            local,
                            Some(e.size),
                            e.modified,
                            exact_times,
                        ));
                    }
                    // A link's kind is not in the listing: SIZE answers for
                    // files only. Links to folders are skipped so a loop
                    // cannot run forever.
                    EntryKind::Symlink => match session.size(&remote).await? {
                        Some(size) => plan.jobs.push(new_job(
                            req,
                            next_id(),
                            display,
                            remote,
                            local,
                            Some(size),
                            None,
                            false,
                        )),
                        None => plan
                            .skipped
                            .push(format!("{display}: a link to a folder, skipped")),
                    },
                    EntryKind::Other => plan
                        .skipped
                        .push(format!("{display}: not a regular file, skipped")),
                }
            }
        }
    }
    // A sync's new folders, made even when nothing goes in them.
    for folder in &req.folders {
        let parts: Vec<&Name> = folder.parts().iter().collect();
        match join_inside(&target_root, &parts) {
            Ok(p) => local_dirs.push(p),
            Err(e) => plan.skipped.push(e.to_string()),
        }
    }
    let jobs = std::mem::take(&mut plan.jobs);
    let (jobs, not_created) = tokio::task::spawn_blocking(move || {
        let not_created = create_local_dirs(&local_dirs);
        (look_up_local_targets(jobs), not_created)
    })
    .await
    .map_err(|e| EngineError::Protocol(format!("planning stopped: {e}")))?;
    plan.jobs = jobs;
    plan.skipped.extend(not_created);
    Ok(plan)
}

/// Creates the local folders of a download (the walked ones, so empty
/// folders arrive too). Returns why some could not be made; the files meant
/// for them fail on their own. Blocking.
fn create_local_dirs(dirs: &[PathBuf]) -> Vec<String> {
    let dirs: BTreeSet<&PathBuf> = dirs.iter().collect();
    dirs.into_iter()
        .filter_map(|d| {
            std::fs::create_dir_all(d)
                .err()
                .map(|e| format!("{}: cannot create the folder: {e}", d.display()))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn new_job(
    req: &TransferRequest,
    id: TransferId,
    display: String,
    remote: RemotePath,
    local: PathBuf,
    size: Option<u64>,
    modified: Option<ModTime>,
    exact: bool,
) -> Job {
    Job {
        id,
        batch: req.batch,
        direction: req.direction(),
        display,
        remote,
        local,
        size,
        modified,
        modified_exact: exact && modified.is_some(),
        existing: None,
        existing_mode: None,
        taken: Arc::new(HashSet::new()),
        on_existing: req.on_existing,
        move_after: req.move_after,
        resume_part: false,
        verify: req.verify,
    }
}

/// Fills in `existing` (and the taken names of the folders that have a
/// conflict) for download targets. Blocking: runs on a blocking thread.
pub(super) fn look_up_local_targets(mut jobs: Vec<Job>) -> Vec<Job> {
    let mut taken_by_dir: HashMap<PathBuf, Arc<HashSet<Name>>> = HashMap::new();
    for job in &mut jobs {
        let Ok(meta) = std::fs::metadata(&job.local) else {
            continue;
        };
        job.existing = Some(FileFacts {
            size: meta.is_file().then_some(meta.len()),
            modified: meta.modified().ok().map(ModTime::from_system),
        });
        job.existing_mode = meta
            .is_file()
            .then(|| std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o7777);
        if let Some(dir) = job.local.parent() {
            let taken = taken_by_dir.entry(dir.to_path_buf()).or_insert_with(|| {
                let names = std::fs::read_dir(dir)
                    .map(|rd| {
                        rd.filter_map(|e| e.ok())
                            .map(|e| Name::from_os(&e.file_name()))
                            .collect()
                    })
                    .unwrap_or_default();
                Arc::new(names)
            });
            job.taken = taken.clone();
        }
    }
    jobs
}

/// What a remote folder's listing says about a target that exists: its
/// facts, and its permission bits when the listing shows them.
type Existing = (FileFacts, Option<u32>);

/// A remote folder's entries by name, and the set of its names.
type FolderContents = (HashMap<Name, Existing>, HashSet<Name>);

/// A local file or folder found while walking an upload.
struct LocalFound {
    path: PathBuf,
    rel: Vec<Name>,
    size: u64,
    modified: Option<ModTime>,
}

/// What walking the local side of an upload found.
#[derive(Default)]
struct LocalWalk {
    files: Vec<LocalFound>,
    /// The folders to create, below the target folder.
    dirs: Vec<Vec<Name>>,
    /// The source folders walked (removed after a move).
    source_dirs: Vec<PathBuf>,
    skipped: Vec<String>,
}

/// Walks the local side of an upload: each source with the path below
/// the target folder it goes to. Blocking.
fn walk_local(items: &[(PathBuf, Vec<Name>)]) -> LocalWalk {
    let mut walk = LocalWalk::default();
    for (source, rel) in items {
        let mut stack = vec![(source.clone(), rel.clone())];
        while let Some((path, rel)) = stack.pop() {
            let shown = shown(&rel);
            // Follow links: a link to a file is copied as the file.
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    walk.skipped.push(format!("{shown}: {e}"));
                    continue;
                }
            };
            let is_link = std::fs::symlink_metadata(&path)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if meta.is_file() {
                walk.files.push(LocalFound {
                    path,
                    rel,
                    size: meta.len(),
                    modified: meta.modified().ok().map(ModTime::from_system),
                });
            } else if meta.is_dir() && is_link {
                walk.skipped
                    .push(format!("{shown}: a link to a folder, skipped"));
            } else if meta.is_dir() {
                let children = match std::fs::read_dir(&path) {
                    Ok(rd) => rd,
                    Err(e) => {
                        walk.skipped.push(format!("{shown}: {e}"));
                        continue;
                    }
                };
                walk.source_dirs.push(path.clone());
                walk.dirs.push(rel.clone());
                let mut kids: Vec<_> = children.filter_map(|c| c.ok()).collect();
                kids.sort_by_key(|c| std::cmp::Reverse(c.file_name()));
                for child in kids {
                    let mut r = rel.clone();
                    r.push(Name::from_os(&child.file_name()));
                    stack.push((child.path(), r));
                }
            } else {
                walk.skipped
                    .push(format!("{shown}: not a regular file, skipped"));
            }
        }
    }
    walk
}

/// Plans an upload: walks the local side, creates the remote folders and
/// lists the existing ones to find targets that exist.
pub async fn plan_upload(
    req: &TransferRequest,
    plan_session: &mut PlanSession,
    next_id: &mut IdSource,
) -> Result<Plan, EngineError> {
    let root = req.target_dir.as_remote().ok_or_else(wrong_side)?.clone();
    let items = req
        .items
        .iter()
        .map(|i| {
            let source = i.source.as_local().ok_or_else(wrong_side)?;
            let rel = i.subdir.join(&i.target_name).parts().to_vec();
            Ok((source.to_path_buf(), rel))
        })
        .collect::<Result<Vec<_>, EngineError>>()?;
    // The folders a sync's files go in, and its new (maybe empty) ones:
    // made before the files, a folder before what is in it.
    let extra_dirs: BTreeSet<Vec<Name>> = req
        .items
        .iter()
        .map(|i| &i.subdir)
        .chain(&req.folders)
        .flat_map(|d| (1..=d.parts().len()).map(move |n| d.parts()[..n].to_vec()))
        .collect();
    let session = plan_session.get().await?;
    let walk = tokio::task::spawn_blocking(move || walk_local(&items))
        .await
        .map_err(|e| EngineError::Protocol(format!("planning stopped: {e}")))?;
    let mut plan = Plan {
        skipped: walk.skipped,
        source_dirs: walk.source_dirs.into_iter().map(Location::Local).collect(),
        ..Plan::default()
    };
    // Local names (UTF-8) go to the server in its encoding, when the
    // bookmark names one.
    let encoding = session.profile().listing.encoding;
    let on_server = |p: RemotePath, n: &Name| p.join(&encoding.to_server(n));
    // Folders this batch creates are empty: no need to list them.
    let mut created: HashSet<RemotePath> = HashSet::new();
    // The target folder may be new (typed into the copy dialog).
    if make_folder(session, &root).await? {
        created.insert(root.clone());
    }
    let walked: BTreeSet<&Vec<Name>> = walk.dirs.iter().collect();
    let extra = extra_dirs.iter().filter(|d| !walked.contains(d));
    for rel in walk.dirs.iter().chain(extra) {
        let path = rel.iter().fold(root.clone(), on_server);
        match session.mkdir(&path).await {
            Ok(()) => {
                created.insert(path);
            }
            // Usually "exists"; if it is anything else, the uploads into it
            // will fail with the server's reason.
            Err(_) if session.is_usable() => {}
            Err(e) => return Err(e),
        }
    }
    let mut listed: HashMap<RemotePath, Arc<FolderContents>> = HashMap::new();
    let single_file = walk.files.len() == 1 && walk.dirs.is_empty();
    for f in walk.files {
        let Some((name, parents)) = f.rel.split_last() else {
            continue;
        };
        let dir = parents.iter().fold(root.clone(), on_server);
        let remote = on_server(dir.clone(), name);
        let mut job = Job {
            id: next_id(),
            batch: req.batch,
            direction: Direction::Upload,
            display: shown(&f.rel),
            remote,
            local: f.path,
            size: Some(f.size),
            modified: f.modified,
            modified_exact: f.modified.is_some(),
            existing: None,
            existing_mode: None,
            taken: Arc::new(HashSet::new()),
            on_existing: req.on_existing,
            move_after: req.move_after,
            resume_part: false,
            verify: req.verify,
        };
        if !created.contains(&dir) {
            if !listed.contains_key(&dir) {
                let existing = match session.list(&dir).await {
                    Ok(entries) => {
                        let names = entries.iter().map(|e| e.name.clone()).collect();
                        let facts = entries
                            .into_iter()
                            .map(|e| {
                                let file = e.kind == EntryKind::File;
                                let facts = FileFacts {
                                    size: file.then_some(e.size),
                                    modified: e.modified,
                                };
                                let mode = e.permissions.filter(|_| file).map(|p| p.mode());
                                (e.name, (facts, mode))
                            })
                            .collect();
                        (facts, names)
                    }
                    Err(_) if session.is_usable() => (HashMap::new(), HashSet::new()),
                    Err(e) => return Err(e),
                };
                listed.insert(dir.clone(), Arc::new(existing));
            }
            if let Some(known) = listed.get(&dir) {
                if let Some((facts, mode)) = known.0.get(&encoding.to_server(name)) {
                    job.existing = Some(facts.clone());
                    job.existing_mode = *mode;
                }
                job.taken = Arc::new(known.1.clone());
            }
            // One file replacing one (F4's edit going back, an F5 of a
            // file): a listing's minute is refined to the second with
            // MDTM, one round trip, so "has it changed?" is answered as
            // exactly as the server can.
            if single_file
                && let Some(existing) = job.existing.as_mut()
                && existing
                    .modified
                    .is_none_or(|m| m.precision() != Precision::Second)
                && let Some(t) = session.mdtm(&job.remote).await?
            {
                existing.modified = Some(ModTime::utc(t, Precision::Second));
            }
        }
        plan.jobs.push(job);
    }
    Ok(plan)
}

/// Makes `path` and the folders above it that are missing; true if it
/// was made, false if it was there. One CWD when it exists; otherwise a
/// MKD per missing folder and a CWD per folder found to exist above.
async fn make_folder(session: &mut Session, path: &RemotePath) -> Result<bool, EngineError> {
    match session.cwd(path).await {
        Ok(()) => return Ok(false),
        Err(EngineError::Reply { .. }) if session.is_usable() => {}
        Err(e) => return Err(e),
    }
    // Up from `path` to the first folder that exists…
    let mut missing = vec![path.clone()];
    while let Some(parent) = missing.last().and_then(RemotePath::parent) {
        match session.cwd(&parent).await {
            Ok(()) => break,
            Err(EngineError::Reply { .. }) if session.is_usable() => missing.push(parent),
            Err(e) => return Err(e),
        }
    }
    // …then down again, making each.
    while let Some(folder) = missing.pop() {
        session.mkdir(&folder).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_walk_follows_file_links_and_skips_folder_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("tree");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("a.txt"), b"a").expect("write");
        std::fs::write(root.join("sub/b.txt"), b"bb").expect("write");
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link-to-file")).expect("link");
        std::os::unix::fs::symlink(&root, root.join("sub/loop")).expect("link");
        let walk = walk_local(&[(root.clone(), vec![Name::from("tree")])]);
        let mut names: Vec<String> = walk.files.iter().map(|f| shown(&f.rel)).collect();
        names.sort();
        assert_eq!(names, ["tree/a.txt", "tree/link-to-file", "tree/sub/b.txt"]);
        assert_eq!(walk.dirs.len(), 2);
        assert_eq!(walk.skipped.len(), 1, "{:?}", walk.skipped);
        assert!(walk.skipped[0].contains("tree/sub/loop"));
    }
}
