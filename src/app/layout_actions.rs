//! Which panel has the keyboard and which panels show: Tab's round, and
//! the queue and log panels coming and going.

use super::state::AppState;
use crate::engine::protocol::Side;

/// Local → remote → queue (when shown) → local.
pub fn switch_focus(state: &mut AppState) {
    if state.queue_focused {
        state.queue_focused = false;
        state.focus = Side::Local;
    } else if state.focus == Side::Remote && state.queue_visible() {
        state.queue_focused = true;
    } else {
        state.focus = match state.focus {
            Side::Local => Side::Remote,
            Side::Remote => Side::Local,
        };
    }
}

pub fn toggle_queue(state: &mut AppState) {
    state.show_queue = !state.show_queue;
    state.queue_focused = state.show_queue && state.queue_focused;
    state.relayout();
}

pub fn toggle_log(state: &mut AppState) {
    state.show_log = !state.show_log;
    state.log_scroll = 0;
    state.relayout();
}

/// A click on the queue panel gives it the keyboard.
pub fn focus_queue(state: &mut AppState) {
    state.queue_focused = true;
}
