//! Which panel has the keyboard and which panels show: Tab's round, and
//! the queue and log panels coming and going.

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
    (state.panel, state.focus) = next;
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
    state.panel = Panel::Queue;
}

/// A click on the protocol log gives it the keyboard.
pub fn focus_log(state: &mut AppState) {
    state.panel = Panel::Log;
}
