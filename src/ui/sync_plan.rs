//! The plan's checklist: one row per line (tick box, what it does, which
//! way, the path, the size, why), a summary of the ticked lines by kind
//! with their bytes, and the keys. Only the rows on screen are built, so a
//! plan of 100,000 lines draws as fast as one of ten.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::theme::Theme;
use crate::app::sync_state::{
    PlanView, action_glyph, criteria_text, direction_glyph, direction_text, plan_rows, reason,
};
use crate::engine::protocol::{Action, EntryKind, PlanCounts, Tally};
use crate::text::{count, fit, fit_start, human_size, sanitize, size};

const SIZE_W: usize = 7;
const WHY_W: usize = 22;

/// "3 files, 1 folder, 12.4 MiB" (nothing when empty).
fn tally(t: &Tally) -> Option<String> {
    if t.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if t.files > 0 {
        parts.push(count(t.files as usize, "file", "files"));
    }
    if t.folders > 0 {
        parts.push(count(t.folders as usize, "folder", "folders"));
    }
    if t.bytes > 0 {
        parts.push(size(t.bytes));
    }
    Some(parts.join(", "))
}

/// The summary of what the ticked lines do, by the rows' arrows (→ to
/// the server, ← to here, × deleted on that side).
pub fn summary(c: &PlanCounts) -> String {
    let mut parts = Vec::new();
    for (t, what) in [
        (&c.to_remote, "copy →"),
        (&c.to_local, "copy ←"),
        (&c.delete_remote, "delete ×→"),
        (&c.delete_local, "delete ←×"),
    ] {
        if let Some(t) = tally(t) {
            parts.push(format!("{what}: {t}"));
        }
    }
    if parts.is_empty() {
        parts.push("nothing ticked".into());
    }
    if c.unticked > 0 {
        parts.push(format!("{} unticked", c.unticked));
    }
    if c.skipped > 0 {
        parts.push(format!("{} reported", c.skipped));
    }
    parts.join(" · ")
}

/// The last lines: what Enter will do, then the keys.
pub fn footer(v: &PlanView) -> [String; 2] {
    if v.confirm {
        return [
            format!(
                "Enter again deletes {} (after every copy succeeded)",
                count(v.counts.deletions() as usize, "entry", "entries")
            ),
            "Enter/y delete and copy · any other key: back".into(),
        ];
    }
    let deleting = v.counts.deletions();
    [
        if deleting > 0 {
            format!(
                "{} will be deleted, only after every copy succeeded",
                count(deleting as usize, "entry", "entries")
            )
        } else {
            "Nothing is deleted.".into()
        },
        "Space tick · f flip · ↑↓ PgUp PgDn Home End move · Enter apply · Esc close".into(),
    ]
}

/// One row of the checklist, as text.
pub fn row(v: &PlanView, i: usize, width: usize) -> String {
    let line = &v.plan.lines[i];
    let tick = match line.action {
        Action::Skip(_) => "   ",
        _ if line.ticked => "[x]",
        _ => "[ ]",
    };
    let size_text = match (line.kind(), line.action) {
        (_, Action::Skip(_)) => String::new(),
        (EntryKind::Dir, _) => "<DIR>".into(),
        _ => human_size(line.size()),
    };
    let dir = if line.kind() == EntryKind::Dir {
        "/"
    } else {
        ""
    };
    let head = format!(
        "{tick} {} {:<2} ",
        action_glyph(&line.action),
        direction_glyph(&line.action)
    );
    let path_w = width.saturating_sub(head.chars().count() + SIZE_W + WHY_W + 2);
    let path = format!("{}{dir}", sanitize(&line.path.display()));
    format!(
        "{head}{:<path_w$} {:>SIZE_W$} {}",
        fit_start(&path, path_w),
        size_text,
        fit(reason(&line.action), WHY_W)
    )
}

pub fn draw(v: &PlanView, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let rows = plan_rows(area.height);
    let outer = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    Clear.render(outer, buf);
    let title = format!(
        " Synchronise {} ({}) — {} ",
        direction_text(v.plan.options.direction),
        criteria_text(v.plan.options.criteria),
        count(v.plan.lines.len(), "line", "lines")
    );
    let block = Block::new()
        .borders(Borders::ALL)
        .title(title)
        .style(theme.dialog());
    let inner = block.inner(outer);
    block.render(outer, buf);
    if inner.width < 4 || inner.height < 4 {
        return;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let x = inner.x + 1;
    let put = |buf: &mut Buffer, y: u16, text: &str, style| {
        if y < inner.y + inner.height {
            buf.set_stringn(x, y, fit(text, w), w, style);
        }
    };
    let roots = &v.plan.roots;
    put(
        buf,
        inner.y,
        &sanitize(&format!(
            "{}  ⇄  {}",
            roots.local.display(),
            roots.remote.display()
        )),
        theme.header(),
    );
    let end = (v.offset + rows).min(v.plan.lines.len());
    for (n, i) in (v.offset..end).enumerate() {
        let y = inner.y + 2 + n as u16;
        let line = &v.plan.lines[i];
        let style = if i == v.cursor {
            theme.cursor(true)
        } else {
            match line.action {
                Action::Skip(_) => theme.dim(),
                Action::Delete { .. } if line.ticked => theme.error(),
                _ if !line.ticked => theme.dim(),
                _ => theme.dialog(),
            }
        };
        if i == v.cursor {
            buf.set_style(Rect::new(inner.x, y, inner.width, 1), style);
        }
        put(buf, y, &row(v, i, w), style);
    }
    let bottom = inner.y + inner.height;
    let [what, keys] = footer(v);
    put(
        buf,
        bottom.saturating_sub(3),
        &summary(&v.counts),
        theme.header(),
    );
    let what_style = if v.confirm {
        theme.error()
    } else {
        theme.dialog()
    };
    put(buf, bottom.saturating_sub(2), &what, what_style);
    put(buf, bottom.saturating_sub(1), &keys, theme.dialog());
}
