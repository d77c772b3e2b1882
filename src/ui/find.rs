//! Find's results (Alt-?): a panel over the panes with how far the walk
//! is, one row per match (its path below the folder searched, its size),
//! marks, the cursor, and the keys.

use ratatui::buffer::Buffer;
use ratatui::widgets::{Block, Borders, Clear, Widget};

use super::layout::AppLayout;
use super::theme::Theme;
use crate::app::dialog::FindPanel;
use crate::engine::protocol::{EntryKind, Location};
use crate::text::{self, fit, fit_start, human_size, sanitize};

/// The path of a match as shown: below the folder searched.
fn shown_path(root: &Location, path: &Location) -> String {
    let root = root.display();
    let full = path.display();
    match full.strip_prefix(root.as_ref()) {
        Some(rest) => rest.trim_start_matches('/').to_string(),
        None => full.into_owned(),
    }
}

pub fn draw(p: &FindPanel, layout: &AppLayout, theme: &Theme, buf: &mut Buffer) {
    let area = layout.find_panel();
    Clear.render(area, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(" Find ")
        .style(theme.dialog());
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 3 || inner.width < 10 {
        return;
    }
    let w = inner.width.saturating_sub(2) as usize;
    let x = inner.x + 1;
    buf.set_stringn(
        x,
        inner.y,
        fit(&sanitize(&summary(p)), w),
        w,
        theme.header(),
    );
    let rows = layout.find_rows();
    let size_w = 8;
    let name_w = w.saturating_sub(size_w + 2);
    for (row, (i, (path, entry))) in p
        .hits
        .iter()
        .enumerate()
        .skip(p.scroll)
        .take(rows)
        .enumerate()
    {
        let y = inner.y + 1 + row as u16;
        let mark = if p.marked.contains(&i) { '*' } else { ' ' };
        let slash = if entry.kind == EntryKind::Dir {
            "/"
        } else {
            ""
        };
        let name = format!("{mark}{}{slash}", sanitize(&shown_path(&p.root, path)));
        let size = match entry.kind {
            EntryKind::Dir => "<DIR>".to_string(),
            _ => human_size(entry.size),
        };
        let line = format!("{:<name_w$} {size:>size_w$}", fit_start(&name, name_w),);
        let style = if i == p.cursor {
            theme.cursor(true)
        } else if p.marked.contains(&i) {
            theme.marked()
        } else {
            theme.dialog()
        };
        buf.set_stringn(x, y, fit(&line, w), w, style);
    }
    if p.hits.is_empty() && !p.running {
        buf.set_stringn(x, inner.y + 1, "Nothing matches.", w, theme.dim());
    }
    let keys = if p.running {
        "Enter go there · Space mark · F5 copy to the other pane · Esc stop"
    } else {
        "Enter go there · Space mark · F5 copy to the other pane · Esc close"
    };
    let last = inner.y + inner.height - 1;
    buf.set_stringn(x, last, fit(keys, w), w, theme.dim());
}

/// The panel's top line: what is looked for, and how far the walk is.
pub fn summary(p: &FindPanel) -> String {
    let state = if p.running {
        "searching…"
    } else if p.stopped {
        "stopped"
    } else {
        "done"
    };
    let failed = if p.failed > 0 {
        format!(
            ", {} unreadable",
            text::count(p.failed, "folder", "folders")
        )
    } else {
        String::new()
    };
    format!(
        "{} for \"{}\" under {} · {} in {}{failed} · {state}",
        text::count(p.hits.len(), "match", "matches"),
        p.pattern,
        p.root,
        text::count(p.counts.seen, "entry", "entries"),
        text::count(p.counts.folders, "folder", "folders"),
    )
}
