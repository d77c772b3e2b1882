//! The transfer queue panel: a total line, then one row per file with its
//! progress. Only the rows that fit are built.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Widget};

use super::theme::Theme;
use crate::app::state::{AppState, Panel};
use crate::app::transfers::{TransferRow, eta_secs};
use crate::engine::protocol::{Direction, TransferState};
use crate::text::{fit, human_size, per_second, sanitize, size};

pub struct QueuePanel<'a>(pub &'a AppState);

/// `m:ss` or `h:mm:ss`.
pub fn clock(secs: u64) -> String {
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// `[#####-----]` of `width` columns for `done` of `total`.
pub fn bar(done: u64, total: u64, width: usize) -> String {
    let inner = width.saturating_sub(2);
    let filled = if total == 0 {
        inner
    } else {
        ((done.min(total) as u128 * inner as u128) / total as u128) as usize
    };
    format!("[{}{}]", "#".repeat(filled), "-".repeat(inner - filled))
}

fn percent(done: u64, total: u64) -> u64 {
    if total == 0 {
        100
    } else {
        (done.min(total) as u128 * 100 / total as u128) as u64
    }
}

fn state_text(s: &TransferState, theme: &Theme) -> (String, Style) {
    match s {
        TransferState::Queued => ("queued".into(), theme.dim()),
        TransferState::Running => ("running".into(), Style::new().fg(Color::Cyan)),
        TransferState::Retrying {
            attempt,
            of,
            reason,
        } => (
            format!("retry {attempt}/{of}: {reason}"),
            Style::new().fg(Color::Yellow),
        ),
        TransferState::Done => ("done".into(), Style::new().fg(Color::Green)),
        TransferState::Verified(algo) => {
            (format!("verified ({algo})"), Style::new().fg(Color::Green))
        }
        TransferState::DoneWithNote(note) => {
            (format!("done: {note}"), Style::new().fg(Color::Yellow))
        }
        TransferState::Failed(why) => (format!("failed: {why}"), theme.error()),
        TransferState::Cancelled => ("cancelled".into(), Style::new().fg(Color::Magenta)),
        TransferState::Skipped(why) => (format!("skipped: {why}"), theme.dim()),
    }
}

impl Widget for QueuePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.0;
        let theme = &s.theme;
        let focused = s.panel == Panel::Queue && s.dialog.is_none();
        let t = s.transfers.totals();
        let running = s
            .transfers
            .rows
            .iter()
            .filter(|r| {
                matches!(
                    r.state,
                    TransferState::Running | TransferState::Retrying { .. }
                )
            })
            .count();
        let deletes = s.transfers.ops.iter().filter(|o| o.is_active()).count();
        let deletes = if deletes > 0 {
            format!(
                "· {} running ",
                crate::text::count(deletes, "delete", "deletes")
            )
        } else {
            String::new()
        };
        let title = format!(
            " Transfers: {running} running, {} of {} finished {deletes}",
            t.finished, t.files
        );
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(theme.border(focused))
            .title(Line::from(title));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 || inner.width < 20 {
            return;
        }
        let w = inner.width as usize;
        // The total line.
        let eta = t.eta_secs().map(clock).unwrap_or_default();
        let rate = if t.rate > 0 {
            per_second(t.rate)
        } else {
            String::new()
        };
        let failed = if t.failed > 0 {
            format!("  {} failed", t.failed)
        } else {
            String::new()
        };
        let total = format!(
            "Total {} of {} {} {:>3}%  {rate}  {eta}{failed}",
            size(t.done),
            size(t.bytes),
            bar(t.done, t.bytes, 22),
            percent(t.done, t.bytes),
        );
        buf.set_stringn(inner.x, inner.y, fit(&total, w), w, theme.header());
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        let rows = &s.transfers.rows;
        let op_lines = s.transfers.op_lines();
        let lines = s.transfers.lines();
        // Unless the user is in the queue, follow the work: start at the
        // first row still running or waiting (finished ones scroll away).
        let offset = if focused {
            s.transfers.offset
        } else {
            let first_active = match s.transfers.ops.iter().position(|o| o.is_active()) {
                Some(i) => s.transfers.ops[..i].iter().map(|o| o.lines()).sum(),
                None => {
                    op_lines
                        + rows
                            .iter()
                            .position(TransferRow::is_active)
                            .unwrap_or(rows.len())
                }
            };
            first_active.min(lines.saturating_sub(list.height as usize))
        };
        let end = (offset + list.height as usize).min(lines);
        for (i, index) in (offset..end).enumerate() {
            let y = list.y + i as u16;
            let selected = focused && index == s.transfers.cursor;
            let area = Rect {
                y,
                height: 1,
                ..list
            };
            if index < op_lines {
                super::op_rows::draw_line(bar, &s.transfers.ops, index, area, buf, selected, theme);
            } else {
                draw_row(&rows[index - op_lines], area, buf, selected, theme);
            }
        }
    }
}

fn draw_row(r: &TransferRow, area: Rect, buf: &mut Buffer, selected: bool, theme: &Theme) {
    let w = area.width as usize;
    let arrow = match r.direction {
        Direction::Download => '↓',
        Direction::Upload => '↑',
    };
    let (state, state_style) = state_text(&r.state, theme);
    let size = r.size.map(human_size).unwrap_or_else(|| "?".into());
    let total = r.size.unwrap_or(0);
    let progress = || format!("{} {:>3}%", bar(r.done, total, 12), percent(r.done, total));
    // After the size: progress while it runs, otherwise the state (whose
    // reason gets all the room there is).
    let tail = match &r.state {
        TransferState::Running => {
            let eta = r
                .size
                .and_then(|total| eta_secs(total.saturating_sub(r.done), r.rate))
                .map(clock)
                .unwrap_or_default();
            let rate = if r.rate > 0 {
                per_second(r.rate)
            } else {
                String::new()
            };
            format!("{} {rate:>8} {eta:>6}  {state}", progress())
        }
        TransferState::Retrying { .. } => format!("{}  {state}", progress()),
        _ => state,
    };
    let name_w = w
        .saturating_sub(2 + 8 + 50)
        .max(12)
        .min(w.saturating_sub(10));
    let base = if selected {
        theme.cursor(true)
    } else {
        Style::new()
    };
    if selected {
        buf.set_style(area, base);
    }
    let mut x = area.x;
    let name = format!("{arrow} {}", fit(&sanitize(&r.name), name_w));
    buf.set_stringn(x, area.y, &name, 2 + name_w, base);
    x += (2 + name_w) as u16;
    buf.set_stringn(x, area.y, format!("{size:>7} "), 8, base);
    x += 8;
    let room = area.right().saturating_sub(x) as usize;
    let style = match r.state {
        TransferState::Running | TransferState::Retrying { .. } => base,
        _ => base.patch(state_style),
    };
    buf.set_stringn(x, area.y, fit(&sanitize(&tail), room), room, style);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_clocks() {
        assert_eq!(bar(50, 100, 12), "[#####-----]");
        assert_eq!(bar(0, 0, 6), "[####]");
        assert_eq!(bar(200, 100, 4), "[##]");
        assert_eq!(clock(75), "1:15");
        assert_eq!(clock(3725), "1:02:05");
    }

    #[test]
    fn a_retry_counts_against_the_configured_limit() {
        use crate::engine::protocol::{Failure, FailureKind};
        let state = TransferState::Retrying {
            attempt: 1,
            of: 2,
            reason: Failure::new(FailureKind::Connection, "cannot connect"),
        };
        let (text, _) = state_text(&state, &Theme::DEFAULT);
        assert!(text.starts_with("retry 1/2: "), "{text}");
    }
}
