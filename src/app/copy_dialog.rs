//! F5 / F6 ask first, as in Midnight Commander: "Copy 3 items (12.4 MiB)
//! to:" with the other pane's folder filled in and editable. A folder that
//! does not exist yet is made by the transfer; a target on the source's own
//! side is refused, saying why (FTP copies between this computer and the
//! server). Pure, like the rest of `update`.

use crossterm::event::KeyEvent;

use super::copy_request;
use super::dialog::{CopyPrompt, Dialog};
use super::effects::Update;
use super::line_input::{LineInput, PromptKey};
use super::state::AppState;
use super::typed_path;
use crate::engine::protocol::{EntryKind, Name, Side};
use crate::text;

/// "3 items (12.4 MiB)", "notes.txt (1.2 KiB)", "2 files (3.0 MiB) and
/// 1 folder": folders' sizes are not known before they are walked.
fn describe(state: &AppState, from: Side, names: &[Name]) -> String {
    let pane = state.pane(from);
    let picked: Vec<_> = names
        .iter()
        .filter_map(|n| pane.entries.iter().find(|e| &e.name == n))
        .collect();
    let folders = picked.iter().filter(|e| e.kind == EntryKind::Dir).count();
    let files = picked.len() - folders;
    let bytes: u64 = picked
        .iter()
        .filter(|e| e.kind != EntryKind::Dir)
        .map(|e| e.size)
        .sum();
    match (picked.as_slice(), files, folders) {
        ([one], 1, 0) => format!("{} ({})", one.name.display(), text::size(bytes)),
        ([one], 0, 1) => format!("the folder {}", one.name.display()),
        (_, _, 0) => format!(
            "{} ({})",
            text::count(files, "file", "files"),
            text::size(bytes)
        ),
        (_, 0, _) => text::count(folders, "folder", "folders"),
        _ => format!(
            "{} ({}) and {}",
            text::count(files, "file", "files"),
            text::size(bytes),
            text::count(folders, "folder", "folders")
        ),
    }
}

/// F5 / F6: opens the dialog for the focused pane's selection, or copies
/// at once when `confirm_copy` is off.
pub fn open(state: &mut AppState, move_after: bool, out: &mut Update) {
    let from = state.focus;
    let names: Vec<Name> = state
        .pane(from)
        .selection()
        .iter()
        .filter(|e| !e.name.is_parent_link())
        .map(|e| e.name.clone())
        .collect();
    if !state.confirm_copy || names.is_empty() || !state.is_connected() {
        // Nothing to ask about: enqueue says why nothing happens, if so.
        let target = state.pane(from.other()).path.clone();
        copy_request::enqueue(state, from, &names, target, move_after, out);
        return;
    }
    let verb = if move_after { "Move" } else { "Copy" };
    let title_line = format!("{verb} {} to:", describe(state, from, &names));
    let target = state.pane(from.other()).path.display().into_owned();
    state.dialog = Some(Dialog::CopyTo(CopyPrompt {
        from,
        names,
        move_after,
        title_line,
        input: LineInput::new(target),
        error: None,
    }));
}

/// Keys in the dialog: editing, Enter starts, Esc cancels.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::CopyTo(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    match p.input.prompt_key(&key) {
        PromptKey::Cancel => state.dialog = None,
        PromptKey::Submit => start(state, out),
        PromptKey::Edited => p.error = None,
        PromptKey::Ignored => out.unchanged(),
    }
}

/// Text pasted into the dialog.
pub fn paste(state: &mut AppState, text: &str) {
    if let Some(Dialog::CopyTo(p)) = state.dialog.as_mut() {
        p.input.insert(text);
        p.error = None;
    }
}

fn start(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::CopyTo(p)) = state.dialog.clone() else {
        return;
    };
    let to = p.from.other();
    let base = state.pane(to).path.clone();
    let target = match typed_path::resolve(p.input.text(), &base, state.home_of(to).as_ref()) {
        Ok(t) => t,
        Err(why) => return refuse(state, why),
    };
    if target.side() == p.from {
        let why = match p.from {
            Side::Remote => {
                "That folder is on the server, like the source: FTP cannot copy within \
                 a server (Shift-F6 renames there)"
            }
            Side::Local => {
                "That folder is on this computer, like the source: wharf copies between \
                 this computer and the server"
            }
        };
        return refuse(state, why.into());
    }
    state.dialog = None;
    copy_request::enqueue(state, p.from, &p.names, target, p.move_after, out);
}

fn refuse(state: &mut AppState, why: String) {
    if let Some(Dialog::CopyTo(p)) = state.dialog.as_mut() {
        p.error = Some(why);
    }
}
