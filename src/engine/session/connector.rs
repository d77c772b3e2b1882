//! Where sessions come from. Every control connection of one engine is
//! opened through the same `Connector` (cheap to clone), so what one
//! connection learns about a server (`quirks.rs`) holds for the next, and
//! so does what the user decided to trust (`tls/trust.rs`). Opening itself
//! (`Connector::open`) is in `open.rs`.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

use super::quirks::Quirks;
use crate::engine::tls::{self, Roots, Trust};

#[derive(Debug, Clone)]
pub struct Connector {
    pub(super) quirks: Quirks,
    pub(super) trust: Trust,
    /// The system's roots, read on the first TLS connection.
    pub(super) roots: Roots,
    pub(super) provider: Arc<CryptoProvider>,
}

impl Default for Connector {
    fn default() -> Connector {
        Connector::with_trust(Trust::default())
    }
}

impl Connector {
    /// A connector that trusts only what the system's authorities vouch for.
    pub fn new() -> Connector {
        Connector::default()
    }

    /// A connector that also trusts what `trust` holds (known certificates,
    /// pins, `--insecure`).
    pub fn with_trust(trust: Trust) -> Connector {
        Connector {
            quirks: Quirks::default(),
            trust,
            roots: Roots::default(),
            provider: tls::provider(),
        }
    }

    /// What this connector trusts beyond the system's authorities.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// What this connector learned about servers so far.
    pub fn quirks(&self) -> &Quirks {
        &self.quirks
    }
}
