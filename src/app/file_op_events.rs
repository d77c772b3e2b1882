//! The engine's answers to the file operations the dialogs sent
//! (`OpProgress`, `OpEntryFailed`, `OpDone`), by what each was for
//! (`AppState::file_ops`): the count streams into F8's question, a
//! delete's row in the queue follows its counts and lists what failed, a
//! new or renamed entry gets the cursor after the re-read, and every
//! failure is said in the status line with the server's reply. Pure.

use super::dialog::Dialog;
use super::effects::Update;
use super::file_ops::{OpState, Waiting};
use super::requests;
use super::state::AppState;
use crate::engine::protocol::{Failure, FailureKind, Location, Name, OpCounts, RequestId};
use crate::text;

fn waiting(state: &AppState, req: RequestId) -> Option<Waiting> {
    state
        .file_ops
        .iter()
        .find(|(r, _)| *r == req)
        .map(|(_, w)| w.clone())
}

pub fn on_progress(state: &mut AppState, req: RequestId, counts: OpCounts, out: &mut Update) {
    match waiting(state, req) {
        Some(Waiting::Count) => match state.dialog.as_mut() {
            Some(Dialog::Delete(p)) if p.count == req => p.counts = counts,
            _ => out.unchanged(),
        },
        Some(Waiting::Delete) => match state.transfers.op_mut(req) {
            Some(row) => row.counts = counts,
            None => out.unchanged(),
        },
        _ => out.unchanged(),
    }
}

pub fn on_failed(
    state: &mut AppState,
    req: RequestId,
    path: Location,
    error: Failure,
    out: &mut Update,
) {
    let shown = text::sanitize(&path.display()).into_owned();
    let reply = text::sanitize(&error.message).into_owned();
    let message = match waiting(state, req) {
        None => return out.unchanged(),
        Some(Waiting::Count) => {
            if let Some(Dialog::Delete(p)) = state.dialog.as_mut()
                && p.count == req
            {
                p.unreadable += 1;
            }
            return;
        }
        Some(Waiting::Delete) => {
            // Local failures name their path already.
            let line = if reply.starts_with(&shown) {
                reply
            } else {
                format!("{shown}: {reply}")
            };
            let message = format!("Could not delete {line}");
            if let Some(row) = state.transfers.op_mut(req) {
                row.failures.push(line);
            }
            message
        }
        Some(Waiting::MakeDir { .. }) if error.kind == FailureKind::Exists => {
            format!("Not made: {shown} exists already ({reply})")
        }
        Some(Waiting::MakeDir { .. }) => format!("Could not make the folder {shown}: {reply}"),
        Some(Waiting::Rename { .. }) if error.kind == FailureKind::Exists => {
            format!("Not renamed: the new name exists ({reply})")
        }
        Some(Waiting::Rename { .. }) => format!("Could not rename {shown}: {reply}"),
        Some(Waiting::Chmod { .. }) => {
            format!("Could not change the permissions of {shown}: {reply}")
        }
    };
    state.set_status(message, true);
}

pub fn on_done(
    state: &mut AppState,
    req: RequestId,
    counts: OpCounts,
    cancelled: bool,
    out: &mut Update,
) {
    let Some(w) = waiting(state, req) else {
        return out.unchanged();
    };
    state.file_ops.retain(|(r, _)| *r != req);
    let ok = counts.failed == 0 && !cancelled;
    match w {
        Waiting::Count => match state.dialog.as_mut() {
            Some(Dialog::Delete(p)) if p.count == req => {
                p.counts = counts;
                p.counting = false;
            }
            _ => out.unchanged(),
        },
        Waiting::Delete => delete_done(state, req, counts, cancelled),
        Waiting::MakeDir { folder, select } => {
            if ok {
                state.set_status(format!("Made {}", shown(&select)), false);
                show(state, folder, select, out);
            }
        }
        Waiting::Rename { folder, select } => {
            if ok {
                state.set_status(format!("Renamed to {}", shown(&select)), false);
                show(state, folder, select, out);
            }
        }
        Waiting::Chmod { what } => {
            if ok {
                let n = text::count(counts.done, "entry", "entries");
                state.set_status(format!("Permissions of {what} changed ({n})"), false);
            }
        }
    }
}

fn shown(name: &Name) -> String {
    text::sanitize(&name.display()).into_owned()
}

/// The pane showing `folder` re-reads it with the cursor on `select`.
fn show(state: &mut AppState, folder: Location, select: Name, out: &mut Update) {
    if state.pane(folder.side()).path == folder {
        requests::list_if_online(state, folder, Some(select), out);
    }
}

fn delete_done(state: &mut AppState, req: RequestId, counts: OpCounts, cancelled: bool) {
    let Some(row) = state.transfers.op_mut(req) else {
        return;
    };
    row.counts = counts;
    row.state = if cancelled {
        OpState::Cancelled
    } else {
        OpState::Done
    };
    let deleted = text::count(counts.done, "entry", "entries");
    let (message, is_error) = if cancelled {
        (format!("Delete stopped: {deleted} deleted"), false)
    } else if counts.failed > 0 {
        let failed = match row.failures.as_slice() {
            [one] => one.clone(),
            _ => format!("{} entries (listed in the queue)", counts.failed),
        };
        (
            format!("Could not delete {failed}; {deleted} deleted"),
            true,
        )
    } else {
        (format!("Deleted {deleted}"), false)
    };
    state.set_status(message, is_error);
}
