//! Transfers, on connections of their own (a control connection cannot
//! answer while its data connection is busy): the scheduler task that turns
//! requests into file jobs and hands them to a pool of workers.
//!
//! Flow: a `TransferRequest` is planned (folders walked, targets looked up)
//! on a connection of its own; the resulting jobs are queued; each waits for
//! the user's answer if its target exists and the policy is Ask; a free
//! worker (at most `connections` of them, opened when there is work and
//! closed after a while without) runs it and reports to the scheduler.
//!
//! `scheduler.rs` is the glue: the scheduler's loop, which routes messages,
//! worker reports and its own tasks' results to the parts that decide —
//! `jobs.rs` (the job table, and the one writer of a transfer's state),
//! `conflicts.rs` (existing-target questions), `batches.rs` (a request as
//! a whole, and its report), `pool.rs` (the workers and their limits),
//! `planning.rs` and `move_cleanup.rs` (the tasks it starts) — and sends
//! the batch and conflict events they decide on (a transfer's own events
//! come from the job table alone).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::batches::{AfterMove, Batches, changed};
use super::config::TransferConfig;
use super::conflicts::{self, Conflicts, Decision, Next};
use super::disk_space;
use super::job::{Job, Outcome};
use super::jobs::Jobs;
use super::pool::{self, LoginVerdict, Pool, server_of};
use super::saved::{self, SavedJob};
use super::worker::{self, Report};
use super::{move_cleanup, plan, planning};
use crate::engine::error::EngineError;
use crate::engine::protocol::{
    AskId, BatchId, ConnectProfile, Direction, Event, EventTx, Failure, FailureKind, Location,
    OnExisting, TransferId, TransferRequest,
};
use crate::engine::session::{Connector, Session};
use crate::engine::wire_log::WireSink;
use crate::text;

/// Messages to the scheduler.
pub enum Msg {
    Profile(Option<ConnectProfile>),
    /// A session logged in to the current server, for the next request's
    /// planning (saves a login: `wharf get`/`put` lend the one that looked
    /// at the URL). Ignored after a change of server.
    PlanOn(Box<Session>),
    Request(TransferRequest),
    Cancel(TransferId),
    CancelAll,
    Retry(Vec<TransferId>),
    Resolve {
        ask: AskId,
        choice: OnExisting,
        for_all: bool,
    },
    /// Start a batch held for want of room (`Event::NotEnoughSpace`), or drop it.
    AnswerSpace {
        batch: BatchId,
        go_on: bool,
    },
    /// Stop every unfinished file and save it for the next connection to
    /// its server (the user disconnects with transfers running).
    Suspend,
    /// Queue the files saved for the current server, as batch `batch`.
    ResumeSaved(BatchId),
    /// Forget the files saved for the current server.
    DiscardSaved,
    /// Save the unfinished files (as `Suspend`) and stop.
    Shutdown,
}

/// The engine's handle on the scheduler task.
pub struct TransferHandle {
    tx: mpsc::UnboundedSender<Msg>,
    task: tokio::task::JoinHandle<()>,
}

impl TransferHandle {
    pub fn send(&self, m: Msg) {
        let _ = self.tx.send(m);
    }

    /// Stops every transfer and waits (briefly) for the connections to close.
    pub async fn shutdown(self) {
        let _ = self.tx.send(Msg::Shutdown);
        let _ = tokio::time::timeout(Duration::from_secs(3), self.task).await;
    }
}

/// Starts the scheduler. `saved` is the saved queue's file (`saved.rs`):
/// unfinished files go there when it stops, and come back from there;
/// None keeps nothing (headless commands, most tests).
pub fn spawn(
    events: EventTx,
    config: TransferConfig,
    connector: Connector,
    saved: Option<PathBuf>,
) -> TransferHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut scheduler = Scheduler::new(events, config, connector);
    scheduler.saved = saved;
    let task = tokio::spawn(scheduler.run(rx));
    TransferHandle { tx, task }
}

/// Internal messages from tasks the scheduler started.
enum Internal {
    /// Planning needs a logged-in session and the server takes no new
    /// connection: the next worker free hands over its own.
    PlanWants(oneshot::Sender<Session>),
    Planned {
        batch: BatchId,
        result: Result<plan::Plan, EngineError>,
        /// The planning connection, still logged in: it joins the pool.
        session: Option<Box<Session>>,
    },
    /// A download filled the disk of `folder`: `ids`, downloads waiting
    /// to start then, are onto that disk (found on a blocking thread).
    DiskFull {
        folder: PathBuf,
        free: Option<u64>,
        ids: Vec<TransferId>,
    },
    /// Files of the saved queue, taken out of it for the current server.
    Restored {
        batch: BatchId,
        server: String,
        jobs: Vec<Job>,
    },
}

struct Scheduler {
    events: EventTx,
    /// Every connection of the transfers is opened through it.
    connector: Connector,
    config: TransferConfig,
    /// Transfer ids, handed out by planning tasks.
    next_id: Arc<AtomicU64>,
    jobs: Jobs,
    conflicts: Conflicts,
    batches: Batches,
    pool: Pool,
    reports_rx: Option<mpsc::UnboundedReceiver<Report>>,
    internal_tx: mpsc::UnboundedSender<Internal>,
    internal_rx: Option<mpsc::UnboundedReceiver<Internal>>,
    /// A logged-in session lent for the next request's planning (Msg::PlanOn).
    spare_plan: Option<Session>,
    /// Planned download batches waiting for the user's word because they
    /// need more room than their disk has.
    held_for_space: HashMap<BatchId, plan::Plan>,
    /// Disks found full whose waiting downloads are being looked up
    /// (`Internal::DiskFull`): no job starts meanwhile, or the next one
    /// would go onto the full disk before it is stopped.
    disk_checks: usize,
    /// The saved queue's file, if unfinished work is kept.
    saved: Option<PathBuf>,
}

impl Scheduler {
    fn new(events: EventTx, config: TransferConfig, connector: Connector) -> Self {
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let (internal_tx, internal_rx) = mpsc::unbounded_channel();
        let worker_events = events.clone();
        let worker_connector = connector.clone();
        let launch: pool::Launch = Box::new(move |start, assignments| {
            tokio::spawn(worker::run(
                start,
                worker_connector.clone(),
                assignments,
                reports_tx.clone(),
                worker_events.clone(),
            ));
        });
        Scheduler {
            jobs: Jobs::new(events.clone()),
            events,
            connector,
            config,
            next_id: Arc::new(AtomicU64::new(1)),
            conflicts: Conflicts::default(),
            batches: Batches::default(),
            pool: Pool::new(config, launch),
            reports_rx: Some(reports_rx),
            internal_tx,
            internal_rx: Some(internal_rx),
            spare_plan: None,
            held_for_space: HashMap::new(),
            disk_checks: 0,
            saved: None,
        }
    }

    fn emit(&self, e: Event) {
        let _ = self.events.send(e);
    }

    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Msg>) {
        let (Some(mut reports), Some(mut internal)) =
            (self.reports_rx.take(), self.internal_rx.take())
        else {
            return;
        };
        loop {
            let idle_check = self
                .pool
                .next_idle_close()
                .map(tokio::time::Instant::from_std);
            let regrow_at = self.pool.regrow_at().map(tokio::time::Instant::from_std);
            tokio::select! {
                m = rx.recv() => match m {
                    None | Some(Msg::Shutdown) => break,
                    Some(m) => self.on_msg(m),
                },
                Some(r) = reports.recv() => self.on_report(r),
                Some(i) = internal.recv() => self.on_internal(i),
                _ = crate::timer::sleep_until(idle_check), if idle_check.is_some() => {
                    self.pool.close_idle(Instant::now(), self.jobs.has_ready());
                }
                // The wait after a round of failed logins is over: dispatch may open workers again.
                _ = crate::timer::sleep_until(regrow_at), if regrow_at.is_some() => self.pool.regrow_due(),
            }
            self.dispatch();
        }
        if let Some(saving) = self.suspend() {
            let _ = saving.await;
        }
        // Running downloads put what came on disk for next time: wait
        // (briefly) for their workers' word.
        let deadline = tokio::time::Instant::now() + Duration::from_millis(2500);
        while self.jobs.any_running() {
            match tokio::time::timeout_at(deadline, reports.recv()).await {
                Ok(Some(r)) => self.on_report(r),
                _ => break,
            }
        }
        self.jobs.stop_all();
        // Dropping the senders ends the workers; they send QUIT.
        self.pool.clear();
    }

    fn on_msg(&mut self, m: Msg) {
        match m {
            Msg::Profile(p) => {
                if self.pool.change_server(p) {
                    self.spare_plan = None;
                    self.offer_saved();
                }
                self.fail_not_started_of_other_servers();
            }
            Msg::Suspend => {
                // In the background: nothing waits for the file.
                let _ = self.suspend();
            }
            Msg::ResumeSaved(batch) => self.resume_saved(batch),
            Msg::DiscardSaved => self.discard_saved(),
            Msg::Request(req) => self.start_batch(req),
            Msg::Cancel(id) => self.cancel(id),
            Msg::CancelAll => {
                for id in self.jobs.ids() {
                    self.cancel(id);
                }
            }
            Msg::Retry(ids) => {
                for id in ids {
                    self.retry(id);
                }
            }
            Msg::Resolve {
                ask,
                choice,
                for_all,
            } => self.resolve(ask, choice, for_all),
            Msg::AnswerSpace { batch, go_on } => self.answer_space(batch, go_on),
            Msg::PlanOn(session) => {
                // The same login on the same server: the session's profile
                // has the connector's defaults applied (TLS versions from
                // config.toml), the pool's is as the caller gave it.
                if self.current_server() == Some(server_of(session.profile())) {
                    if let Some(old) = self.spare_plan.replace(*session) {
                        tokio::spawn(old.quit());
                    }
                } else {
                    tokio::spawn(session.quit());
                }
            }
            Msg::Shutdown => {}
        }
    }

    /// Saves every unfinished file for the next connection to its server,
    /// and stops them (running ones keep their partial files). The write
    /// runs on a blocking thread; its handle is returned, if there is one.
    fn suspend(&mut self) -> Option<tokio::task::JoinHandle<()>> {
        let path = self.saved.clone()?;
        let jobs: Vec<SavedJob> = self
            .jobs
            .unfinished()
            .into_iter()
            .filter_map(|j| Some(SavedJob::of(j, self.batches.server(j.batch)?)))
            .collect();
        for batch in self.jobs.suspend_all() {
            self.one_finished(batch);
        }
        if jobs.is_empty() {
            return None;
        }
        let sink = WireSink::to_events(self.events.clone(), "");
        let files = jobs.len();
        Some(tokio::task::spawn_blocking(move || {
            match saved::add(&path, jobs) {
                Ok(()) => sink.info(format!(
                    "{files} unfinished transfers saved in {}: offered again on the next connection",
                    path.display()
                )),
                Err(e) => {
                    tracing::warn!("the unfinished transfers were not saved: {e}");
                    sink.info(format!("The unfinished transfers were not saved: {e}"));
                }
            }
        }))
    }

    /// After connecting: files saved for this server are offered.
    fn offer_saved(&self) {
        let (Some(path), Some(server)) = (self.saved.clone(), self.current_server()) else {
            return;
        };
        let events = self.events.clone();
        tokio::task::spawn_blocking(move || match saved::count(&path, &server) {
            Ok((0, _)) => {}
            Ok((files, bytes)) => {
                let _ = events.send(Event::SavedTransfers {
                    server,
                    files,
                    bytes,
                });
            }
            Err(e) => tracing::warn!("the saved transfers cannot be read: {e}"),
        });
    }

    /// Takes the current server's saved files back into the queue, as
    /// jobs that continue their partial files.
    fn resume_saved(&mut self, batch: BatchId) {
        let (Some(path), Some(server)) = (self.saved.clone(), self.current_server()) else {
            return;
        };
        let ids = self.next_id.clone();
        let internal = self.internal_tx.clone();
        let sink = WireSink::to_events(self.events.clone(), "");
        let verify = self.config.verify;
        tokio::task::spawn_blocking(move || {
            let saved_jobs = match saved::take(&path, &server) {
                Ok(j) => j,
                Err(e) => return sink.info(format!("The saved transfers cannot be read: {e}")),
            };
            let jobs = saved_jobs
                .iter()
                .map(|s| Job {
                    id: TransferId(ids.fetch_add(1, Ordering::Relaxed)),
                    batch,
                    direction: s.direction(),
                    display: s.display.clone(),
                    remote: s.remote_path(),
                    local: s.local_path(),
                    size: s.size,
                    modified: None,
                    modified_exact: false,
                    existing: None,
                    // Not kept with the saved job: a replaced target's mode
                    // is not restored after a restart.
                    existing_mode: None,
                    taken: Arc::default(),
                    on_existing: OnExisting::Ask,
                    move_after: s.move_after,
                    resume_part: true,
                    verify: verify.wants(s.verify),
                })
                .collect();
            // A download's target that appeared since is asked about.
            let jobs = plan::look_up_local_targets(jobs);
            let _ = internal.send(Internal::Restored {
                batch,
                server,
                jobs,
            });
        });
    }

    fn discard_saved(&self) {
        let (Some(path), Some(server)) = (self.saved.clone(), self.current_server()) else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            if let Err(e) = saved::take(&path, &server) {
                tracing::warn!("the saved transfers cannot be forgotten: {e}");
            }
        });
    }

    /// Saved files are back: they run as one batch, if the user is still
    /// on their server (else they are saved again).
    fn restored(&mut self, batch: BatchId, server: String, jobs: Vec<Job>) {
        let profile = self.pool.profile().cloned();
        let Some(profile) = profile.filter(|p| server_of(p) == server) else {
            if let Some(path) = self.saved.clone() {
                let again: Vec<SavedJob> = jobs.iter().map(|j| SavedJob::of(j, &server)).collect();
                tokio::task::spawn_blocking(move || saved::add(&path, again));
            }
            return;
        };
        let Some(first) = jobs.first() else { return };
        let target_dir = match first.direction {
            Direction::Download => first.local.parent().map(|d| Location::Local(d.into())),
            Direction::Upload => first.remote.parent().map(Location::Remote),
        };
        let Some(target_dir) = target_dir else { return };
        let req = TransferRequest {
            batch,
            items: Vec::new(),
            target_dir,
            on_existing: OnExisting::Ask,
            move_after: false,
            folders: Vec::new(),
            verify: false,
        };
        self.batches.open(&req, profile, server);
        self.pool.grow(jobs.len().min(self.config.connections));
        self.add_plan(
            batch,
            plan::Plan {
                jobs,
                skipped: Vec::new(),
                source_dirs: Vec::new(),
                // Continuing partial files: asked about when they were
                // first queued.
                shortfall: None,
            },
        );
    }

    /// The server the user is connected to, as batches name it.
    fn current_server(&self) -> Option<String> {
        self.pool.profile().map(server_of)
    }

    fn start_batch(&mut self, mut req: TransferRequest) {
        // Each job takes it from the request (`plan.rs`).
        req.verify = self.config.verify.wants(req.verify);
        let Some(profile) = self.pool.profile().cloned() else {
            self.emit(Event::BatchFailed {
                batch: req.batch,
                error: EngineError::NotConnected.failure(),
            });
            return;
        };
        self.batches
            .open(&req, profile.clone(), server_of(&profile));
        // Connections take a few round trips to log in: open them while
        // the tree is walked. A session lent for planning joins the pool
        // afterwards, so one fewer is opened.
        let spare = self.spare_plan.take().filter(Session::is_usable);
        // Planning that needs the server goes on a free worker's session
        // when there is one: no login, and no extra place taken on a
        // server that limits connections.
        let lent = if spare.is_none() && planning::needs_server(&req) {
            self.lend_idle_worker()
        } else {
            None
        };
        let borrowed = spare.is_some() || lent.is_some();
        let wanted = planning::workers_wanted(&req, self.config.connections);
        self.pool.grow(wanted.saturating_sub(usize::from(borrowed)));
        let ids = self.next_id.clone();
        let internal = self.internal_tx.clone();
        let events = self.events.clone();
        let connector = self.connector.clone();
        let ask = internal.clone();
        let borrow: plan::Borrow = Box::new(move |to| {
            let _ = ask.send(Internal::PlanWants(to));
        });
        tokio::spawn(async move {
            let batch = req.batch;
            let spare = match (spare, lent) {
                (Some(s), _) => Some(s),
                (None, Some(rx)) => rx.await.ok(),
                (None, None) => None,
            };
            let (result, session) =
                planning::plan_batch(req, profile, connector, spare, borrow, ids, events).await;
            let _ = internal.send(Internal::Planned {
                batch,
                result,
                session: session.map(Box::new),
            });
        });
    }

    /// Asks an idle worker for its session (it ends, and the session comes
    /// back through `adopt` after planning). None if no worker is free.
    fn lend_idle_worker(&mut self) -> Option<oneshot::Receiver<Session>> {
        let (tx, rx) = oneshot::channel();
        self.pool.lend(tx).ok().map(|()| rx)
    }

    fn on_internal(&mut self, i: Internal) {
        match i {
            Internal::Restored {
                batch,
                server,
                jobs,
            } => self.restored(batch, server, jobs),
            Internal::PlanWants(to) => self.pool.wait_to_lend(to),
            Internal::DiskFull { folder, free, ids } => {
                self.disk_checks = self.disk_checks.saturating_sub(1);
                self.stop_downloads(&folder, free, ids);
            }
            Internal::Planned {
                batch,
                result,
                session,
            } => {
                match result {
                    Err(e) => {
                        tracing::warn!(batch = batch.0, "transfer could not start: {e}");
                        self.batches.planning_failed(batch);
                        self.emit(Event::BatchFailed {
                            batch,
                            error: e.failure(),
                        });
                    }
                    Ok(plan) => match plan.shortfall.clone() {
                        Some(short) => self.hold_for_space(batch, plan, short),
                        None => self.add_plan(batch, plan),
                    },
                }
                if let Some(s) = session
                    && let Err(s) = self.pool.adopt(s)
                {
                    // In the background: nothing waits for the reply.
                    tokio::spawn(s.quit());
                }
            }
        }
    }

    fn add_plan(&mut self, batch: BatchId, plan: plan::Plan) {
        let files = plan.jobs.len();
        let bytes = plan.jobs.iter().filter_map(|j| j.size).sum();
        let mut ids = Vec::with_capacity(files);
        for job in plan.jobs {
            let id = job.id;
            ids.push(id);
            if self.jobs.add(job) {
                self.conflicts.queue(id);
            }
        }
        self.batches.planned(batch, ids, plan.source_dirs);
        self.emit(Event::BatchQueued {
            batch,
            files,
            bytes,
            skipped: plan.skipped,
        });
        self.ask_next();
        self.report_if_done(batch);
    }

    /// A download batch that does not fit its disk waits for the user.
    fn hold_for_space(&mut self, batch: BatchId, plan: plan::Plan, short: disk_space::Shortfall) {
        self.held_for_space.insert(batch, plan);
        self.emit(Event::NotEnoughSpace {
            batch,
            folder: short.folder,
            needed: short.needed,
            free: short.free,
        });
    }

    fn answer_space(&mut self, batch: BatchId, go_on: bool) {
        let Some(plan) = self.held_for_space.remove(&batch) else {
            return;
        };
        let asked_of = self.batches.server(batch).map(str::to_string);
        if go_on && asked_of.is_some() && asked_of == self.current_server() {
            self.add_plan(batch, plan);
        } else if go_on {
            // The user connected elsewhere while the question was open:
            // these paths are another server's.
            self.batches.planning_failed(batch);
            self.emit(Event::BatchFailed {
                batch,
                error: Failure::new(
                    FailureKind::NotConnected,
                    format!(
                        "not started: the connection to {} was closed first",
                        asked_of.unwrap_or_default()
                    ),
                ),
            });
        } else {
            self.batches.planning_failed(batch);
            self.emit(Event::BatchFailed {
                batch,
                error: Failure::new(FailureKind::Cancelled, "not started: not enough free space"),
            });
        }
    }

    /// Puts the next existing-target question to the user, applying
    /// answers already given for all of a batch on the way.
    fn ask_next(&mut self) {
        loop {
            match self.conflicts.next(|id| self.jobs.asking_in(id)) {
                Next::Wait => return,
                Next::Apply(id, choice) => self.apply_choice(id, choice),
                Next::Ask(ask, id) => {
                    if let Some(job) = self.jobs.job(id) {
                        self.emit(conflicts::question(ask, job));
                    }
                    return;
                }
            }
        }
    }

    fn resolve(&mut self, ask: AskId, choice: OnExisting, for_all: bool) {
        let jobs = &self.jobs;
        if let Some(id) = self
            .conflicts
            .answer(ask, choice, for_all, |id| jobs.asking_in(id))
        {
            self.apply_choice(id, choice);
            self.ask_next();
        }
    }

    fn apply_choice(&mut self, id: TransferId, choice: OnExisting) {
        match conflicts::decide(choice) {
            Decision::Skip(why) => self.finish(id, Outcome::Skipped(why.into())),
            Decision::Transfer(choice) => self.jobs.decided(id, choice),
        }
    }

    fn cancel(&mut self, id: TransferId) {
        // A job not started finishes now; a running one when its worker says.
        if let Some(batch) = self.jobs.cancel(id) {
            self.one_finished(batch);
            self.ask_next();
        }
    }

    fn retry(&mut self, id: TransferId) {
        let Some(batch) = self.jobs.batch_of(id) else {
            return;
        };
        // A file of another server waits until the user connects there again.
        if self
            .batches
            .may_retry(batch, self.current_server().as_deref())
            && self.jobs.retry(id)
        {
            self.batches.reopened(batch);
        }
    }

    /// Files not yet started of batches asked of another server than the
    /// current one can no longer run (see `Jobs::fail_not_started_of`).
    fn fail_not_started_of_other_servers(&mut self) {
        let left = self
            .batches
            .of_other_servers(self.current_server().as_deref());
        for (_, batch) in self.jobs.fail_not_started_of(&left) {
            self.one_finished(batch);
        }
        self.ask_next();
    }

    fn finish(&mut self, id: TransferId, outcome: Outcome) {
        if let Some(batch) = self.jobs.finish(id, outcome) {
            self.one_finished(batch);
        }
    }

    /// One file of `batch` has finished (counted once per file).
    fn one_finished(&mut self, batch: BatchId) {
        self.batches.one_finished(batch);
        self.report_if_done(batch);
    }

    /// Reports a batch whose every job has finished, and tidies up after a move.
    fn report_if_done(&mut self, batch: BatchId) {
        let jobs = &self.jobs;
        let Some(report) = self.batches.report(batch, |id| jobs.outcome(id)) else {
            return;
        };
        self.emit(changed(report.target));
        match report.after_move {
            AfterMove::Nothing => self.emit(report.summary),
            AfterMove::Reread(source) => {
                self.emit(changed(source));
                self.emit(report.summary);
            }
            // The batch is done once its emptied folders are gone too.
            AfterMove::RemoveDirs {
                profile,
                dirs,
                then_reread,
            } => {
                tokio::spawn(move_cleanup::remove_source_dirs(
                    dirs,
                    then_reread,
                    report.summary,
                    profile,
                    self.connector.clone(),
                    self.events.clone(),
                ));
            }
        }
    }

    /// A worker's word: about itself to the pool, about its job to the job
    /// table (which alone tells the UI, and only while the job is that
    /// worker's).
    fn on_report(&mut self, r: Report) {
        match r {
            Report::Ready { worker } => {
                if let Some(at) = self.pool.ready(worker, Instant::now()) {
                    WireSink::to_events(self.events.clone(), "").info(format!(
                        "The server takes no more connections from us: transferring on {at}"
                    ));
                }
            }
            Report::LoginFailed { worker, error } => self.login_failed(worker, error),
            Report::Running { worker, id } => self.jobs.running(worker, id),
            Report::Retrying {
                worker,
                id,
                attempt,
                reason,
            } => self
                .jobs
                .retrying(worker, id, (attempt, self.config.retries), reason),
            Report::Progress {
                worker,
                id,
                done,
                rate,
            } => self.jobs.progress(worker, id, done, rate),
            Report::Finished {
                worker,
                id,
                outcome,
            } => {
                self.pool.finished(worker, Instant::now());
                let full = self.local_disk_full(id, &outcome);
                if let Some(batch) = self.jobs.finished_by(worker, id, outcome) {
                    self.one_finished(batch);
                }
                if let Some(folder) = full {
                    self.find_downloads_onto(folder);
                }
            }
        }
    }

    /// The folder of a download that filled its disk, if that is how it ended.
    fn local_disk_full(&self, id: TransferId, outcome: &Outcome) -> Option<PathBuf> {
        let Outcome::Failed(f) = outcome else {
            return None;
        };
        // A reply code means the server's disk (452/552), not ours.
        if f.kind != FailureKind::NoSpace || f.code.is_some() {
            return None;
        }
        let job = self
            .jobs
            .job(id)
            .filter(|j| j.direction == Direction::Download)?;
        job.local.parent().map(Path::to_path_buf)
    }

    /// A download filled the disk of `folder`: which waiting downloads go
    /// onto that disk is found on a blocking thread (a stat per folder),
    /// not on the scheduler's.
    fn find_downloads_onto(&mut self, folder: PathBuf) {
        let waiting = self.jobs.waiting_downloads();
        let internal = self.internal_tx.clone();
        self.disk_checks += 1;
        tokio::task::spawn_blocking(move || {
            let disk = disk_space::disk_of(&folder);
            let free = disk_space::free_on(&folder);
            let ids = waiting
                .into_iter()
                .filter(|(_, dir)| disk.is_some_and(|d| disk_space::is_on(dir, d)))
                .map(|(id, _)| id)
                .collect();
            // Always answered, so that dispatching resumes.
            let _ = internal.send(Internal::DiskFull { folder, free, ids });
        });
    }

    /// The downloads onto a full disk not started yet fail now, saying
    /// so, instead of each filling it again (its partial file is gone, see
    /// the worker). Those already running end as the disk decides.
    /// Retrying them after making room works.
    fn stop_downloads(&mut self, folder: &Path, free: Option<u64>, ids: Vec<TransferId>) {
        let free = free
            .map(|b| format!(", {} free", text::size(b)))
            .unwrap_or_default();
        let why = Failure::new(
            FailureKind::NoSpace,
            format!(
                "not started: the disk of {} is full{free}",
                folder.display()
            ),
        );
        let stopped = self.jobs.fail_waiting(ids, &why);
        if !stopped.is_empty() {
            WireSink::to_events(self.events.clone(), "").info(format!(
                "The disk of {} is full{free}: {} not started",
                folder.display(),
                text::count(stopped.len(), "download", "downloads")
            ));
        }
        for (_, batch) in stopped {
            self.one_finished(batch);
        }
        self.ask_next();
    }

    /// A worker could not log in and has ended: the pool says what that
    /// means (a limit, a wait, or no way in); the protocol log says why.
    fn login_failed(&mut self, worker: u64, error: EngineError) {
        let (held, verdict) = self.pool.login_failed(worker, &error, Instant::now());
        if let Some(id) = held {
            // Jobs go only to workers that are in; should one have got
            // here anyway, it goes back to the queue untried.
            self.jobs.give_back(id, worker);
        }
        let sink = WireSink::to_events(self.events.clone(), "");
        match verdict {
            LoginVerdict::Nothing => {}
            LoginVerdict::Capped { at } => sink.info(format!(
                "The server takes no more connections from us ({error}): transferring on {at}"
            )),
            LoginVerdict::Backoff { wait } => sink.info(format!(
                "Could not log in for the transfers ({error}); trying again in {:.1} s",
                wait.as_secs_f32()
            )),
            LoginVerdict::GiveUp => {
                for batch in self.jobs.fail_ready(error.failure().context("not started")) {
                    self.one_finished(batch);
                }
            }
        }
    }

    /// Hands ready jobs to idle workers, opening workers as needed.
    /// Planning waiting for a session goes first: the jobs come from it.
    fn dispatch(&mut self) {
        self.pool.serve_plan_waiters();
        if self.disk_checks > 0 {
            return;
        }
        while let Some(id) = self.jobs.next_ready() {
            let Some(slot) = self.pool.worker_for_next(self.jobs.ready_len()) else {
                return;
            };
            let Some(assignment) = self.jobs.assignment(id) else {
                return;
            };
            // A worker that ended is let go; the job goes to the next one.
            if let Some(worker) = self.pool.give(slot, id, assignment) {
                self.jobs.handed(id, worker);
            }
        }
    }
}
