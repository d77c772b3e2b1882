//! The help overlay, generated from the keymap so it never lies.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::keymap::Keymap;

pub struct HelpOverlay<'a> {
    pub keymap: &'a Keymap,
    pub scroll: usize,
    pub theme: &'a Theme,
}

const MOUSE: [(&str, &str); 3] = [
    ("Click", "Select an entry (and its pane)"),
    ("Double click", "Open a folder"),
    ("Wheel", "Scroll"),
];

impl Widget for HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let area = super::centered(area, 70, 28);
        Clear.render(area, buf);
        let mut lines = Vec::new();
        for (action, keys) in self.keymap.bindings() {
            let keys = keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(Line::from(vec![
                Span::styled(format!("{keys:<22}"), theme.header()),
                Span::raw(action.describe()),
            ]));
        }
        lines.push(Line::raw(""));
        for (what, does) in MOUSE {
            lines.push(Line::from(vec![
                Span::styled(format!("{what:<22}"), theme.header()),
                Span::raw(does),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "In a filter: type to narrow, Enter keeps it, Esc clears it.",
            theme.dim(),
        ));
        let scroll = self.scroll.min(lines.len().saturating_sub(1));
        Paragraph::new(lines)
            .scroll((scroll as u16, 0))
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .title(" Help — any key closes, ↑↓ scroll ")
                    .border_style(theme.border(true)),
            )
            .render(area, buf);
    }
}
