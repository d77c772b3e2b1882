//! What a running file operation tells its caller: counts (throttled to
//! about ten a second), each entry that failed, find's matches, and the
//! end. Shared by the operation's tasks (cheap to clone); sends engine
//! [`Event`]s, so the TUI and the headless commands read the same ones.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::engine::protocol::{Entry, Event, EventTx, Failure, Location, OpCounts, RequestId};

/// At most this often a progress event.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

#[derive(Clone)]
pub struct Reporter {
    inner: Arc<Inner>,
}

struct Inner {
    req: RequestId,
    events: EventTx,
    state: Mutex<State>,
}

struct State {
    counts: OpCounts,
    last_sent: Option<Instant>,
}

impl Reporter {
    pub fn new(req: RequestId, events: EventTx) -> Reporter {
        Reporter {
            inner: Arc::new(Inner {
                req,
                events,
                state: Mutex::new(State {
                    counts: OpCounts::default(),
                    last_sent: None,
                }),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Plain counters: a panic elsewhere cannot leave them half-written.
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn send(&self, e: Event) {
        let _ = self.inner.events.send(e);
    }

    /// Changes the counts and sends them when the last were sent long
    /// enough ago.
    fn count(&self, change: impl FnOnce(&mut OpCounts)) {
        let mut s = self.state();
        change(&mut s.counts);
        let now = Instant::now();
        if s.last_sent
            .is_none_or(|t| now.duration_since(t) >= PROGRESS_EVERY)
        {
            s.last_sent = Some(now);
            let counts = s.counts;
            drop(s);
            self.send(Event::OpProgress {
                req: self.inner.req,
                counts,
            });
        }
    }

    /// `n` entries done (deleted, changed, created).
    pub fn done(&self, n: usize) {
        if n > 0 {
            self.count(|c| c.done += n);
        }
    }

    /// A folder was listed, holding `entries` entries and `bytes` bytes
    /// of files.
    pub fn listed(&self, entries: usize, bytes: u64) {
        self.count(|c| {
            c.folders += 1;
            c.seen += entries;
            c.bytes += bytes;
        });
    }

    /// A folder's listing arrived: its entries and its files' bytes.
    pub fn listed_entries(&self, entries: &[Entry]) {
        let bytes = entries
            .iter()
            .filter(|e| e.kind == crate::engine::protocol::EntryKind::File)
            .map(|e| e.size)
            .sum();
        self.listed(entries.len(), bytes);
    }

    /// Entries found by a count: `files` files and links, `folders`
    /// folders, `bytes` of files.
    pub fn counted(&self, files: usize, folders: usize, bytes: u64) {
        self.count(|c| {
            c.seen += files + folders;
            c.folders += folders;
            c.bytes += bytes;
        });
    }

    /// `n` entries to work on that no listing counted (the targets).
    pub fn seen(&self, n: usize) {
        self.count(|c| c.seen += n);
    }

    /// One entry failed; the operation goes on.
    pub fn failed(&self, path: Location, error: Failure) {
        self.state().counts.failed += 1;
        self.send(Event::OpEntryFailed {
            req: self.inner.req,
            path,
            error,
        });
    }

    /// Find's matches in one folder.
    pub fn found(&self, hits: Vec<(Location, Entry)>) {
        if !hits.is_empty() {
            self.send(Event::Found {
                req: self.inner.req,
                hits,
            });
        }
    }

    /// `FileOp::Details`' answer.
    pub fn details(&self, owner: Option<String>, group: Option<String>) {
        self.send(Event::Details {
            req: self.inner.req,
            owner,
            group,
        });
    }

    pub fn counts(&self) -> OpCounts {
        self.state().counts
    }

    /// The last event of the operation.
    pub fn finish(&self, cancelled: bool) {
        self.send(Event::OpDone {
            req: self.inner.req,
            counts: self.counts(),
            cancelled,
        });
    }
}
