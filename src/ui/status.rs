//! The status bar: connection state, how it is secured (🔒 with the TLS
//! version and cipher, or "plain", suggesting ftpes:// when the server
//! offers TLS), server system, last reply, message.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::state::{AppState, ConnState};
use crate::engine::protocol::ServerInfo;
use unicode_width::UnicodeWidthStr;

use crate::app::keymap::Action;
use crate::text::{fit, sanitize};

pub struct StatusBar<'a>(pub &'a AppState);

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.0;
        let theme = &s.theme;
        buf.set_style(area, theme.status_bar());
        let (mark, conn) = match &s.conn {
            ConnState::Idle => ("○", "not connected".to_string()),
            ConnState::Connecting { target } => ("…", format!("connecting to {target}")),
            ConnState::Connected { target, info } => (
                "●",
                format!(
                    "{target} · {} · {}",
                    security(info),
                    info.system.as_deref().unwrap_or("unknown system")
                ),
            ),
            ConnState::Failed { .. } => ("✗", "not connected".to_string()),
        };
        let mut spans = vec![Span::raw(format!(" {mark} {} ", sanitize(&conn)))];
        if let Some(code) = s.last_reply {
            spans.push(Span::styled(
                format!("│ {code} "),
                theme
                    .wire(crate::engine::protocol::WireDir::Received, Some(code))
                    .patch(theme.status_bar().fg(match code / 100 {
                        4 | 5 => ratatui::style::Color::LightRed,
                        _ => ratatui::style::Color::LightGreen,
                    })),
            ));
        }
        if let Some(msg) = &s.status {
            let style = if msg.is_error {
                theme.status_bar().fg(ratatui::style::Color::LightRed)
            } else {
                Style::new()
            };
            let used: usize = spans.iter().map(|sp| sp.width()).sum();
            let room = (area.width as usize).saturating_sub(used + 2);
            spans.push(Span::styled(
                format!("│ {}", fitted(s, &sanitize(&msg.text), room)),
                style,
            ));
        }
        Line::from(spans).render(area, buf);
    }
}

/// The message in `room` columns; one that does not fit is cut and says
/// how to read it whole (the messages view).
fn fitted(s: &AppState, text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_string();
    }
    let hint = match s.keymap.key_for(Action::Messages) {
        Some(key) => format!(" ({key}: all)"),
        None => String::new(),
    };
    let keep = room.saturating_sub(hint.width());
    format!("{}{hint}", fit(text, keep))
}

/// How the connection is secured, in a few words.
fn security(info: &ServerInfo) -> String {
    match &info.tls {
        Some(tls) => format!("🔒 {} {}", tls.version, tls.cipher),
        None if info.offers_tls() => "plain (the server offers TLS: try ftpes://)".into(),
        None => "plain".into(),
    }
}
