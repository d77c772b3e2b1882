//! Alt-? (mc's find file): names under the focused pane's folder, by glob
//! (`*.log`) or substring, case-insensitive. The walk runs in the engine on
//! connections of its own (`FileOp::Find`), several folders at once where
//! the server allows, so browsing stays responsive; results stream into a
//! panel. Enter goes to a result's folder with the cursor on it; Space
//! marks; F5 copies the marked results (or the one under the cursor) into
//! the other pane's folder; Esc stops the walk, and closes the panel once
//! it has stopped. Pure, like the rest of `update`.

use crossterm::event::{KeyCode, KeyEvent};

use super::copy_request;
use super::dialog::{Dialog, FindPanel, FindPrompt};
use super::effects::Update;
use super::line_input::LineInput;
use super::requests;
use super::state::AppState;
use crate::engine::protocol::{
    Command, Entry, EntryKind, Failure, FileOp, Location, NamePattern, OpCounts, RequestId,
};

/// Alt-?: asks what to find under the focused pane's folder.
pub fn open(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if side == crate::engine::protocol::Side::Remote && !state.is_connected() {
        state.set_status("Not connected: connect first to find on the server", true);
        return out.unchanged();
    }
    state.dialog = Some(Dialog::FindPrompt(FindPrompt {
        side,
        root: state.pane(side).path.clone(),
        input: LineInput::new("*"),
    }));
}

/// Keys in the prompt: editing, Enter starts the walk, Esc cancels.
pub fn prompt_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::FindPrompt(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    match key.code {
        KeyCode::Esc => state.dialog = None,
        KeyCode::Enter => {
            let (side, root) = (p.side, p.root.clone());
            let pattern = p.input.text().trim().to_string();
            let req = state.next_request();
            out.send(Command::FileOp {
                req,
                op: FileOp::Find {
                    root: root.clone(),
                    pattern: NamePattern::new(pattern.clone()),
                },
            });
            state.dialog = Some(Dialog::Find(FindPanel {
                side,
                root,
                pattern,
                req,
                running: true,
                stopped: false,
                counts: OpCounts::default(),
                failed: 0,
                hits: Vec::new(),
                marked: Default::default(),
                cursor: 0,
                scroll: 0,
            }));
        }
        _ => {
            if !p.input.key(&key) {
                out.unchanged();
            }
        }
    }
}

/// Text pasted into the prompt.
pub fn paste(state: &mut AppState, text: &str) {
    if let Some(Dialog::FindPrompt(p)) = state.dialog.as_mut() {
        p.input.insert(text);
    }
}

/// The open panel, if `req` is its walk.
fn panel_of(state: &mut AppState, req: RequestId) -> Option<&mut FindPanel> {
    match state.dialog.as_mut() {
        Some(Dialog::Find(p)) if p.req == req => Some(p),
        _ => None,
    }
}

/// Whether `req` is the walk of the open find panel (its events come here).
pub fn owns(state: &AppState, req: RequestId) -> bool {
    matches!(&state.dialog, Some(Dialog::Find(p)) if p.req == req)
}

pub fn on_found(state: &mut AppState, req: RequestId, hits: Vec<(Location, Entry)>) {
    if let Some(p) = panel_of(state, req) {
        p.hits.extend(hits);
    }
}

pub fn on_progress(state: &mut AppState, req: RequestId, counts: OpCounts) {
    if let Some(p) = panel_of(state, req) {
        p.counts = counts;
    }
}

/// A folder of the walk could not be listed: counted, and in the log.
pub fn on_failed(state: &mut AppState, req: RequestId, path: Location, error: Failure) {
    if let Some(p) = panel_of(state, req) {
        p.failed += 1;
        state.set_status(format!("Find: cannot read {path}: {error}"), true);
    }
}

pub fn on_done(state: &mut AppState, req: RequestId, counts: OpCounts, cancelled: bool) {
    if let Some(p) = panel_of(state, req) {
        p.counts = counts;
        p.running = false;
        p.stopped = cancelled;
    }
}

/// Keys in the panel.
pub fn panel_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let rows = state.layout.find_rows().max(1);
    let Some(Dialog::Find(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    let last = p.hits.len().saturating_sub(1);
    match key.code {
        KeyCode::Esc | KeyCode::F(10) if p.running => {
            out.send(Command::CancelFileOp { req: p.req });
        }
        KeyCode::Esc | KeyCode::F(10) | KeyCode::Char('q') => state.dialog = None,
        KeyCode::Up | KeyCode::Char('k') => p.cursor = p.cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => p.cursor = (p.cursor + 1).min(last),
        KeyCode::PageUp => p.cursor = p.cursor.saturating_sub(rows),
        KeyCode::PageDown => p.cursor = (p.cursor + rows).min(last),
        KeyCode::Home | KeyCode::Char('g') => p.cursor = 0,
        KeyCode::End | KeyCode::Char('G') => p.cursor = last,
        KeyCode::Insert | KeyCode::Char(' ') if !p.hits.is_empty() => {
            if !p.marked.remove(&p.cursor) {
                p.marked.insert(p.cursor);
            }
            p.cursor = (p.cursor + 1).min(last);
        }
        KeyCode::Enter => return go_to_result(state, out),
        KeyCode::F(5) => return copy_results(state, out),
        _ => return out.unchanged(),
    }
    if let Some(Dialog::Find(p)) = state.dialog.as_mut() {
        keep_in_view(p, rows);
    }
}

fn keep_in_view(p: &mut FindPanel, rows: usize) {
    if p.cursor < p.scroll {
        p.scroll = p.cursor;
    } else if p.cursor >= p.scroll + rows {
        p.scroll = p.cursor + 1 - rows;
    }
}

/// Enter: the result's folder in its pane, the cursor on it; the walk
/// stops (its results would have nowhere to go).
fn go_to_result(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::Find(p)) = state.dialog.clone() else {
        return;
    };
    let Some((path, entry)) = p.hits.get(p.cursor) else {
        return out.unchanged();
    };
    if p.running {
        out.send(Command::CancelFileOp { req: p.req });
    }
    state.dialog = None;
    state.focus = p.side;
    let folder = if entry.kind == EntryKind::Dir {
        // A folder found: go into it.
        path.clone()
    } else {
        path.parent().unwrap_or_else(|| p.root.clone())
    };
    let select = (entry.kind != EntryKind::Dir).then(|| entry.name.clone());
    requests::list_if_online(state, folder, select, out);
}

/// F5: the marked results (or the one under the cursor) into the other
/// pane's folder, as one batch (a name found in two folders asks, as any
/// existing target does).
fn copy_results(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::Find(p)) = state.dialog.clone() else {
        return;
    };
    let picked: Vec<(Location, Entry)> = if p.marked.is_empty() {
        p.hits.get(p.cursor).cloned().into_iter().collect()
    } else {
        p.marked
            .iter()
            .filter_map(|&i| p.hits.get(i).cloned())
            .collect()
    };
    if picked.is_empty() {
        return out.unchanged();
    }
    let target = state.pane(p.side.other()).path.clone();
    if copy_request::send(state, p.side, &picked, target, false, out)
        && let Some(Dialog::Find(p)) = state.dialog.as_mut()
    {
        p.marked.clear();
    }
}
