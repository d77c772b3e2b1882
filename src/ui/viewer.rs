//! The file viewer (F3), over everything but the status line and the key
//! bar: a title row (the file, where the view is, the mode), the rows the
//! state made, and a bottom row for the search being typed, a note, the
//! fetch's progress or the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::layout::AppLayout;
use super::theme::Theme;
use crate::app::keymap::{Action, Context, Keymap};
use crate::app::viewer::{FetchState, Viewer};
use crate::text::{fit, fit_start, human_size, sanitize};

/// Where the viewer goes: above the status line.
pub fn area(l: &AppLayout) -> Rect {
    let bottom = l.status.y.max(l.area.y);
    Rect::new(l.area.x, l.area.y, l.area.width, bottom - l.area.y)
}

/// The rows of text: the viewer's area less its title and bottom rows.
pub fn text_area(l: &AppLayout) -> Rect {
    let a = area(l);
    Rect::new(a.x, a.y + 1, a.width, a.height.saturating_sub(2))
}

pub fn draw(v: &Viewer, keymap: &Keymap, theme: &Theme, l: &AppLayout, buf: &mut Buffer) {
    let a = area(l);
    if a.height == 0 || a.width == 0 {
        return;
    }
    ratatui::widgets::Widget::render(ratatui::widgets::Clear, a, buf);
    let w = a.width as usize;
    // The title: the file, then where the view is and how it shows.
    let mode = match (v.hex, v.wrap) {
        (true, _) => "hex",
        (false, true) => "text, wrapped",
        (false, false) => "text",
    };
    let right = format!(" {} · {}% · {mode} ", human_size(v.len()), v.percent());
    let name_w = w.saturating_sub(right.chars().count() + 1);
    let name = sanitize(&v.name);
    let title = format!(
        " {:<name_w$}{right}",
        fit_start(&name, name_w.saturating_sub(1))
    );
    buf.set_stringn(a.x, a.y, fit(&title, w), w, theme.header());
    // The text.
    let t = text_area(l);
    for (i, row) in v.rows.iter().enumerate().take(t.height as usize) {
        let y = t.y + i as u16;
        let shown = fit(&row.text, w);
        buf.set_stringn(t.x, y, &shown, w, theme.file());
        if let Some((from, to)) = row.mark {
            // The match, in reverse video.
            let before: String = row.text.chars().take(from).collect();
            let x = unicode_width::UnicodeWidthStr::width(before.as_str());
            let len: String = row.text.chars().skip(from).take(to - from).collect();
            let mw = unicode_width::UnicodeWidthStr::width(len.as_str());
            for dx in x..(x + mw).min(w) {
                if let Some(cell) = buf.cell_mut((t.x + dx as u16, y)) {
                    cell.modifier.insert(Modifier::REVERSED);
                }
            }
        }
    }
    if v.doc.is_none() {
        let what = match v.fetch.as_ref().map(|f| &f.state) {
            Some(FetchState::Failed(why)) => format!("Could not fetch the file: {}", sanitize(why)),
            _ => "Waiting for the file's first bytes…".into(),
        };
        buf.set_stringn(
            t.x + 1,
            t.y,
            fit(&what, w.saturating_sub(1)),
            w,
            theme.dim(),
        );
    }
    // The bottom row.
    let y = a.y + a.height - 1;
    if a.height < 2 {
        return;
    }
    let bottom = match (&v.search, &v.note) {
        (Some(s), _) if s.editing => format!("/{}", s.query),
        (_, Some(note)) => note.clone(),
        _ => match v.fetch.as_ref() {
            Some(f) if f.state == FetchState::Running => format!(
                "Fetching: {}{}",
                human_size(f.done),
                f.size
                    .map(|s| format!(" of {}", human_size(s)))
                    .unwrap_or_default()
            ),
            Some(f) => match &f.state {
                FetchState::Failed(why) => format!("Fetch stopped: {}", sanitize(why)),
                _ => hints(keymap),
            },
            None => hints(keymap),
        },
    };
    let style = if v.search.as_ref().is_some_and(|s| s.editing) {
        theme.input(true)
    } else {
        theme.dim()
    };
    buf.set_stringn(a.x, y, fit(&sanitize(&bottom), w), w, style);
}

/// The viewer's main keys, from the keymap.
fn hints(keymap: &Keymap) -> String {
    let key = |a: Action| {
        keymap
            .bindings()
            .iter()
            .find(|b| b.context == Context::Viewer && b.action == a)
            .and_then(|b| b.keys.first())
            .map(|k| k.to_string())
    };
    [
        (Action::Search, "search"),
        (Action::SearchNext, "next"),
        (Action::SearchPrevious, "previous"),
        (Action::ToggleWrap, "wrap"),
        (Action::ToggleHex, "hex"),
        (Action::CloseViewer, "close"),
    ]
    .iter()
    .filter_map(|(a, what)| key(*a).map(|k| format!("{k} {what}")))
    .collect::<Vec<_>>()
    .join(" · ")
}
