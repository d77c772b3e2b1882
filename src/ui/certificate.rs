//! The untrusted-certificate dialog: everything the user needs to judge a
//! certificate, and a loud warning when a trusted server's certificate
//! changed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::theme::Theme;
use crate::app::dialog::{CERT_CHOICES, CertPrompt};
use crate::engine::protocol::CertProblem;
use crate::text::{fit, sanitize};

pub fn certificate(p: &CertPrompt, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let changed = matches!(p.cert.problem, CertProblem::Changed { .. });
    let title = if changed {
        " WARNING: THE SERVER'S CERTIFICATE HAS CHANGED "
    } else {
        " Untrusted certificate "
    };
    let inner = super::frame::dialog_frame(area, 96, 17, title, theme, buf);
    let width = inner.width.saturating_sub(2) as usize;
    let c = &p.cert.cert;
    let mut lines: Vec<(String, bool)> = vec![
        (format!("Server:      {}", p.cert.server), false),
        (format!("Why:         {}", p.cert.problem), true),
        (String::new(), false),
        (format!("Subject:     {}", c.subject), false),
        (format!("Issuer:      {}", c.issuer), false),
        (format!("Names:       {}", c.names.join(", ")), false),
        (
            format!("Valid:       {} – {}", c.not_before, c.not_after),
            false,
        ),
    ];
    // Fingerprints are compared by people: always whole, on two lines.
    let [a, b] = c.fingerprint.halves();
    lines.push((format!("SHA-256:     {a}:"), false));
    lines.push((format!("             {b}"), false));
    if let CertProblem::Changed { previous } = &p.cert.problem {
        let [a, b] = previous.halves();
        lines.push((format!("Trusted was: {a}:"), true));
        lines.push((format!("             {b}"), true));
        lines.push((
            "Someone may be in between you and the server. Cancel unless you know why it changed."
                .into(),
            true,
        ));
    }
    for (i, (text, loud)) in lines.iter().enumerate() {
        let y = inner.y + i as u16;
        if y + 2 >= inner.bottom() {
            break;
        }
        let style = if *loud {
            theme.error().bg(theme.dialog().bg.unwrap_or_default())
        } else {
            theme.dialog()
        };
        buf.set_stringn(inner.x + 1, y, fit(&sanitize(text), width), width, style);
    }
    let y = inner.bottom().saturating_sub(1);
    let mut x = inner.x + 1;
    for (i, (_, label, key)) in CERT_CHOICES.iter().enumerate() {
        let text = format!("[{key}] {label}");
        let style = if i == p.choice {
            theme.input(true).add_modifier(Modifier::BOLD)
        } else {
            theme.dialog()
        };
        buf.set_stringn(x, y, &text, text.len(), style);
        x += text.len() as u16 + 3;
    }
}
