//! The protocol log panel: commands sent and replies received, coloured
//! by reply class. Only the lines that fit are drawn. The title says where
//! the view is (following the newest line, or scrolled back) and shows a
//! search being typed or its result; matching lines are marked, the one
//! found stands out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Widget};

use crate::app::state::{AppState, Panel};
use crate::text::{fit, sanitize, thousands};

pub struct LogPanel<'a>(pub &'a AppState);

/// The panel's title.
fn title(s: &AppState, rows: usize) -> String {
    let len = s.log.len();
    let end = len.saturating_sub(s.log_scroll);
    let place = if s.log_scroll == 0 {
        String::new()
    } else {
        format!(
            " · lines {}–{} of {}",
            thousands(end.saturating_sub(rows) + 1),
            thousands(end),
            thousands(len)
        )
    };
    let search = match &s.log_search {
        Some(q) if q.editing => format!(" · /{}▏", sanitize(&q.query)),
        Some(q) => format!(" · /{} (n older, N newer)", sanitize(&q.query)),
        None => String::new(),
    };
    format!(" Protocol log{place}{search} ")
}

impl Widget for LogPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.0;
        let theme = &s.theme;
        let rows = area.height.saturating_sub(2) as usize;
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(if s.panel == Panel::Log && s.dialog.is_none() {
                theme.border(true)
            } else {
                theme.dim()
            })
            .title(Line::from(title(s, rows)));
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = inner.height as usize;
        let end = s.log.len().saturating_sub(s.log_scroll);
        let start = end.saturating_sub(rows);
        for (i, line) in s.log.range(start..end).enumerate() {
            let text = format!("{}{}", line.prefix(), sanitize(&line.text));
            let mut style = theme.wire(line.dir, line.code);
            if let Some(search) = &s.log_search
                && !search.editing
                && search.matches(line)
            {
                style = style.add_modifier(Modifier::UNDERLINED);
                if search.found == Some(start + i) {
                    style = style.add_modifier(Modifier::REVERSED);
                }
            }
            buf.set_stringn(
                inner.x,
                inner.y + i as u16,
                fit(&text, inner.width as usize),
                inner.width as usize,
                style,
            );
        }
    }
}
