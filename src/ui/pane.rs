//! One file pane: title, column header, the visible rows, a footer.
//! Only the rows on screen are built, whatever the folder's size.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::app::pane::{Arranging, PaneState, SortKey};
use crate::app::sync_state::{CompareMark, MarkCounts};
use crate::engine::protocol::{Entry, EntryKind};
use crate::text::{count, fit, fit_start, human_size, sanitize, short_time, size};

const SIZE_W: u16 = 7;
const TIME_W: u16 = 12;
const PERM_W: u16 = 10;

/// The name column never gets fewer than this while another column shows.
const NAME_MIN: u16 = 12;

/// Which optional columns fit in `width`. The name comes first: the
/// columns beside it go as the pane narrows (permissions, then the time,
/// then the size), never the name.
struct Columns {
    name: u16,
    size: bool,
    time: bool,
    perm: bool,
}

impl Columns {
    fn for_width(width: u16) -> Columns {
        // The name keeps NAME_MIN columns; the size and its gap come next.
        let size = width > NAME_MIN + SIZE_W;
        let time = width >= 40;
        let perm = width >= 56;
        let fixed = if size { SIZE_W + 1 } else { 0 }
            + if time { TIME_W + 1 } else { 0 }
            + if perm { PERM_W + 1 } else { 0 };
        Columns {
            name: width.saturating_sub(fixed),
            size,
            time,
            perm,
        }
    }
}

/// A pane's title in `width` columns: `where: path` whole when it fits;
/// else the path whole and `where` cut to the room left; else the end of
/// the path alone (its last folders say where the pane is).
pub fn title_in(place: &str, path: Option<&str>, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let Some(path) = path else {
        return fit(place, width).into_owned();
    };
    let whole = format!("{place}: {path}");
    if whole.width() <= width {
        return whole;
    }
    // Room for at least a few characters of `where`, its "…" and ": ".
    let room = width.saturating_sub(path.width() + 2);
    if room >= 4 {
        return format!("{}: {path}", fit(place, room));
    }
    // Cut where a folder's name starts, when one whole name fits.
    let end = fit_start(path, width);
    match end
        .strip_prefix('…')
        .and_then(|kept| kept.find('/').map(|i| &kept[i..]))
    {
        Some(from_slash) => format!("…{from_slash}"),
        None => end.into_owned(),
    }
}

pub struct PaneView<'a> {
    pub pane: &'a PaneState,
    /// Where the pane looks: "Local", the server, "Remote".
    pub place: String,
    /// The folder it shows, when there is one to name.
    pub path: Option<String>,
    pub focused: bool,
    /// A drag hovers over this pane: it would receive the drop.
    pub drop_target: bool,
    /// Shown in the list area when there is nothing to list.
    pub placeholder: Option<(String, bool)>,
    pub this_year: i32,
    pub theme: &'a Theme,
    /// Compare mode's mark of each entry (parallel to the pane's
    /// `entries`), and the counts for the footer.
    pub compare: Option<(&'a [Option<CompareMark>], MarkCounts)>,
}

impl Widget for PaneView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let pane = self.pane;
        let theme = self.theme;
        let block = Block::new()
            .borders(Borders::ALL)
            .border_style(if self.drop_target {
                theme.drop_target()
            } else {
                theme.border(self.focused)
            })
            .title(Line::from(format!(
                " {} ",
                title_in(
                    &sanitize(&self.place),
                    self.path.as_deref().map(sanitize).as_deref(),
                    area.width.saturating_sub(4) as usize
                )
            )))
            .title_bottom(footer(pane, self.compare.map(|c| c.1), theme));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 || inner.width == 0 {
            return;
        }
        let cols = Columns::for_width(inner.width);
        header(pane, &cols, theme, Rect { height: 1, ..inner }, buf);
        let list = Rect {
            y: inner.y + 1,
            height: inner.height - 1,
            ..inner
        };
        if let Some((text, is_error)) = &self.placeholder {
            let style = if *is_error {
                theme.error()
            } else {
                theme.dim()
            };
            let area = Rect {
                x: list.x + 1,
                width: list.width.saturating_sub(2),
                ..list
            };
            Paragraph::new(sanitize(text).into_owned())
                .style(style)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        // A listing that is not the whole folder says so in its last row.
        let notice = pane.notice();
        let rows = list.height.saturating_sub(u16::from(notice.is_some()));
        if let Some(text) = &notice {
            let y = list.y + rows;
            let w = list.width as usize;
            buf.set_stringn(list.x, y, fit(&sanitize(text), w), w, theme.error());
        }
        let end = (pane.offset + rows as usize).min(pane.view.len());
        for (row, view_index) in (pane.offset..end).enumerate() {
            let entry = &pane.entries[pane.view[view_index]];
            let y = list.y + row as u16;
            let cursor = view_index == pane.cursor;
            let marked = pane.marked.contains(&entry.name);
            let mark = self
                .compare
                .and_then(|(marks, _)| marks.get(pane.view[view_index]).copied().flatten());
            draw_row(
                marked,
                mark,
                &pane.shown_name(&entry.name),
                entry,
                &cols,
                theme,
                Rect {
                    y,
                    height: 1,
                    ..list
                },
                buf,
                cursor,
                self.focused,
                self.this_year,
            );
        }
    }
}

fn header(pane: &PaneState, cols: &Columns, theme: &Theme, area: Rect, buf: &mut Buffer) {
    // One meaning for every column: ↑ ascending, ↓ descending.
    let arrow = if pane.descending { "↓" } else { "↑" };
    let mark = |k: SortKey, label: &str| {
        if pane.sort == k {
            format!("{label}{arrow}")
        } else {
            label.to_string()
        }
    };
    let mut x = area.x;
    buf.set_stringn(
        x,
        area.y,
        mark(SortKey::Name, "Name"),
        cols.name as usize,
        theme.header(),
    );
    x += cols.name + 1;
    if cols.size {
        buf.set_stringn(
            x,
            area.y,
            format!("{:>w$}", mark(SortKey::Size, "Size"), w = SIZE_W as usize),
            SIZE_W as usize,
            theme.header(),
        );
        x += SIZE_W + 1;
    }
    if cols.time {
        buf.set_stringn(
            x,
            area.y,
            mark(SortKey::Time, "Modified"),
            TIME_W as usize,
            theme.header(),
        );
        x += TIME_W + 1;
    }
    if cols.perm {
        buf.set_stringn(x, area.y, "Perm", PERM_W as usize, theme.header());
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_row(
    marked: bool,
    mark: Option<CompareMark>,
    shown: &str,
    entry: &Entry,
    cols: &Columns,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
    cursor: bool,
    focused: bool,
    year: i32,
) {
    let base = match entry.kind {
        EntryKind::Dir => theme.dir(),
        EntryKind::Symlink => theme.link(),
        EntryKind::Other => theme.other(),
        EntryKind::File if entry.is_hidden() => theme.hidden(),
        EntryKind::File => theme.file(),
    };
    let base = match mark {
        Some(m) => base.patch(theme.compare(m)),
        None => base,
    };
    let base = if marked {
        base.patch(theme.marked())
    } else {
        base
    };
    let style = if cursor {
        base.patch(theme.cursor(focused))
    } else {
        base
    };
    if cursor {
        buf.set_style(area, style);
    }
    let name = match (entry.kind, &entry.link_target) {
        (EntryKind::Dir, _) => format!("/{}", sanitize(shown)),
        (EntryKind::Symlink, Some(t)) => {
            format!("@{} -> {}", sanitize(shown), sanitize(&t.display()))
        }
        (EntryKind::Symlink, None) => format!("@{}", sanitize(shown)),
        _ if marked => format!("*{}", sanitize(shown)),
        _ => format!(" {}", sanitize(shown)),
    };
    let mut x = area.x;
    buf.set_stringn(
        x,
        area.y,
        fit(&name, cols.name as usize),
        cols.name as usize,
        style,
    );
    // Compare mode's glyph sits in the gap after the name.
    if let Some(m) = mark
        && cols.name > 0
    {
        buf.set_stringn(x + cols.name, area.y, m.glyph(), 1, style);
    }
    x += cols.name + 1;
    if cols.size {
        let size = match entry.kind {
            _ if entry.name == ".." => "UP--DIR".to_string(),
            EntryKind::Dir => "<DIR>".to_string(),
            _ => human_size(entry.size),
        };
        buf.set_stringn(
            x,
            area.y,
            format!("{size:>w$}", w = SIZE_W as usize),
            SIZE_W as usize,
            style,
        );
        x += SIZE_W + 1;
    }
    if cols.time {
        buf.set_stringn(
            x,
            area.y,
            short_time(entry.modified, year),
            TIME_W as usize,
            style,
        );
        x += TIME_W + 1;
    }
    if cols.perm {
        let perm = entry.permissions.map(|p| p.text()).unwrap_or_default();
        buf.set_stringn(x, area.y, perm, PERM_W as usize, style);
    }
}

fn footer(pane: &PaneState, compare: Option<MarkCounts>, theme: &Theme) -> Line<'static> {
    let (shown, all) = pane.counts();
    let mut parts = vec![if shown == all {
        count(all, "entry", "entries")
    } else {
        format!("{shown} of {}", count(all, "entry", "entries"))
    }];
    if pane.filter_editing || !pane.filter.is_empty() {
        let caret = if pane.filter_editing { "▏" } else { "" };
        parts.push(format!("filter: {}{caret}", sanitize(&pane.filter)));
    }
    if !pane.marked.is_empty() {
        let (n, bytes) = pane.marked_summary();
        parts.push(format!("{n} marked, {}", size(bytes)));
    }
    if pane.show_hidden {
        parts.push("hidden shown".into());
    }
    if let Some(c) = compare {
        parts.push(format!(
            "compare +{} ↑{} ≠{} ={}",
            c.lone, c.newer, c.differ, c.equal
        ));
    }
    match (pane.pending.is_some(), pane.arrived, &pane.arranging) {
        (true, Some(n), _) => parts.push(format!(
            "loading… {} so far (Esc stops)",
            count(n, "entry", "entries")
        )),
        (true, None, _) => parts.push("loading…".into()),
        (
            false,
            _,
            Some(Arranging {
                staged: Some(st), ..
            }),
        ) => parts.push(format!(
            "sorting {}… (Esc stops)",
            count(st.count(), "entry", "entries")
        )),
        (false, _, Some(_)) => parts.push("sorting…".into()),
        _ => {}
    }
    let style = if pane.error.is_some() && pane.loaded {
        theme.error()
    } else {
        Style::new()
    };
    let text = match (&pane.error, pane.loaded) {
        (Some(e), true) => format!(" {} · {} ", parts.join(" · "), sanitize(e)),
        _ => format!(" {} ", parts.join(" · ")),
    };
    Line::styled(text, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_keeps_the_end_of_its_path_before_the_server() {
        let host = "alice@ftp.example.org:21";
        assert_eq!(
            title_in(host, Some("/srv/ftp"), 40),
            "alice@ftp.example.org:21: /srv/ftp"
        );
        assert_eq!(
            title_in(host, Some("/srv/ftp"), 26),
            "alice@ftp.examp…: /srv/ftp"
        );
        assert_eq!(
            title_in(host, Some("/srv/ftp/pub/linux"), 20),
            "/srv/ftp/pub/linux"
        );
        assert_eq!(
            title_in(host, Some("/srv/ftp/pub/linux"), 12),
            "…/pub/linux"
        );
        assert_eq!(
            title_in(host, Some("/srv/a-very-long-name"), 12),
            "…y-long-name"
        );
        assert_eq!(title_in("Remote", None, 4), "Rem…");
    }

    #[test]
    fn narrow_panes_drop_columns_before_the_name_shrinks() {
        let c = Columns::for_width(13);
        assert!(!c.size && !c.time && !c.perm);
        assert_eq!(c.name, 13);
        let c = Columns::for_width(28);
        assert!(c.size && !c.time);
        assert_eq!(c.name, 20);
        assert!(Columns::for_width(60).perm);
    }
}
