//! Which certificates wharf trusts beyond what the system's authorities
//! vouch for, for one engine (the connector holds it): the ones the user
//! chose to "trust always" (`known_certs.toml`), the ones trusted once in
//! this run, a fingerprint pinned on the command line, and `--insecure`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::known_certs::KnownCerts;
use crate::engine::protocol::Fingerprint;

/// Why a fingerprint is expected for a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinSource {
    /// The user trusted it once or always (a different one means the
    /// certificate changed).
    Trusted,
    /// `--trust-fingerprint` on the command line (a different one is not
    /// the certificate the user named).
    CommandLine,
}

#[derive(Debug, Default)]
struct State {
    known: KnownCerts,
    /// `host:port` → trusted for this run.
    once: HashMap<String, Fingerprint>,
    /// `--trust-fingerprint`: whatever server this run talks to.
    command_line: Option<Fingerprint>,
    /// `--insecure`: no verification at all.
    insecure: bool,
}

/// Shared by clones: a trust decision made for the browse connection holds
/// for the transfer connections to the same server.
#[derive(Debug, Clone, Default)]
pub struct Trust(Arc<Mutex<State>>);

impl Trust {
    pub fn new(known: KnownCerts) -> Trust {
        Trust(Arc::new(Mutex::new(State {
            known,
            ..State::default()
        })))
    }

    /// Pins `fp` for every server of this run (`--trust-fingerprint`).
    pub fn pin_for_run(&self, fp: Fingerprint) {
        self.lock().command_line = Some(fp);
    }

    /// Verifies nothing (`--insecure`).
    pub fn set_insecure(&self) {
        self.lock().insecure = true;
    }

    pub fn insecure(&self) -> bool {
        self.lock().insecure
    }

    /// The fingerprint expected for `server`, if any, and why.
    pub fn expected(&self, server: &str) -> Option<(Fingerprint, PinSource)> {
        let st = self.lock();
        if let Some(fp) = st.command_line {
            return Some((fp, PinSource::CommandLine));
        }
        st.once
            .get(server)
            .copied()
            .or_else(|| st.known.get(server))
            .map(|fp| (fp, PinSource::Trusted))
    }

    /// Trusts `fp` for `server` for the rest of this run.
    pub fn trust_once(&self, server: &str, fp: Fingerprint) {
        self.lock().once.insert(server.to_string(), fp);
    }

    /// Trusts `fp` for `server` from now on: this run, and `known_certs.toml`
    /// (blocking: writes the file). The run trusts it even if the file
    /// cannot be written; the error says why it was not kept.
    pub fn trust_always(&self, server: &str, fp: Fingerprint) -> Result<(), String> {
        let mut st = self.lock();
        st.once.insert(server.to_string(), fp);
        st.known.remember(server, fp)
    }

    /// Why `known_certs.toml` could not be read, if it could not.
    pub fn problem(&self) -> Option<String> {
        self.lock().known.problem().map(str::to_string)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A map of plain values cannot be left half-updated by a panic.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_once_holds_for_clones_and_the_command_line_pin_wins() {
        let t = Trust::default();
        let other_half = t.clone();
        assert_eq!(t.expected("h:21"), None);
        t.trust_once("h:21", Fingerprint([1; 32]));
        assert_eq!(
            other_half.expected("h:21"),
            Some((Fingerprint([1; 32]), PinSource::Trusted))
        );
        assert_eq!(other_half.expected("h:990"), None);
        t.pin_for_run(Fingerprint([2; 32]));
        assert_eq!(
            t.expected("h:990"),
            Some((Fingerprint([2; 32]), PinSource::CommandLine))
        );
        assert!(!t.insecure());
        t.set_insecure();
        assert!(other_half.insecure());
    }
}
