//! The requests more than one action makes: ask for a folder's listing for
//! a pane, and connect to a profile (or ask for its password first). Only
//! data modules below: the action modules share these instead of calling
//! each other.

use super::dialog::{Dialog, PasswordPrompt};
use super::effects::Update;
use super::keymap::Action;
use super::pane::{PaneState, Pending};
use super::state::{AppState, ConnState};
use crate::engine::protocol::{Command, ConnectProfile, Location, Name, RemotePath, Side};

/// Asks the engine for a listing and remembers it as the pane's pending one;
/// an answer to any older request for this pane will be ignored.
pub fn list(state: &mut AppState, path: Location, select: Option<Name>) -> Command {
    let req = state.next_request();
    let pane = state.pane_mut(path.side());
    // A listing waiting for its order is older than this one.
    pane.drop_staged();
    pane.pending = Some(Pending {
        req,
        path: path.clone(),
        select,
    });
    Command::List { req, path }
}

/// Lists a folder for a pane, unless that pane is remote and offline (then
/// the status bar says how to connect).
pub fn list_if_online(
    state: &mut AppState,
    path: Location,
    select: Option<Name>,
    out: &mut Update,
) {
    if path.side() == Side::Remote && !state.is_connected() {
        let hint = state
            .keymap
            .key_for(Action::Connect)
            .map(|k| format!(" ({k} to connect)"))
            .unwrap_or_default();
        state.set_status(format!("Not connected{hint}"), true);
        return;
    }
    out.send(list(state, path, select));
}

/// Connects the remote pane to `profile` (replacing any connection).
pub fn connect(state: &mut AppState, profile: ConnectProfile, out: &mut Update) {
    let conn = state.next_conn();
    state.conn = ConnState::Connecting {
        target: target_of(&profile),
    };
    state.profile = Some(profile.clone());
    state.remote = PaneState::new(Location::Remote(RemotePath::root()));
    out.send(Command::Connect { conn, profile });
}

/// Connects, or first asks for the password of a profile that has a user
/// and none.
pub fn connect_or_ask(state: &mut AppState, profile: ConnectProfile, out: &mut Update) {
    if profile.user.is_some() && profile.password.is_none() {
        ask_password(state, profile);
    } else {
        connect(state, profile, out);
    }
}

/// Opens the password prompt for `profile`.
pub fn ask_password(state: &mut AppState, profile: ConnectProfile) {
    state.dialog = Some(Dialog::Password(PasswordPrompt {
        profile,
        input: String::new(),
    }));
}

/// The current or last connection's `user@host:port` (empty: none yet).
pub fn current_target(state: &AppState) -> String {
    state.profile.as_ref().map(target_of).unwrap_or_default()
}

/// `user@host:port`, as titles and the status bar name a connection.
pub fn target_of(p: &ConnectProfile) -> String {
    match &p.user {
        Some(u) => format!("{u}@{}", p.authority()),
        None => p.authority(),
    }
}
