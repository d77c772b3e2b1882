//! End-to-end test harness: runs a real binary inside a pseudo-terminal,
//! sends it keys and mouse events as xterm would, and reads the screen back
//! through a `vt100` terminal emulator.
//!
//! ```ignore
//! let mut pty = Pty::spawn(bin, &["--flag"], &[("HOME", home)], dir, 100, 30)?;
//! pty.wait_for_text("Local", Duration::from_secs(10));
//! pty.send_key(Key::Down);
//! pty.send_key(Key::Enter);
//! pty.wait_for("a listing of sub/", Duration::from_secs(10), |s| s.contains("sub/.."));
//! let screen = pty.wait_stable(Duration::from_secs(5)); // settled, for a snapshot
//! pty.send_key(Key::F(10));
//! assert_eq!(pty.wait_exit(Duration::from_secs(5)), Some(0));
//! ```
//!
//! Design notes:
//! * A dedicated thread drains the PTY master continuously and feeds a
//!   `vt100::Parser`; without it the child blocks once the kernel buffer
//!   (a few KiB) is full, typically while restoring the terminal on exit.
//! * Synchronisation is done by waiting on the parsed screen (woken by the
//!   reader thread on every chunk of output), never by fixed sleeps. The only
//!   deliberate delay is the gap after a lone ESC byte (see [`ESC_GAP`]).
//! * The emulator answers the two terminal queries crossterm may send
//!   (cursor position `ESC[6n`, primary device attributes `ESC[c`), so
//!   `crossterm::cursor::position()` and keyboard-enhancement detection do
//!   not stall waiting for a reply.
//! * Coordinates in this API are 0-based `(col, row)`; on the wire (SGR 1006
//!   mouse reports) they are 1-based.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How much raw output is kept for [`Pty::output_bytes`] (the most recent
/// bytes win).
pub const RAW_OUTPUT_LIMIT: usize = 4 << 20;

/// Minimum time between a write ending in a lone ESC byte and the next write.
///
/// This is the one fixed delay in the harness, and it is a protocol need, not
/// synchronisation: terminals have no "Esc key" code, only the ESC byte that
/// also starts every escape sequence. crossterm reports `Esc` only when ESC is
/// the last byte available in a read; if the next key's bytes are already
/// there, `ESC x` is decoded as Alt+x and `ESC [A` as Up. So after sending ESC
/// we make sure the application had time to read it alone. The delay is taken
/// lazily by the *next* [`Pty::send`], so a test that waits for the screen
/// after Esc anyway pays nothing.
pub const ESC_GAP: Duration = Duration::from_millis(100);

/// How long `Drop` waits for the reader thread to see end-of-file after the
/// child is gone (a grandchild can keep the PTY open; the thread is then left
/// behind rather than hanging the test).
const DROP_READER_TIMEOUT: Duration = Duration::from_secs(2);

/// Maximum time a waiting call sleeps between two looks at the screen (it is
/// normally woken earlier by new output).
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Interval between two screens compared by [`Pty::wait_stable`].
const STABLE_INTERVAL: Duration = Duration::from_millis(100);

/// A key, encoded as xterm sends it (see [`Key::bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character, sent as UTF-8.
    Char(char),
    Enter,
    Esc,
    Tab,
    /// Shift+Tab.
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    /// F1 ..= F12.
    F(u8),
    /// Ctrl + a letter (or one of `@ [ \ ] ^ _ ? space`), sent as the C0
    /// control byte. Note that some are indistinguishable from other keys:
    /// Ctrl+I is Tab, Ctrl+M is Enter, Ctrl+[ is Esc.
    Ctrl(char),
    /// Alt + a character: ESC followed by the character.
    Alt(char),
}

impl Key {
    /// The bytes xterm sends for this key. `application_cursor` is the DECCKM
    /// mode (`ESC[?1h`), in which arrows, Home and End use `ESC O x` instead
    /// of `ESC [ x`; [`Pty::send_key`] takes it from the emulated screen.
    pub fn bytes(self, application_cursor: bool) -> Vec<u8> {
        let cursor = |c: u8| -> Vec<u8> {
            if application_cursor {
                vec![0x1b, b'O', c]
            } else {
                vec![0x1b, b'[', c]
            }
        };
        match self {
            Key::Char(c) => c.to_string().into_bytes(),
            Key::Enter => b"\r".to_vec(),
            Key::Esc => b"\x1b".to_vec(),
            Key::Tab => b"\t".to_vec(),
            Key::BackTab => b"\x1b[Z".to_vec(),
            Key::Backspace => b"\x7f".to_vec(),
            Key::Delete => b"\x1b[3~".to_vec(),
            Key::Insert => b"\x1b[2~".to_vec(),
            Key::Up => cursor(b'A'),
            Key::Down => cursor(b'B'),
            Key::Right => cursor(b'C'),
            Key::Left => cursor(b'D'),
            Key::Home => cursor(b'H'),
            Key::End => cursor(b'F'),
            Key::PageUp => b"\x1b[5~".to_vec(),
            Key::PageDown => b"\x1b[6~".to_vec(),
            Key::F(n) => match n {
                1 => b"\x1bOP".to_vec(),
                2 => b"\x1bOQ".to_vec(),
                3 => b"\x1bOR".to_vec(),
                4 => b"\x1bOS".to_vec(),
                5 => b"\x1b[15~".to_vec(),
                6 => b"\x1b[17~".to_vec(),
                7 => b"\x1b[18~".to_vec(),
                8 => b"\x1b[19~".to_vec(),
                9 => b"\x1b[20~".to_vec(),
                10 => b"\x1b[21~".to_vec(),
                11 => b"\x1b[23~".to_vec(),
                12 => b"\x1b[24~".to_vec(),
                _ => panic!("Key::F({n}): only F1..=F12 are supported"),
            },
            Key::Ctrl(c) => {
                let byte = match c {
                    'a'..='z' | 'A'..='Z' => (c as u8) & 0x1f,
                    '@' | ' ' | '2' => 0x00,
                    '[' | '3' => 0x1b,
                    '\\' | '4' => 0x1c,
                    ']' | '5' => 0x1d,
                    '^' | '6' => 0x1e,
                    '_' | '7' | '/' => 0x1f,
                    '?' | '8' => 0x7f,
                    _ => panic!("Key::Ctrl({c:?}) has no control-character encoding"),
                };
                vec![byte]
            }
            Key::Alt(c) => {
                let mut bytes = vec![0x1b];
                bytes.extend_from_slice(c.to_string().as_bytes());
                bytes
            }
        }
    }
}

/// SGR (1006) mouse button codes.
pub mod mouse {
    pub const LEFT: u16 = 0;
    pub const MIDDLE: u16 = 1;
    pub const RIGHT: u16 = 2;
    /// Added to a button code for motion with the button held (drag).
    pub const MOTION: u16 = 32;
    pub const WHEEL_UP: u16 = 64;
    pub const WHEEL_DOWN: u16 = 65;
    /// Modifier bits.
    pub const SHIFT: u16 = 4;
    pub const ALT: u16 = 8;
    pub const CTRL: u16 = 16;

    /// The SGR 1006 report for `code` at 0-based `(col, row)`: `ESC[<b;x;yM`
    /// for a press/motion/wheel, `...m` for a release.
    pub fn sgr(code: u16, col: u16, row: u16, release: bool) -> Vec<u8> {
        let last = if release { 'm' } else { 'M' };
        format!(
            "\x1b[<{code};{};{}{last}",
            u32::from(col) + 1,
            u32::from(row) + 1
        )
        .into_bytes()
    }
}

/// Terminal replies the emulator owes the program, collected while parsing.
#[derive(Default)]
struct Responder {
    replies: Vec<u8>,
}

impl vt100::Callbacks for Responder {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, i2, c, first) {
            // DSR: cursor position report, 1-based.
            (None, None, 'n', 6) => {
                let (row, col) = screen.cursor_position();
                let reply = format!("\x1b[{};{}R", u32::from(row) + 1, u32::from(col) + 1);
                self.replies.extend_from_slice(reply.as_bytes());
            }
            // DSR: status report, "OK".
            (None, None, 'n', 5) => self.replies.extend_from_slice(b"\x1b[0n"),
            // DA1: a VT100 with advanced video option.
            (None, None, 'c', 0) => self.replies.extend_from_slice(b"\x1b[?1;2c"),
            _ => {}
        }
    }
}

/// State shared with the reader thread.
struct State {
    parser: vt100::Parser<Responder>,
    /// Raw output; between `RAW_OUTPUT_LIMIT` and twice that is kept so that
    /// trimming is amortised.
    raw: Vec<u8>,
    /// Bumped on every change of the screen (output or resize).
    generation: u64,
    /// The reader saw end-of-file: every process holding the PTY is gone.
    eof: bool,
    /// Why reading stopped, if not the usual EIO/EOF.
    read_error: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock must not hide the screen
        // from the error message (or make `Drop` panic).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Writer = Arc<Mutex<Box<dyn Write + Send>>>;

/// A program running in a pseudo-terminal, with an emulated screen.
pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Writer,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    /// Exit status once the child has been reaped.
    status: Option<ExitStatus>,
    /// When the last write ended with an ESC byte (see [`ESC_GAP`]).
    esc_sent_at: Option<Instant>,
    program: String,
}

impl Pty {
    /// Spawns `program` with `args`, extra `env` vars and working dir `cwd`
    /// in a PTY of `cols` x `rows`; TERM=xterm-256color.
    ///
    /// The child inherits this process's environment minus `COLUMNS`/`LINES`
    /// (which would override the PTY size), plus `TERM`, plus `env` (applied
    /// last, so it can override `TERM`). It becomes a session leader with the
    /// PTY as controlling terminal, so it gets SIGWINCH on [`Pty::resize`].
    pub fn spawn(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cwd: &Path,
        cols: u16,
        rows: u16,
    ) -> io::Result<Pty> {
        let (Some(nz_cols), Some(nz_rows)) = (NonZeroU16::new(cols), NonZeroU16::new(rows)) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("PTY size must be non-zero, got {cols}x{rows}"),
            ));
        };
        // portable-pty silently falls back to $HOME for a missing cwd.
        if !cwd.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("working directory {} does not exist", cwd.display()),
            ));
        }

        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .map_err(|e| io::Error::other(format!("openpty: {e:#}")))?;

        // Everything on our side first, so a failure here can't leave a
        // child behind.
        let master = pair.master;
        let reader = master
            .try_clone_reader()
            .map_err(|e| io::Error::other(format!("PTY reader: {e:#}")))?;
        let writer: Writer = Arc::new(Mutex::new(
            master
                .take_writer()
                .map_err(|e| io::Error::other(format!("PTY writer: {e:#}")))?,
        ));

        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                parser: vt100::Parser::new_with_callbacks(
                    nz_rows,
                    nz_cols,
                    0,
                    Responder::default(),
                ),
                raw: Vec::new(),
                generation: 0,
                eof: false,
                read_error: None,
            }),
            changed: Condvar::new(),
        });

        let reader = {
            let shared = Arc::clone(&shared);
            let writer = Arc::clone(&writer);
            std::thread::Builder::new()
                .name("pty-reader".into())
                .spawn(move || read_loop(reader, &shared, &writer))?
        };

        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env_remove("COLUMNS");
        cmd.env_remove("LINES");
        cmd.env("TERM", "xterm-256color");
        for (key, value) in env {
            cmd.env(key, value);
        }

        let spawned = pair.slave.spawn_command(cmd);
        // Our copy of the slave must go, or the reader never sees EOF (and,
        // should the spawn have failed, never stops).
        drop(pair.slave);
        let child = spawned.map_err(|e| {
            // portable-pty reports a program missing from PATH as a plain
            // message; keep the kind of a real OS error.
            let kind = e
                .downcast_ref::<io::Error>()
                .map_or(io::ErrorKind::NotFound, io::Error::kind);
            io::Error::new(kind, format!("spawning {}: {e:#}", program.display()))
        });
        let child = match child {
            Ok(child) => child,
            Err(e) => {
                drop(master);
                let _ = reader.join();
                return Err(e);
            }
        };

        Ok(Pty {
            child,
            master,
            writer,
            shared,
            reader: Some(reader),
            status: None,
            esc_sent_at: None,
            program: program.display().to_string(),
        })
    }

    /// Writes raw bytes to the program's input (escape sequences for keys or
    /// mouse, pasted text, ...). Panics if the PTY is no longer writable.
    pub fn send(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if let Some(at) = self.esc_sent_at.take() {
            let elapsed = at.elapsed();
            if elapsed < ESC_GAP {
                // Protocol need, not synchronisation: see ESC_GAP.
                std::thread::sleep(ESC_GAP - elapsed);
            }
        }
        let result = {
            let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            writer.write_all(bytes).and_then(|()| writer.flush())
        };
        if let Err(e) = result {
            panic!(
                "writing {:?} to the PTY of {} failed: {e} ({})",
                String::from_utf8_lossy(bytes),
                self.program,
                self.describe_child()
            );
        }
        if bytes.last() == Some(&0x1b) {
            self.esc_sent_at = Some(Instant::now());
        }
    }

    /// Sends a key as xterm would, honouring the program's cursor-key mode.
    /// After `Key::Esc` (or `Key::Alt(..)` ending in ESC) the next send is
    /// delayed until [`ESC_GAP`] has passed, so ESC is read as a key of its
    /// own.
    pub fn send_key(&mut self, key: Key) {
        let application_cursor = self.with_screen(|s| s.application_cursor());
        self.send(&key.bytes(application_cursor));
    }

    /// Sends each key in turn.
    pub fn send_keys(&mut self, keys: &[Key]) {
        for &key in keys {
            self.send_key(key);
        }
    }

    /// Types `text`: its UTF-8 bytes in one write (`\r` is Enter).
    pub fn type_text(&mut self, text: &str) {
        self.send(text.as_bytes());
    }

    /// Sends an SGR mouse report; see [`mouse`] for the codes.
    pub fn send_mouse(&mut self, code: u16, col: u16, row: u16, release: bool) {
        self.send(&mouse::sgr(code, col, row, release));
    }

    /// Left button pressed at 0-based `(col, row)`.
    pub fn mouse_press(&mut self, col: u16, row: u16) {
        self.send_mouse(mouse::LEFT, col, row, false);
    }

    /// Left button released at 0-based `(col, row)`.
    pub fn mouse_release(&mut self, col: u16, row: u16) {
        self.send_mouse(mouse::LEFT, col, row, true);
    }

    /// Motion with the left button held, to 0-based `(col, row)`.
    pub fn mouse_drag(&mut self, col: u16, row: u16) {
        self.send_mouse(mouse::LEFT | mouse::MOTION, col, row, false);
    }

    /// Press and release of the left button at 0-based `(col, row)`.
    pub fn click(&mut self, col: u16, row: u16) {
        self.mouse_press(col, row);
        self.mouse_release(col, row);
    }

    pub fn wheel_up(&mut self, col: u16, row: u16) {
        self.send_mouse(mouse::WHEEL_UP, col, row, false);
    }

    pub fn wheel_down(&mut self, col: u16, row: u16) {
        self.send_mouse(mouse::WHEEL_DOWN, col, row, false);
    }

    /// The current screen: exactly `rows` lines joined by `\n`, trailing
    /// blanks of each line removed (wide characters appear once).
    pub fn screen(&self) -> String {
        render(self.shared.lock().parser.screen())
    }

    /// Runs `f` on the emulated screen, for what text alone can't tell:
    /// colours and attributes (`cell(row, col)`), cursor position and
    /// visibility, alternate screen, mouse mode, ...
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.shared.lock().parser.screen())
    }

    /// 0-based `(col, row)` of the first occurrence of `text` on the screen
    /// (in cells, so usable for mouse events even after wide characters).
    /// `text` must not span lines.
    pub fn find_text(&self, text: &str) -> Option<(u16, u16)> {
        self.with_screen(|screen| find_in_screen(screen, text))
    }

    /// Current `(cols, rows)`.
    pub fn size(&self) -> (u16, u16) {
        let (rows, cols) = self.with_screen(|s| s.size());
        (cols.get(), rows.get())
    }

    /// Waits until `pred(screen)` holds and returns that screen. Panics with
    /// `what` and the last screen if `timeout` passes first, or as soon as
    /// the program has exited and closed the PTY (the screen can't change
    /// any more).
    #[track_caller]
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let (screen, generation, eof) = {
                let state = self.shared.lock();
                (render(state.parser.screen()), state.generation, state.eof)
            };
            if pred(&screen) {
                return screen;
            }
            if eof {
                self.fail(&format!("program ended before the screen showed: {what}"));
            }
            let now = Instant::now();
            if now >= deadline {
                self.fail(&format!("timed out after {timeout:?} waiting for: {what}"));
            }
            // Sleep until new output (or a resize) arrives; bounded so that a
            // missed wake-up costs at most one interval.
            let state = self.shared.lock();
            let wait = (deadline - now).min(POLL_INTERVAL);
            let _unused = self
                .shared
                .changed
                .wait_timeout_while(state, wait, |s| s.generation == generation && !s.eof)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Waits until `text` appears on one line of the screen.
    #[track_caller]
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(&format!("text {text:?}"), timeout, |s| s.contains(text))
    }

    /// Waits until `text` is no longer anywhere on the screen.
    #[track_caller]
    pub fn wait_for_text_gone(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(&format!("text {text:?} to disappear"), timeout, |s| {
            !s.contains(text)
        })
    }

    /// Waits until two screens taken ~100 ms apart are equal (settled) and
    /// returns it. Panics with the last screen if it is still changing after
    /// `timeout`. Returns at once if the program has closed the PTY.
    ///
    /// This is not a way to wait for the program to react to input: right
    /// after a key the old screen may well be stable for 100 ms on a loaded
    /// machine. Wait for the expected change with [`Pty::wait_for`] first,
    /// then use this to let trailing redraws settle (e.g. before a snapshot).
    #[track_caller]
    pub fn wait_stable(&self, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut previous = self.screen();
        loop {
            if self.shared.lock().eof {
                return self.screen();
            }
            // The interval is the definition of "settled", not a guess at how
            // long the program needs.
            std::thread::sleep(STABLE_INTERVAL);
            let current = self.screen();
            if current == previous {
                return current;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("screen still changing after {timeout:?}"));
            }
            previous = current;
        }
    }

    /// Resizes the PTY (the program gets SIGWINCH) and the emulated screen.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let (Some(nz_cols), Some(nz_rows)) = (NonZeroU16::new(cols), NonZeroU16::new(rows)) else {
            panic!("PTY size must be non-zero, got {cols}x{rows}");
        };
        // The emulator first, so that output drawn for the new size is parsed
        // at the new size.
        {
            let mut state = self.shared.lock();
            state.parser.set_size(nz_rows, nz_cols);
            state.generation += 1;
        }
        self.shared.changed.notify_all();
        if let Err(e) = self.master.resize(pty_size(cols, rows)) {
            panic!("resizing the PTY to {cols}x{rows} failed: {e:#}");
        }
    }

    /// Waits for the child to exit and returns its exit code; if it is still
    /// running after `timeout`, kills it and returns `None`. A child killed by
    /// a signal reports code 1 (portable-pty's convention; see
    /// [`Pty::exit_status`] for the signal).
    ///
    /// After the exit it also waits (within the same `timeout`) for the
    /// reader to drain the PTY, so [`Pty::screen`] and [`Pty::output_bytes`]
    /// include everything the program wrote, such as its terminal restore
    /// sequences.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<u32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(code) = self.try_exit_code() {
                self.wait_eof(deadline);
                return Some(code);
            }
            if Instant::now() >= deadline {
                self.kill();
                return None;
            }
            // No event to wait on for a process exit; poll.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Non-blocking: the exit code if the child has exited.
    pub fn try_exit_code(&mut self) -> Option<u32> {
        if self.status.is_none()
            && let Ok(Some(status)) = self.child.try_wait()
        {
            self.status = Some(status);
        }
        self.status.as_ref().map(ExitStatus::exit_code)
    }

    /// The full exit status (including the signal name) once reaped.
    pub fn exit_status(&self) -> Option<&ExitStatus> {
        self.status.as_ref()
    }

    /// Kills the child if it is still running (SIGHUP, then SIGKILL after a
    /// short grace period) and reaps it.
    pub fn kill(&mut self) {
        if self.try_exit_code().is_some() {
            return;
        }
        let _ = self.child.kill();
        if let Ok(status) = self.child.wait() {
            self.status = Some(status);
        }
    }

    /// The child's process id (None once it has been reaped, on some
    /// platforms).
    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// The raw bytes the program wrote (the last [`RAW_OUTPUT_LIMIT`] of
    /// them), e.g. to check the terminal was restored: mouse capture off
    /// `\x1b[?1000l`/`\x1b[?1006l`, alternate screen left `\x1b[?1049l`,
    /// cursor shown `\x1b[?25h`. Call after [`Pty::wait_exit`] to be sure
    /// everything was read.
    pub fn output_bytes(&self) -> Vec<u8> {
        let state = self.shared.lock();
        let start = state.raw.len().saturating_sub(RAW_OUTPUT_LIMIT);
        state.raw[start..].to_vec()
    }

    /// Whether the raw output contains `needle`.
    pub fn output_contains(&self, needle: &[u8]) -> bool {
        let bytes = self.output_bytes();
        !needle.is_empty() && bytes.windows(needle.len()).any(|w| w == needle)
    }

    /// Waits (until `deadline`) for the reader to see end-of-file.
    fn wait_eof(&self, deadline: Instant) -> bool {
        let mut state = self.shared.lock();
        while !state.eof {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, (deadline - now).min(POLL_INTERVAL))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }

    fn describe_child(&self) -> String {
        match &self.status {
            Some(status) => format!("child exited: {status}"),
            None => "child not reaped yet".to_string(),
        }
    }

    /// Panics with `message`, the child's state and the screen.
    #[track_caller]
    fn fail(&self, message: &str) -> ! {
        let (screen, cursor, size, eof, read_error) = {
            let state = self.shared.lock();
            let screen = state.parser.screen();
            (
                render(screen),
                screen.cursor_position(),
                screen.size(),
                state.eof,
                state.read_error.clone(),
            )
        };
        let mut out = format!("{message}\nprogram: {}", self.program);
        if eof {
            out.push_str(" (PTY closed: program exited)");
        }
        if let Some(e) = read_error {
            out.push_str(&format!(" (PTY read error: {e})"));
        }
        out.push_str(&format!(
            "\nscreen {}x{}, cursor at col {} row {}:\n",
            size.1, size.0, cursor.1, cursor.0
        ));
        for (i, line) in screen.split('\n').enumerate() {
            out.push_str(&format!("{i:>3}│{line}\n"));
        }
        panic!("{out}");
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        self.kill();
        // Normally EOF follows the child's death within milliseconds; a
        // surviving grandchild holding the PTY open would block a join
        // forever, so the thread is left behind after a bounded wait.
        let drained = self.wait_eof(Instant::now() + DROP_READER_TIMEOUT);
        if let Some(reader) = self.reader.take()
            && (drained || reader.is_finished())
        {
            let _ = reader.join();
        }
    }
}

fn read_loop(mut reader: Box<dyn Read + Send>, shared: &Shared, writer: &Writer) {
    let mut buf = vec![0u8; 64 * 1024];
    let read_error = loop {
        match reader.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => {
                let replies = {
                    let mut state = shared.lock();
                    state.parser.process(&buf[..n]);
                    state.raw.extend_from_slice(&buf[..n]);
                    if state.raw.len() > 2 * RAW_OUTPUT_LIMIT {
                        let excess = state.raw.len() - RAW_OUTPUT_LIMIT;
                        state.raw.drain(..excess);
                    }
                    state.generation += 1;
                    std::mem::take(&mut state.parser.callbacks_mut().replies)
                };
                shared.changed.notify_all();
                if !replies.is_empty() {
                    let mut writer = writer.lock().unwrap_or_else(|e| e.into_inner());
                    let _ = writer.write_all(&replies).and_then(|()| writer.flush());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Linux reports EIO on the master once the last slave fd closes:
            // that is the normal end.
            Err(e) if e.raw_os_error() == Some(5) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    {
        let mut state = shared.lock();
        state.eof = true;
        state.read_error = read_error;
        state.generation += 1;
    }
    shared.changed.notify_all();
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn render(screen: &vt100::Screen) -> String {
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .map(|row| row.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn find_in_screen(screen: &vt100::Screen, text: &str) -> Option<(u16, u16)> {
    if text.is_empty() {
        return None;
    }
    let (rows, cols) = screen.size();
    for row in 0..rows.get() {
        // The row's text with, for each cell's text, the column it starts at.
        let mut line = String::new();
        let mut starts: Vec<(usize, u16)> = Vec::new();
        for col in 0..cols.get() {
            let Some(cell) = screen.cell(row, col) else {
                continue;
            };
            if cell.is_wide_continuation() {
                continue;
            }
            starts.push((line.len(), col));
            let contents = cell.contents();
            line.push_str(if contents.is_empty() { " " } else { contents });
        }
        if let Some(offset) = line.find(text) {
            let col = starts
                .iter()
                .rev()
                .find(|(start, _)| *start <= offset)
                .map_or(0, |&(_, col)| col);
            return Some((col, row));
        }
    }
    None
}
