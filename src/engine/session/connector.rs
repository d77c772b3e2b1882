//! Where sessions come from. Every control connection of one engine is
//! opened through the same `Connector` (cheap to clone), so what one
//! connection learns about a server (`quirks.rs`) holds for the next, and
//! so does what the user decided to trust (`tls/trust.rs`). Opening itself
//! (`Connector::open`) is in `open.rs`.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

use super::quirks::Quirks;
use crate::engine::protocol::{ConnectProfile, Security, TlsVersions};
use crate::engine::tls::{self, Roots, Trust};

/// What config.toml says about TLS for every connection: `tls =
/// "required"` upgrades `ftp://` with `AUTH TLS`; `tls_min`/`tls_max`
/// apply where a bookmark sets none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TlsDefaults {
    pub required: bool,
    pub versions: TlsVersions,
}

impl TlsDefaults {
    /// `profile` as these defaults make it.
    pub fn apply(&self, mut profile: ConnectProfile) -> ConnectProfile {
        if self.required && profile.security == Security::Plain {
            profile.security = Security::Explicit;
        }
        let v = &mut profile.tls_versions;
        v.min = v.min.or(self.versions.min);
        v.max = v.max.or(self.versions.max);
        profile
    }
}

#[derive(Debug, Clone)]
pub struct Connector {
    pub(super) quirks: Quirks,
    pub(super) defaults: TlsDefaults,
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
            defaults: TlsDefaults::default(),
            trust,
            roots: Roots::default(),
            provider: tls::provider(),
        }
    }

    /// The same connector, applying config.toml's TLS settings to every
    /// connection it opens.
    pub fn with_defaults(mut self, defaults: TlsDefaults) -> Connector {
        self.defaults = defaults;
        self
    }

    /// The same connector, trusting these authorities instead of the
    /// system's.
    pub fn with_roots(
        mut self,
        certs: Vec<rustls::pki_types::CertificateDer<'static>>,
    ) -> Connector {
        self.roots = Roots::only(certs, &self.provider);
        self
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::TlsVersion;

    fn plain() -> ConnectProfile {
        ConnectProfile {
            tls_versions: TlsVersions {
                min: None,
                max: Some(TlsVersion::Tls12),
            },
            ..ConnectProfile::new("h", 21)
        }
    }

    #[test]
    fn required_tls_upgrades_plain_ftp_and_a_profiles_own_versions_win() {
        let defaults = TlsDefaults {
            required: true,
            versions: TlsVersions {
                min: Some(TlsVersion::Tls12),
                max: Some(TlsVersion::Tls13),
            },
        };
        let p = defaults.apply(plain());
        assert_eq!(p.security, Security::Explicit);
        assert_eq!(p.tls_versions.min, Some(TlsVersion::Tls12));
        assert_eq!(
            p.tls_versions.max,
            Some(TlsVersion::Tls12),
            "the profile's own"
        );
        let implicit = ConnectProfile {
            security: Security::Implicit,
            ..plain()
        };
        assert_eq!(defaults.apply(implicit).security, Security::Implicit);
        assert_eq!(
            TlsDefaults::default().apply(plain()).security,
            Security::Plain
        );
    }
}
