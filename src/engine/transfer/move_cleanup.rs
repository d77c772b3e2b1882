//! After a move in which every file arrived: the source folders it walked
//! are removed, deepest first (one still holding something, a skipped
//! file, stays), the panes showing the source folder re-read it, and only
//! then does the batch report done. Local folders go on a blocking thread;
//! remote ones on a connection of its own, to the batch's own server.

use super::batches::changed;
use super::planning;
use crate::engine::protocol::{ConnectProfile, Event, EventTx, Location};
use crate::engine::session::Connector;

/// Removes `dirs` (ordered deepest first; all on the source side of the
/// batch, whose server `profile` names), then sends `then_reread`'s change
/// and `summary`.
pub async fn remove_source_dirs(
    dirs: Vec<Location>,
    then_reread: Option<Location>,
    summary: Event,
    profile: ConnectProfile,
    connector: Connector,
    events: EventTx,
) {
    let (local, remote): (Vec<Location>, Vec<Location>) = dirs
        .into_iter()
        .partition(|d| matches!(d, Location::Local(_)));
    if !local.is_empty() {
        let _ = tokio::task::spawn_blocking(move || {
            for d in local.iter().filter_map(Location::as_local) {
                let _ = std::fs::remove_dir(d);
            }
        })
        .await;
    }
    if !remote.is_empty()
        && let Ok(mut s) = connector.open(profile, planning::sink(&events)).await
    {
        for d in remote.iter().filter_map(Location::as_remote) {
            let _ = s.rmdir(d).await;
        }
        s.quit().await;
    }
    if let Some(folder) = then_reread {
        let _ = events.send(changed(folder));
    }
    let _ = events.send(summary);
}
