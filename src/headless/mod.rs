//! Commands that run without the TUI, on the same engine: for scripts and
//! for measuring the engine against curl and lftp.
//!
//! - `ls.rs`   `wharf ls URL`: one listing on a `Session`.
//! - `get.rs`  `wharf get URL [LOCAL]` and `put.rs` `wharf put LOCAL... URL`:
//!   find out what the URL names on a `Session`, place the copy as `cp -r`
//!   would, then hand one `TransferRequest` to the engine.
//! - `copy.rs` follows that request through the engine's events to the
//!   summary and the exit status; `progress.rs` draws the bars.

mod copy;
mod get;
mod ls;
mod progress;
mod put;

pub use get::get;
pub use ls::ls;
pub use put::put;

use crate::engine::protocol::{ConnectProfile, Event, WireDir};
use crate::engine::session::{RemoteKind, Session};
use crate::engine::wire_log::WireSink;
use crate::text::sanitize;

/// Every file arrived complete (or the listing was printed).
pub const EXIT_OK: i32 = 0;
/// Something did not arrive, or could not be done.
pub const EXIT_FAILED: i32 = 1;
/// Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// One protocol-log line as printed by `-v`.
fn wire_line(dir: WireDir, text: &str) -> String {
    let arrow = match dir {
        WireDir::Sent => ">",
        WireDir::Received => "<",
        WireDir::Info => "*",
    };
    format!("{arrow} {}", sanitize(text))
}

/// A sink for a session of our own: prints the protocol on stderr with `-v`.
fn stderr_sink(verbose: bool) -> WireSink {
    WireSink::new(move |ev| {
        if let (true, Event::Wire { dir, text, .. }) = (verbose, ev) {
            eprintln!("{}", wire_line(dir, &text));
        }
    })
}

/// What the URL's path names.
struct Found {
    /// Absolute.
    path: String,
    kind: RemoteKind,
    /// Still logged in: it plans the copy next (a file's time is asked
    /// there, once) and then carries files (one login fewer).
    session: Option<Session>,
}

/// Logs in on a session of our own and finds out what the URL's path
/// names. Errors are printed; the exit status comes back.
async fn look_up(profile: &ConnectProfile, verbose: bool) -> Result<Found, i32> {
    let mut session = match Session::open(profile.clone(), stderr_sink(verbose)).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wharf: {}: {e}", profile.authority());
            return Err(EXIT_FAILED);
        }
    };
    let path = session.start_path();
    match session.stat(&path).await {
        Ok(kind) => Ok(Found {
            path,
            kind,
            session: session.is_usable().then_some(session),
        }),
        Err(e) => {
            eprintln!("wharf: {}: {e}", sanitize(&path));
            Err(EXIT_FAILED)
        }
    }
}

/// Ends a copy that will not start: the look-up session says goodbye, the
/// engine stops.
async fn give_up(engine: copy::Engine, session: Option<Session>) {
    if let Some(s) = session {
        s.quit().await;
    }
    engine.shutdown().await;
}

/// The last component of a remote path, if it has one (`/` has none).
fn remote_name(path: &str) -> Option<&str> {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
}

/// The folder holding a remote path (`/` for top-level names).
fn remote_parent(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &trimmed[..i],
    }
}

/// Whether the URL's path ends with `/`: the user means a folder.
fn names_a_folder(profile: &ConnectProfile) -> bool {
    profile.path.as_deref().is_some_and(|p| p.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_names_and_parents() {
        assert_eq!(remote_name("/home/u/a.txt"), Some("a.txt"));
        assert_eq!(remote_name("/home/u/dir/"), Some("dir"));
        assert_eq!(remote_name("/"), None);
        assert_eq!(remote_parent("/home/u/a.txt"), "/home/u");
        assert_eq!(remote_parent("/a.txt"), "/");
        assert_eq!(remote_parent("/"), "/");
    }
}
