//! Walking a remote tree: folders listed several at once, each on a
//! connection of its own (`connections.rs`), breadth first. What to do
//! with each listing — and which folders under it to walk on — is the
//! caller's: find matches names, delete and chmod collect what to change.
//! Links are never walked into (a link to `/` must not make a find, let
//! alone a delete, cover the whole server).

use std::collections::VecDeque;

use futures::future::BoxFuture;

use super::connections::{Connections, Work, drive};
use crate::engine::error::EngineError;
use crate::engine::protocol::{Entry, EntryKind, RemotePath};
use crate::engine::session::Session;

/// A folder listing that broke its connection is tried once more, on
/// another.
const TRIES: u8 = 2;

struct Walk<'a, F> {
    queue: VecDeque<(RemotePath, u8)>,
    /// Listings running now.
    in_flight: usize,
    /// Connections at most.
    max: usize,
    visit: &'a mut F,
}

impl<F> Work for Walk<'_, F>
where
    F: FnMut(&RemotePath, Result<Vec<Entry>, EngineError>),
{
    type Task = (RemotePath, u8);
    type Out = (RemotePath, u8, Result<Vec<Entry>, EngineError>, bool);

    fn next(&mut self) -> Option<Self::Task> {
        let t = self.queue.pop_front()?;
        self.in_flight += 1;
        Some(t)
    }

    /// A folder being listed usually holds folders: the other connections
    /// log in meanwhile (behind a 20 ms round trip a login is ~8 of them),
    /// so they are ready when its listing arrives.
    fn backlog(&self) -> usize {
        if self.in_flight > 0 {
            self.queue.len().max(self.max)
        } else {
            self.queue.len()
        }
    }

    fn finish(&mut self, (folder, tries, result, usable): Self::Out) {
        self.in_flight -= 1;
        if result.is_err() && !usable && tries + 1 < TRIES {
            self.queue.push_back((folder, tries + 1));
            return;
        }
        if let Ok(entries) = &result {
            for e in entries.iter().filter(|e| e.kind == EntryKind::Dir) {
                self.queue.push_back((folder.join(&e.name), 0));
            }
        }
        (self.visit)(&folder, result);
    }

    fn run(
        mut s: Session,
        (folder, tries): Self::Task,
    ) -> BoxFuture<'static, (Session, Self::Out)> {
        Box::pin(async move {
            let r = s.list_noted(&folder, &mut |_| {}).await.map(|(e, _)| e);
            let usable = s.is_usable();
            (s, (folder, tries, r, usable))
        })
    }
}

/// Lists every folder under `roots` (the roots included), several at
/// once, and hands each listing (or its failure) to `visit`, which sees
/// folders in breadth-first order, roughly. Fails only when no connection
/// could be had.
pub async fn walk<F>(
    conns: &mut Connections,
    roots: Vec<RemotePath>,
    visit: &mut F,
) -> Result<(), EngineError>
where
    F: FnMut(&RemotePath, Result<Vec<Entry>, EngineError>),
{
    let mut w = Walk {
        queue: roots.into_iter().map(|r| (r, 0)).collect(),
        in_flight: 0,
        max: conns.max(),
        visit,
    };
    drive(conns, &mut w).await
}
