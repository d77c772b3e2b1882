//! The transfer side of `update`: copy and move (keys and drag and drop),
//! the queue panel's actions, the existing-target dialog, and the engine's
//! transfer events. Pure, like the rest of `update`.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::dialog::{CONFLICT_CHOICES, ConflictPrompt, Dialog, PatternPrompt};
use super::drag::DragState;
use super::effects::Update;
use super::keymap::Action;
use super::state::AppState;
use super::transfers::TransferRow;
use crate::engine::protocol::{
    Command, Direction, Entry, EntryKind, Event, OnExisting, Side, TransferItem, TransferRequest,
    TransferState, WireDir,
};

fn other(side: Side) -> Side {
    match side {
        Side::Local => Side::Remote,
        Side::Remote => Side::Local,
    }
}

/// F5 / F6: the marked entries (or the current one) of the focused pane go
/// to the other pane's folder.
pub fn copy_or_move(state: &mut AppState, move_after: bool, out: &mut Update) {
    let from = state.focus;
    let names: Vec<String> = state
        .pane(from)
        .selection()
        .iter()
        .map(|e| e.name.clone())
        .collect();
    let target = state.pane(other(from)).path.clone();
    if enqueue(state, from, &names, target, move_after, out) {
        state.pane_mut(from).marked.clear();
    }
}

/// Sends one transfer request for `names` of the `from` pane into `target_dir`.
/// Returns whether anything was sent.
pub fn enqueue(
    state: &mut AppState,
    from: Side,
    names: &[String],
    target_dir: PathBuf,
    move_after: bool,
    out: &mut Update,
) -> bool {
    if names.is_empty() {
        state.set_status("Nothing to copy", false);
        return false;
    }
    if !state.is_connected() {
        state.set_status(
            "Not connected: connect first to copy between the panes",
            true,
        );
        return false;
    }
    let pane = state.pane(from);
    let items: Vec<TransferItem> = names
        .iter()
        .filter_map(|n| pane.entries.iter().find(|e| &e.name == n))
        .filter(|e| e.name != "..")
        .map(|e| item_for(pane.path.join(&e.name), e))
        .collect();
    if items.is_empty() {
        return false;
    }
    let direction = match from {
        Side::Local => Direction::Upload,
        Side::Remote => Direction::Download,
    };
    let verb = if move_after { "Moving" } else { "Copying" };
    let what = match items.as_slice() {
        [one] => one.target_name.clone(),
        many => format!("{} entries", many.len()),
    };
    state.set_status(format!("{verb} {what} to {}…", target_dir.display()), false);
    let batch = state.next_batch();
    out.send(Command::Transfer(TransferRequest {
        batch,
        direction,
        items,
        target_dir,
        on_existing: state.on_existing,
        move_after,
    }));
    true
}

fn item_for(source: PathBuf, e: &Entry) -> TransferItem {
    let is_dir = e.kind == EntryKind::Dir;
    TransferItem {
        source,
        is_dir,
        size: (!is_dir && e.kind == EntryKind::File).then_some(e.size),
        modified: e.modified,
        target_name: e.name.clone(),
    }
}

/// Actions while the queue panel has the keyboard. Returns false for an
/// action the queue does not handle (the caller applies it as usual).
pub fn queue_action(state: &mut AppState, action: Action, out: &mut Update) -> bool {
    let height = state.layout.queue_rows();
    let t = &mut state.transfers;
    match action {
        Action::Up => t.move_cursor(-1, height),
        Action::Down => t.move_cursor(1, height),
        Action::PageUp => t.move_cursor(-(height.max(1) as isize), height),
        Action::PageDown => t.move_cursor(height.max(1) as isize, height),
        Action::Top => t.move_cursor(isize::MIN / 2, height),
        Action::Bottom => t.move_cursor(isize::MAX / 2, height),
        Action::CancelTransfer => {
            if let Some(row) = t.selected().filter(|r| r.is_active()) {
                out.send(Command::CancelTransfer(row.id));
            }
        }
        Action::CancelAllTransfers => out.send(Command::CancelAllTransfers),
        Action::RetryFailed => {
            let ids = t.retryable();
            if !ids.is_empty() {
                out.send(Command::RetryTransfers(ids));
            }
        }
        Action::ClearFinished => {
            t.clear_finished();
            if !state.queue_visible() {
                state.queue_focused = false;
            }
        }
        _ => return false,
    }
    true
}

/// Opens the pattern prompt for `+` / `-`.
pub fn ask_pattern(state: &mut AppState, mark: bool) {
    state.dialog = Some(Dialog::Pattern(PatternPrompt {
        mark,
        input: "*".into(),
        error: None,
    }));
}

/// Keys in the pattern prompt.
pub fn pattern_key(state: &mut AppState, key: KeyEvent) {
    let Some(Dialog::Pattern(p)) = state.dialog.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Esc => state.dialog = None,
        KeyCode::Backspace => {
            p.input.pop();
        }
        KeyCode::Enter => match glob::Pattern::new(&p.input) {
            Err(e) => p.error = Some(format!("Not a pattern: {e}")),
            Ok(pattern) => {
                let mark = p.mark;
                state.dialog = None;
                let side = state.focus;
                let n = state.pane_mut(side).mark_matching(&pattern, mark);
                let verb = if mark { "Marked" } else { "Unmarked" };
                state.set_status(
                    format!("{verb} {n} entries matching {}", pattern.as_str()),
                    false,
                );
            }
        },
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            p.input.push(c);
            p.error = None;
        }
        _ => {}
    }
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
pub fn show_pending(state: &mut AppState) {
    if state.dialog.is_none()
        && let Some(p) = state.pending_conflict.take()
    {
        state.dialog = Some(Dialog::Conflict(p));
    }
}

/// Folds a transfer event into the state. Returns false for other events.
pub fn on_event(state: &mut AppState, ev: &Event, out: &mut Update) -> bool {
    match ev {
        Event::TransferQueued {
            id,
            batch,
            direction,
            name,
            size,
        } => state.transfers.add(TransferRow {
            id: *id,
            batch: *batch,
            direction: *direction,
            name: name.clone(),
            size: *size,
            done: 0,
            rate: 0,
            state: TransferState::Queued,
        }),
        Event::TransferState { id, state: s } => state.transfers.set_state(*id, s.clone()),
        Event::TransferProgress { id, done, rate } => {
            if let Some(row) = state.transfers.get_mut(*id) {
                row.done = *done;
                row.rate = *rate;
            }
        }
        Event::Conflict {
            ask,
            id,
            name,
            source,
            target,
        } => {
            let direction = state
                .transfers
                .get_mut(*id)
                .map_or(Direction::Download, |r| r.direction);
            show_conflict(
                state,
                ConflictPrompt {
                    ask: *ask,
                    name: name.clone(),
                    direction,
                    source: source.clone(),
                    target: target.clone(),
                    choice: 0,
                    for_all: false,
                },
            );
        }
        Event::BatchQueued {
            files,
            bytes,
            skipped,
            ..
        } => {
            for s in skipped {
                state.push_log(super::state::LogLine {
                    dir: WireDir::Info,
                    code: None,
                    text: format!("Skipped: {s}"),
                });
            }
            let extra = if skipped.is_empty() {
                String::new()
            } else {
                format!(", {} skipped (see the log)", skipped.len())
            };
            state.set_status(
                format!(
                    "Queued {files} files, {}{extra}",
                    crate::text::human_size(*bytes)
                ),
                false,
            );
        }
        Event::BatchFailed { error, .. } => {
            state.set_status(format!("Transfer not started: {error}"), true)
        }
        Event::BatchDone {
            done,
            failed,
            skipped,
            cancelled,
            ..
        } => {
            let mut parts = vec![format!("{done} done")];
            for (n, what) in [
                (*failed, "failed"),
                (*skipped, "skipped"),
                (*cancelled, "cancelled"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {what}"));
                }
            }
            state.set_status(
                format!("Transfers finished: {}", parts.join(", ")),
                *failed > 0,
            );
        }
        Event::FolderChanged { side, path } => {
            let pane = state.pane(*side);
            let connected = *side == Side::Local || state.is_connected();
            if &pane.path == path && pane.pending.is_none() && connected {
                let keep = pane.current().map(|e| e.name.clone());
                let req = state.next_request();
                state.pane_mut(*side).pending = Some(super::pane::Pending {
                    req,
                    path: path.clone(),
                    select: keep,
                });
                out.send(Command::List {
                    req,
                    side: *side,
                    path: path.clone(),
                });
            }
        }
        _ => return false,
    }
    true
}

/// A press on a pane row may start a drag.
pub fn press(state: &mut AppState, side: Side, row: usize, at: (u16, u16)) {
    let pane = state.pane(side);
    let Some(&i) = pane.view.get(row) else { return };
    let entry = &pane.entries[i];
    if entry.name == ".." {
        return;
    }
    let names: Vec<String> = if pane.marked.contains(&entry.name) {
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
}

/// The pointer moved with the button down.
pub fn drag_to(state: &mut AppState, at: (u16, u16)) {
    if let Some(d) = state.drag.as_mut() {
        d.pos = at;
        if at != d.start {
            d.active = true;
        }
    }
}

/// The button was released: over the other pane, that is a drop.
pub fn release(state: &mut AppState, at: (u16, u16), out: &mut Update) {
    let Some(drag) = state.drag.take() else {
        return;
    };
    if !drag.active {
        return;
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
    enqueue(state, drag.from, &drag.names, target, false, out);
}

/// The folder a drop at `at` over pane `side` goes to: the folder entry
/// under the pointer, else the pane's own folder.
pub fn drop_folder(state: &AppState, side: Side, at: (u16, u16)) -> PathBuf {
    let pane = state.pane(side);
    let list = state.layout.list(side);
    if list.contains(at.into()) {
        let row = pane.offset + (at.1 - list.y) as usize;
        if let Some(&i) = pane.view.get(row) {
            let e = &pane.entries[i];
            if e.name == ".." {
                if let Some(parent) = super::pane::parent_of(&pane.path) {
                    return parent;
                }
            } else if e.kind == EntryKind::Dir {
                return pane.path.join(&e.name);
            }
        }
    }
    pane.path.clone()
}
