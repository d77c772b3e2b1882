//! Every style on screen, in one place.
//!
//! The colours come from a process-wide [`Theme`], set once at start-up from
//! config.toml's `[theme]` table ([`set`]); until then, and when nothing is
//! set, the built-in colours ([`Theme::DEFAULT`]) apply. Modifiers (bold,
//! underline, reverse) are part of the design and not configurable.

use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};

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
}

/// The role names as config.toml's `[theme]` table spells them, in the
/// order the default file lists them.
pub const ROLES: [&str; 34] = [
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

static THEME: OnceLock<Theme> = OnceLock::new();

/// Sets the process-wide theme. Only the first call counts (returns false
/// for later ones): set it once at start-up, before the first frame.
pub fn set(theme: Theme) -> bool {
    THEME.set(theme).is_ok()
}

/// The theme in force.
pub fn current() -> &'static Theme {
    static FALLBACK: Theme = Theme::DEFAULT;
    THEME.get().unwrap_or(&FALLBACK)
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

pub fn border(focused: bool) -> Style {
    let t = current();
    if focused {
        fg(Style::new(), t.border).add_modifier(Modifier::BOLD)
    } else {
        fg(Style::new(), t.border_inactive)
    }
}

pub fn header() -> Style {
    fg(Style::new(), current().header).add_modifier(Modifier::BOLD)
}

pub fn dir() -> Style {
    fg(Style::new(), current().directory).add_modifier(Modifier::BOLD)
}

pub fn file() -> Style {
    fg(Style::new(), current().file)
}

pub fn link() -> Style {
    fg(Style::new(), current().link)
}

pub fn other() -> Style {
    fg(Style::new(), current().special)
}

pub fn hidden() -> Style {
    fg(Style::new(), current().hidden)
}

pub fn cursor(focused: bool) -> Style {
    let t = current();
    if focused {
        colours(t.cursor_fg, t.cursor_bg)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

pub fn error() -> Style {
    fg(Style::new(), current().error).add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    fg(Style::new(), current().dim)
}

pub fn status_bar() -> Style {
    let t = current();
    colours(t.status_fg, t.status_bg)
}

pub fn keybar_key() -> Style {
    fg(Style::new(), current().keybar_key)
}

pub fn keybar_label() -> Style {
    let t = current();
    colours(t.keybar_label_fg, t.keybar_label_bg)
}

pub fn dialog() -> Style {
    let t = current();
    colours(t.dialog_fg, t.dialog_bg)
}

pub fn input(focused: bool) -> Style {
    let t = current();
    if focused {
        colours(t.input_fg, t.input_bg)
    } else {
        colours(t.input_inactive_fg, t.input_inactive_bg)
    }
}

/// Protocol log colours by reply class, as FTP people read them.
pub fn wire(dir: WireDir, code: Option<u16>) -> Style {
    let t = current();
    let c = match dir {
        WireDir::Sent => t.log_sent,
        WireDir::Info => t.log_info,
        WireDir::Received => match code.map(|c| c / 100) {
            Some(1) => t.log_1xx,
            Some(2) => t.log_2xx,
            Some(3) => t.log_3xx,
            Some(4) => t.log_4xx,
            Some(5) => t.log_5xx,
            _ => None,
        },
    };
    fg(Style::new(), c)
}

/// Marked entries, as in mc.
pub fn marked() -> Style {
    fg(Style::new(), current().marked).add_modifier(Modifier::BOLD)
}

/// The pane a drag would drop into.
pub fn drop_target() -> Style {
    fg(Style::new(), current().drop_target).add_modifier(Modifier::BOLD | Modifier::REVERSED)
}

/// The drag ghost that follows the pointer.
pub fn ghost() -> Style {
    let t = current();
    colours(t.ghost_fg, t.ghost_bg)
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
        // Without `set`, the styles are the built-in ones.
        assert_eq!(file(), Style::new());
        assert_eq!(
            border(true),
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        );
        assert_eq!(cursor(true), Style::new().bg(Color::Cyan).fg(Color::Black));
        assert_eq!(
            wire(WireDir::Received, Some(250)),
            Style::new().fg(Color::Green)
        );
        assert_eq!(wire(WireDir::Received, None), Style::new());
    }
}
