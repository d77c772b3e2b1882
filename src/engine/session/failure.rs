//! What went wrong in one step on a control connection, and what that
//! means: the user's error, and whether the connection is still in step
//! with the server (a timeout, a lost connection, a malformed reply or a
//! 421 leave it unusable; a refusal such as 550 does not).

use std::io;
use std::time::Duration;

use super::control::ControlError;
use super::reply::Reply;
use crate::engine::error::EngineError;
use crate::engine::protocol::FailureKind;

/// One step's failure, before classification.
#[derive(Debug)]
pub(super) enum StepError {
    Control(ControlError),
    /// A data connection's read or write failed.
    Data(io::Error),
    Timeout(String),
    Protocol(String),
    /// A reply that is not among the ones the step waits for.
    Unexpected(Reply),
}

impl From<ControlError> for StepError {
    fn from(e: ControlError) -> StepError {
        StepError::Control(e)
    }
}

/// Maps a failure to the user's error and says whether the connection is
/// unusable now.
pub(super) fn classify(f: StepError, reply_timeout: Duration) -> (EngineError, bool) {
    match f {
        StepError::Timeout(what) => (
            EngineError::Timeout {
                what,
                secs: reply_timeout.as_secs(),
            },
            true,
        ),
        StepError::Protocol(m) => (EngineError::Protocol(m), true),
        StepError::Control(ControlError::Violation(m)) => (EngineError::Protocol(m), true),
        StepError::Control(ControlError::Closed) => (
            EngineError::ConnectionLost("the server closed the connection".into()),
            true,
        ),
        StepError::Control(ControlError::Io(e)) | StepError::Data(e) => {
            (EngineError::ConnectionLost(describe_io(&e)), true)
        }
        // Nothing was sent: the connection is as it was.
        StepError::Control(ControlError::Unsendable(line)) => (
            EngineError::Local {
                path: line,
                reason: "a name with a line break or NUL cannot be sent over FTP".into(),
                kind: FailureKind::Server,
            },
            false,
        ),
        StepError::Unexpected(reply) => {
            let text = reply.text();
            match reply.code {
                421 => (
                    EngineError::ConnectionLost(format!("{} {text}", reply.code)),
                    true,
                ),
                // A positive reply where another was due: out of step.
                code if code < 400 => (
                    EngineError::Protocol(format!("unexpected reply {code} {text}")),
                    true,
                ),
                code => (EngineError::Reply { code, text }, false),
            }
        }
    }
}

/// A network error in words a user follows.
pub(super) fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::UnexpectedEof => "the server closed the connection".into(),
        io::ErrorKind::ConnectionReset => "the connection was reset".into(),
        io::ErrorKind::BrokenPipe => "the server closed the connection".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, text: &str) -> Reply {
        Reply::new(code, vec![format!("{code} {text}").into_bytes()])
    }

    #[test]
    fn refusals_keep_the_connection_and_the_rest_end_it() {
        let t = Duration::from_secs(30);
        let (e, fatal) = classify(StepError::Unexpected(reply(550, "No such file")), t);
        assert_eq!(
            e,
            EngineError::Reply {
                code: 550,
                text: "No such file".into()
            }
        );
        assert!(!fatal);
        assert!(classify(StepError::Unexpected(reply(421, "bye")), t).1);
        assert!(classify(StepError::Unexpected(reply(226, "done")), t).1);
        assert!(classify(StepError::Timeout("LIST".into()), t).1);
        assert!(classify(StepError::Control(ControlError::Closed), t).1);
        assert!(!classify(StepError::Control(ControlError::Unsendable("x".into())), t).1);
    }
}
