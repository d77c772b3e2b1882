//! Which panel has the keyboard and which panels show: Tab's round, and
//! the queue and log panels coming and going.

use crossterm::event::KeyEvent;

use super::effects::Update;
use super::keymap::{Context, KeySpec};
use super::state::{AppState, Panel};
use crate::engine::protocol::Side;

/// Local → remote → queue (when shown) → log (when shown) → local.
pub fn switch_focus(state: &mut AppState) {
    let next = match (state.panel, state.focus) {
        (Panel::Panes, Side::Local) => (Panel::Panes, Side::Remote),
        (Panel::Panes, Side::Remote) if state.queue_visible() => (Panel::Queue, Side::Remote),
        (Panel::Panes, Side::Remote) | (Panel::Queue, _) if state.show_log => {
            (Panel::Log, Side::Remote)
        }
        _ => (Panel::Panes, Side::Local),
    };
    let entering_queue = next.0 == Panel::Queue && state.panel != Panel::Queue;
    (state.panel, state.focus) = next;
    if entering_queue {
        start_on_what_matters(state);
    }
}

/// Entering the queue starts on the first running or failed row, not on
/// the oldest finished one where its keys do nothing.
fn start_on_what_matters(state: &mut AppState) {
    let height = state.layout.queue_rows();
    state.transfers.cursor_to_first_that_matters(height);
}

pub fn toggle_queue(state: &mut AppState) {
    state.show_queue = !state.show_queue;
    state.keep_focus_on_screen();
    state.relayout();
}

pub fn toggle_log(state: &mut AppState) {
    state.show_log = !state.show_log;
    state.log_scroll = 0;
    state.log_search = None;
    state.keep_focus_on_screen();
    state.relayout();
}

/// A click on the queue panel gives it the keyboard.
pub fn focus_queue(state: &mut AppState) {
    if state.panel != Panel::Queue {
        state.panel = Panel::Queue;
        start_on_what_matters(state);
    }
}

/// A key bound to nothing here but to something in another panel: say
/// where it works, rather than nothing at all.
pub fn key_elsewhere(state: &mut AppState, key: &KeyEvent, out: &mut Update) {
    let here = state.context();
    let Some((context, action)) = state.keymap.elsewhere(here, key) else {
        return out.unchanged();
    };
    let name = KeySpec::from_event(key);
    let place = match context {
        Context::Pane => "a pane",
        Context::Queue => "the transfer queue",
        Context::Log => "the protocol log",
        Context::Viewer => "the viewer",
        Context::Global => "every panel",
    };
    let what = action.describe(context);
    state.set_status(
        format!("{name} works in {place} ({what}); Tab moves the keyboard there"),
        false,
    );
}

/// A click on the protocol log gives it the keyboard.
pub fn focus_log(state: &mut AppState) {
    state.panel = Panel::Log;
}
