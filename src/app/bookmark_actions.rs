//! The bookmark manager's half of `update`: the list with type-to-filter,
//! connecting through a bookmark (its password from the keyring or asked),
//! adding, editing, duplicating and deleting, and the recent connections.
//! File and keyring I/O happen in the bookmark service (`BookmarkOp`).

use crossterm::event::{KeyCode, KeyEvent};

use super::bookmark_form::{self, BookmarkForm};
use super::bookmark_manager::{Manager, Row};
use super::dialog::{ConnectForm, Dialog};
use super::effects::Update;
use super::keymap::is_plain;
use super::requests;
use super::state::AppState;
use crate::bookmarks::service::{BookmarkOp, BookmarksSnapshot};
use crate::bookmarks::{Bookmark, PasswordMode, Recent};
use crate::engine::protocol::Location;

/// Opens the manager, where there is a bookmark file to manage.
pub fn open(state: &mut AppState) {
    if state.bookmarks_enabled {
        state.dialog = Some(Dialog::Bookmarks(Manager::default()));
    } else {
        state.set_status("No bookmark file here (no config folder)", true);
    }
}

/// Keys while the manager is open.
pub fn manager_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Bookmarks(mut m)) = state.dialog.take() else {
        return;
    };
    let plain = is_plain(&key);
    if let Some(name) = m.confirm_delete.take() {
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            out.bookmark(BookmarkOp::Remove(name));
        }
        state.dialog = Some(Dialog::Bookmarks(m));
        return;
    }
    let rows = m.rows(&state.bookmarks);
    let current = rows.get(m.cursor).copied();
    match key.code {
        KeyCode::Esc if !m.filter.is_empty() || m.filtering => {
            m.filter.clear();
            m.filtering = false;
        }
        KeyCode::Esc => return,
        KeyCode::Up => m.cursor = m.cursor.saturating_sub(1),
        KeyCode::Down => m.cursor = (m.cursor + 1).min(rows.len().saturating_sub(1)),
        KeyCode::Home => m.cursor = 0,
        KeyCode::End => m.cursor = rows.len().saturating_sub(1),
        KeyCode::Backspace if m.filtering => {
            m.filter.pop();
            m.cursor = 0;
        }
        KeyCode::Enter => {
            match current {
                Some(Row::Bookmark(i)) => {
                    let b = state.bookmarks.list[i].clone();
                    connect_bookmark(state, &b, out);
                }
                Some(Row::Recent(i)) => {
                    let r = state.bookmarks.recent[i].clone();
                    connect_recent(state, &r, out);
                }
                None => state.dialog = Some(Dialog::Bookmarks(m)),
            }
            return;
        }
        KeyCode::F(2) => {
            let form = ConnectForm::new(state.profile.as_ref(), state.default_mode);
            state.dialog = Some(Dialog::Connect(form));
            return;
        }
        KeyCode::Char(c) if plain && m.filtering => {
            m.filter.push(c);
            m.cursor = 0;
        }
        KeyCode::Char('/') if plain => m.filtering = true,
        KeyCode::Char('a') if plain => {
            let form = BookmarkForm::new_from(
                state.profile.as_ref(),
                state
                    .remote
                    .path
                    .as_remote()
                    .filter(|_| state.is_connected()),
                &state.local.path,
            );
            state.dialog = Some(Dialog::BookmarkForm(Box::new(form)));
            return;
        }
        KeyCode::Char('e') if plain => {
            let target = match current {
                Some(Row::Bookmark(i)) => Some(BookmarkForm::edit(&state.bookmarks.list[i])),
                // Editing a recent connection makes it a bookmark.
                Some(Row::Recent(i)) => {
                    let r = &state.bookmarks.recent[i];
                    let mut f = BookmarkForm::edit(&Bookmark::from_recent(&r.host, r));
                    f.original = None;
                    Some(f)
                }
                None => None,
            };
            if let Some(form) = target {
                state.dialog = Some(Dialog::BookmarkForm(Box::new(form)));
                return;
            }
        }
        KeyCode::Char('d') if plain => {
            if let Some(Row::Bookmark(i)) = current {
                m.confirm_delete = Some(state.bookmarks.list[i].name.clone());
            }
        }
        KeyCode::Char('c') if plain => {
            if let Some(Row::Bookmark(i)) = current {
                out.bookmark(BookmarkOp::Duplicate(state.bookmarks.list[i].name.clone()));
            }
        }
        KeyCode::Char('R') if state.bookmarks.locked => out.bookmark(BookmarkOp::StartAfresh),
        KeyCode::Char('q') if plain => return,
        // Any other letter starts the filter: type to find.
        KeyCode::Char(c) if plain && !c.is_whitespace() => {
            m.filtering = true;
            m.filter.push(c);
            m.cursor = 0;
        }
        _ => {}
    }
    state.dialog = Some(Dialog::Bookmarks(m));
}

/// Keys while the bookmark form is open.
pub fn form_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::BookmarkForm(mut f)) = state.dialog.take() else {
        return;
    };
    let plain = is_plain(&key);
    match key.code {
        KeyCode::Esc => {
            open(state);
            return;
        }
        KeyCode::Tab | KeyCode::Down => f.focus = (f.focus + 1) % bookmark_form::FIELD_COUNT,
        KeyCode::BackTab | KeyCode::Up => {
            f.focus = (f.focus + bookmark_form::FIELD_COUNT - 1) % bookmark_form::FIELD_COUNT
        }
        KeyCode::Left if bookmark_form::is_choice(f.focus) => f.cycle(false),
        KeyCode::Right if bookmark_form::is_choice(f.focus) => f.cycle(true),
        KeyCode::Char(' ') if bookmark_form::is_choice(f.focus) => f.cycle(true),
        KeyCode::Backspace if !bookmark_form::is_choice(f.focus) => {
            f.fields[f.focus].pop();
            f.error = None;
        }
        KeyCode::Enter => {
            let taken: Vec<String> = state
                .bookmarks
                .list
                .iter()
                .map(|b| b.name.clone())
                .collect();
            match f.to_bookmark(&taken) {
                Err((field, why)) => {
                    f.focus = field;
                    f.error = Some((field, why));
                }
                Ok((bookmark, password)) => {
                    out.bookmark(BookmarkOp::Save {
                        original: f.original.clone(),
                        bookmark,
                        password,
                    });
                    open(state);
                    return;
                }
            }
        }
        // The password field only takes text when the keyring keeps it.
        KeyCode::Char(c)
            if plain
                && !bookmark_form::is_choice(f.focus)
                && (f.focus != bookmark_form::PASSWORD || f.keep == PasswordMode::Keyring) =>
        {
            f.fields[f.focus].push(c);
            f.error = None;
        }
        _ => {}
    }
    state.dialog = Some(Dialog::BookmarkForm(f));
}

/// Connects through a bookmark: its local folder, its remote folder, and
/// its password from the keyring or asked for.
fn connect_bookmark(state: &mut AppState, b: &Bookmark, out: &mut Update) {
    let profile = b.to_profile(None, state.timeouts);
    if let Some(path) = b.local_folder(state.home.as_deref()) {
        out.send(requests::list(state, Location::Local(path), None));
    }
    state.dialog = None;
    if profile.user.is_none() {
        return requests::connect(state, profile, out);
    }
    match b.password {
        PasswordMode::Keyring => {
            state.awaiting_secret = Some((b.name.clone(), profile));
            out.bookmark(BookmarkOp::LoadPassword {
                bookmark: b.clone(),
            });
        }
        PasswordMode::Ask => requests::ask_password(state, profile),
    }
}

/// A recent connection keeps no password: one with a user asks for it.
fn connect_recent(state: &mut AppState, r: &Recent, out: &mut Update) {
    let p = r.to_profile(None, state.timeouts);
    state.dialog = None;
    requests::connect_or_ask(state, p, out);
}

/// Text pasted into the manager goes to its filter.
pub fn paste_manager(state: &mut AppState, text: &str) {
    if let Some(Dialog::Bookmarks(m)) = state.dialog.as_mut() {
        m.filtering = true;
        m.filter.push_str(text);
    }
}

/// Text pasted into the form's field, unless that field is a choice.
pub fn paste_form(state: &mut AppState, text: &str) {
    if let Some(Dialog::BookmarkForm(f)) = state.dialog.as_mut()
        && !bookmark_form::is_choice(f.focus)
    {
        f.fields[f.focus].push_str(text);
    }
}

/// The file as it is now.
pub fn on_snapshot(state: &mut AppState, snapshot: BookmarksSnapshot) {
    state.bookmarks = snapshot;
    // Keep the manager's cursor on a row that exists.
    if let Some(Dialog::Bookmarks(m)) = state.dialog.as_mut() {
        let n = state.bookmarks.list.len() + state.bookmarks.recent.len();
        m.cursor = m.cursor.min(n.saturating_sub(1));
    }
}

/// A keyring look-up answered: connect with the password, or ask for it
/// (saying once why the keyring could not help).
pub fn on_secret(
    state: &mut AppState,
    name: String,
    result: Result<Option<String>, String>,
    out: &mut Update,
) {
    let Some((waiting, profile)) = state.awaiting_secret.take() else {
        return out.unchanged();
    };
    if waiting != name {
        state.awaiting_secret = Some((waiting, profile));
        return out.unchanged();
    }
    match result {
        Ok(Some(password)) => {
            let mut p = profile;
            p.password = Some(password);
            requests::connect(state, p, out);
        }
        Ok(None) => requests::ask_password(state, profile),
        Err(why) => {
            if !state.keyring_warned {
                state.keyring_warned = true;
                state.set_status(format!("{why}: asking for the password instead"), true);
            }
            requests::ask_password(state, profile);
        }
    }
}
