//! Planning a sync for the engine (`Command::PlanSync`): both roots walked
//! at once, the record of the last sync read, the plan made and sent.

use tokio_util::sync::CancellationToken;

use crate::engine::fileops::Remote;
use crate::engine::protocol::{
    Event, EventTx, Failure, FailureKind, RequestId, SyncOptions, SyncRoots,
};

/// Starts planning as a task of its own; the token stops it.
pub fn spawn_plan(
    req: RequestId,
    _roots: SyncRoots,
    _options: SyncOptions,
    _remote: Remote,
    events: EventTx,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let task = tokio::spawn(async move {
        let _ = events.send(Event::SyncPlanned {
            req,
            result: Err(Failure::new(FailureKind::Protocol, "not built yet")),
        });
    });
    (cancel, task)
}
