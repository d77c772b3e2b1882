//! Entering and leaving the full-screen terminal mode. Whatever way wharf
//! ends (quit, error, panic, signal), `restore` runs and the user's shell
//! gets back a sane terminal: cooked mode, main screen, no mouse reporting.
//! And [`FrameSync`]: each frame wrapped in a synchronized update, so a
//! terminal never shows half of one.

use std::io::{self, Stdout, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    EventStream,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

pub fn enter() -> io::Result<Tui> {
    install_panic_hook();
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(
        out,
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    ) {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(out))
}

/// Raw mode before anything slow (the config, the demo's tree): keys
/// typed while wharf starts wait in the terminal for the app instead of
/// being echoed and lost. [`enter`] goes on from there; [`leave_raw`] (or
/// [`restore`]) undoes it. Nothing happens when stdin is not a terminal.
pub fn raw_early() {
    use std::io::IsTerminal;
    if io::stdin().is_terminal() {
        let _ = enable_raw_mode();
    }
}

/// Cooked mode again (after [`raw_early`], to print a message). Safe to
/// call when raw mode is off.
pub fn leave_raw() {
    let _ = disable_raw_mode();
}

/// Puts the terminal back. Safe to call more than once.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the default hook prints the panic, so the
/// message is readable and the shell usable.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// A backend that can ask the terminal to show a frame all at once: the
/// frame is written between a begin and an end (synchronized output, DEC
/// mode 2026, as television does). Terminals that do not know the mode
/// ignore it.
pub trait FrameSync: Backend {
    fn begin_frame(&mut self) -> Result<(), Self::Error>;
    fn end_frame(&mut self) -> Result<(), Self::Error>;
}

impl<W: Write> FrameSync for CrosstermBackend<W> {
    fn begin_frame(&mut self) -> io::Result<()> {
        queue!(self, BeginSynchronizedUpdate)
    }

    fn end_frame(&mut self) -> io::Result<()> {
        execute!(self, EndSynchronizedUpdate)
    }
}

/// A test backend has no terminal to tell.
impl FrameSync for TestBackend {
    fn begin_frame(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }

    fn end_frame(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The terminal's events as a stream that can be paused: while the pager
/// or the editor has the terminal, crossterm's reader must not run, or it
/// would take the keys meant for them. Pausing drops the `EventStream`
/// (its reader thread stops); resuming makes a new one.
pub struct TerminalEvents {
    shared: Arc<Mutex<Paused>>,
}

struct Paused {
    stream: Option<EventStream>,
    waker: Option<Waker>,
}

/// Hands the terminal over to a child and takes it back: cooked mode and
/// the main screen while it runs, no key read by wharf.
pub struct TerminalHandover {
    shared: Arc<Mutex<Paused>>,
}

/// The stream of terminal events and its handover.
pub fn events() -> (TerminalEvents, TerminalHandover) {
    let shared = Arc::new(Mutex::new(Paused {
        stream: Some(EventStream::new()),
        waker: None,
    }));
    (
        TerminalEvents {
            shared: shared.clone(),
        },
        TerminalHandover { shared },
    )
}

fn lock(m: &Mutex<Paused>) -> MutexGuard<'_, Paused> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Stream for TerminalEvents {
    type Item = io::Result<crossterm::event::Event>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut p = lock(&self.shared);
        match p.stream.as_mut() {
            Some(s) => s.poll_next_unpin(cx),
            None => {
                p.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl crate::app::external::Handover for TerminalHandover {
    fn suspend(&self) {
        lock(&self.shared).stream = None;
        restore();
    }

    fn resume(&self) {
        let _ = enable_raw_mode();
        let _ = execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        );
        let mut p = lock(&self.shared);
        p.stream = Some(EventStream::new());
        if let Some(w) = p.waker.take() {
            w.wake();
        }
    }
}
