//! The transfers' half of `update`: copy and move (keys and drag and
//! drop), the queue panel's actions, the existing-target dialog, and the
//! engine's transfer events. Pure, like the rest of `update`.

use crossterm::event::{KeyCode, KeyEvent};

use super::copy_request;
use super::dialog::{CONFLICT_CHOICES, ConflictPrompt, Dialog};
use super::drag::DragState;
use super::effects::Update;
use super::motion::Motion;
use super::state::{AppState, LogLine, Panel};
use super::transfers::TransferRow;
use crate::engine::protocol::{
    AskId, BatchId, Command, Direction, EntryKind, Failure, FileFacts, Location, Name, OnExisting,
    Side, TransferId, TransferState, WireDir,
};

/// Moves the queue's cursor.
pub fn move_queue(state: &mut AppState, motion: Motion) {
    let height = state.layout.queue_rows();
    state.transfers.move_cursor(motion.rows(height), height);
}

/// Cancels the transfer under the queue's cursor, if it has not finished;
/// otherwise says why nothing happens.
pub fn cancel_selected(state: &mut AppState, out: &mut Update) {
    if let Some(op) = state.transfers.op_at(state.transfers.cursor) {
        if op.is_active() {
            return out.send(Command::CancelFileOp { req: op.req });
        }
        let why = format!("{} has finished: nothing to cancel", op.label);
        return state.set_status(why, false);
    }
    let why = match state.transfers.selected() {
        Some(row) if row.is_active() => return out.send(Command::CancelTransfer(row.id)),
        Some(row) => format!(
            "{} has finished: nothing to cancel",
            crate::text::sanitize(&row.name)
        ),
        None => "The queue is empty: nothing to cancel".into(),
    };
    state.set_status(why, false);
}

pub fn cancel_all(state: &mut AppState, out: &mut Update) {
    let ops: Vec<_> = state
        .transfers
        .ops
        .iter()
        .filter(|o| o.is_active())
        .map(|o| o.req)
        .collect();
    for req in &ops {
        out.send(Command::CancelFileOp { req: *req });
    }
    if !state.transfers.any_active() && !ops.is_empty() {
        return;
    }
    if !state.transfers.any_active() {
        return state.set_status("Nothing to cancel: no transfer is queued or running", false);
    }
    out.send(Command::CancelAllTransfers);
}

/// Queues the failed and cancelled transfers again.
pub fn retry_failed(state: &mut AppState, out: &mut Update) {
    let ids = state.transfers.retryable();
    if ids.is_empty() {
        return state.set_status(
            "Nothing to retry: no transfer failed or was cancelled",
            false,
        );
    }
    out.send(Command::RetryTransfers(ids));
}

/// Drops the finished rows; a queue left empty gives the keyboard back.
pub fn clear_finished(state: &mut AppState) {
    if state.transfers.rows.iter().all(TransferRow::is_active)
        && state.transfers.ops.iter().all(|o| o.is_active())
    {
        return state.set_status("Nothing to clear: no transfer has finished", false);
    }
    state.transfers.clear_finished();
    state.keep_focus_on_screen();
}

/// Keys in the existing-target dialog.
pub fn conflict_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Conflict(c)) = state.dialog.as_mut() else {
        return;
    };
    let n = CONFLICT_CHOICES.len();
    match key.code {
        KeyCode::Left | KeyCode::BackTab | KeyCode::Up => c.choice = (c.choice + n - 1) % n,
        KeyCode::Right | KeyCode::Tab | KeyCode::Down => c.choice = (c.choice + 1) % n,
        KeyCode::Char('a') | KeyCode::Char(' ') => c.for_all = !c.for_all,
        KeyCode::Enter => answer(state, None, out),
        // Esc keeps the target: the safe answer.
        KeyCode::Esc => answer(state, Some(OnExisting::Skip), out),
        KeyCode::Char(ch) => {
            if let Some(i) = CONFLICT_CHOICES
                .iter()
                .position(|(_, _, k)| *k == ch.to_ascii_lowercase())
            {
                c.choice = i;
                answer(state, None, out);
            }
        }
        _ => {}
    }
}

fn answer(state: &mut AppState, forced: Option<OnExisting>, out: &mut Update) {
    let Some(Dialog::Conflict(c)) = state.dialog.take() else {
        return;
    };
    let choice = forced.unwrap_or(CONFLICT_CHOICES[c.choice].0);
    out.send(Command::Resolve {
        ask: c.ask,
        choice,
        for_all: c.for_all,
    });
}

/// Esc while dragging drops nothing.
pub fn cancel_drag(state: &mut AppState) {
    if let Some(drag) = state.drag.take()
        && drag.active
        && let Some(before) = state.focus_before_drag.take()
    {
        (state.focus, state.panel) = before;
    }
    state.set_status("Drag cancelled", false);
}

/// Shows a question now, or after the dialog that is open.
fn show_conflict(state: &mut AppState, prompt: ConflictPrompt) {
    if state.dialog.is_none() {
        state.dialog = Some(Dialog::Conflict(prompt));
    } else {
        state.pending_conflict = Some(prompt);
    }
}

/// Called after every message: a stashed question gets its turn as soon as
/// no other dialog is open.
pub fn show_pending(state: &mut AppState, out: &mut Update) {
    if state.dialog.is_none()
        && let Some(p) = state.pending_conflict.take()
    {
        state.dialog = Some(Dialog::Conflict(p));
        out.redraw = true;
    }
}

pub fn on_queued(
    state: &mut AppState,
    id: TransferId,
    batch: BatchId,
    direction: Direction,
    name: String,
    size: Option<u64>,
) {
    state.transfers.add(TransferRow {
        id,
        batch,
        direction,
        name,
        size,
        done: 0,
        rate: 0,
        state: TransferState::Queued,
        round: 0,
    });
}

pub fn on_state(state: &mut AppState, id: TransferId, new: TransferState) {
    state.transfers.set_state(id, new);
}

pub fn on_progress(state: &mut AppState, id: TransferId, done: u64, rate: u64, out: &mut Update) {
    match state.transfers.get_mut(id) {
        Some(row) => {
            row.done = done;
            row.rate = rate;
        }
        None => out.unchanged(),
    }
}

/// The engine asks what to do with an existing target.
pub fn on_conflict(
    state: &mut AppState,
    ask: AskId,
    id: TransferId,
    name: String,
    source: FileFacts,
    target: FileFacts,
) {
    let direction = state
        .transfers
        .get_mut(id)
        .map_or(Direction::Download, |r| r.direction);
    show_conflict(
        state,
        ConflictPrompt {
            ask,
            name,
            direction,
            source,
            target,
            choice: 0,
            for_all: false,
        },
    );
}

/// A batch's files are queued; what was left out goes to the log.
pub fn on_batch_queued(state: &mut AppState, files: usize, bytes: u64, skipped: Vec<String>) {
    let extra = if skipped.is_empty() {
        String::new()
    } else {
        format!(", {} skipped (see the log)", skipped.len())
    };
    for s in skipped {
        state.push_log(LogLine {
            dir: WireDir::Info,
            code: None,
            text: format!("Skipped: {s}"),
        });
    }
    state.set_status(
        format!(
            "Queued {}, {}{extra}",
            crate::text::count(files, "file", "files"),
            crate::text::size(bytes)
        ),
        false,
    );
}

pub fn on_batch_failed(state: &mut AppState, error: Failure) {
    state.set_status(format!("Transfer not started: {error}"), true);
}

/// Every file of a batch has finished: the sum in the status bar.
pub fn on_batch_done(
    state: &mut AppState,
    done: usize,
    failed: usize,
    skipped: usize,
    cancelled: usize,
) {
    let mut parts = vec![format!("{done} done")];
    for (n, what) in [
        (failed, "failed"),
        (skipped, "skipped"),
        (cancelled, "cancelled"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    state.set_status(
        format!("Transfers finished: {}", parts.join(", ")),
        failed > 0,
    );
}

/// A press on a pane row may start a drag.
pub fn press(
    state: &mut AppState,
    side: Side,
    row: usize,
    at: (u16, u16),
    focus_before: (Side, Panel),
) {
    let pane = state.pane(side);
    let Some(&i) = pane.view.get(row) else { return };
    let entry = &pane.entries[i];
    if entry.name.is_parent_link() {
        return;
    }
    let names: Vec<Name> = if pane.marked.contains(&entry.name) {
        pane.selection().iter().map(|e| e.name.clone()).collect()
    } else {
        vec![entry.name.clone()]
    };
    let bytes = names
        .iter()
        .filter_map(|n| pane.entries.iter().find(|e| &e.name == n))
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| e.size)
        .sum();
    state.drag = Some(DragState {
        from: side,
        names,
        bytes,
        start: at,
        pos: at,
        active: false,
    });
    state.focus_before_drag = Some(focus_before);
}

/// The pointer moved with the button down.
pub fn drag_to(state: &mut AppState, at: (u16, u16), out: &mut Update) {
    match state.drag.as_mut() {
        Some(d) => {
            d.pos = at;
            if at != d.start {
                d.active = true;
            }
        }
        None => out.unchanged(),
    }
}

/// The button was released: over the other pane, that is a drop.
pub fn release(state: &mut AppState, at: (u16, u16), out: &mut Update) {
    let Some(drag) = state.drag.take() else {
        return out.unchanged();
    };
    if !drag.active {
        return out.unchanged();
    }
    if let Some(before) = state.focus_before_drag.take() {
        (state.focus, state.panel) = before;
    }
    let Some(over) = state.layout.pane_at(at.0, at.1) else {
        state.set_status("Drop cancelled", false);
        return;
    };
    if over == drag.from {
        state.set_status("Drop cancelled", false);
        return;
    }
    let target = drop_folder(state, over, at);
    copy_request::enqueue(state, drag.from, &drag.names, target, false, out);
}

/// The folder a drop at `at` over pane `side` goes to: the folder entry
/// under the pointer, else the pane's own folder.
pub fn drop_folder(state: &AppState, side: Side, at: (u16, u16)) -> Location {
    let pane = state.pane(side);
    let list = state.layout.list(side);
    if list.contains(at.into()) {
        let row = pane.offset + (at.1 - list.y) as usize;
        if let Some(&i) = pane.view.get(row) {
            let e = &pane.entries[i];
            if e.name.is_parent_link() {
                if let Some(parent) = pane.path.parent() {
                    return parent;
                }
            } else if e.kind == EntryKind::Dir {
                return pane.path.join(&e.name);
            }
        }
    }
    pane.path.clone()
}
