//! Alt-c (mc's quick cd): a prompt for a folder to show in the focused
//! pane — absolute, relative, `~` (the local home, or the login folder on
//! the server), `..` — with Tab completing folder names from the pane's
//! listing; and `i`, everything the listing told of the entry under the
//! cursor, and its owner and group asked for (`FileOp::Details`). Pure,
//! like the rest of `update`.

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{Dialog, EntryInfo, GoToPrompt, OwnerInfo};
use super::effects::Update;
use super::line_input::{LineInput, PromptKey};
use super::requests;
use super::state::AppState;
use super::typed_path;
use crate::engine::protocol::{Command, EntryKind, FileOp, RequestId, Side};

/// Opens the prompt for the focused pane, its folder filled in.
pub fn open(state: &mut AppState) {
    let side = state.focus;
    let here = state.pane(side).path.display().into_owned();
    state.dialog = Some(Dialog::GoTo(GoToPrompt {
        side,
        input: LineInput::new(here),
        error: None,
        choices: Vec::new(),
    }));
}

/// Keys in the prompt: editing, Tab completes, Enter goes, Esc cancels.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::GoTo(p)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    if key.code == KeyCode::Tab {
        return complete(state);
    }
    match p.input.prompt_key(&key) {
        PromptKey::Cancel => state.dialog = None,
        PromptKey::Submit => go(state, out),
        PromptKey::Edited => {
            p.error = None;
            p.choices.clear();
        }
        PromptKey::Ignored => out.unchanged(),
    }
}

/// Text pasted into the prompt.
pub fn paste(state: &mut AppState, text: &str) {
    if let Some(Dialog::GoTo(p)) = state.dialog.as_mut() {
        p.input.insert(text);
        p.error = None;
        p.choices.clear();
    }
}

fn go(state: &mut AppState, out: &mut Update) {
    let Some(Dialog::GoTo(p)) = state.dialog.clone() else {
        return;
    };
    let base = state.pane(p.side).path.clone();
    let target = match typed_path::resolve(p.input.text(), &base, state.home_of(p.side).as_ref()) {
        Ok(t) => t,
        Err(why) => return refuse(state, why),
    };
    if target.side() != p.side {
        let why = match p.side {
            Side::Local => "This pane shows this computer: type a local folder",
            Side::Remote => "This pane shows the server: type a folder there",
        };
        return refuse(state, why.into());
    }
    state.dialog = None;
    // A file of the folder shown: its folder, with the cursor on it.
    let pane = state.pane(p.side);
    if let (Some(parent), Some(name)) = (target.parent(), target.file_name())
        && parent == pane.path
        && pane
            .entries
            .iter()
            .any(|e| e.name == name && e.kind == EntryKind::File)
    {
        return requests::list_if_online(state, parent, Some(name), out);
    }
    requests::list_if_online(state, target, None, out);
}

fn refuse(state: &mut AppState, why: String) {
    if let Some(Dialog::GoTo(p)) = state.dialog.as_mut() {
        p.error = Some(why);
    }
}

/// Tab: when the folder typed up to its last `/` is the one shown, the
/// last part is completed from the listing's folder names: to the only
/// one (and a `/`), or to what they share, listing them below.
fn complete(state: &mut AppState) {
    let Some(Dialog::GoTo(p)) = state.dialog.clone() else {
        return;
    };
    let pane = state.pane(p.side);
    let typed = p.input.text();
    let (head, _) = typed.rsplit_once('/').map_or(("", typed), |(h, t)| (h, t));
    let listed_here = if typed.contains('/') {
        let folder = if head.is_empty() { "/" } else { head };
        typed_path::resolve(folder, &pane.path, state.home_of(p.side).as_ref())
            .is_ok_and(|f| f == pane.path)
    } else {
        true
    };
    let folders: Vec<String> = if listed_here {
        pane.entries
            .iter()
            .filter(|e| matches!(e.kind, EntryKind::Dir | EntryKind::Symlink))
            .filter(|e| !e.name.is_parent_link())
            .map(|e| e.name.display().into_owned())
            .collect()
    } else {
        Vec::new()
    };
    let names: Vec<&str> = folders.iter().map(String::as_str).collect();
    let (start, hits) = typed_path::completions(typed, &names);
    let Some(Dialog::GoTo(p)) = state.dialog.as_mut() else {
        return;
    };
    match hits.as_slice() {
        [] if !listed_here => {
            p.error = Some("Tab completes names in the folder shown; go there first".into())
        }
        [] => p.error = Some("No folder here starts with that".into()),
        [one] => {
            p.input.set(format!("{start}{one}/"));
            p.choices.clear();
        }
        many => {
            let shared = typed_path::common_start(many);
            p.input.set(format!("{start}{shared}"));
            p.choices = many.iter().map(|s| s.to_string()).collect();
        }
    }
}

/// `i`: the entry under the cursor, in full.
pub fn info(state: &mut AppState, out: &mut Update) {
    let side = state.focus;
    let pane = state.pane(side);
    let Some(entry) = pane.current().filter(|e| !e.name.is_parent_link()) else {
        state.set_status("No entry under the cursor", false);
        return out.unchanged();
    };
    let (folder, entry) = (pane.path.clone(), entry.clone());
    let req = state.next_request();
    out.send(Command::FileOp {
        req,
        op: FileOp::Details {
            path: folder.join(&entry.name),
        },
    });
    state.dialog = Some(Dialog::Info(EntryInfo {
        folder,
        entry,
        req,
        owner: OwnerInfo::Asking,
    }));
}

/// Any of Esc, Enter, q or `i` closes the entry's details (and stops
/// asking who owns it).
pub fn info_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q' | 'i') => {
            if let Some(Dialog::Info(i)) = &state.dialog
                && i.owner == OwnerInfo::Asking
            {
                out.send(Command::CancelFileOp { req: i.req });
            }
            state.dialog = None;
        }
        _ => out.unchanged(),
    }
}

/// The details dialog waiting for `req`'s answer.
fn asking(state: &mut AppState, req: RequestId) -> Option<&mut EntryInfo> {
    match state.dialog.as_mut() {
        Some(Dialog::Info(i)) if i.req == req => Some(i),
        _ => None,
    }
}

/// Whether `req` is the details dialog's: its `OpEntryFailed` and
/// `OpDone` come here, not to the other file operations.
pub fn owns(state: &AppState, req: RequestId) -> bool {
    matches!(&state.dialog, Some(Dialog::Info(i)) if i.req == req)
}

/// `Event::Details`: the owner and group arrived.
pub fn on_details(
    state: &mut AppState,
    req: RequestId,
    owner: Option<String>,
    group: Option<String>,
    out: &mut Update,
) {
    match asking(state, req) {
        Some(i) => i.owner = OwnerInfo::Told { owner, group },
        // The dialog was closed, or is another entry's.
        None => out.unchanged(),
    }
}

/// The request failed, or ended without an answer: "not told".
pub fn on_ended(state: &mut AppState, req: RequestId, out: &mut Update) {
    match asking(state, req) {
        Some(i) if i.owner == OwnerInfo::Asking => i.owner = OwnerInfo::NotTold,
        _ => out.unchanged(),
    }
}
