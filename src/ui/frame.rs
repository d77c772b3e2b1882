//! The boxes dialogs sit in: a centred rectangle, and a cleared, framed,
//! titled one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::theme::Theme;

/// Clears a centred box of at most `w` × `h`, draws a dialog's border and
/// title there, and returns the area inside it.
pub fn dialog_frame(
    area: Rect,
    w: u16,
    h: u16,
    title: &str,
    theme: &Theme,
    buf: &mut Buffer,
) -> Rect {
    let area = centered(area, w, h);
    Clear.render(area, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(title.to_string())
        .style(theme.dialog());
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// A rectangle of at most `w` × `h` in the middle of `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
