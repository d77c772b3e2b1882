//! Synchronise (issue 15): the dialog (direction, deleting what is only on
//! the target, criteria), the planning (`Command::PlanSync` for the two
//! panes' folders; its count streams in, Esc stops it), the plan's
//! checklist (Space ticks, `f` flips a line, Enter applies), and the run:
//! the copies as transfer batches; only when every batch ended with
//! nothing failed, skipped or cancelled, the deletions (through the
//! delete's own queue row, `delete_request.rs`); only when those all went,
//! `Command::RecordSync`. A failed copy leaves the sync waiting: a retry
//! that ends well runs the deletions then. Pure.

use crossterm::event::{KeyCode, KeyEvent};

use super::delete_request;
use super::dialog::Dialog;
use super::effects::Update;
use super::state::AppState;
use super::sync_state::{
    BatchEnd, PlanView, SETUP_FIELDS, SyncPhase, SyncPlanning, SyncRun, SyncSetup, plan_rows,
};
use crate::engine::protocol::{
    Action, BatchId, Command, Failure, Location, OpCounts, RequestId, Side, SyncDirection,
    SyncOptions, SyncPlan, SyncRoots,
};
use crate::text;

/// The synchronise key: opens the dialog for the two panes' folders,
/// from the focused pane to the other.
pub fn open(state: &mut AppState, out: &mut Update) {
    let Some(roots) = roots(state) else {
        state.set_status(
            "Synchronise needs both panes browsing: a local folder and a folder on a connected server",
            true,
        );
        return out.unchanged();
    };
    let direction = match state.focus {
        Side::Local => SyncDirection::LocalToRemote,
        Side::Remote => SyncDirection::RemoteToLocal,
    };
    state.dialog = Some(Dialog::SyncSetup(SyncSetup {
        roots,
        options: SyncOptions {
            direction,
            ..SyncOptions::default()
        },
        focus: 0,
    }));
}

/// The two panes' folders, when both are listed (the remote one connected).
fn roots(state: &AppState) -> Option<SyncRoots> {
    if !state.is_connected() || !state.local.loaded || !state.remote.loaded {
        return None;
    }
    match (&state.local.path, &state.remote.path) {
        (Location::Local(l), Location::Remote(r)) => Some(SyncRoots {
            local: l.clone(),
            remote: r.clone(),
        }),
        _ => None,
    }
}

/// The dialog's keys: Up/Down (Tab) choose a line, Left/Right/Space change
/// it, Enter plans, Esc closes.
pub fn setup_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::SyncSetup(setup)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    match key.code {
        KeyCode::Esc => state.dialog = None,
        KeyCode::Up | KeyCode::BackTab => {
            setup.focus = (setup.focus + SETUP_FIELDS - 1) % SETUP_FIELDS
        }
        KeyCode::Down | KeyCode::Tab => setup.focus = (setup.focus + 1) % SETUP_FIELDS,
        KeyCode::Left => setup.cycle(true),
        KeyCode::Right | KeyCode::Char(' ') => setup.cycle(false),
        KeyCode::Enter => {
            let (roots, options) = (setup.roots.clone(), setup.options);
            let req = state.next_request();
            state.dialog = Some(Dialog::SyncPlanning(SyncPlanning {
                req,
                roots: roots.clone(),
                options,
                seen: 0,
                unreadable: 0,
            }));
            out.send(Command::PlanSync {
                req,
                roots,
                options,
            });
        }
        _ => out.unchanged(),
    }
}

/// Whether `req` is the planning on screen.
pub fn owns(state: &AppState, req: RequestId) -> bool {
    matches!(&state.dialog, Some(Dialog::SyncPlanning(p)) if p.req == req)
}

/// Esc stops the planning; nothing else does anything.
pub fn planning_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::SyncPlanning(p)) = &state.dialog else {
        return out.unchanged();
    };
    if key.code != KeyCode::Esc {
        return out.unchanged();
    }
    out.send(Command::CancelFileOp { req: p.req });
    state.dialog = None;
    state.set_status("Synchronise stopped: nothing was changed", false);
}

/// The walk's count so far.
pub fn on_progress(state: &mut AppState, req: RequestId, seen: usize) {
    if let Some(Dialog::SyncPlanning(p)) = state.dialog.as_mut()
        && p.req == req
    {
        p.seen = seen;
    }
}

/// A folder the walk could not read.
pub fn on_unreadable(state: &mut AppState, req: RequestId, path: Location, error: Failure) {
    if let Some(Dialog::SyncPlanning(p)) = state.dialog.as_mut()
        && p.req == req
    {
        p.unreadable += 1;
    }
    state.set_status(
        format!(
            "Could not read {}: {}",
            text::sanitize(&path.display()),
            text::sanitize(&error.message)
        ),
        true,
    );
}

/// The plan came (or why not): the checklist opens; a plan with nothing
/// in it says "in sync" and keeps the record.
pub fn on_planned(
    state: &mut AppState,
    req: RequestId,
    result: Result<Box<SyncPlan>, Failure>,
    out: &mut Update,
) {
    if !owns(state, req) {
        return out.unchanged();
    }
    state.dialog = None;
    match result {
        Err(e) => state.set_status(
            format!("Could not plan the sync: {}", text::sanitize(&e.message)),
            true,
        ),
        Ok(plan) if plan.lines.is_empty() => {
            state.set_status("in sync: nothing to do", false);
            out.send(Command::RecordSync { plan });
        }
        Ok(plan) => state.dialog = Some(Dialog::SyncPlan(Box::new(PlanView::new(plan)))),
    }
}

/// The checklist's keys.
pub fn plan_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let rows = plan_rows(state.layout.area.height);
    let Some(Dialog::SyncPlan(view)) = state.dialog.as_mut() else {
        return out.unchanged();
    };
    let page = rows as isize;
    let confirming = view.confirm;
    view.confirm = false;
    match key.code {
        KeyCode::Esc if confirming => {}
        KeyCode::Esc => {
            state.dialog = None;
            state.set_status("Synchronise closed: nothing was changed", false);
        }
        KeyCode::Up | KeyCode::Char('k') => view.move_cursor(-1, rows),
        KeyCode::Down | KeyCode::Char('j') => view.move_cursor(1, rows),
        KeyCode::PageUp => view.move_cursor(-page, rows),
        KeyCode::PageDown => view.move_cursor(page, rows),
        KeyCode::Home => view.move_cursor(isize::MIN / 2, rows),
        KeyCode::End => view.move_cursor(isize::MAX / 2, rows),
        KeyCode::Char(' ') | KeyCode::Insert => {
            if let Some(line) = view.plan.lines.get_mut(view.cursor)
                && !matches!(line.action, Action::Skip(_))
            {
                line.ticked = !line.ticked;
                view.recount();
            }
            view.move_cursor(1, rows);
        }
        KeyCode::Char('f') | KeyCode::Char('F') => {
            if view.plan.flip(view.cursor) {
                view.recount();
            } else {
                state.set_status("A reported line cannot be flipped", false);
            }
        }
        KeyCode::Enter | KeyCode::Char('y') if view.counts.deletions() > 0 && !confirming => {
            view.confirm = true;
        }
        KeyCode::Enter | KeyCode::Char('y') => {
            let Some(Dialog::SyncPlan(view)) = state.dialog.take() else {
                return;
            };
            apply(state, view.plan, out);
        }
        _ => out.unchanged(),
    }
}

/// Runs the ticked lines: the copies now, the deletions once every copy
/// succeeded.
pub fn apply(state: &mut AppState, plan: Box<SyncPlan>, out: &mut Update) {
    if plan.is_in_sync() {
        state.set_status("in sync: nothing to do", false);
        out.send(Command::RecordSync { plan });
        return;
    }
    let requests = plan.transfer_requests(|| state.next_batch(), true);
    let deletes = [Side::Local, Side::Remote]
        .iter()
        .any(|s| !plan.delete_targets(*s).is_empty());
    if requests.is_empty() && !deletes {
        state.set_status("Nothing ticked: nothing was changed", false);
        return;
    }
    let files: usize = requests.iter().map(|r| r.items.len()).sum();
    let batches = requests.iter().map(|r| (r.batch, None)).collect();
    for r in requests {
        out.send(Command::Transfer(r));
    }
    state.sync.run = Some(SyncRun {
        plan,
        batches,
        phase: SyncPhase::Copying,
    });
    if !has_batches(state) {
        return start_deletions(state, out);
    }
    state.set_status(
        format!(
            "Synchronising: copying {}…",
            text::count(files, "file", "files")
        ),
        false,
    );
}

fn has_batches(state: &AppState) -> bool {
    state
        .sync
        .run
        .as_ref()
        .is_some_and(|r| !r.batches.is_empty())
}

/// Whether `batch` is one of the running sync's copies.
pub fn owns_batch(state: &AppState, batch: BatchId) -> bool {
    state
        .sync
        .run
        .as_ref()
        .is_some_and(|r| r.batches.iter().any(|(b, _)| *b == batch))
}

/// One of the sync's batches ended (again, after a retry): when all have
/// and none left anything undone, the deletions run; else the sync says
/// so and waits.
pub fn on_batch_done(
    state: &mut AppState,
    batch: BatchId,
    done: usize,
    not_done: usize,
    out: &mut Update,
) {
    let Some(run) = state.sync.run.as_mut() else {
        return;
    };
    if run.phase != SyncPhase::Copying {
        return;
    }
    for (b, end) in &mut run.batches {
        if *b == batch {
            *end = Some(BatchEnd { done, not_done });
        }
    }
    if run.batches.iter().any(|(_, e)| e.is_none()) {
        return;
    }
    let failed: usize = run
        .batches
        .iter()
        .filter_map(|(_, e)| *e)
        .map(|e| e.not_done)
        .sum();
    if failed > 0 {
        let retry = state
            .keymap
            .key_for(super::keymap::Action::RetryFailed)
            .map(|k| format!(" (retry them in the queue: {k})"))
            .unwrap_or_default();
        state.set_status(
            format!(
                "{} failed: nothing deleted{retry}",
                text::count(failed, "copy", "copies")
            ),
            true,
        );
        return;
    }
    start_deletions(state, out);
}

/// A batch that could not start at all counts as failed.
pub fn on_batch_failed(state: &mut AppState, batch: BatchId, out: &mut Update) {
    on_batch_done(state, batch, 0, 1, out);
}

/// Every copy succeeded: the deletions of each side go, or the sync ends.
fn start_deletions(state: &mut AppState, out: &mut Update) {
    let Some(run) = state.sync.run.as_ref() else {
        return;
    };
    let mut sends = Vec::new();
    for side in [Side::Local, Side::Remote] {
        let targets = run.plan.delete_targets(side);
        if !targets.is_empty() {
            let folder = run.plan.roots.location(side, &Default::default());
            sends.push((folder.display().into_owned(), targets));
        }
    }
    if sends.is_empty() {
        return finish(state, out);
    }
    let mut reqs = Vec::new();
    for (folder, targets) in sends {
        reqs.push((
            delete_request::send(state, &folder, targets, None, out),
            None,
        ));
    }
    if let Some(run) = state.sync.run.as_mut() {
        run.phase = SyncPhase::Deleting(reqs);
    }
    state.set_status("Synchronising: every copy succeeded; deleting…", false);
}

/// Whether `req` is one of the running sync's deletions.
pub fn owns_delete(state: &AppState, req: RequestId) -> bool {
    matches!(
        state.sync.run.as_ref().map(|r| &r.phase),
        Some(SyncPhase::Deleting(reqs)) if reqs.iter().any(|(r, _)| *r == req)
    )
}

/// One of the deletions ended (its row and failures are the delete's
/// own, `file_op_events.rs`): when all went, the record is kept.
pub fn on_deleted(
    state: &mut AppState,
    req: RequestId,
    counts: OpCounts,
    cancelled: bool,
    out: &mut Update,
) {
    let Some(run) = state.sync.run.as_mut() else {
        return;
    };
    let SyncPhase::Deleting(reqs) = &mut run.phase else {
        return;
    };
    for (r, end) in reqs.iter_mut() {
        if *r == req {
            *end = Some(if cancelled {
                OpCounts {
                    failed: counts.failed.max(1),
                    ..counts
                }
            } else {
                counts
            });
        }
    }
    if reqs.iter().any(|(_, e)| e.is_none()) {
        return;
    }
    if reqs.iter().filter_map(|(_, e)| *e).any(|c| c.failed > 0) {
        // The delete's own message names what was not deleted.
        state.sync.run = None;
        return;
    }
    finish(state, out);
}

/// Copies and deletions all went: the record is kept.
fn finish(state: &mut AppState, out: &mut Update) {
    let Some(run) = state.sync.run.take() else {
        return;
    };
    let copied: usize = run
        .batches
        .iter()
        .filter_map(|(_, e)| *e)
        .map(|e| e.done)
        .sum();
    let deleted: usize = match &run.phase {
        SyncPhase::Deleting(reqs) => reqs.iter().filter_map(|(_, e)| *e).map(|c| c.done).sum(),
        _ => 0,
    };
    state.set_status(
        format!(
            "in sync: {} copied, {} deleted",
            text::count(copied, "file", "files"),
            deleted
        ),
        false,
    );
    out.send(Command::RecordSync { plan: run.plan });
}

/// The record was kept, or why not.
pub fn on_recorded(state: &mut AppState, error: Option<String>, out: &mut Update) {
    match error {
        Some(e) => state.set_status(
            format!(
                "In sync, but the sync record was not kept ({}): the next sync compares by size and time",
                text::sanitize(&e)
            ),
            true,
        ),
        None => out.unchanged(),
    }
}
