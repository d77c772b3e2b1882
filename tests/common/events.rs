//! The engine driven as the UI drives it: commands in, events awaited
//! with a time limit (a connection, a listing, a batch to its end). Also
//! the protocol-log sinks for sessions opened directly.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wharf::engine::protocol::{
    BatchId, Command, ConnId, ConnectProfile, Entry, Event, Failure, FileOp, Location, OnExisting,
    OpCounts, RemotePath, RequestId, ServerInfo, TransferItem, TransferRequest, TransferState,
    WireDir,
};
use wharf::engine::wire_log::WireSink;
use wharf::engine::{EngineHandle, spawn};

/// How long `connect`, `list` and `batch` wait unless told otherwise.
pub const WAIT: Duration = Duration::from_secs(60);

/// A running engine, and the protocol log it sent while it was waited on.
pub struct Engine {
    pub handle: EngineHandle,
    /// How long `connect`, `list` and `batch` wait.
    pub wait: Duration,
    /// Every protocol-log line seen while waiting, in order.
    pub wire: Vec<(WireDir, String)>,
}

impl Engine {
    pub fn new(handle: EngineHandle) -> Engine {
        Engine {
            handle,
            wait: WAIT,
            wire: Vec::new(),
        }
    }

    /// `wharf::engine::spawn()`: the default configuration.
    pub fn spawn() -> Engine {
        Engine::new(spawn())
    }

    /// The same engine, waiting up to `wait` for each answer.
    pub fn waiting(mut self, wait: Duration) -> Engine {
        self.wait = wait;
        self
    }

    pub fn send(&self, command: Command) {
        self.handle
            .commands
            .send(command)
            .expect("the engine is running");
    }

    /// Asks for a connection without waiting for it: what comes next
    /// queues behind it, as when the user acts at once.
    pub fn start_connect(&self, conn: u64, profile: ConnectProfile) {
        self.send(Command::Connect {
            conn: ConnId(conn),
            profile,
        });
    }

    /// The first event `pick` takes, within `within`.
    pub async fn wait_for<T>(
        &mut self,
        within: Duration,
        mut pick: impl FnMut(Event) -> Option<T>,
    ) -> T {
        let (events, wire) = (&mut self.handle.events, &mut self.wire);
        tokio::time::timeout(within, async {
            loop {
                let ev = events.recv().await.expect("the engine stopped");
                if let Event::Wire { dir, text, .. } = &ev {
                    wire.push((*dir, text.clone()));
                }
                if let Some(t) = pick(ev) {
                    return t;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no awaited engine event within {within:?}"))
    }

    /// Connects and waits for the outcome: the server's facts and the
    /// folder to show first, or why it failed.
    pub async fn connect(
        &mut self,
        conn: u64,
        profile: ConnectProfile,
    ) -> Result<(ServerInfo, RemotePath), Failure> {
        self.start_connect(conn, profile);
        let conn = ConnId(conn);
        self.wait_for(self.wait, |ev| match ev {
            Event::Connected {
                conn: c,
                info,
                start,
            } if c == conn => Some(Ok((info, start))),
            Event::Disconnected { conn: c, reason } if c == conn => {
                Some(Err(reason.expect("a failed connection says why")))
            }
            _ => None,
        })
        .await
    }

    /// Lists `path` as request `req`; the answer must name the same path.
    pub async fn list(&mut self, req: u64, path: Location) -> Result<Vec<Entry>, Failure> {
        let req = RequestId(req);
        self.send(Command::List {
            req,
            path: path.clone(),
        });
        self.wait_for(self.wait, |ev| {
            let (r, p, answer) = match ev {
                Event::Listing {
                    req, path, entries, ..
                } => (req, path, Ok(entries)),
                Event::Failed { req, path, error } => (req, path, Err(error)),
                _ => return None,
            };
            if r != req {
                return None;
            }
            assert_eq!(p, path, "the answer names another path");
            Some(answer)
        })
        .await
    }

    /// Runs a file operation as request `req` to its `OpDone`.
    pub async fn op(&mut self, req: u64, op: FileOp) -> OpResult {
        let req = RequestId(req);
        self.send(Command::FileOp { req, op });
        let mut r = OpResult::default();
        self.wait_for(self.wait, |ev| match ev {
            Event::OpEntryFailed {
                req: q,
                path,
                error,
            } if q == req => {
                r.failures.push((path.to_string(), error));
                None
            }
            Event::Found { req: q, hits } if q == req => {
                r.found.extend(hits.into_iter().map(|(l, _)| l.to_string()));
                None
            }
            Event::Details {
                req: q,
                owner,
                group,
            } if q == req => {
                r.details = Some((owner, group));
                None
            }
            Event::OpDone {
                req: q,
                counts,
                cancelled,
            } if q == req => {
                r.counts = counts;
                r.cancelled = cancelled;
                Some(())
            }
            _ => None,
        })
        .await;
        r
    }

    /// Sends `req` and follows it to its `BatchDone`; `on_event` sees every
    /// event on the way and may answer it (conflicts, cancels) with
    /// commands. A `BatchFailed` for it fails the test.
    pub async fn batch(
        &mut self,
        req: TransferRequest,
        mut on_event: impl FnMut(&Event) -> Vec<Command>,
    ) -> BatchResult {
        let batch = req.batch;
        self.send(Command::Transfer(req));
        let mut names = BTreeMap::new();
        let mut result = BatchResult::default();
        let commands = self.handle.commands.clone();
        self.wait_for(self.wait, |ev| {
            for c in on_event(&ev) {
                commands.send(c).expect("the engine is running");
            }
            match ev {
                Event::TransferQueued { id, name, .. } => {
                    names.insert(id, name);
                }
                Event::TransferState { id, state } => {
                    if let Some(n) = names.get(&id) {
                        result
                            .history
                            .entry(n.clone())
                            .or_default()
                            .push(state.clone());
                        result.states.insert(n.clone(), state);
                    }
                }
                Event::Conflict { .. } => result.conflicts += 1,
                Event::BatchQueued { skipped, .. } => result.skipped_while_walking = skipped,
                Event::BatchFailed { batch: b, error } if b == batch => {
                    panic!("batch {b:?} failed: {error:?}")
                }
                Event::BatchDone {
                    batch: b,
                    done,
                    failed,
                    skipped,
                    cancelled,
                } if b == batch => {
                    result.done = done;
                    result.failed = failed;
                    result.skipped = skipped;
                    result.cancelled = cancelled;
                    return Some(());
                }
                _ => {}
            }
            None
        })
        .await;
        result
    }

    /// Copies one entry into the folder `into` (its side says which way)
    /// and follows the batch to its end, answering nothing.
    pub async fn copy(
        &mut self,
        batch: u64,
        item: TransferItem,
        into: Location,
        on_existing: OnExisting,
    ) -> BatchResult {
        let req = TransferRequest {
            batch: BatchId(batch),
            items: vec![item],
            target_dir: into,
            on_existing,
            move_after: false,
            folders: Vec::new(),
            verify: false,
        };
        self.batch(req, no_answers).await
    }

    pub async fn shutdown(self) {
        self.handle.shutdown().await;
    }
}

/// An `on_event` for `Engine::batch` that answers nothing.
pub fn no_answers(_: &Event) -> Vec<Command> {
    Vec::new()
}

/// What a batch came to.
#[derive(Debug, Default)]
pub struct BatchResult {
    pub done: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cancelled: usize,
    /// Final state per transfer name.
    pub states: BTreeMap<String, TransferState>,
    /// Every state per transfer name, in order.
    pub history: BTreeMap<String, Vec<TransferState>>,
    pub skipped_while_walking: Vec<String>,
    pub conflicts: usize,
}

impl BatchResult {
    /// The failed transfers, by name, and why.
    pub fn failures(&self) -> BTreeMap<&str, &Failure> {
        self.states
            .iter()
            .filter_map(|(name, state)| match state {
                TransferState::Failed(why) => Some((name.as_str(), why)),
                _ => None,
            })
            .collect()
    }

    /// Whether a worker ever began an attempt at `name` (it showed as
    /// running, or as retrying).
    pub fn was_tried(&self, name: &str) -> bool {
        self.history.get(name).is_some_and(|states| {
            states
                .iter()
                .any(|s| matches!(s, TransferState::Running | TransferState::Retrying { .. }))
        })
    }
}

/// How a file operation ended.
#[derive(Debug, Default)]
pub struct OpResult {
    pub counts: OpCounts,
    pub cancelled: bool,
    /// Each entry that failed, with why.
    pub failures: Vec<(String, Failure)>,
    /// Find's matches.
    pub found: Vec<String>,
    /// `FileOp::Details`' answer: owner and group.
    pub details: Option<(Option<String>, Option<String>)>,
}

/// A protocol-log sink for a session opened directly, keeping its lines.
pub fn recording() -> (WireSink, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let kept = lines.clone();
    let sink = WireSink::new(move |e| {
        if let Event::Wire { text, .. } = e {
            kept.lock().expect("lock").push(text);
        }
    });
    (sink, lines)
}

/// A protocol-log sink that drops every line.
pub fn quiet() -> WireSink {
    WireSink::new(|_| {})
}
