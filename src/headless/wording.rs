//! How the headless commands word what went wrong: a path that is not
//! there is said to be missing, by the failure's kind (not by the words
//! of one server), with the server's reply kept beside it; a local error
//! without its `(os error N)`.

use std::io;
use std::path::Path;

use crate::engine::protocol::{Failure, FailureKind};
use crate::text::sanitize;

/// `no such file: /pub/x.bin (550 File not found)` when the server says the
/// path is not there, else `/pub/x.bin: 550 …`. `what` names what was
/// looked for: "file", "folder", "file or folder".
pub fn remote_failure(path: &str, what: &str, failure: &Failure) -> String {
    let path = sanitize(path);
    let said = sanitize(&failure.message);
    match failure.kind {
        FailureKind::NotFound => format!("no such {what}: {path} ({said})"),
        _ => format!("{path}: {said}"),
    }
}

/// `no such file: a.txt` when the local path is not there, else
/// `a.txt: Permission denied`.
pub fn local_failure(path: &Path, what: &str, e: &io::Error) -> String {
    let shown = path.display();
    match Failure::local("", e).kind {
        FailureKind::NotFound => format!("no such {what}: {shown}"),
        _ => format!("{shown}: {}", without_os_code(e)),
    }
}

/// The error's words without the ` (os error 13)` the standard library adds.
fn without_os_code(e: &io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_paths_are_said_to_be_missing_and_the_reply_is_kept() {
        let gone =
            Failure::new(FailureKind::NotFound, "550 Could not get file size.").with_code(550);
        assert_eq!(
            remote_failure("/pub/x.bin", "file", &gone),
            "no such file: /pub/x.bin (550 Could not get file size.)"
        );
        let denied = Failure::new(FailureKind::Permission, "550 Permission denied").with_code(550);
        assert_eq!(
            remote_failure("/pub/x\x1b", "file", &denied),
            "/pub/x\\x1b: 550 Permission denied"
        );
    }

    #[test]
    fn local_errors_lose_their_os_code() {
        let gone = io::Error::from_raw_os_error(2);
        assert_eq!(
            local_failure(Path::new("a.txt"), "file", &gone),
            "no such file: a.txt"
        );
        let denied = io::Error::from_raw_os_error(13);
        assert_eq!(
            local_failure(Path::new("/root/x"), "file", &denied),
            "/root/x: Permission denied"
        );
        let other = io::Error::other("odd (really)");
        assert_eq!(
            local_failure(Path::new("b"), "folder", &other),
            "b: odd (really)"
        );
    }
}
