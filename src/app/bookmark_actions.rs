//! The bookmark manager's half of `update`: the list with type-to-filter,
//! connecting through a bookmark (its password from the keyring or asked),
//! adding, editing, duplicating and deleting, and the recent connections.
//! File and keyring I/O happen in the bookmark service (`BookmarkOp`).

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::bookmark_form::{self, BookmarkForm};
use super::dialog::{Dialog, PasswordPrompt};
use super::effects::Update;
use super::state::AppState;
use crate::bookmarks::service::{BookmarkEvent, BookmarkOp};
use crate::bookmarks::{Bookmark, PasswordMode, Recent};
use crate::engine::protocol::{Command, ConnectProfile};

/// The manager's own state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manager {
    pub filter: String,
    /// Typing goes to the filter (after `/`, or once it is not empty).
    pub filtering: bool,
    pub cursor: usize,
    /// Asking "delete this bookmark?".
    pub confirm_delete: Option<String>,
}

/// One row of the manager: a bookmark or a recent connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Bookmark(usize),
    Recent(usize),
}

/// The rows the filter lets through, bookmarks first.
pub fn rows(state: &AppState, m: &Manager) -> Vec<Row> {
    let f = m.filter.to_lowercase();
    let hit = |s: &str| f.is_empty() || s.to_lowercase().contains(&f);
    let b = state.bookmarks.list.iter().enumerate();
    let r = state.bookmarks.recent.iter().enumerate();
    b.filter(|(_, b)| hit(&b.name) || hit(&b.host) || hit(&b.notes))
        .map(|(i, _)| Row::Bookmark(i))
        .chain(
            r.filter(|(_, r)| hit(&r.host) || r.user.as_deref().is_some_and(hit))
                .map(|(i, _)| Row::Recent(i)),
        )
        .collect()
}

pub fn open(state: &mut AppState) {
    state.dialog = Some(Dialog::Bookmarks(Manager::default()));
}

/// Keys while the manager is open.
pub fn manager_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Bookmarks(mut m)) = state.dialog.take() else {
        return;
    };
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if let Some(name) = m.confirm_delete.take() {
        if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
            out.bookmark(BookmarkOp::Remove(name));
        }
        state.dialog = Some(Dialog::Bookmarks(m));
        return;
    }
    let rows = rows(state, &m);
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
            let form = super::dialog::ConnectForm::new(state.profile.as_ref(), state.default_mode);
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
                state.is_connected().then_some(state.remote.path.as_path()),
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
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
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
pub fn connect_bookmark(state: &mut AppState, b: &Bookmark, out: &mut Update) {
    let profile = match b.to_profile(None, state.timeouts) {
        Ok(p) => p,
        Err(e) => {
            state.set_status(e.to_string(), true);
            return;
        }
    };
    if let Some(local) = b.local_dir.as_deref() {
        let path = expand_home(local, state.home.as_deref());
        let req = state.next_request();
        state.local.pending = Some(super::pane::Pending {
            req,
            path: path.clone(),
            select: None,
        });
        out.send(Command::List {
            req,
            side: crate::engine::protocol::Side::Local,
            path,
        });
    }
    state.dialog = None;
    if profile.user.is_none() {
        return super::update::connect_profile(state, profile, out);
    }
    match b.password {
        PasswordMode::Keyring => {
            state.awaiting_secret = Some((b.name.clone(), profile));
            out.bookmark(BookmarkOp::LoadPassword {
                bookmark: b.clone(),
            });
        }
        PasswordMode::Ask => ask_password(state, profile),
    }
}

fn connect_recent(state: &mut AppState, r: &Recent, out: &mut Update) {
    match r.to_profile(None, state.timeouts) {
        Err(e) => state.set_status(e.to_string(), true),
        Ok(p) if p.user.is_some() => ask_password(state, p),
        Ok(p) => {
            state.dialog = None;
            super::update::connect_profile(state, p, out);
        }
    }
}

fn ask_password(state: &mut AppState, profile: ConnectProfile) {
    state.dialog = Some(Dialog::Password(PasswordPrompt {
        profile,
        input: String::new(),
    }));
}

/// `~/x` → the home folder joined with `x`.
pub fn expand_home(path: &str, home: Option<&std::path::Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ if path == "~" => home
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(path)),
        _ => PathBuf::from(path),
    }
}

/// Events from the bookmark service.
pub fn on_event(state: &mut AppState, ev: BookmarkEvent, out: &mut Update) {
    match ev {
        BookmarkEvent::Snapshot(snapshot) => {
            state.bookmarks = snapshot;
            // Keep the manager's cursor on a row that exists.
            if let Some(Dialog::Bookmarks(m)) = state.dialog.as_mut() {
                let n = state.bookmarks.list.len() + state.bookmarks.recent.len();
                m.cursor = m.cursor.min(n.saturating_sub(1));
            }
        }
        BookmarkEvent::Error(e) => state.set_status(e, true),
        BookmarkEvent::Note(n) => state.set_status(n, false),
        BookmarkEvent::Secret { name, result } => {
            let Some((waiting, profile)) = state.awaiting_secret.take() else {
                return;
            };
            if waiting != name {
                state.awaiting_secret = Some((waiting, profile));
                return;
            }
            match result {
                Ok(Some(password)) => {
                    let mut p = profile;
                    p.password = Some(password);
                    super::update::connect_profile(state, p, out);
                }
                Ok(None) => ask_password(state, profile),
                Err(why) => {
                    if !state.keyring_warned {
                        state.keyring_warned = true;
                        state.set_status(format!("{why}: asking for the password instead"), true);
                    }
                    ask_password(state, profile);
                }
            }
        }
    }
}
