//! Pure update tests: a message in, state and commands out. No terminal,
//! no network.

#[path = "common/app.rs"]
mod app;
#[path = "common/values.rs"]
mod values;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use app::{
    app_state, ch, conn_of, connect, key, listing, logged_in, profile, profile_of, the_list,
    type_text,
};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use values::{dir, file, local, remote};
use wharf::app::dialog::Dialog;
use wharf::app::effects::Update;
use wharf::app::pane::SortKey;
use wharf::app::state::{AppState, ConnState};
use wharf::app::update::{Msg, update};
use wharf::bookmarks::service::BookmarkEvent;
use wharf::engine::protocol::{
    Command, ConnId, Entry, Event, Failure, FailureKind, Name, RequestId, Side, WireDir,
};

fn state() -> AppState {
    app_state("/home/me", 100, 30)
}

/// Starts connected to a server whose remote pane shows `entries` at /pub
/// (the local listing is left waiting).
fn connected_with(entries: Vec<Entry>) -> AppState {
    let mut s = state();
    connect(&mut s, profile(None, None), None, "/pub", entries);
    s
}

fn shown(s: &AppState, side: Side) -> Vec<Name> {
    let p = s.pane(side);
    p.view.iter().map(|&i| p.entries[i].name.clone()).collect()
}

/// A left-button mouse event at (`column`, `row`); the commands it gave.
fn mouse(s: &mut AppState, kind: MouseEventKind, (column, row): (u16, u16)) -> Vec<Command> {
    let event = MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    update(s, Msg::Mouse(event, Instant::now())).commands
}

#[test]
fn start_without_url_lists_local_and_opens_quick_connect() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(None)).commands;
    let (_, path) = the_list(&cmds);
    assert_eq!(path, local("/home/me"));
    assert!(matches!(s.dialog, Some(Dialog::Connect(_))));
}

#[test]
fn a_user_without_password_is_asked_for_one_and_it_is_masked_in_debug_output() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(Some(profile(Some("bob"), None)))).commands;
    assert!(cmds.iter().all(|c| !matches!(c, Command::Connect { .. })));
    assert!(matches!(s.dialog, Some(Dialog::Password(_))));
    for c in "s3cret".chars() {
        update(&mut s, ch(c));
    }
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    let sent = profile_of(&cmds);
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
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(the_list(&cmds).1, remote("/pub/beta"));
    update(&mut s, listing(&cmds, vec![file("inside", 3)]));
    assert_eq!(s.remote.path, remote("/pub/beta"));
    let cmds = update(&mut s, key(KeyCode::Backspace)).commands;
    assert_eq!(the_list(&cmds).1, remote("/pub"));
    update(
        &mut s,
        listing(&cmds, vec![dir("alpha"), dir("beta"), file("c", 1)]),
    );
    assert_eq!(
        s.remote.current().and_then(|e| e.name.as_str()),
        Some("beta")
    );
}

#[test]
fn a_stale_listing_is_dropped() {
    let mut s = connected_with(vec![dir("a"), dir("b")]);
    update(&mut s, key(KeyCode::Down));
    let (old_req, old_path) = the_list(&update(&mut s, key(KeyCode::Enter)).commands);
    update(&mut s, key(KeyCode::Down));
    let (new_req, _) = the_list(&update(&mut s, key(KeyCode::Enter)).commands);
    assert_ne!(old_req, new_req);
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req: old_req,
            path: old_path,
            entries: vec![file("stale", 1)],
            notes: Default::default(),
        }),
    );
    assert_eq!(
        s.remote.path,
        remote("/pub"),
        "a stale answer moved the pane"
    );
    assert!(s.remote.pending.is_some());
}

#[test]
fn a_failed_listing_keeps_the_old_entries_and_says_why() {
    let mut s = connected_with(vec![dir("locked"), file("x", 1)]);
    update(&mut s, key(KeyCode::Down));
    let (req, path) = the_list(&update(&mut s, key(KeyCode::Enter)).commands);
    let error = Failure::new(FailureKind::Permission, "550 Permission denied").with_code(550);
    update(&mut s, Msg::Engine(Event::Failed { req, path, error }));
    assert_eq!(s.remote.path, remote("/pub"));
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
    let cmds = update(&mut s, Msg::Start(Some(profile(Some("bob"), Some("bad"))))).commands;
    let conn = conn_of(&cmds);
    let reason =
        Failure::new(FailureKind::Login, "login failed: 530 Login incorrect.").with_code(530);
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
    let ctrl_r = || Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    // In the local pane Ctrl-r re-reads the local folder and says how to
    // reconnect.
    s.focus = Side::Local;
    let cmds = update(&mut s, ctrl_r()).commands;
    assert!(!cmds.iter().any(|c| matches!(c, Command::Connect { .. })));
    assert!(
        s.status.as_ref().is_some_and(|m| m
            .text
            .contains("to reconnect, press Ctrl-r in the remote pane")),
        "{:?}",
        s.status
    );
    // In the remote pane it asks for the password again, not the same one.
    s.focus = Side::Remote;
    let cmds = update(&mut s, ctrl_r()).commands;
    assert!(cmds.is_empty(), "{cmds:?}");
    let Some(wharf::app::dialog::Dialog::Password(prompt)) = &s.dialog else {
        panic!("no password prompt: {:?}", s.dialog)
    };
    assert_eq!(prompt.profile.user.as_deref(), Some("bob"));
    type_text(&mut s, "good");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(profile_of(&cmds).password.as_deref(), Some("good"));
}

#[test]
fn a_connection_that_failed_otherwise_retries_with_ctrl_r() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(Some(profile(Some("bob"), Some("pw"))))).commands;
    let conn = conn_of(&cmds);
    let reason = Failure::new(FailureKind::Connection, "cannot connect: refused");
    update(
        &mut s,
        Msg::Engine(Event::Disconnected {
            conn,
            reason: Some(reason),
        }),
    );
    s.focus = Side::Remote;
    let cmds = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    )
    .commands;
    assert_eq!(profile_of(&cmds).password.as_deref(), Some("pw"));
}

/// A reply line as the engine sends it: over browse connection `conn`
/// (`None`: a transfer connection).
fn reply_on(conn: Option<ConnId>, code: u16, text: &str) -> Msg {
    Msg::Engine(Event::Wire {
        dir: WireDir::Received,
        code: Some(code),
        text: text.into(),
        conn,
    })
}

#[test]
fn the_status_bar_shows_the_browse_connections_own_last_reply() {
    let mut s = state();
    let cmds = update(&mut s, Msg::Start(Some(profile(Some("bob"), Some("bad"))))).commands;
    let first = conn_of(&cmds);
    update(&mut s, reply_on(Some(first), 530, "530 Login incorrect."));
    assert_eq!(s.last_reply, Some(530));
    update(
        &mut s,
        Msg::Engine(Event::Disconnected {
            conn: first,
            reason: Some(Failure::new(FailureKind::Login, "login failed: 530").with_code(530)),
        }),
    );
    // Trying again: the old attempt's 530 is not this one's (which may be
    // refused before any reply at all).
    // (Ctrl-r asks for the refused password again first.)
    update(&mut s, key(KeyCode::Tab));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    type_text(&mut s, "good");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    let second = conn_of(&cmds);
    assert_ne!(first, second);
    assert_eq!(s.last_reply, None);
    // A late line of the old attempt changes nothing.
    assert!(!update(&mut s, reply_on(Some(first), 530, "530 again")).redraw);
    assert_eq!(s.last_reply, None);
    update(&mut s, reply_on(Some(second), 230, "230 Login successful."));
    assert_eq!(s.last_reply, Some(230));
    // Transfer connections' replies (150, 215…) are theirs, not the status bar's.
    assert!(!update(&mut s, reply_on(None, 150, "[T1] 150 Ok to send data.")).redraw);
    update(&mut s, reply_on(None, 215, "[T2] 215 UNIX Type: L8"));
    assert_eq!(s.last_reply, Some(230));
    assert_eq!(s.log.len(), 5, "the log keeps every line");
}

#[test]
fn events_of_a_replaced_connection_are_ignored() {
    let mut s = state();
    let first = update(&mut s, Msg::Start(Some(profile(None, None)))).commands;
    let old = conn_of(&first);
    // The user disconnects; the old session's late failure must not show.
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
    );
    update(
        &mut s,
        Msg::Engine(Event::Disconnected {
            conn: old,
            reason: Some(Failure::new(FailureKind::NotConnected, "not connected")),
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
    assert_eq!((s.remote.sort, s.remote.descending), (SortKey::Name, true));
    assert_eq!(shown(&s, Side::Remote), ["..", "small", "big"]);
    update(&mut s, ch('s')); // size, biggest first: descending
    assert_eq!((s.remote.sort, s.remote.descending), (SortKey::Size, true));
    assert_eq!(shown(&s, Side::Remote), ["..", "big", "small"]);
    assert_eq!(
        s.status.as_ref().map(|m| m.text.as_str()),
        Some("Sorted by size, biggest first")
    );
    update(&mut s, ch('.'));
    assert_eq!(shown(&s, Side::Remote), ["..", "big", ".dot", "small"]);
    update(&mut s, ch('s')); // size, smallest first: ascending
    assert_eq!((s.remote.sort, s.remote.descending), (SortKey::Size, false));
    assert_eq!(shown(&s, Side::Remote), ["..", "small", ".dot", "big"]);
    update(&mut s, ch('s'));
    assert_eq!((s.remote.sort, s.remote.descending), (SortKey::Time, true));
    update(&mut s, ch('s'));
    update(&mut s, ch('s'));
    assert_eq!((s.remote.sort, s.remote.descending), (SortKey::Name, false));
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
    assert!(update(&mut s, Msg::Mouse(click(2), t0)).commands.is_empty());
    assert_eq!(s.focus, Side::Remote);
    assert_eq!(
        s.remote.current().and_then(|e| e.name.as_str()),
        Some("two")
    );
    // Too slow for a double click.
    assert!(
        update(&mut s, Msg::Mouse(click(2), t0 + Duration::from_secs(2)))
            .commands
            .is_empty()
    );
    let cmds = update(
        &mut s,
        Msg::Mouse(click(2), t0 + Duration::from_millis(2200)),
    )
    .commands;
    assert_eq!(the_list(&cmds).1, remote("/pub/two"));
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
    let cmds = update(&mut s, key(KeyCode::Backspace)).commands;
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
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert!(cmds.is_empty());
    match &s.dialog {
        Some(Dialog::Connect(f)) => assert!(f.error.as_deref().is_some_and(|e| e.contains("Port"))),
        other => panic!("form closed: {other:?}"),
    }
}

#[test]
fn replies_update_the_last_code_and_the_log_is_bounded() {
    let mut s = state();
    let conn = Some(s.conn_id);
    for i in 0..(wharf::app::state::LOG_CAPACITY + 10) {
        update(
            &mut s,
            Msg::Engine(Event::Wire {
                dir: WireDir::Sent,
                code: None,
                text: format!("NOOP {i}"),
                conn,
            }),
        );
    }
    update(
        &mut s,
        Msg::Engine(Event::Wire {
            dir: WireDir::Received,
            code: Some(421),
            text: "421 bye".into(),
            conn,
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

// ---- transfers -------------------------------------------------------------

fn the_transfer(cmds: &[Command]) -> wharf::engine::protocol::TransferRequest {
    let reqs: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Transfer(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(reqs.len(), 1, "expected one Transfer in {cmds:?}");
    reqs[0].clone()
}

#[test]
fn mark_then_f5_downloads_the_marked_entries_into_the_local_folder() {
    use wharf::engine::protocol::{Direction, OnExisting};
    let mut s = connected_with(vec![file("a", 10), file("b", 20), dir("c"), file("d", 5)]);
    // Cursor on "..": Insert on it marks nothing and moves down.
    update(&mut s, key(KeyCode::Insert));
    update(&mut s, key(KeyCode::Insert)); // c (folders first)
    update(&mut s, key(KeyCode::Down)); // skip a
    update(&mut s, ch(' ')); // b
    assert_eq!(s.remote.marked.len(), 2);
    // F5 asks first, the other pane's folder filled in; Enter starts.
    update(&mut s, key(KeyCode::F(5)));
    let req = the_transfer(&update(&mut s, key(KeyCode::Enter)).commands);
    assert_eq!(req.direction(), Direction::Download);
    assert_eq!(req.target_dir, local("/home/me"));
    assert_eq!(req.on_existing, OnExisting::Ask);
    assert!(!req.move_after);
    let names: Vec<_> = req
        .items
        .iter()
        .map(|i| (i.target_name.as_str(), i.is_dir, i.size))
        .collect();
    assert_eq!(
        names,
        [(Some("c"), true, None), (Some("b"), false, Some(20))]
    );
    assert_eq!(req.items[1].source, remote("/pub/b"));
    assert!(s.remote.marked.is_empty(), "marks are cleared once queued");
}

#[test]
fn the_copy_dialog_names_what_goes_and_takes_a_typed_folder() {
    use wharf::app::dialog::Dialog;
    let mut s = connected_with(vec![file("a", 1000), file("b", 2000), dir("c")]);
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Insert)); // c
    update(&mut s, key(KeyCode::Insert)); // a
    update(&mut s, key(KeyCode::Insert)); // b
    let out = update(&mut s, key(KeyCode::F(5)));
    assert!(out.commands.is_empty(), "nothing goes before Enter");
    let Some(Dialog::CopyTo(p)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(p.title_line, "Copy 2 files (2.9 KiB) and 1 folder to:");
    assert_eq!(p.input.text(), "/home/me");
    // A folder below it, typed relative to it (made by the transfer).
    for c in "/new/sub".chars() {
        update(&mut s, ch(c));
    }
    let req = the_transfer(&update(&mut s, key(KeyCode::Enter)).commands);
    assert_eq!(req.target_dir, local("/home/me/new/sub"));
    assert_eq!(req.items.len(), 3);
    assert!(s.dialog.is_none());

    // A folder on the server, the source's own side: refused, saying why.
    update(&mut s, key(KeyCode::F(5)));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    update(&mut s, Msg::Paste("ftp://h/elsewhere".into()));
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(out.commands.is_empty());
    let Some(Dialog::CopyTo(p)) = &s.dialog else {
        panic!("the dialog stays open")
    };
    assert!(
        p.error
            .as_deref()
            .is_some_and(|e| e.contains("on the server")),
        "{:?}",
        p.error
    );
    // Esc: nothing sent.
    assert!(update(&mut s, key(KeyCode::Esc)).commands.is_empty());
    assert!(s.dialog.is_none());

    // confirm_copy = false: F5 goes at once, into the other pane's folder.
    s.confirm_copy = false;
    let req = the_transfer(&update(&mut s, key(KeyCode::F(5))).commands);
    assert_eq!(req.target_dir, local("/home/me"));
}

#[test]
fn alt_c_goes_to_a_typed_folder_and_tab_completes_from_the_listing() {
    let alt_c = Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::ALT));
    let mut s = connected_with(vec![
        dir("docs"),
        dir("Documents"),
        dir("Downloads"),
        dir("src"),
        file("notes", 1),
    ]);
    let ctrl_u = || Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    let typed = |s: &AppState| match &s.dialog {
        Some(Dialog::GoTo(p)) => (p.input.text().to_string(), p.choices.clone()),
        other => panic!("{other:?}"),
    };
    update(&mut s, alt_c.clone());
    assert_eq!(typed(&s).0, "/pub", "starts at the pane's folder");
    // Relative, completed by Tab: one match gets its slash.
    update(&mut s, ctrl_u());
    type_text(&mut s, "sr");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(typed(&s).0, "src/");
    // Exact case first: "d" is docs alone.
    update(&mut s, ctrl_u());
    type_text(&mut s, "/pub/d");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(typed(&s).0, "/pub/docs/");
    // Several: what they share, and the names listed.
    update(&mut s, ctrl_u());
    type_text(&mut s, "Do");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(
        typed(&s),
        (
            "Do".to_string(),
            vec!["Documents".into(), "Downloads".into()]
        )
    );
    type_text(&mut s, "w");
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(typed(&s), ("Downloads/".to_string(), vec![]));
    update(&mut s, ctrl_u());
    type_text(&mut s, "../etc/./x/..");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(the_list(&cmds).1, remote("/etc"));
    assert!(s.dialog.is_none());

    // ~ is the login folder; a local path in the remote pane is refused.
    update(&mut s, alt_c.clone());
    update(&mut s, ctrl_u());
    type_text(&mut s, "file:///tmp");
    assert!(update(&mut s, key(KeyCode::Enter)).commands.is_empty());
    let Some(Dialog::GoTo(p)) = &s.dialog else {
        panic!()
    };
    assert!(
        p.error.as_deref().is_some_and(|e| e.contains("server")),
        "{p:?}"
    );
    update(&mut s, ctrl_u());
    type_text(&mut s, "~");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(the_list(&cmds).1, remote("/"));
}

#[test]
fn going_to_a_file_of_the_folder_shown_puts_the_cursor_on_it() {
    let mut s = connected_with(vec![dir("docs"), file("notes", 1)]);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::ALT)),
    );
    type_text(&mut s, "/notes");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(the_list(&cmds).1, remote("/pub"));
    update(
        &mut s,
        app::listing(&cmds, vec![dir("docs"), file("notes", 1)]),
    );
    assert_eq!(
        s.remote.current().map(|e| e.name.clone()),
        Some(Name::from("notes"))
    );
}

#[test]
fn i_shows_the_entry_in_full_and_any_closing_key_closes_it() {
    let mut s = connected_with(vec![file("report.pdf", 1_234_567)]);
    update(&mut s, key(KeyCode::Down));
    update(&mut s, ch('i'));
    let Some(Dialog::Info(info)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(info.entry.name, "report.pdf");
    assert_eq!(info.folder, remote("/pub"));
    let lines = wharf::ui::entry_info::lines(info);
    assert!(
        lines
            .iter()
            .any(|(l, v)| *l == "Size" && v == "1,234,567 bytes (1.2 MiB)"),
        "{lines:?}"
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(s.dialog.is_none());
    // On "..": nothing to show.
    update(&mut s, key(KeyCode::Home));
    update(&mut s, ch('i'));
    assert!(s.dialog.is_none());
}

/// The owner and group are not in the listing: `i` asks the engine
/// (`FileOp::Details`) and the dialog says so until the answer comes; a
/// failure, or an end without an answer, says the server did not tell.
#[test]
fn i_asks_who_owns_the_entry_and_shows_the_answer() {
    use wharf::app::dialog::OwnerInfo;
    use wharf::engine::protocol::{FileOp, OpCounts};
    let mut s = connected_with(vec![file("report.pdf", 7), file("b.txt", 1)]);
    update(&mut s, key(KeyCode::Down));
    let cmds = update(&mut s, ch('i')).commands;
    let req = match cmds.as_slice() {
        [
            Command::FileOp {
                req,
                op: FileOp::Details { path },
            },
        ] => {
            assert_eq!(*path, remote("/pub/b.txt"));
            *req
        }
        other => panic!("{other:?}"),
    };
    let shown = |s: &AppState| match &s.dialog {
        Some(Dialog::Info(info)) => wharf::ui::entry_info::lines(info)
            .into_iter()
            .filter(|(l, _)| matches!(*l, "Owner" | "Group"))
            .map(|(l, v)| format!("{l}: {v}"))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(shown(&s), ["Owner: asking the server…"]);
    // Another request's answer changes nothing.
    let other = RequestId(req.0 + 100);
    let u = update(
        &mut s,
        Msg::Engine(Event::Details {
            req: other,
            owner: Some("mallory".into()),
            group: None,
        }),
    );
    assert!(!u.redraw);
    assert_eq!(shown(&s), ["Owner: asking the server…"]);
    update(
        &mut s,
        Msg::Engine(Event::Details {
            req,
            owner: Some("alice".into()),
            group: None,
        }),
    );
    update(
        &mut s,
        Msg::Engine(Event::OpDone {
            req,
            counts: OpCounts::default(),
            cancelled: false,
        }),
    );
    assert_eq!(shown(&s), ["Owner: alice", "Group: not told by the server"]);
    assert!(matches!(
        &s.dialog,
        Some(Dialog::Info(i)) if matches!(i.owner, OwnerInfo::Told { .. })
    ));
    update(&mut s, key(KeyCode::Esc));

    // A failure: not told. Closing while asking stops the request.
    update(&mut s, key(KeyCode::Down));
    let cmds = update(&mut s, ch('i')).commands;
    let Some(Command::FileOp { req, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    let req = *req;
    update(
        &mut s,
        Msg::Engine(Event::OpEntryFailed {
            req,
            path: remote("/pub/report.pdf"),
            error: Failure::new(FailureKind::Server, "500 no"),
        }),
    );
    assert_eq!(shown(&s), ["Owner: not told by the server"]);
    // The failure did not reach the status line as a file operation's.
    assert!(!s.status.as_ref().is_some_and(|m| m.text.contains("500")));
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(cmds.is_empty(), "{cmds:?}");
    let cmds = update(&mut s, ch('i')).commands;
    let Some(Command::FileOp { req, .. }) = cmds.first() else {
        panic!("{cmds:?}")
    };
    let req = *req;
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(
        matches!(cmds.as_slice(), [Command::CancelFileOp { req: r }] if *r == req),
        "{cmds:?}"
    );
    // Its late end is dropped.
    let u = update(
        &mut s,
        Msg::Engine(Event::OpDone {
            req,
            counts: OpCounts::default(),
            cancelled: true,
        }),
    );
    assert!(s.dialog.is_none());
    assert!(!u.redraw);
}

#[test]
fn alt_question_mark_finds_names_and_its_results_can_be_opened_and_copied() {
    use wharf::engine::protocol::{FileOp, OpCounts};
    let mut s = connected_with(vec![dir("logs"), file("a.txt", 1)]);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::ALT)),
    );
    assert!(
        matches!(s.dialog, Some(Dialog::FindPrompt(_))),
        "{:?}",
        s.dialog
    );
    update(&mut s, key(KeyCode::Backspace));
    type_text(&mut s, "*.log");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    let req = match cmds.as_slice() {
        [
            Command::FileOp {
                req,
                op: FileOp::Find { root, pattern },
            },
        ] => {
            assert_eq!(*root, remote("/pub"));
            assert!(pattern.matches("APP.LOG"));
            *req
        }
        other => panic!("{other:?}"),
    };
    // Results stream in while the walk runs.
    let hit = |path: &str, size| (remote(path), file(path.rsplit('/').next().unwrap(), size));
    update(
        &mut s,
        Msg::Engine(Event::Found {
            req,
            hits: vec![hit("/pub/logs/app.log", 10), hit("/pub/logs/old/x.log", 20)],
        }),
    );
    update(
        &mut s,
        Msg::Engine(Event::OpProgress {
            req,
            counts: OpCounts {
                seen: 40,
                folders: 3,
                ..OpCounts::default()
            },
        }),
    );
    let Some(Dialog::Find(p)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!((p.hits.len(), p.counts.folders, p.running), (2, 3, true));
    // Esc stops the walk; the panel stays with what was found.
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(
        matches!(cmds.as_slice(), [Command::CancelFileOp { req: r }] if *r == req),
        "{cmds:?}"
    );
    update(
        &mut s,
        Msg::Engine(Event::OpDone {
            req,
            counts: OpCounts::default(),
            cancelled: true,
        }),
    );
    let Some(Dialog::Find(p)) = &s.dialog else {
        panic!()
    };
    assert!(p.stopped && !p.running);
    // Space marks the second; F5 copies it into the local folder.
    update(&mut s, key(KeyCode::Down));
    update(&mut s, ch(' '));
    let req_copy = the_transfer(&update(&mut s, key(KeyCode::F(5))).commands);
    assert_eq!(req_copy.target_dir, local("/home/me"));
    assert_eq!(req_copy.items.len(), 1);
    assert_eq!(req_copy.items[0].source, remote("/pub/logs/old/x.log"));
    assert_eq!(req_copy.items[0].size, Some(20));
    // Enter: the first result's folder, with the cursor on it.
    update(&mut s, key(KeyCode::Home));
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(the_list(&cmds).1, remote("/pub/logs"));
    assert!(s.dialog.is_none());
    update(
        &mut s,
        app::listing(&cmds, vec![file("app.log", 10), file("b", 1)]),
    );
    assert_eq!(
        s.remote.current().map(|e| e.name.clone()),
        Some(Name::from("app.log"))
    );
}

#[test]
fn f6_with_nothing_marked_moves_the_current_entry_and_star_inverts() {
    let mut s = connected_with(vec![file("a", 1), file("b", 1)]);
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::F(6)));
    let req = the_transfer(&update(&mut s, key(KeyCode::Enter)).commands);
    assert!(req.move_after);
    assert_eq!(req.items.len(), 1);
    assert_eq!(req.items[0].target_name, "a");
    update(&mut s, ch('*'));
    assert_eq!(s.remote.marked.len(), 2, "\"..\" is never marked");
}

#[test]
fn plus_and_minus_mark_by_pattern() {
    let mut s = connected_with(vec![file("a.txt", 1), file("b.txt", 1), file("c.jpg", 1)]);
    update(&mut s, ch('+'));
    // The prompt starts with "*": replace it.
    update(&mut s, key(KeyCode::Backspace));
    for c in "*.txt".chars() {
        update(&mut s, ch(c));
    }
    update(&mut s, key(KeyCode::Enter));
    let mut marked: Vec<_> = s.remote.marked.iter().cloned().collect();
    marked.sort();
    assert_eq!(marked, ["a.txt", "b.txt"]);
    update(&mut s, ch('-'));
    update(&mut s, key(KeyCode::Backspace));
    for c in "a*".chars() {
        update(&mut s, ch(c));
    }
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.remote.marked.iter().collect::<Vec<_>>(), ["b.txt"]);
}

#[test]
fn copying_while_disconnected_says_so() {
    let mut s = state();
    update(&mut s, Msg::Start(None));
    update(&mut s, key(KeyCode::Esc));
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req: RequestId(1),
            path: local("/home/me"),
            entries: vec![file("x", 1)],
            notes: Default::default(),
        }),
    );
    update(&mut s, key(KeyCode::Down));
    let cmds = update(&mut s, key(KeyCode::F(5))).commands;
    assert!(cmds.is_empty());
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.is_error && m.text.contains("Not connected"))
    );
}

#[test]
fn the_conflict_dialog_sends_the_choice_and_esc_skips() {
    use wharf::app::dialog::Dialog;
    use wharf::engine::protocol::{AskId, FileFacts, OnExisting, TransferId};
    let mut s = connected_with(vec![file("a", 1)]);
    let ask = |id| {
        Msg::Engine(Event::Conflict {
            ask: AskId(id),
            id: TransferId(1),
            name: "a".into(),
            source: FileFacts {
                size: Some(1),
                modified: None,
            },
            target: FileFacts {
                size: Some(2),
                modified: None,
            },
        })
    };
    update(&mut s, ask(1));
    assert!(matches!(s.dialog, Some(Dialog::Conflict(_))));
    update(&mut s, ch('a')); // apply to all
    let cmds = update(&mut s, ch('r')).commands; // resume
    assert!(matches!(
        cmds.as_slice(),
        [Command::Resolve {
            ask: AskId(1),
            choice: OnExisting::Resume,
            for_all: true
        }]
    ));
    assert!(s.dialog.is_none());
    update(&mut s, ask(2));
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(matches!(
        cmds.as_slice(),
        [Command::Resolve {
            ask: AskId(2),
            choice: OnExisting::Skip,
            for_all: false
        }]
    ));
    // A question that arrives over the help overlay waits for it to close.
    update(&mut s, key(KeyCode::F(1)));
    update(&mut s, ask(3));
    assert!(matches!(s.dialog, Some(Dialog::Help { .. })));
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.dialog, Some(Dialog::Conflict(_))));
}

#[test]
fn the_queue_shows_while_transfers_run_and_its_keys_cancel_and_retry() {
    use wharf::engine::protocol::{BatchId, Direction, TransferId, TransferState};
    let mut s = connected_with(vec![file("a", 1)]);
    assert!(!s.queue_visible());
    for id in [1, 2] {
        update(
            &mut s,
            Msg::Engine(Event::TransferQueued {
                id: TransferId(id),
                batch: BatchId(1),
                direction: Direction::Download,
                name: format!("f{id}"),
                size: Some(100),
            }),
        );
    }
    assert!(s.queue_visible());
    assert!(
        s.layout.queue.is_some(),
        "the layout makes room for the queue"
    );
    // Tab: remote → queue.
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.panel, wharf::app::state::Panel::Queue);
    let cmds = update(&mut s, ch('c')).commands;
    assert!(matches!(
        cmds.as_slice(),
        [Command::CancelTransfer(TransferId(1))]
    ));
    update(
        &mut s,
        Msg::Engine(Event::TransferState {
            id: TransferId(1),
            state: TransferState::Cancelled,
        }),
    );
    update(
        &mut s,
        Msg::Engine(Event::TransferState {
            id: TransferId(2),
            state: TransferState::Failed(
                Failure::new(FailureKind::NotFound, "550 No such file").with_code(550),
            ),
        }),
    );
    assert!(!s.transfers.any_active());
    let cmds = update(&mut s, ch('r')).commands;
    assert!(matches!(cmds.as_slice(), [Command::RetryTransfers(ids)] if ids.len() == 2));
    update(&mut s, ch('x'));
    assert!(s.transfers.rows.is_empty());
    assert!(!s.queue_visible());
    assert_eq!(s.panel, wharf::app::state::Panel::Panes);
}

#[test]
fn a_finished_transfer_re_reads_the_pane_showing_its_folder() {
    let mut s = connected_with(vec![file("a", 1)]);
    let changed = |path| Msg::Engine(Event::FolderChanged { path });
    let cmds = update(&mut s, changed(remote("/pub"))).commands;
    assert_eq!(the_list(&cmds).1, remote("/pub"));
    let cmds = update(&mut s, changed(remote("/elsewhere"))).commands;
    assert!(cmds.is_empty());
}

#[test]
fn drag_and_drop_onto_a_folder_copies_into_it_and_esc_cancels() {
    use MouseEventKind::{Down, Drag, Up};
    let mut s = connected_with(vec![file("remote.bin", 7)]);
    let (req, path) = (RequestId(999), local("/home/me"));
    s.local.pending = Some(wharf::app::pane::Pending {
        req,
        path: path.clone(),
        select: None,
    });
    update(
        &mut s,
        Msg::Engine(Event::Listing {
            req,
            path,
            entries: vec![dir("inbox"), file("x", 1)],
            notes: Default::default(),
        }),
    );
    let remote_list = s.layout.list(Side::Remote);
    let local_list = s.layout.list(Side::Local);
    let left = MouseButton::Left;
    // Row 1 of the remote pane is remote.bin (row 0 is "..").
    let on_file = (remote_list.x + 2, remote_list.y + 1);
    // Row 1 of the local pane is inbox/.
    let on_inbox = (local_list.x + 4, local_list.y + 1);
    // The keyboard was on the local pane before the drag from the remote
    // one (the press focused the remote pane, as a click does)...
    s.focus = Side::Local;
    mouse(&mut s, Down(left), on_file);
    assert_eq!(s.focus, Side::Remote);
    mouse(&mut s, Drag(left), on_inbox);
    assert!(s.drag.as_ref().is_some_and(|d| d.active));
    let req = the_transfer(&mouse(&mut s, Up(left), on_inbox));
    assert_eq!(req.target_dir, local("/home/me/inbox"));
    assert_eq!(req.items[0].source, remote("/pub/remote.bin"));
    // ... and is there again after the drop: focus follows a click, not
    // a drag's start, so the next F5 copies from where it did before.
    assert_eq!(s.focus, Side::Local);
    // A click without a drag moves the focus.
    mouse(&mut s, Down(left), on_file);
    mouse(&mut s, Up(left), on_file);
    assert_eq!(s.focus, Side::Remote);
    s.focus = Side::Local;
    s.last_click = None; // the next press is not a double click

    // Esc while dragging drops nothing.
    let below = (local_list.x + 4, local_list.y + 5);
    mouse(&mut s, Down(left), on_file);
    mouse(&mut s, Drag(left), below);
    update(&mut s, key(KeyCode::Esc));
    assert!(mouse(&mut s, Up(left), below).is_empty());
    // Released back over its own pane: cancelled too.
    let own = (remote_list.x + 5, remote_list.y + 3);
    mouse(&mut s, Down(left), on_file);
    mouse(&mut s, Drag(left), own);
    assert!(mouse(&mut s, Up(left), own).is_empty());
}

// ---- bookmarks -------------------------------------------------------------

fn with_bookmarks(list: Vec<wharf::bookmarks::Bookmark>) -> AppState {
    let mut s = state();
    s.bookmarks_enabled = true;
    update(
        &mut s,
        Msg::Bookmarks(BookmarkEvent::Snapshot(
            wharf::bookmarks::service::BookmarksSnapshot {
                list,
                ..Default::default()
            },
        )),
    );
    s
}

fn bookmark(name: &str, host: &str) -> wharf::bookmarks::Bookmark {
    wharf::bookmarks::Bookmark::new(name, host)
}

#[test]
fn without_a_url_the_bookmark_manager_opens_and_filters_as_you_type() {
    use wharf::app::dialog::Dialog;
    let mut s = with_bookmarks(vec![
        bookmark("work", "ftp.work.example"),
        bookmark("mirror", "ftp.kernel.example"),
    ]);
    update(&mut s, Msg::Start(None));
    let Some(Dialog::Bookmarks(m)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(m.rows(&s.bookmarks).len(), 2);
    type_text(&mut s, "ker");
    let Some(Dialog::Bookmarks(m)) = &s.dialog else {
        panic!()
    };
    assert_eq!(m.filter, "ker");
    assert_eq!(m.rows(&s.bookmarks).len(), 1);
    // Enter connects through it (anonymous: no password needed).
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert_eq!(profile_of(&cmds).host, "ftp.kernel.example");
    assert!(s.dialog.is_none());
}

#[test]
fn a_adds_from_the_current_connection_and_a_bad_port_shows_its_error() {
    use wharf::app::bookmark_form::{NAME, PORT};
    use wharf::app::dialog::Dialog;
    use wharf::bookmarks::service::BookmarkOp;
    let mut s = connected_with(vec![file("x", 1)]);
    s.bookmarks_enabled = true;
    update(&mut s, ch('b'));
    update(&mut s, ch('a'));
    let Some(Dialog::BookmarkForm(f)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(f.fields[NAME], "ftp.example.org");
    assert_eq!(f.fields[wharf::app::bookmark_form::REMOTE_DIR], "/pub");
    // To the port field: wipe it, type a bad one, save.
    while !matches!(&s.dialog, Some(Dialog::BookmarkForm(f)) if f.focus == PORT) {
        update(&mut s, key(KeyCode::Tab));
    }
    for _ in 0..5 {
        update(&mut s, key(KeyCode::Backspace));
    }
    type_text(&mut s, "99999");
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(
        out.commands.is_empty() && out.bookmark_ops.is_empty(),
        "an invalid form must not be saved: {out:?}"
    );
    let Some(Dialog::BookmarkForm(f)) = &s.dialog else {
        panic!()
    };
    assert_eq!(f.error.as_ref().map(|e| e.0), Some(PORT));
    for _ in 0..5 {
        update(&mut s, key(KeyCode::Backspace));
    }
    type_text(&mut s, "2121");
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(out.commands.is_empty(), "{:?}", out.commands);
    match out.bookmark_ops.as_slice() {
        [
            BookmarkOp::Save {
                original: None,
                bookmark,
                password: None,
            },
        ] => {
            assert_eq!(
                (bookmark.port, bookmark.host.as_str()),
                (2121, "ftp.example.org")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(s.dialog, Some(Dialog::Bookmarks(_))),
        "back to the list"
    );
}

#[test]
fn d_deletes_only_after_confirmation_and_c_duplicates() {
    use wharf::bookmarks::service::BookmarkOp;
    let mut s = with_bookmarks(vec![
        bookmark("alpha", "a.example"),
        bookmark("beta", "b.example"),
    ]);
    update(&mut s, ch('b'));
    update(&mut s, key(KeyCode::Down));
    assert!(update(&mut s, ch('d')).bookmark_ops.is_empty());
    // Anything but y keeps it.
    assert!(update(&mut s, ch('n')).bookmark_ops.is_empty());
    update(&mut s, ch('d'));
    let ops = update(&mut s, ch('y')).bookmark_ops;
    assert!(matches!(ops.as_slice(), [BookmarkOp::Remove(n)] if n == "beta"));
    let ops = update(&mut s, ch('c')).bookmark_ops;
    assert!(matches!(ops.as_slice(), [BookmarkOp::Duplicate(n)] if n == "beta"));
}

#[test]
fn a_keyring_bookmark_asks_the_engine_then_falls_back_to_a_prompt_once_warned() {
    use wharf::app::dialog::Dialog;
    use wharf::bookmarks::PasswordMode;
    use wharf::bookmarks::service::BookmarkOp;
    let mut b = bookmark("work", "ftp.work.example");
    b.user = Some("alice".into());
    b.password = PasswordMode::Keyring;
    b.local_dir = Some("~/Downloads".into());
    let mut s = with_bookmarks(vec![b]);
    s.home = Some(PathBuf::from("/home/alice"));
    update(&mut s, ch('b'));
    let out = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(
            out.bookmark_ops.as_slice(),
            [BookmarkOp::LoadPassword { .. }]
        ),
        "{out:?}"
    );
    let cmds = out.commands;
    // The bookmark's local folder is listed.
    assert!(
        cmds.iter().any(
            |c| matches!(c, Command::List { path, .. } if *path == local("/home/alice/Downloads"))
        ),
        "{cmds:?}"
    );
    let cmds = update(
        &mut s,
        Msg::Bookmarks(BookmarkEvent::Secret {
            name: "work".into(),
            result: Err("the system keyring is unavailable".into()),
        }),
    )
    .commands;
    assert!(cmds.is_empty());
    assert!(matches!(s.dialog, Some(Dialog::Password(_))));
    assert!(
        s.status
            .as_ref()
            .is_some_and(|m| m.text.contains("keyring"))
    );
    type_text(&mut s, "pw");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert!(cmds.iter().any(|c| matches!(c, Command::Connect { profile, .. } if profile.password.as_deref() == Some("pw"))));
}

#[test]
fn a_successful_connection_is_remembered_without_its_password() {
    use wharf::bookmarks::service::BookmarkOp;
    let mut s = state();
    s.bookmarks_enabled = true;
    let cmds = update(
        &mut s,
        Msg::Start(Some(profile(Some("bob"), Some("secret")))),
    )
    .commands;
    let ops = logged_in(&mut s, conn_of(&cmds), "/in").bookmark_ops;
    let pushed = ops
        .iter()
        .find_map(|op| match op {
            BookmarkOp::PushRecent(p) => Some(p.clone()),
            _ => None,
        })
        .expect("recent");
    assert_eq!(pushed.password, None);
    assert_eq!(pushed.path.as_deref(), Some("/in"));
}

// ---- what needs a frame ----------------------------------------------------

/// A protocol line of the browse connection in use, through `update`.
fn on_line(s: &mut AppState, dir: WireDir, code: Option<u16>, text: &str) -> Update {
    let line = Msg::Engine(Event::Wire {
        dir,
        code,
        text: text.into(),
        conn: Some(s.conn_id),
    });
    update(s, line)
}

#[test]
fn a_hidden_log_line_needs_a_frame_only_when_the_reply_code_changes() {
    let mut s = connected_with(vec![file("a", 1)]);
    assert!(!s.show_log);
    assert!(!on_line(&mut s, WireDir::Sent, None, "NOOP").redraw);
    assert!(on_line(&mut s, WireDir::Received, Some(200), "200 OK").redraw);
    assert!(!on_line(&mut s, WireDir::Received, Some(200), "200 OK").redraw);
    assert!(on_line(&mut s, WireDir::Received, Some(421), "421 Bye").redraw);
    // Shown, every line is on screen.
    update(&mut s, key(KeyCode::F(9)));
    assert!(on_line(&mut s, WireDir::Sent, None, "NOOP").redraw);
    assert_eq!(s.log.len(), 5, "hidden or not, the log keeps every line");
}

#[test]
fn nothing_visible_changes_without_a_frame() {
    let mut s = connected_with(vec![dir("a"), dir("b")]);
    assert!(update(&mut s, key(KeyCode::Down)).redraw);
    // A key bound to nothing, a key release, a pointer that only moves.
    assert!(!update(&mut s, ch('§')).redraw);
    let mut release = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    release.kind = crossterm::event::KeyEventKind::Release;
    assert!(!update(&mut s, Msg::Key(release)).redraw);
    let moved = MouseEvent {
        kind: MouseEventKind::Moved,
        column: 3,
        row: 3,
        modifiers: KeyModifiers::NONE,
    };
    assert!(!update(&mut s, Msg::Mouse(moved, Instant::now())).redraw);
    // A stale answer: the user has moved on.
    let (old, path) = the_list(&update(&mut s, key(KeyCode::Enter)).commands);
    update(&mut s, key(KeyCode::Backspace));
    let stale = Msg::Engine(Event::Listing {
        req: old,
        path,
        entries: vec![],
        notes: Default::default(),
    });
    assert!(!update(&mut s, stale).redraw);
    assert!(update(&mut s, Msg::Resize(90, 30)).redraw);
}

// ---- keys per context ------------------------------------------------------

#[test]
fn tab_goes_round_the_panels_shown_and_the_log_scrolls_its_whole_history() {
    use wharf::app::state::Panel;
    use wharf::engine::protocol::{BatchId, Direction, TransferId};
    let mut s = connected_with(vec![file("a", 1)]);
    for i in 0..500 {
        on_line(&mut s, WireDir::Sent, None, &format!("NOOP {i}"));
    }
    update(&mut s, key(KeyCode::F(9))); // show the log
    update(
        &mut s,
        Msg::Engine(Event::TransferQueued {
            id: TransferId(1),
            batch: BatchId(1),
            direction: Direction::Download,
            name: "a".into(),
            size: Some(1),
        }),
    );
    assert!(s.queue_visible() && s.show_log);
    let round: Vec<(Panel, Side)> = (0..4)
        .map(|_| {
            update(&mut s, key(KeyCode::Tab));
            (s.panel, s.focus)
        })
        .collect();
    assert_eq!(
        round,
        [
            (Panel::Queue, Side::Remote),
            (Panel::Log, Side::Remote),
            (Panel::Panes, Side::Local),
            (Panel::Panes, Side::Remote),
        ]
    );
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.panel, Panel::Log);
    // Home goes back to the oldest line kept, End follows the newest again.
    let rows = s.layout.log.map_or(0, |l| l.height as usize - 2);
    update(&mut s, key(KeyCode::Home));
    assert_eq!(s.log_scroll, s.log.len() - rows);
    update(&mut s, key(KeyCode::Down));
    assert_eq!(s.log_scroll, s.log.len() - rows - 1);
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(s.log_scroll, s.log.len() - 2 * rows - 1);
    // New lines do not move what is being read; at the end, the log follows.
    on_line(&mut s, WireDir::Sent, None, "NOOP new");
    assert_eq!(s.log_scroll, s.log.len() - 2 * rows - 1);
    update(&mut s, key(KeyCode::End));
    assert_eq!(s.log_scroll, 0);
    assert!(!update(&mut s, key(KeyCode::End)).redraw, "already there");
    on_line(&mut s, WireDir::Sent, None, "NOOP newer");
    assert_eq!(s.log_scroll, 0);
    // The queue's keys do nothing here, and the panes did not move.
    let cursor = s.remote.cursor;
    assert!(update(&mut s, ch('c')).commands.is_empty());
    assert!(update(&mut s, key(KeyCode::Delete)).commands.is_empty());
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.remote.cursor, cursor);
    // Hiding the log gives the keyboard back to the panes.
    update(&mut s, key(KeyCode::F(9)));
    assert_eq!(s.panel, Panel::Panes);
}

#[test]
fn delete_cancels_in_the_queue_and_does_nothing_in_a_pane() {
    use wharf::engine::protocol::{BatchId, Direction, TransferId};
    let mut s = connected_with(vec![file("a", 1)]);
    update(
        &mut s,
        Msg::Engine(Event::TransferQueued {
            id: TransferId(7),
            batch: BatchId(1),
            direction: Direction::Download,
            name: "a".into(),
            size: Some(1),
        }),
    );
    assert!(update(&mut s, key(KeyCode::Delete)).commands.is_empty());
    update(&mut s, key(KeyCode::Tab));
    let cmds = update(&mut s, key(KeyCode::Delete)).commands;
    assert!(matches!(
        cmds.as_slice(),
        [Command::CancelTransfer(TransferId(7))]
    ));
}

#[test]
fn the_wheel_over_the_log_scrolls_it_and_a_click_gives_it_the_keyboard() {
    let mut s = connected_with(vec![file("a", 1)]);
    for i in 0..100 {
        on_line(&mut s, WireDir::Sent, None, &format!("NOOP {i}"));
    }
    update(&mut s, key(KeyCode::F(9)));
    let log = s.layout.log.expect("the log is shown");
    let at = |kind| MouseEvent {
        kind,
        column: log.x + 3,
        row: log.y + 2,
        modifiers: KeyModifiers::NONE,
    };
    update(
        &mut s,
        Msg::Mouse(at(MouseEventKind::ScrollUp), Instant::now()),
    );
    assert_eq!(s.log_scroll, 3);
    update(
        &mut s,
        Msg::Mouse(at(MouseEventKind::Down(MouseButton::Left)), Instant::now()),
    );
    assert_eq!(s.panel, wharf::app::state::Panel::Log);
    update(&mut s, key(KeyCode::Up));
    assert_eq!(s.log_scroll, 4);
}

#[test]
fn dragging_marked_entries_to_the_other_pane_clears_the_marks() {
    use MouseEventKind::{Down, Drag, Up};
    let mut s = connected_with(vec![file("a", 1), file("b", 2), file("c", 3)]);
    update(&mut s, key(KeyCode::Down)); // a
    update(&mut s, ch(' ')); // marks a, moves to b
    update(&mut s, ch(' ')); // marks b
    assert_eq!(s.remote.marked.len(), 2);
    let remote_list = s.layout.list(Side::Remote);
    let local_list = s.layout.list(Side::Local);
    let left = MouseButton::Left;
    // Row 1 is "a" (row 0 is ".."), one of the marked ones: the drag takes both.
    let on_a = (remote_list.x + 2, remote_list.y + 1);
    let over_local = (local_list.x + 4, local_list.y + 3);
    mouse(&mut s, Down(left), on_a);
    mouse(&mut s, Drag(left), over_local);
    let req = the_transfer(&mouse(&mut s, Up(left), over_local));
    assert_eq!(req.items.len(), 2);
    assert!(
        s.remote.marked.is_empty(),
        "a transfer started from marks clears them, whatever started it"
    );
    // A drag of one unmarked entry leaves marks made since alone.
    // (The press left the cursor on "a".)
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Down));
    update(&mut s, ch(' ')); // marks c
    // (On "b": a second press on "a" so soon would be a double click.)
    let on_b = (remote_list.x + 2, remote_list.y + 2);
    mouse(&mut s, Down(left), on_b);
    mouse(&mut s, Drag(left), over_local);
    let req = the_transfer(&mouse(&mut s, Up(left), over_local));
    assert_eq!(req.items.len(), 1);
    assert_eq!(s.remote.marked.len(), 1, "the marks were not what went");
}

/// Queues `n` downloads f1…fn of batch 1 and sets each row's state.
fn queue_rows(s: &mut AppState, states: Vec<wharf::engine::protocol::TransferState>) {
    use wharf::engine::protocol::{BatchId, Direction, TransferId};
    for (i, st) in states.into_iter().enumerate() {
        let id = TransferId(i as u64 + 1);
        update(
            s,
            Msg::Engine(Event::TransferQueued {
                id,
                batch: BatchId(1),
                direction: Direction::Download,
                name: format!("f{}", i + 1),
                size: Some(100),
            }),
        );
        update(s, Msg::Engine(Event::TransferState { id, state: st }));
    }
}

#[test]
fn tab_into_the_queue_starts_on_the_first_running_or_failed_row() {
    use wharf::app::state::Panel;
    use wharf::engine::protocol::{TransferId, TransferState};
    let mut s = connected_with(vec![file("a", 1)]);
    let failed = TransferState::Failed(Failure::new(FailureKind::NotFound, "550 gone"));
    queue_rows(
        &mut s,
        vec![
            TransferState::Done,
            TransferState::Done,
            TransferState::Queued,
            failed.clone(),
            TransferState::Running,
        ],
    );
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.panel, Panel::Queue);
    assert_eq!(s.transfers.selected().map(|r| r.id), Some(TransferId(4)));
    // c there cancels something; the panel left and entered again starts
    // afresh on the first row that matters.
    update(&mut s, key(KeyCode::Up));
    update(&mut s, key(KeyCode::Up));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.panel, Panel::Queue);
    assert_eq!(s.transfers.selected().map(|r| r.id), Some(TransferId(4)));
}

#[test]
fn queue_keys_that_do_nothing_say_why() {
    use wharf::engine::protocol::TransferState;
    let status = |s: &AppState| {
        s.status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default()
    };
    let mut s = connected_with(vec![file("a", 1)]);
    queue_rows(&mut s, vec![TransferState::Done]);
    s.show_queue = true;
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.panel, wharf::app::state::Panel::Queue);
    let out = update(&mut s, ch('c'));
    assert!(out.commands.is_empty());
    assert!(out.redraw);
    assert!(status(&s).contains("f1 has finished"), "{}", status(&s));
    update(&mut s, ch('r'));
    assert!(status(&s).contains("Nothing to retry"), "{}", status(&s));
    update(&mut s, ch('C'));
    assert!(status(&s).contains("Nothing to cancel"), "{}", status(&s));
    update(&mut s, ch('x'));
    update(&mut s, ch('x'));
    assert!(status(&s).contains("Nothing to clear"), "{}", status(&s));
    update(&mut s, ch('c'));
    assert!(status(&s).contains("queue is empty"), "{}", status(&s));
    // A key of another panel says where it works.
    let out = update(&mut s, key(KeyCode::F(5)));
    assert!(out.commands.is_empty());
    assert!(
        status(&s).contains("F5") && status(&s).contains("pane"),
        "{}",
        status(&s)
    );
    update(&mut s, key(KeyCode::Tab)); // the log is hidden: back to the panes
    update(&mut s, ch('r'));
    assert!(status(&s).contains("queue"), "{}", status(&s));
}

#[test]
fn a_row_follows_its_transfer_through_a_retry_without_a_stale_rate_or_limit() {
    use wharf::engine::protocol::{TransferId, TransferState};
    let mut s = connected_with(vec![file("a", 1)]);
    queue_rows(&mut s, vec![TransferState::Running]);
    let id = TransferId(1);
    update(
        &mut s,
        Msg::Engine(Event::TransferProgress {
            id,
            done: 94,
            rate: 50,
        }),
    );
    let reason = Failure::new(FailureKind::Connection, "cannot connect to x");
    update(
        &mut s,
        Msg::Engine(Event::TransferState {
            id,
            state: TransferState::Retrying {
                attempt: 2,
                of: 2,
                reason,
            },
        }),
    );
    let row = |s: &AppState| s.transfers.rows[0].clone();
    assert_eq!(row(&s).rate, 0, "nothing flows while it waits to retry");
    // The next attempt: running again, with no rate (nor ETA) from the
    // attempt that failed until its own bytes are counted.
    update(
        &mut s,
        Msg::Engine(Event::TransferState {
            id,
            state: TransferState::Running,
        }),
    );
    let r = row(&s);
    assert_eq!((r.state, r.rate, r.done), (TransferState::Running, 0, 94));
}

// ---- words and units -------------------------------------------------------

fn status_text(s: &AppState) -> String {
    s.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn counts_take_their_noun_in_the_singular_and_sizes_their_unit() {
    let mut s = connected_with(vec![file("a.txt", 4), file("b.jpg", 1)]);
    update(&mut s, ch('+'));
    update(&mut s, key(KeyCode::Backspace));
    type_text(&mut s, "*.txt");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(status_text(&s), "Marked 1 entry matching *.txt");
    update(
        &mut s,
        Msg::Engine(Event::BatchQueued {
            batch: wharf::engine::protocol::BatchId(1),
            files: 1,
            bytes: 4,
            skipped: Vec::new(),
        }),
    );
    assert_eq!(status_text(&s), "Queued 1 file, 4 bytes");
    update(
        &mut s,
        Msg::Engine(Event::BatchQueued {
            batch: wharf::engine::protocol::BatchId(2),
            files: 2000,
            bytes: 3_400_000,
            skipped: Vec::new(),
        }),
    );
    assert_eq!(status_text(&s), "Queued 2,000 files, 3.2 MiB");
}

// ---- the key bar -----------------------------------------------------------

/// The column in the key bar where `label`'s slot starts.
fn slot_of(s: &AppState, label: &str) -> (u16, u16) {
    let slots = wharf::app::key_bar::slots(&s.keymap, s.context(), s.layout.keybar.width);
    let slot = slots
        .iter()
        .find(|x| x.label == label)
        .unwrap_or_else(|| panic!("no {label} in {slots:?}"));
    (s.layout.keybar.x + slot.x + 1, s.layout.keybar.y)
}

#[test]
fn a_click_on_the_key_bar_acts_as_its_key() {
    let mut s = connected_with(vec![file("a", 10)]);
    update(&mut s, key(KeyCode::Down));
    let down = MouseEventKind::Down(MouseButton::Left);
    // 5Copy: the same dialog F5 opens.
    let at = slot_of(&s, "Copy");
    mouse(&mut s, down, at);
    let req = the_transfer(&update(&mut s, key(KeyCode::Enter)).commands);
    assert_eq!(req.items.len(), 1);
    assert_eq!(req.items[0].target_name, "a");
    // 9Log shows the log; 1Help opens the help.
    let at = slot_of(&s, "Log");
    mouse(&mut s, down, at);
    assert!(s.show_log);
    let at = slot_of(&s, "Help");
    mouse(&mut s, down, at);
    assert!(matches!(s.dialog, Some(Dialog::Help { .. })));
    // The gap between two slots is no key.
    update(&mut s, key(KeyCode::Esc));
    let (x, y) = slot_of(&s, "Help");
    let slots = wharf::app::key_bar::slots(&s.keymap, s.context(), s.layout.keybar.width);
    let gap = x - 1 + slots[0].width; // "1" + the label, as wide as the bar allows
    assert!(mouse(&mut s, down, (gap, y)).is_empty());
    assert!(s.dialog.is_none());
}

#[test]
fn the_help_scrolls_no_further_than_its_end() {
    let mut s = state();
    update(&mut s, key(KeyCode::F(1)));
    let max = wharf::ui::help::max_scroll(&s.keymap, s.layout.area);
    assert!(max > 0, "the help is longer than a 30-row screen");
    for _ in 0..100 {
        update(&mut s, key(KeyCode::PageDown));
    }
    assert!(matches!(s.dialog, Some(Dialog::Help { scroll }) if scroll == max));
    // One ↑ moves back at once: no hidden scrolling past the end to undo.
    update(&mut s, key(KeyCode::Up));
    assert!(matches!(s.dialog, Some(Dialog::Help { scroll }) if scroll == max - 1));
    update(&mut s, key(KeyCode::Home));
    assert!(matches!(s.dialog, Some(Dialog::Help { scroll: 0 })));
    update(&mut s, key(KeyCode::End));
    assert!(matches!(s.dialog, Some(Dialog::Help { scroll }) if scroll == max));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.dialog.is_none());
}

// ---- messages --------------------------------------------------------------

#[test]
fn shift_m_and_a_click_on_the_status_line_show_the_messages_whole() {
    let mut s = state();
    for i in 0..300 {
        s.set_status(format!("message {i}"), false);
    }
    s.set_status("message 299", false);
    assert_eq!(s.messages.len(), wharf::app::state::MESSAGES_KEPT);
    assert_eq!(
        s.messages.back().map(|m| m.text.as_str()),
        Some("message 299"),
        "the same message twice is kept once"
    );
    update(&mut s, ch('M'));
    assert!(matches!(s.dialog, Some(Dialog::Messages { scroll: 0 })));
    let max = wharf::ui::messages::max_scroll(&s.messages, s.layout.area);
    for _ in 0..100 {
        update(&mut s, key(KeyCode::PageUp));
    }
    assert!(matches!(s.dialog, Some(Dialog::Messages { scroll }) if scroll == max));
    update(&mut s, key(KeyCode::End));
    assert!(matches!(s.dialog, Some(Dialog::Messages { scroll: 0 })));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.dialog.is_none());
    let status = s.layout.status;
    mouse(
        &mut s,
        MouseEventKind::Down(MouseButton::Left),
        (status.x + 5, status.y),
    );
    assert!(matches!(s.dialog, Some(Dialog::Messages { .. })));
}

#[test]
fn quitting_or_disconnecting_with_transfers_running_asks_first() {
    use wharf::app::dialog::{Dialog, Question};
    use wharf::engine::protocol::TransferState;
    let ctrl_d = KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL);
    let mut s = connected_with(vec![file("a", 1)]);
    queue_rows(
        &mut s,
        vec![
            TransferState::Running,
            TransferState::Queued,
            TransferState::Done,
        ],
    );
    update(&mut s, ch('q'));
    assert!(!s.quit);
    assert_eq!(
        s.dialog,
        Some(Dialog::Question(Question::Quit {
            running: 2,
            deletes: 0
        }))
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.quit && s.dialog.is_none(), "Esc stays");
    update(&mut s, key(KeyCode::F(10)));
    update(&mut s, ch('y'));
    assert!(s.quit, "y quits (the engine saves the unfinished ones)");

    let mut s = connected_with(vec![file("a", 1)]);
    queue_rows(&mut s, vec![TransferState::Running]);
    assert!(update(&mut s, Msg::Key(ctrl_d)).commands.is_empty());
    assert_eq!(
        s.dialog,
        Some(Dialog::Question(Question::Disconnect {
            running: 1,
            deletes: 0
        }))
    );
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::SuspendTransfers, Command::Disconnect]
        ),
        "{cmds:?}"
    );
    assert_eq!(s.conn, ConnState::Idle);

    // Nothing running: no question.
    let mut s = connected_with(vec![file("a", 1)]);
    update(&mut s, ch('q'));
    assert!(s.quit);
}

#[test]
fn a_download_that_does_not_fit_its_disk_is_asked_about_before_it_starts() {
    use wharf::app::dialog::{Dialog, Question};
    use wharf::engine::protocol::BatchId;
    let mut s = connected_with(vec![file("a", 1)]);
    let short = || {
        Msg::Engine(Event::NotEnoughSpace {
            batch: BatchId(7),
            folder: "/mnt/small".into(),
            needed: 3 << 20,
            free: 1 << 20,
        })
    };
    update(&mut s, short());
    assert!(matches!(
        s.dialog,
        Some(Dialog::Question(Question::LowSpace {
            batch: BatchId(7),
            needed: 3145728,
            free: 1048576,
            ..
        }))
    ));
    let cmds = update(&mut s, ch('y')).commands;
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::AnswerSpace {
                batch: BatchId(7),
                go_on: true
            }]
        ),
        "{cmds:?}"
    );
    assert!(s.dialog.is_none());
    update(&mut s, short());
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::AnswerSpace {
                batch: BatchId(7),
                go_on: false
            }]
        ),
        "{cmds:?}"
    );
    assert!(s.dialog.is_none());
}

#[test]
fn transfers_saved_for_a_server_are_offered_when_connecting_there() {
    use wharf::app::dialog::{Dialog, Question};
    let mut s = connected_with(vec![file("a", 1)]);
    let offer = || {
        Msg::Engine(Event::SavedTransfers {
            server: "anonymous@h:21".into(),
            files: 3,
            bytes: 3000,
        })
    };
    update(&mut s, offer());
    assert!(matches!(
        s.dialog,
        Some(Dialog::Question(Question::ResumeSaved { files: 3, .. }))
    ));
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    assert!(
        matches!(cmds.as_slice(), [Command::ResumeSaved { .. }]),
        "{cmds:?}"
    );
    update(&mut s, offer());
    let cmds = update(&mut s, ch('d')).commands;
    assert!(
        matches!(cmds.as_slice(), [Command::DiscardSaved]),
        "{cmds:?}"
    );
    // An offer over another dialog waits for it.
    update(&mut s, key(KeyCode::F(1)));
    update(&mut s, offer());
    assert!(matches!(s.dialog, Some(Dialog::Help { .. })));
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.dialog, Some(Dialog::Question(_))));
    assert!(
        update(&mut s, key(KeyCode::Esc)).commands.is_empty(),
        "later: kept"
    );
}

// ---- the protocol log: search and save --------------------------------------

/// Connected, 500 lines in the log after the login, the log shown and
/// given the keyboard.
fn log_focused() -> AppState {
    let mut s = connected_with(vec![file("a", 1)]);
    on_line(&mut s, WireDir::Sent, None, "USER alice");
    on_line(
        &mut s,
        WireDir::Received,
        Some(331),
        "331 Password required",
    );
    for i in 0..500 {
        on_line(&mut s, WireDir::Sent, None, &format!("NOOP {i}"));
    }
    update(&mut s, key(KeyCode::F(9)));
    while s.panel != wharf::app::state::Panel::Log {
        update(&mut s, key(KeyCode::Tab));
    }
    s
}

#[test]
fn slash_searches_the_whole_log_and_n_goes_on_older() {
    let mut s = log_focused();
    let login = s
        .log
        .iter()
        .position(|l| l.text == "USER alice")
        .expect("logged");
    update(&mut s, ch('/'));
    type_text(&mut s, "user");
    // Typing searches nothing yet and moves nothing else.
    assert_eq!(s.log_scroll, 0);
    update(&mut s, key(KeyCode::Enter));
    let search = s.log_search.clone().expect("a search");
    assert_eq!(search.found, Some(login));
    // The line found is on screen.
    let rows = s.layout.log_rows();
    let bottom = s.log.len() - s.log_scroll;
    assert!(
        login < bottom && login + rows >= bottom,
        "{login} {bottom} {rows}"
    );
    // Nothing older matches; N finds nothing newer either.
    update(&mut s, ch('n'));
    assert_eq!(s.log_search.as_ref().and_then(|q| q.found), Some(login));
    assert!(
        status_text(&s).contains("No older line"),
        "{}",
        status_text(&s)
    );
    update(&mut s, key(KeyCode::End)); // back to the newest lines
    update(&mut s, ch('/'));
    type_text(&mut s, "noop 49");
    update(&mut s, key(KeyCode::Enter));
    // From the bottom of what is shown, going back: NOOP 499 first.
    let found = s.log_search.as_ref().and_then(|q| q.found).expect("found");
    assert_eq!(s.log[found].text, "NOOP 499");
    update(&mut s, ch('n'));
    let found = s.log_search.as_ref().and_then(|q| q.found).expect("found");
    assert_eq!(s.log[found].text, "NOOP 498");
    update(&mut s, ch('N'));
    let found = s.log_search.as_ref().and_then(|q| q.found).expect("found");
    assert_eq!(s.log[found].text, "NOOP 499");
    // Esc ends the search; the keys of the panes did nothing meanwhile.
    update(&mut s, key(KeyCode::Esc));
    assert!(s.log_search.is_none());
    assert_eq!(s.remote.cursor, 0);
}

#[test]
fn w_saves_the_whole_log_to_the_data_folder_and_says_where() {
    use std::path::PathBuf;
    let mut s = log_focused();
    let cmds = update(&mut s, ch('w')).commands;
    assert!(cmds.is_empty());
    assert!(
        s.status.as_ref().is_some_and(|m| m.is_error),
        "no data folder is said"
    );
    s.data_dir = Some(PathBuf::from("/data/wharf"));
    let cmds = update(&mut s, ch('w')).commands;
    let [Command::SaveLog { dir, text }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(dir, &PathBuf::from("/data/wharf"));
    assert_eq!(text.lines().count(), s.log.len());
    assert!(text.contains("> USER alice\n< 331 Password required\n> NOOP 0\n"));
    let path = PathBuf::from("/data/wharf/protocol-log-20261203-160102.txt");
    update(
        &mut s,
        Msg::Engine(Event::LogSaved {
            result: Ok(path.clone()),
        }),
    );
    assert!(status_text(&s).contains(&path.display().to_string()));
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// `n` files, named so that the server's order is not the sorted one.
fn many_files(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| file(&format!("f{:07}", (n - 1 - i)), i as u64))
        .collect()
}

/// The one Arrange in `cmds`.
fn the_arrange(cmds: &[Command]) -> wharf::engine::protocol::ArrangeJob {
    let jobs: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Arrange(job) => Some((**job).clone()),
            _ => None,
        })
        .collect();
    assert_eq!(jobs.len(), 1, "{cmds:?}");
    jobs.into_iter().next().expect("one")
}

/// The engine's answer to `job`, as its blocking thread makes it.
fn arranged(job: wharf::engine::protocol::ArrangeJob) -> Msg {
    Msg::Engine(Event::Arranged(Box::new(job.run(|| true).expect("wanted"))))
}

/// A big listing is not sorted on the UI's path: the pane keeps what it
/// showed and hands the engine a job; its answer shows the new folder,
/// sorted, with the running count gone.
#[test]
fn a_big_listing_is_sorted_off_the_ui_path_and_shown_when_sorted() {
    let mut s = connected_with(vec![file("old.txt", 1)]);
    let n = wharf::app::pane::ORDER_IN_PLACE + 10;
    let cmds = update(&mut s, ctrl('r')).commands;
    let (req, _) = the_list(&cmds);
    update(
        &mut s,
        Msg::Engine(Event::ListingProgress { req, entries: 500 }),
    );
    assert_eq!(s.remote.arrived, Some(500));
    let cmds = update(&mut s, listing(&cmds, many_files(n))).commands;
    let job = the_arrange(&cmds);
    assert_eq!(job.entries.len(), n + 1, "with ..");
    assert_eq!(
        shown(&s, Side::Remote),
        ["..", "old.txt"],
        "still the old one"
    );
    assert!(s.remote.pending.is_none() && s.remote.arrived.is_none());
    update(&mut s, arranged(job));
    let names = shown(&s, Side::Remote);
    assert_eq!(names.len(), n + 1);
    assert_eq!(names[1], "f0000000");
    assert_eq!(names[n], format!("f{:07}", n - 1).as_str());
    assert_eq!(s.remote.counts(), (n, n));
}

/// Esc while a big listing is sorted drops it: the listing shown stays,
/// and the late answer changes nothing.
#[test]
fn esc_while_a_big_listing_is_sorted_keeps_the_old_one() {
    let mut s = connected_with(vec![file("old.txt", 1)]);
    let cmds = update(&mut s, ctrl('r')).commands;
    let n = wharf::app::pane::ORDER_IN_PLACE + 1;
    let cmds = update(&mut s, listing(&cmds, many_files(n))).commands;
    let job = the_arrange(&cmds);
    update(&mut s, key(KeyCode::Esc));
    assert!(
        status_text(&s).contains("Stopped listing"),
        "{}",
        status_text(&s)
    );
    assert!(s.remote.arranging.is_none());
    let out = update(&mut s, arranged(job));
    assert!(!out.redraw, "a late answer is dropped");
    assert_eq!(shown(&s, Side::Remote), ["..", "old.txt"]);
}

/// Sorting a big folder another way is a job too; meanwhile the old
/// order stays, and when it comes the cursor is on the same entry.
#[test]
fn a_big_folder_is_sorted_again_off_the_ui_path_keeping_the_cursor() {
    let n = wharf::app::pane::ORDER_IN_PLACE + 10;
    let mut s = connected_with(vec![file("old.txt", 1)]);
    let cmds = update(&mut s, ctrl('r')).commands;
    let cmds = update(&mut s, listing(&cmds, many_files(n))).commands;
    update(&mut s, arranged(the_arrange(&cmds)));
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Down));
    }
    let under = s
        .remote
        .current()
        .map(|e| e.name.clone())
        .expect("an entry");
    let before = shown(&s, Side::Remote);
    let cmds = update(&mut s, ch('s')).commands;
    let job = the_arrange(&cmds);
    assert!(job.keys.is_some(), "the keys are made once per listing");
    assert_eq!(shown(&s, Side::Remote), before, "the old order meanwhile");
    update(&mut s, arranged(job));
    assert_eq!(
        shown(&s, Side::Remote)[1],
        format!("f{:07}", n - 1).as_str()
    );
    assert_eq!(s.remote.current().map(|e| e.name.clone()), Some(under));
}

/// `n` entries with many equal sizes and times (ties), a few folders, in
/// no sorted order.
fn tied_entries(n: usize) -> Vec<Entry> {
    use std::time::UNIX_EPOCH;
    use wharf::engine::protocol::ModTime;
    (0..n)
        .map(|i| {
            let name = format!("e{:07}", (i * 7919) % n);
            let mut e = if i % 97 == 0 {
                dir(&name)
            } else {
                file(&name, (i % 3) as u64)
            };
            let secs = 1_700_000_000 + (i % 5) as u64 * 60;
            e.modified = Some(ModTime::from_system(UNIX_EPOCH + Duration::from_secs(secs)));
            e
        })
        .collect()
}

/// The order main's sort promises, worked out here on its own: ".."
/// first, folders, then the key either way, names A→Z on ties.
fn expected_order(entries: &[Entry], sort: SortKey, descending: bool) -> Vec<Name> {
    let mut rows: Vec<&Entry> = entries.iter().filter(|e| !e.is_hidden()).collect();
    rows.sort_by(|a, b| {
        let key = match sort {
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Size => a.size.cmp(&b.size),
            SortKey::Time => a.modified.cmp(&b.modified),
        };
        let key = if descending { key.reverse() } else { key };
        (!a.is_dir())
            .cmp(&!b.is_dir())
            .then(key)
            .then_with(|| a.name.cmp(&b.name))
    });
    std::iter::once(Name::from(".."))
        .chain(rows.into_iter().map(|e| e.name.clone()))
        .collect()
}

/// A small folder (ordered in place) and a big one (ordered by the
/// engine's job) go through the same cycle of keys and directions, each
/// with names A→Z on ties, and say the same order in words.
#[test]
fn small_and_big_folders_sort_the_same_way_through_the_whole_cycle() {
    let big = wharf::app::pane::ORDER_IN_PLACE + 10;
    for n in [40, big] {
        let entries = tied_entries(n);
        let mut s = connected_with(vec![file("old.txt", 1)]);
        let cmds = update(&mut s, ctrl('r')).commands;
        let cmds = update(&mut s, listing(&cmds, entries.clone())).commands;
        if n == big {
            update(&mut s, arranged(the_arrange(&cmds)));
        }
        let steps = [
            (SortKey::Name, false),
            (SortKey::Name, true),
            (SortKey::Size, true),
            (SortKey::Size, false),
            (SortKey::Time, true),
            (SortKey::Time, false),
            (SortKey::Name, false),
        ];
        for (i, &(sort, descending)) in steps.iter().enumerate() {
            if i > 0 {
                let cmds = update(&mut s, ch('s')).commands;
                if n == big {
                    update(&mut s, arranged(the_arrange(&cmds)));
                } else {
                    assert!(cmds.is_empty(), "{cmds:?}");
                }
                assert_eq!(
                    status_text(&s),
                    format!("Sorted by {}, {}", sort.word(), sort.order(descending))
                );
            }
            assert_eq!((s.remote.sort, s.remote.descending), (sort, descending));
            assert!(s.remote.arranging.is_none());
            assert_eq!(
                shown(&s, Side::Remote),
                expected_order(&entries, sort, descending),
                "{n} entries by {sort:?}, descending {descending}"
            );
        }
    }
}

/// Esc while a listing arrives stops it (the engine is told), and the
/// entries shown stay.
#[test]
fn esc_while_a_listing_arrives_stops_it_and_keeps_the_entries() {
    let mut s = connected_with(vec![file("old.txt", 1)]);
    let cmds = update(&mut s, ctrl('r')).commands;
    let (req, _) = the_list(&cmds);
    update(
        &mut s,
        Msg::Engine(Event::ListingProgress { req, entries: 9 }),
    );
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::CancelList { req: r } if *r == req)),
        "{cmds:?}"
    );
    assert_eq!(shown(&s, Side::Remote), ["..", "old.txt"]);
    assert!(s.remote.pending.is_none() && s.remote.arrived.is_none());
}
