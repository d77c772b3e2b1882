//! A failure as it crosses from the engine to the UI: a kind to decide
//! by (retry? exit status? which hint?), the server's reply code where
//! there is one, and one line for the user. The engine's own errors
//! (`engine/error.rs`) say more; this is what every consumer needs, and
//! tests match the kind, never the words.

use std::fmt;

/// What sort of failure it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The server could not be reached, or the connection broke.
    Connection,
    /// No answer in time.
    Timeout,
    /// The server turned the connection away (full, shutting down).
    Refused,
    /// The user name or password was not accepted.
    Login,
    /// Not allowed (550 permission denied, EACCES).
    Permission,
    /// No such file or folder.
    NotFound,
    /// The target exists.
    Exists,
    /// No room left (452/552, ENOSPC).
    NoSpace,
    /// Any other refusal by the server (its reply says why).
    Server,
    /// The server broke the protocol (malformed or out-of-step replies).
    Protocol,
    /// The local file system failed otherwise.
    LocalIo,
    /// The user cancelled it.
    Cancelled,
    /// TLS could not be set up, or the certificate is not trusted.
    Tls,
    /// There is no connection to ask.
    NotConnected,
    /// A copy's checksum differs from the server's.
    Checksum,
}

/// A failure for the UI and the headless output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// The server's reply code, when a reply was the failure.
    pub code: Option<u16>,
    /// One line for the user.
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            code: None,
            message: message.into(),
        }
    }

    pub fn with_code(mut self, code: u16) -> Failure {
        self.code = Some(code);
        self
    }

    /// A local file operation's failure, its kind from the OS error.
    pub fn local(path: &str, e: &std::io::Error) -> Failure {
        use std::io::ErrorKind as K;
        let kind = match e.kind() {
            K::NotFound => FailureKind::NotFound,
            K::PermissionDenied | K::ReadOnlyFilesystem => FailureKind::Permission,
            K::AlreadyExists => FailureKind::Exists,
            K::StorageFull | K::QuotaExceeded => FailureKind::NoSpace,
            _ => FailureKind::LocalIo,
        };
        Failure::new(kind, format!("{path}: {e}"))
    }

    /// The same failure, its message prefixed (which file, which step).
    pub fn context(mut self, what: impl fmt::Display) -> Failure {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_failures_take_their_kind_from_the_os_error() {
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(Failure::local("/x", &full).kind, FailureKind::NoSpace);
        let gone = std::io::Error::from(std::io::ErrorKind::NotFound);
        let f = Failure::local("/x", &gone);
        assert_eq!(f.kind, FailureKind::NotFound);
        assert!(f.message.starts_with("/x: "));
        assert_eq!(
            Failure::new(FailureKind::Server, "x")
                .with_code(550)
                .context("a.txt")
                .to_string(),
            "a.txt: x"
        );
    }
}
