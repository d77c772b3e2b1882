//! The loop: input in, `update`, commands out, a frame when something
//! visible changed. It waits for the next input, folds in everything else
//! already waiting (so a burst of engine events costs one frame), draws at
//! most ~60 times a second (~30 while transfers run: progress alone is not
//! worth more), and sets no timer while idle: an idle wharf sleeps.
//!
//! Generic over ratatui's backend, and fed one stream of [`Input`]: the
//! binary hands it the real terminal and its merged events; tests hand it a
//! `TestBackend` and their own stream.

use std::time::{Duration, Instant};

use futures::{FutureExt, Stream, StreamExt};
use ratatui::Terminal;
use tokio::sync::mpsc;

use super::external::{self, External, Handover};
use super::input::Input;
use super::state::AppState;
use super::update::{Msg, update};
use crate::bookmarks::service::BookmarkOp;
use crate::engine::protocol::{Command, ConnectProfile};
use crate::terminal::FrameSync;

/// Minimum time between two frames.
const FRAME: Duration = Duration::from_millis(16);
/// …and while transfers run.
const BUSY_FRAME: Duration = Duration::from_millis(33);
/// Inputs folded in before a draw, at most, so that a flood of engine
/// events cannot keep the screen (and the keyboard) waiting.
const MAX_BATCH: usize = 4096;

/// Where the app's requests go: the engine's commands, and the bookmark
/// service's ops when there is a bookmark file.
pub struct Senders {
    pub engine: mpsc::UnboundedSender<Command>,
    pub bookmarks: Option<mpsc::UnboundedSender<BookmarkOp>>,
    /// Gives the terminal to the pager or the editor and takes it back
    /// (`None`: there is no real terminal, as in tests; they run as they are).
    pub handover: Option<Box<dyn Handover>>,
}

/// Runs the app until it quits or its input ends. `start` is what to
/// connect to first (see `Msg::Start`). Starting and stopping the engine
/// and the bookmark service is the caller's job.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    mut state: AppState,
    start: Option<ConnectProfile>,
    mut input: S,
    senders: &Senders,
) -> Result<(), B::Error>
where
    B: FrameSync,
    S: Stream<Item = Input> + Unpin,
{
    let size = terminal.size()?;
    let mut programs = Vec::new();
    apply(
        &mut state,
        Msg::Resize(size.width, size.height),
        senders,
        &mut programs,
    );
    apply(&mut state, Msg::Start(start), senders, &mut programs);
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    loop {
        // The pager or the editor, asked for by the last inputs: each has
        // the terminal until it exits, and its end is the next message.
        for program in std::mem::take(&mut programs) {
            let done = hand_over(terminal, &program, senders).await?;
            apply(&mut state, Msg::ExternalDone(done), senders, &mut programs);
            dirty = true;
        }
        let frame = if state.transfers.any_active() {
            BUSY_FRAME
        } else {
            FRAME
        };
        if dirty && last_draw.is_none_or(|t| t.elapsed() >= frame) {
            draw(terminal, &state)?;
            dirty = false;
            last_draw = Some(Instant::now());
        }
        // Only a frame held back by the rate sets a timer.
        let redraw_at = match last_draw {
            Some(t) if dirty => Some(tokio::time::Instant::from_std(t + frame)),
            _ => None,
        };
        let next = tokio::select! {
            next = input.next() => next,
            _ = crate::timer::sleep_until(redraw_at), if redraw_at.is_some() => continue,
        };
        let Some(first) = next else {
            break; // every source has ended
        };
        dirty |= take(&mut state, first, senders, &mut programs);
        for _ in 0..MAX_BATCH {
            if state.quit {
                break;
            }
            // Unconstrained: tokio's fairness budget would otherwise call a
            // long burst "not ready" halfway, and cost a frame per 128 events.
            match tokio::task::unconstrained(input.next()).now_or_never() {
                Some(Some(more)) => dirty |= take(&mut state, more, senders, &mut programs),
                Some(None) => state.quit = true,
                None => break, // nothing more waiting
            }
        }
        if state.quit {
            break;
        }
    }
    Ok(())
}

/// One input through `update`; whether it needs a frame.
fn take(
    state: &mut AppState,
    input: Input,
    senders: &Senders,
    programs: &mut Vec<External>,
) -> bool {
    match input.into_msg(Instant::now()) {
        Some(msg) => apply(state, msg, senders, programs),
        None => false,
    }
}

fn apply(state: &mut AppState, msg: Msg, senders: &Senders, programs: &mut Vec<External>) -> bool {
    let out = update(state, msg);
    programs.extend(out.external);
    // A send fails only when the receiver is gone: the engine stops only
    // after the loop, so that is a crash, and the missing answers say so.
    for cmd in out.commands {
        let _ = senders.engine.send(cmd);
    }
    if let Some(ops) = &senders.bookmarks {
        for op in out.bookmark_ops {
            let _ = ops.send(op);
        }
    }
    out.redraw
}

/// Runs `program` with the terminal handed over, on a blocking thread (the
/// engine goes on meanwhile; its events wait in their channel), then takes
/// the terminal back and has the next frame drawn whole.
async fn hand_over<B: FrameSync>(
    terminal: &mut Terminal<B>,
    program: &External,
    senders: &Senders,
) -> Result<external::ExternalDone, B::Error> {
    if let Some(h) = &senders.handover {
        h.suspend();
    }
    let job = program.clone();
    let done = tokio::task::spawn_blocking(move || external::run(&job))
        .await
        .unwrap_or_else(|e| external::ExternalDone {
            purpose: program.purpose,
            file: program.file.clone(),
            program: external::program(program.purpose),
            result: Err(format!("the program's thread failed: {e}")),
        });
    if let Some(h) = &senders.handover {
        h.resume();
    }
    terminal.clear()?;
    Ok(done)
}

/// One frame, as a synchronized update.
fn draw<B: FrameSync>(terminal: &mut Terminal<B>, state: &AppState) -> Result<(), B::Error> {
    terminal.backend_mut().begin_frame()?;
    let drawn = terminal.draw(|f| crate::ui::draw_now(f, state)).map(|_| ());
    let ended = terminal.backend_mut().end_frame();
    drawn.and(ended)
}
