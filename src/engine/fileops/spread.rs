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
        // Not `zip`: it would take the first path without a reply from
        // `paths` and drop it, and that path would get no outcome at all.
        let mut results = replies.results.into_iter();
        let mut unanswered = Vec::new();
        for (path, tries) in paths {
            match results.next() {
                Some(Ok(())) => (self.settle)(path, Outcome::Done),
                Some(Err(error)) => (self.settle)(path, Outcome::Refused { error, doubtful }),
                None => unanswered.push((path, tries)),
            }
        }
        let lost = replies
            .lost
            .unwrap_or_else(|| EngineError::Protocol("no reply for every command sent".into()));
        for (path, tries) in unanswered {
            if tries + 1 < TRIES {
                self.queue.push_back((path, tries + 1));
            } else {
                (self.settle)(path, Outcome::Lost(lost.clone()));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn replies(results: Vec<Result<(), EngineError>>, lost: bool) -> EachReplies {
        EachReplies {
            results,
            lost: lost.then(|| EngineError::Protocol("cut".into())),
            wrote_ahead: true,
        }
    }

    fn paths(names: &[&str], tries: u8) -> Paths {
        names
            .iter()
            .map(|n| (RemotePath::from(*n), tries))
            .collect()
    }

    /// Every path gets one outcome or goes again, however few replies came.
    #[test]
    fn paths_without_a_reply_go_again_every_one_of_them() {
        let mut settled = Vec::new();
        let mut settle =
            |p: RemotePath, o: Outcome| settled.push((p.to_string(), format!("{o:?}")));
        let mut w = Spread {
            verb: "RMD".into(),
            queue: VecDeque::new(),
            max: 4,
            settle: &mut settle,
        };
        // No reply at all for two commands written ahead (a server that
        // dropped them): both go again.
        w.finish((paths(&["/d2", "/d3"], 0), replies(vec![], true)));
        let again: Vec<_> = w.queue.iter().map(|(p, t)| (p.to_string(), *t)).collect();
        assert_eq!(again, [("/d2".to_string(), 1), ("/d3".to_string(), 1)]);
        // One reply of three, on the second try: one done, two lost.
        w.queue.clear();
        w.finish((paths(&["/a", "/b", "/c"], 1), replies(vec![Ok(())], true)));
        assert!(w.queue.is_empty());
        drop(w);
        assert_eq!(settled.len(), 3, "{settled:?}");
        assert!(settled[0].1.starts_with("Done"), "{settled:?}");
        assert!(settled[1].1.starts_with("Lost") && settled[2].1.starts_with("Lost"));
    }
}
