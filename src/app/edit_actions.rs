//! The editor's half of `update` (F4). A local file is edited in place. A
//! remote one is fetched into a private folder (the transfer queue's
//! download), the editor runs on it, and when it exits:
//! - it failed (non-zero status): nothing is uploaded, the user is told
//!   (and where the copy is kept, if it was changed);
//! - the content's hash is unchanged: nothing is uploaded;
//! - changed: it goes back through the queue's upload (temporary name,
//!   then rename, the replaced file's mode kept with `SITE CHMOD`), asking
//!   to replace the server's file. That question comes with the server's
//!   size and time as listed now: the same as when fetched, and it is
//!   answered "overwrite" without asking the user; otherwise the user
//!   chooses: overwrite, save under a new name, or keep the edited copy
//!   locally (the path is said).

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{Dialog, Question};
use super::edit::{EditSession, EditStep};
use super::effects::Update;
use super::external::{External, ExternalDone, Purpose};
use super::requests;
use super::state::AppState;
use super::temp_copy;
use crate::engine::protocol::{
    Command, Event, FileFacts, Location, ModTime, OnExisting, RelPath, TransferItem,
    TransferRequest, TransferState,
};

/// F4: edits the file under the cursor.
pub fn open(state: &mut AppState, out: &mut Update) {
    if state.edit.is_some() {
        return state.set_status("A file is being edited already", true);
    }
    let entry = match temp_copy::current_file(state) {
        Ok(e) => e,
        Err(why) => return state.set_status(why, false),
    };
    let folder = state.pane(state.focus).path.clone();
    let fetched = FileFacts {
        size: Some(entry.size),
        modified: entry.modified,
    };
    match folder.join(&entry.name) {
        Location::Local(path) => {
            state.edit = Some(EditSession {
                step: EditStep::Editing,
                batch: state.next_batch(),
                transfer: None,
                remote: None,
                file: path.clone(),
                temp: None,
                fetched,
                asking: None,
                failure: None,
            });
            out.run(External {
                purpose: Purpose::Edit,
                file: path,
            });
        }
        Location::Remote(remote) => {
            if !state.is_connected() {
                return state.set_status("Not connected", true);
            }
            let temp = match temp_copy::private_temp("wharf-edit-") {
                Ok(t) => Arc::new(t),
                Err(e) => {
                    return state.set_status(format!("Cannot make a private folder: {e}"), true);
                }
            };
            let batch = state.next_batch();
            let f = temp_copy::fetch(state, batch, remote, &entry, temp.path());
            out.send(Command::Transfer(f.request));
            state.set_status(
                format!("Fetching {} to edit it…", entry.name.display()),
                false,
            );
            state.edit = Some(EditSession {
                step: EditStep::Fetching,
                batch,
                transfer: None,
                remote: Some((folder, entry.name.clone())),
                file: f.full,
                temp: Some(temp),
                fetched,
                asking: None,
                failure: None,
            });
        }
    }
}

fn shown(e: &EditSession) -> String {
    match &e.remote {
        Some((_, name)) => crate::text::sanitize(&name.display()).into_owned(),
        None => e.file.display().to_string(),
    }
}

/// The engine's events about the edit's fetch and upload. The queue sees
/// them too; the batch's summary and the replace question are the edit's.
/// Returns the event when it is not used up here.
pub fn on_engine(state: &mut AppState, ev: Event, out: &mut Update) -> Option<Event> {
    let Some(e) = state.edit.as_mut() else {
        return Some(ev);
    };
    match &ev {
        Event::TransferQueued { id, batch, .. } if *batch == e.batch => {
            e.transfer = Some(*id);
            Some(ev)
        }
        Event::TransferState {
            id,
            state: TransferState::Failed(f),
        } if Some(*id) == e.transfer => {
            e.failure = Some(f.message.clone());
            Some(ev)
        }
        Event::Conflict {
            ask, id, target, ..
        } if Some(*id) == e.transfer && e.step == EditStep::Uploading => {
            if same_file(&e.fetched, target) {
                out.send(Command::Resolve {
                    ask: *ask,
                    choice: OnExisting::Overwrite,
                    for_all: false,
                });
            } else {
                e.asking = Some(*ask);
                let name = shown(e);
                state.dialog = Some(Dialog::Question(Question::EditChanged {
                    name,
                    kept: e.file.display().to_string(),
                }));
            }
            None
        }
        Event::BatchDone {
            batch,
            done,
            skipped,
            ..
        } if *batch == e.batch => {
            let (done, skipped) = (*done, *skipped);
            batch_done(state, done > 0, skipped > 0, out);
            None
        }
        Event::BatchFailed { batch, error } if *batch == e.batch => {
            e.failure = Some(error.message.clone());
            batch_done(state, false, false, out);
            None
        }
        _ => Some(ev),
    }
}

/// Whether the server's copy is as it was when fetched: the same size,
/// and the same time at the coarser of the two precisions.
fn same_file(then: &FileFacts, now: &FileFacts) -> bool {
    let times = match (&then.modified, &now.modified) {
        (Some(a), Some(b)) => a.compare_coarse(b).is_eq(),
        _ => true,
    };
    then.size == now.size && times
}

fn batch_done(state: &mut AppState, ok: bool, skipped: bool, out: &mut Update) {
    let Some(e) = state.edit.take() else {
        return;
    };
    let name = shown(&e);
    match e.step {
        EditStep::Fetching if ok => {
            out.run(External {
                purpose: Purpose::Edit,
                file: e.file.clone(),
            });
            state.edit = Some(EditSession {
                step: EditStep::Editing,
                transfer: None,
                ..e
            });
        }
        EditStep::Fetching => {
            let why = e.failure.unwrap_or_else(|| "not fetched".into());
            state.set_status(format!("Cannot edit {name}: {why}"), true);
        }
        EditStep::Uploading if ok => {
            state.set_status(format!("Saved {name} on the server"), false);
            if let Some((folder, _)) = &e.remote {
                requests::list_if_online(state, folder.clone(), None, out);
            }
        }
        EditStep::Uploading if skipped => {
            // The user chose to keep the copy: said already.
        }
        EditStep::Uploading => {
            let why = e.failure.clone().unwrap_or_else(|| "not uploaded".into());
            let kept = keep(e);
            state.set_status(
                format!(
                    "Could not save {name} on the server ({why}); the edited copy is kept at {kept}"
                ),
                true,
            );
        }
        EditStep::Editing => state.edit = Some(e),
    }
}

/// Keeps the private folder past the session; where the edited file is.
fn keep(e: EditSession) -> String {
    if let Some(temp) = e.temp
        && let Ok(temp) = Arc::try_unwrap(temp)
    {
        let _ = temp.keep();
    }
    e.file.display().to_string()
}

/// The editor exited.
pub fn on_editor_done(state: &mut AppState, done: ExternalDone, out: &mut Update) {
    let Some(e) = state.edit.take() else {
        return;
    };
    let name = shown(&e);
    let ended = match done.result {
        Ok(ended) => ended,
        Err(why) => {
            return state.set_status(format!("{why}: {name} not edited"), true);
        }
    };
    let Some((folder, remote_name)) = e.remote.clone() else {
        // A local file, edited in place: show its new size and time.
        if !ended.success() {
            state.set_status(
                format!(
                    "{} exited with status {}",
                    program_name(&done.program),
                    code(ended.code)
                ),
                true,
            );
        }
        let folder = Location::Local(e.file.parent().map(|p| p.to_path_buf()).unwrap_or_default());
        requests::list_if_online(state, folder, None, out);
        return;
    };
    if !ended.success() {
        let mut text = format!(
            "{} exited with status {}: nothing uploaded",
            program_name(&done.program),
            code(ended.code)
        );
        if ended.changed {
            text.push_str(&format!("; the edited copy is kept at {}", keep(e)));
        }
        return state.set_status(text, true);
    }
    if !ended.changed {
        return state.set_status(format!("{name} unchanged: nothing uploaded"), false);
    }
    // The fetched copy's time is the server's, to the second when the
    // server told it with MDTM (the download sets it): compared with what
    // the upload finds there, to the coarser of the two precisions.
    let fetched = match ended.before {
        Some((size, modified)) if e.fetched.size == Some(size) => FileFacts {
            size: Some(size),
            modified: Some(ModTime::from_system(modified)),
        },
        _ => e.fetched.clone(),
    };
    let batch = state.next_batch();
    out.send(Command::Transfer(TransferRequest {
        batch,
        items: vec![TransferItem {
            source: Location::Local(e.file.clone()),
            is_dir: false,
            size: None,
            modified: None,
            target_name: remote_name,
            subdir: RelPath::default(),
        }],
        target_dir: folder,
        on_existing: OnExisting::Ask,
        move_after: false,
        folders: Vec::new(),
        verify: false,
    }));
    state.set_status(format!("Saving {name} on the server…"), false);
    state.edit = Some(EditSession {
        step: EditStep::Uploading,
        batch,
        transfer: None,
        fetched,
        ..e
    });
}

/// `vim` for `/usr/bin/vim -u NONE`: the status line is short.
fn program_name(program: &str) -> &str {
    let first = program.split_whitespace().next().unwrap_or(program);
    first.rsplit('/').next().unwrap_or(first)
}

fn code(c: Option<i32>) -> String {
    c.map_or_else(|| "(killed by a signal)".into(), |c| c.to_string())
}

/// Keys in the "changed on the server" question: o overwrites, n saves
/// under a new name, k or Esc keeps the edited copy here.
pub fn changed_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let choice = match key.code {
        KeyCode::Char('o') | KeyCode::Char('O') => OnExisting::Overwrite,
        KeyCode::Char('n') | KeyCode::Char('N') => OnExisting::Rename,
        KeyCode::Char('k') | KeyCode::Char('K') | KeyCode::Esc => OnExisting::Skip,
        _ => return out.unchanged(),
    };
    state.dialog = None;
    let Some(ask) = state.edit.as_mut().and_then(|e| e.asking.take()) else {
        return;
    };
    out.send(Command::Resolve {
        ask,
        choice,
        for_all: false,
    });
    if choice == OnExisting::Skip
        && let Some(e) = state.edit.as_mut()
    {
        // The upload's summary still comes, and ends the session.
        if let Some(temp) = e.temp.take()
            && let Ok(temp) = Arc::try_unwrap(temp)
        {
            let _ = temp.keep();
        }
        let text = format!(
            "{} not uploaded: the edited copy is kept at {}",
            shown(e),
            e.file.display()
        );
        state.set_status(text, false);
    }
}
