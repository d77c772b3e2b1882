//! The chmod dialog: the octal field, the rwx boxes for owner, group and
//! others, and (for folders) what below them changes too.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::theme::Theme;
use crate::app::file_ops::{CHMOD_FILES_BELOW, CHMOD_FOLDERS_BELOW, CHMOD_OCTAL, ChmodPrompt};
use crate::text::{fit, sanitize};

/// Draws the dialog and returns where the text cursor belongs (in the
/// octal field when it has the keyboard).
pub fn draw(p: &ChmodPrompt, theme: &Theme, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let below_rows = if p.has_folder { 2 } else { 0 };
    let height = 9 + below_rows + 2;
    let inner = super::frame::dialog_frame(area, 60, height, " Permissions ", theme, buf);
    if inner.height < 3 || inner.width < 30 {
        return None;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let x = inner.x + 1;
    let bottom = inner.y + inner.height;
    let mut put = |y: u16, x: u16, text: &str, width: usize, style| {
        if y < bottom {
            buf.set_stringn(x, y, text, width, style);
        }
    };
    let mut y = inner.y;
    put(
        y,
        x,
        &fit(&sanitize(&format!("Permissions of {}", p.what)), w),
        w,
        theme.dialog(),
    );
    y += 1;
    put(y, x, "Octal:", 7, theme.dialog());
    let (shown, at) = p.octal.visible(5);
    put(
        y,
        x + 7,
        &format!("{shown:<6}"),
        6,
        theme.input(p.focus == CHMOD_OCTAL),
    );
    let cursor =
        (p.focus == CHMOD_OCTAL && y < bottom).then(|| Position::new(x + 7 + at as u16, y));
    y += 2;
    put(y, x, "          read  write  exec", w, theme.dialog());
    for (row, who) in ["Owner", "Group", "Others"].iter().enumerate() {
        y += 1;
        put(y, x, who, 9, theme.dialog());
        for col in 0..3 {
            let i = 1 + row * 3 + col;
            let on = p.mode & ChmodPrompt::bit(i) != 0;
            let mark = if on { "[x]" } else { "[ ]" };
            put(
                y,
                x + 11 + col as u16 * 6,
                mark,
                3,
                theme.input(p.focus == i),
            );
        }
    }
    if p.has_folder {
        for (i, label) in [
            (CHMOD_FOLDERS_BELOW, "apply to folders below"),
            (CHMOD_FILES_BELOW, "apply to files below"),
        ] {
            y += 1;
            let on = match i {
                CHMOD_FOLDERS_BELOW => p.below.folders,
                _ => p.below.files,
            };
            put(
                y,
                x,
                if on { "[x]" } else { "[ ]" },
                3,
                theme.input(p.focus == i),
            );
            put(y, x + 4, label, w.saturating_sub(4), theme.dialog());
        }
    }
    y += 1;
    if let Some(e) = &p.error {
        put(y, x, &fit(e, w), w, theme.error());
    }
    put(
        bottom.saturating_sub(1),
        x,
        &fit(
            "Tab/arrows move · Space ticks · Enter apply · Esc cancel",
            w,
        ),
        w,
        theme.dialog(),
    );
    cursor
}
