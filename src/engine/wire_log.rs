//! The protocol log: every command sent and every reply line received on a
//! control connection, as the user sees it in the log panel.
//!
//! suppaftp has no hook for this, but it traces each control line through
//! the `log` facade (`CC OUT: …`, `CC IN: …`, target
//! `suppaftp::async_ftp::tokio_ftp::control`). We install a `log::Log` that
//! picks those records up and hands them to the [`WireSink`] of the tokio
//! task that caused them: each control connection runs its calls inside
//! [`WireSink::scope`], so lines from the browse session and from transfer
//! workers never mix. Cargo.lock pins the suppaftp version; the engine tests
//! assert that the log sees the login exchange, so a format change in the
//! crate fails the suite instead of silently emptying the panel.
//!
//! The sink also enforces what the crate does not: a reply line longer than
//! [`MAX_REPLY_LINE`] marks the connection as violating the protocol, and the
//! session closes it. Passwords are masked here, before anything leaves.
//!
//! The same logger feeds the log file (`crate::logging`): each protocol
//! line, masked, becomes a `tracing` debug event with target `wharf::wire`,
//! and every other `log` record (suppaftp's own notes, libunftp's…) is
//! forwarded to `tracing` with anything after a `PASS ` or `ACCT ` masked.
//! suppaftp's control-line records (`CC OUT: PASS …` at trace level) are
//! never forwarded as they are: they only ever leave as protocol lines.

use std::sync::{Arc, Mutex, OnceLock};

use super::protocol::{Event, WireDir};

/// Longest reply line we accept from a server.
pub const MAX_REPLY_LINE: usize = 8 * 1024;

const CONTROL_TARGET: &str = "suppaftp::async_ftp::tokio_ftp::control";
/// FEAT's continuation lines are read outside the reply reader and traced
/// from here as `FEAT IN: "…"` (a `Debug`-quoted string).
const CLIENT_TARGET: &str = "suppaftp::async_ftp::tokio_ftp";

tokio::task_local! {
    static SINK: WireSink;
}

/// Where one control connection's protocol lines go.
#[derive(Clone)]
pub struct WireSink {
    inner: Arc<Inner>,
}

struct Inner {
    emit: Box<dyn Fn(Event) + Send + Sync>,
    state: Mutex<WireState>,
}

#[derive(Default)]
struct WireState {
    /// The command most recently sent (masked), e.g. `EPSV`.
    last_sent: String,
    /// Code of the reply being read, for colouring continuation lines.
    current_code: Option<u16>,
    /// Code of the last complete reply line seen.
    last_code: Option<u16>,
    violation: Option<String>,
}

impl WireSink {
    /// A sink that turns lines into `Event::Wire` and hands them to `emit`.
    pub fn new(emit: impl Fn(Event) + Send + Sync + 'static) -> Self {
        install();
        WireSink {
            inner: Arc::new(Inner {
                emit: Box::new(emit),
                state: Mutex::new(WireState::default()),
            }),
        }
    }

    /// A sink that sends its lines as engine events, each prefixed with
    /// `label` (e.g. `[T2] `) so lines of several connections can be told apart.
    pub fn to_events(events: super::EventTx, label: &str) -> Self {
        let label = label.to_string();
        WireSink::new(move |e| {
            let e = match e {
                Event::Wire { dir, code, text } if !label.is_empty() => Event::Wire {
                    dir,
                    code,
                    text: format!("{label}{text}"),
                },
                other => other,
            };
            let _ = events.send(e);
        })
    }

    /// Runs `fut` with this sink receiving the protocol lines it causes.
    pub async fn scope<F: Future>(&self, fut: F) -> F::Output {
        SINK.scope(self.clone(), fut).await
    }

    /// A note from wharf itself in the protocol log.
    pub fn info(&self, text: impl Into<String>) {
        let text = text.into();
        trace_line(WireDir::Info, &text);
        (self.inner.emit)(Event::Wire {
            dir: WireDir::Info,
            code: None,
            text,
        });
    }

    /// The last command sent on this connection, as logged (masked).
    pub fn last_sent(&self) -> String {
        self.lock().last_sent.clone()
    }

    /// Takes the protocol violation seen since the last call, if any.
    pub fn take_violation(&self) -> Option<String> {
        self.lock().violation.take()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WireState> {
        // A poisoned lock only means another thread panicked mid-update of
        // plain data; the data is still usable for logging.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A command sent on this connection (masked before it is shown).
    pub fn sent_line(&self, command: &str) {
        let shown = mask_secrets(command);
        self.lock().last_sent = shown.clone();
        trace_line(WireDir::Sent, &shown);
        (self.inner.emit)(Event::Wire {
            dir: WireDir::Sent,
            code: None,
            text: shown,
        });
    }

    fn received(&self, raw: &[u8]) {
        let line = String::from_utf8_lossy(raw);
        let line = line.trim_end_matches(['\r', '\n']);
        let code = {
            let mut st = self.lock();
            if raw.len() > MAX_REPLY_LINE {
                st.violation = Some(format!(
                    "the server sent a reply line of {} bytes (limit {MAX_REPLY_LINE})",
                    raw.len()
                ));
            }
            let own = reply_code(line);
            let code = own.or(st.current_code);
            match line.as_bytes().get(3) {
                Some(b'-') if own.is_some() => st.current_code = own,
                Some(b' ') | None if own.is_some() => {
                    st.current_code = None;
                    st.last_code = own;
                }
                _ => {}
            }
            code
        };
        // A reply line that long is not shown whole: the log is for people.
        let text = if line.len() > MAX_REPLY_LINE {
            let mut cut = MAX_REPLY_LINE;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}… ({} bytes)", &line[..cut], line.len())
        } else {
            line.to_string()
        };
        trace_line(WireDir::Received, &text);
        (self.inner.emit)(Event::Wire {
            dir: WireDir::Received,
            code,
            text,
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

/// Masks the rest of the line after every `PASS ` or `ACCT ` (any case,
/// at the start of a word) in free text: for library records forwarded to
/// the log file, which may quote a command.
pub fn scrub_secrets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 5 <= bytes.len() {
        let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let kw = &bytes[i..i + 5];
        if word_start && (kw.eq_ignore_ascii_case(b"PASS ") || kw.eq_ignore_ascii_case(b"ACCT ")) {
            let end = text[i..].find(['\n', '\r']).map_or(text.len(), |n| i + n);
            if end > i + 5 {
                out.push_str(&text[copied..i + 5]);
                out.push_str("****");
                copied = end;
            }
            i = end.max(i + 5);
            continue;
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// suppaftp logs reply lines as the `Debug` form of a `Vec<u8>`:
/// `[50, 50, 48, 32, …]`. Turn that back into bytes.
fn parse_debug_bytes(s: &str) -> Option<Vec<u8>> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner.split(", ").map(|n| n.parse::<u8>().ok()).collect()
}

/// Undoes `{:?}` on a string: `"a\\r\\n"` → `a\r\n`.
fn parse_debug_str(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

struct WireLogger;

/// suppaftp's records of control lines.
fn is_control_record(metadata: &log::Metadata) -> bool {
    let t = metadata.target();
    (t == CONTROL_TARGET || t == CLIENT_TARGET) && metadata.level() == log::Level::Trace
}

/// Whether the log file (a `tracing` subscriber) wants this record.
fn forwarding_wanted(metadata: &log::Metadata) -> bool {
    use tracing_log::AsTrace;
    if metadata.level().as_trace() > tracing::level_filters::LevelFilter::current() {
        return false;
    }
    tracing::dispatcher::get_default(|d| d.enabled(&metadata.as_trace()))
}

/// Hands a record to `tracing` with `text` (already scrubbed) as its message.
fn forward(record: &log::Record, text: &str) {
    let _ = tracing_log::format_trace(
        &log::Record::builder()
            .args(format_args!("{text}"))
            .metadata(record.metadata().clone())
            .module_path(record.module_path())
            .file(record.file())
            .line(record.line())
            .build(),
    );
}

/// Turns a control-line record into a protocol line: for the sink of the
/// task that caused it, else straight to the log file. False when the
/// message is not a control line.
fn control_line(message: &str) -> bool {
    if let Some(cmd) = message.strip_prefix("CC OUT: ") {
        let sent = SINK.try_with(|sink| sink.sent_line(cmd));
        if sent.is_err() {
            trace_line(WireDir::Sent, &mask_secrets(cmd));
        }
        return true;
    }
    let reply = if let Some(raw) = message.strip_prefix("CC IN: ") {
        parse_debug_bytes(raw)
    } else if let Some(raw) = message.strip_prefix("FEAT IN: ") {
        parse_debug_str(raw).map(String::into_bytes)
    } else {
        return false;
    };
    let Some(bytes) = reply else {
        return false;
    };
    if SINK.try_with(|sink| sink.received(&bytes)).is_err() {
        let line = String::from_utf8_lossy(&bytes);
        trace_line(WireDir::Received, line.trim_end_matches(['\r', '\n']));
    }
    true
}

impl log::Log for WireLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        is_control_record(metadata) || forwarding_wanted(metadata)
    }

    fn log(&self, record: &log::Record) {
        let metadata = record.metadata();
        if is_control_record(metadata) {
            let message = record.args().to_string();
            if control_line(&message) {
                return;
            }
            // suppaftp's other trace notes: to the log file, scrubbed. A
            // `CC OUT:` line never gets here (control_line took it).
            if forwarding_wanted(metadata) {
                forward(record, &scrub_secrets(&message));
            }
        } else if forwarding_wanted(metadata) {
            forward(record, &scrub_secrets(&record.args().to_string()));
        }
    }

    fn flush(&self) {}
}

/// Installs the logger once per process (sinks and `logging::init` call
/// it). If another logger was installed first (an embedding program), the
/// protocol log stays empty rather than fighting over the global.
pub fn install() {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let ok = log::set_logger(&WireLogger).is_ok();
        if ok {
            log::set_max_level(log::LevelFilter::Trace);
        }
        ok
    });
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn decodes_debug_strings() {
        let line = " MLST type*;\u{1b}x \"q\"\r\n";
        let dbg = format!("{line:?}");
        assert_eq!(parse_debug_str(&dbg).as_deref(), Some(line));
        assert_eq!(parse_debug_str("nope"), None);
    }

    #[test]
    fn decodes_debug_bytes() {
        assert_eq!(parse_debug_bytes("[50, 50, 48]"), Some(b"220".to_vec()));
        assert_eq!(parse_debug_bytes("[]"), Some(vec![]));
        assert_eq!(parse_debug_bytes("[300]"), None);
        assert_eq!(parse_debug_bytes("nope"), None);
    }

    #[test]
    fn continuation_lines_take_the_opening_code_and_long_lines_are_flagged() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let sink = WireSink::new(move |e| {
            if let Event::Wire { code, text, .. } = e {
                s2.lock().unwrap().push((code, text));
            }
        });
        sink.received(b"211-Features:\r\n");
        sink.received(b" MLST type*;\r\n");
        sink.received(b"211 End\r\n");
        let got = seen.lock().unwrap().clone();
        assert_eq!(got[1], (Some(211), " MLST type*;".to_string()));
        assert!(sink.take_violation().is_none());
        let long = vec![b'a'; MAX_REPLY_LINE + 1];
        sink.received(&long);
        assert!(sink.take_violation().is_some());
    }

    #[test]
    fn scrubs_secrets_in_free_text() {
        assert_eq!(
            scrub_secrets("Sending custom command: PASS hunter2"),
            "Sending custom command: PASS ****"
        );
        assert_eq!(
            scrub_secrets("pass hunter2\nnext line"),
            "pass ****\nnext line"
        );
        assert_eq!(scrub_secrets("x ACCT a b c"), "x ACCT ****");
        assert_eq!(scrub_secrets("bypass this"), "bypass this");
        assert_eq!(scrub_secrets("PASS "), "PASS ");
        assert_eq!(scrub_secrets("PASS"), "PASS");
        assert_eq!(scrub_secrets("ü PASS ü"), "ü PASS ****");
        assert_eq!(scrub_secrets("a PASS x PASS y"), "a PASS ****");
    }
}
