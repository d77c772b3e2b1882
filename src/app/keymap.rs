//! Keys → actions, as data. The defaults live in `assets/keymap.toml`; the
//! help overlay is drawn from the same table, so it can never disagree with
//! what the keys do.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

/// Whether a key is free of Ctrl and Alt, so that a character key types
/// itself into a text field (Shift only chooses the character).
pub fn is_plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// What a key can do in the panes. Names match `assets/keymap.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Parent,
    SwitchPane,
    Reload,
    ToggleHidden,
    CycleSort,
    Filter,
    Mark,
    InvertMarks,
    MarkPattern,
    UnmarkPattern,
    Copy,
    Move,
    ToggleQueue,
    ToggleLog,
    Connect,
    Bookmarks,
    Disconnect,
    Help,
    Quit,
    CancelTransfer,
    CancelAllTransfers,
    RetryFailed,
    ClearFinished,
}

impl Action {
    /// Every action in the order the help overlay lists them.
    pub const ALL: [Action; 30] = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Parent,
        Action::SwitchPane,
        Action::Reload,
        Action::ToggleHidden,
        Action::CycleSort,
        Action::Filter,
        Action::Mark,
        Action::InvertMarks,
        Action::MarkPattern,
        Action::UnmarkPattern,
        Action::Copy,
        Action::Move,
        Action::ToggleQueue,
        Action::ToggleLog,
        Action::Connect,
        Action::Bookmarks,
        Action::Disconnect,
        Action::Help,
        Action::Quit,
        Action::CancelTransfer,
        Action::CancelAllTransfers,
        Action::RetryFailed,
        Action::ClearFinished,
    ];

    /// The action's name in `assets/keymap.toml` and config.toml's `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::Parent => "parent",
            Action::SwitchPane => "switch_pane",
            Action::Reload => "reload",
            Action::ToggleHidden => "toggle_hidden",
            Action::CycleSort => "cycle_sort",
            Action::Filter => "filter",
            Action::Mark => "mark",
            Action::InvertMarks => "invert_marks",
            Action::MarkPattern => "mark_pattern",
            Action::UnmarkPattern => "unmark_pattern",
            Action::Copy => "copy",
            Action::Move => "move",
            Action::ToggleQueue => "toggle_queue",
            Action::ToggleLog => "toggle_log",
            Action::Connect => "connect",
            Action::Bookmarks => "bookmarks",
            Action::Disconnect => "disconnect",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::CancelTransfer => "cancel_transfer",
            Action::CancelAllTransfers => "cancel_all_transfers",
            Action::RetryFailed => "retry_failed",
            Action::ClearFinished => "clear_finished",
        }
    }

    /// The action called `name` (as in the key files).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Actions that mean the same wherever the focus is.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            Action::SwitchPane
                | Action::ToggleQueue
                | Action::ToggleLog
                | Action::Connect
                | Action::Bookmarks
                | Action::Disconnect
                | Action::Help
                | Action::Quit
        )
    }

    /// Actions that act on the transfer queue, only while it has the focus.
    pub fn is_queue_action(self) -> bool {
        matches!(
            self,
            Action::CancelTransfer
                | Action::CancelAllTransfers
                | Action::RetryFailed
                | Action::ClearFinished
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "Move up",
            Action::Down => "Move down",
            Action::PageUp => "Page up",
            Action::PageDown => "Page down",
            Action::Top => "First entry",
            Action::Bottom => "Last entry",
            Action::Open => "Open the folder under the cursor",
            Action::Parent => "Go to the parent folder",
            Action::SwitchPane => "Switch to the other pane",
            Action::Reload => "Re-read the folder; reconnect if offline",
            Action::ToggleHidden => "Show or hide hidden files",
            Action::CycleSort => "Sort by name, size, time; then reversed",
            Action::Filter => "Filter the pane as you type (Esc clears)",
            Action::Mark => "Mark or unmark the entry and move down",
            Action::InvertMarks => "Invert the marks",
            Action::MarkPattern => "Mark entries matching a pattern (*.txt)",
            Action::UnmarkPattern => "Unmark entries matching a pattern",
            Action::Copy => "Copy the marked entries (or the current one) to the other pane",
            Action::Move => "Move them: copy, then delete each source once verified",
            Action::ToggleQueue => "Show or hide the transfer queue",
            Action::CancelTransfer => "Queue: cancel the selected transfer",
            Action::CancelAllTransfers => "Queue: cancel all transfers",
            Action::RetryFailed => "Queue: retry failed and cancelled transfers",
            Action::ClearFinished => "Queue: clear finished transfers",
            Action::ToggleLog => "Show or hide the protocol log",
            Action::Connect => "Quick connect",
            Action::Bookmarks => "Bookmarks: connect, add, edit, delete",
            Action::Disconnect => "Disconnect",
            Action::Help => "This help",
            Action::Quit => "Quit",
        }
    }
}

/// A key with its modifiers, normalised so that a binding written in the
/// file matches what terminals send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeySpec {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        // Terminals disagree on whether a shifted character carries SHIFT;
        // the character itself already says it.
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods.remove(KeyModifiers::SHIFT);
        }
        // Ctrl-letters arrive lower-case from most terminals.
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        KeySpec { code, mods }
    }

    pub fn from_event(ev: &KeyEvent) -> Self {
        KeySpec::new(ev.code, ev.modifiers)
    }

    /// Parses `Ctrl-r`, `F5`, `PageDown`, `?`, `Shift-Tab`…
    pub fn parse(text: &str) -> Result<KeySpec, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break; // "Ctrl-" alone: fall through to an error below
            }
            mods |= m;
            rest = &rest[len..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "insert" | "ins" => KeyCode::Insert,
                "delete" | "del" => KeyCode::Delete,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key `{text}`")),
                },
                _ => return Err(format!("unknown key `{text}`")),
            },
        };
        Ok(KeySpec::new(code, mods))
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            write!(f, "Ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            write!(f, "Alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            write!(f, "Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => write!(f, "Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::BackTab => write!(f, "Shift-Tab"),
            KeyCode::PageUp => write!(f, "PgUp"),
            KeyCode::PageDown => write!(f, "PgDn"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One key or several, as the TOML file allows.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn parse(&self) -> Result<Vec<KeySpec>, String> {
        match self {
            OneOrMany::One(k) => Ok(vec![KeySpec::parse(k)?]),
            OneOrMany::Many(ks) => ks.iter().map(|k| KeySpec::parse(k)).collect(),
        }
    }
}

/// Two actions want the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConflict {
    pub key: KeySpec,
    pub first: Action,
    pub second: Action,
}

impl fmt::Display for KeyConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "key {} is bound to both {} and {}",
            self.key,
            self.first.name(),
            self.second.name()
        )
    }
}

impl std::error::Error for KeyConflict {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    by_key: HashMap<KeySpec, Action>,
    /// For the help overlay: each action with its keys, in `Action::ALL` order.
    bindings: Vec<(Action, Vec<KeySpec>)>,
}

/// The embedded default bindings.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

impl Keymap {
    /// Reads a keymap file's text.
    pub fn from_toml(text: &str) -> Result<Keymap, String> {
        let table: HashMap<Action, OneOrMany> = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut bindings = Vec::new();
        for action in Action::ALL {
            let keys = match table.get(&action) {
                None => Vec::new(),
                Some(keys) => keys.parse()?,
            };
            bindings.push((action, keys));
        }
        Keymap::from_bindings(bindings).map_err(|c| c.to_string())
    }

    /// The default bindings with some actions' keys replaced, as the
    /// `[keys]` table of config.toml gives them: `action = "key"` or
    /// `action = ["k1", "k2"]` (`[]` leaves the action without a key).
    /// A key that then ends up bound to two actions is an error naming both.
    pub fn with_overrides(overrides: &toml::Table) -> Result<Keymap, String> {
        let mut parsed = Vec::new();
        for (name, value) in overrides {
            let action =
                Action::from_name(name).ok_or_else(|| format!("unknown action `{name}`"))?;
            let keys = OneOrMany::deserialize(value.clone())
                .map_err(|_| format!("`{name}`: expected a key or a list of keys"))?
                .parse()
                .map_err(|e| format!("`{name}`: {e}"))?;
            parsed.push((action, keys));
        }
        Keymap::default()
            .overridden(&parsed)
            .map_err(|c| c.to_string())
    }

    /// This keymap with the keys of the given actions replaced.
    pub fn overridden(&self, overrides: &[(Action, Vec<KeySpec>)]) -> Result<Keymap, KeyConflict> {
        let bindings = self
            .bindings
            .iter()
            .map(|(action, keys)| {
                let keys = overrides
                    .iter()
                    .rev()
                    .find(|(a, _)| a == action)
                    .map_or(keys, |(_, ks)| ks);
                (*action, keys.clone())
            })
            .collect();
        Keymap::from_bindings(bindings)
    }

    /// Builds the lookup table; a key bound to two actions is an error.
    fn from_bindings(bindings: Vec<(Action, Vec<KeySpec>)>) -> Result<Keymap, KeyConflict> {
        let mut by_key = HashMap::new();
        for (action, keys) in &bindings {
            for k in keys {
                if let Some(first) = by_key.insert(*k, *action)
                    && first != *action
                {
                    return Err(KeyConflict {
                        key: *k,
                        first,
                        second: *action,
                    });
                }
            }
        }
        Ok(Keymap { by_key, bindings })
    }

    pub fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        self.by_key.get(&KeySpec::from_event(key)).copied()
    }

    pub fn bindings(&self) -> &[(Action, Vec<KeySpec>)] {
        &self.bindings
    }

    /// The first key bound to `action`, for hints such as "F1 help".
    pub fn key_for(&self, action: Action) -> Option<KeySpec> {
        self.bindings
            .iter()
            .find(|(a, _)| *a == action)
            .and_then(|(_, ks)| ks.first().copied())
    }
}

impl Default for Keymap {
    fn default() -> Self {
        // The embedded file is checked by a test, so this cannot fail in a
        // released build; fall back to an empty map rather than panic.
        Keymap::from_toml(DEFAULT_KEYMAP).unwrap_or_else(|_| Keymap {
            by_key: HashMap::new(),
            bindings: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keymap_parses_and_binds_every_action() {
        let km = Keymap::from_toml(DEFAULT_KEYMAP).expect("default keymap");
        for (action, keys) in km.bindings() {
            assert!(!keys.is_empty(), "{action:?} has no key");
        }
    }

    #[test]
    fn parses_key_names() {
        let k = KeySpec::parse("Ctrl-r").unwrap();
        assert_eq!(k.code, KeyCode::Char('r'));
        assert_eq!(k.mods, KeyModifiers::CONTROL);
        assert_eq!(KeySpec::parse("F10").unwrap().code, KeyCode::F(10));
        assert_eq!(KeySpec::parse("Shift-Tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeySpec::parse("-").unwrap().code, KeyCode::Char('-'));
        assert!(KeySpec::parse("F13").is_err());
        assert!(KeySpec::parse("Hyper-x").is_err());
    }

    #[test]
    fn shifted_characters_match_with_or_without_shift() {
        let km = Keymap::default();
        let with = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        let without = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE);
        assert_eq!(km.action_for(&with), Some(Action::Help));
        assert_eq!(km.action_for(&without), Some(Action::Help));
        let upper_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.action_for(&upper_g), Some(Action::Bottom));
    }

    #[test]
    fn a_key_bound_twice_is_an_error() {
        let err = Keymap::from_toml("up = \"k\"\ndown = \"k\"").unwrap_err();
        assert!(err.contains("bound to both"), "{err}");
    }

    #[test]
    fn action_names_match_the_key_file_names() {
        for action in Action::ALL {
            let text = format!("{} = \"F12\"", action.name());
            let km = Keymap::from_toml(&text).unwrap();
            assert_eq!(km.key_for(action), KeySpec::parse("F12").ok(), "{action:?}");
            assert_eq!(Action::from_name(action.name()), Some(action));
        }
        assert_eq!(Action::from_name("Copy"), None);
    }

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn an_override_replaces_that_actions_keys_only() {
        let km = Keymap::with_overrides(&table(
            "copy = \"c\"\nmove = [\"F6\", \"m\"]\ncancel_transfer = \"Delete\"",
        ))
        .unwrap();
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        let f5 = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
        let m = KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE);
        assert_eq!(km.action_for(&f5), None, "F5 no longer copies");
        assert_eq!(km.action_for(&m), Some(Action::Move));
        assert_eq!(km.key_for(Action::Copy), KeySpec::parse("c").ok());
        // `c` was the queue's cancel key, moved away in the same table.
        let km_default = Keymap::default();
        assert_eq!(km_default.action_for(&c), Some(Action::CancelTransfer));
        assert_eq!(km.action_for(&c), Some(Action::Copy));
        let err = Keymap::with_overrides(&table("copy = \"c\"")).unwrap_err();
        assert!(err.contains("cancel_transfer"), "{err}");
        // Untouched actions keep their defaults.
        assert_eq!(km.key_for(Action::Help), km_default.key_for(Action::Help));
    }

    #[test]
    fn an_override_that_collides_names_both_actions() {
        let err = Keymap::with_overrides(&table("copy = \"q\"")).unwrap_err();
        assert!(err.contains("copy") && err.contains("quit"), "{err}");
        let err = Keymap::with_overrides(&table("copy = \"F13\"")).unwrap_err();
        assert!(err.contains("F13"), "{err}");
        let err = Keymap::with_overrides(&table("kopy = \"x\"")).unwrap_err();
        assert!(err.contains("kopy"), "{err}");
        let err = Keymap::with_overrides(&table("copy = 5")).unwrap_err();
        assert!(err.contains("copy"), "{err}");
    }

    #[test]
    fn an_empty_list_unbinds_an_action() {
        let km = Keymap::with_overrides(&table("copy = []")).unwrap();
        assert_eq!(km.key_for(Action::Copy), None);
        let f5 = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
        assert_eq!(km.action_for(&f5), None);
    }
}
