//! The connections a remote file operation runs on, and the loop that
//! spreads its work over them. Never the browse connection (browsing stays
//! responsive while a tree is deleted or searched): up to `max` of their
//! own, as many as the transfer pool may open, opened as the work needs
//! them and, after the first, while it already runs. A headless command
//! lends the session that looked the URL up, so one login is saved.
//!
//! [`drive`] hands each idle session the next task of a [`Work`] and
//! folds the outcome back in; a session that broke is dropped and, while
//! work waits, replaced. A server that turns a further connection away
//! (its per-address limit) leaves the work on those already in.

use futures::future::BoxFuture;
use futures::stream::{FuturesUnordered, StreamExt};

use crate::engine::error::EngineError;
use crate::engine::protocol::ConnectProfile;
use crate::engine::session::{Connector, Session};
use crate::engine::wire_log::WireSink;

/// Where each connection's protocol lines go, by its number (1, 2, …).
pub type SinkFor = Box<dyn Fn(usize) -> WireSink + Send + Sync>;

pub struct Connections {
    connector: Connector,
    profile: ConnectProfile,
    sink_for: SinkFor,
    max: usize,
    idle: Vec<Session>,
    /// Sessions open now: idle, or running a task.
    alive: usize,
    /// Connections opened so far (they are numbered for the log).
    opened: usize,
    /// The server refused one more: make do with those in.
    full: bool,
}

impl Connections {
    pub fn new(
        connector: Connector,
        profile: ConnectProfile,
        max: usize,
        sink_for: SinkFor,
    ) -> Connections {
        Connections {
            connector,
            profile,
            sink_for,
            max: max.max(1),
            idle: Vec::new(),
            alive: 0,
            opened: 0,
            full: false,
        }
    }

    /// The same, with a logged-in session to start on.
    pub fn lend(mut self, session: Session) -> Connections {
        if session.is_usable() {
            self.alive += 1;
            self.opened += 1;
            self.idle.push(session);
        }
        self
    }

    /// Connections at most.
    pub fn max(&self) -> usize {
        self.max
    }

    pub fn profile(&self) -> &ConnectProfile {
        &self.profile
    }

    fn opener(&mut self) -> BoxFuture<'static, Result<Session, EngineError>> {
        self.opened += 1;
        let sink = (self.sink_for)(self.opened);
        let (connector, profile) = (self.connector.clone(), self.profile.clone());
        Box::pin(async move { connector.open(profile, sink).await })
    }

    /// One logged-in session: an idle one, or a new one.
    pub async fn one(&mut self) -> Result<Session, EngineError> {
        if let Some(s) = self.idle.pop() {
            return Ok(s);
        }
        let s = self.opener().await?;
        self.alive += 1;
        Ok(s)
    }

    /// Takes a session back: kept when still usable.
    pub fn put_back(&mut self, s: Session) {
        if s.is_usable() {
            self.idle.push(s);
        } else {
            self.alive = self.alive.saturating_sub(1);
        }
    }

    /// Says goodbye on every idle connection.
    pub async fn close(self) {
        futures::future::join_all(self.idle.into_iter().map(Session::quit)).await;
    }
}

/// Work spread over connections: tasks handed out one at a time to idle
/// sessions, their outcomes folded back in (which may make new tasks).
pub trait Work {
    type Task: Send + 'static;
    type Out: Send + 'static;
    /// The next task to start now, if any.
    fn next(&mut self) -> Option<Self::Task>;
    /// How many tasks could start now (for opening more connections).
    fn backlog(&self) -> usize;
    /// A task's outcome.
    fn finish(&mut self, out: Self::Out);
    /// Runs a task on a session, handing the session back with the outcome.
    fn run(session: Session, task: Self::Task) -> BoxFuture<'static, (Session, Self::Out)>;
}

/// Runs `work` until it has no task left and none running. Fails only
/// when no connection at all could be had while tasks were waiting (the
/// error of the last try).
pub async fn drive<W: Work>(conns: &mut Connections, work: &mut W) -> Result<(), EngineError> {
    let mut running = FuturesUnordered::new();
    let mut opening = FuturesUnordered::new();
    loop {
        while !conns.idle.is_empty() {
            let Some(task) = work.next() else { break };
            if let Some(s) = conns.idle.pop() {
                running.push(W::run(s, task));
            }
        }
        let mut wanted = work.backlog();
        if conns.alive == 0 && opening.is_empty() && wanted == 0 && running.is_empty() {
            // Nothing running, nothing to start: done (or nothing to do).
            return Ok(());
        }
        while wanted > 0 && !conns.full && conns.alive + opening.len() < conns.max {
            opening.push(conns.opener());
            wanted -= 1;
        }
        if running.is_empty() && opening.is_empty() {
            if work.backlog() == 0 {
                return Ok(());
            }
            if conns.alive == 0 {
                // Refused before: try once more, alone, for the error.
                conns.full = false;
                opening.push(conns.opener());
            }
        }
        tokio::select! {
            Some((s, out)) = running.next() => {
                work.finish(out);
                conns.put_back(s);
            }
            Some(r) = opening.next() => match r {
                Ok(s) => {
                    conns.alive += 1;
                    conns.idle.push(s);
                }
                Err(e) => {
                    conns.full = true;
                    if conns.alive == 0 && running.is_empty() && opening.is_empty() {
                        return Err(e);
                    }
                    tracing::info!("file operation: one more connection refused: {e}");
                }
            },
        }
    }
}
