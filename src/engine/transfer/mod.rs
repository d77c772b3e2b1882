//! Transfers: the scheduler that turns requests into file jobs and hands
//! them to a pool of transfer connections, separate from the browse
//! session (a control connection cannot answer while its data connection
//! is busy).
//!
//! Flow: a `TransferRequest` is planned (folders walked, targets looked up)
//! on a connection of its own; the resulting jobs are queued; each waits for
//! the user's answer if its target exists and the policy is Ask; a free
//! worker (at most `connections` of them, opened when there is work and
//! closed after a while without) runs it and reports the outcome.

pub mod file_io;
pub mod job;
pub mod plan;
mod pool;
pub mod worker;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::EventTx;
use super::protocol::{
    AskId, BatchId, ConnectProfile, Direction, EngineError, Event, FileFacts, OnExisting, Side,
    TransferId, TransferRequest, TransferState,
};
use super::session::Session;
use super::wire_log::WireSink;
use job::Job;
pub use job::Outcome;
use pool::{LoginVerdict, Pool};
use worker::{Assignment, Report};

/// How the pool behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferConfig {
    /// Transfer connections at most.
    pub connections: usize,
    /// Retries of a transient failure per file.
    pub retries: u32,
    /// First retry delay; doubled each time.
    pub backoff_base: Duration,
    /// Close a transfer connection after this long without work.
    pub idle_close: Duration,
}

impl Default for TransferConfig {
    fn default() -> Self {
        TransferConfig {
            connections: 4,
            retries: 5,
            backoff_base: Duration::from_secs(1),
            idle_close: Duration::from_secs(30),
        }
    }
}

impl TransferConfig {
    /// The wait before retry number `attempt` (1-based): 1, 2, 4, 8, 16 s… at most 30 s.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(5);
        (self.backoff_base * factor).min(Duration::from_secs(30))
    }
}

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

pub fn spawn(events: EventTx, config: TransferConfig) -> TransferHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(Scheduler::new(events, config).run(rx));
    TransferHandle { tx, task }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Queued,
    /// Waiting for the user to say what to do with an existing target.
    Asking,
    Running,
    Finished(Outcome),
}

struct Entry {
    job: Job,
    status: Status,
    cancel: CancellationToken,
}

struct Batch {
    /// The server the batch was asked of (`user@host:port`): its files go
    /// to or come from that server only, whatever the user connects to later.
    server: String,
    direction: Direction,
    target_dir: PathBuf,
    /// The folder the sources came from, re-read after a move.
    source_parent: Option<PathBuf>,
    source_dirs: Vec<PathBuf>,
    move_after: bool,
    ids: Vec<TransferId>,
    /// How many of `ids` have not finished: the batch is looked at as a
    /// whole only when this reaches 0, not on every file (a tree of n files
    /// would cost n² otherwise).
    unfinished: usize,
    /// "Apply to all in this batch".
    choice_for_all: Option<OnExisting>,
    planned: bool,
    reported_done: bool,
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
}

struct Scheduler {
    events: EventTx,
    config: TransferConfig,
    next_id: Arc<AtomicU64>,
    entries: HashMap<TransferId, Entry>,
    ready: VecDeque<TransferId>,
    batches: HashMap<BatchId, Batch>,
    /// Jobs waiting for an answer, in order; the first one is being asked.
    ask_queue: VecDeque<TransferId>,
    asking: Option<(AskId, TransferId)>,
    next_ask: u64,
    pool: Pool,
    reports_rx: Option<mpsc::UnboundedReceiver<Report>>,
    internal_tx: mpsc::UnboundedSender<Internal>,
    internal_rx: Option<mpsc::UnboundedReceiver<Internal>>,
    /// A logged-in session lent for the next request's planning (Msg::PlanOn).
    spare_plan: Option<Session>,
}

impl Scheduler {
    fn new(events: EventTx, config: TransferConfig) -> Self {
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let (internal_tx, internal_rx) = mpsc::unbounded_channel();
        let (worker_events, reports) = (events.clone(), reports_tx);
        let launch: pool::Launch = Box::new(move |start, assignments| {
            tokio::spawn(worker::run(
                start,
                assignments,
                reports.clone(),
                worker_events.clone(),
            ));
        });
        Scheduler {
            events,
            config,
            next_id: Arc::new(AtomicU64::new(1)),
            entries: HashMap::new(),
            ready: VecDeque::new(),
            batches: HashMap::new(),
            ask_queue: VecDeque::new(),
            asking: None,
            next_ask: 0,
            pool: Pool::new(config, launch),
            reports_rx: Some(reports_rx),
            internal_tx,
            internal_rx: Some(internal_rx),
            spare_plan: None,
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
                    self.pool.close_idle(Instant::now(), !self.ready.is_empty());
                }
                // The wait after a round of failed logins is over: dispatch may open workers again.
                _ = crate::timer::sleep_until(regrow_at), if regrow_at.is_some() => self.pool.regrow_due(),
            }
            self.dispatch();
        }
        for e in self.entries.values() {
            e.cancel.cancel();
        }
        // Dropping the senders ends the workers; they send QUIT.
        self.pool.clear();
    }

    fn on_msg(&mut self, m: Msg) {
        match m {
            Msg::Profile(p) => {
                if self.pool.change_server(p) {
                    self.spare_plan = None;
                }
                self.drop_waiting_of_other_servers();
            }
            Msg::Request(req) => self.start_batch(req),
            Msg::Cancel(id) => self.cancel(id),
            Msg::CancelAll => {
                let ids: Vec<TransferId> = self.entries.keys().copied().collect();
                for id in ids {
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
            Msg::PlanOn(session) => {
                if self.pool.profile() == Some(session.profile()) {
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

    fn start_batch(&mut self, req: TransferRequest) {
        let Some(profile) = self.pool.profile().cloned() else {
            self.emit(Event::BatchFailed {
                batch: req.batch,
                error: "not connected".into(),
            });
            return;
        };
        let source_parent = req
            .items
            .first()
            .and_then(|i| i.source.parent().map(PathBuf::from));
        self.batches.insert(
            req.batch,
            Batch {
                server: server_of(&profile),
                direction: req.direction,
                target_dir: req.target_dir.clone(),
                source_parent,
                source_dirs: Vec::new(),
                move_after: req.move_after,
                ids: Vec::new(),
                unfinished: 0,
                choice_for_all: None,
                planned: false,
                reported_done: false,
            },
        );
        // Connections take a few round trips to log in: open them while
        // the tree is walked. A session lent for planning joins the pool
        // afterwards, so one fewer is opened.
        let expected = if req.items.iter().any(|i| i.is_dir) {
            self.config.connections
        } else {
            req.items.len().min(self.config.connections)
        };
        let spare = self.spare_plan.take().filter(Session::is_usable);
        // Planning that needs the server goes on a free worker's session
        // when there is one: no login, and no extra place taken on a
        // server that limits connections.
        // (Uploads always: their targets are looked up on the server.)
        let needs_server = req.direction == Direction::Upload
            || req.items.iter().any(|i| i.is_dir || i.size.is_none());
        let lent = if spare.is_none() && needs_server {
            self.lend_idle_worker()
        } else {
            None
        };
        let borrowed = spare.is_some() || lent.is_some();
        self.pool
            .grow(expected.saturating_sub(usize::from(borrowed)));
        let ids = self.next_id.clone();
        let internal = self.internal_tx.clone();
        let events = self.events.clone();
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
            let (result, session) = plan_batch(req, profile, spare, borrow, ids, events).await;
            let _ = internal.send(Internal::Planned {
                batch,
                result,
                session: session.map(Box::new),
            });
        });
    }

    fn on_internal(&mut self, i: Internal) {
        match i {
            Internal::PlanWants(to) => self.pool.wait_to_lend(to),
            Internal::Planned {
                batch,
                result,
                session,
            } => {
                match result {
                    Err(e) => {
                        tracing::warn!(batch = batch.0, "transfer could not start: {e}");
                        self.batches.remove(&batch);
                        self.emit(Event::BatchFailed {
                            batch,
                            error: e.to_string(),
                        });
                    }
                    Ok(plan) => self.add_plan(batch, plan),
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
            self.emit(Event::TransferQueued {
                id,
                batch,
                direction: job.direction,
                name: job.display.clone(),
                size: job.size,
            });
            let status = if job.existing.is_some() && job.on_existing == OnExisting::Ask {
                self.ask_queue.push_back(id);
                Status::Asking
            } else {
                self.ready.push_back(id);
                Status::Queued
            };
            self.entries.insert(
                id,
                Entry {
                    job,
                    status,
                    cancel: CancellationToken::new(),
                },
            );
        }
        if let Some(b) = self.batches.get_mut(&batch) {
            b.unfinished = ids.len();
            b.ids = ids;
            b.source_dirs = plan.source_dirs;
            b.planned = true;
        }
        self.emit(Event::BatchQueued {
            batch,
            files,
            bytes,
            skipped: plan.skipped,
        });
        self.ask_next();
        self.check_batch(batch);
    }

    /// Puts the next existing-target question to the user, one at a time,
    /// so that "apply to all" can answer the ones behind it.
    fn ask_next(&mut self) {
        while self.asking.is_none() {
            let Some(id) = self.ask_queue.pop_front() else {
                return;
            };
            let Some(entry) = self.entries.get(&id) else {
                continue;
            };
            if entry.status != Status::Asking {
                continue;
            }
            let choice = self
                .batches
                .get(&entry.job.batch)
                .and_then(|b| b.choice_for_all);
            if let Some(choice) = choice {
                self.apply_choice(id, choice);
                continue;
            }
            self.next_ask += 1;
            let ask = AskId(self.next_ask);
            self.asking = Some((ask, id));
            let job = &entry.job;
            self.emit(Event::Conflict {
                ask,
                id,
                name: job.display.clone(),
                source: FileFacts {
                    size: job.size,
                    modified: job.modified,
                },
                target: job.existing.clone().unwrap_or(FileFacts {
                    size: None,
                    modified: None,
                }),
            });
        }
    }

    fn resolve(&mut self, ask: AskId, choice: OnExisting, for_all: bool) {
        let Some((current, id)) = self.asking else {
            return;
        };
        if current != ask {
            return;
        }
        self.asking = None;
        if for_all
            && let Some(b) = self
                .entries
                .get(&id)
                .and_then(|e| self.batches.get_mut(&e.job.batch))
        {
            b.choice_for_all = Some(choice);
        }
        self.apply_choice(id, choice);
        self.ask_next();
    }

    fn apply_choice(&mut self, id: TransferId, choice: OnExisting) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        match choice {
            OnExisting::Skip => {
                self.finish(id, Outcome::Skipped("the target exists".into()));
            }
            // Asking again would loop: treat it as keeping the target.
            OnExisting::Ask => self.finish(id, Outcome::Skipped("no answer".into())),
            other => {
                entry.job.on_existing = other;
                entry.status = Status::Queued;
                self.ready.push_back(id);
            }
        }
    }

    fn cancel(&mut self, id: TransferId) {
        let Some(entry) = self.entries.get(&id) else {
            return;
        };
        match entry.status {
            Status::Queued | Status::Asking => {
                if self.asking.is_some_and(|(_, a)| a == id) {
                    self.asking = None;
                }
                self.finish(id, Outcome::Cancelled);
                self.ask_next();
            }
            // The worker notices, drops its connection and reports.
            Status::Running => entry.cancel.cancel(),
            Status::Finished(_) => {}
        }
    }

    /// Files not yet started whose batch belongs to another server than the
    /// current one can no longer run: the workers now log in elsewhere, and
    /// running them there would read or write the wrong server.
    fn drop_waiting_of_other_servers(&mut self) {
        let current = self.pool.profile().map(server_of);
        let stale: Vec<(TransferId, String)> = self
            .entries
            .iter()
            .filter(|(_, e)| matches!(e.status, Status::Queued | Status::Asking))
            .filter_map(|(id, e)| {
                let server = &self.batches.get(&e.job.batch)?.server;
                (current.as_ref() != Some(server)).then(|| (*id, server.clone()))
            })
            .collect();
        for (id, server) in stale {
            if self.asking.is_some_and(|(_, a)| a == id) {
                self.asking = None;
            }
            self.finish(
                id,
                Outcome::Failed(format!(
                    "not started: the connection to {server} was closed first"
                )),
            );
        }
        self.ask_next();
    }

    fn retry(&mut self, id: TransferId) {
        let current = self.pool.profile().map(server_of);
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        // A file of another server waits until the user connects there again.
        let server = self.batches.get(&entry.job.batch).map(|b| b.server.clone());
        if server != current {
            return;
        }
        if !matches!(
            entry.status,
            Status::Finished(Outcome::Failed(_) | Outcome::Cancelled)
        ) {
            return;
        }
        entry.status = Status::Queued;
        entry.cancel = CancellationToken::new();
        // A retried file that was cancelled starts afresh.
        let batch = entry.job.batch;
        self.ready.push_back(id);
        self.emit(Event::TransferState {
            id,
            state: TransferState::Queued,
        });
        if let Some(b) = self.batches.get_mut(&batch) {
            b.reported_done = false;
            b.unfinished += 1;
        }
    }

    fn on_report(&mut self, r: Report) {
        match r {
            Report::Ready { worker } => self.pool.ready(worker, Instant::now()),
            Report::LoginFailed { worker, error } => self.login_failed(worker, error),
            Report::Finished {
                worker,
                id,
                outcome,
            } => {
                self.pool.finished(worker, Instant::now());
                self.finish(id, outcome);
            }
        }
    }

    /// A worker could not log in and has ended: the pool says what that
    /// means (a limit, a wait, or no way in); the protocol log says why.
    fn login_failed(&mut self, worker: u64, error: EngineError) {
        let (held, verdict) = self.pool.login_failed(worker, &error, Instant::now());
        if let Some(id) = held
            && let Some(e) = self.entries.get_mut(&id)
        {
            // Jobs go only to workers that are in; should one have got
            // here anyway, it goes back to the queue untried.
            e.status = Status::Queued;
            self.ready.push_front(id);
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
            LoginVerdict::GiveUp => self.fail_waiting(&format!("not started: {error}")),
        }
    }

    /// Asks an idle worker for its session (it ends, and the session comes
    /// back through `adopt` after planning). None if no worker is free.
    fn lend_idle_worker(&mut self) -> Option<oneshot::Receiver<Session>> {
        let (tx, rx) = oneshot::channel();
        self.pool.lend(tx).ok().map(|()| rx)
    }

    /// Fails every file that waits for a worker.
    fn fail_waiting(&mut self, why: &str) {
        let waiting: Vec<TransferId> = self.ready.drain(..).collect();
        for id in waiting {
            if self
                .entries
                .get(&id)
                .is_some_and(|e| e.status == Status::Queued)
            {
                self.finish(id, Outcome::Failed(why.to_string()));
            }
        }
    }

    fn finish(&mut self, id: TransferId, outcome: Outcome) {
        let _ = self.events.send(Event::TransferState {
            id,
            state: outcome.state(),
        });
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        let (job, dir) = (&entry.job.display, entry.job.direction);
        match &outcome {
            Outcome::Failed(why) => {
                tracing::warn!(transfer = id.0, ?dir, "transfer of {job} failed: {why}")
            }
            Outcome::Done => tracing::debug!(transfer = id.0, ?dir, "transferred {job}"),
            Outcome::Skipped(why) => {
                tracing::debug!(transfer = id.0, ?dir, "skipped {job}: {why}")
            }
            Outcome::Cancelled => tracing::debug!(transfer = id.0, ?dir, "cancelled {job}"),
        }
        let was_finished = matches!(entry.status, Status::Finished(_));
        entry.status = Status::Finished(outcome);
        let batch = entry.job.batch;
        if let Some(b) = self.batches.get_mut(&batch)
            && !was_finished
        {
            b.unfinished = b.unfinished.saturating_sub(1);
        }
        self.check_batch(batch);
    }

    /// Reports a batch whose every job has finished, and tidies up after a move.
    fn check_batch(&mut self, batch: BatchId) {
        let Some(b) = self.batches.get(&batch) else {
            return;
        };
        if !b.planned || b.reported_done || b.unfinished > 0 {
            return;
        }
        let (mut done, mut failed, mut skipped, mut cancelled) = (0, 0, 0, 0);
        for id in &b.ids {
            match self.entries.get(id).map(|e| &e.status) {
                Some(Status::Finished(Outcome::Done)) => done += 1,
                Some(Status::Finished(Outcome::Failed(_))) => failed += 1,
                Some(Status::Finished(Outcome::Skipped(_))) => skipped += 1,
                Some(Status::Finished(Outcome::Cancelled)) => cancelled += 1,
                _ => return,
            }
        }
        let (target_side, source_side) = match b.direction {
            Direction::Download => (Side::Local, Side::Remote),
            Direction::Upload => (Side::Remote, Side::Local),
        };
        self.emit(Event::FolderChanged {
            side: target_side,
            path: b.target_dir.clone(),
        });
        let summary = Event::BatchDone {
            batch,
            done,
            failed,
            skipped,
            cancelled,
        };
        if b.move_after && done > 0 && failed == 0 && cancelled == 0 && !b.source_dirs.is_empty() {
            // The batch is done once its emptied folders are gone too.
            self.remove_source_dirs(
                b.direction,
                b.source_dirs.clone(),
                b.source_parent.clone(),
                summary,
            );
        } else {
            if b.move_after
                && done > 0
                && let Some(parent) = &b.source_parent
            {
                self.emit(Event::FolderChanged {
                    side: source_side,
                    path: parent.clone(),
                });
            }
            self.emit(summary);
        }
        if let Some(b) = self.batches.get_mut(&batch) {
            b.reported_done = true;
        }
    }

    /// After a move, the emptied source folders go too, deepest first. A
    /// folder that still holds something (a skipped file) stays. `then` (the
    /// batch summary) is sent once they are gone.
    fn remove_source_dirs(
        &self,
        direction: Direction,
        mut dirs: Vec<PathBuf>,
        parent: Option<PathBuf>,
        then: Event,
    ) {
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        let events = self.events.clone();
        let profile = self.pool.profile().cloned();
        tokio::spawn(async move {
            match direction {
                Direction::Upload => {
                    let _ = tokio::task::spawn_blocking(move || {
                        for d in dirs {
                            let _ = std::fs::remove_dir(d);
                        }
                    })
                    .await;
                }
                Direction::Download => {
                    let Some(profile) = profile else { return };
                    let sink = plan_sink(&events);
                    if let Ok(mut s) = Session::open(profile, sink).await {
                        for d in dirs {
                            let _ = s.rmdir(&d.to_string_lossy()).await;
                        }
                        s.quit().await;
                    }
                }
            }
            if let Some(parent) = parent {
                let side = match direction {
                    Direction::Download => Side::Remote,
                    Direction::Upload => Side::Local,
                };
                let _ = events.send(Event::FolderChanged { side, path: parent });
            }
            let _ = events.send(then);
        });
    }

    /// Hands ready jobs to idle workers, opening workers as needed.
    /// Planning waiting for a session goes first: the jobs come from it.
    fn dispatch(&mut self) {
        self.pool.serve_plan_waiters();
        while let Some(&id) = self.ready.front() {
            let Some(entry) = self
                .entries
                .get_mut(&id)
                .filter(|e| e.status == Status::Queued)
            else {
                self.ready.pop_front();
                continue;
            };
            let Some(slot) = self.pool.worker_for_next(self.ready.len()) else {
                return;
            };
            let assignment = Assignment::Job {
                job: entry.job.clone(),
                cancel: entry.cancel.clone(),
            };
            // A worker that ended is let go; the job goes to the next one.
            if self.pool.give(slot, id, assignment).is_some() {
                self.ready.pop_front();
                entry.status = Status::Running;
            }
        }
    }
}

/// Which server a profile logs in to, as `user@host:port`.
fn server_of(p: &ConnectProfile) -> String {
    format!("{}@{}", p.user_or_anonymous(), p.authority())
}

fn plan_sink(events: &EventTx) -> WireSink {
    WireSink::to_events(events.clone(), "[plan] ")
}

/// Walks a batch on a connection of its own (opened only if the plan needs
/// the server, unless one was opened ahead), and gives that connection
/// back if it is still logged in.
async fn plan_batch(
    req: TransferRequest,
    profile: ConnectProfile,
    spare: Option<Session>,
    borrow: plan::Borrow,
    ids: Arc<AtomicU64>,
    events: EventTx,
) -> (Result<plan::Plan, EngineError>, Option<Session>) {
    let mut session = plan::PlanSession::new(profile, plan_sink(&events), spare, Some(borrow));
    let mut next_id = move || TransferId(ids.fetch_add(1, Ordering::Relaxed));
    let result = match req.direction {
        Direction::Download => plan::plan_download(&req, &mut session, &mut next_id).await,
        Direction::Upload => plan::plan_upload(&req, &mut session, &mut next_id).await,
    };
    (result, session.into_session())
}
