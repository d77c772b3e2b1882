//! Synchronise's dialog (direction, deleting what is only on the target,
//! criteria) and the planning's progress line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::app::sync_state::{SyncPlanning, SyncSetup, criteria_text, direction_text};
use crate::text::{count, fit, sanitize};

/// The roots, one line each.
fn roots_lines(roots: &crate::engine::protocol::SyncRoots) -> [String; 2] {
    [
        format!("Local:  {}", roots.local.display()),
        format!("Server: {}", roots.remote.display()),
    ]
}

/// The dialog's lines: the roots, the three choices (the focused one
/// marked `>`), the keys last.
pub fn setup_lines(p: &SyncSetup) -> Vec<String> {
    let [local, remote] = roots_lines(&p.roots);
    let o = &p.options;
    let choices = [
        format!("Direction:  ‹ {} ›", direction_text(o.direction)),
        format!(
            "[{}] Delete files that are only on the target",
            if o.delete_extras { "x" } else { " " }
        ),
        format!("Compare by: ‹ {} ›", criteria_text(o.criteria)),
    ];
    let mut out = vec![local, remote, String::new()];
    for (i, c) in choices.into_iter().enumerate() {
        let pointer = if i == p.focus { "> " } else { "  " };
        out.push(format!("{pointer}{c}"));
    }
    out.push(String::new());
    out.push("Nothing changes until you apply the plan.".into());
    out.push("↑↓ choose · ←→/Space change · Enter plan · Esc cancel".into());
    out
}

pub fn planning_lines(p: &SyncPlanning) -> Vec<String> {
    let [local, remote] = roots_lines(&p.roots);
    let mut out = vec![
        local,
        remote,
        format!(
            "Comparing {} ({}): {} found…",
            direction_text(p.options.direction),
            criteria_text(p.options.criteria),
            count(p.seen, "entry", "entries")
        ),
    ];
    if p.unreadable > 0 {
        out.push(format!(
            "{} could not be read",
            count(p.unreadable, "folder", "folders")
        ));
    }
    out.push("Esc stops".into());
    out
}

fn draw_lines(
    title: &str,
    lines: &[String],
    focus: Option<usize>,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let inner = super::frame::dialog_frame(area, 72, lines.len() as u16 + 2, title, theme, buf);
    let w = inner.width.saturating_sub(2) as usize;
    for (i, line) in lines.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.y + inner.height {
            break;
        }
        let style = if Some(i) == focus {
            theme.input(true)
        } else {
            theme.dialog()
        };
        buf.set_stringn(inner.x + 1, y, fit(&sanitize(line), w), w, style);
    }
}

pub fn draw_setup(p: &SyncSetup, theme: &Theme, area: Rect, buf: &mut Buffer) {
    draw_lines(
        " Synchronise ",
        &setup_lines(p),
        Some(3 + p.focus),
        theme,
        area,
        buf,
    );
}

pub fn draw_planning(p: &SyncPlanning, theme: &Theme, area: Rect, buf: &mut Buffer) {
    draw_lines(" Synchronise ", &planning_lines(p), None, theme, area, buf);
}
