//! F8 and Delete (in a pane; in the queue Delete cancels): the marked
//! entries, or the one under the cursor, deleted — folders with all they
//! hold, links as links. The question names what goes, counted by a
//! `FileOp::Count` whose figures stream into it while the user reads;
//! they can answer before it ends. The delete then runs as queue work: a
//! row with its counts (`file_op_events.rs` follows it). config.toml's
//! `confirm_delete = false` skips the question. Pure.

use crossterm::event::{KeyCode, KeyEvent};

use super::delete_request;
use super::dialog::Dialog;
use super::effects::Update;
use super::file_ops::{DeletePrompt, Waiting};
use super::state::AppState;
use crate::engine::protocol::{
    Command, EntryKind, FileOp, Location, OpCounts, RequestId, Side, Target,
};

/// F8: asks (or deletes at once when `confirm_delete` is off).
pub fn open(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if side == Side::Remote && !state.is_connected() {
        state.set_status("Not connected: nothing to delete on the server", false);
        return out.unchanged();
    }
    let pane = state.pane(side);
    let folder = pane.path.clone();
    let picked = pane.selection();
    if picked.is_empty() {
        state.set_status("Nothing to delete: no entry under the cursor", false);
        return out.unchanged();
    }
    let top_bytes = picked
        .iter()
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| e.size)
        .sum();
    let targets: Vec<Target> = picked
        .iter()
        .map(|e| Target {
            path: folder.join(&e.name),
            kind: e.kind,
        })
        .collect();
    if !state.confirm_delete {
        return start(state, folder, targets, None, out);
    }
    let count = state.next_request();
    state.file_ops.push((count, Waiting::Count));
    out.send(Command::FileOp {
        req: count,
        op: FileOp::Count {
            targets: targets.clone(),
        },
    });
    state.dialog = Some(Dialog::Delete(DeletePrompt {
        side,
        folder,
        targets,
        count,
        counting: true,
        counts: OpCounts::default(),
        top_bytes,
        unreadable: 0,
    }));
}

/// Enter or y deletes; Esc or n keeps everything.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Delete(p)) = state.dialog.clone() else {
        return out.unchanged();
    };
    let go = match key.code {
        KeyCode::Enter | KeyCode::Char('y' | 'Y') => true,
        KeyCode::Esc | KeyCode::Char('n' | 'N') => false,
        _ => return out.unchanged(),
    };
    state.dialog = None;
    stop_count(state, p.count, p.counting, out);
    if go {
        let expected = (!p.counting).then_some(p.counts.seen);
        start(state, p.folder, p.targets, expected, out);
    }
}

/// The count is not needed any more.
fn stop_count(state: &mut AppState, count: RequestId, running: bool, out: &mut Update) {
    state.file_ops.retain(|(r, _)| *r != count);
    if running {
        out.send(Command::CancelFileOp { req: count });
    }
}

/// Sends the delete and gives it its row in the queue.
fn start(
    state: &mut AppState,
    folder: Location,
    targets: Vec<Target>,
    expected: Option<usize>,
    out: &mut Update,
) {
    delete_request::send(state, &folder.display(), targets, expected, out);
}
