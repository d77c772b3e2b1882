//! The messages view: the status line's recent messages in full, wrapped,
//! newest at the bottom, errors in the error colour. A message too long
//! for the status line is read here (`M`, or a click on the status line).

use std::collections::VecDeque;

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::state::StatusMsg;
use crate::text::{sanitize, wrap};

pub struct MessagesOverlay<'a> {
    pub messages: &'a VecDeque<StatusMsg>,
    /// Lines back from the newest.
    pub scroll: usize,
    pub theme: &'a Theme,
}

/// Widest the overlay gets.
const MAX_W: u16 = 100;

fn overlay_area(area: Rect) -> Rect {
    super::frame::centered(area, MAX_W, area.height.saturating_sub(2).max(3))
}

fn inner(area: Rect) -> Rect {
    overlay_area(area).inner(Margin::new(1, 1))
}

/// Every message wrapped to `width`, oldest first, with whether it is an error.
fn lines(messages: &VecDeque<StatusMsg>, width: usize) -> Vec<(String, bool)> {
    messages
        .iter()
        .flat_map(|m| {
            wrap(&sanitize(&m.text), width)
                .into_iter()
                .map(move |l| (l, m.is_error))
        })
        .collect()
}

/// How far back the view scrolls on a screen of `area`: the oldest line
/// at the top, not past it.
pub fn max_scroll(messages: &VecDeque<StatusMsg>, area: Rect) -> usize {
    let inner = inner(area);
    lines(messages, inner.width as usize)
        .len()
        .saturating_sub(inner.height as usize)
}

impl Widget for MessagesOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let inside = inner(area);
        let all = lines(self.messages, inside.width as usize);
        let back = self.scroll.min(max_scroll(self.messages, area));
        let end = all.len() - back;
        let start = end.saturating_sub(inside.height as usize);
        let shown: Vec<Line> = all[start..end]
            .iter()
            .map(|(text, is_error)| {
                let style = if *is_error {
                    theme.error()
                } else {
                    Style::new()
                };
                Line::styled(text.clone(), style)
            })
            .collect();
        let empty = self.messages.is_empty();
        // No taller than what it holds.
        let full = overlay_area(area);
        let height = (shown.len().max(1) as u16 + 2).min(full.height);
        let area = super::frame::centered(area, full.width, height);
        Clear.render(area, buf);
        Paragraph::new(if empty {
            vec![Line::styled("No messages yet.", theme.dim())]
        } else {
            shown
        })
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(" Messages, newest last — ↑↓ PgUp PgDn scroll, any other key closes ")
                .border_style(theme.border(true)),
        )
        .render(area, buf);
    }
}
