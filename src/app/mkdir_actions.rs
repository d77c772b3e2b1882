//! F7: a new folder in the focused pane's folder. `a/b/c` makes the
//! folders above it too (mkdir -p); an existing name is refused in the
//! dialog, saying so. When the engine is done, the pane re-reads with the
//! cursor on the new folder (`file_op_events.rs`). Pure.

use crossterm::event::KeyEvent;

use super::dialog::Dialog;
use super::effects::Update;
use super::file_ops::{MkdirPrompt, Waiting};
use super::line_input::{LineInput, PromptKey};
use super::state::AppState;
use crate::engine::protocol::{Command, FileOp, Location, Name, Side};

/// Opens the dialog for the focused pane.
pub fn open(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if side == Side::Remote && !state.is_connected() {
        state.set_status(
            "Not connected: there is no server folder to make one in",
            false,
        );
        return out.unchanged();
    }
    state.dialog = Some(Dialog::Mkdir(MkdirPrompt {
        side,
        input: LineInput::default(),
        error: None,
    }));
}

/// Keys in the dialog: editing, Enter makes the folder, Esc cancels.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Mkdir(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    match p.input.prompt_key(&key) {
        PromptKey::Cancel => state.dialog = None,
        PromptKey::Submit => start(state, out),
        PromptKey::Edited => p.error = None,
        PromptKey::Ignored => out.unchanged(),
    }
}

pub fn paste(state: &mut AppState, text: &str) {
    if let Some(Dialog::Mkdir(p)) = state.dialog.as_mut() {
        p.input.insert(text);
        p.error = None;
    }
}

/// The parts of a relative name (`a/b/c`), or why it is not one.
pub fn parts(typed: &str) -> Result<Vec<&str>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("Type a name for the new folder".into());
    }
    if typed.starts_with('/') {
        return Err("Type a name inside this folder, not a path from /".into());
    }
    let parts: Vec<&str> = typed.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| *p == "." || *p == "..") {
        return Err("`.` and `..` are not folder names".into());
    }
    Ok(parts)
}

fn start(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::Mkdir(p)) = state.dialog.clone() else {
        return;
    };
    let parts = match parts(p.input.text()) {
        Ok(ps) => ps,
        Err(why) => return refuse(state, why),
    };
    let pane = state.pane(p.side);
    let folder = pane.path.clone();
    let first = Name::from_bytes(parts[0].as_bytes());
    // The folder shown says whether the name is taken (the engine checks
    // again: the listing may be old).
    if parts.len() == 1
        && let Some(e) = pane.entries.iter().find(|e| e.name == first)
    {
        let what = if e.is_dir() { "A folder" } else { "A file" };
        return refuse(state, format!("{what} named {} is already here", parts[0]));
    }
    let path = parts.iter().fold(folder.clone(), |at: Location, part| {
        at.join(&Name::from_bytes(part.as_bytes()))
    });
    state.dialog = None;
    let req = state.next_request();
    state.file_ops.push((
        req,
        Waiting::MakeDir {
            folder,
            select: first,
        },
    ));
    out.send(Command::FileOp {
        req,
        op: FileOp::MakeDir {
            path,
            parents: parts.len() > 1,
        },
    });
}

fn refuse(state: &mut AppState, why: String) {
    if let Some(Dialog::Mkdir(p)) = state.dialog.as_mut() {
        p.error = Some(why);
    }
}
