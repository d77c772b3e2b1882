//! The protocol log's half of `update`: lines from the engine, and
//! scrolling back through them. The state keeps the last 10,000; the status
//! bar shows the last reply code of the browse connection in use (not of
//! transfer connections, nor of an attempt the user replaced).

use super::effects::Update;
use super::motion::Motion;
use super::state::{AppState, LogLine};
use crate::engine::protocol::{ConnId, WireDir};

/// One protocol-log line. While the log is hidden it shows only through
/// the status bar's reply code, so a line that leaves the code as it was
/// needs no frame. `conn`: the browse connection it went over, if any.
pub fn on_wire(
    state: &mut AppState,
    dir: WireDir,
    code: Option<u16>,
    text: String,
    conn: Option<ConnId>,
    out: &mut Update,
) {
    let reply_before = state.last_reply;
    if dir == WireDir::Received && code.is_some() && conn == Some(state.conn_id) {
        state.last_reply = code;
    }
    state.push_log(LogLine { dir, code, text });
    // Scrolled back, the view stays on the lines the user is reading.
    if state.log_scroll > 0 {
        let page = state.layout.log_rows().max(1);
        state.log_scroll = (state.log_scroll + 1).min(state.log.len().saturating_sub(page));
    }
    if !state.show_log && state.last_reply == reply_before {
        out.unchanged();
    }
}

/// Scrolls the log over everything it keeps; at the bottom it follows the
/// newest line again.
pub fn scroll(state: &mut AppState, motion: Motion, out: &mut Update) {
    let page = state.layout.log_rows();
    let max = state.log.len().saturating_sub(page.max(1)) as isize;
    let back = state.log_scroll as isize - motion.rows(page);
    let back = back.clamp(0, max) as usize;
    if back == state.log_scroll {
        return out.unchanged();
    }
    state.log_scroll = back;
}
