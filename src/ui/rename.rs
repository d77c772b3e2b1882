//! Shift-F6's dialog: the entry's new name, through the one-line prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::line_prompt::{LinePrompt, draw as draw_prompt};
use super::theme::Theme;
use crate::app::file_ops::RenamePrompt;

pub fn draw(p: &RenamePrompt, theme: &Theme, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let lines = [format!("Rename {} to:", p.from.display())];
    let prompt = LinePrompt {
        title: " Rename ",
        lines: &lines,
        input: &p.input,
        error: p.error.as_deref(),
        hint: "A new name in the same folder (F6 moves elsewhere)",
        keys: "Enter rename · Esc cancel",
    };
    draw_prompt(&prompt, 64, theme, area, buf)
}
