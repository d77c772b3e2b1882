//! The protocol log: every command sent and every reply line received on a
//! control connection, as the user sees it in the log panel.
//!
//! Each control connection has a [`WireSink`]; the connection's own reader
//! and writer (`session/control.rs`) hand it each line as it goes over the
//! wire, so lines of the browse connection and of each transfer connection
//! never mix, and nothing depends on a library's trace output or on a
//! process-wide logger. Passwords are masked here, before a line leaves:
//! the same masked line goes to the log panel and, at debug level, to the
//! log file (`tracing`, target `wharf::wire`).

use std::sync::Arc;

use super::protocol::{ConnId, Event, EventTx, WireDir};

/// Longest reply line we accept from a server (the control connection
/// enforces it; longer lines end the connection).
pub const MAX_REPLY_LINE: usize = 8 * 1024;

/// Where one control connection's protocol lines go.
#[derive(Clone)]
pub struct WireSink {
    inner: Arc<Inner>,
}

struct Inner {
    emit: Box<dyn Fn(Event) + Send + Sync>,
    /// Code of the multi-line reply being read, for colouring its
    /// continuation lines.
    current_code: std::sync::Mutex<Option<u16>>,
}

impl WireSink {
    /// A sink that turns lines into `Event::Wire` and hands them to `emit`.
    pub fn new(emit: impl Fn(Event) + Send + Sync + 'static) -> Self {
        WireSink {
            inner: Arc::new(Inner {
                emit: Box::new(emit),
                current_code: std::sync::Mutex::new(None),
            }),
        }
    }

    /// A sink that sends its lines as engine events, each prefixed with
    /// `label` (e.g. `[T2] `) so lines of several connections can be told apart.
    pub fn to_events(events: EventTx, label: &str) -> Self {
        let label = label.to_string();
        WireSink::new(move |e| {
            let e = match e {
                Event::Wire {
                    dir,
                    code,
                    text,
                    conn,
                } if !label.is_empty() => Event::Wire {
                    dir,
                    code,
                    text: format!("{label}{text}"),
                    conn,
                },
                other => other,
            };
            let _ = events.send(e);
        })
    }

    /// The sink of the browse connection `conn`: its lines say so, for the
    /// status bar's last reply.
    pub fn for_browse(events: EventTx, conn: ConnId) -> Self {
        WireSink::new(move |e| {
            let e = match e {
                Event::Wire {
                    dir, code, text, ..
                } => Event::Wire {
                    dir,
                    code,
                    text,
                    conn: Some(conn),
                },
                other => other,
            };
            let _ = events.send(e);
        })
    }

    /// A note from wharf itself in the protocol log.
    pub fn info(&self, text: impl Into<String>) {
        let text = text.into();
        trace_line(WireDir::Info, &text);
        (self.inner.emit)(Event::Wire {
            dir: WireDir::Info,
            code: None,
            text,
            conn: None,
        });
    }

    /// A command sent on this connection (masked before it is shown).
    pub fn sent_line(&self, command: &str) {
        let shown = mask_secrets(command);
        trace_line(WireDir::Sent, &shown);
        (self.inner.emit)(Event::Wire {
            dir: WireDir::Sent,
            code: None,
            text: shown,
            conn: None,
        });
    }

    /// A reply line received on this connection (without its line end).
    pub fn received(&self, raw: &[u8]) {
        let line = String::from_utf8_lossy(raw);
        let code = {
            // A poisoned lock only means another thread panicked while
            // holding a plain Option: it is still usable for colouring.
            let mut current = self
                .inner
                .current_code
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let own = reply_code(&line);
            let code = own.or(*current);
            match line.as_bytes().get(3) {
                Some(b'-') if own.is_some() => *current = own,
                Some(b' ') | None if own.is_some() => *current = None,
                _ => {}
            }
            code
        };
        trace_line(WireDir::Received, &line);
        (self.inner.emit)(Event::Wire {
            dir: WireDir::Received,
            code,
            text: line.into_owned(),
            conn: None,
        });
    }
}

/// The three-digit code a reply line starts with, when it has one in 100..=599.
pub fn reply_code(line: &str) -> Option<u16> {
    let digits = line.get(..3)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let code: u16 = digits.parse().ok()?;
    (100..600).contains(&code).then_some(code)
}

/// A protocol line for the log file (debug level, target `wharf::wire`).
/// `text` is already masked.
fn trace_line(dir: WireDir, text: &str) {
    let arrow = match dir {
        WireDir::Sent => ">",
        WireDir::Received => "<",
        WireDir::Info => "*",
    };
    tracing::debug!(target: "wharf::wire", "{arrow} {text}");
}

/// Hides the argument of commands that carry secrets.
pub fn mask_secrets(command: &str) -> String {
    let upper = command.get(..5).map(str::to_ascii_uppercase);
    match upper.as_deref() {
        Some("PASS ") | Some("ACCT ") => format!("{}****", &command[..5]),
        _ => command.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn masks_passwords_whatever_the_case() {
        assert_eq!(mask_secrets("PASS hunter2"), "PASS ****");
        assert_eq!(mask_secrets("pass hunter2"), "pass ****");
        assert_eq!(mask_secrets("USER bob"), "USER bob");
        assert_eq!(mask_secrets("PAS"), "PAS");
    }

    #[test]
    fn reads_reply_codes() {
        assert_eq!(reply_code("230 ok"), Some(230));
        assert_eq!(reply_code("211-Features"), Some(211));
        assert_eq!(reply_code(" MLST type*;"), None);
        assert_eq!(reply_code("999 no"), None);
        assert_eq!(reply_code("099 no"), None);
        assert_eq!(reply_code("2ü"), None);
    }

    #[test]
    fn continuation_lines_take_the_opening_code() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let sink = WireSink::new(move |e| {
            if let Event::Wire { code, text, .. } = e {
                s2.lock().unwrap().push((code, text));
            }
        });
        sink.received(b"211-Features:");
        sink.received(b" MLST type*;");
        sink.received(b"211 End");
        sink.received(b"nothing");
        let got = seen.lock().unwrap().clone();
        assert_eq!(got[1], (Some(211), " MLST type*;".to_string()));
        assert_eq!(got[2].0, Some(211));
        assert_eq!(got[3].0, None, "the reply had ended");
    }

    #[test]
    fn a_password_never_reaches_the_log() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let sink = WireSink::new(move |e| {
            if let Event::Wire { text, .. } = e {
                s2.lock().unwrap().push(text);
            }
        });
        sink.sent_line("PASS hunter2");
        assert_eq!(*seen.lock().unwrap(), ["PASS ****"]);
    }
}
