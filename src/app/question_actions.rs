//! The yes/no questions' half of `update`: quitting or disconnecting with
//! transfers running (the unfinished ones are saved by the engine and
//! offered again on the next connection to their server), that offer, and
//! a download that does not fit its disk.
//! Pure, like the rest of `update`.

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{Dialog, Question};
use super::effects::Update;
use super::state::AppState;
use crate::engine::protocol::{BatchId, Command};

/// Transfers queued or running now.
fn running(state: &AppState) -> usize {
    state
        .transfers
        .rows
        .iter()
        .filter(|r| r.is_active())
        .count()
}

/// Deletes running in the queue (F8).
fn deletes(state: &AppState) -> usize {
    state.transfers.ops.iter().filter(|o| o.is_active()).count()
}

/// q / F10: quits at once when nothing runs, else asks first.
pub fn quit(state: &mut AppState) {
    match (running(state), deletes(state)) {
        (0, 0) => state.quit = true,
        (running, deletes) => {
            state.dialog = Some(Dialog::Question(Question::Quit { running, deletes }))
        }
    }
}

/// Ctrl-d with transfers running asks first; `disconnect` does the rest.
/// Returns whether to disconnect now.
pub fn ask_before_disconnect(state: &mut AppState) -> bool {
    match (running(state), deletes(state)) {
        (0, 0) => true,
        (running, deletes) => {
            state.dialog = Some(Dialog::Question(Question::Disconnect { running, deletes }));
            false
        }
    }
}

/// The engine found transfers saved for the server just connected to.
pub fn on_saved(state: &mut AppState, server: String, files: usize, bytes: u64) {
    let q = Dialog::Question(Question::ResumeSaved {
        server,
        files,
        bytes,
    });
    if state.dialog.is_none() {
        state.dialog = Some(q);
    } else {
        state.pending_question = Some(q);
    }
}

/// A download batch does not fit its disk: ask before it starts.
pub fn on_low_space(
    state: &mut AppState,
    batch: BatchId,
    folder: std::path::PathBuf,
    needed: u64,
    free: u64,
) {
    let q = Dialog::Question(Question::LowSpace {
        batch,
        folder: folder.display().to_string(),
        needed,
        free,
    });
    if state.dialog.is_none() {
        state.dialog = Some(q);
    } else {
        state.pending_question = Some(q);
    }
}

/// Called after every message: a stashed offer gets its turn once no other
/// dialog is open.
pub fn show_pending(state: &mut AppState, out: &mut Update) {
    if state.dialog.is_none()
        && let Some(q) = state.pending_question.take()
    {
        state.dialog = Some(q);
        out.redraw = true;
    }
}

/// Keys in a question: Enter or y says yes, Esc or n no; d discards saved
/// transfers. `disconnect` is what a yes to disconnecting runs.
pub fn key(
    state: &mut AppState,
    key: KeyEvent,
    out: &mut Update,
    disconnect: fn(&mut AppState, &mut Update),
) {
    let Some(Dialog::Question(q)) = state.dialog.clone() else {
        return;
    };
    let answer = match key.code {
        KeyCode::Enter => 'y',
        KeyCode::Esc => 'n',
        KeyCode::Char(c) => c.to_ascii_lowercase(),
        _ => return out.unchanged(),
    };
    match (q, answer) {
        (Question::Quit { .. }, 'y') => {
            state.dialog = None;
            state.quit = true;
        }
        (Question::Disconnect { .. }, 'y') => {
            state.dialog = None;
            out.send(Command::SuspendTransfers);
            disconnect(state, out);
        }
        (Question::ResumeSaved { files, .. }, 'y') => {
            state.dialog = None;
            let batch = state.next_batch();
            out.send(Command::ResumeSaved { batch });
            state.set_status(format!("Resuming {files} saved transfers…"), false);
        }
        (Question::ResumeSaved { .. }, 'd') => {
            state.dialog = None;
            out.send(Command::DiscardSaved);
            state.set_status("Saved transfers forgotten", false);
        }
        (Question::ResumeSaved { .. }, 'n') => {
            state.dialog = None;
            state.set_status("Saved transfers kept for the next connection", false);
        }
        (Question::LowSpace { batch, .. }, 'y') => {
            state.dialog = None;
            out.send(Command::AnswerSpace { batch, go_on: true });
            state.set_status("Download started: files that do not fit will fail", false);
        }
        (Question::LowSpace { batch, .. }, 'n') => {
            state.dialog = None;
            out.send(Command::AnswerSpace {
                batch,
                go_on: false,
            });
        }
        (_, 'n') => state.dialog = None,
        _ => out.unchanged(),
    }
}
