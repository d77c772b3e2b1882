//! The engine's errors, and how each becomes the [`Failure`] the UI sees:
//! its kind (decided here, from the reply code and text or the OS error),
//! the server's code, the message.

use super::protocol::{Failure, FailureKind, UntrustedCertificate};

/// The engine's errors. Each carries enough to tell the user what happened
/// in one line; [`EngineError::failure`] is what crosses to the UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    /// The server turned the connection away: a refusing greeting, or a
    /// 421 to the login.
    #[error("cannot connect to {addr}: server said {code} {text}")]
    Refused {
        addr: String,
        code: u16,
        text: String,
    },
    #[error("login failed: {code} {text}")]
    Login { code: u16, text: String },
    /// The server answered with an error reply.
    #[error("{code} {text}")]
    Reply { code: u16, text: String },
    #[error("timed out after {secs} s waiting for {what}")]
    Timeout { what: String, secs: u64 },
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("connection lost: {0}")]
    ConnectionLost(String),
    #[error("not connected")]
    NotConnected,
    /// TLS could not be set up (an old server, a failed handshake…).
    #[error("TLS: {0}")]
    Tls(String),
    /// The server accepted `AUTH TLS` (234) and then sent plain text where
    /// its TLS hello was due. libunftp does this now and then: it switches
    /// to TLS from a task of its own, and a client hello that arrives
    /// first is read as a command. A new connection usually works.
    #[error("TLS: {addr} accepted AUTH TLS but went on in plain text instead of starting TLS")]
    PlainAfterAuthTls { addr: String },
    /// The server's certificate is not trusted: what it says and why.
    #[error("{} ({}): {}", .0.server, .0.problem, .0.cert.fingerprint)]
    Untrusted(Box<UntrustedCertificate>),
    /// What is in the way of a new name (a rename's target, a folder to
    /// create): said by wharf, which looked, not by the server.
    #[error("{0}")]
    Exists(String),
    /// The server has no command that what was asked needs (`SITE
    /// CHMOD`): its refusal said so, or an earlier one did.
    #[error("the server does not support {0}")]
    Unsupported(&'static str),
    #[error("{path}: {reason}")]
    Local {
        path: String,
        reason: String,
        kind: FailureKind,
    },
}

impl EngineError {
    /// The FTP reply code, when the error is a server reply.
    pub fn code(&self) -> Option<u16> {
        match self {
            EngineError::Login { code, .. }
            | EngineError::Reply { code, .. }
            | EngineError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether a refused connection or login reads as "no room for another
    /// connection": vsftpd (`max_per_ip`) and pure-ftpd greet with 421,
    /// proftpd answers the login with 530 "maximum number of clients".
    /// A 421 greeting can also mean "shutting down": the transfer pool
    /// takes it as a limit only while another of its connections is in.
    pub fn is_connection_limit(&self) -> bool {
        let text = match self {
            EngineError::Refused { code: 421, .. } => return true,
            EngineError::Refused { text, .. } | EngineError::Login { text, .. } => text,
            _ => return false,
        };
        let text = text.to_ascii_lowercase();
        [
            "too many",
            "maximum number",
            "connection limit",
            "limit reached",
            "already connected",
        ]
        .iter()
        .any(|w| text.contains(w))
    }

    /// What the UI sees of this error.
    pub fn failure(&self) -> Failure {
        let kind = match self {
            EngineError::Resolve { .. }
            | EngineError::Connect { .. }
            | EngineError::ConnectionLost(_) => FailureKind::Connection,
            EngineError::Refused { .. } => FailureKind::Refused,
            EngineError::Login { .. } => FailureKind::Login,
            EngineError::Reply { code, text } => reply_kind(*code, text),
            EngineError::Timeout { .. } => FailureKind::Timeout,
            EngineError::Protocol(_) => FailureKind::Protocol,
            EngineError::NotConnected => FailureKind::NotConnected,
            EngineError::Tls(_)
            | EngineError::PlainAfterAuthTls { .. }
            | EngineError::Untrusted(_) => FailureKind::Tls,
            EngineError::Exists(_) => FailureKind::Exists,
            EngineError::Unsupported(_) => FailureKind::Server,
            EngineError::Local { kind, .. } => *kind,
        };
        Failure {
            kind,
            code: self.code(),
            message: self.to_string(),
        }
    }

    /// A local file operation's error, its kind from the OS error.
    pub fn local(path: impl Into<String>, e: &std::io::Error) -> EngineError {
        let path = path.into();
        EngineError::Local {
            kind: Failure::local(&path, e).kind,
            path,
            reason: e.to_string(),
        }
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Failure {
        e.failure()
    }
}

/// What a refusal means, from its code and, for the catch-all 550, its
/// words (servers agree on codes less than on texts).
fn reply_kind(code: u16, text: &str) -> FailureKind {
    let t = text.to_ascii_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| t.contains(w));
    match code {
        452 | 552 => FailureKind::NoSpace,
        530 | 532 => FailureKind::Permission,
        550 | 450 | 553 => {
            if says(&["permission", "denied", "not permitted", "access"]) {
                FailureKind::Permission
            } else if says(&["exist"]) && !says(&["not exist", "n't exist", "no such"]) {
                FailureKind::Exists
            } else if says(&[
                "no such",
                "not found",
                "not exist",
                "n't exist",
                "cannot find",
                "can't find",
                "could not get file size",
                "failed to open",
                "not a regular file",
            ]) {
                FailureKind::NotFound
            } else {
                FailureKind::Server
            }
        }
        _ => FailureKind::Server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(code: u16, text: &str) -> FailureKind {
        EngineError::Reply {
            code,
            text: text.into(),
        }
        .failure()
        .kind
    }

    #[test]
    fn refusals_are_read_by_code_and_words() {
        assert_eq!(
            kind(550, "No such file or directory"),
            FailureKind::NotFound
        );
        assert_eq!(kind(550, "Failed to open file."), FailureKind::NotFound);
        assert_eq!(kind(550, "Permission denied"), FailureKind::Permission);
        assert_eq!(kind(550, "File exists"), FailureKind::Exists);
        assert_eq!(kind(550, "Directory does not exist"), FailureKind::NotFound);
        assert_eq!(kind(552, "Quota exceeded"), FailureKind::NoSpace);
        assert_eq!(kind(500, "Unknown command"), FailureKind::Server);
        let f = EngineError::Reply {
            code: 550,
            text: "gone".into(),
        }
        .failure();
        assert_eq!((f.code, f.message.as_str()), (Some(550), "550 gone"));
        assert_eq!(
            EngineError::Timeout {
                what: "LIST".into(),
                secs: 3
            }
            .failure()
            .kind,
            FailureKind::Timeout
        );
    }
}
