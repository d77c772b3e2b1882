//! The process-wide theme: set once, read by every style function. In its
//! own test binary because `theme::set` is global.

use ratatui::style::{Color, Modifier, Style};
use wharf::engine::protocol::WireDir;
use wharf::ui::theme::{self, Theme};

#[test]
fn styles_follow_the_theme_set_at_start_up() {
    let custom = Theme {
        border: Some(Color::Red),
        file: Some(Color::Indexed(238)),
        cursor_bg: None,
        log_2xx: Some(Color::Rgb(0xff, 0x88, 0)),
        ..Theme::DEFAULT
    };
    assert!(theme::set(custom));
    assert!(!theme::set(Theme::DEFAULT), "only the first call counts");
    assert_eq!(theme::current(), &custom);

    assert_eq!(
        theme::border(true),
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
    );
    assert_eq!(theme::file(), Style::new().fg(Color::Indexed(238)));
    // `None` leaves the terminal's colour: only the foreground is set.
    assert_eq!(theme::cursor(true), Style::new().fg(Color::Black));
    assert_eq!(
        theme::wire(WireDir::Received, Some(226)),
        Style::new().fg(Color::Rgb(0xff, 0x88, 0))
    );
    // Untouched roles keep the built-in colours.
    assert_eq!(
        theme::status_bar(),
        Style::new().bg(Color::Blue).fg(Color::White)
    );
}
