//! The transfer connections ("workers") and the limits on them, apart from
//! the files they carry, so the rules of the pool can be tested without a
//! server: how many workers there may be (`connections`, or the `cap` a
//! server showed by turning one away), which are logged in and free, the
//! wait (`regrow_at`) after a round in which none could log in, lending a
//! free worker's session to planning, and closing workers left idle.
//!
//! The pool decides; starting a worker's task is the `Launch` closure's
//! business (the scheduler spawns `worker::run`, the tests record it).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::config::TransferConfig;
use super::worker::{self, Assignment};
use crate::engine::error::EngineError;
use crate::engine::protocol::{ConnectProfile, TransferId};
use crate::engine::session::Session;

/// Starts a worker's task, given what it starts with and where its
/// assignments come from.
pub type Launch = Box<dyn FnMut(worker::Start, mpsc::Receiver<Assignment>) + Send>;

struct Slot {
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

impl Slot {
    fn is_idle(&self) -> bool {
        self.ready && self.busy.is_none() && !self.retired
    }
}

/// What a failed login means for the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginVerdict {
    /// Nothing new: a worker already let go, a round already counted, or a
    /// limit already known.
    Nothing,
    /// The server takes no more than `at` connections from us (new).
    Capped { at: usize },
    /// No new worker before `wait` is over.
    Backoff { wait: Duration },
    /// No worker can get in: the files waiting for one should fail.
    GiveUp,
}

/// `user@host:port`: which login on which server a profile means, as
/// batches name their server and as sessions are matched to the pool.
pub fn server_of(p: &ConnectProfile) -> String {
    format!("{}@{}", p.user_or_anonymous(), p.authority())
}

pub struct Pool {
    config: TransferConfig,
    /// The server the workers log in to (the one the user is connected to).
    profile: Option<ConnectProfile>,
    launch: Launch,
    slots: Vec<Option<Slot>>,
    next_serial: u64,
    /// The most connections the current server took at once, once it
    /// turned one away for want of room (per-IP or per-user limits).
    cap: Option<usize>,
    /// The server turned one away for want of room while none of ours was
    /// in yet but others were still logging in: they hold its places (a
    /// busy server answers the late ones first), so the cap is set from
    /// how many of them get in, and no new worker is tried meanwhile.
    limit_seen: bool,
    /// Rounds in a row in which no worker could log in.
    login_failures: u32,
    /// After such a round: no new worker before this.
    regrow_at: Option<Instant>,
    /// Planning that waits for a worker's session (`Internal::PlanWants`),
    /// served before any job: the jobs come from it.
    plan_waiters: VecDeque<oneshot::Sender<Session>>,
}

impl Pool {
    pub fn new(config: TransferConfig, launch: Launch) -> Pool {
        Pool {
            config,
            profile: None,
            launch,
            slots: Vec::new(),
            next_serial: 0,
            cap: None,
            limit_seen: false,
            login_failures: 0,
            regrow_at: None,
            plan_waiters: VecDeque::new(),
        }
    }

    pub fn profile(&self) -> Option<&ConnectProfile> {
        self.profile.as_ref()
    }

    /// The user connected elsewhere (or disconnected): the workers are
    /// logged in to the old server, so the idle ones go now and the busy
    /// ones after their job, and what was learned about the old server is
    /// forgotten. Planning waiting for a session fails with the refusal it
    /// met. False when the server is the same.
    pub fn change_server(&mut self, profile: Option<ConnectProfile>) -> bool {
        if profile == self.profile {
            return false;
        }
        for w in &mut self.slots {
            match w {
                Some(slot) if slot.busy.is_none() => *w = None,
                Some(slot) => slot.retired = true,
                None => {}
            }
        }
        self.profile = profile;
        self.cap = None;
        self.limit_seen = false;
        self.login_failures = 0;
        self.regrow_at = None;
        self.plan_waiters.clear();
        true
    }

    /// Workers that take jobs (retired ones do not).
    fn live(&self) -> usize {
        self.slots.iter().flatten().filter(|w| !w.retired).count()
    }

    /// Workers logged in that take jobs.
    fn logged_in(&self) -> usize {
        self.slots
            .iter()
            .flatten()
            .filter(|w| w.ready && !w.retired)
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
    pub fn grow(&mut self, want: usize) {
        if self.regrow_at.is_some() {
            return;
        }
        let want = want.min(self.max_workers());
        for _ in self.live()..want {
            if !self.start(None) {
                return;
            }
        }
    }

    /// Takes a planning session into the pool, when there is room and it is
    /// logged in to the current server (a login saved: for `wharf get` of
    /// one file, the only one there is). Gives it back otherwise, for the
    /// caller to say goodbye.
    pub fn adopt(&mut self, session: Box<Session>) -> Result<(), Box<Session>> {
        // The same login on the same server (the session's profile has the
        // connector's defaults applied, such as config.toml's TLS versions).
        let ours = self.profile.as_ref().map(server_of) == Some(server_of(session.profile()))
            && session.is_usable();
        if ours && self.make_room_for_adopted() {
            self.start(Some(*session));
            Ok(())
        } else {
            Err(session)
        }
    }

    /// Whether an adopted session fits (fewer workers than `connections`).
    /// A server at its limit took this one: the limit counts it.
    fn make_room_for_adopted(&mut self) -> bool {
        let live = self.live();
        if live >= self.config.connections {
            return false;
        }
        if self.cap.is_some_and(|c| c <= live) {
            self.cap = Some(live + 1);
        }
        true
    }

    /// Starts one worker, on `session` if given; false without a server.
    fn start(&mut self, session: Option<Session>) -> bool {
        let Some(profile) = self.profile.clone() else {
            return false;
        };
        let (tx, rx) = mpsc::channel(1);
        self.next_serial += 1;
        let serial = self.next_serial;
        let index = match self.slots.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        (self.launch)(
            worker::Start {
                index,
                serial,
                profile,
                config: self.config,
                session,
            },
            rx,
        );
        self.slots[index] = Some(Slot {
            serial,
            tx,
            busy: None,
            idle_since: Instant::now(),
            ready: false,
            retired: false,
        });
        true
    }

    /// The place in the pool of the worker with this serial number (None
    /// for a worker already let go, e.g. of a server the user left).
    fn slot_of(&self, serial: u64) -> Option<usize> {
        self.slots
            .iter()
            .position(|w| w.as_ref().is_some_and(|w| w.serial == serial))
    }

    fn slot_mut(&mut self, serial: u64) -> Option<&mut Slot> {
        let i = self.slot_of(serial)?;
        self.slots[i].as_mut()
    }

    /// The worker logged in: it takes jobs from now on, and logins work again.
    /// A worker logged in. Returns the cap when this settles one (a limit
    /// was met while it and the others still logging in were on their way).
    pub fn ready(&mut self, serial: u64, now: Instant) -> Option<usize> {
        let slot = self.slot_mut(serial)?;
        slot.ready = true;
        slot.idle_since = now;
        self.login_failures = 0;
        self.settle_limit()
    }

    /// Workers started and neither in nor failed yet.
    fn logging_in(&self) -> usize {
        self.slots
            .iter()
            .flatten()
            .filter(|w| !w.ready && !w.retired)
            .count()
    }

    /// After a limit met with none of ours in: once the others logging in
    /// have all got in or failed, the ones in are what the server takes.
    fn settle_limit(&mut self) -> Option<usize> {
        if !self.limit_seen || self.logging_in() > 0 {
            return None;
        }
        self.limit_seen = false;
        let ready = self.logged_in();
        if ready == 0 {
            return None;
        }
        self.cap = Some(self.cap.map_or(ready, |c| c.min(ready)));
        self.cap
    }

    /// The worker finished its job: it is free again, or, retired, it goes.
    pub fn finished(&mut self, serial: u64, now: Instant) {
        let Some(i) = self.slot_of(serial) else {
            return;
        };
        let w = &mut self.slots[i];
        match w {
            Some(slot) if slot.retired => *w = None,
            Some(slot) => {
                slot.busy = None;
                slot.idle_since = now;
            }
            None => {}
        }
    }

    /// A worker could not log in and has ended. Returns the job it held, if
    /// any (jobs go only to workers that are in, so none should be), and
    /// what the failure means. With others of ours in and a refusal that
    /// reads as "no room", the server is at its limit of connections: the
    /// pool stays at the ones in. Any other failure starts a round of
    /// waiting (backoff) before new workers are tried: the workers started
    /// together count as one round. After `retries` rounds with none of
    /// ours in (or at once for a refused login), give up.
    pub fn login_failed(
        &mut self,
        serial: u64,
        error: &EngineError,
        now: Instant,
    ) -> (Option<TransferId>, LoginVerdict) {
        let Some(i) = self.slot_of(serial) else {
            return (None, LoginVerdict::Nothing);
        };
        let held = self.slots[i].take().and_then(|slot| slot.busy);
        let ready = self.logged_in();
        if ready == 0 && error.is_connection_limit() && self.logging_in() > 0 {
            // Ours still logging in may be what fills the server: wait
            // for them before counting a failed round.
            self.limit_seen = true;
            return (held, LoginVerdict::Nothing);
        }
        if self.limit_seen && self.logging_in() == 0 && ready == 0 {
            // The last of them failed too: a failed round after all.
            self.limit_seen = false;
        }
        if ready > 0 && (error.is_connection_limit() || self.limit_seen) {
            self.limit_seen = false;
            if self.cap.is_none_or(|c| c > ready) {
                self.cap = Some(ready);
                return (held, LoginVerdict::Capped { at: ready });
            }
            return (held, LoginVerdict::Nothing);
        }
        if self.regrow_at.is_some() {
            // Another worker of the same round: already counted.
            return (held, LoginVerdict::Nothing);
        }
        self.login_failures += 1;
        let refused = matches!(error, EngineError::Login { code, .. } if *code >= 500)
            && !error.is_connection_limit();
        if ready == 0 && (refused || self.login_failures > self.config.retries) {
            self.login_failures = 0;
            return (held, LoginVerdict::GiveUp);
        }
        let wait = self.config.backoff(self.login_failures);
        self.regrow_at = Some(now + wait);
        (held, LoginVerdict::Backoff { wait })
    }

    /// When the wait after a round of failed logins is over, if one runs.
    pub fn regrow_at(&self) -> Option<Instant> {
        self.regrow_at
    }

    /// The wait is over: new workers may be tried again.
    pub fn regrow_due(&mut self) {
        self.regrow_at = None;
    }

    /// A free worker for the next job of `waiting`: an idle one, or none
    /// for now while new ones log in (opened here, as many as there are
    /// jobs waiting, within the limits).
    pub fn worker_for_next(&mut self, waiting: usize) -> Option<usize> {
        loop {
            if let Some(i) = self.idle_worker() {
                return Some(i);
            }
            if self.live() >= self.max_workers()
                || self.logging_in() >= waiting
                || self.regrow_at.is_some()
                || self.limit_seen
                || !self.start(None)
            {
                return None;
            }
        }
    }

    /// Hands job `id` to the worker at `slot`. Its serial number, or None
    /// when that worker had ended (it is let go; the job is still to give).
    pub fn give(&mut self, slot: usize, id: TransferId, assignment: Assignment) -> Option<u64> {
        let w = self.slots.get_mut(slot)?.as_mut()?;
        match w.tx.try_send(assignment) {
            Ok(()) => {
                w.busy = Some(id);
                Some(w.serial)
            }
            Err(_) => {
                self.slots[slot] = None;
                None
            }
        }
    }

    /// Has an idle worker hand its session to `to` and end (the session
    /// comes back through `adopt` after planning). Gives `to` back when no
    /// worker is free.
    pub fn lend(
        &mut self,
        mut to: oneshot::Sender<Session>,
    ) -> Result<(), oneshot::Sender<Session>> {
        while let Some(i) = self.idle_worker() {
            let Some(slot) = self.slots[i].take() else {
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

    /// Planning waits for the next worker free (the server took no
    /// connection of its own).
    pub fn wait_to_lend(&mut self, to: oneshot::Sender<Session>) {
        self.plan_waiters.push_back(to);
    }

    /// Lends free workers to waiting planning, oldest first.
    pub fn serve_plan_waiters(&mut self) {
        while let Some(to) = self.plan_waiters.pop_front() {
            if to.is_closed() {
                continue;
            }
            if let Err(to) = self.lend(to) {
                self.plan_waiters.push_front(to);
                return;
            }
        }
    }

    /// The place of a worker that is logged in and has nothing to do.
    fn idle_worker(&self) -> Option<usize> {
        self.slots
            .iter()
            .position(|w| w.as_ref().is_some_and(Slot::is_idle))
    }

    /// When the next idle worker is due to close.
    pub fn next_idle_close(&self) -> Option<Instant> {
        self.slots
            .iter()
            .flatten()
            .filter(|w| w.is_idle())
            .map(|w| w.idle_since + self.config.idle_close)
            .min()
    }

    /// Closes workers idle for `idle_close`, unless jobs wait for one.
    pub fn close_idle(&mut self, now: Instant, jobs_waiting: bool) {
        if jobs_waiting {
            return;
        }
        for w in &mut self.slots {
            if w.as_ref()
                .is_some_and(|s| s.is_idle() && now >= s.idle_since + self.config.idle_close)
            {
                *w = None;
            }
        }
    }

    /// Lets every worker go (their tasks end and say goodbye).
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::engine::transfer::jobs;

    /// A worker the pool started: its serial number and its inbox.
    struct Launched {
        serial: u64,
        rx: mpsc::Receiver<Assignment>,
    }

    type Started = Arc<Mutex<Vec<Launched>>>;

    fn pool(connections: usize) -> (Pool, Started) {
        let started: Started = Arc::default();
        let record = started.clone();
        let config = TransferConfig {
            connections,
            retries: 3,
            backoff_base: Duration::from_secs(1),
            idle_close: Duration::from_secs(30),
            ..TransferConfig::default()
        };
        let mut pool = Pool::new(
            config,
            Box::new(move |start, rx| {
                record.lock().unwrap().push(Launched {
                    serial: start.serial,
                    rx,
                })
            }),
        );
        pool.change_server(Some(profile("a.example")));
        (pool, started)
    }

    fn profile(host: &str) -> ConnectProfile {
        ConnectProfile::new(host, 21)
    }

    fn serials(started: &Started) -> Vec<u64> {
        started.lock().unwrap().iter().map(|l| l.serial).collect()
    }

    fn limit() -> EngineError {
        EngineError::Refused {
            addr: "a.example:21".into(),
            code: 421,
            text: "Too many connections from your IP".into(),
        }
    }

    fn unreachable() -> EngineError {
        EngineError::Connect {
            addr: "a.example:21".into(),
            reason: "connection refused".into(),
        }
    }

    fn job(id: u64) -> Assignment {
        Assignment::Job {
            job: jobs::tests::job(id, 1),
            cancel: Default::default(),
            keep_partial: Default::default(),
        }
    }

    /// A pool of `n` workers, all logged in at `now`.
    fn logged_in(n: usize, now: Instant) -> (Pool, Started) {
        let (mut pool, started) = pool(n);
        pool.grow(n);
        for serial in serials(&started) {
            pool.ready(serial, now);
        }
        (pool, started)
    }

    #[test]
    fn workers_open_for_waiting_jobs_up_to_the_configured_number() {
        let (mut pool, started) = pool(3);
        // Two jobs wait: two workers log in, none is free yet.
        assert_eq!(pool.worker_for_next(2), None);
        assert_eq!(serials(&started), [1, 2]);
        // Ten wait: one more, then the limit.
        assert_eq!(pool.worker_for_next(10), None);
        assert_eq!(serials(&started), [1, 2, 3]);
        pool.ready(2, Instant::now());
        assert_eq!(pool.worker_for_next(10), Some(1), "the one logged in");
    }

    #[test]
    fn a_refusal_for_want_of_room_caps_the_pool_at_the_workers_in() {
        let (mut pool, started) = pool(4);
        pool.grow(4);
        let now = Instant::now();
        pool.ready(1, now);
        pool.ready(2, now);
        // Workers 3 and 4 are turned away.
        assert_eq!(
            pool.login_failed(3, &limit(), now),
            (None, LoginVerdict::Capped { at: 2 })
        );
        // The same news from the fourth is no news.
        assert_eq!(
            pool.login_failed(4, &limit(), now),
            (None, LoginVerdict::Nothing)
        );
        // Both in are busy and many files wait: no new worker past the cap.
        assert!(pool.give(0, TransferId(1), job(1)).is_some());
        assert!(pool.give(1, TransferId(2), job(2)).is_some());
        assert_eq!(pool.worker_for_next(10), None);
        assert_eq!(serials(&started), [1, 2, 3, 4]);
        // Another server: the cap is forgotten.
        pool.change_server(Some(profile("b.example")));
        pool.grow(4);
        assert_eq!(serials(&started).len(), 8, "{:?}", serials(&started));
    }

    #[test]
    fn a_limit_refusal_while_others_of_ours_log_in_waits_for_them() {
        // A busy server answers the late connections first: two of four
        // are turned away before the two it took have logged in.
        let (mut pool, started) = pool(4);
        pool.grow(4);
        let now = Instant::now();
        assert_eq!(
            pool.login_failed(3, &limit(), now),
            (None, LoginVerdict::Nothing)
        );
        assert_eq!(
            pool.login_failed(4, &limit(), now),
            (None, LoginVerdict::Nothing)
        );
        assert_eq!(pool.regrow_at(), None, "not a failed round");
        // No new worker is tried while they log in.
        assert_eq!(pool.worker_for_next(10), None);
        assert_eq!(serials(&started), [1, 2, 3, 4]);
        // The first in takes work; the second in settles the cap.
        assert_eq!(pool.ready(1, now), None);
        assert_eq!(pool.worker_for_next(10), Some(0));
        assert_eq!(pool.ready(2, now), Some(2));
        assert_eq!(pool.cap, Some(2));
        assert!(pool.give(0, TransferId(1), job(1)).is_some());
        assert!(pool.give(1, TransferId(2), job(2)).is_some());
        assert_eq!(pool.worker_for_next(10), None);
        assert_eq!(serials(&started).len(), 4, "no worker past the cap");
    }

    #[test]
    fn a_limit_refusal_when_the_others_fail_too_is_a_failed_round() {
        let (mut pool, _) = pool(2);
        pool.grow(2);
        let now = Instant::now();
        assert_eq!(
            pool.login_failed(1, &limit(), now),
            (None, LoginVerdict::Nothing)
        );
        assert_eq!(
            pool.login_failed(2, &limit(), now),
            (
                None,
                LoginVerdict::Backoff {
                    wait: Duration::from_secs(1)
                }
            )
        );
        assert_eq!(pool.cap, None);
    }

    #[test]
    fn a_limit_refusal_with_none_of_ours_in_is_a_failed_round_not_a_cap() {
        let (mut pool, _) = pool(4);
        pool.grow(1);
        let now = Instant::now();
        assert_eq!(
            pool.login_failed(1, &limit(), now),
            (
                None,
                LoginVerdict::Backoff {
                    wait: Duration::from_secs(1)
                }
            )
        );
        assert_eq!(pool.cap, None);
    }

    #[test]
    fn failed_rounds_back_off_longer_each_time_then_give_up() {
        let (mut pool, started) = pool(2);
        let mut now = Instant::now();
        let mut waits = Vec::new();
        loop {
            // A round: the two started together fail.
            let before = serials(&started).len();
            assert_eq!(pool.worker_for_next(5), None);
            let round: Vec<u64> = serials(&started)[before..].to_vec();
            assert_eq!(round.len(), 2, "a round opens the pool again");
            let (_, first) = pool.login_failed(round[0], &unreachable(), now);
            let (_, second) = pool.login_failed(round[1], &unreachable(), now);
            match first {
                LoginVerdict::Backoff { wait } => {
                    assert_eq!(second, LoginVerdict::Nothing, "one round counts once");
                    assert_eq!(pool.regrow_at(), Some(now + wait));
                    // No worker while the wait runs.
                    assert_eq!(pool.worker_for_next(5), None);
                    assert_eq!(serials(&started).len(), before + 2);
                    waits.push(wait.as_secs());
                    now += wait;
                    pool.regrow_due();
                }
                LoginVerdict::GiveUp => break,
                other => panic!("{other:?}"),
            }
        }
        // retries = 3: three waits, 1 s doubling, then the files fail.
        assert_eq!(waits, [1, 2, 4]);
    }

    #[test]
    fn a_refused_login_gives_up_at_once() {
        let (mut pool, _) = pool(2);
        pool.grow(1);
        let refused = EngineError::Login {
            code: 530,
            text: "Login incorrect".into(),
        };
        assert_eq!(
            pool.login_failed(1, &refused, Instant::now()),
            (None, LoginVerdict::GiveUp)
        );
    }

    #[test]
    fn a_login_resets_the_count_of_failed_rounds() {
        let (mut pool, _) = pool(2);
        pool.grow(1);
        let now = Instant::now();
        pool.login_failed(1, &unreachable(), now);
        pool.regrow_due();
        pool.grow(1);
        pool.ready(2, now);
        pool.grow(2);
        // A first round again: the shortest wait, not the second's.
        assert_eq!(
            pool.login_failed(3, &unreachable(), now).1,
            LoginVerdict::Backoff {
                wait: Duration::from_secs(1)
            }
        );
    }

    #[test]
    fn lending_takes_the_first_free_worker_and_skips_ended_ones() {
        let (mut pool, started) = logged_in(3, Instant::now());
        // The first worker has ended (its inbox is gone).
        drop(started.lock().unwrap().remove(0));
        let (to, _from) = oneshot::channel();
        assert!(pool.lend(to).is_ok());
        let mut started = started.lock().unwrap();
        assert!(
            matches!(started[0].rx.try_recv(), Ok(Assignment::Lend(_))),
            "worker 2 lends"
        );
        assert!(
            started[1].rx.try_recv().is_err(),
            "worker 3 keeps its session"
        );
        drop(started);
        // Both the ended worker and the lender left the pool.
        assert_eq!(pool.live(), 1);
        let (to, _from) = oneshot::channel();
        assert!(pool.lend(to).is_ok(), "worker 3");
        let (to, _from) = oneshot::channel();
        assert!(pool.lend(to).is_err(), "none free");
    }

    #[test]
    fn waiting_planning_is_served_in_order_as_workers_come_free() {
        let now = Instant::now();
        let (mut pool, started) = logged_in(2, now);
        assert!(pool.give(0, TransferId(1), job(1)).is_some());
        assert!(pool.give(1, TransferId(2), job(2)).is_some());
        // The workers take their jobs.
        for w in started.lock().unwrap().iter_mut() {
            assert!(matches!(w.rx.try_recv(), Ok(Assignment::Job { .. })));
        }
        let (first, mut first_rx) = oneshot::channel();
        let (gone, gone_rx) = oneshot::channel();
        let (second, mut second_rx) = oneshot::channel();
        pool.wait_to_lend(first);
        pool.wait_to_lend(gone);
        pool.wait_to_lend(second);
        drop(gone_rx);
        pool.serve_plan_waiters();
        assert_eq!(pool.plan_waiters.len(), 3, "nobody free yet");
        pool.finished(2, now);
        pool.serve_plan_waiters();
        // Worker 2 went to the first waiter; the one that gave up is skipped.
        let mut started = started.lock().unwrap();
        let Ok(Assignment::Lend(to)) = started[1].rx.try_recv() else {
            panic!("worker 2 lends")
        };
        drop(started);
        assert_eq!(pool.plan_waiters.len(), 1, "the second still waits");
        // The lend was the first waiter's: its line closes with it.
        drop(to);
        use oneshot::error::TryRecvError;
        assert!(matches!(first_rx.try_recv(), Err(TryRecvError::Closed)));
        assert!(matches!(second_rx.try_recv(), Err(TryRecvError::Empty)));
        pool.finished(1, now);
        pool.serve_plan_waiters();
        assert!(pool.plan_waiters.is_empty(), "the second served");
    }

    #[test]
    fn idle_workers_close_after_idle_close_unless_jobs_wait() {
        let (mut pool, _) = pool(2);
        pool.grow(2);
        let t0 = Instant::now();
        pool.ready(1, t0);
        pool.ready(2, t0 + Duration::from_secs(10));
        assert_eq!(pool.next_idle_close(), Some(t0 + Duration::from_secs(30)));
        pool.close_idle(t0 + Duration::from_secs(29), false);
        assert_eq!(pool.live(), 2);
        pool.close_idle(t0 + Duration::from_secs(30), true);
        assert_eq!(pool.live(), 2, "jobs wait for a worker: none closes");
        pool.close_idle(t0 + Duration::from_secs(30), false);
        assert_eq!(pool.live(), 1);
        assert_eq!(pool.next_idle_close(), Some(t0 + Duration::from_secs(40)));
    }

    #[test]
    fn a_change_of_server_lets_idle_workers_go_and_retires_busy_ones() {
        let now = Instant::now();
        let (mut pool, _) = logged_in(2, now);
        assert!(pool.give(0, TransferId(7), job(7)).is_some());
        assert!(pool.change_server(Some(profile("b.example"))));
        assert!(!pool.change_server(Some(profile("b.example"))), "no change");
        assert_eq!(pool.live(), 0);
        // The retired one takes no job, and goes once its own is done.
        assert_eq!(pool.idle_worker(), None);
        pool.finished(1, now);
        assert!(pool.slots.iter().all(Option::is_none));
    }

    #[test]
    fn a_job_for_a_worker_that_ended_is_not_given() {
        let (mut pool, started) = logged_in(1, Instant::now());
        drop(started.lock().unwrap().remove(0));
        assert_eq!(pool.give(0, TransferId(1), job(1)), None);
        assert_eq!(pool.live(), 0, "the ended worker is let go");
    }

    #[test]
    fn an_adopted_session_raises_a_cap_it_fits_under_the_configured_number() {
        let (mut pool, _) = pool(3);
        pool.grow(1);
        pool.cap = Some(1);
        assert!(pool.make_room_for_adopted());
        assert_eq!(pool.cap, Some(2), "the server took this one too");
        pool.cap = None;
        pool.grow(3);
        assert!(!pool.make_room_for_adopted(), "3 of 3 already");
    }
}
