//! The log file: `data_dir()/logs/wharf.YYYY-MM-DD.log`, a new file each
//! day and the last 7 kept, written by a background thread (never to the
//! terminal: the TUI owns it).
//!
//! What goes in: `tracing` events — wharf's own (connections, logins,
//! transfer failures…) and those of libraries that use `tracing` (libunftp
//! for `--demo`) — and at `debug` every protocol line as the protocol log
//! shows it (target `wharf::wire`, passwords already masked by
//! `engine::wire_log`). Records of the `log` facade are not taken: no
//! `log` logger is installed, so a library's own trace of a control
//! connection (suppaftp writes `PASS` in clear at trace level) can never
//! reach the file.
//!
//! The level is an `EnvFilter` string: `--log-level`, else `$WHARF_LOG`,
//! else `info` (with the embedded demo server only from `warn` up).
//! `debug` adds the protocol lines and the libraries' notes; `wharf=debug`
//! the protocol lines without the libraries' chatter; `trace` everything.
//!
//! The subscriber is the one process-wide thing wharf installs, once, from
//! the binary.

use std::path::PathBuf;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

use crate::config;

/// The environment variable read when no `--log-level` is given.
pub const LOG_VAR: &str = "WHARF_LOG";
/// The level when neither says: `info`, except for the embedded server
/// (`--demo`), whose info events carry kilobytes of span context each.
pub const DEFAULT_LEVEL: &str = "info,libunftp=warn";
/// Log files kept (one a day).
pub const KEEP_FILES: usize = 7;

/// Where the log files go: `data_dir()/logs`.
pub fn log_dir() -> Option<PathBuf> {
    config::data_dir().map(|d| d.join("logs"))
}

/// The filter in force: `level` (from `--log-level`), else `$WHARF_LOG`,
/// else [`DEFAULT_LEVEL`].
fn filter(level: Option<&str>) -> Result<EnvFilter, String> {
    let from_env = std::env::var(LOG_VAR).ok().filter(|v| !v.trim().is_empty());
    let (directives, source) = match (level, from_env) {
        (Some(l), _) => (l.to_string(), "--log-level"),
        (None, Some(e)) => (e, LOG_VAR),
        (None, None) => (DEFAULT_LEVEL.to_string(), "the default"),
    };
    EnvFilter::builder()
        .parse(&directives)
        .map_err(|e| format!("{source}: invalid log level `{directives}`: {e}"))
}

/// Starts logging to the log folder. Keep the guard until the program
/// ends: dropping it flushes what is still queued.
///
/// `Ok(None)` when there is no data folder (no home folder): nothing is
/// logged. `Err` (with a message for the user) when the level is invalid,
/// the folder cannot be created, or logging was already started; wharf can
/// go on without a log.
pub fn init(level: Option<&str>) -> Result<Option<WorkerGuard>, String> {
    let filter = filter(level)?;
    let Some(dir) = log_dir() else {
        return Ok(None);
    };
    crate::private_file::create_private_dir(&dir)
        .map_err(|e| format!("cannot create the log folder {}: {e}", dir.display()))?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .max_log_files(KEEP_FILES)
        .filename_prefix("wharf")
        .filename_suffix("log")
        .build(&dir)
        .map_err(|e| format!("cannot open a log file in {}: {e}", dir.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_env_filter(filter)
        .finish();
    tracing::subscriber::set_global_default(subscriber)
        .map_err(|e| format!("logging was already set up: {e}"))?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        dir = %dir.display(),
        "wharf started"
    );
    Ok(Some(guard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_env_filter_strings() {
        assert!(filter(Some("debug")).is_ok());
        assert!(filter(Some("wharf=debug,suppaftp=trace")).is_ok());
        assert!(filter(Some("info,wharf::wire=debug")).is_ok());
        let e = filter(Some("wharf=loud")).unwrap_err();
        assert!(e.contains("--log-level") && e.contains("wharf=loud"), "{e}");
    }
}
