//! A delete sent as queue work: its row in the queue (counts, failures)
//! and what its answer is for, followed by `file_op_events.rs`. Shared by
//! F8 (`delete_actions.rs`) and a sync's deletions (`sync_actions.rs`).

use super::effects::Update;
use super::file_ops::{OpRow, OpState, Waiting};
use super::state::AppState;
use crate::engine::protocol::{Command, FileOp, OpCounts, RequestId, Target};
use crate::text;

/// Sends the delete of `targets` (in `folder`, as the row names it) and
/// gives it its row; `expected`: the entries a count found, when known.
pub fn send(
    state: &mut AppState,
    folder: &str,
    targets: Vec<Target>,
    expected: Option<usize>,
    out: &mut Update,
) -> RequestId {
    let what = match targets.as_slice() {
        [one] => one
            .path
            .file_name()
            .map_or_else(|| "1 item".into(), |n| n.display().into_owned()),
        many => text::count(many.len(), "item", "items"),
    };
    let req = state.next_request();
    state.file_ops.push((req, Waiting::Delete));
    state.transfers.ops.push(OpRow {
        req,
        label: format!("Delete {what} in {folder}"),
        counts: OpCounts::default(),
        expected,
        failures: Vec::new(),
        state: OpState::Running,
    });
    out.send(Command::FileOp {
        req,
        op: FileOp::Delete { targets },
    });
    req
}
