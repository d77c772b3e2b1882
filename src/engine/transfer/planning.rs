//! Starting a batch's planning: whether the plan needs the server at all
//! (files whose size the caller knows need none), how many workers to open
//! while it is walked (they log in meanwhile), and the task that walks it
//! on a connection of its own, a lent one, or one borrowed from the pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{disk_space, plan};
use crate::engine::error::EngineError;
use crate::engine::protocol::EventTx;
use crate::engine::protocol::{ConnectProfile, Direction, TransferId, TransferRequest};
use crate::engine::session::{Connector, Session};
use crate::engine::wire_log::WireSink;

/// Whether planning talks to the server: folders are listed there, files
/// of unknown size looked up, and upload targets always.
pub fn needs_server(req: &TransferRequest) -> bool {
    req.direction() == Direction::Upload || req.items.iter().any(|i| i.is_dir || i.size.is_none())
}

/// How many workers the batch will keep busy: a folder may hold any
/// number of files, so all of them; otherwise one a file.
pub fn workers_wanted(req: &TransferRequest, connections: usize) -> usize {
    if req.items.iter().any(|i| i.is_dir) {
        connections
    } else {
        req.items.len().min(connections)
    }
}

/// The protocol log of planning connections.
pub fn sink(events: &EventTx) -> WireSink {
    WireSink::to_events(events.clone(), "[plan] ")
}

/// Walks a batch on a connection of its own (opened only if the plan needs
/// the server, unless one was opened ahead), and gives that connection
/// back if it is still logged in.
pub async fn plan_batch(
    req: TransferRequest,
    profile: ConnectProfile,
    connector: Connector,
    spare: Option<Session>,
    borrow: plan::Borrow,
    ids: Arc<AtomicU64>,
    events: EventTx,
) -> (Result<plan::Plan, EngineError>, Option<Session>) {
    let mut session =
        plan::PlanSession::new(connector, profile, sink(&events), spare, Some(borrow));
    let mut next_id = move || TransferId(ids.fetch_add(1, Ordering::Relaxed));
    let result = match req.direction() {
        Direction::Download => match plan::plan_download(&req, &mut session, &mut next_id).await {
            Ok(plan) => with_room_checked(plan).await,
            Err(e) => Err(e),
        },
        Direction::Upload => plan::plan_upload(&req, &mut session, &mut next_id).await,
    };
    (result, session.into_session())
}

/// Compares a download plan's bytes with the free space of the disks they
/// go to (on a blocking thread: statvfs and a stat per folder).
async fn with_room_checked(mut plan: plan::Plan) -> Result<plan::Plan, EngineError> {
    let jobs = std::mem::take(&mut plan.jobs);
    let (jobs, short) = tokio::task::spawn_blocking(move || {
        let short = disk_space::shortfall(&jobs);
        (jobs, short)
    })
    .await
    .map_err(|e| EngineError::Protocol(format!("planning stopped: {e}")))?;
    plan.jobs = jobs;
    plan.shortfall = short;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::RelPath;
    use crate::engine::protocol::{BatchId, Location, OnExisting, RemotePath, TransferItem};

    fn item(is_dir: bool, size: Option<u64>) -> TransferItem {
        TransferItem {
            source: Location::Remote(RemotePath::from("/a")),
            is_dir,
            size,
            modified: None,
            target_name: "a".into(),
            subdir: RelPath::default(),
        }
    }

    fn request(direction: Direction, items: Vec<TransferItem>) -> TransferRequest {
        let target_dir = match direction {
            Direction::Download => Location::Local("/t".into()),
            Direction::Upload => Location::Remote(RemotePath::from("/t")),
        };
        TransferRequest {
            batch: BatchId(1),
            items,
            target_dir,
            on_existing: OnExisting::Ask,
            move_after: false,
            folders: Vec::new(),
            verify: false,
        }
    }

    #[test]
    fn only_downloads_of_files_of_known_size_plan_without_the_server() {
        let known = || item(false, Some(3));
        assert!(!needs_server(&request(
            Direction::Download,
            vec![known(), known()]
        )));
        assert!(needs_server(&request(
            Direction::Download,
            vec![known(), item(false, None)]
        )));
        assert!(needs_server(&request(
            Direction::Download,
            vec![known(), item(true, None)]
        )));
        assert!(needs_server(&request(Direction::Upload, vec![known()])));
    }

    #[test]
    fn a_folder_wants_every_connection_files_one_each() {
        let files = |n| request(Direction::Download, vec![item(false, Some(1)); n]);
        assert_eq!(workers_wanted(&files(2), 4), 2);
        assert_eq!(workers_wanted(&files(9), 4), 4);
        let tree = request(Direction::Upload, vec![item(true, None)]);
        assert_eq!(workers_wanted(&tree, 4), 4);
    }
}
