//! `p`: permissions of the marked entries, or the one under the cursor —
//! the octal value and nine rwx boxes kept in step, and (for folders)
//! "apply to folders / files below", as FileZilla offers. Remote through
//! the engine's `SITE CHMOD` (a server without it says so), local through
//! the file system. Pure.

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::Dialog;
use super::effects::Update;
use super::file_ops::{CHMOD_OCTAL, ChmodPrompt, Waiting};
use super::line_input::LineInput;
use super::state::AppState;
use crate::engine::protocol::{Below, Command, EntryKind, FileOp, Side};
use crate::text;

/// Opens the dialog, the mode filled in from the first entry's listing.
pub fn open(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if side == Side::Remote && !state.is_connected() {
        state.set_status("Not connected: nothing to change on the server", false);
        return out.unchanged();
    }
    let pane = state.pane(side);
    let picked = pane.selection();
    let Some(first) = picked.first() else {
        state.set_status("No entry under the cursor to change", false);
        return out.unchanged();
    };
    let has_folder = picked.iter().any(|e| e.kind == EntryKind::Dir);
    let mode = first
        .permissions
        .map_or(if first.is_dir() { 0o755 } else { 0o644 }, |p| {
            p.mode() & 0o7777
        });
    let what = match picked.as_slice() {
        [one] => one.name.display().into_owned(),
        many => text::count(many.len(), "item", "items"),
    };
    let targets = picked.iter().map(|e| pane.path.join(&e.name)).collect();
    state.dialog = Some(Dialog::Chmod(ChmodPrompt {
        side,
        targets,
        what,
        octal: LineInput::new(format!("{mode:03o}")),
        mode,
        focus: CHMOD_OCTAL,
        below: Below::default(),
        has_folder,
        error: None,
    }));
}

/// Tab/arrows move between the octal field and the boxes, Space ticks a
/// box, typing edits the octal (the boxes follow), Enter applies.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Chmod(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    let n = p.places();
    match key.code {
        KeyCode::Esc => state.dialog = None,
        KeyCode::Enter => apply(state, out),
        KeyCode::Tab | KeyCode::Down => p.focus = (p.focus + 1) % n,
        KeyCode::BackTab | KeyCode::Up => p.focus = (p.focus + n - 1) % n,
        KeyCode::Right if p.focus != CHMOD_OCTAL => p.focus = (p.focus + 1) % n,
        KeyCode::Left if p.focus != CHMOD_OCTAL => p.focus = (p.focus + n - 1) % n,
        KeyCode::Char(' ') if p.focus != CHMOD_OCTAL => p.toggle(p.focus),
        _ if p.focus == CHMOD_OCTAL => {
            if !p.octal.key(&key) {
                return out.unchanged();
            }
            p.error = if p.read_octal() || p.octal.text().is_empty() {
                None
            } else {
                Some(OCTAL_HELP.into())
            };
        }
        _ => out.unchanged(),
    }
}

const OCTAL_HELP: &str = "A mode is 3 or 4 octal digits (0–7), as 755 or 0644";

pub fn paste(state: &mut AppState, text: &str) {
    if let Some(Dialog::Chmod(p)) = state.dialog.as_mut()
        && p.focus == CHMOD_OCTAL
    {
        p.octal.insert(text);
        p.error = (!p.read_octal()).then(|| OCTAL_HELP.into());
    }
}

fn apply(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::Chmod(mut p)) = state.dialog.clone() else {
        return;
    };
    if !p.read_octal() {
        if let Some(Dialog::Chmod(d)) = state.dialog.as_mut() {
            d.error = Some(OCTAL_HELP.into());
        }
        return;
    }
    state.dialog = None;
    let req = state.next_request();
    state.file_ops.push((req, Waiting::Chmod { what: p.what }));
    out.send(Command::FileOp {
        req,
        op: FileOp::Chmod {
            targets: p.targets,
            mode: p.mode,
            below: if p.has_folder {
                p.below
            } else {
                Below::default()
            },
        },
    });
}
