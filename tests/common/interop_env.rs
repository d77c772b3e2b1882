//! Where the interop servers are: scripts/interop-servers.sh exports one
//! URL per server. Outside CI a missing server skips the test with a note;
//! with WHARF_REQUIRE_INTEROP=1 (scripts/test.sh, CI) it fails.
#![allow(dead_code)]

use wharf::address::parse_url;
use wharf::engine::protocol::{ConnectProfile, DataMode, Timeouts};

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
