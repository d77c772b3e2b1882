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

/// How one job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Failed(String),
    Cancelled,
    Skipped(String),
}

impl Outcome {
    fn state(&self) -> TransferState {
        match self {
            Outcome::Done => TransferState::Done,
            Outcome::Failed(w) => TransferState::Failed(w.clone()),
            Outcome::Cancelled => TransferState::Cancelled,
            Outcome::Skipped(w) => TransferState::Skipped(w.clone()),
        }
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

struct WorkerSlot {
    /// The worker's serial number, which its reports carry.
    serial: u64,
    tx: mpsc::Sender<Assignment>,
    busy: Option<TransferId>,
    idle_since: Instant,
    /// Logged in (reported Ready): jobs go only to such workers.
    ready: bool,
    /// Logged in to a server the user has left: finishes its job, takes no other.
    retired: bool,
}

impl WorkerSlot {
    fn is_idle(&self) -> bool {
        self.ready && self.busy.is_none() && !self.retired
    }
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
    profile: Option<ConnectProfile>,
    next_id: Arc<AtomicU64>,
    entries: HashMap<TransferId, Entry>,
    ready: VecDeque<TransferId>,
    batches: HashMap<BatchId, Batch>,
    /// Jobs waiting for an answer, in order; the first one is being asked.
    ask_queue: VecDeque<TransferId>,
    asking: Option<(AskId, TransferId)>,
    next_ask: u64,
    workers: Vec<Option<WorkerSlot>>,
    reports_tx: mpsc::UnboundedSender<Report>,
    reports_rx: Option<mpsc::UnboundedReceiver<Report>>,
    internal_tx: mpsc::UnboundedSender<Internal>,
    internal_rx: Option<mpsc::UnboundedReceiver<Internal>>,
    /// A logged-in session lent for the next request's planning (Msg::PlanOn).
    spare_plan: Option<Session>,
    next_serial: u64,
    /// The most connections the current server took at once, once it
    /// turned one away for want of room (per-IP or per-user limits).
    cap: Option<usize>,
    /// Rounds in a row in which no worker could log in.
    login_failures: u32,
    /// After such a round: no new worker before this.
    regrow_at: Option<tokio::time::Instant>,
    /// Planning tasks waiting for a worker's session (`Internal::PlanWants`).
    plan_waiters: VecDeque<oneshot::Sender<Session>>,
}

impl Scheduler {
    fn new(events: EventTx, config: TransferConfig) -> Self {
        let (reports_tx, reports_rx) = mpsc::unbounded_channel();
        let (internal_tx, internal_rx) = mpsc::unbounded_channel();
        Scheduler {
            events,
            config,
            profile: None,
            next_id: Arc::new(AtomicU64::new(1)),
            entries: HashMap::new(),
            ready: VecDeque::new(),
            batches: HashMap::new(),
            ask_queue: VecDeque::new(),
            asking: None,
            next_ask: 0,
            workers: Vec::new(),
            reports_tx,
            reports_rx: Some(reports_rx),
            internal_tx,
            internal_rx: Some(internal_rx),
            spare_plan: None,
            next_serial: 0,
            cap: None,
            login_failures: 0,
            regrow_at: None,
            plan_waiters: VecDeque::new(),
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
            let idle_check = self.next_idle_close();
            tokio::select! {
                m = rx.recv() => match m {
                    None | Some(Msg::Shutdown) => break,
                    Some(m) => self.on_msg(m),
                },
                Some(r) = reports.recv() => self.on_report(r),
                Some(i) = internal.recv() => self.on_internal(i),
                _ = crate::timer::sleep_until(idle_check), if idle_check.is_some() => self.close_idle_workers(),
                // The wait after a round of failed logins is over: dispatch may open workers again.
                _ = crate::timer::sleep_until(self.regrow_at), if self.regrow_at.is_some() => self.regrow_at = None,
            }
            self.dispatch();
        }
        for e in self.entries.values() {
            e.cancel.cancel();
        }
        // Dropping the senders ends the workers; they send QUIT.
        self.workers.clear();
    }

    fn on_msg(&mut self, m: Msg) {
        match m {
            Msg::Profile(p) => {
                if p != self.profile {
                    // The workers are logged in to the old server: the idle
                    // ones go now, the busy ones after their job.
                    for w in &mut self.workers {
                        match w {
                            Some(slot) if slot.busy.is_none() => *w = None,
                            Some(slot) => slot.retired = true,
                            None => {}
                        }
                    }
                }
                if p != self.profile {
                    self.spare_plan = None;
                    self.cap = None;
                    self.login_failures = 0;
                    self.regrow_at = None;
                    // Their plans fail with the refusal they met.
                    self.plan_waiters.clear();
                }
                self.profile = p;
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
                if self.profile.as_ref() == Some(session.profile()) {
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
        let Some(profile) = self.profile.clone() else {
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
        self.grow_pool(expected.saturating_sub(usize::from(borrowed)));
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
            Internal::PlanWants(to) => self.plan_waiters.push_back(to),
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
                if let Some(s) = session {
                    self.adopt(*s);
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
        let current = self.profile.as_ref().map(server_of);
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
        let current = self.profile.as_ref().map(server_of);
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

    /// The place in the pool of the worker with this serial number (None
    /// for a worker already let go, e.g. of a server the user left).
    fn slot_of(&self, serial: u64) -> Option<usize> {
        self.workers
            .iter()
            .position(|w| w.as_ref().is_some_and(|w| w.serial == serial))
    }

    fn on_report(&mut self, r: Report) {
        match r {
            Report::Ready { worker } => {
                if let Some(slot) = self.slot_of(worker).and_then(|i| self.workers[i].as_mut()) {
                    slot.ready = true;
                    slot.idle_since = Instant::now();
                    self.login_failures = 0;
                }
            }
            Report::LoginFailed { worker, error } => self.login_failed(worker, error),
            Report::Finished {
                worker,
                id,
                outcome,
            } => {
                if let Some(i) = self.slot_of(worker) {
                    let w = &mut self.workers[i];
                    match w {
                        Some(slot) if slot.retired => *w = None,
                        Some(slot) => {
                            slot.busy = None;
                            slot.idle_since = Instant::now();
                        }
                        None => {}
                    }
                }
                self.finish(id, outcome);
            }
        }
    }

    /// A worker could not log in and has ended. With others of ours in and
    /// a refusal that reads as "no room", the server is at its limit of
    /// connections: the pool stays at the ones in. Any other failure starts
    /// a round of waiting (backoff) before new workers are tried: the
    /// workers started together count as one round. After `retries` rounds
    /// with none of ours in (or at once for a refused login), the files
    /// waiting for a worker fail with the reason.
    fn login_failed(&mut self, worker: u64, error: EngineError) {
        let Some(i) = self.slot_of(worker) else {
            return;
        };
        if let Some(id) = self.workers[i].take().and_then(|slot| slot.busy) {
            // Jobs go only to workers that are in; should one have got
            // here anyway, it goes back to the queue untried.
            if let Some(e) = self.entries.get_mut(&id) {
                e.status = Status::Queued;
                self.ready.push_front(id);
            }
        }
        let sink = WireSink::to_events(self.events.clone(), "");
        let ready = self
            .workers
            .iter()
            .flatten()
            .filter(|w| w.ready && !w.retired)
            .count();
        if ready > 0 && error.is_connection_limit() {
            if self.cap.is_none_or(|c| c > ready) {
                self.cap = Some(ready);
                sink.info(format!(
                    "The server takes no more connections from us ({error}): \
                     transferring on {ready}"
                ));
            }
            return;
        }
        if self.regrow_at.is_some() {
            // Another worker of the same round: already counted.
            return;
        }
        self.login_failures += 1;
        let refused = matches!(error, EngineError::Login { code, .. } if code >= 500)
            && !error.is_connection_limit();
        if ready == 0 && (refused || self.login_failures > self.config.retries) {
            self.login_failures = 0;
            self.fail_waiting(&format!("not started: {error}"));
            return;
        }
        let wait = self.config.backoff(self.login_failures);
        self.regrow_at = Some(tokio::time::Instant::now() + wait);
        sink.info(format!(
            "Could not log in for the transfers ({error}); trying again in {:.1} s",
            wait.as_secs_f32()
        ));
    }

    /// Asks an idle worker for its session (it ends, and the session comes
    /// back through `adopt` after planning). None if no worker is free.
    fn lend_idle_worker(&mut self) -> Option<oneshot::Receiver<Session>> {
        let (tx, rx) = oneshot::channel();
        self.lend(tx).ok().map(|()| rx)
    }

    /// Has an idle worker hand its session to `to` and end. Gives `to`
    /// back when no worker is free.
    fn lend(&mut self, mut to: oneshot::Sender<Session>) -> Result<(), oneshot::Sender<Session>> {
        while let Some(i) = self.idle_worker() {
            let Some(slot) = self.workers[i].take() else {
                break;
            };
            let Err(e) = slot.tx.try_send(Assignment::Lend(to)) else {
                return Ok(());
            };
            // That worker had ended: the next one free, then.
            match e.into_inner() {
                Assignment::Lend(back) => to = back,
                // Only a Lend was sent.
                Assignment::Job { .. } => return Ok(()),
            }
        }
        Err(to)
    }

    /// The place of a worker that is logged in and has nothing to do.
    fn idle_worker(&self) -> Option<usize> {
        self.workers
            .iter()
            .position(|w| w.as_ref().is_some_and(WorkerSlot::is_idle))
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
        let profile = self.profile.clone();
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

    /// Workers that take jobs (retired ones do not).
    fn live_workers(&self) -> usize {
        self.workers
            .iter()
            .filter(|w| w.as_ref().is_some_and(|w| !w.retired))
            .count()
    }

    /// How many workers the pool may have: the configured number, or fewer
    /// when the server showed it takes no more.
    fn max_workers(&self) -> usize {
        self.config
            .connections
            .min(self.cap.unwrap_or(usize::MAX))
            .max(1)
    }

    /// Starts workers until `want` exist (bounded by `max_workers`), unless
    /// logins are failing and the wait before the next round is not over.
    fn grow_pool(&mut self, want: usize) {
        if self.regrow_at.is_some() {
            return;
        }
        let want = want.min(self.max_workers());
        for _ in self.live_workers()..want {
            if !self.start_worker(None) {
                return;
            }
        }
    }

    /// Takes a planning session into the pool, when there is room and it is
    /// logged in to the current server (a login saved: for `wharf get` of
    /// one file, the only one there is); otherwise it says goodbye. A
    /// server at its limit took this one: the limit counts it.
    fn adopt(&mut self, session: Session) {
        let live = self.live_workers();
        let fits = live < self.config.connections
            && self.profile.as_ref() == Some(session.profile())
            && session.is_usable();
        if fits {
            if self.cap.is_some_and(|c| c <= live) {
                self.cap = Some(live + 1);
            }
            self.start_worker(Some(session));
        } else {
            // In the background: nothing waits for the reply.
            tokio::spawn(session.quit());
        }
    }

    /// Starts one worker, on `session` if given; false without a server.
    fn start_worker(&mut self, session: Option<Session>) -> bool {
        let Some(profile) = self.profile.clone() else {
            return false;
        };
        let (tx, rx) = mpsc::channel(1);
        self.next_serial += 1;
        let serial = self.next_serial;
        let index = match self.workers.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.workers.push(None);
                self.workers.len() - 1
            }
        };
        tokio::spawn(worker::run(
            worker::Start {
                index,
                serial,
                profile,
                config: self.config,
                session,
            },
            rx,
            self.reports_tx.clone(),
            self.events.clone(),
        ));
        self.workers[index] = Some(WorkerSlot {
            serial,
            tx,
            busy: None,
            idle_since: Instant::now(),
            ready: false,
            retired: false,
        });
        true
    }

    /// Hands ready jobs to idle workers, opening workers as needed.
    /// Planning waiting for a session goes first: the jobs come from it.
    fn dispatch(&mut self) {
        while let Some(to) = self.plan_waiters.pop_front() {
            if to.is_closed() {
                continue;
            }
            if let Err(to) = self.lend(to) {
                self.plan_waiters.push_front(to);
                break;
            }
        }
        while let Some(&id) = self.ready.front() {
            let still_queued = self
                .entries
                .get(&id)
                .is_some_and(|e| e.status == Status::Queued);
            if !still_queued {
                self.ready.pop_front();
                continue;
            }
            let slot = match self.idle_worker() {
                Some(i) => i,
                None => {
                    let live = self.live_workers();
                    // Workers still logging in take the next jobs.
                    let logging_in = self
                        .workers
                        .iter()
                        .flatten()
                        .filter(|w| !w.ready && !w.retired)
                        .count();
                    if live >= self.max_workers()
                        || logging_in >= self.ready.len()
                        || self.profile.is_none()
                        || self.regrow_at.is_some()
                    {
                        return;
                    }
                    self.grow_pool(live + 1);
                    continue;
                }
            };
            self.ready.pop_front();
            let Some(entry) = self.entries.get_mut(&id) else {
                continue;
            };
            let assignment = Assignment::Job {
                job: entry.job.clone(),
                cancel: entry.cancel.clone(),
            };
            let Some(w) = self.workers[slot].as_mut() else {
                continue;
            };
            match w.tx.try_send(assignment) {
                Ok(()) => {
                    w.busy = Some(id);
                    entry.status = Status::Running;
                }
                Err(_) => {
                    // The worker ended (it could not be reached): replace it.
                    self.workers[slot] = None;
                    self.ready.push_front(id);
                }
            }
        }
    }

    fn next_idle_close(&self) -> Option<tokio::time::Instant> {
        self.workers
            .iter()
            .flatten()
            .filter(|w| w.is_idle())
            .map(|w| tokio::time::Instant::from_std(w.idle_since + self.config.idle_close))
            .min()
    }

    fn close_idle_workers(&mut self) {
        let now = Instant::now();
        let has_work = !self.ready.is_empty();
        for w in &mut self.workers {
            if w.as_ref().is_some_and(|s| {
                s.is_idle() && !has_work && now >= s.idle_since + self.config.idle_close
            }) {
                *w = None;
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
