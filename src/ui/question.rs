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
    // "2 transfers running", "1 delete running", "1 transfer and 1
    // delete running".
    let running = |transfers: usize, deletes: usize| {
        let parts: Vec<String> = [
            (transfers, "transfer", "transfers"),
            (deletes, "delete", "deletes"),
        ]
        .into_iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| crate::text::count(n, one, many))
        .collect();
        format!("{} running", parts.join(" and "))
    };
    match q {
        Question::Quit {
            running: n,
            deletes,
        } => (
            " Quit ",
            if *n > 0 {
                vec![
                    format!("{}: quit anyway?", running(*n, *deletes)),
                    "Unfinished files are saved and offered again".into(),
                    "the next time wharf connects to their server.".into(),
                    "Enter/y quit · Esc/n stay".into(),
                ]
            } else {
                vec![
                    format!("{}: quit anyway?", running(*n, *deletes)),
                    "It stops where it is: what is deleted".into(),
                    "stays deleted, the rest stays.".into(),
                    "Enter/y quit · Esc/n stay".into(),
                ]
            },
        ),
        Question::Disconnect {
            running: n,
            deletes,
        } => (
            " Disconnect ",
            vec![
                format!("{}: disconnect anyway?", running(*n, *deletes)),
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
