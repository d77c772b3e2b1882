//! A dialog that asks for one line of text: a few lines that say what is
//! asked, the input with its cursor, an error or a hint, and the keys. The
//! copy dialog, "go to" and the other one-line prompts draw through it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::theme::Theme;
use crate::app::line_input::LineInput;
use crate::text::{fit, sanitize};

/// What a one-line prompt shows.
pub struct LinePrompt<'a> {
    pub title: &'a str,
    /// Above the input.
    pub lines: &'a [String],
    pub input: &'a LineInput,
    /// Shown in the error colour below the input, in place of `hint`.
    pub error: Option<&'a str>,
    pub hint: &'a str,
    /// The keys, on the last row.
    pub keys: &'a str,
}

/// Draws the prompt `width` columns wide (at most the screen) and returns
/// where the text cursor belongs.
pub fn draw(
    p: &LinePrompt,
    width: u16,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    // Lines, the input, the error or hint, a blank, the keys; the frame.
    let height = p.lines.len() as u16 + 4 + 2;
    let inner = super::frame::dialog_frame(area, width, height, p.title, theme, buf);
    if inner.height < 2 || inner.width < 4 {
        return None;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let x = inner.x + 1;
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    for line in p.lines {
        if y >= bottom {
            return None;
        }
        buf.set_stringn(x, y, fit(&sanitize(line), w), w, theme.dialog());
        y += 1;
    }
    if y >= bottom {
        return None;
    }
    let (shown, at) = p.input.visible(w);
    let shown = sanitize(&shown);
    buf.set_stringn(x, y, format!("{shown:<w$}"), w, theme.input(true));
    let cursor = Position::new(x + at as u16, y);
    y += 1;
    if y < bottom {
        match p.error {
            Some(e) => buf.set_stringn(x, y, fit(e, w), w, theme.error()),
            None => buf.set_stringn(x, y, fit(p.hint, w), w, theme.dialog()),
        };
    }
    let last = bottom.saturating_sub(1);
    if last > y {
        buf.set_stringn(x, last, fit(p.keys, w), w, theme.dialog());
    }
    Some(cursor)
}
