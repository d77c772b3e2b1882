//! What the headless commands share: their exit statuses, the protocol
//! log on stderr (`-v`), and what a URL's trailing slash means.

use crate::engine::protocol::{ConnectProfile, Event, WireDir};
use crate::engine::wire_log::WireSink;
use crate::text::sanitize;

/// Every file arrived complete (or the listing was printed).
pub const EXIT_OK: i32 = 0;
/// Something did not arrive, or could not be done.
pub const EXIT_FAILED: i32 = 1;
/// Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// One protocol-log line as printed by `-v`.
pub fn wire_line(dir: WireDir, text: &str) -> String {
    let arrow = match dir {
        WireDir::Sent => ">",
        WireDir::Received => "<",
        WireDir::Info => "*",
    };
    format!("{arrow} {}", sanitize(text))
}

/// A sink for a session of our own: prints the protocol on stderr with `-v`.
pub fn stderr_sink(verbose: bool) -> WireSink {
    WireSink::new(move |ev| {
        if let (true, Event::Wire { dir, text, .. }) = (verbose, ev) {
            eprintln!("{}", wire_line(dir, &text));
        }
    })
}

/// Whether the URL's path ends with `/`: the user means a folder.
pub fn names_a_folder(profile: &ConnectProfile) -> bool {
    profile.path.as_deref().is_some_and(|p| p.ends_with('/'))
}
