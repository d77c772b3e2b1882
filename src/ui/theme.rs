//! Every style on screen, in one place.

use ratatui::style::{Color, Modifier, Style};

use crate::engine::protocol::WireDir;

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn header() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

pub fn dir() -> Style {
    Style::new().fg(Color::White).add_modifier(Modifier::BOLD)
}

pub fn file() -> Style {
    Style::new()
}

pub fn link() -> Style {
    Style::new().fg(Color::Cyan)
}

pub fn other() -> Style {
    Style::new().fg(Color::Magenta)
}

pub fn hidden() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn cursor(focused: bool) -> Style {
    if focused {
        Style::new().bg(Color::Cyan).fg(Color::Black)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn status_bar() -> Style {
    Style::new().bg(Color::Blue).fg(Color::White)
}

pub fn keybar_key() -> Style {
    Style::new().fg(Color::White)
}

pub fn keybar_label() -> Style {
    Style::new().bg(Color::Cyan).fg(Color::Black)
}

pub fn dialog() -> Style {
    Style::new().bg(Color::Gray).fg(Color::Black)
}

pub fn input(focused: bool) -> Style {
    if focused {
        Style::new().bg(Color::Cyan).fg(Color::Black)
    } else {
        Style::new().bg(Color::DarkGray).fg(Color::White)
    }
}

/// Protocol log colours by reply class, as FTP people read them.
pub fn wire(dir: WireDir, code: Option<u16>) -> Style {
    match dir {
        WireDir::Sent => Style::new().fg(Color::LightBlue),
        WireDir::Info => Style::new().fg(Color::DarkGray),
        WireDir::Received => match code.map(|c| c / 100) {
            Some(1) => Style::new().fg(Color::Cyan),
            Some(2) => Style::new().fg(Color::Green),
            Some(3) => Style::new().fg(Color::Yellow),
            Some(4) => Style::new().fg(Color::Magenta),
            Some(5) => Style::new().fg(Color::Red),
            _ => Style::new(),
        },
    }
}

/// Marked entries, as in mc.
pub fn marked() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// The pane a drag would drop into.
pub fn drop_target() -> Style {
    Style::new()
        .fg(Color::Yellow)
        .add_modifier(Modifier::BOLD | Modifier::REVERSED)
}

/// The drag ghost that follows the pointer.
pub fn ghost() -> Style {
    Style::new().bg(Color::Yellow).fg(Color::Black)
}
