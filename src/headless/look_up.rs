//! The first step of `wharf get` and `wharf put`: log in and find out what
//! the URL names; and giving up when the copy cannot start.

use super::copy;
use super::shared::{EXIT_FAILED, connect_failed, stderr_sink};
use crate::engine::protocol::{ConnectProfile, RemotePath};
use crate::engine::session::{Connector, RemoteKind, Session};
use crate::text::sanitize;

/// What the URL's path names.
pub struct Found {
    /// Absolute.
    pub path: RemotePath,
    pub kind: RemoteKind,
    /// Still logged in: it plans the copy next (a file's time is asked
    /// there, once) and then carries files (one login fewer).
    pub session: Option<Session>,
}

/// Logs in on a session of our own and finds out what the URL's path
/// names. Errors are printed; the exit status comes back.
pub async fn look_up(
    connector: &Connector,
    profile: &ConnectProfile,
    verbose: bool,
) -> Result<Found, i32> {
    let mut session = match connector.open(profile.clone(), stderr_sink(verbose)).await {
        Ok(s) => s,
        Err(e) => return Err(connect_failed(&profile.authority(), &e)),
    };
    let path = session.start_path();
    match session.stat(&path).await {
        Ok(kind) => Ok(Found {
            path,
            kind,
            session: session.is_usable().then_some(session),
        }),
        Err(e) => {
            eprintln!("wharf: {}: {e}", sanitize(&path.display()));
            Err(EXIT_FAILED)
        }
    }
}

/// Ends a copy that will not start: the look-up session says goodbye, the
/// engine stops.
pub async fn give_up(engine: copy::Engine, session: Option<Session>) {
    if let Some(s) = session {
        s.quit().await;
    }
    engine.shutdown().await;
}
