//! The bookmark manager (the list, with its recent connections) and the
//! bookmark form.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;

use super::theme::Theme;
use crate::app::bookmark_form::{self, BookmarkForm, LABELS};
use crate::app::bookmark_manager::{Manager, Row};
use crate::app::state::AppState;
use crate::text::{fit, sanitize};

pub fn manager(state: &AppState, m: &Manager, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let theme = &state.theme;
    let inner = super::frame::dialog_frame(area, 84, 24, " Bookmarks ", theme, buf);
    if inner.height < 6 || inner.width < 20 {
        return None;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let x = inner.x + 1;
    let mut y = inner.y;
    // The filter line.
    let filter = if m.filtering || !m.filter.is_empty() {
        format!("Filter: {}▏", sanitize(&m.filter))
    } else {
        "Type to filter · / filter".to_string()
    };
    buf.set_stringn(x, y, fit(&filter, w), w, theme.dialog());
    y += 1;
    if let Some(problem) = &state.bookmarks.problem {
        let text = if state.bookmarks.locked {
            format!("{problem} — saving is off; R starts afresh (the file is kept as a backup)")
        } else {
            problem.clone()
        };
        buf.set_stringn(x, y, fit(&sanitize(&text), w), w, theme.error());
        y += 1;
    }
    let footer_rows = 2;
    let list_bottom = inner.bottom().saturating_sub(footer_rows);
    let all = m.rows(&state.bookmarks);
    let height = list_bottom.saturating_sub(y + 1) as usize;
    let offset = m.cursor.saturating_sub(height.saturating_sub(1));
    let mut last_section = None;
    let mut row_y = y;
    if all.is_empty() {
        let msg = if state.bookmarks.list.is_empty() && state.bookmarks.recent.is_empty() {
            "No bookmarks yet: a adds one (from the current connection), F2 quick connect"
        } else {
            "Nothing matches the filter"
        };
        buf.set_stringn(x, row_y + 1, msg, w, theme.dialog());
    }
    for (i, row) in all.iter().enumerate().skip(offset) {
        let section = matches!(row, Row::Recent(_));
        if last_section != Some(section) {
            if row_y >= list_bottom {
                break;
            }
            let title = if section { "Recent" } else { "Saved" };
            buf.set_stringn(
                x,
                row_y,
                title,
                w,
                theme
                    .dialog()
                    .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            );
            row_y += 1;
            last_section = Some(section);
        }
        if row_y >= list_bottom {
            break;
        }
        let text = match *row {
            Row::Bookmark(b) => {
                let b = &state.bookmarks.list[b];
                let dir = b.remote_dir.as_deref().unwrap_or("");
                format!(
                    "{:<20} {} {}{}",
                    b.name,
                    b.url(),
                    dir,
                    if b.notes.is_empty() {
                        String::new()
                    } else {
                        format!("  — {}", b.notes)
                    }
                )
            }
            Row::Recent(r) => {
                let r = &state.bookmarks.recent[r];
                format!(
                    "{:<20} {} {}",
                    r.when.format("%Y-%m-%d %H:%M"),
                    r.url(),
                    r.remote_dir.as_deref().unwrap_or("")
                )
            }
        };
        let style = if i == m.cursor {
            theme.input(true)
        } else {
            theme.dialog()
        };
        buf.set_stringn(
            x,
            row_y,
            format!("{:<w$}", fit(&sanitize(&text), w)),
            w,
            style,
        );
        row_y += 1;
    }
    let hint = match &m.confirm_delete {
        Some(name) => format!(
            "Delete bookmark \"{}\"? y deletes, any other key keeps it",
            sanitize(name)
        ),
        None => {
            "Enter connect · a add · e edit · d delete · c duplicate · F2 quick · Esc close".into()
        }
    };
    let style = if m.confirm_delete.is_some() {
        theme.error()
    } else {
        theme.dialog()
    };
    buf.set_stringn(x, inner.bottom() - 1, fit(&hint, w), w, style);
    None
}

pub fn form(f: &BookmarkForm, theme: &Theme, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let title = if f.original.is_some() {
        " Edit bookmark "
    } else {
        " New bookmark "
    };
    let inner = super::frame::dialog_frame(
        area,
        70,
        (bookmark_form::FIELD_COUNT + 6) as u16,
        title,
        theme,
        buf,
    );
    let label_w = 15u16;
    let mut cursor = None;
    for (i, label) in LABELS.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let x = inner.x + 1;
        buf.set_stringn(
            x,
            y,
            format!("{label:>14}:"),
            label_w as usize,
            theme.dialog(),
        );
        let vx = x + label_w + 1;
        let width = inner.right().saturating_sub(vx + 1) as usize;
        let mut value = sanitize(&f.shown(i)).into_owned();
        if bookmark_form::is_choice(i) {
            value = format!("‹ {value} ›");
        }
        let focused = f.focus == i;
        let style = if f.error.as_ref().is_some_and(|(e, _)| *e == i) {
            theme.error()
        } else {
            theme.input(focused)
        };
        let shown = fit(&value, width.saturating_sub(1));
        buf.set_stringn(vx, y, format!("{shown:<width$}"), width, style);
        if focused && !bookmark_form::is_choice(i) {
            cursor = Some(Position::new(
                vx + unicode_width::UnicodeWidthStr::width(shown.as_ref()) as u16,
                y,
            ));
        }
    }
    let y = inner.y + bookmark_form::FIELD_COUNT as u16 + 1;
    let w = inner.width.saturating_sub(2) as usize;
    if let Some((_, why)) = &f.error {
        buf.set_stringn(inner.x + 1, y, fit(&sanitize(why), w), w, theme.error());
    }
    if y + 2 < inner.bottom() + 1 {
        buf.set_stringn(
            inner.x + 1,
            y + 2,
            fit("Enter save · Tab/↑↓ field · Space/←→ choose · Esc back", w),
            w,
            theme.dialog(),
        );
    }
    cursor
}
