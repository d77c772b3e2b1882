//! F7 mkdir, F8/Delete delete, Shift-F6 rename and `p` chmod through the
//! pure `update`, the engine's side played by hand; and their dialogs (and
//! a delete's row in the queue) as insta snapshots.

#[path = "common/app.rs"]
mod app;
#[path = "common/values.rs"]
mod values;

use app::{app_state, connect, listing, press, profile, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::dialog::Dialog;
use wharf::app::state::AppState;
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{
    Command, Entry, EntryKind, Event, Failure, FailureKind, FileOp, Location, OpCounts, Perms,
    RequestId, Side,
};

fn entry(name: &str, kind: EntryKind, size: u64, perm: &str) -> Entry {
    Entry {
        permissions: Perms::from_text(perm),
        ..values::entry(name, kind, size)
    }
}

/// Connected, the remote pane focused on /srv/ftp.
fn screen() -> AppState {
    let mut s = app_state("/home/alice", 100, 24);
    connect(
        &mut s,
        profile(Some("alice"), Some("secret")),
        Some(vec![entry(
            "notes.txt",
            EntryKind::File,
            1234,
            "-rw-r--r--",
        )]),
        "/srv/ftp",
        vec![
            entry("pub", EntryKind::Dir, 0, "drwxr-xr-x"),
            entry("logs", EntryKind::Dir, 0, "drwxr-x---"),
            entry("a.txt", EntryKind::File, 2048, "-rw-r--r--"),
            entry("b.txt", EntryKind::File, 10, "-rw-------"),
        ],
    );
    s.focus = Side::Remote;
    s
}

fn cursor_to(s: &mut AppState, name: &str) {
    press(s, KeyCode::Home);
    for _ in 0..10 {
        if s.pane(s.focus)
            .current()
            .is_some_and(|e| e.name.display() == name)
        {
            return;
        }
        press(s, KeyCode::Down);
    }
    panic!("{name} is not in the pane");
}

fn keys(s: &mut AppState, code: KeyCode, mods: KeyModifiers) -> Vec<Command> {
    update(s, Msg::Key(KeyEvent::new(code, mods))).commands
}

fn the_op(cmds: &[Command]) -> (RequestId, FileOp) {
    let ops: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::FileOp { req, op } => Some((*req, op.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(ops.len(), 1, "{cmds:?}");
    ops[0].clone()
}

fn remote(p: &str) -> Location {
    Location::Remote(p.into())
}

fn render(s: &AppState) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(s.layout.area.width, s.layout.area.height))
        .expect("terminal");
    t.draw(|f| wharf::ui::draw(f, s, 2026)).expect("draw");
    t
}

fn error_of(s: &AppState) -> Option<String> {
    match &s.dialog {
        Some(Dialog::Mkdir(p)) => p.error.clone(),
        Some(Dialog::Rename(p)) => p.error.clone(),
        Some(Dialog::Chmod(p)) => p.error.clone(),
        _ => None,
    }
}

fn done(req: RequestId, done: usize, failed: usize) -> Msg {
    Msg::Engine(Event::OpDone {
        req,
        counts: OpCounts {
            done,
            failed,
            seen: done + failed,
            ..OpCounts::default()
        },
        cancelled: false,
    })
}

#[test]
fn f7_makes_nested_folders_and_the_cursor_lands_on_the_new_one() {
    let mut s = screen();
    press(&mut s, KeyCode::F(7));
    type_text(&mut s, "new/b/c");
    insta::assert_snapshot!("mkdir_dialog", render(&s).backend());
    let cmds = keys(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    let (req, op) = the_op(&cmds);
    assert_eq!(
        op,
        FileOp::MakeDir {
            path: remote("/srv/ftp/new/b/c"),
            parents: true
        }
    );
    assert!(s.dialog.is_none());
    let cmds = update(&mut s, done(req, 1, 0)).commands;
    let mut listed = s.remote.entries.to_vec();
    listed.push(entry("new", EntryKind::Dir, 0, "drwxr-xr-x"));
    update(&mut s, listing(&cmds, listed));
    assert_eq!(
        s.remote.current().map(|e| e.name.display().into_owned()),
        Some("new".into())
    );
}

#[test]
fn mkdir_of_an_existing_name_is_refused_in_the_dialog() {
    let mut s = screen();
    press(&mut s, KeyCode::F(7));
    type_text(&mut s, "pub");
    let cmds = keys(&mut s, KeyCode::Enter, KeyModifiers::NONE);
    assert!(cmds.is_empty(), "{cmds:?}");
    let e = error_of(&s).expect("an error");
    assert!(e.contains("A folder named pub is already here"), "{e}");
    // The engine's own refusal (the listing was old) is said too.
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::F(7));
    type_text(&mut s, "fresh");
    let (req, _) = the_op(&keys(&mut s, KeyCode::Enter, KeyModifiers::NONE));
    update(
        &mut s,
        Msg::Engine(Event::OpEntryFailed {
            req,
            path: remote("/srv/ftp/fresh"),
            error: Failure::new(FailureKind::Exists, "a folder exists at /srv/ftp/fresh"),
        }),
    );
    update(&mut s, done(req, 0, 1));
    let st = s.status.clone().expect("status");
    assert!(st.is_error && st.text.contains("exists already"), "{st:?}");
}

#[test]
fn shift_f6_renames_refuses_a_slash_and_asks_before_replacing() {
    let mut s = screen();
    cursor_to(&mut s, "a.txt");
    keys(&mut s, KeyCode::F(6), KeyModifiers::SHIFT);
    assert!(matches!(s.dialog, Some(Dialog::Rename(_))));
    // Ctrl-u clears the name.
    keys(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut s, "x/y.txt");
    assert!(keys(&mut s, KeyCode::Enter, KeyModifiers::NONE).is_empty());
    assert!(error_of(&s).expect("error").contains("cannot hold `/`"));
    insta::assert_snapshot!("rename_dialog_slash", render(&s).backend());

    keys(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut s, "b.txt");
    assert!(keys(&mut s, KeyCode::Enter, KeyModifiers::NONE).is_empty());
    assert!(error_of(&s).expect("asks").contains("b.txt exists"));
    let (req, op) = the_op(&keys(&mut s, KeyCode::Enter, KeyModifiers::NONE));
    assert_eq!(
        op,
        FileOp::Rename {
            from: remote("/srv/ftp/a.txt"),
            to: remote("/srv/ftp/b.txt"),
            replace: true
        }
    );
    let cmds = update(&mut s, done(req, 1, 0)).commands;
    assert!(
        cmds.iter().any(|c| matches!(c, Command::List { .. })),
        "re-read with the cursor on the new name: {cmds:?}"
    );

    // F16 (what some terminals send for Shift-F6); a folder is never replaced.
    cursor_to(&mut s, "b.txt");
    press(&mut s, KeyCode::F(16));
    keys(&mut s, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut s, "pub");
    assert!(keys(&mut s, KeyCode::Enter, KeyModifiers::NONE).is_empty());
    assert!(
        error_of(&s)
            .expect("refused")
            .contains("cannot be replaced")
    );
}

#[test]
fn f8_counts_while_asking_then_deletes_as_queue_work() {
    let mut s = screen();
    cursor_to(&mut s, "pub");
    press(&mut s, KeyCode::Insert);
    cursor_to(&mut s, "a.txt");
    press(&mut s, KeyCode::Insert);
    let (count, op) = the_op(&keys(&mut s, KeyCode::F(8), KeyModifiers::NONE));
    let FileOp::Count { targets } = op else {
        panic!("a count first: {op:?}")
    };
    assert_eq!(targets.len(), 2);
    assert!(targets.iter().any(|t| t.kind == EntryKind::Dir));
    // The count streams in while the question is open.
    update(
        &mut s,
        Msg::Engine(Event::OpProgress {
            req: count,
            counts: OpCounts {
                seen: 2 + 1_300,
                folders: 1 + 95,
                bytes: 1_400_000_000,
                ..OpCounts::default()
            },
        }),
    );
    let Some(Dialog::Delete(p)) = &s.dialog else {
        panic!("the question")
    };
    assert_eq!(
        p.question(),
        "Delete 2 items: 96 folders, 1,206 files, 1.3 GiB?"
    );
    insta::assert_snapshot!("delete_question_counting", render(&s).backend());

    // Confirmed before the count ended: the count stops, the delete runs.
    let cmds = keys(&mut s, KeyCode::Char('y'), KeyModifiers::NONE);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::CancelFileOp { req } if *req == count)),
        "{cmds:?}"
    );
    let (del, op) = the_op(&cmds);
    assert!(matches!(op, FileOp::Delete { ref targets } if targets.len() == 2));
    update(
        &mut s,
        Msg::Engine(Event::OpProgress {
            req: del,
            counts: OpCounts {
                done: 600,
                seen: 1_302,
                ..OpCounts::default()
            },
        }),
    );
    update(
        &mut s,
        Msg::Engine(Event::OpEntryFailed {
            req: del,
            path: remote("/srv/ftp/pub/locked.txt"),
            error: Failure::new(FailureKind::Permission, "Permission denied").with_code(550),
        }),
    );
    assert!(s.queue_visible());
    insta::assert_snapshot!("delete_row_in_the_queue", render(&s).backend());

    // Quitting while it runs asks first, naming it; Esc stays.
    keys(&mut s, KeyCode::F(10), KeyModifiers::NONE);
    assert!(
        matches!(
            s.dialog,
            Some(Dialog::Question(wharf::app::dialog::Question::Quit {
                running: 0,
                deletes: 1
            }))
        ),
        "{:?}",
        s.dialog
    );
    keys(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(!s.quit && s.dialog.is_none());

    // Cancellable from the queue: Delete there cancels.
    while s.panel != wharf::app::state::Panel::Queue {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Home);
    let cmds = keys(&mut s, KeyCode::Delete, KeyModifiers::NONE);
    assert!(
        matches!(cmds.as_slice(), [Command::CancelFileOp { req }] if *req == del),
        "{cmds:?}"
    );
    update(&mut s, done(del, 1_301, 1));
    let st = s.status.clone().expect("status");
    assert!(
        st.is_error
            && st
                .text
                .contains("/srv/ftp/pub/locked.txt: Permission denied"),
        "{st:?}"
    );
    // The failure stays listed: the queue stays until cleared.
    assert!(s.queue_visible());
}

#[test]
fn delete_in_a_pane_asks_and_esc_keeps_everything() {
    let mut s = screen();
    cursor_to(&mut s, "b.txt");
    let (count, _) = the_op(&keys(&mut s, KeyCode::Delete, KeyModifiers::NONE));
    assert!(matches!(s.dialog, Some(Dialog::Delete(_))));
    let cmds = keys(&mut s, KeyCode::Esc, KeyModifiers::NONE);
    assert!(
        matches!(cmds.as_slice(), [Command::CancelFileOp { req }] if *req == count),
        "{cmds:?}"
    );
    assert!(s.dialog.is_none() && s.transfers.ops.is_empty());
}

#[test]
fn confirm_delete_off_deletes_without_asking() {
    let mut s = screen();
    s.confirm_delete = false;
    cursor_to(&mut s, "b.txt");
    let (_, op) = the_op(&keys(&mut s, KeyCode::F(8), KeyModifiers::NONE));
    assert!(matches!(op, FileOp::Delete { .. }), "{op:?}");
    assert!(s.dialog.is_none());
    assert_eq!(s.transfers.ops.len(), 1);
}

#[test]
fn chmod_keeps_octal_and_boxes_in_step_and_recurses_when_asked() {
    let mut s = screen();
    cursor_to(&mut s, "logs");
    press(&mut s, KeyCode::Char('p'));
    let Some(Dialog::Chmod(p)) = &s.dialog else {
        panic!("the chmod dialog")
    };
    assert_eq!((p.octal.text(), p.mode), ("750", 0o750));
    // Others read: the 7th box; the octal follows.
    for _ in 0..7 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Char(' '));
    // Files below.
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Char(' '));
    insta::assert_snapshot!("chmod_dialog", render(&s).backend());
    let Some(Dialog::Chmod(p)) = &s.dialog else {
        panic!("the chmod dialog")
    };
    assert_eq!(p.octal.text(), "754");
    // Typing the octal moves the boxes.
    for _ in 0..1 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Backspace);
    type_text(&mut s, "5");
    let Some(Dialog::Chmod(p)) = &s.dialog else {
        panic!("the chmod dialog")
    };
    assert_eq!(p.mode, 0o755);
    type_text(&mut s, "9");
    assert!(error_of(&s).expect("bad octal").contains("octal"));
    press(&mut s, KeyCode::Backspace);
    let (req, op) = the_op(&keys(&mut s, KeyCode::Enter, KeyModifiers::NONE));
    let FileOp::Chmod {
        targets,
        mode,
        below,
    } = op
    else {
        panic!("{op:?}")
    };
    assert_eq!((targets, mode), (vec![remote("/srv/ftp/logs")], 0o755));
    assert!(below.files && !below.folders);
    // A server without SITE CHMOD: said, not silent.
    update(
        &mut s,
        Msg::Engine(Event::OpEntryFailed {
            req,
            path: remote("/srv/ftp/logs"),
            error: Failure::new(
                FailureKind::Server,
                "the server does not support SITE CHMOD",
            ),
        }),
    );
    let st = s.status.clone().expect("status");
    assert!(
        st.is_error && st.text.contains("does not support SITE CHMOD"),
        "{st:?}"
    );
}
