//! Turning what the user picked into a list of file jobs: folders are
//! walked first (so the batch's total size is known), names from the server
//! are checked before they become local paths, and each target is looked up
//! so an existing one can be asked about.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::sync::oneshot;

use super::job::Job;
use crate::engine::protocol::{
    ConnectProfile, Direction, EngineError, EntryKind, FileFacts, TransferId, TransferItem,
    TransferRequest,
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
    pub source_dirs: Vec<PathBuf>,
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

/// Joins a remote folder and a name with exactly one slash.
pub fn remote_join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

fn remote_text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Plans a download. `session` lists remote folders (and answers SIZE for
/// symlinks, whose kind LIST does not tell).
pub async fn plan_download(
    req: &TransferRequest,
    plan_session: &mut PlanSession,
    next_id: &mut IdSource,
) -> Result<Plan, EngineError> {
    let mut plan = Plan::default();
    let target_root = req.target_dir.clone();
    let mut local_dirs = Vec::new();
    for item in &req.items {
        let top = match check_name(&item.target_name) {
            Ok(n) => n.to_string(),
            Err(e) => {
                plan.skipped.push(e.to_string());
                continue;
            }
        };
        let source = remote_text(&item.source);
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
                        (session.mdtm(&source).await?, true)
                    } else {
                        (None, false)
                    }
                }
            };
            let local = match join_inside(&target_root, &[top.as_str()]) {
                Ok(p) => p,
                Err(e) => {
                    plan.skipped.push(e.to_string());
                    continue;
                }
            };
            plan.jobs.push(new_job(
                req,
                next_id(),
                top.clone(),
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
        let mut folders = VecDeque::from([(source.clone(), vec![top.clone()])]);
        while let Some((dir, rel)) = folders.pop_front() {
            plan.source_dirs.push(PathBuf::from(&dir));
            let entries = match session.list(&dir).await {
                Ok(e) => e,
                Err(e) if session.is_usable() => {
                    plan.skipped.push(format!("{}: {e}", rel.join("/")));
                    continue;
                }
                Err(e) => return Err(e),
            };
            // Created even when empty, as `cp -r` does.
            let parts: Vec<&str> = rel.iter().map(String::as_str).collect();
            if let Ok(local) = join_inside(&target_root, &parts) {
                local_dirs.push(local);
            }
            for e in entries {
                let name = match check_name(&e.name) {
                    Ok(n) => n.to_string(),
                    Err(err) => {
                        plan.skipped.push(format!("{}: {err}", rel.join("/")));
                        continue;
                    }
                };
                let remote = remote_join(&dir, &name);
                let mut rel_child = rel.clone();
                rel_child.push(name);
                let parts: Vec<&str> = rel_child.iter().map(String::as_str).collect();
                let local = match join_inside(&target_root, &parts) {
                    Ok(p) => p,
                    Err(err) => {
                        plan.skipped.push(err.to_string());
                        continue;
                    }
                };
                let display = rel_child.join("/");
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
    dirs.iter()
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
    remote: String,
    local: PathBuf,
    size: Option<u64>,
    modified: Option<NaiveDateTime>,
    exact: bool,
) -> Job {
    Job {
        id,
        batch: req.batch,
        direction: req.direction,
        display,
        remote,
        local,
        size,
        modified,
        modified_exact: exact && modified.is_some(),
        existing: None,
        taken: Arc::new(HashSet::new()),
        on_existing: req.on_existing,
        move_after: req.move_after,
    }
}

/// Fills in `existing` (and the taken names of the folders that have a
/// conflict) for download targets. Blocking: runs on a blocking thread.
fn look_up_local_targets(mut jobs: Vec<Job>) -> Vec<Job> {
    let mut taken_by_dir: HashMap<PathBuf, Arc<HashSet<String>>> = HashMap::new();
    for job in &mut jobs {
        let Ok(meta) = std::fs::metadata(&job.local) else {
            continue;
        };
        job.existing = Some(FileFacts {
            size: meta.is_file().then_some(meta.len()),
            modified: meta
                .modified()
                .ok()
                .map(|t| DateTime::<Utc>::from(t).naive_utc()),
        });
        if let Some(dir) = job.local.parent() {
            let taken = taken_by_dir.entry(dir.to_path_buf()).or_insert_with(|| {
                let names = std::fs::read_dir(dir)
                    .map(|rd| {
                        rd.filter_map(|e| e.ok())
                            .map(|e| e.file_name().to_string_lossy().into_owned())
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

/// A remote folder's entries by name, and the set of its names.
type FolderContents = (HashMap<String, FileFacts>, HashSet<String>);

/// A local file or folder found while walking an upload.
struct LocalFound {
    path: PathBuf,
    rel: Vec<String>,
    size: u64,
    modified: Option<NaiveDateTime>,
}

/// Walks the local side of an upload. Blocking.
fn walk_local(
    items: &[TransferItem],
) -> (Vec<LocalFound>, Vec<Vec<String>>, Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut source_dirs = Vec::new();
    let mut skipped = Vec::new();
    for item in items {
        let mut stack = vec![(item.source.clone(), vec![item.target_name.clone()])];
        while let Some((path, rel)) = stack.pop() {
            let shown = rel.join("/");
            // Follow links: a link to a file is copied as the file.
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(e) => {
                    skipped.push(format!("{shown}: {e}"));
                    continue;
                }
            };
            let is_link = std::fs::symlink_metadata(&path)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if meta.is_file() {
                files.push(LocalFound {
                    path,
                    rel,
                    size: meta.len(),
                    modified: meta
                        .modified()
                        .ok()
                        .map(|t| DateTime::<Utc>::from(t).naive_utc()),
                });
            } else if meta.is_dir() && is_link {
                skipped.push(format!("{shown}: a link to a folder, skipped"));
            } else if meta.is_dir() {
                let children = match std::fs::read_dir(&path) {
                    Ok(rd) => rd,
                    Err(e) => {
                        skipped.push(format!("{shown}: {e}"));
                        continue;
                    }
                };
                source_dirs.push(path.clone());
                dirs.push(rel.clone());
                let mut kids: Vec<_> = children.filter_map(|c| c.ok()).collect();
                kids.sort_by_key(|c| std::cmp::Reverse(c.file_name()));
                for child in kids {
                    let mut r = rel.clone();
                    r.push(child.file_name().to_string_lossy().into_owned());
                    stack.push((child.path(), r));
                }
            } else {
                skipped.push(format!("{shown}: not a regular file, skipped"));
            }
        }
    }
    (files, dirs, source_dirs, skipped)
}

/// Plans an upload: walks the local side, creates the remote folders and
/// lists the existing ones to find targets that exist.
pub async fn plan_upload(
    req: &TransferRequest,
    plan_session: &mut PlanSession,
    next_id: &mut IdSource,
) -> Result<Plan, EngineError> {
    let session = plan_session.get().await?;
    let items = req.items.clone();
    let (files, dirs, source_dirs, skipped) =
        tokio::task::spawn_blocking(move || walk_local(&items))
            .await
            .map_err(|e| EngineError::Protocol(format!("planning stopped: {e}")))?;
    let mut plan = Plan {
        skipped,
        source_dirs,
        ..Plan::default()
    };
    let root = remote_text(&req.target_dir);
    // Folders this batch creates are empty: no need to list them.
    let mut created: HashSet<String> = HashSet::new();
    for rel in &dirs {
        let path = rel.iter().fold(root.clone(), |p, n| remote_join(&p, n));
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
    let mut listed: HashMap<String, Arc<FolderContents>> = HashMap::new();
    for f in files {
        let Some((name, parents)) = f.rel.split_last() else {
            continue;
        };
        let dir = parents.iter().fold(root.clone(), |p, n| remote_join(&p, n));
        let remote = remote_join(&dir, name);
        let mut job = Job {
            id: next_id(),
            batch: req.batch,
            direction: Direction::Upload,
            display: f.rel.join("/"),
            remote,
            local: f.path,
            size: Some(f.size),
            modified: f.modified,
            modified_exact: f.modified.is_some(),
            existing: None,
            taken: Arc::new(HashSet::new()),
            on_existing: req.on_existing,
            move_after: req.move_after,
        };
        if !created.contains(&dir) {
            if !listed.contains_key(&dir) {
                let existing = match session.list(&dir).await {
                    Ok(entries) => {
                        let names = entries.iter().map(|e| e.name.clone()).collect();
                        let facts = entries
                            .into_iter()
                            .map(|e| {
                                (
                                    e.name,
                                    FileFacts {
                                        size: (e.kind == EntryKind::File).then_some(e.size),
                                        modified: e.modified,
                                    },
                                )
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
                job.existing = known.0.get(name.as_str()).cloned();
                job.taken = Arc::new(known.1.clone());
            }
        }
        plan.jobs.push(job);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_paths_join_with_one_slash() {
        assert_eq!(remote_join("/", "a"), "/a");
        assert_eq!(remote_join("/x", "a b"), "/x/a b");
        assert_eq!(remote_join("/x/", "a"), "/x/a");
    }

    #[test]
    fn local_walk_follows_file_links_and_skips_folder_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("tree");
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("a.txt"), b"a").expect("write");
        std::fs::write(root.join("sub/b.txt"), b"bb").expect("write");
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link-to-file")).expect("link");
        std::os::unix::fs::symlink(&root, root.join("sub/loop")).expect("link");
        let item = TransferItem {
            source: root.clone(),
            is_dir: true,
            size: None,
            modified: None,
            target_name: "tree".into(),
        };
        let (files, dirs, _, skipped) = walk_local(&[item]);
        let mut names: Vec<String> = files.iter().map(|f| f.rel.join("/")).collect();
        names.sort();
        assert_eq!(names, ["tree/a.txt", "tree/link-to-file", "tree/sub/b.txt"]);
        assert_eq!(dirs.len(), 2);
        assert_eq!(skipped.len(), 1, "{skipped:?}");
        assert!(skipped[0].contains("tree/sub/loop"));
    }
}
