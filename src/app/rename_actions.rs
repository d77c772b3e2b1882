//! Shift-F6 (and F16, which some terminals send for it): the entry under
//! the cursor renamed in its folder. A `/` is refused (moving elsewhere
//! is F6 or `wharf mv`); a name that exists asks first, and a second
//! Enter replaces it (a folder is never replaced). Pure.

use crossterm::event::KeyEvent;

use super::dialog::Dialog;
use super::effects::Update;
use super::file_ops::{RenamePrompt, Waiting};
use super::line_input::{LineInput, PromptKey};
use super::state::AppState;
use crate::engine::protocol::{Command, FileOp, Name, Side};

/// Opens the dialog on the entry under the cursor.
pub fn open(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    if side == Side::Remote && !state.is_connected() {
        state.set_status("Not connected: nothing to rename on the server", false);
        return out.unchanged();
    }
    let Some(entry) = state
        .pane(side)
        .current()
        .filter(|e| !e.name.is_parent_link())
    else {
        state.set_status("No entry under the cursor to rename", false);
        return out.unchanged();
    };
    let from = entry.name.clone();
    state.dialog = Some(Dialog::Rename(RenamePrompt {
        side,
        input: LineInput::new(from.display().into_owned()),
        from,
        error: None,
        replace: None,
    }));
}

/// Keys in the dialog: editing, Enter renames, Esc cancels.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Rename(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    match p.input.prompt_key(&key) {
        PromptKey::Cancel => state.dialog = None,
        PromptKey::Submit => start(state, out),
        PromptKey::Edited => {
            p.error = None;
            p.replace = None;
        }
        PromptKey::Ignored => out.unchanged(),
    }
}

pub fn paste(state: &mut AppState, text: &str) {
    if let Some(Dialog::Rename(p)) = state.dialog.as_mut() {
        p.input.insert(text);
        p.error = None;
        p.replace = None;
    }
}

fn start(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::Rename(p)) = state.dialog.clone() else {
        return;
    };
    let typed = p.input.text().trim().to_string();
    if typed.is_empty() {
        return refuse(state, "Type the new name".into(), None);
    }
    if typed.contains('/') {
        return refuse(
            state,
            "A name cannot hold `/`; F6 moves it elsewhere".into(),
            None,
        );
    }
    if typed == "." || typed == ".." {
        return refuse(state, format!("`{typed}` is not a name"), None);
    }
    let to = Name::from_bytes(typed.as_bytes());
    if to == p.from {
        state.dialog = None;
        return;
    }
    let pane = state.pane(p.side);
    let folder = pane.path.clone();
    let mut replace = false;
    if let Some(existing) = pane.entries.iter().find(|e| e.name == to) {
        if existing.is_dir() {
            let why = format!("A folder named {typed} is already here; it cannot be replaced");
            return refuse(state, why, None);
        }
        if p.replace.as_deref() != Some(typed.as_str()) {
            let why = format!("{typed} exists: Enter again replaces it, Esc keeps it");
            return refuse(state, why, Some(typed));
        }
        replace = true;
    }
    state.dialog = None;
    let req = state.next_request();
    state.file_ops.push((
        req,
        Waiting::Rename {
            folder: folder.clone(),
            select: to.clone(),
        },
    ));
    out.send(Command::FileOp {
        req,
        op: FileOp::Rename {
            from: folder.join(&p.from),
            to: folder.join(&to),
            replace,
        },
    });
}

fn refuse(state: &mut AppState, why: String, replace: Option<String>) {
    if let Some(Dialog::Rename(p)) = state.dialog.as_mut() {
        p.error = Some(why);
        p.replace = replace;
    }
}
