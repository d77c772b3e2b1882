//! The quick-connect form and the password prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::theme::Theme;
use crate::app::dialog::{
    ConnectForm, FIELD_NAMES, PASSWORD, PasswordPrompt, SECURITY, SECURITY_CHOICES,
};
use crate::text::{fit, sanitize};

/// Draws the form and returns where the text cursor belongs.
pub fn connect_form(
    form: &ConnectForm,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    let inner = super::frame::dialog_frame(area, 60, 13, " Quick connect ", theme, buf);
    let mut cursor = None;
    for (i, label) in FIELD_NAMES.iter().enumerate() {
        let y = inner.y + 1 + i as u16;
        if y >= inner.bottom() {
            break;
        }
        buf.set_stringn(inner.x + 1, y, format!("{label:>9}:"), 10, theme.dialog());
        let x = inner.x + 12;
        let width = inner.right().saturating_sub(x + 1) as usize;
        let value = if i == PASSWORD {
            "*".repeat(form.fields[i].chars().count())
        } else {
            sanitize(&form.fields[i]).into_owned()
        };
        let shown = tail(&value, width.saturating_sub(1));
        buf.set_stringn(
            x,
            y,
            format!("{:<width$}", shown),
            width,
            theme.input(form.focus == i),
        );
        if form.focus == i {
            cursor = Some(Position::new(
                x + unicode_width::UnicodeWidthStr::width(shown) as u16,
                y,
            ));
        }
    }
    let y = inner.y + 1 + SECURITY as u16;
    if y < inner.bottom() {
        buf.set_stringn(inner.x + 1, y, "Security:", 10, theme.dialog());
        let x = inner.x + 12;
        let width = inner.right().saturating_sub(x + 1) as usize;
        let word = SECURITY_CHOICES
            .iter()
            .find(|(s, _)| *s == form.security)
            .map_or("", |(_, w)| *w);
        buf.set_stringn(
            x,
            y,
            format!("{:<width$}", format!("‹ {word} ›")),
            width,
            theme.input(form.focus == SECURITY),
        );
    }
    let hint_y = inner.y + 7;
    if let Some(err) = &form.error {
        buf.set_stringn(
            inner.x + 1,
            hint_y,
            fit(&sanitize(err), inner.width.saturating_sub(2) as usize),
            inner.width.saturating_sub(2) as usize,
            theme.error().bg(theme.dialog().bg.unwrap_or_default()),
        );
    }
    let hints = [
        "Enter connect · Tab next · ←→ security · Esc cancel",
        "Empty user = anonymous",
    ];
    for (i, hint) in hints.iter().enumerate() {
        let y = hint_y + 2 + i as u16;
        if y < inner.bottom() {
            buf.set_stringn(
                inner.x + 1,
                y,
                hint,
                inner.width.saturating_sub(2) as usize,
                theme.dialog(),
            );
        }
    }
    cursor
}

pub fn password_prompt(
    p: &PasswordPrompt,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    let inner = super::frame::dialog_frame(area, 50, 6, " Password ", theme, buf);
    if inner.height < 3 {
        return None;
    }
    let who = format!(
        "{}@{}",
        p.profile.user_or_anonymous(),
        p.profile.authority()
    );
    buf.set_stringn(
        inner.x + 1,
        inner.y,
        fit(
            &sanitize(&format!("Password for {who}:")),
            inner.width.saturating_sub(2) as usize,
        ),
        inner.width.saturating_sub(2) as usize,
        theme.dialog(),
    );
    let masked = "*".repeat(p.input.chars().count());
    let width = inner.width.saturating_sub(2) as usize;
    let shown = tail(&masked, width.saturating_sub(1));
    buf.set_stringn(
        inner.x + 1,
        inner.y + 1,
        format!("{shown:<width$}"),
        width,
        theme.input(true),
    );
    buf.set_stringn(
        inner.x + 1,
        inner.y + 2,
        "Enter connect · Esc cancel",
        width,
        theme.dialog(),
    );
    Some(Position::new(
        inner.x + 1 + shown.chars().count() as u16,
        inner.y + 1,
    ))
}

/// The end of `s` that fits in `width` columns (input fields show their end).
fn tail(s: &str, width: usize) -> &str {
    let mut start = 0;
    while unicode_width::UnicodeWidthStr::width(&s[start..]) > width {
        start += s[start..].chars().next().map_or(1, char::len_utf8);
    }
    &s[start..]
}
