//! Where the interop servers are: scripts/interop-servers.sh exports one
//! URL per server. Outside CI a missing server skips the test with a note;
//! with WHARF_REQUIRE_INTEROP=1 (scripts/test.sh, CI) it fails.
#![allow(dead_code)]

use wharf::address::parse_url;
use wharf::engine::protocol::{ConnectProfile, DataMode, Fingerprint, Timeouts};
use wharf::engine::session::Connector;
use wharf::engine::tls::Trust;

pub fn server(var: &str, mode: DataMode) -> Option<ConnectProfile> {
    match std::env::var(var) {
        Ok(url) => Some(parse_url(&url, mode, Timeouts::default()).expect("a valid interop URL")),
        Err(_) if std::env::var_os("WHARF_REQUIRE_INTEROP").is_some() => {
            panic!("{var} is not set: run the tests through scripts/test.sh")
        }
        Err(_) => {
            eprintln!("skipping: {var} not set (scripts/test.sh starts the interop servers)");
            None
        }
    }
}

/// A connector that trusts the interop servers' self-signed certificate
/// (its fingerprint pinned, as `--trust-fingerprint` does), when the
/// script exported it.
pub fn connector() -> Connector {
    let trust = Trust::default();
    if let Some(fp) = std::env::var("WHARF_INTEROP_TLS_FINGERPRINT")
        .ok()
        .and_then(|f| Fingerprint::parse(&f))
    {
        trust.pin_for_run(fp);
    }
    Connector::with_trust(trust)
}
