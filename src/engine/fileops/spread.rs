//! One command for many paths (DELE, RMD, SITE CHMOD) spread over the
//! operation's connections, each connection writing its share ahead of
//! the replies (`Session::each_path`). 500 deletes behind a 20 ms round
//! trip: lftp's 10 s become a few round trips.
//!
//! Every path gets exactly one outcome. A refusal read among commands
//! written ahead is "doubtful": a server that runs commands in tasks of
//! their own (libunftp) may send the replies of the same code in another
//! order, so the caller checks which path it really belongs to. Paths
//! whose connection broke before their reply go again, on another
//! connection, once.

use std::collections::VecDeque;

use futures::future::BoxFuture;

use super::connections::{Connections, Work, drive};
use crate::engine::error::EngineError;
use crate::engine::protocol::RemotePath;
use crate::engine::session::{EachReplies, Session, WINDOW};

/// The paths one connection takes at once, at most.
const MOST_AT_ONCE: usize = 4 * WINDOW;

/// How many times a path whose connection broke is sent.
const TRIES: u8 = 2;

/// What became of one path.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// The server refused it; `doubtful` when the refusal was read among
    /// replies to commands written ahead (see the module's note).
    Refused {
        error: EngineError,
        doubtful: bool,
    },
    /// No reply: the connection broke (twice), or none could be opened.
    Lost(EngineError),
}

struct Spread<'a, F> {
    verb: String,
    queue: VecDeque<(RemotePath, u8)>,
    max: usize,
    settle: &'a mut F,
}

type Paths = Vec<(RemotePath, u8)>;

impl<F> Work for Spread<'_, F>
where
    F: FnMut(RemotePath, Outcome),
{
    type Task = (String, Paths);
    type Out = (Paths, EachReplies);

    fn next(&mut self) -> Option<Self::Task> {
        if self.queue.is_empty() {
            return None;
        }
        // An even share for each connection there may be.
        let share = self.queue.len().div_ceil(self.max).clamp(1, MOST_AT_ONCE);
        let batch: Paths = self.queue.drain(..share.min(self.queue.len())).collect();
        Some((self.verb.clone(), batch))
    }

    /// A connection more is worth its login for each window's worth.
    fn backlog(&self) -> usize {
        self.queue.len().div_ceil(WINDOW)
    }

    fn finish(&mut self, (paths, replies): Self::Out) {
        let doubtful = replies.wrote_ahead;
        let mut paths = paths.into_iter();
        for ((path, _), r) in paths.by_ref().zip(replies.results) {
            let outcome = match r {
                Ok(()) => Outcome::Done,
                Err(error) => Outcome::Refused { error, doubtful },
            };
            (self.settle)(path, outcome);
        }
        if let Some(lost) = replies.lost {
            for (path, tries) in paths {
                if tries + 1 < TRIES {
                    self.queue.push_back((path, tries + 1));
                } else {
                    (self.settle)(path, Outcome::Lost(lost.clone()));
                }
            }
        }
    }

    fn run(mut s: Session, (verb, paths): Self::Task) -> BoxFuture<'static, (Session, Self::Out)> {
        Box::pin(async move {
            let just: Vec<_> = paths.iter().map(|(p, _)| p.clone()).collect();
            let replies = s.each_path(&verb, &just).await;
            (s, (paths, replies))
        })
    }
}

/// Sends `verb path` for every path, spread over `conns`, and hands each
/// path's outcome to `settle` as it comes.
pub async fn spread<F>(
    conns: &mut Connections,
    max: usize,
    verb: &str,
    paths: Vec<RemotePath>,
    settle: &mut F,
) where
    F: FnMut(RemotePath, Outcome),
{
    let mut w = Spread {
        verb: verb.to_string(),
        queue: paths.into_iter().map(|p| (p, 0)).collect(),
        max: max.max(1),
        settle,
    };
    if let Err(e) = drive(conns, &mut w).await {
        // No connection at all: every path not answered is lost.
        for (p, _) in std::mem::take(&mut w.queue) {
            (w.settle)(p, Outcome::Lost(e.clone()));
        }
    }
}
