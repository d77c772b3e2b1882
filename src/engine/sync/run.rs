//! Planning a sync: both roots walked at once (the remote one over
//! several connections, the local one on a blocking thread), the record of
//! the last sync read, and the plan made. [`plan`] is shared by the engine
//! (`Command::PlanSync`, through [`spawn_plan`]) and `wharf mirror`.

use std::path::PathBuf;

use tokio_util::sync::CancellationToken;

use super::compare::compare_recorded;
use super::hashes::{HashJob, hash_jobs};
use super::record::{self, RecordKey};
use super::walk::{Walked, local_tree, remote_tree};
use crate::engine::fileops::{Connections, Remote, Reporter};
use crate::engine::protocol::{
    Criteria, EntryKind, Event, EventTx, Failure, FailureKind, Location, RelPath, RemotePath,
    RequestId, Side, SyncOptions, SyncPlan, SyncRecord, SyncRoots,
};

/// Walks both roots and makes the plan. The record in `records` (the data
/// folder's `sync/`), when given, lets files unchanged since the last sync
/// count as in step. Fails when a root cannot be read, or the source's
/// root is not there.
pub async fn plan(
    conns: &mut Connections,
    roots: &SyncRoots,
    options: &SyncOptions,
    records: Option<PathBuf>,
    rep: &Reporter,
    stop: &CancellationToken,
) -> Result<SyncPlan, Failure> {
    let key = RecordKey::new(conns.profile(), roots);
    let (local_root, stop2, rep2) = (roots.local.clone(), stop.clone(), rep.clone());
    let local = tokio::task::spawn_blocking(move || {
        let walked = local_tree(&local_root, &rep2, &stop2);
        let record = records.map_or_else(SyncRecord::new, |dir| record::load(&dir, &key));
        (walked, record)
    });
    let remote = remote_tree(conns, &roots.remote, rep).await;
    let (local, record) = local
        .await
        .map_err(|e| Failure::new(FailureKind::LocalIo, format!("planning stopped: {e}")))?;
    let (local, remote) = (local?, remote?);
    let source = options.direction.source();
    let missing = |side: Side, w: &Walked| -> Result<(), Failure> {
        if w.missing_root && side == source {
            let root = match side {
                Side::Local => roots.local.display().to_string(),
                Side::Remote => roots.remote.to_string(),
            };
            return Err(match &w.root_refused {
                Some(f) if f.kind != FailureKind::NotFound => f.clone().context(&root),
                _ => Failure::new(FailureKind::NotFound, format!("{root}: no such folder")),
            });
        }
        Ok(())
    };
    missing(Side::Local, &local)?;
    missing(Side::Remote, &remote)?;
    let (mut local, mut remote) = (local, remote);
    if options.criteria == Criteria::Checksum {
        hash_equal_sizes(conns, roots, &mut local, &mut remote, stop).await?;
    }
    let mut plan = compare_recorded(&local.tree, &remote.tree, options, None, &record);
    plan.roots = roots.clone();
    plan.server_names = std::sync::Arc::new(std::mem::take(&mut remote.server_names));
    leave_out_unreadable(&mut plan, &local.unreadable, &remote.unreadable);
    Ok(plan)
}

/// Gives the files of equal size on both sides their hashes: the server's
/// (HASH, XSHA256…) and the local file's in the same algorithm
/// (`hashes.rs`). Files the server cannot hash keep none and are compared
/// by size and time (`SyncPlan::unhashed` counts them); a connection that
/// finds the server has no hash command asks nothing more.
async fn hash_equal_sizes(
    conns: &mut Connections,
    roots: &SyncRoots,
    local: &mut Walked,
    remote: &mut Walked,
    stop: &CancellationToken,
) -> Result<(), Failure> {
    let (local, remote, names) = (&mut local.tree, &mut remote.tree, &remote.server_names);
    let pairs: Vec<(RelPath, RemotePath, PathBuf)> = local
        .iter()
        .filter(|(p, l)| {
            l.kind == EntryKind::File
                && remote
                    .get(*p)
                    .is_some_and(|r| r.kind == EntryKind::File && r.size == l.size)
        })
        .filter_map(|(p, _)| {
            let server = match names.get(p) {
                Some(sp) => sp.clone(),
                None => match roots.location(Side::Remote, p) {
                    Location::Remote(rp) => rp,
                    Location::Local(_) => return None,
                },
            };
            let Location::Local(mine) = roots.location(Side::Local, p) else {
                return None;
            };
            Some((p.clone(), server, mine))
        })
        .collect();
    let (paths, jobs): (Vec<RelPath>, Vec<HashJob>) = pairs
        .into_iter()
        .map(|(p, server, mine)| (p, (server, mine)))
        .unzip();
    let (hashed, fatal) = hash_jobs(conns, jobs, stop).await;
    for (path, digests) in paths.into_iter().zip(hashed) {
        let Some((theirs, mine)) = digests else {
            continue;
        };
        if let Some(e) = remote.get_mut(&path) {
            e.digest = Some(theirs);
        }
        if let Some(e) = local.get_mut(&path) {
            e.digest = Some(mine);
        }
    }
    fatal.map_or(Ok(()), Err)
}

/// Drops every line at or below a folder that could not be read on either
/// side: what is in it is not known, so nothing there is copied over or
/// deleted.
fn leave_out_unreadable(plan: &mut SyncPlan, local: &[RelPath], remote: &[RelPath]) {
    if local.is_empty() && remote.is_empty() {
        return;
    }
    let unread: Vec<&RelPath> = local.iter().chain(remote).collect();
    plan.lines
        .retain(|l| !unread.iter().any(|u| l.path == **u || l.path.is_below(u)));
}

/// Starts planning as a task of its own (`Command::PlanSync`); the token
/// stops it. Ends with `Event::SyncPlanned`.
pub fn spawn_plan(
    req: RequestId,
    roots: SyncRoots,
    options: SyncOptions,
    remote: Remote,
    records: Option<PathBuf>,
    events: EventTx,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let task = tokio::spawn(async move {
        let result = match remote.connections('S', &events) {
            Err(f) => Err(f),
            Ok(mut conns) => {
                let rep = Reporter::new(req, events.clone());
                let planned = tokio::select! {
                    p = plan(&mut conns, &roots, &options, records, &rep, &stop) => p,
                    _ = stop.cancelled() => Err(Failure::new(FailureKind::Cancelled, "cancelled")),
                };
                tokio::spawn(conns.close());
                planned.map(Box::new)
            }
        };
        let _ = events.send(Event::SyncPlanned { req, result });
    });
    (cancel, task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{Action, PlanLine};

    #[test]
    fn lines_at_and_below_an_unreadable_folder_are_left_out() {
        let line = |p: &str| PlanLine {
            path: RelPath::parse(p.as_bytes()),
            action: Action::Delete { on: Side::Remote },
            ticked: true,
            local: None,
            remote: None,
        };
        let mut plan = SyncPlan {
            roots: SyncRoots::default(),
            options: SyncOptions::default(),
            lines: ["a", "locked", "locked/x", "lockedness", "z/deep/y"]
                .into_iter()
                .map(line)
                .collect(),
            unhashed: 0,
            in_step: Default::default(),
            server_names: Default::default(),
        };
        leave_out_unreadable(
            &mut plan,
            &[RelPath::parse(b"locked")],
            &[RelPath::parse(b"z/deep")],
        );
        let left: Vec<String> = plan
            .lines
            .iter()
            .map(|l| l.path.display().into_owned())
            .collect();
        assert_eq!(left, ["a", "lockedness"]);
    }
}
