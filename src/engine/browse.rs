//! The browse session: one control connection per remote pane that serves
//! listings (and later mkdir, rename, delete) one at a time, so browsing
//! never waits behind a transfer.

use std::collections::VecDeque;

use tokio::sync::mpsc;

use super::error::EngineError;
use super::protocol::{
    ConnId, ConnectProfile, Entry, Event, EventTx, ListingNotes, Location, RemotePath, RequestId,
};
use super::session::{Connector, Session};
use super::wire_log::WireSink;

/// Work for the browse session.
#[derive(Debug)]
pub enum BrowseRequest {
    List {
        req: RequestId,
        path: RemotePath,
    },
    /// Stop the listing `req` if it is still arriving.
    Cancel {
        req: RequestId,
    },
}

/// Dropping the handle ends the session (it sends QUIT in the background);
/// [`BrowseHandle::close`] waits for that.
pub struct BrowseHandle {
    tx: mpsc::UnboundedSender<BrowseRequest>,
    task: tokio::task::JoinHandle<()>,
}

impl BrowseHandle {
    pub fn send(&self, r: BrowseRequest) -> bool {
        self.tx.send(r).is_ok()
    }

    /// Ends the session and waits (at most a few seconds) for its QUIT.
    pub async fn close(self) {
        drop(self.tx);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), self.task).await;
    }
}

pub fn spawn(
    conn: ConnId,
    profile: ConnectProfile,
    keepalive: Option<std::time::Duration>,
    connector: Connector,
    events: EventTx,
) -> BrowseHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(conn, profile, keepalive, connector, rx, events));
    BrowseHandle { tx, task }
}

async fn run(
    conn: ConnId,
    profile: ConnectProfile,
    keepalive: Option<std::time::Duration>,
    connector: Connector,
    mut rx: mpsc::UnboundedReceiver<BrowseRequest>,
    events: EventTx,
) {
    let sink = WireSink::for_browse(events.clone(), conn);
    let _ = events.send(Event::Connecting {
        conn,
        host: profile.authority(),
    });
    let mut session = match connector.open(profile.clone(), sink.clone()).await {
        Ok(s) => s,
        Err(EngineError::Untrusted(cert)) => {
            let failure = EngineError::Untrusted(cert.clone()).failure();
            let _ = events.send(Event::Untrusted { conn, cert: *cert });
            let _ = events.send(Event::Disconnected {
                conn,
                reason: Some(failure),
            });
            return;
        }
        Err(reason) => {
            let _ = events.send(Event::Disconnected {
                conn,
                reason: Some(reason.failure()),
            });
            return;
        }
    };
    let _ = events.send(Event::Connected {
        conn,
        info: session.info().clone(),
        start: session.start_path(),
    });

    let mut queue = VecDeque::new();
    loop {
        if queue.is_empty() {
            // Idle: a NOOP now and then keeps servers (and NAT boxes) from
            // dropping the connection under the user, and finds out when
            // it is gone; so does the server closing it (or saying 421),
            // which is noticed at once. The user then sees the connection
            // as it is, not as it was.
            let usable = session.is_usable();
            let next = tokio::select! {
                r = rx.recv() => r,
                () = crate::timer::sleep_until(keepalive.map(|k| tokio::time::Instant::now() + k)),
                    if keepalive.is_some() && usable =>
                {
                    match session.noop().await {
                        Err(e) if !session.is_usable() => return lost(conn, e, &events),
                        _ => continue,
                    }
                }
                e = session.gone(), if usable => return lost(conn, e, &events),
            };
            match next {
                Some(r) => queue.push_back(r),
                None => break,
            }
        }
        while let Ok(r) = rx.try_recv() {
            queue.push_back(r);
        }
        coalesce(&mut queue);
        let Some(request) = queue.pop_front() else {
            continue;
        };
        let (req, path) = match request {
            BrowseRequest::List { req, path } => (req, path),
            // The listing it names has ended already.
            BrowseRequest::Cancel { .. } => continue,
        };
        // A connection given up (a listing stopped halfway) is replaced
        // before the next request.
        if !session.is_usable() {
            match connector.open(profile.clone(), sink.clone()).await {
                Ok(fresh) => session = fresh,
                Err(reason) => return give_up(&events, conn, req, path, &reason),
            }
        }
        let Some(mut result) =
            listing(&mut session, req, &path, &mut rx, &mut queue, &events).await
        else {
            // Stopped: by the user, or for a newer listing. The data still
            // on its way makes this connection useless.
            session.abandon();
            continue;
        };
        // A connection the server dropped while we were idle is
        // replaced once, transparently; a listing is safe to repeat.
        if result.is_err() && !session.is_usable() {
            sink.info("The control connection is no longer usable; opening a new one");
            match connector.open(profile.clone(), sink.clone()).await {
                Ok(fresh) => {
                    session = fresh;
                    match listing(&mut session, req, &path, &mut rx, &mut queue, &events).await {
                        Some(r) => result = r,
                        None => {
                            session.abandon();
                            continue;
                        }
                    }
                }
                Err(reason) => return give_up(&events, conn, req, path, &reason),
            }
        }
        let _ = events.send(match result {
            Ok((entries, notes)) => Event::Listing {
                req,
                path: Location::Remote(path),
                entries,
                notes,
            },
            Err(error) => Event::Failed {
                req,
                path: Location::Remote(path),
                error: error.failure(),
            },
        });
    }
    if session.is_usable() {
        session.quit().await;
    }
}

/// The browse connection died while idle: the UI shows it as it is (and
/// offers to reconnect); this task ends.
fn lost(conn: ConnId, error: EngineError, events: &EventTx) {
    let _ = events.send(Event::Disconnected {
        conn,
        reason: Some(error.failure()),
    });
}

/// How often a listing in progress reports its count.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// Lists `path` for request `req`, reporting the running count, while
/// still taking requests: a `Cancel` for it, or a newer listing (the user
/// moved on), stops it (`None`); others wait in `queue`.
async fn listing(
    session: &mut Session,
    req: RequestId,
    path: &RemotePath,
    rx: &mut mpsc::UnboundedReceiver<BrowseRequest>,
    queue: &mut VecDeque<BrowseRequest>,
    events: &EventTx,
) -> Option<Result<(Vec<Entry>, ListingNotes), EngineError>> {
    let progress_events = events.clone();
    let mut last = std::time::Instant::now();
    let mut progress = move |entries: usize| {
        if last.elapsed() >= PROGRESS_EVERY {
            last = std::time::Instant::now();
            let _ = progress_events.send(Event::ListingProgress { req, entries });
        }
    };
    let work = session.list_noted(path, &mut progress);
    tokio::pin!(work);
    loop {
        tokio::select! {
            result = &mut work => return Some(result),
            next = rx.recv() => match next {
                Some(BrowseRequest::Cancel { req: r }) if r == req => return None,
                Some(BrowseRequest::Cancel { .. }) => {}
                Some(newer @ BrowseRequest::List { .. }) => {
                    queue.push_back(newer);
                    return None;
                }
                // The UI is gone: nobody waits for this listing.
                None => return None,
            },
        }
    }
}

/// A listing asked for before a newer listing is stale: only the newest is
/// worth the round trips (the user moved on).
/// No new connection could be opened: the listing that needed one fails,
/// and the browse session ends with the reason.
fn give_up(events: &EventTx, conn: ConnId, req: RequestId, path: RemotePath, reason: &EngineError) {
    let _ = events.send(Event::Failed {
        req,
        path: Location::Remote(path),
        error: reason.failure(),
    });
    let _ = events.send(Event::Disconnected {
        conn,
        reason: Some(reason.failure()),
    });
}

fn coalesce(queue: &mut VecDeque<BrowseRequest>) {
    let last_list = queue
        .iter()
        .rposition(|r| matches!(r, BrowseRequest::List { .. }));
    if let Some(last) = last_list {
        let mut i = 0;
        queue.retain(|r| {
            let keep = !matches!(r, BrowseRequest::List { .. }) || i == last;
            i += 1;
            keep
        });
    }
}

/// Used by callers that have no session to send to.
pub fn not_connected(req: RequestId, path: RemotePath) -> Event {
    Event::Failed {
        req,
        path: Location::Remote(path),
        error: EngineError::NotConnected.failure(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_newest_listing_survives() {
        let mut q: VecDeque<BrowseRequest> = (1..=3)
            .map(|i| BrowseRequest::List {
                req: RequestId(i),
                path: RemotePath::from(format!("/{i}")),
            })
            .collect();
        coalesce(&mut q);
        assert_eq!(q.len(), 1);
        assert!(matches!(
            q[0],
            BrowseRequest::List {
                req: RequestId(3),
                ..
            }
        ));
    }
}
