//! What wharf learned about servers while talking to them, kept for the
//! connections that follow (per `host:port`, for the life of one engine):
//! a server that lost or reordered commands written ahead of their
//! replies gets one command at a time from then on, as lftp's sync mode
//! does; a TLS 1.3 server that stopped resuming sessions on data
//! connections (its tickets ran out: see FTPS.md) gets TLS 1.2; a server
//! without `SITE CHMOD` is not asked again; the offset of a server's LIST
//! clock from UTC, found with MDTM on one connection (`list.rs`), holds
//! for the others (browse and transfers).
//! Held by the [`Connector`](super::Connector) every session of an
//! engine is opened through; never process-wide, so two engines (or two
//! tests) never see each other's findings.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// What is known about one server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerQuirks {
    /// Commands go one at a time, each after the last one's reply.
    pub sync_only: bool,
    /// TLS 1.2 only: the server refused a data connection that could not
    /// resume a TLS 1.3 session.
    pub tls12_only: bool,
    /// The server refused `SITE CHMOD` as a command it does not have: it
    /// is not asked again, for a replaced file's mode or a chmod.
    pub no_site_chmod: bool,
    /// The server refused the two-argument `MDTM <time> <path>` (it has
    /// no MFMT): a file's time is not set there again.
    pub no_mdtm_set: bool,
    /// The server's LIST clock against UTC, in seconds, once found
    /// (`Some(None)`: it cannot be found there, e.g. no MDTM).
    pub utc_offset: Option<Option<i64>>,
}

/// The quirks of every server seen, shared by clones.
#[derive(Debug, Clone, Default)]
pub struct Quirks(Arc<Mutex<HashMap<String, ServerQuirks>>>);

impl Quirks {
    /// What is known about `authority` (`host:port`).
    pub fn of(&self, authority: &str) -> ServerQuirks {
        self.lock().get(authority).copied().unwrap_or_default()
    }

    /// Records something learned about `authority`.
    pub fn learn(&self, authority: &str, change: impl FnOnce(&mut ServerQuirks)) {
        change(self.lock().entry(authority.to_string()).or_default());
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, ServerQuirks>> {
        // A panic elsewhere cannot leave a map of plain flags half-updated.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_are_per_server_and_shared_by_clones_only() {
        let q = Quirks::default();
        let seen_by_another_session = q.clone();
        q.learn("h:21", |s| s.sync_only = true);
        assert!(seen_by_another_session.of("h:21").sync_only);
        assert!(!q.of("h:2121").sync_only);
        assert!(!Quirks::default().of("h:21").sync_only);
    }
}
