//! Running one file operation for the engine: local ones on a blocking
//! thread, remote ones on connections of their own (`connections.rs`),
//! never the browse connection. Each ends with `Event::OpDone` (after a
//! cancel too), and `FolderChanged` for the folders it changed, so the
//! panes showing them re-read.

use std::collections::BTreeSet;

use tokio_util::sync::CancellationToken;

use super::connections::{Connections, SinkFor};
use super::report::Reporter;
use super::{local, remote, remote_delete};
use crate::engine::protocol::{
    ConnectProfile, Event, EventTx, Failure, FailureKind, FileOp, Location, RemotePath, RequestId,
    Side,
};
use crate::engine::session::Connector;
use crate::engine::wire_log::WireSink;

/// What a remote operation needs from the engine.
pub struct Remote {
    pub connector: Connector,
    /// The server the remote pane is connected to (None: none).
    pub profile: Option<ConnectProfile>,
    /// Connections at most (the transfer pool's `connections`).
    pub max: usize,
}

impl Remote {
    /// The connections to the remote pane's server, each logging its
    /// protocol lines as `[{tag}n]`; why not when it is not connected.
    pub fn connections(self, tag: char, events: &EventTx) -> Result<Connections, Failure> {
        let Some(profile) = self.profile else {
            return Err(Failure::new(FailureKind::NotConnected, "not connected"));
        };
        let events = events.clone();
        let sink_for: SinkFor =
            Box::new(move |n| WireSink::to_events(events.clone(), &format!("[{tag}{n}] ")));
        Ok(Connections::new(
            self.connector,
            profile,
            self.max,
            sink_for,
        ))
    }
}

/// Starts `op` as a task of its own; the token stops it.
pub fn spawn(
    req: RequestId,
    op: FileOp,
    remote: Remote,
    events: EventTx,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let task = tokio::spawn(run(req, op, remote, events, cancel.clone()));
    (cancel, task)
}

/// The side an operation works on, or why it cannot run.
fn side_of(op: &FileOp) -> Result<Side, Failure> {
    let first = match op {
        FileOp::MakeDir { path, .. } => path.side(),
        FileOp::Rename { from, to, .. } => {
            if from.side() != to.side() {
                return Err(local::across_sides());
            }
            from.side()
        }
        FileOp::Chmod { targets, .. } => targets.first().map_or(Side::Local, Location::side),
        FileOp::Delete { targets } | FileOp::Count { targets } => {
            targets.first().map_or(Side::Local, |t| t.path.side())
        }
        FileOp::Find { root, .. } => root.side(),
        FileOp::Details { path } => path.side(),
    };
    Ok(first)
}

/// The folders whose listings change.
fn changed_folders(op: &FileOp) -> Vec<Location> {
    let mut out = BTreeSet::new();
    let mut parent = |l: &Location| {
        if let Some(p) = l.parent() {
            out.insert(p.display().into_owned());
        }
    };
    let paths: Vec<&Location> = match op {
        FileOp::MakeDir { path, .. } => vec![path],
        FileOp::Rename { from, to, .. } => vec![from, to],
        FileOp::Chmod { targets, .. } => targets.iter().collect(),
        FileOp::Delete { targets } => targets.iter().map(|t| &t.path).collect(),
        FileOp::Find { .. } | FileOp::Count { .. } | FileOp::Details { .. } => vec![],
    };
    let side = paths.first().map(|l| l.side());
    for p in &paths {
        parent(p);
    }
    out.into_iter()
        .map(|p| match side {
            Some(Side::Remote) => Location::Remote(RemotePath::from_bytes(p.into_bytes())),
            _ => Location::Local(p.into()),
        })
        .collect()
}

async fn run(
    req: RequestId,
    op: FileOp,
    remote: Remote,
    events: EventTx,
    cancel: CancellationToken,
) {
    let rep = Reporter::new(req, events.clone());
    let changed = changed_folders(&op);
    let side = match side_of(&op) {
        Ok(s) => s,
        Err(f) => {
            if let FileOp::Rename { from, .. } = &op {
                rep.failed(from.clone(), f);
            }
            rep.finish(false);
            return;
        }
    };
    let finished = match side {
        Side::Local => {
            let (rep2, stop) = (rep.clone(), cancel.clone());
            let work = tokio::task::spawn_blocking(move || local::run(op, &rep2, &stop));
            tokio::select! {
                _ = work => true,
                // The blocking walk sees the token and stops soon after.
                _ = cancel.cancelled() => false,
            }
        }
        Side::Remote => {
            let max = remote.max;
            let mut conns = match remote.connections('F', &events) {
                Ok(c) => c,
                Err(f) => {
                    rep.failed(first_path(&op), f);
                    rep.finish(false);
                    return;
                }
            };
            let finished = tokio::select! {
                _ = run_remote(op, &mut conns, max, &rep) => true,
                _ = cancel.cancelled() => false,
            };
            // Connections still busy were dropped with the operation.
            tokio::spawn(conns.close());
            finished
        }
    };
    rep.finish(!finished);
    for path in changed {
        let _ = events.send(Event::FolderChanged { path });
    }
}

fn first_path(op: &FileOp) -> Location {
    match op {
        FileOp::MakeDir { path, .. } => path.clone(),
        FileOp::Rename { from, .. } => from.clone(),
        FileOp::Chmod { targets, .. } => targets
            .first()
            .cloned()
            .unwrap_or(Location::Remote(RemotePath::root())),
        FileOp::Delete { targets } | FileOp::Count { targets } => targets
            .first()
            .map(|t| t.path.clone())
            .unwrap_or(Location::Remote(RemotePath::root())),
        FileOp::Find { root, .. } => root.clone(),
        FileOp::Details { path } => path.clone(),
    }
}

/// Runs a remote operation on `conns` to its end: the engine's and the
/// headless commands' way alike.
pub async fn run_remote(op: FileOp, conns: &mut Connections, max: usize, rep: &Reporter) {
    let remote_paths = |ls: Vec<Location>| -> Vec<RemotePath> {
        ls.into_iter()
            .filter_map(|l| l.as_remote().cloned())
            .collect()
    };
    match op {
        FileOp::MakeDir { path, parents } => {
            rep.seen(1);
            let Some(p) = path.as_remote() else { return };
            match conns.one().await {
                Ok(mut s) => {
                    let r = remote::mkdir(&mut s, p, parents).await;
                    conns.put_back(s);
                    match r {
                        Ok(()) => rep.done(1),
                        Err(e) => rep.failed(path, e.failure()),
                    }
                }
                Err(e) => rep.failed(path, e.failure()),
            }
        }
        FileOp::Rename { from, to, replace } => {
            rep.seen(1);
            let (Some(f), Some(t)) = (from.as_remote(), to.as_remote()) else {
                return;
            };
            match conns.one().await {
                Ok(mut s) => {
                    let r = remote::rename(&mut s, f, t, replace).await;
                    conns.put_back(s);
                    match r {
                        Ok(()) => rep.done(1),
                        Err(e) => rep.failed(from, e.failure()),
                    }
                }
                Err(e) => rep.failed(from, e.failure()),
            }
        }
        FileOp::Chmod {
            targets,
            mode,
            below,
        } => remote::chmod(conns, max, remote_paths(targets), mode, below, rep).await,
        FileOp::Delete { targets } => {
            let targets = targets
                .into_iter()
                .filter_map(|t| t.path.as_remote().cloned().map(|p| (p, t.kind)))
                .collect();
            remote_delete::delete(conns, max, targets, rep).await
        }
        FileOp::Count { targets } => {
            let targets = targets
                .into_iter()
                .filter_map(|t| t.path.as_remote().cloned().map(|p| (p, t.kind)))
                .collect();
            remote_delete::count(conns, targets, rep).await
        }
        FileOp::Find { root, pattern } => {
            if let Some(r) = root.as_remote() {
                remote::find(conns, r.clone(), &pattern, rep).await
            }
        }
        FileOp::Details { path } => {
            let Some(p) = path.as_remote() else { return };
            match conns.one().await {
                Ok(mut s) => {
                    let r = s.owner_of(p).await;
                    conns.put_back(s);
                    match r {
                        Ok(o) => rep.details(text(o.owner), text(o.group)),
                        Err(e) => rep.failed(path, e.failure()),
                    }
                }
                Err(e) => rep.failed(path, e.failure()),
            }
        }
    }
}

/// A name as the server wrote it, for the dialog (which escapes control
/// characters when it draws).
fn text(name: Option<Vec<u8>>) -> Option<String> {
    name.map(|n| String::from_utf8_lossy(&n).into_owned())
}
