//! F8's question: what goes, the count growing while the walk runs.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::app::file_ops::DeletePrompt;
use crate::text::{count, fit, sanitize};

/// The question's lines, the keys last.
pub fn lines(p: &DeletePrompt) -> Vec<String> {
    let mut out = vec![
        p.question(),
        format!("in {}", p.folder.display()),
        if p.counting {
            "Counting… (you can answer already)".into()
        } else {
            "Folders go with everything in them; links as links.".into()
        },
    ];
    if p.unreadable > 0 {
        out.push(format!(
            "{} could not be read: not counted",
            count(p.unreadable, "folder", "folders")
        ));
    }
    out.push("Enter/y delete · Esc/n cancel".into());
    out
}

pub fn draw(p: &DeletePrompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lines = lines(p);
    let inner =
        super::frame::dialog_frame(area, 64, lines.len() as u16 + 3, " Delete ", theme, buf);
    let w = inner.width.saturating_sub(2) as usize;
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        // The keys stand apart, on the last row.
        let y = if i == last {
            inner.y + inner.height.saturating_sub(1)
        } else {
            inner.y + i as u16
        };
        let style = if i == 0 {
            theme.header()
        } else {
            theme.dialog()
        };
        if y < inner.y + inner.height {
            buf.set_stringn(inner.x + 1, y, fit(&sanitize(line), w), w, style);
        }
    }
}
