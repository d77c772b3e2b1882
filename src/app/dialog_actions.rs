//! Keys of the small dialogs: the quick-connect form, the password prompt
//! and the help overlay (the bookmark, transfer and pattern dialogs have
//! theirs beside their actions). Text fields take what is typed or pasted.

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{ConnectForm, Dialog, FOCUS_PLACES, PASSWORD, SECURITY};
use super::effects::Update;
use super::keymap::is_plain;
use super::requests;
use super::state::AppState;

/// Rows one PgUp/PgDn moves the help overlay.
const HELP_PAGE: usize = 10;

pub fn open_connect(state: &mut AppState) {
    let form = ConnectForm::new(state.profile.as_ref(), state.default_mode);
    state.dialog = Some(Dialog::Connect(form));
}

pub fn open_help(state: &mut AppState) {
    state.dialog = Some(Dialog::Help { scroll: 0 });
}

/// The messages view, at the newest message.
pub fn open_messages(state: &mut AppState) {
    state.dialog = Some(Dialog::Messages { scroll: 0 });
}

/// ↑↓ PgUp PgDn Home End (and j k) scroll the messages back and forth,
/// no further than the oldest; any other key closes them.
pub fn messages_key(state: &mut AppState, key: KeyEvent) {
    let max = crate::ui::messages::max_scroll(&state.messages, state.layout.area);
    let Some(Dialog::Messages { scroll }) = state.dialog.as_mut() else {
        return;
    };
    *scroll = match key.code {
        KeyCode::Up | KeyCode::Char('k') => *scroll + 1,
        KeyCode::Down | KeyCode::Char('j') => scroll.saturating_sub(1),
        KeyCode::PageUp => *scroll + HELP_PAGE,
        KeyCode::PageDown => scroll.saturating_sub(HELP_PAGE),
        KeyCode::Home => max,
        KeyCode::End => 0,
        _ => {
            state.dialog = None;
            return;
        }
    }
    .min(max);
}

/// ↑↓ PgUp PgDn Home End (and j k) scroll the help, never past its last
/// line; any other key closes it.
pub fn help_key(state: &mut AppState, key: KeyEvent) {
    let max = crate::ui::help::max_scroll(&state.keymap, state.layout.area);
    let Some(Dialog::Help { scroll }) = state.dialog.as_mut() else {
        return;
    };
    *scroll = match key.code {
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *scroll + 1,
        KeyCode::PageUp => scroll.saturating_sub(HELP_PAGE),
        KeyCode::PageDown => *scroll + HELP_PAGE,
        KeyCode::Home => 0,
        KeyCode::End => max,
        _ => {
            state.dialog = None;
            return;
        }
    }
    .min(max);
}

pub fn connect_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Connect(form)) = state.dialog.as_mut() else {
        return;
    };
    let places = FOCUS_PLACES;
    match key.code {
        KeyCode::Esc => state.dialog = None,
        KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1) % places,
        KeyCode::BackTab | KeyCode::Up => form.focus = (form.focus + places - 1) % places,
        KeyCode::Left if form.focus == SECURITY => form.cycle_security(-1),
        KeyCode::Right | KeyCode::Char(' ') if form.focus == SECURITY => form.cycle_security(1),
        KeyCode::Backspace if form.focus < SECURITY => {
            form.fields[form.focus].pop();
        }
        KeyCode::Enter => match form.to_profile(state.timeouts) {
            Ok(p) => {
                state.dialog = None;
                requests::connect(state, p, out);
            }
            Err(e) => form.error = Some(e),
        },
        KeyCode::Char(c) if is_plain(&key) && form.focus < SECURITY => {
            form.fields[form.focus].push(c);
            form.error = None;
        }
        _ => out.unchanged(),
    }
}

/// Text pasted into the quick-connect form (one line; see `update`).
pub fn paste_connect(state: &mut AppState, text: &str) {
    let Some(Dialog::Connect(form)) = state.dialog.as_mut() else {
        return;
    };
    if form.focus >= SECURITY {
        return;
    }
    form.fields[form.focus].push_str(text);
    // A URL pasted into the host field is a common mistake; say so.
    if form.focus != PASSWORD && text.contains("://") {
        form.error = Some("Paste the host name only, or start wharf with the URL".into());
    }
}

pub fn password_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Password(prompt)) = state.dialog.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Esc => {
            state.dialog = None;
            state.set_status("Not connected: no password given", true);
        }
        KeyCode::Backspace => {
            prompt.input.pop();
        }
        KeyCode::Enter => {
            let mut p = prompt.profile.clone();
            p.password = Some(std::mem::take(&mut prompt.input));
            state.dialog = None;
            requests::connect(state, p, out);
        }
        KeyCode::Char(c) if is_plain(&key) => prompt.input.push(c),
        _ => out.unchanged(),
    }
}

pub fn paste_password(state: &mut AppState, text: &str) {
    if let Some(Dialog::Password(prompt)) = state.dialog.as_mut() {
        prompt.input.push_str(text);
    }
}
