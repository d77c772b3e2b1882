//! The UI side: state, the pure `update`, the keymap, and the loop that
//! feeds them. The loop waits for terminal input, engine events or a
//! signal; it draws only when something changed, at most ~60 times a
//! second, and sleeps otherwise (an idle wharf uses no CPU).

// Data: what the screen shows. These import no action module.
pub mod bookmark_form;
pub mod bookmark_manager;
pub mod dialog;
pub mod drag;
pub mod effects;
pub mod keymap;
pub mod motion;
pub mod pane;
pub mod state;
pub mod transfers;

// Shared by the actions: pure readings and requests, over data only.
pub mod mouse;
pub mod requests;

// Actions: each changes the state for one part of the screen. They import
// data and the shared modules, never each other nor `update`.
pub mod bookmark_actions;
pub mod connection_actions;
pub mod dialog_actions;
pub mod layout_actions;
pub mod log_actions;
pub mod pane_actions;
pub mod transfer_actions;

// Routing: a message to the action that owns it.
pub mod update;

use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::bookmarks::service::{BookmarkEvent, BookmarkOp};
use crate::engine::EngineHandle;
use crate::engine::protocol::{Command, ConnectProfile};
use crate::terminal::Tui;
use state::AppState;
use tokio::sync::mpsc;
use update::{Msg, update};

/// Minimum time between two frames.
const FRAME: Duration = Duration::from_millis(16);
/// …and while transfers run: progress alone is not worth more than ~30
/// frames a second.
const BUSY_FRAME: Duration = Duration::from_millis(33);
/// Engine events folded in before a draw, at most, so a flood of events
/// cannot starve the keyboard.
const MAX_BATCH: usize = 4096;

pub async fn run(
    terminal: &mut Tui,
    mut state: AppState,
    mut engine: EngineHandle,
    mut bookmarks: Option<(
        mpsc::UnboundedSender<BookmarkOp>,
        mpsc::UnboundedReceiver<BookmarkEvent>,
    )>,
    start: Option<ConnectProfile>,
) -> anyhow::Result<()> {
    let mut input = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;

    let size = terminal.size()?;
    apply(
        &mut state,
        &engine,
        &bookmarks,
        Msg::Resize(size.width, size.height),
    );
    apply(&mut state, &engine, &bookmarks, Msg::Start(start));

    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        let frame = if state.transfers.any_active() {
            BUSY_FRAME
        } else {
            FRAME
        };
        if dirty && last_draw.elapsed() >= frame {
            terminal.draw(|f| crate::ui::draw_now(f, &state))?;
            dirty = false;
            last_draw = Instant::now();
        }
        // Only a pending redraw sets a timer; idle, we sleep until input.
        let redraw_at = dirty.then(|| tokio::time::Instant::from_std(last_draw + frame));
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => match term_msg(ev) {
                    Some(m) => m,
                    None => continue,
                },
                // The terminal is gone: nothing more can be shown.
                Some(Err(_)) | None => Msg::Quit,
            },
            Some(ev) = engine.events.recv() => Msg::Engine(ev),
            Some(ev) = async {
                match bookmarks.as_mut() {
                    Some((_, events)) => events.recv().await,
                    None => std::future::pending().await,
                }
            } => Msg::Bookmarks(ev),
            _ = sigterm.recv() => Msg::Quit,
            _ = sighup.recv() => Msg::Quit,
            _ = sigint.recv() => Msg::Quit,
            _ = crate::timer::sleep_until(redraw_at), if redraw_at.is_some() => continue,
        };
        apply(&mut state, &engine, &bookmarks, msg);
        let mut batch = 0;
        while batch < MAX_BATCH {
            match engine.events.try_recv() {
                Ok(ev) => apply(&mut state, &engine, &bookmarks, Msg::Engine(ev)),
                Err(_) => break,
            }
            batch += 1;
        }
        dirty = true;
        if state.quit {
            break;
        }
    }
    engine.shutdown().await;
    Ok(())
}

type Bookmarks = Option<(
    mpsc::UnboundedSender<BookmarkOp>,
    mpsc::UnboundedReceiver<BookmarkEvent>,
)>;

fn apply(state: &mut AppState, engine: &EngineHandle, bookmarks: &Bookmarks, msg: Msg) {
    let out = update(state, msg);
    for cmd in out.commands {
        send(engine, cmd);
    }
    if let Some((ops, _)) = bookmarks {
        for op in out.bookmark_ops {
            let _ = ops.send(op);
        }
    }
}

fn send(engine: &EngineHandle, cmd: Command) {
    // The engine only stops after Shutdown; a send error means it crashed,
    // and the status bar will say so through the missing answers.
    let _ = engine.commands.send(cmd);
}

fn term_msg(ev: TermEvent) -> Option<Msg> {
    match ev {
        TermEvent::Key(k) => Some(Msg::Key(k)),
        TermEvent::Mouse(m) => Some(Msg::Mouse(m, Instant::now())),
        TermEvent::Paste(p) => Some(Msg::Paste(p)),
        TermEvent::Resize(w, h) => Some(Msg::Resize(w, h)),
        TermEvent::FocusGained | TermEvent::FocusLost => None,
    }
}
