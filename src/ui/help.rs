//! The help overlay, generated from the keymap so it never lies: the keys
//! of each context under its heading, then the mouse (drag and drop, the
//! key bar) and the filter. Descriptions wrap under their column instead
//! of being cut, and the scroll stops at the last line: `max_scroll` is
//! what the help's keys (`dialog_actions.rs`) clamp to.

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::app::keymap::{Context, Keymap};
use crate::text::wrap;

pub struct HelpOverlay<'a> {
    pub keymap: &'a Keymap,
    pub scroll: usize,
    pub theme: &'a Theme,
}

/// Widest the overlay gets: room for every description on one line.
const MAX_W: u16 = 100;
/// Columns of the key column.
const KEYS_W: usize = 22;

const MOUSE: [(&str, &str); 5] = [
    (
        "Click",
        "Select an entry (and its pane), the queue or the log",
    ),
    ("Double click", "Open a folder"),
    (
        "Wheel",
        "Scroll the pane, the queue or the log under the pointer",
    ),
    (
        "Drag and drop",
        "Drag entries (or the marked ones) onto the other pane to copy them \
         there, onto a folder entry to copy into it; Esc or a release \
         elsewhere cancels",
    ),
    (
        "Key bar",
        "Click a key at the bottom (1Help, 5Copy …) to press it",
    ),
];

const NOTES: [&str; 2] = [
    "In a filter: type to narrow, Enter keeps it, Esc clears it.",
    "In this help: ↑↓ PgUp PgDn Home End scroll; any other key closes it.",
];

/// Where the overlay goes on a screen of `area`.
pub fn overlay_area(area: Rect) -> Rect {
    super::frame::centered(area, MAX_W, area.height.saturating_sub(2).max(3))
}

/// One line of the help before styling.
enum Row {
    Blank,
    Heading(&'static str),
    /// Keys (empty on a continuation) and text.
    Item(String, String),
    Note(String),
}

/// Every line of the help for an overlay whose inside is `width` columns.
fn rows(keymap: &Keymap, width: usize) -> Vec<Row> {
    let mut out = Vec::new();
    let item = |out: &mut Vec<Row>, keys: String, does: &str| {
        let room = width.saturating_sub(KEYS_W).max(10);
        for (i, part) in wrap(does, room).into_iter().enumerate() {
            let keys = if i == 0 { keys.clone() } else { String::new() };
            out.push(Row::Item(keys, part));
        }
    };
    for context in Context::ALL {
        let bindings: Vec<_> = keymap
            .bindings()
            .iter()
            .filter(|b| b.context == context && !b.keys.is_empty())
            .collect();
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Row::Blank);
        }
        out.push(Row::Heading(context.title()));
        for b in bindings {
            let keys = b
                .keys
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            item(&mut out, keys, b.action.describe(context));
        }
    }
    out.push(Row::Blank);
    out.push(Row::Heading("With the mouse"));
    for (what, does) in MOUSE {
        item(&mut out, what.to_string(), does);
    }
    out.push(Row::Blank);
    for note in NOTES {
        out.extend(wrap(note, width).into_iter().map(Row::Note));
    }
    out
}

/// The inside of the overlay (its border off).
fn inner(area: Rect) -> Rect {
    overlay_area(area).inner(Margin::new(1, 1))
}

/// How far the help scrolls on a screen of `area`: its last line at the
/// bottom, not past it.
pub fn max_scroll(keymap: &Keymap, area: Rect) -> usize {
    let inner = inner(area);
    rows(keymap, inner.width as usize)
        .len()
        .saturating_sub(inner.height as usize)
}

impl Widget for HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let inside = inner(area);
        let all = rows(self.keymap, inside.width as usize);
        let scroll = self.scroll.min(max_scroll(self.keymap, area));
        let shown = (inside.height as usize).min(all.len().saturating_sub(scroll));
        let lines: Vec<Line> = all
            .into_iter()
            .skip(scroll)
            .take(shown)
            .map(|row| match row {
                Row::Blank => Line::raw(""),
                Row::Heading(h) => {
                    Line::styled(h, theme.header().add_modifier(Modifier::UNDERLINED))
                }
                Row::Item(keys, does) => Line::from(vec![
                    Span::styled(format!("{keys:<KEYS_W$}"), theme.header()),
                    Span::raw(does),
                ]),
                Row::Note(n) => Line::styled(n, theme.dim()),
            })
            .collect();
        let total = max_scroll(self.keymap, area) + inside.height as usize;
        let place = if total > inside.height as usize {
            format!(" {}–{} of {} ", scroll + 1, scroll + shown, total)
        } else {
            String::new()
        };
        let area = overlay_area(area);
        Clear.render(area, buf);
        Paragraph::new(lines)
            .block(
                Block::new()
                    .borders(Borders::ALL)
                    .title(" Help — ↑↓ PgUp PgDn scroll, any other key closes ")
                    .title_bottom(Line::styled(place, Style::new()).right_aligned())
                    .border_style(theme.border(true)),
            )
            .render(area, buf);
    }
}
