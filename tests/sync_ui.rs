//! Compare, synchronised browsing and synchronise through the pure
//! `update`, the engine's side played by hand (the plans are made by the
//! engine's own `compare` from hand-made trees); the compare marks and the
//! plan's checklist as insta snapshots.

#[path = "common/app.rs"]
mod app;
#[path = "common/values.rs"]
mod values;

use app::{app_state, connect, press, profile, the_list};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::dialog::Dialog;
use wharf::app::state::AppState;
use wharf::app::sync_state::CompareMark;
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{
    BatchId, Command, Criteria, Entry, EntryKind, Event, Failure, FailureKind, FileOp, Location,
    ModTime, OpCounts, Precision, RelPath, RequestId, Side, SyncDirection, SyncOptions, SyncPlan,
    SyncRoots, Target, TransferRequest,
};
use wharf::engine::sync::{SyncEntry, Tree, compare};

const W: u16 = 110;
const H: u16 = 24;

fn at(minute: u32) -> Option<ModTime> {
    NaiveDate::from_ymd_opt(2026, 3, 1)
        .and_then(|d| d.and_hms_opt(12, minute, 0))
        .map(|t| ModTime::utc(t, Precision::Second))
}

fn file(name: &str, size: u64, minute: u32) -> Entry {
    Entry {
        modified: at(minute),
        ..values::file(name, size)
    }
}

fn dir(name: &str) -> Entry {
    Entry {
        modified: at(0),
        ..values::dir(name)
    }
}

/// Local: new.txt, changed.txt (newer, bigger), same.txt, docs/.
fn local_entries() -> Vec<Entry> {
    vec![
        file("new.txt", 100, 0),
        file("changed.txt", 200, 30),
        file("same.txt", 10, 0),
        dir("docs"),
    ]
}

/// Remote: changed.txt (older), same.txt, extra.txt, old/, docs/.
fn remote_entries() -> Vec<Entry> {
    vec![
        file("changed.txt", 150, 5),
        file("same.txt", 10, 0),
        file("extra.txt", 50, 0),
        dir("old"),
        dir("docs"),
    ]
}

/// Connected: /home/alice beside /srv/ftp.
fn screen() -> AppState {
    let mut s = app_state("/home/alice", W, H);
    connect(
        &mut s,
        profile(Some("alice"), Some("secret")),
        Some(local_entries()),
        "/srv/ftp",
        remote_entries(),
    );
    s.focus = Side::Local;
    s
}

fn tree(entries: &[(&str, EntryKind, u64, u32)]) -> Tree {
    entries
        .iter()
        .map(|(p, kind, size, minute)| {
            (
                RelPath::parse(p.as_bytes()),
                SyncEntry {
                    kind: *kind,
                    size: *size,
                    modified: at(*minute),
                    digest: None,
                },
            )
        })
        .collect()
}

/// The plan the engine would make for `screen()`'s folders, local →
/// server, extras deleted: changed.txt, extra.txt (delete), new.txt, old/
/// and old/a (delete).
fn plan() -> Box<SyncPlan> {
    use EntryKind::{Dir, File};
    let local = tree(&[
        ("new.txt", File, 100, 0),
        ("changed.txt", File, 200, 30),
        ("same.txt", File, 10, 0),
    ]);
    let remote = tree(&[
        ("changed.txt", File, 150, 5),
        ("same.txt", File, 10, 0),
        ("extra.txt", File, 50, 0),
        ("old", Dir, 0, 0),
        ("old/a", File, 7, 0),
    ]);
    let options = SyncOptions {
        direction: SyncDirection::LocalToRemote,
        delete_extras: true,
        criteria: Criteria::SizeAndTime,
    };
    let mut plan = compare(&local, &remote, &options, None);
    plan.roots = SyncRoots {
        local: "/home/alice".into(),
        remote: "/srv/ftp".into(),
    };
    Box::new(plan)
}

fn key(s: &mut AppState, code: KeyCode) -> Vec<Command> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).commands
}

fn engine(s: &mut AppState, ev: Event) -> Vec<Command> {
    update(s, Msg::Engine(ev)).commands
}

fn the_plan_sync(cmds: &[Command]) -> (RequestId, SyncRoots, SyncOptions) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::PlanSync {
                req,
                roots,
                options,
            } => Some((*req, roots.clone(), *options)),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "one PlanSync in {cmds:?}");
    found[0].clone()
}

fn transfers(cmds: &[Command]) -> Vec<TransferRequest> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::Transfer(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

fn deletes(cmds: &[Command]) -> Vec<(RequestId, Vec<Target>)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::FileOp {
                req,
                op: FileOp::Delete { targets },
            } => Some((*req, targets.clone())),
            _ => None,
        })
        .collect()
}

fn records(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c, Command::RecordSync { .. }))
        .count()
}

fn names(r: &TransferRequest) -> Vec<String> {
    r.items.iter().map(|i| i.target_name.to_string()).collect()
}

fn paths(targets: &[Target]) -> Vec<String> {
    targets
        .iter()
        .map(|t| t.path.display().into_owned())
        .collect()
}

/// F12, then Enter: the plan is asked for; it arrives as `plan`.
fn planned(s: &mut AppState, plan: Box<SyncPlan>) {
    key(s, KeyCode::F(12));
    let (req, _, _) = the_plan_sync(&key(s, KeyCode::Enter));
    engine(
        s,
        Event::SyncPlanned {
            req,
            result: Ok(plan),
        },
    );
    assert!(
        matches!(s.dialog, Some(Dialog::SyncPlan(_))),
        "{:?}",
        s.status
    );
}

fn batch_done(s: &mut AppState, batch: BatchId, done: usize, failed: usize) -> Vec<Command> {
    engine(
        s,
        Event::BatchDone {
            batch,
            done,
            failed,
            skipped: 0,
            cancelled: 0,
        },
    )
}

fn op_done(s: &mut AppState, req: RequestId, done: usize) -> Vec<Command> {
    engine(
        s,
        Event::OpDone {
            req,
            counts: OpCounts {
                done,
                seen: done,
                ..OpCounts::default()
            },
            cancelled: false,
        },
    )
}

fn status(s: &AppState) -> String {
    s.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

fn render(s: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(s.layout.area.width, s.layout.area.height))
        .expect("terminal");
    t.draw(|f| wharf::ui::draw(f, s, 2026)).expect("draw");
    format!("{}", t.backend())
}

// ---- the dialog -------------------------------------------------------------

#[test]
fn the_dialog_plans_the_two_folders_with_the_choices_made() {
    let mut s = screen();
    s.focus = Side::Remote;
    key(&mut s, KeyCode::F(12));
    let Some(Dialog::SyncSetup(setup)) = &s.dialog else {
        panic!("no dialog: {:?}", s.dialog)
    };
    // From the focused pane to the other, nothing deleted, size and time.
    assert_eq!(setup.options.direction, SyncDirection::RemoteToLocal);
    assert!(!setup.options.delete_extras);
    assert_eq!(setup.options.criteria, Criteria::SizeAndTime);
    // Down to "delete", tick it; down to the criteria, next: size only.
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Right);
    let (req, roots, options) = the_plan_sync(&key(&mut s, KeyCode::Enter));
    assert_eq!(
        roots,
        SyncRoots {
            local: "/home/alice".into(),
            remote: "/srv/ftp".into(),
        }
    );
    assert_eq!(
        options,
        SyncOptions {
            direction: SyncDirection::RemoteToLocal,
            delete_extras: true,
            criteria: Criteria::SizeOnly,
        }
    );
    // The count streams in; Esc stops the walk.
    engine(
        &mut s,
        Event::OpProgress {
            req,
            counts: OpCounts {
                seen: 1234,
                ..OpCounts::default()
            },
        },
    );
    assert!(render(&s).contains("1,234 entries found"), "{}", render(&s));
    let cmds = key(&mut s, KeyCode::Esc);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::CancelFileOp { req: r } if *r == req)),
        "{cmds:?}"
    );
    assert!(s.dialog.is_none());
    // Its late answer is dropped.
    engine(
        &mut s,
        Event::SyncPlanned {
            req,
            result: Ok(plan()),
        },
    );
    assert!(s.dialog.is_none());
}

#[test]
fn synchronise_needs_both_panes_browsing() {
    let mut s = app_state("/home/alice", W, H);
    let cmds = key(&mut s, KeyCode::F(12));
    assert!(cmds.is_empty());
    assert!(s.dialog.is_none());
    assert!(status(&s).contains("both panes browsing"), "{}", status(&s));
}

#[test]
fn a_plan_that_failed_says_why() {
    let mut s = screen();
    key(&mut s, KeyCode::F(12));
    let (req, _, _) = the_plan_sync(&key(&mut s, KeyCode::Enter));
    engine(
        &mut s,
        Event::SyncPlanned {
            req,
            result: Err(Failure::new(FailureKind::Protocol, "not built yet")),
        },
    );
    assert!(s.dialog.is_none());
    assert!(status(&s).contains("not built yet"), "{}", status(&s));
}

// ---- the checklist and what applying sends ----------------------------------

#[test]
fn applying_sends_the_ticked_copies_and_deletes_only_after_every_batch_ended_well() {
    let mut s = screen();
    planned(&mut s, plan());
    // Deletions are ticked: the first Enter asks, the second applies.
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(
        render(&s).contains("Enter again deletes 3 entries"),
        "{}",
        render(&s)
    );
    let cmds = key(&mut s, KeyCode::Enter);
    let reqs = transfers(&cmds);
    assert_eq!(reqs.len(), 1, "{cmds:?}");
    assert_eq!(names(&reqs[0]), ["changed.txt", "new.txt"]);
    assert_eq!(reqs[0].target_dir, values::remote("/srv/ftp"));
    assert!(reqs[0].verify);
    assert!(deletes(&cmds).is_empty(), "no delete before the copies end");
    assert_eq!(records(&cmds), 0);
    // The batch ends well: the deletions go, deepest first.
    let cmds = batch_done(&mut s, reqs[0].batch, 2, 0);
    let dels = deletes(&cmds);
    assert_eq!(dels.len(), 1, "{cmds:?}");
    assert_eq!(
        paths(&dels[0].1),
        ["/srv/ftp/old/a", "/srv/ftp/old", "/srv/ftp/extra.txt"]
    );
    assert_eq!(records(&cmds), 0, "the record waits for the deletions");
    // They went: the record is kept, and the status says so.
    let cmds = op_done(&mut s, dels[0].0, 3);
    assert_eq!(records(&cmds), 1, "{cmds:?}");
    assert_eq!(status(&s), "in sync: 2 files copied, 3 deleted");
    engine(&mut s, Event::SyncRecorded { error: None });
    assert_eq!(status(&s), "in sync: 2 files copied, 3 deleted");
    engine(
        &mut s,
        Event::SyncRecorded {
            error: Some("disk full".into()),
        },
    );
    assert!(status(&s).contains("disk full"), "{}", status(&s));
}

#[test]
fn a_failed_copy_deletes_nothing_until_a_retry_ends_well() {
    let mut s = screen();
    planned(&mut s, plan());
    key(&mut s, KeyCode::Enter);
    let reqs = transfers(&key(&mut s, KeyCode::Enter));
    let batch = reqs[0].batch;
    let cmds = batch_done(&mut s, batch, 1, 1);
    assert!(deletes(&cmds).is_empty(), "{cmds:?}");
    assert_eq!(records(&cmds), 0);
    assert!(
        status(&s).starts_with("1 copy failed: nothing deleted"),
        "{}",
        status(&s)
    );
    // Another batch's end is not the sync's.
    assert!(deletes(&batch_done(&mut s, BatchId(9999), 3, 0)).is_empty());
    // The retry ends well (the batch reports again): now they go.
    let cmds = batch_done(&mut s, batch, 2, 0);
    assert_eq!(deletes(&cmds).len(), 1, "{cmds:?}");
}

#[test]
fn unticking_and_flipping_change_what_is_sent() {
    let mut s = screen();
    planned(&mut s, plan());
    // Lines: changed.txt, extra.txt, new.txt, old, old/a.
    // Space on changed.txt unticks it (the cursor moves to extra.txt);
    // f flips extra.txt's delete into a copy back from the server.
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char('f'));
    // Down to "old": unticking the folder keeps it (and old/a's delete
    // still goes).
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Enter); // deletions ticked: asks
    let cmds = key(&mut s, KeyCode::Enter);
    let reqs = transfers(&cmds);
    assert_eq!(reqs.len(), 2, "{cmds:?}");
    assert_eq!(names(&reqs[0]), ["new.txt"]);
    assert_eq!(reqs[0].target_dir, values::remote("/srv/ftp"));
    assert_eq!(names(&reqs[1]), ["extra.txt"]);
    assert_eq!(reqs[1].target_dir, values::local("/home/alice"));
    // Both batches must end before anything is deleted.
    assert!(deletes(&batch_done(&mut s, reqs[0].batch, 1, 0)).is_empty());
    let cmds = batch_done(&mut s, reqs[1].batch, 1, 0);
    let dels = deletes(&cmds);
    assert_eq!(dels.len(), 1, "{cmds:?}");
    assert_eq!(paths(&dels[0].1), ["/srv/ftp/old/a"]);
}

#[test]
fn a_plan_without_deletions_applies_at_the_first_enter_and_records_at_the_end() {
    let mut s = screen();
    let mut p = plan();
    p.lines
        .retain(|l| !matches!(l.action, wharf::engine::protocol::Action::Delete { .. }));
    planned(&mut s, p);
    let cmds = key(&mut s, KeyCode::Enter);
    let reqs = transfers(&cmds);
    assert_eq!(reqs.len(), 1, "{cmds:?}");
    let cmds = batch_done(&mut s, reqs[0].batch, 2, 0);
    assert!(deletes(&cmds).is_empty());
    assert_eq!(records(&cmds), 1, "{cmds:?}");
    assert_eq!(status(&s), "in sync: 2 files copied, 0 deleted");
}

#[test]
fn an_in_sync_plan_moves_nothing() {
    let mut s = screen();
    key(&mut s, KeyCode::F(12));
    let (req, _, _) = the_plan_sync(&key(&mut s, KeyCode::Enter));
    let mut p = plan();
    p.lines.clear();
    let cmds = engine(&mut s, Event::SyncPlanned { req, result: Ok(p) });
    assert!(transfers(&cmds).is_empty());
    assert!(deletes(&cmds).is_empty());
    assert!(s.dialog.is_none());
    assert_eq!(status(&s), "in sync: nothing to do");
}

#[test]
fn esc_closes_the_checklist_without_doing_anything() {
    let mut s = screen();
    planned(&mut s, plan());
    let cmds = key(&mut s, KeyCode::Esc);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(s.dialog.is_none());
    assert!(s.sync.run.is_none());
}

#[test]
fn the_checklist_moves_by_pages_over_a_big_plan() {
    let mut s = screen();
    let mut p = plan();
    let line = p.lines[2].clone();
    p.lines = (0..100_000)
        .map(|i| {
            let mut l = line.clone();
            l.path = RelPath::parse(format!("f{i:06}").as_bytes());
            l
        })
        .collect();
    planned(&mut s, p);
    key(&mut s, KeyCode::End);
    key(&mut s, KeyCode::PageUp);
    let Some(Dialog::SyncPlan(v)) = &s.dialog else {
        panic!()
    };
    let rows = wharf::app::sync_state::plan_rows(H);
    assert_eq!(v.cursor, 99_999 - rows);
    let start = std::time::Instant::now();
    let screen = render(&s);
    assert!(
        screen.contains(&format!("f{:06}", 99_999 - rows)),
        "{screen}"
    );
    assert!(start.elapsed().as_millis() < 500, "{:?}", start.elapsed());
}

#[test]
fn the_plan_checklist() {
    let mut s = screen();
    planned(&mut s, plan());
    key(&mut s, KeyCode::Char(' ')); // untick changed.txt
    key(&mut s, KeyCode::Char('f')); // extra.txt comes back instead
    insta::assert_snapshot!(render(&s));
}

// ---- compare mode -----------------------------------------------------------

fn mark(s: &AppState, side: Side, name: &str) -> Option<CompareMark> {
    let c = s.sync.comparison.as_ref().expect("compared");
    let pane = s.pane(side);
    let i = pane
        .entries
        .iter()
        .position(|e| e.name.display() == name)
        .expect("entry");
    c.marks(side)[i]
}

#[test]
fn compare_marks_both_panes_and_follows_a_new_listing() {
    let mut s = screen();
    key(&mut s, KeyCode::Char('='));
    use CompareMark::*;
    assert_eq!(mark(&s, Side::Local, "new.txt"), Some(Lone));
    assert_eq!(mark(&s, Side::Local, "changed.txt"), Some(Newer));
    assert_eq!(mark(&s, Side::Local, "same.txt"), Some(Equal));
    assert_eq!(mark(&s, Side::Local, "docs"), Some(Equal));
    assert_eq!(mark(&s, Side::Remote, "changed.txt"), Some(Older));
    assert_eq!(mark(&s, Side::Remote, "extra.txt"), Some(Lone));
    assert_eq!(mark(&s, Side::Remote, "old"), Some(Lone));
    // The remote folder is read again, now with same.txt changed in size.
    let cmds = key(&mut s, KeyCode::Tab);
    assert!(cmds.is_empty());
    let cmds = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    )
    .commands;
    let mut entries = remote_entries();
    entries[1].size = 11;
    let (req, path) = the_list(&cmds);
    engine(
        &mut s,
        Event::Listing {
            req,
            path,
            entries,
            notes: Default::default(),
        },
    );
    assert_eq!(mark(&s, Side::Local, "same.txt"), Some(SizeDiffers));
    assert_eq!(mark(&s, Side::Remote, "same.txt"), Some(SizeDiffers));
    // Once more: by checksum too; a third time: off, no marks.
    key(&mut s, KeyCode::Char('='));
    assert!(s.sync.compare_by_hash && s.sync.comparison.is_some());
    key(&mut s, KeyCode::Char('='));
    assert!(s.sync.comparison.is_none());
}

/// The pairs a `HashPairs` asks for, as (server path, local path).
fn the_hash_pairs(cmds: &[Command]) -> (RequestId, Vec<(String, String)>) {
    let found: Vec<_> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::HashPairs { req, pairs } => Some((
                *req,
                pairs
                    .iter()
                    .map(|(r, l)| (r.to_string(), l.display().to_string()))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "expected one HashPairs in {cmds:?}");
    found.into_iter().next().expect("one")
}

#[test]
fn compare_by_checksum_asks_for_the_equal_sizes_and_marks_by_the_answer() {
    let mut s = screen();
    // changed.txt: equal sizes (and times that differ) on both sides.
    let mut local = local_entries();
    local[1].size = 150;
    s.local.set_listing(s.local.path.clone(), local, None);
    key(&mut s, KeyCode::Char('='));
    use CompareMark::*;
    assert_eq!(mark(&s, Side::Local, "changed.txt"), Some(Newer));
    let cmds = key(&mut s, KeyCode::Char('='));
    let (req, pairs) = the_hash_pairs(&cmds);
    assert_eq!(
        pairs,
        vec![
            (
                "/srv/ftp/changed.txt".to_string(),
                "/home/alice/changed.txt".to_string()
            ),
            ("/srv/ftp/same.txt".into(), "/home/alice/same.txt".into()),
        ]
    );
    assert!(status(&s).contains("Comparing 2 files"), "{}", status(&s));
    // An answer to another request changes nothing.
    engine(
        &mut s,
        Event::PairsHashed {
            req: RequestId(req.0 + 1000),
            equal: vec![Some(false), Some(false)],
            error: None,
        },
    );
    assert_eq!(mark(&s, Side::Local, "same.txt"), Some(Equal));
    // Equal checksums make changed.txt equal whatever its times; same.txt's
    // differ, so it differs though size and time agree.
    engine(
        &mut s,
        Event::PairsHashed {
            req,
            equal: vec![Some(true), Some(false)],
            error: None,
        },
    );
    assert_eq!(mark(&s, Side::Local, "changed.txt"), Some(Equal));
    assert_eq!(mark(&s, Side::Remote, "changed.txt"), Some(Equal));
    assert_eq!(mark(&s, Side::Local, "same.txt"), Some(SizeDiffers));
    assert_eq!(mark(&s, Side::Remote, "same.txt"), Some(SizeDiffers));
    assert!(status(&s).contains("1 equal, 1 differ"), "{}", status(&s));
    // Off: the request is over; turning off asks nothing more.
    let cmds = key(&mut s, KeyCode::Char('='));
    assert!(!cmds.iter().any(|c| matches!(c, Command::HashPairs { .. })));
}

#[test]
fn compare_by_checksum_on_a_server_without_one_says_so() {
    let mut s = screen();
    key(&mut s, KeyCode::Char('='));
    let cmds = key(&mut s, KeyCode::Char('='));
    let (req, pairs) = the_hash_pairs(&cmds);
    engine(
        &mut s,
        Event::PairsHashed {
            req,
            equal: vec![None; pairs.len()],
            error: None,
        },
    );
    assert!(status(&s).contains("offers no checksum"), "{}", status(&s));
    assert_eq!(mark(&s, Side::Local, "same.txt"), Some(CompareMark::Equal));
}

#[test]
fn the_companion_key_marks_what_f5_would_copy() {
    let mut s = screen();
    key(&mut s, KeyCode::Char('='));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('='), KeyModifiers::ALT)),
    );
    let mut marked: Vec<String> = s.local.marked.iter().map(|n| n.to_string()).collect();
    marked.sort();
    assert_eq!(marked, ["changed.txt", "new.txt"]);
    let cmds = key(&mut s, KeyCode::F(5));
    assert!(cmds.is_empty(), "F5 asks where first");
    let reqs = transfers(&key(&mut s, KeyCode::Enter));
    let mut sent = names(&reqs[0]);
    sent.sort();
    assert_eq!(sent, ["changed.txt", "new.txt"]);
}

#[test]
fn compare_marks_in_both_panes() {
    let mut s = screen();
    key(&mut s, KeyCode::Char('='));
    // Coloured by the theme: only here, newer, differing; equal dimmed.
    let mut t = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    t.draw(|f| wharf::ui::draw(f, &s, 2026)).expect("draw");
    let buf = t.backend().buffer();
    let fg_of = |name: &str, right: bool| {
        let half = W / 2;
        (0..H)
            .flat_map(|y| (0..half - name.len() as u16).map(move |x| (x, y)))
            .map(|(x, y)| (if right { x + half } else { x }, y))
            .find(|&(x, y)| {
                let row: String = (x..x + name.len() as u16)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect();
                row == name
            })
            .map(|(x, y)| buf[(x, y)].fg)
            .unwrap_or_else(|| panic!("{name} not drawn"))
    };
    let theme = s.theme;
    assert_eq!(Some(fg_of("new.txt", false)), theme.compare_lone);
    assert_eq!(Some(fg_of("changed.txt", false)), theme.compare_newer);
    assert_eq!(Some(fg_of("changed.txt", true)), theme.compare_differs);
    assert_eq!(Some(fg_of("same.txt", true)), theme.dim);
    insta::assert_snapshot!(render(&s));
}

// ---- synchronised browsing --------------------------------------------------

#[test]
fn synchronised_browsing_enters_and_leaves_in_both_panes() {
    let mut s = screen();
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert!(s.sync.browse_together);
    // Onto docs/ (folders first: .., docs) and in.
    press(&mut s, KeyCode::Home);
    press(&mut s, KeyCode::Down);
    assert_eq!(
        s.local.current().map(|e| e.name.to_string()).as_deref(),
        Some("docs")
    );
    let cmds = key(&mut s, KeyCode::Enter);
    let lists: Vec<Location> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::List { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        lists,
        [
            values::local("/home/alice/docs"),
            values::remote("/srv/ftp/docs")
        ]
    );
    // A folder the server has not: the other pane stays, and says so.
    let mut s = screen();
    s.sync.browse_together = true;
    let mut entries = local_entries();
    entries.push(dir("photos"));
    s.local.set_listing(
        values::local("/home/alice"),
        entries,
        Some(&"photos".into()),
    );
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    assert!(status(&s).contains("no folder photos"), "{}", status(&s));
    // Leaving goes up in both.
    let mut s = screen();
    s.sync.browse_together = true;
    s.remote
        .set_listing(values::remote("/srv/ftp/docs"), vec![], None);
    s.local
        .set_listing(values::local("/home/alice/docs"), vec![], None);
    let cmds = key(&mut s, KeyCode::Backspace);
    let lists: Vec<Location> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::List { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        lists,
        [values::local("/home/alice"), values::remote("/srv/ftp")]
    );
}
