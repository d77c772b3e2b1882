//! The viewer (F3) and the editor (F4) through `update`: keys in, the
//! engine's side played by hand, commands and screens read back; and the
//! viewer's screens as insta snapshots.

#[path = "common/app.rs"]
mod app;
#[path = "common/values.rs"]
mod values;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use app::{app_state, ch, connect, key, listing, profile, type_text};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use values::file;
use wharf::app::dialog::{Dialog, Question};
use wharf::app::external::{Ended, ExternalDone, Purpose};
use wharf::app::state::AppState;
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{
    AskId, BatchId, Command, Direction, Entry, Event, FileFacts, Location, OnExisting, Side,
    TransferId, TransferRequest, TransferState,
};

const W: u16 = 80;
const H: u16 = 14;

/// A state whose local pane lists `dir` with `names` in it.
fn local_at(dir: &Path, names: &[&str]) -> AppState {
    let mut s = app_state(dir.to_str().unwrap(), W, H);
    let cmds = update(&mut s, Msg::Start(None)).commands;
    let entries: Vec<Entry> = names
        .iter()
        .map(|n| file(n, std::fs::metadata(dir.join(n)).map_or(0, |m| m.len())))
        .collect();
    update(&mut s, listing(&cmds, entries));
    s.dialog = None; // the quick-connect form the start opens
    update(&mut s, key(KeyCode::Down)); // past ".."
    s
}

fn rows(s: &AppState) -> Vec<String> {
    s.viewer
        .as_ref()
        .expect("the viewer is open")
        .rows
        .iter()
        .map(|r| r.text.clone())
        .collect()
}

fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

fn render(s: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    t.draw(|f| wharf::ui::draw(f, s, 2026)).expect("draw");
    format!("{}", t.backend())
}

#[test]
fn f3_views_a_local_file_scrolls_to_its_end_and_q_closes_without_quitting() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), numbered(1000)).unwrap();
    let mut s = local_at(dir.path(), &["a.txt"]);
    let cmds = update(&mut s, key(KeyCode::F(3))).commands;
    assert!(cmds.is_empty(), "a local file opens at once: {cmds:?}");
    let shown = rows(&s);
    assert_eq!(shown[0], "line 1");
    let height = shown.len();
    update(&mut s, key(KeyCode::End));
    let shown = rows(&s);
    assert_eq!(shown.last().map(String::as_str), Some("line 1000"));
    assert_eq!(shown.len(), height);
    update(&mut s, key(KeyCode::PageUp));
    assert_eq!(
        rows(&s).last().unwrap(),
        &format!("line {}", 1000 - height + 1)
    );
    update(&mut s, key(KeyCode::Home));
    assert_eq!(rows(&s)[0], "line 1");
    // The viewer has its own keys: q closes it, and does not quit wharf.
    update(&mut s, ch('q'));
    assert!(s.viewer.is_none());
    assert!(!s.quit);
}

#[test]
fn a_binary_file_opens_in_hex_and_h_turns_to_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"ELF\0\x01\x02".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 40));
    std::fs::write(dir.path().join("bin"), &bytes).unwrap();
    let mut s = local_at(dir.path(), &["bin"]);
    update(&mut s, key(KeyCode::F(3)));
    assert!(rows(&s)[0].starts_with("00000000  45 4c 46 00 01 02 78 78"));
    update(&mut s, ch('h'));
    assert_eq!(rows(&s)[0], format!("ELF\\x00\\x01\\x02{}", "x".repeat(40)));
}

/// The one FindInFile in `cmds`.
fn the_search(
    cmds: &[Command],
) -> (
    wharf::engine::protocol::RequestId,
    PathBuf,
    Vec<u8>,
    u64,
    bool,
) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::FindInFile {
                req,
                path,
                needle,
                from,
                backward,
            } => Some((*req, path.clone(), needle.clone(), *from, *backward)),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{cmds:?}");
    found[0].clone()
}

#[test]
fn slash_searches_in_the_engine_and_n_goes_on_from_the_match() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), numbered(500)).unwrap();
    let mut s = local_at(dir.path(), &["a.txt"]);
    update(&mut s, key(KeyCode::F(3)));
    update(&mut s, ch('/'));
    type_text(&mut s, "line 300");
    let cmds = update(&mut s, key(KeyCode::Enter)).commands;
    let (req, path, needle, from, backward) = the_search(&cmds);
    assert_eq!(path, dir.path().join("a.txt"));
    assert_eq!(
        (needle.as_slice(), from, backward),
        (&b"line 300"[..], 0, false)
    );
    let at = numbered(299).len() as u64;
    update(
        &mut s,
        Msg::Engine(Event::FoundInFile {
            req,
            result: Ok(Some(at)),
        }),
    );
    assert_eq!(rows(&s)[0], "line 300");
    let v = s.viewer.as_ref().unwrap();
    assert_eq!(v.rows[0].mark, Some((0, 8)), "the match is marked");
    // n: onwards from just after the match; an answer to an old search is dropped.
    let cmds = update(&mut s, ch('n')).commands;
    let (req2, _, _, from, backward) = the_search(&cmds);
    assert_eq!((from, backward), (at + 1, false));
    update(
        &mut s,
        Msg::Engine(Event::FoundInFile {
            req,
            result: Ok(Some(0)),
        }),
    );
    assert_eq!(rows(&s)[0], "line 300", "a stale answer changes nothing");
    update(
        &mut s,
        Msg::Engine(Event::FoundInFile {
            req: req2,
            result: Ok(None),
        }),
    );
    let note = s.viewer.as_ref().unwrap().note.clone().unwrap_or_default();
    assert!(note.contains("Not found"), "{note}");
    // N: backwards.
    let cmds = update(&mut s, ch('N')).commands;
    assert!(the_search(&cmds).4);
}

/// A state connected to a server whose /pub holds `entries`, the remote
/// pane focused.
fn remote_with(entries: Vec<Entry>) -> AppState {
    let mut s = app_state("/home/me", W, H);
    connect(&mut s, profile(None, None), None, "/pub", entries);
    assert_eq!(s.focus, Side::Remote);
    update(&mut s, key(KeyCode::Down)); // past ".."
    s
}

fn the_transfer(cmds: &[Command]) -> TransferRequest {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::Transfer(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "{cmds:?}");
    found[0].clone()
}

fn queued(s: &mut AppState, batch: BatchId, id: TransferId, direction: Direction) {
    update(
        s,
        Msg::Engine(Event::TransferQueued {
            id,
            batch,
            direction,
            name: "x".into(),
            size: None,
        }),
    );
}

fn transfer_state(s: &mut AppState, id: TransferId, state: TransferState) {
    update(s, Msg::Engine(Event::TransferState { id, state }));
}

fn batch_done(s: &mut AppState, batch: BatchId, done: usize, skipped: usize) -> Vec<Command> {
    update(
        s,
        Msg::Engine(Event::BatchDone {
            batch,
            done,
            failed: 0,
            skipped,
            cancelled: 0,
        }),
    )
    .commands
}

#[test]
fn f3_on_a_remote_file_fetches_it_privately_and_shows_the_first_bytes_as_they_arrive() {
    let mut s = remote_with(vec![file("big.log", 100_000)]);
    let cmds = update(&mut s, key(KeyCode::F(3))).commands;
    let req = the_transfer(&cmds);
    let Location::Local(dir) = req.target_dir.clone() else {
        panic!("a download")
    };
    assert_eq!(req.on_existing, OnExisting::Overwrite);
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "a private folder");
    let id = TransferId(77);
    queued(&mut s, req.batch, id, Direction::Download);
    // The first bytes, in the download's partial file.
    let part = dir.join(".big.log.wharf-part");
    std::fs::write(&part, "first line\nsecond").unwrap();
    update(
        &mut s,
        Msg::Engine(Event::TransferProgress {
            id,
            done: 17,
            rate: 0,
        }),
    );
    assert_eq!(rows(&s), ["first line", "second"]);
    // More arrives.
    std::fs::write(&part, "first line\nsecond line\nthird\n").unwrap();
    update(
        &mut s,
        Msg::Engine(Event::TransferProgress {
            id,
            done: 29,
            rate: 0,
        }),
    );
    assert_eq!(rows(&s), ["first line", "second line", "third"]);
    // Closing while it runs cancels it and removes the folder.
    let cmds = update(&mut s, key(KeyCode::Esc)).commands;
    assert!(
        matches!(cmds.as_slice(), [Command::CancelTransfer(i)] if *i == id),
        "{cmds:?}"
    );
    assert!(!dir.exists(), "the private folder is removed");
}

#[test]
fn the_viewer_snapshots_text_and_hex() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"Hello from wharf's viewer.\n\tA tab, an escape \x1b[2J, bad UTF-8 \xff.\n"
        .iter()
        .copied()
        .chain(numbered(20).into_bytes())
        .collect::<Vec<u8>>();
    std::fs::write(dir.path().join("notes.txt"), &text).unwrap();
    std::fs::write(
        dir.path().join("data.bin"),
        (0u8..=255).collect::<Vec<u8>>(),
    )
    .unwrap();
    let mut s = local_at(dir.path(), &["notes.txt", "data.bin"]);
    let name = dir.path().display().to_string();
    // data.bin sorts first.
    update(&mut s, key(KeyCode::F(3)));
    insta::assert_snapshot!("viewer_hex", render(&s).replace(&name, "/tmp/X"));
    update(&mut s, ch('q'));
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::F(3)));
    let screen = render(&s).replace(&name, "/tmp/X");
    assert!(!screen.contains('\x1b'));
    insta::assert_snapshot!("viewer_text", screen);
}

// ── F4 ──────────────────────────────────────────────────────────────────

fn edited(s: &mut AppState, file: &Path, code: i32, changed: bool) -> Vec<Command> {
    edited_from(s, file, code, changed, None)
}

/// As `edited`, the fetched copy's size and time before the editor ran
/// given (the loop reads them from the file).
fn edited_from(
    s: &mut AppState,
    file: &Path,
    code: i32,
    changed: bool,
    before: Option<(u64, std::time::SystemTime)>,
) -> Vec<Command> {
    update(
        s,
        Msg::ExternalDone(ExternalDone {
            purpose: Purpose::Edit,
            file: file.to_path_buf(),
            program: "fake-editor".into(),
            result: Ok(Ended {
                code: Some(code),
                changed,
                before,
            }),
        }),
    )
    .commands
}

/// F4 on /pub/conf.ini: the fetch asked and answered; the editor asked
/// for. Returns the file the editor gets.
fn fetched_for_editing(s: &mut AppState) -> PathBuf {
    let out = update(s, key(KeyCode::F(4)));
    let req = the_transfer(&out.commands);
    assert!(out.external.is_empty(), "the editor waits for the file");
    let Location::Local(dir) = req.target_dir.clone() else {
        panic!("a download")
    };
    let path = dir.join("conf.ini");
    std::fs::write(&path, "a=1\n").unwrap();
    queued(s, req.batch, TransferId(5), Direction::Download);
    transfer_state(s, TransferId(5), TransferState::Done);
    let out = update(
        s,
        Msg::Engine(Event::BatchDone {
            batch: req.batch,
            done: 1,
            failed: 0,
            skipped: 0,
            cancelled: 0,
        }),
    );
    assert_eq!(
        out.external.len(),
        1,
        "the editor runs once the file is here"
    );
    assert_eq!(out.external[0].file, path);
    assert_eq!(out.external[0].purpose, Purpose::Edit);
    path
}

fn conf() -> Vec<Entry> {
    vec![file("conf.ini", 4)]
}

#[test]
fn f4_unchanged_uploads_nothing_and_removes_the_copy() {
    let mut s = remote_with(conf());
    let path = fetched_for_editing(&mut s);
    let cmds = edited(&mut s, &path, 0, false);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(s.edit.is_none());
    assert!(!path.exists(), "the temporary copy is gone");
    assert!(s.status.as_ref().unwrap().text.contains("unchanged"));
}

#[test]
fn f4_with_an_editor_that_fails_uploads_nothing_and_says_so() {
    let mut s = remote_with(conf());
    let path = fetched_for_editing(&mut s);
    let cmds = edited(&mut s, &path, 3, false);
    assert!(cmds.is_empty(), "{cmds:?}");
    let status = s.status.clone().unwrap();
    assert!(
        status.is_error && status.text.contains("status 3"),
        "{status:?}"
    );
    assert!(status.text.contains("nothing uploaded"), "{status:?}");
}

#[test]
fn f4_changed_uploads_and_replaces_the_servers_copy_when_it_did_not_change() {
    let mut s = remote_with(conf());
    let path = fetched_for_editing(&mut s);
    std::fs::write(&path, "a=2\n").unwrap();
    let cmds = edited(&mut s, &path, 0, true);
    let up = the_transfer(&cmds);
    assert_eq!(up.target_dir, values::remote("/pub"));
    assert_eq!(up.items[0].source, Location::Local(path.clone()));
    assert_eq!(
        up.on_existing,
        OnExisting::Ask,
        "so the server's copy is looked at"
    );
    queued(&mut s, up.batch, TransferId(6), Direction::Upload);
    let same = FileFacts {
        size: Some(4),
        modified: None,
    };
    let cmds = update(
        &mut s,
        Msg::Engine(Event::Conflict {
            ask: AskId(1),
            id: TransferId(6),
            name: "conf.ini".into(),
            source: same.clone(),
            target: same,
        }),
    )
    .commands;
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Resolve {
                choice: OnExisting::Overwrite,
                ..
            }]
        ),
        "{cmds:?}"
    );
    assert!(s.dialog.is_none(), "nothing to ask");
    transfer_state(&mut s, TransferId(6), TransferState::Done);
    batch_done(&mut s, up.batch, 1, 0);
    assert!(s.status.as_ref().unwrap().text.contains("Saved conf.ini"));
    assert!(!path.exists(), "the temporary copy is gone");
}

#[test]
fn f4_asks_when_the_servers_copy_changed_within_the_listings_minute() {
    use wharf::engine::protocol::{ModTime, Precision};
    // The pane listed conf.ini to the minute; the fetched copy has the
    // server's time to the second (the download set it from MDTM).
    let listed = |m: &str| {
        let t = chrono::NaiveDateTime::parse_from_str(m, "%Y-%m-%d %H:%M:%S").unwrap();
        (t, ModTime::utc(t, Precision::Minute))
    };
    let (_, minute) = listed("2026-11-03 14:05:00");
    let mut entry = file("conf.ini", 4);
    entry.modified = Some(minute);
    let mut s = remote_with(vec![entry]);
    let path = fetched_for_editing(&mut s);
    let fetched_at =
        chrono::NaiveDateTime::parse_from_str("2026-11-03 14:05:10", "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc();
    let up = the_transfer(&edited_from(
        &mut s,
        &path,
        0,
        true,
        Some((4, std::time::SystemTime::from(fetched_at))),
    ));
    queued(&mut s, up.batch, TransferId(6), Direction::Upload);
    // Someone saved it again at 14:05:40, the same size: the same minute.
    let now =
        chrono::NaiveDateTime::parse_from_str("2026-11-03 14:05:40", "%Y-%m-%d %H:%M:%S").unwrap();
    let cmds = update(
        &mut s,
        Msg::Engine(Event::Conflict {
            ask: AskId(3),
            id: TransferId(6),
            name: "conf.ini".into(),
            source: FileFacts {
                size: Some(5),
                modified: None,
            },
            target: FileFacts {
                size: Some(4),
                modified: Some(ModTime::utc(now, Precision::Second)),
            },
        }),
    )
    .commands;
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(matches!(
        s.dialog,
        Some(Dialog::Question(Question::EditChanged { .. }))
    ));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn f4_asks_when_the_servers_copy_changed_and_can_keep_the_edit_here() {
    let mut s = remote_with(conf());
    let path = fetched_for_editing(&mut s);
    let up = the_transfer(&edited(&mut s, &path, 0, true));
    queued(&mut s, up.batch, TransferId(6), Direction::Upload);
    let cmds = update(
        &mut s,
        Msg::Engine(Event::Conflict {
            ask: AskId(2),
            id: TransferId(6),
            name: "conf.ini".into(),
            source: FileFacts {
                size: Some(4),
                modified: None,
            },
            target: FileFacts {
                size: Some(99),
                modified: None,
            },
        }),
    )
    .commands;
    assert!(cmds.is_empty());
    assert!(matches!(
        s.dialog,
        Some(Dialog::Question(Question::EditChanged { .. }))
    ));
    let cmds = update(&mut s, ch('k')).commands;
    assert!(
        matches!(
            cmds.as_slice(),
            [Command::Resolve {
                ask: AskId(2),
                choice: OnExisting::Skip,
                ..
            }]
        ),
        "{cmds:?}"
    );
    batch_done(&mut s, up.batch, 0, 1);
    assert!(path.exists(), "the edited copy is kept");
    let status = s.status.clone().unwrap().text;
    assert!(status.contains(&path.display().to_string()), "{status}");
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}
