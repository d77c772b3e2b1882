//! An `AppState` as the UI tests drive it through `update`: keys in, the
//! engine's side played by hand (a login, the listings it asked for),
//! commands read back.
#![allow(dead_code)]

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wharf::app::effects::Update;
use wharf::app::keymap::Keymap;
use wharf::app::state::AppState;
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{
    Command, ConnId, ConnectProfile, DataMode, Entry, Event, Location, RemotePath, RequestId,
    ServerInfo, Timeouts,
};

/// A fresh state whose local pane opens `local`, on a `width`×`height`
/// terminal.
pub fn app_state(local: &str, width: u16, height: u16) -> AppState {
    AppState::new(PathBuf::from(local), Keymap::default(), width, height)
}

/// A profile for ftp.example.org:21 (nothing is ever sent to it).
pub fn profile(user: Option<&str>, password: Option<&str>) -> ConnectProfile {
    ConnectProfile {
        host: "ftp.example.org".into(),
        port: 21,
        user: user.map(Into::into),
        password: password.map(Into::into),
        path: None,
        mode: DataMode::Passive,
        timeouts: Timeouts::default(),
        security: Default::default(),
        tls_versions: Default::default(),
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn press(s: &mut AppState, code: KeyCode) {
    update(s, key(code));
}

pub fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        update(s, ch(c));
    }
}

/// The one command in `cmds` that `pick` takes.
fn the_one<T: Clone>(cmds: &[Command], what: &str, pick: impl Fn(&Command) -> Option<T>) -> T {
    let found: Vec<T> = cmds.iter().filter_map(pick).collect();
    assert_eq!(found.len(), 1, "expected one {what} in {cmds:?}");
    found[0].clone()
}

/// The one List command in `cmds`.
pub fn the_list(cmds: &[Command]) -> (RequestId, Location) {
    the_one(cmds, "List", |c| match c {
        Command::List { req, path } => Some((*req, path.clone())),
        _ => None,
    })
}

/// The engine's answer to the one List in `cmds`: `entries`.
pub fn listing(cmds: &[Command], entries: Vec<Entry>) -> Msg {
    let (req, path) = the_list(cmds);
    Msg::Engine(Event::Listing { req, path, entries })
}

/// The one Connect in `cmds`: its connection and profile.
pub fn the_connect(cmds: &[Command]) -> (ConnId, ConnectProfile) {
    the_one(cmds, "Connect", |c| match c {
        Command::Connect { conn, profile } => Some((*conn, profile.clone())),
        _ => None,
    })
}

/// The connection the Connect in `cmds` opens.
pub fn conn_of(cmds: &[Command]) -> ConnId {
    the_connect(cmds).0
}

/// The profile the Connect in `cmds` connects with.
pub fn profile_of(cmds: &[Command]) -> ConnectProfile {
    the_connect(cmds).1
}

/// The login of `conn` succeeded, on a UNIX server whose login folder is
/// `/`, showing `start` first. Returns what the state asked in answer.
pub fn logged_in(s: &mut AppState, conn: ConnId, start: &str) -> Update {
    let info = ServerInfo {
        system: Some("UNIX Type: L8".into()),
        home: RemotePath::root(),
        ..Default::default()
    };
    update(
        s,
        Msg::Engine(Event::Connected {
            conn,
            info,
            start: start.into(),
        }),
    )
}

/// Starts `s` with `profile` and connects it: its local listing is
/// answered with `local` (`None`: left waiting), the login shows `start`,
/// and the remote listing of `start` (the one command the login gives)
/// is answered with `remote`.
pub fn connect(
    s: &mut AppState,
    profile: ConnectProfile,
    local: Option<Vec<Entry>>,
    start: &str,
    remote: Vec<Entry>,
) {
    let cmds = update(s, Msg::Start(Some(profile))).commands;
    if let Some(local) = local {
        update(s, listing(&cmds, local));
    }
    let cmds = logged_in(s, conn_of(&cmds), start).commands;
    assert_eq!(
        the_list(&cmds).1,
        Location::Remote(start.into()),
        "the login lists the start folder"
    );
    update(s, listing(&cmds, remote));
}
