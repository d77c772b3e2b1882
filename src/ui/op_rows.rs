//! A delete's lines in the queue panel: its row (what, a bar, how many
//! of how many deleted, failures, its state), then a line for each entry
//! that could not go, with the server's reply.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use super::theme::Theme;
use crate::app::file_ops::{OpRow, OpState};
use crate::text::{fit, sanitize, thousands};

/// Draws line `line` of the deletes (as `TransferList::op_at` counts).
/// `bar` draws the progress bar as the queue's file rows do (the queue
/// panel hands it over: it owns the look).
pub fn draw_line(
    bar: fn(u64, u64, usize) -> String,
    ops: &[OpRow],
    line: usize,
    area: Rect,
    buf: &mut Buffer,
    selected: bool,
    theme: &Theme,
) {
    let mut start = 0;
    for op in ops {
        if line < start + op.lines() {
            let base = if selected {
                buf.set_style(area, theme.cursor(true));
                theme.cursor(true)
            } else {
                Style::new()
            };
            let w = area.width as usize;
            let text = match line - start {
                0 => row_text(op, bar),
                i => format!("    ✗ {}", op.failures[i - 1]),
            };
            let style = match (line - start, op.state) {
                (0, OpState::Running) => base,
                (0, OpState::Done) if op.counts.failed == 0 => base.fg(Color::Green),
                (0, OpState::Cancelled) => base.fg(Color::Magenta),
                _ => base.patch(theme.error()),
            };
            buf.set_stringn(area.x, area.y, fit(&sanitize(&text), w), w, style);
            return;
        }
        start += op.lines();
    }
}

/// "✗ Delete 3 items in /pub [#####-----]  52%  620 of 1,210 deleted  2 failed  running"
pub fn row_text(op: &OpRow, bar: fn(u64, u64, usize) -> String) -> String {
    let total = op.total();
    let done = op.counts.done;
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let failed = if op.counts.failed > 0 {
        format!("  {} failed", op.counts.failed)
    } else {
        String::new()
    };
    let state = match op.state {
        OpState::Running => "running",
        OpState::Done => "done",
        OpState::Cancelled => "cancelled",
    };
    format!(
        "✗ {}  {} {percent:>3}%  {} of {} deleted{failed}  {state}",
        op.label,
        bar(done as u64, total as u64, 12),
        thousands(done),
        thousands(total),
    )
}
