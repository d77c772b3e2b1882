//! The job table: every file job the scheduler was given, what has become
//! of it, and the queue of jobs ready for a worker. A job's life follows
//! the rules here: one whose target exists waits for the user's answer;
//! cancel finishes a job not yet started at once and tells a running one to
//! stop; retry takes back only failed or cancelled jobs; jobs not yet
//! started for a server the user has left fail instead of running against
//! another.
//!
//! The table is the one writer of a transfer's state: `TransferQueued`,
//! `TransferState` and `TransferProgress` are sent from here and nowhere
//! else, so what the UI shows follows the table's status. Workers report
//! to the scheduler; their word about a job counts only while that worker
//! holds the job, so a late report (for a job cancelled before it started,
//! finished, or handed to another worker since) changes nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio_util::sync::CancellationToken;

use super::job::{Job, Outcome};
use super::worker::Assignment;
use crate::engine::protocol::{
    BatchId, Direction, Event, EventTx, Failure, FailureKind, OnExisting, TransferId, TransferState,
};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Queued,
    /// Waiting for the user to say what to do with an existing target.
    Asking,
    /// Handed to the worker with this serial number; `shown` is what the
    /// UI was last told about it since.
    Running {
        worker: u64,
        shown: Shown,
    },
    Finished(Outcome),
}

/// The state shown for a job its worker has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// Still queued: no attempt has begun.
    Queued,
    Running,
    Retrying,
}

struct Entry {
    job: Job,
    status: Status,
    cancel: CancellationToken,
}

pub struct Jobs {
    events: EventTx,
    entries: HashMap<TransferId, Entry>,
    /// Jobs for the next free worker, in order. May hold jobs that left the
    /// queued state since (cancelled, failed): they are skipped when reached.
    ready: VecDeque<TransferId>,
    /// Set when wharf stops with work unfinished: workers keep partial files.
    keep_partial: Arc<AtomicBool>,
}

impl Jobs {
    pub fn new(events: EventTx) -> Jobs {
        Jobs {
            events,
            entries: HashMap::new(),
            ready: VecDeque::new(),
            keep_partial: Arc::default(),
        }
    }

    fn emit(&self, e: Event) {
        let _ = self.events.send(e);
    }

    fn emit_state(&self, id: TransferId, state: TransferState) {
        self.emit(Event::TransferState { id, state });
    }

    /// Takes a planned job and shows it. It is queued, unless its target
    /// exists and the user is to be asked: then it waits for the answer
    /// (and this returns true).
    pub fn add(&mut self, job: Job) -> bool {
        let id = job.id;
        self.emit(Event::TransferQueued {
            id,
            batch: job.batch,
            direction: job.direction,
            name: job.display.clone(),
            size: job.size,
        });
        let asks = job.existing.is_some() && job.on_existing == OnExisting::Ask;
        let status = if asks {
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
        asks
    }

    pub fn job(&self, id: TransferId) -> Option<&Job> {
        self.entries.get(&id).map(|e| &e.job)
    }

    /// The batch of a job that still waits for an answer.
    pub fn asking_in(&self, id: TransferId) -> Option<BatchId> {
        self.entries
            .get(&id)
            .filter(|e| e.status == Status::Asking)
            .map(|e| e.job.batch)
    }

    pub fn batch_of(&self, id: TransferId) -> Option<BatchId> {
        self.entries.get(&id).map(|e| e.job.batch)
    }

    /// How a job ended; None while it has not.
    pub fn outcome(&self, id: TransferId) -> Option<&Outcome> {
        match &self.entries.get(&id)?.status {
            Status::Finished(o) => Some(o),
            _ => None,
        }
    }

    pub fn ids(&self) -> Vec<TransferId> {
        self.entries.keys().copied().collect()
    }

    /// Whether jobs wait for a worker (some may be stale: see `ready`).
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    pub fn ready_len(&self) -> usize {
        self.ready.len()
    }

    /// The next job for a worker, left at the head of the queue until
    /// `handed` (the worker may turn out to have ended).
    pub fn next_ready(&mut self) -> Option<TransferId> {
        while let Some(&id) = self.ready.front() {
            if self
                .entries
                .get(&id)
                .is_some_and(|e| e.status == Status::Queued)
            {
                return Some(id);
            }
            self.ready.pop_front();
        }
        None
    }

    /// What a worker needs to run a queued job.
    pub fn assignment(&self, id: TransferId) -> Option<Assignment> {
        let e = self
            .entries
            .get(&id)
            .filter(|e| e.status == Status::Queued)?;
        Some(Assignment::Job {
            job: e.job.clone(),
            cancel: e.cancel.clone(),
            keep_partial: self.keep_partial.clone(),
        })
    }

    /// The job at the head of the queue went to `worker`.
    pub fn handed(&mut self, id: TransferId, worker: u64) {
        if self.ready.front() == Some(&id) {
            self.ready.pop_front();
        }
        if let Some(e) = self.entries.get_mut(&id) {
            e.status = Status::Running {
                worker,
                shown: Shown::Queued,
            };
        }
    }

    /// The entry of a job `worker` holds: its reports count only then.
    fn held_by(&mut self, worker: u64, id: TransferId) -> Option<&mut Entry> {
        self.entries
            .get_mut(&id)
            .filter(|e| matches!(e.status, Status::Running { worker: w, .. } if w == worker))
    }

    /// Records what is shown for a job its worker has; false when there
    /// is nothing new to show (running, and it was running already).
    fn show(&mut self, worker: u64, id: TransferId, now: Shown) -> bool {
        match self.held_by(worker, id) {
            Some(Entry {
                status: Status::Running { shown, .. },
                ..
            }) if *shown != now || now == Shown::Retrying => {
                *shown = now;
                true
            }
            _ => false,
        }
    }

    /// `worker` began an attempt at the job: it is running (again, after a
    /// retry's wait).
    pub fn running(&mut self, worker: u64, id: TransferId) {
        if self.show(worker, id, Shown::Running) {
            self.emit_state(id, TransferState::Running);
        }
    }

    /// An attempt failed; `worker` tries again after a wait.
    pub fn retrying(
        &mut self,
        worker: u64,
        id: TransferId,
        (attempt, of): (u32, u32),
        reason: Failure,
    ) {
        if self.show(worker, id, Shown::Retrying) {
            self.emit_state(
                id,
                TransferState::Retrying {
                    attempt,
                    of,
                    reason,
                },
            );
        }
    }

    /// Bytes at the target, as `worker` counts them (throttled there).
    pub fn progress(&mut self, worker: u64, id: TransferId, done: u64, rate: u64) {
        if self.held_by(worker, id).is_some() {
            self.emit(Event::TransferProgress { id, done, rate });
        }
    }

    /// `worker` says how the job ended; see `finish`.
    pub fn finished_by(
        &mut self,
        worker: u64,
        id: TransferId,
        outcome: Outcome,
    ) -> Option<BatchId> {
        self.held_by(worker, id)?;
        self.finish(id, outcome)
    }

    /// A job `worker` held without trying it goes back to the head of the
    /// queue (its worker could not log in).
    pub fn give_back(&mut self, id: TransferId, worker: u64) {
        if let Some(e) = self.held_by(worker, id) {
            e.status = Status::Queued;
            self.ready.push_front(id);
        }
    }

    /// The user answered for a waiting job: it is queued with that choice.
    pub fn decided(&mut self, id: TransferId, choice: OnExisting) {
        if let Some(e) = self.entries.get_mut(&id)
            && e.status == Status::Asking
        {
            e.job.on_existing = choice;
            e.status = Status::Queued;
            self.ready.push_back(id);
        }
    }

    /// Finishes a job and shows how. Returns its batch, so the batch can
    /// count it; None when the job was unknown or had already finished (it
    /// stays as it ended: nothing is shown).
    pub fn finish(&mut self, id: TransferId, outcome: Outcome) -> Option<BatchId> {
        let entry = self.entries.get_mut(&id)?;
        if matches!(entry.status, Status::Finished(_)) {
            return None;
        }
        let (job, dir) = (&entry.job.display, entry.job.direction);
        match &outcome {
            Outcome::Failed(why) => {
                tracing::warn!(transfer = id.0, ?dir, "transfer of {job} failed: {why}")
            }
            Outcome::Done => tracing::debug!(transfer = id.0, ?dir, "transferred {job}"),
            Outcome::Verified(algo) => {
                tracing::debug!(transfer = id.0, ?dir, "transferred {job}, {algo} checked")
            }
            Outcome::DoneWithNote(note) => {
                tracing::info!(transfer = id.0, ?dir, "transferred {job}: {note}")
            }
            Outcome::Skipped(why) => {
                tracing::debug!(transfer = id.0, ?dir, "skipped {job}: {why}")
            }
            Outcome::Cancelled => tracing::debug!(transfer = id.0, ?dir, "cancelled {job}"),
        }
        let state = outcome.state();
        entry.status = Status::Finished(outcome);
        let batch = entry.job.batch;
        self.emit_state(id, state);
        Some(batch)
    }

    /// Cancels a job. One that had not started is finished now (its batch
    /// is returned, to count it); a running one is told to stop, and its
    /// worker reports how it ended.
    pub fn cancel(&mut self, id: TransferId) -> Option<BatchId> {
        let entry = self.entries.get(&id)?;
        match entry.status {
            Status::Queued | Status::Asking => self.finish(id, Outcome::Cancelled),
            Status::Running { .. } => {
                entry.cancel.cancel();
                None
            }
            Status::Finished(_) => None,
        }
    }

    /// The jobs not finished (queued, waiting for an answer, running), in
    /// no particular order: what the saved queue keeps.
    pub fn unfinished(&self) -> Vec<&Job> {
        self.entries
            .values()
            .filter(|e| !matches!(e.status, Status::Finished(_)))
            .map(|e| &e.job)
            .collect()
    }

    /// Stops every unfinished job for later (quit, disconnect): running
    /// ones keep their partial files; the rest finish as cancelled now.
    /// Returns the batches of the jobs finished here, one per job.
    pub fn suspend_all(&mut self) -> Vec<BatchId> {
        // Jobs handed out later (after a disconnect) get a fresh flag.
        std::mem::take(&mut self.keep_partial).store(true, Ordering::SeqCst);
        let ids: Vec<TransferId> = self.entries.keys().copied().collect();
        ids.into_iter().filter_map(|id| self.cancel(id)).collect()
    }

    /// Whether a worker holds a job still.
    pub fn any_running(&self) -> bool {
        self.entries
            .values()
            .any(|e| matches!(e.status, Status::Running { .. }))
    }

    /// Tells every running job to stop (the scheduler is shutting down).
    pub fn stop_all(&self) {
        for e in self.entries.values() {
            e.cancel.cancel();
        }
    }

    /// Queues a failed or cancelled job again, afresh; true if it was.
    /// Jobs that are done, skipped, waiting or running stay as they are.
    pub fn retry(&mut self, id: TransferId) -> bool {
        let Some(entry) = self.entries.get_mut(&id) else {
            return false;
        };
        if !matches!(
            entry.status,
            Status::Finished(Outcome::Failed(_) | Outcome::Cancelled)
        ) {
            return false;
        }
        entry.status = Status::Queued;
        // A cancelled one would stop at once with the old token.
        entry.cancel = CancellationToken::new();
        self.ready.push_back(id);
        self.emit_state(id, TransferState::Queued);
        true
    }

    /// Fails every job that waits for a worker (none can log in). Returns
    /// the batches of the jobs failed, one per job.
    pub fn fail_ready(&mut self, why: Failure) -> Vec<BatchId> {
        let waiting: Vec<TransferId> = self.ready.drain(..).collect();
        let mut batches = Vec::new();
        for id in waiting {
            if self
                .entries
                .get(&id)
                .is_some_and(|e| e.status == Status::Queued)
                && let Some(batch) = self.finish(id, Outcome::Failed(why.clone()))
            {
                batches.push(batch);
            }
        }
        batches
    }

    /// Fails the jobs not yet started (queued, or waiting for an answer)
    /// of batches asked of a server the user has left (`left`: batch →
    /// that server): the workers now log in elsewhere, and running them
    /// there would read or write the wrong server. Returns the jobs failed
    /// with their batches.
    pub fn fail_not_started_of(
        &mut self,
        left: &HashMap<BatchId, String>,
    ) -> Vec<(TransferId, BatchId)> {
        if left.is_empty() {
            return Vec::new();
        }
        let stale: Vec<(TransferId, BatchId)> = self
            .entries
            .iter()
            .filter(|(_, e)| matches!(e.status, Status::Queued | Status::Asking))
            .filter(|(_, e)| left.contains_key(&e.job.batch))
            .map(|(id, e)| (*id, e.job.batch))
            .collect();
        stale
            .into_iter()
            .filter_map(|(id, batch)| {
                let server = left.get(&batch)?;
                let why = Failure::new(
                    FailureKind::NotConnected,
                    format!("not started: the connection to {server} was closed first"),
                );
                self.finish(id, Outcome::Failed(why)).map(|b| (id, b))
            })
            .collect()
    }
}

impl Jobs {
    /// The downloads not started yet, with the folder each writes to (for
    /// finding those onto a disk that filled up).
    pub fn waiting_downloads(&self) -> Vec<(TransferId, std::path::PathBuf)> {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e.status, Status::Queued | Status::Asking))
            .filter(|(_, e)| e.job.direction == Direction::Download)
            .filter_map(|(id, e)| Some((*id, e.job.local.parent()?.to_path_buf())))
            .collect()
    }

    /// Of `ids`, those still waiting fail with `why` (one started since
    /// ends on its own). Returns them with their batches.
    pub fn fail_waiting(
        &mut self,
        ids: Vec<TransferId>,
        why: &Failure,
    ) -> Vec<(TransferId, BatchId)> {
        let waiting: Vec<TransferId> = ids
            .into_iter()
            .filter(|id| {
                self.entries
                    .get(id)
                    .is_some_and(|e| matches!(e.status, Status::Queued | Status::Asking))
            })
            .collect();
        waiting
            .into_iter()
            .filter_map(|id| {
                self.finish(id, Outcome::Failed(why.clone()))
                    .map(|b| (id, b))
            })
            .collect()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Arc;

    use tokio::sync::mpsc;

    use super::*;
    use crate::engine::protocol::FileFacts;

    /// A failure the server caused, for tests that only need one.
    pub fn failure(text: &str) -> Failure {
        Failure::new(FailureKind::Server, text)
    }

    pub fn job(id: u64, batch: u64) -> Job {
        Job {
            id: TransferId(id),
            batch: BatchId(batch),
            direction: Direction::Download,
            display: format!("f{id}"),
            remote: format!("/f{id}").into(),
            local: format!("/tmp/f{id}").into(),
            size: Some(100),
            modified: None,
            modified_exact: false,
            existing: None,
            existing_mode: None,
            taken: Arc::default(),
            on_existing: OnExisting::Ask,
            move_after: false,
            resume_part: false,
            verify: false,
        }
    }

    /// A job whose target exists.
    fn conflicting(id: u64, batch: u64) -> Job {
        Job {
            existing: Some(FileFacts {
                size: Some(5),
                modified: None,
            }),
            ..job(id, batch)
        }
    }

    fn table() -> (Jobs, mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Jobs::new(tx), rx)
    }

    /// The transfer states sent so far, in order.
    fn states(rx: &mut mpsc::UnboundedReceiver<Event>) -> Vec<(u64, TransferState)> {
        let mut out = Vec::new();
        while let Ok(e) = rx.try_recv() {
            if let Event::TransferState { id, state } = e {
                out.push((id.0, state));
            }
        }
        out
    }

    /// Hands every ready job out, to worker 1, in queue order.
    fn hand_all(jobs: &mut Jobs) -> Vec<u64> {
        let mut out = Vec::new();
        while let Some(id) = jobs.next_ready() {
            assert!(jobs.assignment(id).is_some());
            jobs.handed(id, 1);
            out.push(id.0);
        }
        out
    }

    #[test]
    fn a_job_whose_target_exists_waits_for_an_answer_unless_the_policy_says() {
        let (mut jobs, mut rx) = table();
        assert!(!jobs.add(job(1, 1)));
        assert!(jobs.add(conflicting(2, 1)));
        assert!(!jobs.add(Job {
            on_existing: OnExisting::Overwrite,
            ..conflicting(3, 1)
        }));
        assert!(matches!(
            rx.try_recv(),
            Ok(Event::TransferQueued {
                id: TransferId(1),
                ..
            })
        ));
        assert_eq!(jobs.asking_in(TransferId(2)), Some(BatchId(1)));
        assert_eq!(hand_all(&mut jobs), [1, 3]);
        jobs.decided(TransferId(2), OnExisting::Resume);
        assert_eq!(jobs.asking_in(TransferId(2)), None);
        let Some(Assignment::Job { job, .. }) = jobs.assignment(TransferId(2)) else {
            panic!("queued after the answer")
        };
        assert_eq!(job.on_existing, OnExisting::Resume);
    }

    #[test]
    fn cancelling_a_waiting_job_finishes_it_at_once_and_it_is_not_handed_out() {
        let (mut jobs, mut rx) = table();
        jobs.add(job(1, 1));
        jobs.add(conflicting(2, 1));
        jobs.add(job(3, 1));
        assert_eq!(jobs.cancel(TransferId(1)), Some(BatchId(1)));
        assert_eq!(jobs.cancel(TransferId(2)), Some(BatchId(1)));
        assert_eq!(jobs.cancel(TransferId(1)), None, "once");
        assert_eq!(
            states(&mut rx),
            [(1, TransferState::Cancelled), (2, TransferState::Cancelled)]
        );
        assert_eq!(hand_all(&mut jobs), [3]);
        assert_eq!(jobs.outcome(TransferId(2)), Some(&Outcome::Cancelled));
    }

    #[test]
    fn cancelling_a_running_job_tells_its_worker_and_waits_for_its_word() {
        let (mut jobs, mut rx) = table();
        jobs.add(job(1, 1));
        let Some(Assignment::Job { cancel, .. }) = jobs.assignment(TransferId(1)) else {
            panic!("queued")
        };
        jobs.handed(TransferId(1), 7);
        assert_eq!(jobs.cancel(TransferId(1)), None);
        assert!(cancel.is_cancelled());
        assert_eq!(jobs.outcome(TransferId(1)), None, "still running");
        assert!(states(&mut rx).is_empty());
    }

    #[test]
    fn a_finished_job_stays_as_it_ended() {
        let (mut jobs, mut rx) = table();
        jobs.add(job(1, 1));
        jobs.handed(TransferId(1), 1);
        assert_eq!(jobs.finish(TransferId(1), Outcome::Done), Some(BatchId(1)));
        assert_eq!(
            jobs.finish(TransferId(1), Outcome::Failed(failure("late"))),
            None
        );
        assert_eq!(jobs.outcome(TransferId(1)), Some(&Outcome::Done));
        assert_eq!(states(&mut rx), [(1, TransferState::Done)]);
    }

    #[test]
    fn retry_takes_back_failed_and_cancelled_jobs_only_with_a_fresh_token() {
        let (mut jobs, mut rx) = table();
        for id in 1..=4 {
            jobs.add(job(id, 1));
        }
        let Some(Assignment::Job { cancel: old, .. }) = jobs.assignment(TransferId(2)) else {
            panic!("queued")
        };
        hand_all(&mut jobs);
        jobs.finish(TransferId(1), Outcome::Failed(failure("550")));
        jobs.cancel(TransferId(2));
        jobs.finish(TransferId(2), Outcome::Cancelled);
        jobs.finish(TransferId(3), Outcome::Done);
        states(&mut rx);
        assert!(jobs.retry(TransferId(1)));
        assert!(jobs.retry(TransferId(2)));
        assert!(!jobs.retry(TransferId(3)), "done");
        assert!(!jobs.retry(TransferId(4)), "running");
        assert!(!jobs.retry(TransferId(1)), "queued already");
        assert_eq!(
            states(&mut rx),
            [(1, TransferState::Queued), (2, TransferState::Queued)]
        );
        let Some(Assignment::Job { cancel: fresh, .. }) = jobs.assignment(TransferId(2)) else {
            panic!("queued")
        };
        assert!(old.is_cancelled());
        assert!(
            !fresh.is_cancelled(),
            "a retried job starts with a new token"
        );
        assert_eq!(hand_all(&mut jobs), [1, 2]);
    }

    #[test]
    fn a_job_goes_back_to_the_head_of_the_queue_only_from_its_worker() {
        let (mut jobs, _rx) = table();
        jobs.add(job(1, 1));
        jobs.add(job(2, 1));
        jobs.handed(TransferId(1), 4);
        jobs.give_back(TransferId(1), 3);
        assert_eq!(jobs.next_ready(), Some(TransferId(2)), "not worker 3's");
        jobs.give_back(TransferId(1), 4);
        assert_eq!(hand_all(&mut jobs), [1, 2]);
    }

    #[test]
    fn a_retried_transfer_shows_running_again_when_its_next_attempt_starts() {
        let (mut jobs, mut rx) = table();
        jobs.add(job(1, 1));
        rx.try_recv().expect("queued");
        jobs.handed(TransferId(1), 3);
        assert!(rx.try_recv().is_err(), "handed, not begun");
        jobs.running(3, TransferId(1));
        jobs.progress(3, TransferId(1), 94, 10);
        jobs.retrying(3, TransferId(1), (1, 5), failure("cannot connect"));
        jobs.retrying(3, TransferId(1), (2, 5), failure("cannot connect"));
        jobs.running(3, TransferId(1));
        jobs.running(3, TransferId(1));
        jobs.progress(3, TransferId(1), 95, 20);
        let mut seen = Vec::new();
        while let Ok(e) = rx.try_recv() {
            seen.push(match e {
                Event::TransferState {
                    state: TransferState::Retrying { attempt, .. },
                    ..
                } => format!("Retrying {attempt}"),
                Event::TransferState { state, .. } => format!("{state:?}"),
                Event::TransferProgress { done, .. } => format!("{done}"),
                other => panic!("{other:?}"),
            });
        }
        assert_eq!(
            seen,
            ["Running", "94", "Retrying 1", "Retrying 2", "Running", "95"]
        );
    }

    #[test]
    fn late_reports_change_nothing() {
        let (mut jobs, mut rx) = table();
        for id in 1..=3 {
            jobs.add(job(id, 1));
        }
        // 1: cancelled before it started; a word from a worker is late.
        jobs.cancel(TransferId(1));
        // 2: done by worker 1.
        jobs.handed(TransferId(2), 1);
        jobs.finished_by(1, TransferId(2), Outcome::Done);
        // 3: cancelled while worker 1 had it, retried, now worker 2's.
        jobs.handed(TransferId(3), 1);
        jobs.cancel(TransferId(3));
        jobs.finished_by(1, TransferId(3), Outcome::Cancelled);
        jobs.retry(TransferId(3));
        jobs.handed(TransferId(3), 2);
        while rx.try_recv().is_ok() {}

        for id in [TransferId(1), TransferId(2), TransferId(3)] {
            jobs.running(1, id);
            jobs.retrying(1, id, (1, 5), failure("421"));
            jobs.progress(1, id, 5, 5);
            assert_eq!(
                jobs.finished_by(1, id, Outcome::Failed(failure("421"))),
                None
            );
        }
        assert!(rx.try_recv().is_err(), "{:?}", rx.try_recv());
        assert_eq!(jobs.outcome(TransferId(1)), Some(&Outcome::Cancelled));
        assert_eq!(jobs.outcome(TransferId(2)), Some(&Outcome::Done));
        assert_eq!(jobs.outcome(TransferId(3)), None, "worker 2 runs it");
        // The worker that has it is heard.
        jobs.progress(2, TransferId(3), 7, 1);
        assert!(matches!(
            rx.try_recv(),
            Ok(Event::TransferProgress { done: 7, .. })
        ));
        assert_eq!(
            jobs.finished_by(2, TransferId(3), Outcome::Done),
            Some(BatchId(1))
        );
    }

    #[test]
    fn failing_the_ready_jobs_leaves_waiting_and_running_ones() {
        let (mut jobs, mut rx) = table();
        jobs.add(job(1, 1));
        jobs.handed(TransferId(1), 1);
        jobs.add(job(2, 1));
        jobs.add(conflicting(3, 2));
        jobs.add(job(4, 2));
        jobs.cancel(TransferId(4));
        states(&mut rx);
        assert_eq!(jobs.fail_ready(failure("not started: 530")), [BatchId(1)]);
        assert_eq!(
            states(&mut rx),
            [(2, TransferState::Failed(failure("not started: 530")))]
        );
        assert!(!jobs.has_ready());
        assert_eq!(jobs.asking_in(TransferId(3)), Some(BatchId(2)));
    }

    #[test]
    fn jobs_not_started_for_a_server_left_fail_and_the_others_stay() {
        let (mut jobs, mut rx) = table();
        jobs.add(job(1, 1));
        jobs.add(conflicting(2, 1));
        jobs.add(job(3, 1));
        jobs.handed(TransferId(1), 1);
        jobs.add(job(4, 2));
        states(&mut rx);
        let left = HashMap::from([(BatchId(1), "ann@a.example:21".to_string())]);
        let mut failed = jobs.fail_not_started_of(&left);
        failed.sort();
        assert_eq!(
            failed,
            [(TransferId(2), BatchId(1)), (TransferId(3), BatchId(1))]
        );
        let why = Failure::new(
            FailureKind::NotConnected,
            "not started: the connection to ann@a.example:21 was closed first",
        );
        let mut shown = states(&mut rx);
        shown.sort_by_key(|(id, _)| *id);
        assert_eq!(
            shown,
            [
                (2, TransferState::Failed(why.clone())),
                (3, TransferState::Failed(why))
            ]
        );
        assert_eq!(jobs.outcome(TransferId(1)), None, "the running one runs on");
        assert_eq!(hand_all(&mut jobs), [4], "batch 2 is of this server");
    }
}
