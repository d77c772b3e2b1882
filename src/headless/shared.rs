//! What the headless commands share: their exit statuses, the protocol
//! log on stderr (`-v`), and what a URL's trailing slash means.

use crate::engine::error::EngineError;
use crate::engine::protocol::{CertProblem, ConnectProfile, Event, WireDir};
use crate::engine::wire_log::WireSink;
use crate::text::sanitize;

/// Every file arrived complete (or the listing was printed).
pub const EXIT_OK: i32 = 0;
/// Something did not arrive, or could not be done.
pub const EXIT_FAILED: i32 = 1;
/// The server's certificate is not trusted: nothing was done.
pub const EXIT_UNTRUSTED: i32 = 3;
/// The command line asks for something that cannot be (as clap's errors).
pub const EXIT_USAGE: i32 = 2;
/// Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Says why a connection to `target` could not be opened and returns the
/// exit status. An untrusted certificate is shown whole, with how to
/// trust it: a script cannot answer the TUI's question.
pub fn connect_failed(target: &str, e: &EngineError) -> i32 {
    let EngineError::Untrusted(u) = e else {
        eprintln!("wharf: {target}: {e}");
        return EXIT_FAILED;
    };
    let c = &u.cert;
    eprintln!("wharf: {}: {}", sanitize(&u.server), u.problem);
    if let CertProblem::Changed { previous } = &u.problem {
        eprintln!("  trusted before: {previous}");
    }
    eprintln!("  subject:     {}", sanitize(&c.subject));
    eprintln!("  issuer:      {}", sanitize(&c.issuer));
    if !c.names.is_empty() {
        eprintln!("  names:       {}", sanitize(&c.names.join(", ")));
    }
    eprintln!("  valid:       {} to {}", c.not_before, c.not_after);
    eprintln!("  fingerprint: {}", c.fingerprint);
    eprintln!(
        "wharf: nothing was done. If that is the server's certificate, run again with \
         --trust-fingerprint {} (or connect once in the TUI and choose \"Trust always\")",
        c.fingerprint
    );
    EXIT_UNTRUSTED
}

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
