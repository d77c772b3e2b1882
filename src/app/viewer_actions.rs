//! The viewer's half of `update` (F3): opening a file (a local one at
//! once, a remote one fetched into a private folder through the transfer
//! queue, shown as its bytes arrive), its keys, its search (run by the
//! engine, `Command::FindInFile`), the pager (`viewer = "pager"`), and
//! closing it (the fetch cancelled, the private folder removed).

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};

use super::effects::Update;
use super::external::{External, ExternalDone, Purpose};
use super::keymap::{Action, Context, is_plain};
use super::state::AppState;
use super::temp_copy;
use super::viewer::{Fetch, FetchState, ViewSearch, Viewer};
use super::viewer_doc::Document;
use crate::engine::protocol::{Command, EntryKind, Event, Location, RequestId, TransferState};

/// F3: views the file under the cursor.
pub fn open(state: &mut AppState, out: &mut Update) {
    let entry = match temp_copy::current_file(state) {
        Ok(e) => e,
        Err(why) => return state.set_status(why, false),
    };
    let pane = state.pane(state.focus);
    let location = pane.path.join(&entry.name);
    match location {
        Location::Local(path) => {
            if state.pager {
                out.run(External {
                    purpose: Purpose::Page,
                    file: path,
                });
                return;
            }
            match Document::open(&path) {
                Ok(doc) => {
                    let name = path.display().to_string();
                    state.viewer = Some(Viewer::new(name, Some(path), Some(doc)));
                    refresh(state);
                }
                Err(e) => state.set_status(format!("Cannot open {}: {e}", path.display()), true),
            }
        }
        Location::Remote(remote) => {
            if !state.is_connected() {
                return state.set_status("Not connected", true);
            }
            let temp = match temp_copy::private_temp("wharf-view-") {
                Ok(t) => Arc::new(t),
                Err(e) => {
                    return state.set_status(format!("Cannot make a private folder: {e}"), true);
                }
            };
            let batch = state.next_batch();
            let f = temp_copy::fetch(state, batch, remote.clone(), &entry, temp.path());
            out.send(Command::Transfer(f.request));
            let (part, full) = (f.part, f.full);
            let mut v = Viewer::new(remote.display().to_string(), None, None);
            v.fetch = Some(Fetch {
                batch,
                id: None,
                part,
                full,
                size: (entry.kind == EntryKind::File).then_some(entry.size),
                done: 0,
                state: FetchState::Running,
            });
            v.temp = Some(temp);
            state.viewer = Some(v);
            refresh(state);
        }
    }
}

/// Sizes the viewer to the screen and makes its rows.
pub fn refresh(state: &mut AppState) {
    let area = crate::ui::viewer::text_area(&state.layout);
    if let Some(v) = state.viewer.as_mut() {
        v.set_size(area.width as usize, area.height as usize);
        v.refresh();
    }
}

/// Keys while the viewer is open.
pub fn key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(v) = state.viewer.as_mut() else {
        return out.unchanged();
    };
    if let Some(search) = v.search.as_mut().filter(|s| s.editing) {
        match key.code {
            KeyCode::Esc => v.search = None,
            KeyCode::Backspace => {
                search.query.pop();
            }
            KeyCode::Enter if search.query.is_empty() => v.search = None,
            KeyCode::Enter => {
                search.editing = false;
                search.found = None;
                find(state, false, out);
            }
            KeyCode::Char(c) if is_plain(&key) => search.query.push(c),
            _ => out.unchanged(),
        }
        return refresh(state);
    }
    let Some(action) = state.keymap.action_for(Context::Viewer, &key) else {
        return out.unchanged();
    };
    let page = v.height.saturating_sub(1).max(1);
    v.note = None;
    match action {
        Action::Up => v.up(1),
        Action::Down => v.down(1),
        Action::PageUp => v.up(page),
        Action::PageDown => v.down(page),
        Action::Top => v.to_top(),
        Action::Bottom => v.to_bottom(),
        Action::ToggleWrap => v.toggle_wrap(),
        Action::ToggleHex => v.toggle_hex(),
        Action::Search => {
            v.search = Some(ViewSearch {
                editing: true,
                ..ViewSearch::default()
            })
        }
        Action::SearchNext => find(state, false, out),
        Action::SearchPrevious => find(state, true, out),
        Action::CloseViewer => return close(state, out),
        _ => return out.unchanged(),
    }
    refresh(state);
}

/// Text pasted while the search is typed.
pub fn paste(state: &mut AppState, text: &str) {
    if let Some(s) = state
        .viewer
        .as_mut()
        .and_then(|v| v.search.as_mut())
        .filter(|s| s.editing)
    {
        s.query.push_str(text);
        refresh(state);
    }
}

/// Asks the engine for the next (or previous) match, from the one shown,
/// else from the top of the view.
fn find(state: &mut AppState, backward: bool, out: &mut Update) {
    let req = state.next_request();
    let Some(v) = state.viewer.as_mut() else {
        return;
    };
    let Some(search) = v.search.as_mut().filter(|s| !s.query.is_empty()) else {
        v.note = Some("No search (/ searches)".into());
        return;
    };
    let Some(path) = v.path.clone() else {
        v.note = Some("Nothing to search yet".into());
        return;
    };
    let len = search.query.len() as u64;
    // From the match shown; from the view when it scrolled away from it.
    let shown = v.rows.iter().any(|r| r.mark.is_some());
    let found = search.found.filter(|_| shown);
    let from = match (found, backward) {
        (Some(at), false) => at + 1,
        (Some(at), true) => at + len - 1,
        (None, false) => v.top,
        (None, true) => v.top + len.saturating_sub(1),
    };
    search.pending = Some((req, backward));
    v.note = Some(format!(
        "Searching for {}…",
        crate::text::sanitize(&search.query)
    ));
    out.send(Command::FindInFile {
        req,
        path,
        needle: search.query.as_bytes().to_vec(),
        from,
        backward,
    });
}

/// The engine's answer to a search.
pub fn on_found(
    state: &mut AppState,
    req: RequestId,
    result: Result<Option<u64>, String>,
    out: &mut Update,
) {
    let Some(v) = state.viewer.as_mut() else {
        return out.unchanged();
    };
    let Some(search) = v
        .search
        .as_mut()
        .filter(|s| s.pending.is_some_and(|(r, _)| r == req))
    else {
        return out.unchanged(); // a search given up, or another viewer's
    };
    let backward = search.pending.is_some_and(|(_, b)| b);
    search.pending = None;
    match result {
        Ok(Some(at)) => {
            search.found = Some(at);
            v.note = None;
            v.show(at);
        }
        Ok(None) => {
            let which = if backward { "before" } else { "after" };
            v.note = Some(format!(
                "Not found {which} here: {}",
                crate::text::sanitize(&search.query)
            ));
        }
        Err(e) => v.note = Some(format!("Search failed: {e}")),
    }
    refresh(state);
}

/// q, Esc, F3, F10: closes the viewer; a fetch still running is cancelled
/// and the private folder removed.
pub fn close(state: &mut AppState, out: &mut Update) {
    let Some(v) = state.viewer.take() else {
        return out.unchanged();
    };
    if let Some(f) = &v.fetch
        && f.state == FetchState::Running
        && let Some(id) = f.id
    {
        out.send(Command::CancelTransfer(id));
    }
}

/// The engine's events about the viewer's fetch: they also go on to the
/// queue (which shows the progress), but for the batch's summary, which is
/// the viewer's alone. Returns the event when it is not used up here.
pub fn on_engine(state: &mut AppState, ev: Event, out: &mut Update) -> Option<Event> {
    let Some((batch, id)) = state
        .viewer
        .as_ref()
        .and_then(|v| v.fetch.as_ref())
        .map(|f| (f.batch, f.id))
    else {
        return Some(ev);
    };
    let used_up = match &ev {
        Event::TransferQueued {
            id: new,
            batch: b,
            size,
            ..
        } if *b == batch => {
            if let Some(f) = fetch(state) {
                f.id = Some(*new);
                f.size = size.or(f.size);
            }
            false
        }
        Event::TransferProgress { id: i, done, .. } if Some(*i) == id => {
            if let Some(f) = fetch(state) {
                f.done = *done;
            }
            arrived(state);
            false
        }
        Event::TransferState { id: i, state: s } if Some(*i) == id => {
            let new = match s {
                s if s.is_done() => Some(FetchState::Done),
                TransferState::Failed(e) => Some(FetchState::Failed(e.message.clone())),
                TransferState::Cancelled => Some(FetchState::Failed("cancelled".into())),
                TransferState::Skipped(why) => Some(FetchState::Failed(why.clone())),
                _ => None,
            };
            if let Some(new) = new {
                let done = new == FetchState::Done;
                if let Some(f) = fetch(state) {
                    f.state = new;
                }
                if done {
                    arrived(state);
                    if state.pager
                        && let Some(file) = state.viewer.as_ref().and_then(|v| v.path.clone())
                    {
                        out.run(External {
                            purpose: Purpose::Page,
                            file,
                        });
                    }
                }
            }
            false
        }
        Event::BatchDone { batch: b, .. } => *b == batch,
        Event::BatchFailed { batch: b, error } if *b == batch => {
            if let Some(f) = fetch(state) {
                f.state = FetchState::Failed(error.message.clone());
            }
            true
        }
        _ => return Some(ev),
    };
    refresh(state);
    (!used_up).then_some(ev)
}

fn fetch(state: &mut AppState) -> Option<&mut Fetch> {
    state.viewer.as_mut().and_then(|v| v.fetch.as_mut())
}

/// More of the fetched file is on disk: open it if not yet, read its size.
fn arrived(state: &mut AppState) {
    let Some(v) = state.viewer.as_mut() else {
        return;
    };
    let Some(f) = v.fetch.as_ref() else {
        return;
    };
    if let Some(doc) = v.doc.as_mut() {
        doc.refresh_len();
        // The part file was renamed at the end: same file, its final name.
        if f.state == FetchState::Done {
            v.path = Some(f.full.clone());
        }
        return;
    }
    let candidates: [PathBuf; 2] = match f.state {
        FetchState::Done => [f.full.clone(), f.part.clone()],
        _ => [f.part.clone(), f.full.clone()],
    };
    for path in candidates {
        if let Ok(doc) = Document::open(&path)
            && (!doc.is_empty() || f.state == FetchState::Done)
        {
            v.set_doc(doc);
            v.path = Some(path);
            break;
        }
    }
}

/// The pager ended: a remote file's viewer (which showed the fetch) goes
/// with its private folder.
pub fn on_pager_done(state: &mut AppState, done: ExternalDone, out: &mut Update) {
    match done.result {
        Ok(e) if e.success() => {}
        Ok(e) => state.set_status(
            format!(
                "{} ended with status {}",
                done.program,
                e.code.map_or("(signal)".into(), |c| c.to_string())
            ),
            true,
        ),
        Err(e) => state.set_status(e, true),
    }
    if state.viewer.as_ref().is_some_and(|v| v.fetch.is_some()) {
        close(state, out);
    }
}
