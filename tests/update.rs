//! Pure update tests: a message in, state and commands out. No terminal,
//! no network.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use wharf::app::dialog::Dialog;
use wharf::app::keymap::Keymap;
use wharf::app::pane::SortKey;
use wharf::app::state::{AppState, ConnState};
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{
    Command, ConnectProfile, DataMode, EngineError, Entry, EntryKind, Event, RequestId, ServerInfo,
    Side, Timeouts, WireDir,
};

fn state() -> AppState {
    AppState::new(PathBuf::from("/home/me"), Keymap::default(), 100, 30)
}

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

fn file(name: &str, size: u64) -> Entry {
    Entry {
        name: name.into(),
        kind: EntryKind::File,
        size,
        modified: None,
        permissions: None,
        link_target: None,
    }
}

fn dir(name: &str) -> Entry {
    Entry {
        kind: EntryKind::Dir,
        ..file(name, 0)
    }
}

fn profile(user: Option<&str>, password: Option<&str>) -> ConnectProfile {
    ConnectProfile {
        host: "ftp.example.org".into(),
        port: 21,
        user: user.map(Into::into),
        password: password.map(Into::into),
        path: None,
        mode: DataMode::Passive,
        timeouts: Timeouts::default(),
    }
}

/// The one List command in `cmds`.
fn the_list(cmds: &[Command]) -> (RequestId, Side, PathBuf) {
    let lists: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::List { req, side, path } => Some((*req, *side, path.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(lists.len(), 1, "expected one List in {cmds:?}");
    lists[0].clone()
}

/// Starts connected to a server whose remote pane shows `entries` at /pub.
fn connected_with(entries: Vec<Entry>) -> AppState {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(Some(profile(None, None))));
    let conn = match cmds.iter().find_map(|c| match c {
        Command::Connect { conn, .. } => Some(*conn),
        _ => None,
    }) {
        Some(c) => c,
        None => panic!("no Connect in {cmds:?}"),
    };
    let info = ServerInfo {
        system: Some("UNIX Type: L8".into()),
        home: "/".into(),
        ..Default::default()
    };
    let cmds = update(
        &mut s,
        Msg::Engine(Event::Connected {
            conn,
            info,
            start: "/pub".into(),
        }),
    );
    let (req, side, path) = the_list(&cmds);
    assert_eq!(
        (side, path.as_path()),
        (Side::Remote, std::path::Path::new("/pub"))
    );
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req,
            side,
            path,
            entries,
        }),
    );
    s
}

fn shown(s: &AppState, side: Side) -> Vec<String> {
    let p = s.pane(side);
    p.view.iter().map(|&i| p.entries[i].name.clone()).collect()
}

#[test]
fn start_without_url_lists_local_and_opens_quick_connect() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(None));
    let (_, side, path) = the_list(&cmds);
    assert_eq!((side, path), (Side::Local, PathBuf::from("/home/me")));
    assert!(matches!(s.dialog, Some(Dialog::Connect(_))));
}

#[test]
fn a_user_without_password_is_asked_for_one_and_it_is_masked_in_debug_output() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(Some(profile(Some("bob"), None))));
    assert!(cmds.iter().all(|c| !matches!(c, Command::Connect { .. })));
    assert!(matches!(s.dialog, Some(Dialog::Password(_))));
    for c in "s3cret".chars() {
        update(&mut s, ch(c));
    }
    let cmds = update(&mut s, key(KeyCode::Enter));
    let sent = cmds
        .iter()
        .find_map(|c| match c {
            Command::Connect { profile, .. } => Some(profile.clone()),
            _ => None,
        })
        .expect("connect");
    assert_eq!(sent.password.as_deref(), Some("s3cret"));
    assert!(
        !format!("{cmds:?}").contains("s3cret"),
        "password leaked into Debug"
    );
    assert!(matches!(s.conn, ConnState::Connecting { .. }));
}

#[test]
fn connected_lists_the_start_folder_and_focuses_the_remote_pane() {
    let s = connected_with(vec![file("b", 1), dir("a")]);
    assert_eq!(s.focus, Side::Remote);
    assert_eq!(shown(&s, Side::Remote), ["..", "a", "b"]);
    assert!(s.is_connected());
}

#[test]
fn enter_opens_a_folder_and_backspace_returns_with_the_cursor_on_it() {
    let mut s = connected_with(vec![dir("alpha"), dir("beta"), file("c", 1)]);
    update(&mut s, key(KeyCode::Down)); // alpha
    update(&mut s, key(KeyCode::Down)); // beta
    let cmds = update(&mut s, key(KeyCode::Enter));
    let (req, side, path) = the_list(&cmds);
    assert_eq!(path, PathBuf::from("/pub/beta"));
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req,
            side,
            path,
            entries: vec![file("inside", 3)],
        }),
    );
    assert_eq!(s.remote.path, PathBuf::from("/pub/beta"));
    let cmds = update(&mut s, key(KeyCode::Backspace));
    let (req, side, path) = the_list(&cmds);
    assert_eq!(path, PathBuf::from("/pub"));
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req,
            side,
            path,
            entries: vec![dir("alpha"), dir("beta"), file("c", 1)],
        }),
    );
    assert_eq!(s.remote.current().map(|e| e.name.as_str()), Some("beta"));
}

#[test]
fn a_stale_listing_is_dropped() {
    let mut s = connected_with(vec![dir("a"), dir("b")]);
    update(&mut s, key(KeyCode::Down));
    let (old_req, side, old_path) = the_list(&update(&mut s, key(KeyCode::Enter)));
    update(&mut s, key(KeyCode::Down));
    let (new_req, _, _) = the_list(&update(&mut s, key(KeyCode::Enter)));
    assert_ne!(old_req, new_req);
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req: old_req,
            side,
            path: old_path,
            entries: vec![file("stale", 1)],
        }),
    );
    assert_eq!(
        s.remote.path,
        PathBuf::from("/pub"),
        "a stale answer moved the pane"
    );
    assert!(s.remote.pending.is_some());
}

#[test]
fn a_failed_listing_keeps_the_old_entries_and_says_why() {
    let mut s = connected_with(vec![dir("locked"), file("x", 1)]);
    update(&mut s, key(KeyCode::Down));
    let (req, side, path) = the_list(&update(&mut s, key(KeyCode::Enter)));
    let error = EngineError::Reply {
        code: 550,
        text: "Permission denied".into(),
    };
    update(
        &mut s,
        Msg::Engine(Event::Failed {
            req,
            side,
            path,
            error,
        }),
    );
    assert_eq!(s.remote.path, PathBuf::from("/pub"));
    assert_eq!(shown(&s, Side::Remote), ["..", "locked", "x"]);
    let status = s.status.clone().expect("status");
    assert!(
        status.is_error && status.text.contains("550 Permission denied"),
        "{status:?}"
    );
}

#[test]
fn login_failure_shows_in_the_status_and_ctrl_r_retries() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(Some(profile(Some("bob"), Some("bad")))));
    let conn = cmds
        .iter()
        .find_map(|c| match c {
            Command::Connect { conn, .. } => Some(*conn),
            _ => None,
        })
        .expect("connect");
    let reason = EngineError::Login {
        code: 530,
        text: "Login incorrect.".into(),
    };
    update(
        &mut s,
        Msg::Engine(Event::Disconnected {
            conn,
            reason: Some(reason),
        }),
    );
    assert!(matches!(s.conn, ConnState::Failed { .. }));
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.is_error && m.text.contains("530"))
    );
    update(&mut s, key(KeyCode::Tab));
    let cmds = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    assert!(
        cmds.iter().any(|c| matches!(c, Command::Connect { .. })),
        "{cmds:?}"
    );
}

#[test]
fn events_of_a_replaced_connection_are_ignored() {
    let mut s = state();
    let first = update(&mut s, Msg::Start(Some(profile(None, None))));
    let old = first
        .iter()
        .find_map(|c| match c {
            Command::Connect { conn, .. } => Some(*conn),
            _ => None,
        })
        .expect("connect");
    // The user disconnects; the old session's late failure must not show.
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    update(
        &mut s,
        Msg::Engine(Event::Disconnected {
            conn: old,
            reason: Some(EngineError::NotConnected),
        }),
    );
    assert!(matches!(s.conn, ConnState::Idle));
}

#[test]
fn filter_narrows_as_you_type_and_esc_clears() {
    let mut s = connected_with(vec![file("apple", 1), file("banana", 1), file("cherry", 1)]);
    update(&mut s, ch('/'));
    update(&mut s, ch('A'));
    update(&mut s, ch('n'));
    assert_eq!(shown(&s, Side::Remote), ["..", "banana"]);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(shown(&s, Side::Remote), ["..", "apple", "banana", "cherry"]);
    assert!(!s.remote.filter_editing);
}

#[test]
fn q_in_a_filter_is_a_letter_not_quit() {
    let mut s = connected_with(vec![file("quux", 1)]);
    update(&mut s, ch('/'));
    update(&mut s, ch('q'));
    assert!(!s.quit);
    assert_eq!(s.remote.filter, "q");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('q'));
    assert!(s.quit);
}

#[test]
fn sort_cycles_and_hidden_toggles() {
    let mut s = connected_with(vec![file("small", 1), file("big", 100), file(".dot", 50)]);
    assert_eq!(shown(&s, Side::Remote), ["..", "big", "small"]);
    update(&mut s, ch('s')); // name reversed
    assert_eq!((s.remote.sort, s.remote.reverse), (SortKey::Name, true));
    assert_eq!(shown(&s, Side::Remote), ["..", "small", "big"]);
    update(&mut s, ch('s')); // size, biggest first
    assert_eq!(shown(&s, Side::Remote), ["..", "big", "small"]);
    update(&mut s, ch('.'));
    assert_eq!(shown(&s, Side::Remote), ["..", "big", ".dot", "small"]);
}

#[test]
fn paging_uses_the_visible_height() {
    let many = (0..500).map(|i| file(&format!("f{i:04}"), 1)).collect();
    let mut s = connected_with(many);
    let h = s.list_height(Side::Remote);
    assert!(h > 5);
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.remote.cursor, h);
    update(&mut s, key(KeyCode::End));
    assert_eq!(s.remote.cursor, 500);
    assert_eq!(s.remote.offset, 501 - h);
}

#[test]
fn click_selects_and_double_click_opens() {
    let mut s = connected_with(vec![dir("one"), dir("two")]);
    let list = s.layout.list(Side::Remote);
    let t0 = Instant::now();
    let click = |row: u16| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: list.x + 2,
        row: list.y + row,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut s, key(KeyCode::Tab)); // focus local
    assert!(update(&mut s, Msg::Mouse(click(2), t0)).is_empty());
    assert_eq!(s.focus, Side::Remote);
    assert_eq!(s.remote.current().map(|e| e.name.as_str()), Some("two"));
    // Too slow for a double click.
    assert!(update(&mut s, Msg::Mouse(click(2), t0 + Duration::from_secs(2))).is_empty());
    let cmds = update(
        &mut s,
        Msg::Mouse(click(2), t0 + Duration::from_millis(2200)),
    );
    assert_eq!(the_list(&cmds).2, PathBuf::from("/pub/two"));
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let many = (0..200).map(|i| file(&format!("f{i:04}"), 1)).collect();
    let mut s = connected_with(many);
    let pane = s.layout.pane(Side::Remote);
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: pane.x + 3,
        row: pane.y + 5,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut s, Msg::Mouse(wheel, Instant::now()));
    assert_eq!(s.remote.offset, 3);
}

#[test]
fn remote_actions_while_disconnected_say_so() {
    let mut s = state();
    update(&mut s, Msg::Start(None));
    update(&mut s, key(KeyCode::Esc)); // close the quick-connect form
    update(&mut s, key(KeyCode::Tab));
    let cmds = update(&mut s, key(KeyCode::Backspace));
    assert!(cmds.is_empty());
}

#[test]
fn the_quick_connect_form_validates_the_port() {
    let mut s = state();
    update(&mut s, Msg::Start(None));
    for c in "example.org".chars() {
        update(&mut s, ch(c));
    }
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    for c in "99999".chars() {
        update(&mut s, ch(c));
    }
    let cmds = update(&mut s, key(KeyCode::Enter));
    assert!(cmds.is_empty());
    match &s.dialog {
        Some(Dialog::Connect(f)) => assert!(f.error.as_deref().is_some_and(|e| e.contains("Port"))),
        other => panic!("form closed: {other:?}"),
    }
}

#[test]
fn replies_update_the_last_code_and_the_log_is_bounded() {
    let mut s = state();
    for i in 0..(wharf::app::state::LOG_CAPACITY + 10) {
        update(
            &mut s,
            Msg::Engine(Event::Wire {
                dir: WireDir::Sent,
                code: None,
                text: format!("NOOP {i}"),
            }),
        );
    }
    update(
        &mut s,
        Msg::Engine(Event::Wire {
            dir: WireDir::Received,
            code: Some(421),
            text: "421 bye".into(),
        }),
    );
    assert_eq!(s.last_reply, Some(421));
    assert_eq!(s.log.len(), wharf::app::state::LOG_CAPACITY);
}

#[test]
fn resize_recomputes_the_layout_and_keeps_the_cursor_visible() {
    let many = (0..300).map(|i| file(&format!("f{i:04}"), 1)).collect();
    let mut s = connected_with(many);
    update(&mut s, key(KeyCode::End));
    update(&mut s, Msg::Resize(60, 15));
    let h = s.list_height(Side::Remote);
    let p = &s.remote;
    assert!(
        p.cursor >= p.offset && p.cursor < p.offset + h,
        "cursor {} offset {} h {h}",
        p.cursor,
        p.offset
    );
}
