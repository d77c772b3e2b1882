//! The transfer queue as the UI knows it: one row per file, fed by engine
//! events, with a cursor for cancel and retry. Deletes sit above the
//! files (`ops`: a row each, and a line for each entry that failed); the
//! cursor runs over their lines first, then the files.

use std::collections::HashMap;

use super::file_ops::OpRow;
use crate::engine::protocol::{BatchId, Direction, TransferId, TransferState};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRow {
    pub id: TransferId,
    pub batch: BatchId,
    pub direction: Direction,
    pub name: String,
    pub size: Option<u64>,
    /// Bytes at the target (resumed bytes included).
    pub done: u64,
    /// Bytes per second, as the engine last reported.
    pub rate: u64,
    pub state: TransferState,
    /// The queue's round this row counts in (set by the list): the total
    /// line counts only the current round's rows.
    pub round: u64,
}

impl TransferRow {
    pub fn is_active(&self) -> bool {
        !self.state.is_finished()
    }
}

#[derive(Debug, Clone, Default)]
pub struct TransferList {
    /// Deletes running or finished, above the files.
    pub ops: Vec<OpRow>,
    pub rows: Vec<TransferRow>,
    index: HashMap<TransferId, usize>,
    pub cursor: usize,
    pub offset: usize,
    /// Goes up each time work arrives while nothing is queued or running:
    /// what finished before then no longer counts in the total.
    round: u64,
}

/// Totals over the rows that still count (not skipped or cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub files: usize,
    pub finished: usize,
    pub failed: usize,
    pub bytes: u64,
    pub done: u64,
    pub rate: u64,
}

impl Totals {
    /// Seconds left at the current rate.
    pub fn eta_secs(&self) -> Option<u64> {
        eta_secs(self.bytes.saturating_sub(self.done), self.rate)
    }
}

/// Seconds to move `remaining` bytes at `rate`, rounded up: a file with
/// bytes still to come never says 0:00.
pub fn eta_secs(remaining: u64, rate: u64) -> Option<u64> {
    (rate > 0).then(|| remaining.div_ceil(rate))
}

impl TransferList {
    pub fn add(&mut self, mut row: TransferRow) {
        self.start_round_if_idle();
        row.round = self.round;
        if let Some(&i) = self.index.get(&row.id) {
            self.rows[i] = row;
            return;
        }
        self.index.insert(row.id, self.rows.len());
        self.rows.push(row);
    }

    pub fn get_mut(&mut self, id: TransferId) -> Option<&mut TransferRow> {
        self.index.get(&id).map(|&i| &mut self.rows[i])
    }

    /// Work arriving into a queue where nothing is queued or running starts
    /// a new round.
    fn start_round_if_idle(&mut self) {
        if !self.any_active() {
            self.round += 1;
        }
    }

    pub fn set_state(&mut self, id: TransferId, state: TransferState) {
        // A finished row that runs again (a retry) counts in the round now
        // running, or starts one.
        let revived = !state.is_finished()
            && self
                .index
                .get(&id)
                .is_some_and(|&i| self.rows[i].state.is_finished());
        if revived {
            self.start_round_if_idle();
        }
        let round = self.round;
        if let Some(row) = self.get_mut(id) {
            if revived {
                row.round = round;
            }
            if state.is_done() {
                row.done = row.size.unwrap_or(row.done);
            }
            // Every change of state begins or ends an attempt: the rate
            // (and the ETA drawn from it) is the new attempt's to report,
            // not the failed one's.
            row.rate = 0;
            row.state = state;
        }
    }

    pub fn any_active(&self) -> bool {
        self.rows.iter().any(TransferRow::is_active)
    }

    pub fn any_failed(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.state, TransferState::Failed(_)))
    }

    pub fn selected(&self) -> Option<&TransferRow> {
        self.cursor
            .checked_sub(self.op_lines())
            .and_then(|i| self.rows.get(i))
    }

    /// Lines the deletes take above the files.
    pub fn op_lines(&self) -> usize {
        self.ops.iter().map(OpRow::lines).sum()
    }

    /// Lines in all: the deletes' and the files'.
    pub fn lines(&self) -> usize {
        self.op_lines() + self.rows.len()
    }

    /// The delete whose row (or failure line) is at `line`.
    pub fn op_at(&self, line: usize) -> Option<&OpRow> {
        let mut start = 0;
        for op in &self.ops {
            if line < start + op.lines() {
                return Some(op);
            }
            start += op.lines();
        }
        None
    }

    pub fn op_mut(&mut self, req: crate::engine::protocol::RequestId) -> Option<&mut OpRow> {
        self.ops.iter_mut().find(|o| o.req == req)
    }

    /// A delete is running, or one left failures to read.
    pub fn ops_to_show(&self) -> bool {
        self.ops
            .iter()
            .any(|o| o.is_active() || !o.failures.is_empty())
    }

    /// Rows that failed or were cancelled: what "retry" takes.
    pub fn retryable(&self) -> Vec<TransferId> {
        self.rows
            .iter()
            .filter(|r| matches!(r.state, TransferState::Failed(_) | TransferState::Cancelled))
            .map(|r| r.id)
            .collect()
    }

    /// Drops the finished rows (done, skipped; failed and cancelled too,
    /// once the user has seen them and asks to clear).
    pub fn clear_finished(&mut self) {
        self.ops.retain(OpRow::is_active);
        self.rows.retain(TransferRow::is_active);
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        self.cursor = self.cursor.min(self.lines().saturating_sub(1));
        self.offset = self.offset.min(self.cursor);
    }

    /// Puts the cursor on the first row worth acting on: running or
    /// failed (where cancel and retry do something), else the first not
    /// finished; on none of those it stays.
    pub fn cursor_to_first_that_matters(&mut self, height: usize) {
        let matters = |r: &TransferRow| {
            matches!(
                r.state,
                TransferState::Running | TransferState::Retrying { .. } | TransferState::Failed(_)
            )
        };
        let found = self
            .rows
            .iter()
            .position(matters)
            .or_else(|| self.rows.iter().position(TransferRow::is_active));
        let found = match self.ops.iter().position(OpRow::is_active) {
            Some(i) => Some(self.ops[..i].iter().map(OpRow::lines).sum()),
            None => found.map(|i| i + self.op_lines()),
        };
        if let Some(i) = found {
            self.move_cursor(i as isize - self.cursor as isize, height);
        }
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        let last = self.lines().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
    }

    /// The total line: what is queued or running now, and what finished
    /// since the queue was last empty (of work still to do), not the
    /// whole session.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for r in &self.rows {
            if r.round != self.round {
                continue;
            }
            if matches!(
                r.state,
                TransferState::Skipped(_) | TransferState::Cancelled
            ) {
                continue;
            }
            t.files += 1;
            t.bytes += r.size.unwrap_or(r.done);
            t.done += r.done;
            t.rate += r.rate;
            match r.state {
                ref s if s.is_done() => t.finished += 1,
                TransferState::Failed(_) => {
                    t.finished += 1;
                    t.failed += 1;
                }
                _ => {}
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{Failure, FailureKind};

    fn row(id: u64, size: u64) -> TransferRow {
        TransferRow {
            id: TransferId(id),
            batch: BatchId(1),
            direction: Direction::Download,
            name: format!("f{id}"),
            size: Some(size),
            done: 0,
            rate: 0,
            state: TransferState::Queued,
            round: 0,
        }
    }

    #[test]
    fn the_total_counts_what_runs_now_and_what_finished_since_the_queue_was_last_empty() {
        let mut l = TransferList::default();
        l.add(row(1, 1000));
        l.set_state(TransferId(1), TransferState::Done);
        // Nothing runs: the next file starts a new round.
        l.add(row(2, 100));
        l.add(row(3, 100));
        if let Some(r) = l.get_mut(TransferId(2)) {
            r.done = 20;
            r.state = TransferState::Running;
        }
        let t = l.totals();
        assert_eq!((t.files, t.finished, t.bytes, t.done), (2, 0, 200, 20));
        // Finished while others run: still counted.
        l.set_state(TransferId(3), TransferState::Done);
        l.add(row(4, 100));
        let t = l.totals();
        assert_eq!((t.files, t.finished, t.bytes, t.done), (3, 1, 300, 120));
        // An old failure retried when nothing runs counts again, alone.
        l.set_state(
            TransferId(2),
            TransferState::Failed(Failure::new(FailureKind::Server, "421")),
        );
        l.set_state(TransferId(4), TransferState::Done);
        l.set_state(TransferId(2), TransferState::Queued);
        let t = l.totals();
        assert_eq!((t.files, t.finished, t.bytes, t.done), (1, 0, 100, 20));
    }

    #[test]
    fn totals_and_clearing() {
        let mut l = TransferList::default();
        l.add(row(1, 100));
        l.add(row(2, 300));
        l.add(row(3, 50));
        if let Some(r) = l.get_mut(TransferId(2)) {
            r.done = 150;
            r.rate = 50;
            r.state = TransferState::Running;
        }
        l.set_state(TransferId(1), TransferState::Done);
        l.set_state(TransferId(3), TransferState::Skipped("exists".into()));
        let t = l.totals();
        assert_eq!((t.files, t.finished, t.bytes, t.done), (2, 1, 400, 250));
        assert_eq!(t.eta_secs(), Some(3));
        // 52 % of 1 GiB at 1 GB/s: under a second left, but not none.
        let gib = 1u64 << 30;
        assert_eq!(eta_secs(gib - gib * 52 / 100, 1_000_000_000), Some(1));
        assert_eq!(eta_secs(0, 10), Some(0));
        l.clear_finished();
        assert_eq!(l.rows.len(), 1);
        assert!(l.get_mut(TransferId(2)).is_some());
        assert!(l.get_mut(TransferId(1)).is_none());
    }
}
