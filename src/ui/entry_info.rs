//! `i`: one entry in full — its exact size in bytes, its time as precise
//! as the server gave it (and that precision), its mode as letters and
//! octal, a link's target, its owner and group (asked for when the box
//! opens: "asking the server…" until they come) — in a box.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::app::dialog::{EntryInfo, OwnerInfo};
use crate::engine::protocol::{EntryKind, Precision, Side};
use crate::text::{fit, full_time, grouped, sanitize, size};

/// The box's lines: a label and a value each.
pub fn lines(info: &EntryInfo) -> Vec<(&'static str, String)> {
    let e = &info.entry;
    let kind = match e.kind {
        EntryKind::File => "file",
        EntryKind::Dir => "folder",
        EntryKind::Symlink => "symbolic link",
        EntryKind::Other => "device, socket or pipe",
    };
    let mut out = vec![
        ("Name", e.name.display().into_owned()),
        ("In", info.folder.display().into_owned()),
        ("Kind", kind.to_string()),
    ];
    if let Some(target) = &e.link_target {
        out.push(("Target", target.display().into_owned()));
    }
    if e.kind != EntryKind::Dir {
        let exact = format!("{} bytes", grouped(e.size));
        out.push((
            "Size",
            if e.size < 1024 {
                exact
            } else {
                format!("{exact} ({})", size(e.size))
            },
        ));
    }
    out.push((
        "Modified",
        match &e.modified {
            Some(t) => {
                let precision = match t.precision() {
                    Precision::Second => "to the second",
                    Precision::Minute => "to the minute",
                    Precision::Day => "to the day",
                };
                format!("{}, {precision}", full_time(t))
            }
            None => "not given by the listing".into(),
        },
    ));
    out.push((
        "Mode",
        match &e.permissions {
            Some(p) => format!("{} ({:04o})", p.text(), p.mode() & 0o7777),
            None => "not given by the listing".into(),
        },
    ));
    let remote = info.folder.side() == Side::Remote;
    let not_told = || {
        if remote {
            "not told by the server"
        } else {
            "not known"
        }
        .to_string()
    };
    match &info.owner {
        OwnerInfo::Asking => out.push((
            "Owner",
            if remote {
                "asking the server…"
            } else {
                "reading…"
            }
            .into(),
        )),
        OwnerInfo::Told { owner, group } => {
            out.push(("Owner", owner.clone().unwrap_or_else(not_told)));
            out.push(("Group", group.clone().unwrap_or_else(not_told)));
        }
        OwnerInfo::NotTold => out.push(("Owner", not_told())),
    }
    out
}

pub fn draw(info: &EntryInfo, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let rows = lines(info);
    let inner = super::frame::dialog_frame(area, 76, rows.len() as u16 + 4, " Entry ", theme, buf);
    let w = inner.width.saturating_sub(2) as usize;
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            return;
        }
        let text = format!("{label:>9}: {}", sanitize(value));
        buf.set_stringn(inner.x + 1, y, fit(&text, w), w, theme.dialog());
    }
    let last = inner.bottom().saturating_sub(1);
    if last > inner.y + rows.len() as u16 {
        buf.set_stringn(inner.x + 1, last, "Esc close", w, theme.dialog());
    }
}
