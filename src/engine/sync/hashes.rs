//! Checksums of file pairs — one on the server, one here — for a sync's
//! `checksum` criteria and for compare mode: the server's hash (HASH,
//! XSHA256…, `Session::file_hash`) asked on as many connections as there
//! are (each working through its share, file by file), and the local
//! file's in the algorithm the server answered with.

use std::path::PathBuf;

use tokio_util::sync::CancellationToken;

use crate::engine::checksum::hash_file;
use crate::engine::fileops::{Connections, Remote};
use crate::engine::protocol::{Event, EventTx, Failure, RemotePath, RequestId};
use crate::engine::session::Session;

/// A file on the server and its counterpart here.
pub type HashJob = (RemotePath, PathBuf);

/// The server's and the local hash of a pair, as bytes of one algorithm.
pub type Hashed = Option<(Box<[u8]>, Box<[u8]>)>;

/// Hashes every pair, in `jobs`' order (`None` where the server has no
/// hash for it, or the local file could not be read), and why the work
/// stopped early when a connection broke. A server without any hash
/// command is asked once per connection.
pub async fn hash_jobs(
    conns: &mut Connections,
    jobs: Vec<HashJob>,
    stop: &CancellationToken,
) -> (Vec<Hashed>, Option<Failure>) {
    let mut out: Vec<Hashed> = vec![None; jobs.len()];
    if jobs.is_empty() {
        return (out, None);
    }
    let want = conns.max().min(jobs.len()).max(1);
    let mut sessions = Vec::new();
    while sessions.len() < want {
        match conns.one().await {
            Ok(s) => sessions.push(s),
            Err(e) if sessions.is_empty() => return (out, Some(e.failure())),
            Err(_) => break,
        }
    }
    let mut shares: Vec<Vec<(usize, HashJob)>> = vec![Vec::new(); sessions.len()];
    for (i, job) in jobs.into_iter().enumerate() {
        shares[i % sessions.len()].push((i, job));
    }
    let runs = sessions
        .into_iter()
        .zip(shares)
        .map(|(session, share)| hash_share(session, share, stop));
    let mut fatal = None;
    for (session, hashed, failure) in futures::future::join_all(runs).await {
        conns.put_back(session);
        fatal = fatal.or(failure);
        for (i, digests) in hashed {
            out[i] = Some(digests);
        }
    }
    (out, fatal)
}

/// One connection's share: each pair's two hashes by its index, and why
/// it stopped early if its connection broke.
async fn hash_share(
    mut session: Session,
    share: Vec<(usize, HashJob)>,
    stop: &CancellationToken,
) -> (
    Session,
    Vec<(usize, (Box<[u8]>, Box<[u8]>))>,
    Option<Failure>,
) {
    let mut out = Vec::new();
    for (i, (server, mine)) in share {
        if stop.is_cancelled() {
            break;
        }
        let theirs = match session.file_hash(&server).await {
            Ok(Some(d)) => d,
            Ok(None) if !session.offers_hash() => break,
            Ok(None) => continue,
            Err(e) if session.is_usable() => {
                tracing::debug!("no hash of {server}: {e}");
                continue;
            }
            Err(e) => return (session, out, Some(e.failure())),
        };
        match hash_file(mine, theirs.algo).await {
            Ok(d) => out.push((i, (theirs.bytes.into(), d.bytes.into()))),
            Err(e) => tracing::debug!("no hash of a local file: {e}"),
        }
    }
    (session, out, None)
}

/// Runs `Command::HashPairs` as a task of its own; the token stops it.
/// Ends with `Event::PairsHashed`.
pub fn spawn_hash_pairs(
    req: RequestId,
    pairs: Vec<HashJob>,
    remote: Remote,
    events: EventTx,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let task = tokio::spawn(async move {
        let n = pairs.len();
        let (equal, error) = match remote.connections('H', &events) {
            Err(f) => (vec![None; n], Some(f)),
            Ok(mut conns) => {
                let (hashed, error) = hash_jobs(&mut conns, pairs, &stop).await;
                tokio::spawn(conns.close());
                let equal = hashed
                    .into_iter()
                    .map(|h| h.map(|(theirs, mine)| theirs == mine))
                    .collect();
                (equal, error)
            }
        };
        let _ = events.send(Event::PairsHashed { req, equal, error });
    });
    (cancel, task)
}
