//! A yes/no question in a box: quit or disconnect with transfers running,
//! resume the transfers saved for this server, or start a download that
//! does not fit its disk.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::app::dialog::Question;
use crate::text::{fit, human_size, sanitize, size};

/// The question's title and lines, the keys last.
pub fn lines(q: &Question) -> (&'static str, Vec<String>) {
    let running = |n: usize| match n {
        1 => "1 transfer running".to_string(),
        n => format!("{n} transfers running"),
    };
    match q {
        Question::Quit { running: n } => (
            " Quit ",
            vec![
                format!("{}: quit anyway?", running(*n)),
                "Unfinished files are saved and offered again".into(),
                "the next time wharf connects to their server.".into(),
                "Enter/y quit · Esc/n stay".into(),
            ],
        ),
        Question::Disconnect { running: n } => (
            " Disconnect ",
            vec![
                format!("{}: disconnect anyway?", running(*n)),
                "They stop; unfinished files are saved and".into(),
                "offered again on the next connection.".into(),
                "Enter/y disconnect · Esc/n stay".into(),
            ],
        ),
        Question::ResumeSaved {
            server,
            files,
            bytes,
        } => (
            " Unfinished transfers ",
            vec![
                format!(
                    "{files} unfinished {} ({}) saved for",
                    if *files == 1 { "transfer" } else { "transfers" },
                    human_size(*bytes)
                ),
                format!("{}: resume them?", sanitize(server)),
                "Partial files continue where they stopped.".into(),
                "Enter/y resume · Esc/n later · d forget them".into(),
            ],
        ),
        Question::LowSpace {
            folder,
            needed,
            free,
            ..
        } => (
            " Not enough space ",
            vec![
                format!("The download needs {},", size(*needed)),
                format!("{} has {} free.", sanitize(folder), size(*free)),
                "Files that do not fit fail, and the rest stop.".into(),
                "Start anyway?".into(),
                "Enter/y start · Esc/n cancel".into(),
            ],
        ),
        Question::EditChanged { name, kept } => (
            " Changed on the server ",
            vec![
                format!("{name} changed on the server"),
                "since it was fetched for editing.".into(),
                format!("Keeping the edited copy leaves it at {kept}"),
                "o overwrite · n save under a new name · k/Esc keep".into(),
            ],
        ),
    }
}

pub fn question(q: &Question, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let (title, lines) = lines(q);
    let inner = super::frame::dialog_frame(area, 56, lines.len() as u16 + 3, title, theme, buf);
    let w = inner.width.saturating_sub(2) as usize;
    let last = lines.len().saturating_sub(1);
    for (i, line) in lines.iter().enumerate() {
        // The keys stand apart, on the last row.
        let y = if i == last {
            inner.y + inner.height.saturating_sub(1)
        } else {
            inner.y + i as u16
        };
        if y < inner.y + inner.height {
            buf.set_stringn(inner.x + 1, y, fit(line, w), w, theme.dialog());
        }
    }
}
