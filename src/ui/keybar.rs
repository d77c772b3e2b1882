//! The function-key bar at the bottom, as in Midnight Commander.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::keymap::{Action, Keymap};

const SHOWN: [(Action, &str); 7] = [
    (Action::Help, "Help"),
    (Action::Connect, "Connect"),
    (Action::Copy, "Copy"),
    (Action::Move, "Move"),
    (Action::ToggleLog, "Log"),
    (Action::Filter, "Filter"),
    (Action::Quit, "Quit"),
];

pub struct KeyBar<'a> {
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

impl Widget for KeyBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let mut spans = Vec::new();
        for (action, label) in SHOWN {
            if let Some(key) = self.keymap.key_for(action) {
                let key = key.to_string();
                let key = key.strip_prefix('F').unwrap_or(&key).to_string();
                spans.push(Span::styled(key, theme.keybar_key()));
                spans.push(Span::styled(format!("{label:<8}"), theme.keybar_label()));
                spans.push(Span::raw(" "));
            }
        }
        Line::from(spans).render(area, buf);
    }
}
