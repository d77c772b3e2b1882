//! After a move in which every file arrived: the source folders it walked
//! are removed, deepest first (one still holding something, a skipped
//! file, stays), the panes showing the source folder re-read it, and only
//! then does the batch report done. Local folders go on a blocking thread;
//! remote ones on a connection of its own.

use std::path::PathBuf;

use super::batches::Folder;
use super::planning;
use crate::engine::protocol::EventTx;
use crate::engine::protocol::{ConnectProfile, Direction, Event};
use crate::engine::session::Connector;

/// Removes `dirs` (ordered deepest first) on the source side of a batch
/// that went `direction`, then sends `then_reread`'s change and `summary`.
pub async fn remove_source_dirs(
    direction: Direction,
    dirs: Vec<PathBuf>,
    then_reread: Option<Folder>,
    summary: Event,
    profile: Option<ConnectProfile>,
    connector: Connector,
    events: EventTx,
) {
    match direction {
        Direction::Upload => {
            let _ = tokio::task::spawn_blocking(move || {
                for d in dirs {
                    let _ = std::fs::remove_dir(d);
                }
            })
            .await;
        }
        Direction::Download => {
            // Without a server the folders stay; the summary still goes out.
            if let Some(profile) = profile
                && let Ok(mut s) = connector.open(profile, planning::sink(&events)).await
            {
                for d in dirs {
                    let _ = s.rmdir(&d.to_string_lossy()).await;
                }
                s.quit().await;
            }
        }
    }
    if let Some(folder) = then_reread {
        let _ = events.send(folder.changed());
    }
    let _ = events.send(summary);
}
