//! Whole screens drawn into ratatui's TestBackend and compared with insta
//! snapshots (tests/snapshots/). Fixed size, fixed paths, fixed year.

#[path = "common/app.rs"]
mod app;
#[path = "common/values.rs"]
mod values;

use app::{app_state, connect, listing, press, profile, the_list};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::state::AppState;
use wharf::app::update::{Msg, update};
use wharf::bookmarks::service::BookmarkEvent;
use wharf::engine::protocol::{
    Entry, EntryKind, Event, Failure, FailureKind, ModTime, Perms, Precision, Side, WireDir,
};

const W: u16 = 120;
const H: u16 = 24;

/// A listed time (server-local, to the minute: shown as it is).
fn at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> Option<ModTime> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(hh, mm, 0))
        .map(|t| ModTime::server_local(t, Precision::Minute))
}

/// A file's time to the second (UTC).
fn utc(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> Option<ModTime> {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(hh, mm, 0))
        .map(|t| ModTime::utc(t, Precision::Second))
}

fn entry(name: &str, kind: EntryKind, size: u64, perm: &str) -> Entry {
    Entry {
        modified: at(2026, 11, 3, 14, 5),
        permissions: Perms::from_text(perm),
        ..values::entry(name, kind, size)
    }
}

fn local_entries() -> Vec<Entry> {
    vec![
        entry("Documents", EntryKind::Dir, 4096, "drwxr-xr-x"),
        entry("notes.txt", EntryKind::File, 1234, "-rw-r--r--"),
        Entry {
            modified: at(2024, 2, 29, 0, 0),
            ..entry("old report.pdf", EntryKind::File, 3_400_000, "-rw-------")
        },
        entry(".bashrc", EntryKind::File, 220, "-rw-r--r--"),
    ]
}

fn remote_entries() -> Vec<Entry> {
    vec![
        entry("pub", EntryKind::Dir, 0, "drwxr-xr-x"),
        entry(
            "Überweisung März.pdf",
            EntryKind::File,
            48_213,
            "-rw-r--r--",
        ),
        entry("日本語.txt", EntryKind::File, 12, "-rw-r--r--"),
        Entry {
            link_target: Some(Box::new("pub/latest".into())),
            ..entry("current", EntryKind::Symlink, 10, "lrwxrwxrwx")
        },
        entry("evil\x1b[2Jname", EntryKind::File, 1, "-rw-r--r--"),
        entry("big.iso", EntryKind::File, 4_700_000_000, "-rw-r--r--"),
    ]
}

/// Both panes loaded, connected to a server.
fn main_screen() -> AppState {
    let mut s = app_state("/home/alice", W, H);
    connect(
        &mut s,
        profile(Some("alice"), Some("secret")),
        Some(local_entries()),
        "/srv/ftp",
        remote_entries(),
    );
    let conn = Some(s.conn_id);
    for (dir, code, text) in [
        (WireDir::Received, Some(220), "220 Welcome"),
        (WireDir::Sent, None, "USER alice"),
        (WireDir::Received, Some(331), "331 Password required"),
        (WireDir::Sent, None, "PASS ****"),
        (WireDir::Received, Some(230), "230 Logged in"),
        (WireDir::Sent, None, "CWD /srv/nope"),
        (WireDir::Received, Some(550), "550 No such directory"),
        (
            WireDir::Info,
            None,
            "The server refused EPSV; using PASV for this session",
        ),
        (WireDir::Received, Some(150), "150 Here comes the listing"),
        (WireDir::Received, Some(226), "226 Done"),
    ] {
        update(
            &mut s,
            Msg::Engine(Event::Wire {
                dir,
                code,
                text: text.into(),
                conn,
            }),
        );
    }
    s
}

fn render(s: &AppState) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(s.layout.area.width, s.layout.area.height))
        .expect("terminal");
    t.draw(|f| wharf::ui::draw(f, s, 2026)).expect("draw");
    t
}

#[test]
fn main_screen_with_both_panes() {
    let s = main_screen();
    let t = render(&s);
    let screen = format!("{}", t.backend());
    // The ESC in a server name is drawn escaped, never raw.
    assert!(screen.contains("evil\\x1b[2Jname"));
    assert!(!screen.contains('\x1b'));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn help_overlay() {
    let mut s = main_screen();
    press(&mut s, KeyCode::F(1));
    insta::assert_snapshot!(render(&s).backend());
}

/// Every line the help shows at `w` × `h`, scrolled from its top to its end
/// with ↓, and the frame at its end.
fn help_pages(w: u16, h: u16) -> (Vec<String>, String) {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(w, h));
    press(&mut s, KeyCode::F(1));
    let mut seen = Vec::new();
    let mut last = String::new();
    for _ in 0..200 {
        let screen = format!("{}", render(&s).backend());
        if screen == last {
            break;
        }
        seen.extend(screen.lines().map(str::to_string));
        last = screen;
        press(&mut s, KeyCode::Down);
    }
    (seen, last)
}

#[test]
fn the_help_is_read_whole_and_stops_at_its_end() {
    use wharf::app::keymap::Keymap;
    let (seen, end) = help_pages(W, H);
    let all = seen.join("\n");
    // No description cut at 120 columns: each is on one line, whole.
    for b in Keymap::default().bindings() {
        if !b.keys.is_empty() {
            let does = b.action.describe(b.context);
            assert!(all.contains(does), "{does:?} not whole in\n{all}");
        }
    }
    for words in [
        "In the transfer queue",
        "In the protocol log",
        "Drag and drop",
        "Cancel the selected transfer",
        "Scroll back a line",
    ] {
        assert!(all.contains(words), "{words:?} missing");
    }
    // At its end the last line sits on the overlay's last row, and ↓ does
    // not scroll further (help_pages stopped because the frame stayed).
    let rows: Vec<&str> = end.lines().collect();
    let last_row = rows
        .iter()
        .rposition(|r| r.contains("any other key closes it."))
        .expect("the last note is shown at the end");
    assert!(rows[last_row + 1].contains('└'), "{end}");
    insta::assert_snapshot!(end);
}

/// A message longer than the status line.
const LONG_ERROR: &str = "Cannot open /srv/ftp/projects/2026/quarterly-reports/archive: \
    550 Permission denied: the server refuses to list this folder for the user alice \
    (ask the site's administrator for read access)";

#[test]
fn a_long_message_is_cut_with_a_hint_and_read_whole_in_the_messages_view() {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(80, 24));
    s.set_status("Queued 2 files, 4 bytes", false);
    s.set_status(LONG_ERROR, true);
    let screen = format!("{}", render(&s).backend());
    let status = screen.lines().nth(22).unwrap_or_default().to_string();
    assert!(status.contains("… (M: all)"), "{status}");
    press(&mut s, KeyCode::Char('M'));
    let t = render(&s);
    let screen = format!("{}", t.backend());
    // Every word of it is on the screen, in order, and the earlier one too.
    let shown: String = screen
        .lines()
        .map(|l| l.trim_matches('"').replace('│', " "))
        .collect::<Vec<_>>()
        .join(" ");
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(shown.contains(LONG_ERROR), "{screen}");
    assert!(shown.contains("Queued 2 files, 4 bytes"), "{screen}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn quick_connect_dialog() {
    let mut s = app_state("/home/alice", W, H);
    let cmds = update(&mut s, Msg::Start(None)).commands;
    update(&mut s, listing(&cmds, local_entries()));
    for c in "ftp.example.org".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    for c in "bob".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    press(&mut s, KeyCode::Tab);
    for c in "hunter2".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    let t = render(&s);
    assert!(
        !format!("{}", t.backend()).contains("hunter2"),
        "the password is drawn in clear"
    );
    insta::assert_snapshot!(t.backend());
}

#[test]
fn error_in_the_status_bar() {
    let mut s = main_screen();
    press(&mut s, KeyCode::Home);
    press(&mut s, KeyCode::Down);
    let cmds = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .commands;
    let (req, path) = the_list(&cmds);
    let error = Failure::new(FailureKind::Server, "550 Failed to change directory.").with_code(550);
    update(&mut s, Msg::Engine(Event::Failed { req, path, error }));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn protocol_log_panel() {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(W, 40));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::F(9), KeyModifiers::NONE)),
    );
    let t = render(&s);
    let screen = format!("{}", t.backend());
    assert!(screen.contains("> PASS ****") && !screen.contains("secret"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn protocol_log_scrolled_back_to_a_search_result() {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(W, 30));
    for i in 0..300 {
        update(
            &mut s,
            Msg::Engine(Event::Wire {
                dir: WireDir::Sent,
                code: None,
                text: format!("NOOP {i}"),
                conn: None,
            }),
        );
    }
    press(&mut s, KeyCode::F(9));
    while s.panel != wharf::app::state::Panel::Log {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Char('/'));
    for c in "331".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    press(&mut s, KeyCode::Enter);
    let t = render(&s);
    let screen = format!("{}", t.backend());
    assert!(screen.contains("< 331 Password required"), "{screen}");
    assert!(screen.contains("/331 (n older, N newer)"), "{screen}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn smallest_supported_terminal() {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(60, 15));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn the_sort_arrow_points_up_for_ascending_in_every_column() {
    let mut s = main_screen();
    press(&mut s, KeyCode::Char('s'));
    press(&mut s, KeyCode::Char('s')); // size, biggest first
    let screen = format!("{}", render(&s).backend());
    let header = screen.lines().nth(1).unwrap_or_default().to_string();
    assert!(header.contains("Size↓"), "{header}");
    assert!(
        screen.find("big.iso") < screen.find("Überweisung"),
        "{screen}"
    );
    press(&mut s, KeyCode::Char('s')); // size, smallest first
    let screen = format!("{}", render(&s).backend());
    let header = screen.lines().nth(1).unwrap_or_default().to_string();
    assert!(header.contains("Size↑"), "{header}");
    assert!(
        screen.find("big.iso") > screen.find("Überweisung"),
        "{screen}"
    );
    press(&mut s, KeyCode::Char('s')); // time, newest first
    let header = format!("{}", render(&s).backend());
    assert!(
        header
            .lines()
            .nth(1)
            .unwrap_or_default()
            .contains("Modified↓")
    );
}

#[test]
fn narrow_terminals_keep_the_path_end_and_the_names() {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(60, 15));
    let t = render(&s);
    let screen = format!("{}", t.backend());
    assert!(screen.contains(": /srv/ftp "), "{screen}");
    update(&mut s, Msg::Resize(30, 12));
    let t = render(&s);
    let screen = format!("{}", t.backend());
    // The names whole, the size column gone, the path's end in the title.
    assert!(screen.contains(" notes.txt"), "{screen}");
    assert!(screen.contains(" big.iso"), "{screen}");
    assert!(!screen.contains("4.4G"), "{screen}");
    assert!(
        screen.contains("…/ftp") || screen.contains("/srv/ftp"),
        "{screen}"
    );
    insta::assert_snapshot!(t.backend());
}

fn transfer_events(s: &mut AppState) {
    use wharf::engine::protocol::{BatchId, Direction, TransferId, TransferState};
    let rows = [
        (
            1,
            Direction::Download,
            "docs/manual.pdf",
            8_400_000,
            TransferState::Running,
            3_100_000,
            2_500_000,
        ),
        (
            2,
            Direction::Upload,
            "photos/beach.jpg",
            2_000_000,
            TransferState::Done,
            2_000_000,
            0,
        ),
        (
            3,
            Direction::Download,
            "secret.txt",
            120,
            TransferState::Failed(
                Failure::new(FailureKind::Permission, "550 Permission denied").with_code(550),
            ),
            0,
            0,
        ),
        (
            4,
            Direction::Download,
            "music/a very long song title that goes on.flac",
            31_000_000,
            TransferState::Queued,
            0,
            0,
        ),
        (
            5,
            Direction::Upload,
            "notes.txt",
            900,
            TransferState::Retrying {
                attempt: 2,
                of: 5,
                reason: Failure::new(FailureKind::Connection, "connection lost"),
            },
            300,
            0,
        ),
    ];
    for (id, direction, name, size, state, done, rate) in rows {
        let id = TransferId(id);
        update(
            s,
            Msg::Engine(Event::TransferQueued {
                id,
                batch: BatchId(9),
                direction,
                name: name.into(),
                size: Some(size),
            }),
        );
        update(s, Msg::Engine(Event::TransferState { id, state }));
        if done > 0 {
            update(s, Msg::Engine(Event::TransferProgress { id, done, rate }));
        }
    }
}

#[test]
fn transfer_queue_panel() {
    let mut s = main_screen();
    update(&mut s, Msg::Resize(W, 30));
    transfer_events(&mut s);
    assert!(
        s.queue_visible(),
        "the queue shows itself while transfers run"
    );
    let t = render(&s);
    let screen = format!("{}", t.backend());
    assert!(screen.contains("failed: 550 Permission denied"), "{screen}");
    assert!(screen.contains("retry 2/5"), "{screen}");
    insta::assert_snapshot!(t.backend());
}

#[test]
fn overwrite_dialog() {
    use wharf::engine::protocol::{AskId, FileFacts, TransferId};
    let mut s = main_screen();
    transfer_events(&mut s);
    update(
        &mut s,
        Msg::Engine(Event::Conflict {
            ask: AskId(1),
            id: TransferId(1),
            name: "docs/manual.pdf".into(),
            source: FileFacts {
                size: Some(8_400_000),
                modified: utc(2026, 11, 20, 9, 30),
            },
            target: FileFacts {
                size: Some(3_100_000),
                modified: utc(2026, 10, 1, 18, 0),
            },
        }),
    );
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn not_enough_space_question() {
    use wharf::engine::protocol::BatchId;
    let mut s = main_screen();
    update(
        &mut s,
        Msg::Engine(Event::NotEnoughSpace {
            batch: BatchId(1),
            folder: "/home/ana/Downloads".into(),
            needed: 4_400_000_000,
            free: 1_250_000_000,
        }),
    );
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn copy_dialog() {
    let mut s = main_screen();
    // The remote pane: mark big.iso and pub, then F5.
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Insert);
    press(&mut s, KeyCode::Insert);
    press(&mut s, KeyCode::F(5));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn go_to_dialog_completed() {
    use crossterm::event::KeyModifiers;
    let mut s = main_screen();
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::ALT)),
    );
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    update(&mut s, Msg::Paste("p".into()));
    press(&mut s, KeyCode::Tab);
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn entry_info() {
    let mut s = main_screen();
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    let cmds = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('i'), KeyModifiers::NONE)),
    )
    .commands;
    // The owner and group are asked for: shown as they come.
    insta::assert_snapshot!("entry_info_asking", render(&s).backend());
    let req = match cmds.as_slice() {
        [wharf::engine::protocol::Command::FileOp { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    update(
        &mut s,
        Msg::Engine(Event::Details {
            req,
            owner: Some("alice".into()),
            group: Some("staff".into()),
        }),
    );
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn find_results() {
    use crossterm::event::KeyModifiers;
    use wharf::engine::protocol::{Command, Entry, EntryKind, Location, OpCounts, RemotePath};
    let mut s = main_screen();
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::ALT)),
    );
    let cmds = update(&mut s, Msg::Paste(".log".into())).commands;
    assert!(cmds.is_empty());
    let cmds = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    )
    .commands;
    let req = match cmds.as_slice() {
        [Command::FileOp { req, .. }] => *req,
        other => panic!("{other:?}"),
    };
    let hit = |path: &str, size: u64, kind| {
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut e = Entry::new(name.into(), kind);
        e.size = size;
        (Location::Remote(RemotePath::from(path)), e)
    };
    update(
        &mut s,
        Msg::Engine(Event::Found {
            req,
            hits: vec![
                hit("/srv/ftp/pub/logs", 0, EntryKind::Dir),
                hit("/srv/ftp/pub/logs/app.log", 48_213, EntryKind::File),
                hit(
                    "/srv/ftp/pub/logs/2026/app.log.1",
                    1_048_576,
                    EntryKind::File,
                ),
            ],
        }),
    );
    update(
        &mut s,
        Msg::Engine(Event::OpProgress {
            req,
            counts: OpCounts {
                seen: 1_250,
                folders: 14,
                ..OpCounts::default()
            },
        }),
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Insert);
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn drag_ghost_and_marked_entries() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut s = main_screen();
    // Mark two local files, then drag one of them over the remote pane.
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
    );
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Insert);
    press(&mut s, KeyCode::Insert);
    let list = s.layout.list(Side::Local);
    let mouse = |kind, column, row| {
        Msg::Mouse(
            MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            },
            std::time::Instant::now(),
        )
    };
    update(
        &mut s,
        mouse(
            MouseEventKind::Down(MouseButton::Left),
            list.x + 3,
            list.y + 2,
        ),
    );
    let remote = s.layout.list(Side::Remote);
    update(
        &mut s,
        mouse(
            MouseEventKind::Drag(MouseButton::Left),
            remote.x + 10,
            remote.y + 8,
        ),
    );
    let t = render(&s);
    assert!(format!("{}", t.backend()).contains("⇢ 2 items"));
    insta::assert_snapshot!(t.backend());
}

fn bookmark_state() -> AppState {
    use wharf::bookmarks::{Bookmark, Mode, PasswordMode, Recent};
    let mut s = app_state("/home/alice", W, H);
    s.bookmarks_enabled = true;
    let mut work = Bookmark::new("work", "ftp.work.example");
    work.user = Some("alice".into());
    work.password = PasswordMode::Keyring;
    work.remote_dir = Some("/srv/share".into());
    work.notes = "the team share".into();
    let mut mirror = Bookmark::new("kernel mirror", "mirrors.example.org");
    mirror.mode = Mode::Active;
    let when = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .expect("date")
        .and_utc();
    let recent = Recent::from_bookmark(&work, when);
    update(
        &mut s,
        Msg::Bookmarks(BookmarkEvent::Snapshot(
            wharf::bookmarks::service::BookmarksSnapshot {
                list: vec![work, mirror],
                recent: vec![recent],
                ..Default::default()
            },
        )),
    );
    let cmds = update(&mut s, Msg::Start(None)).commands;
    update(&mut s, listing(&cmds, local_entries()));
    s
}

#[test]
fn bookmark_manager() {
    let s = bookmark_state();
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn bookmark_form_with_a_bad_port() {
    let mut s = bookmark_state();
    press(&mut s, KeyCode::Char('e'));
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    for c in "99999".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    press(&mut s, KeyCode::Enter);
    update(&mut s, Msg::Resize(W, 30));
    let t = render(&s);
    assert!(format!("{}", t.backend()).contains("the port must be 1–65535"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn the_theme_in_the_state_colours_the_frame() {
    use ratatui::style::Color;
    use wharf::ui::theme::Theme;
    let mut s = main_screen();
    // The focused (remote) pane's frame, and the status bar.
    let corner = s.layout.pane(Side::Remote);
    let status = s.layout.status;
    let cell = |t: &Terminal<TestBackend>, x, y| t.backend().buffer()[(x, y)].clone();
    let t = render(&s);
    assert_eq!(cell(&t, corner.x, corner.y).fg, Color::Cyan);
    assert_eq!(cell(&t, status.x, status.y).bg, Color::Blue);
    s.theme = Theme {
        border: Some(Color::Red),
        status_bg: Some(Color::Indexed(22)),
        ..Theme::DEFAULT
    };
    let t = render(&s);
    assert_eq!(cell(&t, corner.x, corner.y).fg, Color::Red);
    assert_eq!(cell(&t, status.x, status.y).bg, Color::Indexed(22));
}
