//! The protocol log's half of `update`: lines from the engine, scrolling
//! back through them, searching them (`/`, then `n` older and `N` newer),
//! and saving them to a file in the data folder (`w`: the engine writes
//! it and answers `Event::LogSaved`). The state keeps the last 10,000; the
//! status bar shows the last reply code of the browse connection in use
//! (not of transfer connections, nor of an attempt the user replaced).

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};

use super::effects::Update;
use super::keymap::is_plain;
use super::motion::Motion;
use super::state::{AppState, LogLine, LogSearch};
use crate::engine::protocol::{Command, ConnId, WireDir};
use crate::text::{count, thousands};

/// One protocol-log line. While the log is hidden it shows only through
/// the status bar's reply code, so a line that leaves the code as it was
/// needs no frame. `conn`: the browse connection it went over, if any.
pub fn on_wire(
    state: &mut AppState,
    dir: WireDir,
    code: Option<u16>,
    text: String,
    conn: Option<ConnId>,
    out: &mut Update,
) {
    let reply_before = state.last_reply;
    if dir == WireDir::Received && code.is_some() && conn == Some(state.conn_id) {
        state.last_reply = code;
    }
    state.push_log(LogLine { dir, code, text });
    // Scrolled back, the view stays on the lines the user is reading.
    if state.log_scroll > 0 {
        let page = state.layout.log_rows().max(1);
        state.log_scroll = (state.log_scroll + 1).min(state.log.len().saturating_sub(page));
    }
    if !state.show_log && state.last_reply == reply_before {
        out.unchanged();
    }
}

/// Scrolls the log over everything it keeps; at the bottom it follows the
/// newest line again.
pub fn scroll(state: &mut AppState, motion: Motion, out: &mut Update) {
    let page = state.layout.log_rows();
    let max = state.log.len().saturating_sub(page.max(1)) as isize;
    let back = state.log_scroll as isize - motion.rows(page);
    let back = back.clamp(0, max) as usize;
    if back == state.log_scroll {
        return out.unchanged();
    }
    state.log_scroll = back;
}

/// `/`: a search line opens in the log's title; keys type into it.
pub fn start_search(state: &mut AppState) {
    state.log_search = Some(LogSearch {
        editing: true,
        ..LogSearch::default()
    });
}

/// Keys while the search is typed: text, Backspace, Enter finds the newest
/// match (from the bottom of what is shown, going back), Esc gives up.
pub fn search_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(search) = state.log_search.as_mut() else {
        return out.unchanged();
    };
    match key.code {
        KeyCode::Esc => state.log_search = None,
        KeyCode::Backspace => {
            search.query.pop();
        }
        KeyCode::Enter if search.query.is_empty() => state.log_search = None,
        KeyCode::Enter => {
            search.editing = false;
            search.found = None;
            find(state, true);
        }
        KeyCode::Char(c) if is_plain(&key) => search.query.push(c),
        _ => out.unchanged(),
    }
}

/// Text pasted while the search is typed.
pub fn paste_search(state: &mut AppState, text: &str) {
    if let Some(search) = state.log_search.as_mut() {
        search.query.push_str(text);
    }
}

/// `n` (older) and `N` (newer): the next line that matches, from the one
/// found last, else from the bottom of what is shown.
pub fn find(state: &mut AppState, older: bool) {
    let Some(search) = state.log_search.as_ref().filter(|s| !s.query.is_empty()) else {
        let key = state
            .keymap
            .key_for(super::keymap::Action::SearchLog)
            .map(|k| format!(" ({k} searches)"))
            .unwrap_or_default();
        return state.set_status(format!("No search{key}"), false);
    };
    let len = state.log.len();
    let bottom = len.saturating_sub(state.log_scroll);
    let hit = match (search.found, older) {
        (Some(i), true) => (0..i).rev().find(|&j| search.matches(&state.log[j])),
        (Some(i), false) => (i + 1..len).find(|&j| search.matches(&state.log[j])),
        (None, true) => (0..bottom).rev().find(|&j| search.matches(&state.log[j])),
        (None, false) => (bottom..len).find(|&j| search.matches(&state.log[j])),
    };
    let query = search.query.clone();
    match hit {
        Some(i) => {
            if let Some(s) = state.log_search.as_mut() {
                s.found = Some(i);
            }
            show_line(state, i);
            state.set_status(
                format!(
                    "\"{query}\": line {} of {}",
                    thousands(i + 1),
                    thousands(len)
                ),
                false,
            );
        }
        None => {
            let way = if older { "older" } else { "newer" };
            state.set_status(format!("No {way} line contains \"{query}\""), false);
        }
    }
}

/// Scrolls so that line `i` is in sight, a few lines above the bottom.
fn show_line(state: &mut AppState, i: usize) {
    let rows = state.layout.log_rows().max(1);
    let len = state.log.len();
    let bottom = len.saturating_sub(state.log_scroll);
    if i < bottom && i + rows >= bottom {
        return; // already shown
    }
    let end = (i + 1 + rows / 2).min(len);
    state.log_scroll = (len - end).min(len.saturating_sub(rows));
}

/// The log as a file holds it: a line each, marked as on screen.
pub fn log_text(log: &std::collections::VecDeque<LogLine>) -> String {
    let mut text = String::with_capacity(log.len() * 40);
    for line in log {
        text.push_str(line.prefix());
        text.push_str(&line.text);
        text.push('\n');
    }
    text
}

/// `w`: the whole log (all it keeps) to a new file in the data folder.
pub fn save(state: &mut AppState, out: &mut Update) {
    let Some(dir) = state.data_dir.clone() else {
        return state.set_status("The log cannot be saved: wharf has no data folder", true);
    };
    out.send(Command::SaveLog {
        dir,
        text: log_text(&state.log),
    });
    state.set_status(
        format!(
            "Saving the protocol log ({})…",
            count(state.log.len(), "line", "lines")
        ),
        false,
    );
}

/// The engine's answer: where the log went, or why it did not.
pub fn on_saved(state: &mut AppState, result: Result<PathBuf, String>) {
    match result {
        Ok(path) => state.set_status(format!("Protocol log saved to {}", path.display()), false),
        Err(why) => state.set_status(format!("The protocol log was not saved: {why}"), true),
    }
}
