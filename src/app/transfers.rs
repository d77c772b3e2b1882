//! The transfer queue as the UI knows it: one row per file, fed by engine
//! events, with a cursor for cancel and retry.

use std::collections::HashMap;

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
}

impl TransferRow {
    pub fn is_active(&self) -> bool {
        !self.state.is_finished()
    }
}

#[derive(Debug, Clone, Default)]
pub struct TransferList {
    pub rows: Vec<TransferRow>,
    index: HashMap<TransferId, usize>,
    pub cursor: usize,
    pub offset: usize,
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
        (self.rate > 0).then(|| self.bytes.saturating_sub(self.done) / self.rate)
    }
}

impl TransferList {
    pub fn add(&mut self, row: TransferRow) {
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

    pub fn set_state(&mut self, id: TransferId, state: TransferState) {
        if let Some(row) = self.get_mut(id) {
            if state.is_done() {
                row.done = row.size.unwrap_or(row.done);
                row.rate = 0;
            } else if state.is_finished() || state == TransferState::Queued {
                row.rate = 0;
            }
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
        self.rows.get(self.cursor)
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
        self.rows.retain(TransferRow::is_active);
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        self.offset = self.offset.min(self.cursor);
    }

    pub fn move_cursor(&mut self, delta: isize, height: usize) {
        let last = self.rows.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        let height = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + height {
            self.offset = self.cursor + 1 - height;
        }
    }

    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for r in &self.rows {
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
                TransferState::Done | TransferState::DoneWithNote(_) => t.finished += 1,
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
        }
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
        l.clear_finished();
        assert_eq!(l.rows.len(), 1);
        assert!(l.get_mut(TransferId(2)).is_some());
        assert!(l.get_mut(TransferId(1)).is_none());
    }
}
