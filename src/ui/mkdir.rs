//! F7's dialog: the new folder's name, through the one-line prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::line_prompt::{LinePrompt, draw as draw_prompt};
use super::theme::Theme;
use crate::app::file_ops::MkdirPrompt;

pub fn draw(
    p: &MkdirPrompt,
    folder: &str,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    let lines = [format!("New folder in {folder}:")];
    let prompt = LinePrompt {
        title: " Make folder ",
        lines: &lines,
        input: &p.input,
        error: p.error.as_deref(),
        hint: "a/b/c makes the folders above it too",
        keys: "Enter make · Esc cancel",
    };
    draw_prompt(&prompt, 64, theme, area, buf)
}
