//! The help overlay, generated from the keymap so it never lies: the keys
//! of each context under its heading, then the mouse.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::keymap::{Context, Keymap};

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
        let area = super::frame::centered(area, 70, 28);
        Clear.render(area, buf);
        let mut lines = Vec::new();
        for context in Context::ALL {
            let bindings: Vec<_> = self
                .keymap
                .bindings()
                .iter()
                .filter(|b| b.context == context)
                .collect();
            if bindings.is_empty() {
                continue;
            }
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(
                context.title(),
                theme.header().add_modifier(Modifier::UNDERLINED),
            ));
            for b in bindings {
                let keys = b
                    .keys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                lines.push(Line::from(vec![
                    Span::styled(format!("{keys:<22}"), theme.header()),
                    Span::raw(b.action.describe(context)),
                ]));
            }
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
