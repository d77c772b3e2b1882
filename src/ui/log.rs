//! The protocol log panel: commands sent and replies received, coloured
//! by reply class. Only the lines that fit are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Widget};

use crate::app::state::{AppState, Panel};
use crate::engine::protocol::WireDir;
use crate::text::{fit, sanitize};

pub struct LogPanel<'a>(pub &'a AppState);

impl Widget for LogPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.0;
        let theme = &s.theme;
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(if s.panel == Panel::Log && s.dialog.is_none() {
                theme.border(true)
            } else {
                theme.dim()
            })
            .title(Line::from(" Protocol log "));
        let inner = block.inner(area);
        block.render(area, buf);
        let rows = inner.height as usize;
        let end = s.log.len().saturating_sub(s.log_scroll);
        let start = end.saturating_sub(rows);
        for (i, line) in s.log.range(start..end).enumerate() {
            let prefix = match line.dir {
                WireDir::Sent => "> ",
                WireDir::Received => "< ",
                WireDir::Info => "* ",
            };
            let text = format!("{prefix}{}", sanitize(&line.text));
            buf.set_stringn(
                inner.x,
                inner.y + i as u16,
                fit(&text, inner.width as usize),
                inner.width as usize,
                theme.wire(line.dir, line.code),
            );
        }
    }
}
