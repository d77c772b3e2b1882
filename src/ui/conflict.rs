//! The existing-target dialog: both sides side by side, the five choices,
//! and "apply to all in this batch".

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::theme::Theme;
use crate::app::dialog::{CONFLICT_CHOICES, ConflictPrompt, PatternPrompt};
use crate::engine::protocol::{Direction, FileFacts};
use crate::text::{fit, full_time, grouped, sanitize, size};

fn facts(f: &FileFacts) -> String {
    let size = f.size.map_or_else(
        || "size unknown".to_string(),
        // Below a KiB the exact count is the size; above, both.
        |s| match s {
            0..1024 => size(s),
            _ => format!("{} ({} bytes)", size(s), grouped(s)),
        },
    );
    // At the precision the side gave: a listing's minute is not shown
    // as if its seconds were known.
    let time = f
        .modified
        .map_or_else(|| "time unknown".to_string(), |t| full_time(&t));
    format!("{size}, {time}")
}

pub fn conflict(c: &ConflictPrompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let inner = super::frame::dialog_frame(area, 72, 11, " The target exists ", theme, buf);
    if inner.height < 7 {
        return;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let (src, dst) = match c.direction {
        Direction::Download => ("remote", "local"),
        Direction::Upload => ("local", "remote"),
    };
    let x = inner.x + 1;
    buf.set_stringn(
        x,
        inner.y,
        fit(&sanitize(&c.name), w),
        w,
        theme.dialog().add_modifier(Modifier::BOLD),
    );
    buf.set_stringn(
        x,
        inner.y + 2,
        format!("Source ({src}): {}", facts(&c.source)),
        w,
        theme.dialog(),
    );
    buf.set_stringn(
        x,
        inner.y + 3,
        format!("Target ({dst}): {}", facts(&c.target)),
        w,
        theme.dialog(),
    );
    let mut bx = x;
    for (i, (_, label, key)) in CONFLICT_CHOICES.iter().enumerate() {
        let text = format!(" {label} ({key}) ");
        let style = if i == c.choice {
            theme.input(true)
        } else {
            theme.dialog()
        };
        buf.set_stringn(bx, inner.y + 5, &text, text.chars().count(), style);
        bx += text.chars().count() as u16 + 1;
    }
    let check = if c.for_all { "[x]" } else { "[ ]" };
    buf.set_stringn(
        x,
        inner.y + 7,
        format!("{check} apply to all in this batch (a)"),
        w,
        theme.dialog(),
    );
    if inner.height > 8 {
        buf.set_stringn(
            x,
            inner.y + 8,
            "←→ choose · Enter confirm · Esc skip",
            w,
            theme.dialog(),
        );
    }
}

pub fn pattern(
    p: &PatternPrompt,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<ratatui::layout::Position> {
    let title = if p.mark {
        " Mark files matching "
    } else {
        " Unmark files matching "
    };
    let inner = super::frame::dialog_frame(area, 50, 6, title, theme, buf);
    if inner.height < 3 {
        return None;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let shown = sanitize(&p.input);
    buf.set_stringn(
        inner.x + 1,
        inner.y,
        format!("{shown:<w$}"),
        w,
        theme.input(true),
    );
    match &p.error {
        Some(e) => buf.set_stringn(inner.x + 1, inner.y + 1, fit(e, w), w, theme.error()),
        None => buf.set_stringn(
            inner.x + 1,
            inner.y + 1,
            "* any text, ? one letter, [ab] a or b",
            w,
            theme.dialog(),
        ),
    };
    buf.set_stringn(
        inner.x + 1,
        inner.y + 2,
        "Enter apply · Esc cancel",
        w,
        theme.dialog(),
    );
    Some(ratatui::layout::Position::new(
        inner.x + 1 + unicode_width::UnicodeWidthStr::width(shown.as_ref()).min(w) as u16,
        inner.y,
    ))
}
