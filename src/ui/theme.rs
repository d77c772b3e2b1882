//! Every style on screen, in one place.
//!
//! A [`Theme`] holds one colour per role, from config.toml's `[theme]` table
//! (the built-in colours are [`Theme::DEFAULT`]); the app state holds the
//! theme in force and the widgets ask it for their styles (`theme.header()`).
//! Modifiers (bold, underline, reverse) are part of the design and not
//! configurable.

use ratatui::style::{Color, Modifier, Style};

use crate::app::sync_state::CompareMark;
use crate::engine::protocol::WireDir;

/// One colour per UI role. `None` leaves the terminal's own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub border: Option<Color>,
    pub border_inactive: Option<Color>,
    pub header: Option<Color>,
    pub directory: Option<Color>,
    pub file: Option<Color>,
    pub link: Option<Color>,
    pub special: Option<Color>,
    pub hidden: Option<Color>,
    pub marked: Option<Color>,
    pub cursor_fg: Option<Color>,
    pub cursor_bg: Option<Color>,
    pub error: Option<Color>,
    pub dim: Option<Color>,
    pub status_fg: Option<Color>,
    pub status_bg: Option<Color>,
    pub keybar_key: Option<Color>,
    pub keybar_label_fg: Option<Color>,
    pub keybar_label_bg: Option<Color>,
    pub dialog_fg: Option<Color>,
    pub dialog_bg: Option<Color>,
    pub input_fg: Option<Color>,
    pub input_bg: Option<Color>,
    pub input_inactive_fg: Option<Color>,
    pub input_inactive_bg: Option<Color>,
    pub log_sent: Option<Color>,
    pub log_info: Option<Color>,
    pub log_1xx: Option<Color>,
    pub log_2xx: Option<Color>,
    pub log_3xx: Option<Color>,
    pub log_4xx: Option<Color>,
    pub log_5xx: Option<Color>,
    pub drop_target: Option<Color>,
    pub ghost_fg: Option<Color>,
    pub ghost_bg: Option<Color>,
    pub compare_lone: Option<Color>,
    pub compare_newer: Option<Color>,
    pub compare_differs: Option<Color>,
}

/// The role names as config.toml's `[theme]` table spells them, in the
/// order the default file lists them.
pub const ROLES: [&str; 37] = [
    "border",
    "border_inactive",
    "header",
    "directory",
    "file",
    "link",
    "special",
    "hidden",
    "marked",
    "cursor_fg",
    "cursor_bg",
    "error",
    "dim",
    "status_fg",
    "status_bg",
    "keybar_key",
    "keybar_label_fg",
    "keybar_label_bg",
    "dialog_fg",
    "dialog_bg",
    "input_fg",
    "input_bg",
    "input_inactive_fg",
    "input_inactive_bg",
    "log_sent",
    "log_info",
    "log_1xx",
    "log_2xx",
    "log_3xx",
    "log_4xx",
    "log_5xx",
    "drop_target",
    "ghost_fg",
    "ghost_bg",
    "compare_lone",
    "compare_newer",
    "compare_differs",
];

impl Theme {
    /// wharf's own colours.
    pub const DEFAULT: Theme = Theme {
        border: Some(Color::Cyan),
        border_inactive: Some(Color::DarkGray),
        header: Some(Color::Yellow),
        directory: Some(Color::White),
        file: None,
        link: Some(Color::Cyan),
        special: Some(Color::Magenta),
        hidden: Some(Color::DarkGray),
        marked: Some(Color::Yellow),
        cursor_fg: Some(Color::Black),
        cursor_bg: Some(Color::Cyan),
        error: Some(Color::Red),
        dim: Some(Color::DarkGray),
        status_fg: Some(Color::White),
        status_bg: Some(Color::Blue),
        keybar_key: Some(Color::White),
        keybar_label_fg: Some(Color::Black),
        keybar_label_bg: Some(Color::Cyan),
        dialog_fg: Some(Color::Black),
        dialog_bg: Some(Color::Gray),
        input_fg: Some(Color::Black),
        input_bg: Some(Color::Cyan),
        input_inactive_fg: Some(Color::White),
        input_inactive_bg: Some(Color::DarkGray),
        log_sent: Some(Color::LightBlue),
        log_info: Some(Color::DarkGray),
        log_1xx: Some(Color::Cyan),
        log_2xx: Some(Color::Green),
        log_3xx: Some(Color::Yellow),
        log_4xx: Some(Color::Magenta),
        log_5xx: Some(Color::Red),
        drop_target: Some(Color::Yellow),
        ghost_fg: Some(Color::Black),
        ghost_bg: Some(Color::Yellow),
        compare_lone: Some(Color::LightMagenta),
        compare_newer: Some(Color::LightGreen),
        compare_differs: Some(Color::LightRed),
    };

    /// The colour slot of a role named as in [`ROLES`].
    pub fn role_mut(&mut self, name: &str) -> Option<&mut Option<Color>> {
        Some(match name {
            "border" => &mut self.border,
            "border_inactive" => &mut self.border_inactive,
            "header" => &mut self.header,
            "directory" => &mut self.directory,
            "file" => &mut self.file,
            "link" => &mut self.link,
            "special" => &mut self.special,
            "hidden" => &mut self.hidden,
            "marked" => &mut self.marked,
            "cursor_fg" => &mut self.cursor_fg,
            "cursor_bg" => &mut self.cursor_bg,
            "error" => &mut self.error,
            "dim" => &mut self.dim,
            "status_fg" => &mut self.status_fg,
            "status_bg" => &mut self.status_bg,
            "keybar_key" => &mut self.keybar_key,
            "keybar_label_fg" => &mut self.keybar_label_fg,
            "keybar_label_bg" => &mut self.keybar_label_bg,
            "dialog_fg" => &mut self.dialog_fg,
            "dialog_bg" => &mut self.dialog_bg,
            "input_fg" => &mut self.input_fg,
            "input_bg" => &mut self.input_bg,
            "input_inactive_fg" => &mut self.input_inactive_fg,
            "input_inactive_bg" => &mut self.input_inactive_bg,
            "log_sent" => &mut self.log_sent,
            "log_info" => &mut self.log_info,
            "log_1xx" => &mut self.log_1xx,
            "log_2xx" => &mut self.log_2xx,
            "log_3xx" => &mut self.log_3xx,
            "log_4xx" => &mut self.log_4xx,
            "log_5xx" => &mut self.log_5xx,
            "drop_target" => &mut self.drop_target,
            "ghost_fg" => &mut self.ghost_fg,
            "ghost_bg" => &mut self.ghost_bg,
            "compare_lone" => &mut self.compare_lone,
            "compare_newer" => &mut self.compare_newer,
            "compare_differs" => &mut self.compare_differs,
            _ => return None,
        })
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::DEFAULT
    }
}

/// Reads a colour as config.toml writes it: a name (`cyan`, `light-red`,
/// `dark-gray`, `bright-blue`…), `#rrggbb`, a palette index `0`..`255`, or
/// `default` for the terminal's own colour (`None`).
pub fn parse_color(text: &str) -> Result<Option<Color>, String> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "default" | "none" => return Ok(None),
        "" => return Err("empty colour".into()),
        _ => {}
    }
    t.parse::<Color>().map(Some).map_err(|_| {
        format!(
            "unknown colour `{text}` (use a name such as `cyan` or `light-red`, \
             `#rrggbb`, a number 0-255, or `default`)"
        )
    })
}

fn fg(s: Style, c: Option<Color>) -> Style {
    match c {
        Some(c) => s.fg(c),
        None => s,
    }
}

fn bg(s: Style, c: Option<Color>) -> Style {
    match c {
        Some(c) => s.bg(c),
        None => s,
    }
}

fn colours(f: Option<Color>, b: Option<Color>) -> Style {
    fg(bg(Style::new(), b), f)
}

/// The styles the widgets draw with, made from the theme's colours.
impl Theme {
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            fg(Style::new(), self.border).add_modifier(Modifier::BOLD)
        } else {
            fg(Style::new(), self.border_inactive)
        }
    }

    pub fn header(&self) -> Style {
        fg(Style::new(), self.header).add_modifier(Modifier::BOLD)
    }

    pub fn dir(&self) -> Style {
        fg(Style::new(), self.directory).add_modifier(Modifier::BOLD)
    }

    pub fn file(&self) -> Style {
        fg(Style::new(), self.file)
    }

    pub fn link(&self) -> Style {
        fg(Style::new(), self.link)
    }

    pub fn other(&self) -> Style {
        fg(Style::new(), self.special)
    }

    pub fn hidden(&self) -> Style {
        fg(Style::new(), self.hidden)
    }

    pub fn cursor(&self, focused: bool) -> Style {
        if focused {
            colours(self.cursor_fg, self.cursor_bg)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn error(&self) -> Style {
        fg(Style::new(), self.error).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        fg(Style::new(), self.dim)
    }

    pub fn status_bar(&self) -> Style {
        colours(self.status_fg, self.status_bg)
    }

    pub fn keybar_key(&self) -> Style {
        fg(Style::new(), self.keybar_key)
    }

    pub fn keybar_label(&self) -> Style {
        colours(self.keybar_label_fg, self.keybar_label_bg)
    }

    pub fn dialog(&self) -> Style {
        colours(self.dialog_fg, self.dialog_bg)
    }

    pub fn input(&self, focused: bool) -> Style {
        if focused {
            colours(self.input_fg, self.input_bg)
        } else {
            colours(self.input_inactive_fg, self.input_inactive_bg)
        }
    }

    /// Protocol log colours by reply class, as FTP people read them.
    pub fn wire(&self, dir: WireDir, code: Option<u16>) -> Style {
        let c = match dir {
            WireDir::Sent => self.log_sent,
            WireDir::Info => self.log_info,
            WireDir::Received => match code.map(|c| c / 100) {
                Some(1) => self.log_1xx,
                Some(2) => self.log_2xx,
                Some(3) => self.log_3xx,
                Some(4) => self.log_4xx,
                Some(5) => self.log_5xx,
                _ => None,
            },
        };
        fg(Style::new(), c)
    }

    /// Marked entries, as in mc.
    pub fn marked(&self) -> Style {
        fg(Style::new(), self.marked).add_modifier(Modifier::BOLD)
    }

    /// The pane a drag would drop into.
    pub fn drop_target(&self) -> Style {
        fg(Style::new(), self.drop_target).add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    /// Compare mode: only on this side, newer, differing; equal entries
    /// dimmed.
    pub fn compare(&self, mark: CompareMark) -> Style {
        match mark {
            CompareMark::Equal => fg(Style::new(), self.dim),
            CompareMark::Lone => fg(Style::new(), self.compare_lone),
            CompareMark::Newer => fg(Style::new(), self.compare_newer),
            CompareMark::Older
            | CompareMark::SizeDiffers
            | CompareMark::Unsure
            | CompareMark::KindsDiffer => fg(Style::new(), self.compare_differs),
        }
    }

    /// The drag ghost that follows the pointer.
    pub fn ghost(&self) -> Style {
        colours(self.ghost_fg, self.ghost_bg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_colour_names_hex_and_indices() {
        assert_eq!(parse_color("cyan"), Ok(Some(Color::Cyan)));
        assert_eq!(parse_color("light-red"), Ok(Some(Color::LightRed)));
        assert_eq!(parse_color("LightRed"), Ok(Some(Color::LightRed)));
        assert_eq!(parse_color("dark-gray"), Ok(Some(Color::DarkGray)));
        assert_eq!(parse_color("dark-grey"), Ok(Some(Color::DarkGray)));
        assert_eq!(parse_color("bright-blue"), Ok(Some(Color::LightBlue)));
        assert_eq!(
            parse_color("#ff8800"),
            Ok(Some(Color::Rgb(0xff, 0x88, 0x00)))
        );
        assert_eq!(parse_color("238"), Ok(Some(Color::Indexed(238))));
        assert_eq!(parse_color("default"), Ok(None));
        assert_eq!(parse_color("reset"), Ok(Some(Color::Reset)));
        for bad in ["", "#ff88", "256", "#gg0000", "sideways"] {
            let err = parse_color(bad).unwrap_err();
            assert!(err.contains("colour"), "{bad}: {err}");
        }
    }

    #[test]
    fn every_role_has_a_slot() {
        let mut t = Theme::DEFAULT;
        for role in ROLES {
            let slot = t.role_mut(role).unwrap_or_else(|| panic!("{role}"));
            *slot = Some(Color::Indexed(1));
        }
        assert!(t.role_mut("nope").is_none());
        // Every field was reached exactly through ROLES.
        let all = format!("{t:?}");
        assert!(!all.contains("None"), "{all}");
        assert_eq!(all.matches("Indexed(1)").count(), ROLES.len());
    }

    #[test]
    fn the_default_theme_draws_todays_styles() {
        let t = Theme::DEFAULT;
        assert_eq!(t.file(), Style::new());
        assert_eq!(
            t.border(true),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        );
        assert_eq!(
            t.cursor(true),
            Style::new().bg(Color::Cyan).fg(Color::Black)
        );
        assert_eq!(
            t.wire(WireDir::Received, Some(250)),
            Style::new().fg(Color::Green)
        );
        assert_eq!(t.wire(WireDir::Received, None), Style::new());
    }

    #[test]
    fn styles_follow_the_colours_of_their_theme() {
        let custom = Theme {
            border: Some(Color::Red),
            file: Some(Color::Indexed(238)),
            cursor_bg: None,
            log_2xx: Some(Color::Rgb(0xff, 0x88, 0)),
            ..Theme::DEFAULT
        };
        assert_eq!(
            custom.border(true),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        );
        assert_eq!(custom.file(), Style::new().fg(Color::Indexed(238)));
        // `None` leaves the terminal's colour: only the foreground is set.
        assert_eq!(custom.cursor(true), Style::new().fg(Color::Black));
        assert_eq!(
            custom.wire(WireDir::Received, Some(226)),
            Style::new().fg(Color::Rgb(0xff, 0x88, 0))
        );
        // Untouched roles keep the built-in colours.
        assert_eq!(
            custom.status_bar(),
            Style::new().bg(Color::Blue).fg(Color::White)
        );
        // Two themes side by side: nothing is process-wide.
        assert_eq!(Theme::DEFAULT.file(), Style::new());
    }
}
