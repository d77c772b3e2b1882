//! What the headless commands share: their exit statuses, the protocol
//! log on stderr (`-v`), and remote path arithmetic.

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

/// The last component of a remote path, if it has one (`/` has none).
pub fn remote_name(path: &str) -> Option<&str> {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
}

/// The folder holding a remote path (`/` for top-level names).
pub fn remote_parent(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &trimmed[..i],
    }
}

/// Whether the URL's path ends with `/`: the user means a folder.
pub fn names_a_folder(profile: &ConnectProfile) -> bool {
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
