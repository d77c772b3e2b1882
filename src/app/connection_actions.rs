//! The remote connection's half of `update`: the first message (list the
//! local folder, then connect or offer a way to), disconnecting, and the
//! engine's connection events. Events of a connection the user replaced
//! carry an old `ConnId` and change nothing.

use super::bookmark_manager::Manager;
use super::dialog::{ConnectForm, Dialog};
use super::effects::Update;
use super::keymap::Action;
use super::pane::PaneState;
use super::requests;
use super::state::{AppState, ConnState};
use crate::bookmarks::service::BookmarkOp;
use crate::engine::protocol::{
    Command, ConnId, ConnectProfile, Failure, FailureKind, Location, RemotePath, ServerInfo, Side,
};

/// The first message: list the local folder, then connect to `profile`
/// (asking for its password first if it has a user and none). Without a
/// profile the bookmark manager greets the user (it offers quick connect
/// too); without a bookmark file, the quick-connect form.
pub fn start(state: &mut AppState, profile: Option<ConnectProfile>, out: &mut Update) {
    let path = state.local.path.clone();
    out.send(requests::list(state, path, None));
    match profile {
        Some(p) => requests::connect_or_ask(state, p, out),
        None if state.bookmarks_enabled => {
            state.dialog = Some(Dialog::Bookmarks(Manager::default()));
        }
        None => state.dialog = Some(Dialog::Connect(ConnectForm::new(None, state.default_mode))),
    }
}

pub fn disconnect(state: &mut AppState, out: &mut Update) {
    if matches!(state.conn, ConnState::Idle) {
        return out.unchanged();
    }
    out.send(Command::Disconnect);
    state.next_conn(); // late events of that connection are stale now
    state.conn = ConnState::Idle;
    state.remote = PaneState::new(Location::Remote(RemotePath::root()));
    state.set_status("Disconnected", false);
}

pub fn on_connecting(state: &mut AppState, conn: ConnId, host: String, out: &mut Update) {
    if conn != state.conn_id {
        return out.unchanged();
    }
    state.conn = ConnState::Connecting { target: host };
}

/// Logged in: show the folder (the one the user was in, when this is a
/// reconnection), and remember the connection among the recent ones.
pub fn on_connected(
    state: &mut AppState,
    conn: ConnId,
    info: ServerInfo,
    start: RemotePath,
    out: &mut Update,
) {
    if conn != state.conn_id {
        return out.unchanged();
    }
    let target = requests::current_target(state);
    let system = info
        .system
        .clone()
        .unwrap_or_else(|| "unknown system".into());
    state.set_status(format!("Connected to {target} ({system})"), false);
    state.conn = ConnState::Connected {
        target,
        info: Box::new(info),
    };
    let path = if state.remote.loaded {
        state.remote.path.clone()
    } else {
        Location::Remote(start)
    };
    state.focus = Side::Remote;
    if state.bookmarks_enabled
        && state.keep_recent
        && let Some(mut p) = state.profile.clone()
    {
        p.password = None;
        p.path = Some(path.display().into_owned());
        out.bookmark(BookmarkOp::PushRecent(p));
    }
    out.send(requests::list(state, path, None));
}

/// The connection ended: by request (`reason` is `None`), or with an error
/// the status bar shows with the key that retries.
pub fn on_disconnected(
    state: &mut AppState,
    conn: ConnId,
    reason: Option<Failure>,
    out: &mut Update,
) {
    if conn != state.conn_id {
        return out.unchanged();
    }
    let target = requests::current_target(state);
    state.remote.pending = None;
    match reason {
        None => state.conn = ConnState::Idle,
        Some(err) => {
            let login = err.kind == FailureKind::Login;
            let reason = err.message;
            // The same key re-reads the local folder when that pane has
            // the keyboard: say where it retries.
            let what = if login {
                "to enter the password again"
            } else {
                "to retry"
            };
            let retry = state
                .keymap
                .key_for(Action::Reload)
                .map(|k| format!(" — {k} in the remote pane {what}"))
                .unwrap_or_default();
            state.set_status(format!("{reason}{retry}"), true);
            state.conn = ConnState::Failed {
                target,
                reason,
                login,
            };
        }
    }
}
