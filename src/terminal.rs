//! Entering and leaving the full-screen terminal mode. Whatever way wharf
//! ends (quit, error, panic, signal), `restore` runs and the user's shell
//! gets back a sane terminal: cooked mode, main screen, no mouse reporting.
//! And [`FrameSync`]: each frame wrapped in a synchronized update, so a
//! terminal never shows half of one.

use std::io::{self, Stdout, Write};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
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
