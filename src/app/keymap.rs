//! Keys → actions, as data, per context. The defaults live in
//! `assets/keymap.toml`, a section per context; the help overlay is drawn
//! from the same table, so it can never disagree with what the keys do.
//!
//! A context is the part of the screen that has the keyboard (a pane, the
//! transfer queue, the protocol log, the viewer), and `global` is consulted
//! after it. A key serves one action per context: Delete can act in a pane
//! and cancel in the queue. It may not serve two in one context, nor one in
//! a context and another in `global`. Dialogs keep fixed keys of their own
//! (Enter, Esc, Tab, typing), so they have no context here.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Whether a key is free of Ctrl and Alt, so that a character key types
/// itself into a text field (Shift only chooses the character).
pub fn is_plain(key: &KeyEvent) -> bool {
    !key.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Where a key is looked up: the focused part of the screen, then `Global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Pane,
    Queue,
    Log,
    /// The file viewer (F3). It fills the screen and is left with its own
    /// keys: `global` is not looked up there, so `q` and F10 close it.
    Viewer,
    Global,
}

impl Context {
    /// Every context, in the order the help overlay lists them: the keys
    /// that work everywhere first.
    pub const ALL: [Context; 5] = [
        Context::Global,
        Context::Pane,
        Context::Queue,
        Context::Log,
        Context::Viewer,
    ];

    /// The section name in `assets/keymap.toml` and config.toml's `[keys]`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Pane => "pane",
            Context::Queue => "queue",
            Context::Log => "log",
            Context::Viewer => "viewer",
            Context::Global => "global",
        }
    }

    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The heading of this context's keys in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Context::Pane => "In a pane",
            Context::Queue => "In the transfer queue (Tab moves there when it is shown)",
            Context::Log => "In the protocol log (Tab moves there when it is shown)",
            Context::Viewer => "In the viewer",
            Context::Global => "Everywhere",
        }
    }

    /// The actions a key can serve here, in help order.
    pub fn actions(self) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |a| self.has(*a))
    }

    pub fn has(self, action: Action) -> bool {
        action.contexts().contains(&self)
    }
}

/// What a key can do. Names match `assets/keymap.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    GoTo,
    Info,
    Find,
    MakeDir,
    Delete,
    Rename,
    Chmod,
    Compare,
    MarkDiffering,
    BrowseTogether,
    Synchronize,
    ToggleQueue,
    ToggleLog,
    Connect,
    Bookmarks,
    Disconnect,
    Help,
    Messages,
    Quit,
    CancelTransfer,
    CancelAllTransfers,
    RetryFailed,
    ClearFinished,
    SearchLog,
    SearchOlder,
    SearchNewer,
    SaveLog,
    View,
    Edit,
    Search,
    SearchNext,
    SearchPrevious,
    ToggleWrap,
    ToggleHex,
    CloseViewer,
}

impl Action {
    /// Every action, in the order the help overlay lists each context's.
    pub const ALL: [Action; 54] = [
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
        Action::GoTo,
        Action::Info,
        Action::Find,
        Action::MakeDir,
        Action::Delete,
        Action::Rename,
        Action::Chmod,
        Action::Compare,
        Action::MarkDiffering,
        Action::BrowseTogether,
        Action::Synchronize,
        Action::ToggleQueue,
        Action::ToggleLog,
        Action::Connect,
        Action::Bookmarks,
        Action::Disconnect,
        Action::Help,
        Action::Messages,
        Action::Quit,
        Action::CancelTransfer,
        Action::CancelAllTransfers,
        Action::RetryFailed,
        Action::ClearFinished,
        Action::SearchLog,
        Action::SearchOlder,
        Action::SearchNewer,
        Action::SaveLog,
        Action::View,
        Action::Edit,
        Action::Search,
        Action::SearchNext,
        Action::SearchPrevious,
        Action::ToggleWrap,
        Action::ToggleHex,
        Action::CloseViewer,
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
            Action::GoTo => "go_to",
            Action::Info => "info",
            Action::Find => "find",
            Action::MakeDir => "mkdir",
            Action::Delete => "delete",
            Action::Rename => "rename",
            Action::Chmod => "chmod",
            Action::Compare => "compare",
            Action::MarkDiffering => "mark_differing",
            Action::BrowseTogether => "browse_together",
            Action::Synchronize => "synchronize",
            Action::ToggleQueue => "toggle_queue",
            Action::ToggleLog => "toggle_log",
            Action::Connect => "connect",
            Action::Bookmarks => "bookmarks",
            Action::Disconnect => "disconnect",
            Action::Help => "help",
            Action::Messages => "messages",
            Action::Quit => "quit",
            Action::CancelTransfer => "cancel_transfer",
            Action::CancelAllTransfers => "cancel_all_transfers",
            Action::RetryFailed => "retry_failed",
            Action::ClearFinished => "clear_finished",
            Action::SearchLog => "search_log",
            Action::SearchOlder => "search_older",
            Action::SearchNewer => "search_newer",
            Action::SaveLog => "save_log",
            Action::View => "view",
            Action::Edit => "edit",
            Action::Search => "search",
            Action::SearchNext => "search_next",
            Action::SearchPrevious => "search_previous",
            Action::ToggleWrap => "toggle_wrap",
            Action::ToggleHex => "toggle_hex",
            Action::CloseViewer => "close",
        }
    }

    /// The action called `name` (as in the key files).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The contexts that have this action: one, or several for the moves.
    pub fn contexts(self) -> &'static [Context] {
        use Action::*;
        match self {
            Up | Down | PageUp | PageDown | Top | Bottom => {
                &[Context::Pane, Context::Queue, Context::Log, Context::Viewer]
            }
            Search | SearchNext | SearchPrevious | ToggleWrap | ToggleHex | CloseViewer => {
                &[Context::Viewer]
            }
            View | Edit => &[Context::Pane],
            Open | Parent | Reload | ToggleHidden | CycleSort | Filter | Mark | InvertMarks
            | MarkPattern | UnmarkPattern | Copy | Move | GoTo | Info | Find | MakeDir | Delete
            | Rename | Chmod | Compare | MarkDiffering | BrowseTogether | Synchronize => {
                &[Context::Pane]
            }
            CancelTransfer | CancelAllTransfers | RetryFailed | ClearFinished => &[Context::Queue],
            SearchLog | SearchOlder | SearchNewer | SaveLog => &[Context::Log],
            SwitchPane | ToggleQueue | ToggleLog | Connect | Bookmarks | Disconnect | Help
            | Messages | Quit => &[Context::Global],
        }
    }

    /// What the action does in `context`, for the help overlay.
    pub fn describe(self, context: Context) -> &'static str {
        match (context, self) {
            (Context::Log, Action::Up) => "Scroll back a line",
            (Context::Log, Action::Down) => "Scroll forward a line",
            (Context::Log, Action::Top) => "The oldest line kept",
            (Context::Log, Action::Bottom) => "The newest line, and follow",
            (Context::Queue, Action::Top) => "First transfer",
            (Context::Queue, Action::Bottom) => "Last transfer",
            (Context::Viewer, Action::Up) => "Scroll up a line",
            (Context::Viewer, Action::Down) => "Scroll down a line",
            (Context::Viewer, Action::Top) => "The start of the file",
            (Context::Viewer, Action::Bottom) => "The end of the file",
            (_, Action::Up) => "Move up",
            (_, Action::Down) => "Move down",
            (_, Action::PageUp) => "Page up",
            (_, Action::PageDown) => "Page down",
            (_, Action::Top) => "First entry",
            (_, Action::Bottom) => "Last entry",
            (_, Action::Open) => "Open the folder under the cursor",
            (_, Action::Parent) => "Go to the parent folder",
            (_, Action::SwitchPane) => "Next panel: local, remote, queue, log",
            (_, Action::Reload) => "Re-read the folder; reconnect if offline",
            (_, Action::ToggleHidden) => "Show or hide hidden files",
            (_, Action::CycleSort) => "Sort by name, size, time, each both ways (↑ ascending)",
            (_, Action::Filter) => "Filter the pane as you type (Esc clears)",
            (_, Action::Mark) => "Mark or unmark the entry and move down",
            (_, Action::InvertMarks) => "Invert the marks",
            (_, Action::MarkPattern) => "Mark entries matching a pattern (*.txt)",
            (_, Action::UnmarkPattern) => "Unmark entries matching a pattern",
            (_, Action::Copy) => "Copy the marked entries (or the current one) to the other pane",
            (_, Action::Move) => "Move them: copy, then delete each source once verified",
            (_, Action::GoTo) => "Go to a folder you type (Tab completes its name)",
            (_, Action::Find) => "Find names under this folder (*.log or text); results stream in",
            (_, Action::Info) => {
                "Everything known of the entry: exact size, time, mode, owner, link"
            }
            (_, Action::MakeDir) => "Make a folder (a/b/c makes the folders above too)",
            (_, Action::Delete) => {
                "Delete the marked entries (or the current one), folders with all they hold"
            }
            (_, Action::Rename) => "Rename the entry under the cursor in its folder",
            (_, Action::Chmod) => "Permissions: octal or rwx boxes, optionally below folders",
            (_, Action::Compare) => {
                "Compare with the other pane: + only here, ↑ newer, ↓ older, ≠ size"
            }
            (_, Action::MarkDiffering) => {
                "Mark what differs here (only here, newer, size), so F5 copies it"
            }
            (_, Action::BrowseTogether) => {
                "Synchronised browsing: enter and leave folders in both panes"
            }
            (_, Action::Synchronize) => {
                "Synchronise the two folders: choose, see the plan, tick, then apply"
            }
            (_, Action::ToggleQueue) => "Show or hide the transfer queue",
            (_, Action::CancelTransfer) => "Cancel the selected transfer",
            (_, Action::CancelAllTransfers) => "Cancel all transfers",
            (_, Action::RetryFailed) => "Retry failed and cancelled transfers",
            (_, Action::ClearFinished) => "Clear finished transfers",
            (_, Action::SearchLog) => "Search the log: type, Enter finds the newest match",
            (_, Action::SearchOlder) => "The next older line that matches",
            (_, Action::SearchNewer) => "The next newer line that matches",
            (_, Action::SaveLog) => "Save the whole log to a file in the data folder",
            (_, Action::View) => "View the file under the cursor (a remote one is fetched first)",
            (_, Action::Edit) => {
                "Edit the file in $VISUAL/$EDITOR; a remote one is uploaded back if changed"
            }
            (_, Action::Search) => "Search: type, Enter finds the next match (case ignored)",
            (_, Action::SearchNext) => "The next match",
            (_, Action::SearchPrevious) => "The previous match",
            (_, Action::ToggleWrap) => "Wrap long lines, or cut them at the edge",
            (_, Action::ToggleHex) => "Hex view, or text",
            (_, Action::CloseViewer) => "Close the viewer",
            (_, Action::ToggleLog) => "Show or hide the protocol log",
            (_, Action::Connect) => "Quick connect",
            (_, Action::Bookmarks) => "Bookmarks: connect, add, edit, delete",
            (_, Action::Disconnect) => "Disconnect",
            (_, Action::Help) => "This help",
            (_, Action::Messages) => "The status line's recent messages, in full",
            (_, Action::Quit) => "Quit",
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

/// Function keys go this far: some terminals send F13–F24 for shifted or
/// controlled F1–F12 (Shift-F6 arrives as F16 in xterm's default mode).
const MAX_F: u8 = 24;

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

    /// Parses `Ctrl-r`, `F5`, `F16`, `PageDown`, `?`, `Shift-Tab`…
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
                    Ok(n @ 1..=MAX_F) => KeyCode::F(n),
                    _ => return Err(format!("unknown key `{text}` (function keys are F1–F24)")),
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

/// Two actions want the same key where both would be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConflict {
    pub key: KeySpec,
    pub first: (Context, Action),
    pub second: (Context, Action),
}

impl fmt::Display for KeyConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |(c, a): (Context, Action)| {
            if a.contexts().len() > 1 {
                format!("{}.{}", c.name(), a.name())
            } else {
                a.name().to_string()
            }
        };
        write!(
            f,
            "key {} is bound to both {} and {}",
            self.key,
            name(self.first),
            name(self.second)
        )
    }
}

impl std::error::Error for KeyConflict {}

/// The keys of one action in one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub action: Action,
    pub keys: Vec<KeySpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    by_key: HashMap<(Context, KeySpec), Action>,
    /// For the help overlay: every action of every context with its keys,
    /// in `Context::ALL` and then `Context::actions` order.
    bindings: Vec<Binding>,
}

/// The embedded default bindings.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

impl Keymap {
    /// Reads a keymap file's text: a table per context, `action = "key"` or
    /// `action = ["key", …]` in each.
    pub fn from_toml(text: &str) -> Result<Keymap, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut given = Vec::new();
        for (section, actions) in &table {
            let context = Context::from_name(section)
                .ok_or_else(|| format!("unknown context `[{section}]`"))?;
            let actions = actions
                .as_table()
                .ok_or_else(|| format!("`{section}` must be a table, [{section}]"))?;
            for (name, value) in actions {
                let action = Action::from_name(name)
                    .filter(|a| context.has(*a))
                    .ok_or_else(|| format!("`{section}` has no action `{name}`"))?;
                let keys = parse_keys(value).map_err(|e| format!("`{section}.{name}`: {e}"))?;
                given.push(Binding {
                    context,
                    action,
                    keys,
                });
            }
        }
        Keymap::from_bindings(all_bindings(&given)).map_err(|c| c.to_string())
    }

    /// This keymap with some actions' keys replaced. An override that would
    /// bind a key twice (in one context, or in a context and `global`) is
    /// left out; those come back, each by its index in `overrides` with the
    /// conflict, and the rest apply. A later override loses to an earlier
    /// one, and any override to a binding it did not replace.
    pub fn overridden(&self, overrides: &[Binding]) -> (Keymap, Vec<(usize, KeyConflict)>) {
        let mut rejected: Vec<(usize, KeyConflict)> = Vec::new();
        loop {
            let kept: Vec<(usize, &Binding)> = overrides
                .iter()
                .enumerate()
                .filter(|(i, _)| rejected.iter().all(|(r, _)| r != i))
                .collect();
            let bindings: Vec<Binding> = self
                .bindings
                .iter()
                .map(|b| {
                    let replaced = kept
                        .iter()
                        .rev()
                        .find(|(_, o)| o.context == b.context && o.action == b.action);
                    replaced.map_or_else(|| b.clone(), |(_, o)| (*o).clone())
                })
                .collect();
            let conflict = match Keymap::from_bindings(bindings) {
                Ok(km) => return (km, rejected),
                Err(c) => c,
            };
            // Blame the latest override on either side of the conflict.
            let culprit = kept.iter().rev().find(|(_, o)| {
                [conflict.first, conflict.second].iter().any(|(c, a)| {
                    o.context == *c && o.action == *a && o.keys.contains(&conflict.key)
                })
            });
            match culprit {
                Some((i, _)) => rejected.push((*i, conflict)),
                // Only possible if `self` conflicts already: keep it as it is.
                None => return (self.clone(), rejected),
            }
        }
    }

    /// Builds the lookup table; a key bound twice where both would be
    /// looked up is an error.
    fn from_bindings(bindings: Vec<Binding>) -> Result<Keymap, KeyConflict> {
        let mut by_key: HashMap<(Context, KeySpec), Action> = HashMap::new();
        for b in &bindings {
            for k in &b.keys {
                // Global keys are looked up after every context's but the
                // viewer's, which has only its own.
                let clashes_with: Vec<Context> = match b.context {
                    Context::Global => Context::ALL
                        .into_iter()
                        .filter(|c| *c != Context::Viewer)
                        .collect(),
                    Context::Viewer => vec![Context::Viewer],
                    c => vec![c, Context::Global],
                };
                for other in clashes_with {
                    if let Some(first) = by_key.get(&(other, *k))
                        && (other, *first) != (b.context, b.action)
                    {
                        return Err(KeyConflict {
                            key: *k,
                            first: (other, *first),
                            second: (b.context, b.action),
                        });
                    }
                }
                by_key.insert((b.context, *k), b.action);
            }
        }
        Ok(Keymap { by_key, bindings })
    }

    /// The action of `key` in `context`, else in `Global` (but for the
    /// viewer, which has only its own keys).
    pub fn action_for(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        let k = KeySpec::from_event(key);
        let own = self.by_key.get(&(context, k));
        match context {
            Context::Viewer => own.copied(),
            _ => own
                .or_else(|| self.by_key.get(&(Context::Global, k)))
                .copied(),
        }
    }

    /// Where `key` does something when it does nothing in `context`: the
    /// first other context (in help order) that binds it, and its action
    /// there. None when `key` works in `context` or nowhere.
    pub fn elsewhere(&self, context: Context, key: &KeyEvent) -> Option<(Context, Action)> {
        if self.action_for(context, key).is_some() {
            return None;
        }
        let k = KeySpec::from_event(key);
        Context::ALL
            .into_iter()
            .filter(|c| *c != context)
            .find_map(|c| self.by_key.get(&(c, k)).map(|a| (c, *a)))
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The first key of `action`, for hints such as "F1 help" (in the
    /// first context that has the action).
    pub fn key_for(&self, action: Action) -> Option<KeySpec> {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first().copied())
    }
}

/// Every action of every context, with the keys `given` for it or none.
fn all_bindings(given: &[Binding]) -> Vec<Binding> {
    Context::ALL
        .into_iter()
        .flat_map(|context| {
            context.actions().map(move |action| {
                let keys = given
                    .iter()
                    .rev()
                    .find(|b| b.context == context && b.action == action)
                    .map(|b| b.keys.clone())
                    .unwrap_or_default();
                Binding {
                    context,
                    action,
                    keys,
                }
            })
        })
        .collect()
}

/// `"F5"` or `["F5", "c"]` (`[]`: no key).
pub fn parse_keys(value: &toml::Value) -> Result<Vec<KeySpec>, String> {
    match value {
        toml::Value::String(k) => Ok(vec![KeySpec::parse(k)?]),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| match item {
                toml::Value::String(k) => KeySpec::parse(k),
                _ => Err("expected a key or a list of keys".to_string()),
            })
            .collect(),
        _ => Err("expected a key or a list of keys".to_string()),
    }
}

impl Default for Keymap {
    /// The built-in bindings. `assets/keymap.toml` is embedded at build
    /// time and checked by the tests below (it parses, binds every action,
    /// has no conflict), so this cannot fail in a build that passed them.
    fn default() -> Self {
        Keymap::from_toml(DEFAULT_KEYMAP).expect("assets/keymap.toml is checked by keymap's tests")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_default_keymap_parses_and_binds_every_action_of_every_context() {
        let km = Keymap::from_toml(DEFAULT_KEYMAP).expect("default keymap");
        let total: usize = Context::ALL.iter().map(|c| c.actions().count()).sum();
        assert_eq!(km.bindings().len(), total);
        assert!(total > 30, "the default keymap can never be empty");
        for b in km.bindings() {
            assert!(
                !b.keys.is_empty(),
                "{:?} {:?} has no key",
                b.context,
                b.action
            );
        }
        assert_eq!(Keymap::default(), km);
        // Every action has a home.
        for a in Action::ALL {
            assert!(!a.contexts().is_empty(), "{a:?} is in no context");
        }
    }

    #[test]
    fn a_key_serves_one_action_per_context() {
        let km = Keymap::default();
        let del = press(KeyCode::Delete);
        assert_eq!(
            km.action_for(Context::Queue, &del),
            Some(Action::CancelTransfer)
        );
        assert_eq!(km.action_for(Context::Pane, &del), Some(Action::Delete));
        // The log scrolls with Home and End; the queue's keys do nothing there.
        assert_eq!(
            km.action_for(Context::Log, &press(KeyCode::Home)),
            Some(Action::Top)
        );
        assert_eq!(
            km.action_for(Context::Log, &press(KeyCode::Char('c'))),
            None
        );
        // Global keys work everywhere but in the viewer, which has its own.
        for c in Context::ALL.into_iter().filter(|c| *c != Context::Viewer) {
            assert_eq!(km.action_for(c, &press(KeyCode::F(1))), Some(Action::Help));
        }
        assert_eq!(km.action_for(Context::Viewer, &press(KeyCode::F(1))), None);
    }

    #[test]
    fn parses_key_names_and_prints_them_back() {
        let k = KeySpec::parse("Ctrl-r").unwrap();
        assert_eq!(k.code, KeyCode::Char('r'));
        assert_eq!(k.mods, KeyModifiers::CONTROL);
        assert_eq!(KeySpec::parse("F10").unwrap().code, KeyCode::F(10));
        assert_eq!(KeySpec::parse("Shift-Tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeySpec::parse("-").unwrap().code, KeyCode::Char('-'));
        for n in 1..=24 {
            let text = format!("F{n}");
            let k = KeySpec::parse(&text).unwrap();
            assert_eq!(k.code, KeyCode::F(n));
            assert_eq!(k.to_string(), text);
        }
        assert!(KeySpec::parse("F25").is_err());
        assert!(KeySpec::parse("F0").is_err());
        assert!(KeySpec::parse("Hyper-x").is_err());
        for text in [
            "Ctrl-r",
            "Alt-.",
            "PgUp",
            "Space",
            "Shift-Tab",
            "Delete",
            "G",
        ] {
            assert_eq!(KeySpec::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn shifted_characters_match_with_or_without_shift() {
        let km = Keymap::default();
        let with = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        let without = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE);
        assert_eq!(km.action_for(Context::Pane, &with), Some(Action::Help));
        assert_eq!(km.action_for(Context::Pane, &without), Some(Action::Help));
        let upper_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.action_for(Context::Pane, &upper_g), Some(Action::Bottom));
    }

    #[test]
    fn a_key_bound_twice_in_one_context_or_beside_global_is_an_error() {
        let err = Keymap::from_toml("[pane]\nup = \"k\"\ndown = \"k\"").unwrap_err();
        assert!(err.contains("bound to both"), "{err}");
        let err = Keymap::from_toml("[pane]\ncopy = \"q\"\n[global]\nquit = \"q\"").unwrap_err();
        assert!(err.contains("copy") && err.contains("quit"), "{err}");
        // One key in two contexts is fine.
        let km = Keymap::from_toml("[pane]\ncopy = \"c\"\n[queue]\ncancel_transfer = \"c\"");
        assert!(km.is_ok(), "{km:?}");
        let err = Keymap::from_toml("[pane]\ncancel_transfer = \"c\"").unwrap_err();
        assert!(err.contains("cancel_transfer"), "{err}");
        let err = Keymap::from_toml("[sideways]\nup = \"k\"").unwrap_err();
        assert!(err.contains("sideways"), "{err}");
    }

    #[test]
    fn action_names_match_the_key_file_names() {
        for context in Context::ALL {
            for action in context.actions() {
                let text = format!("[{}]\n{} = \"F12\"", context.name(), action.name());
                let km = Keymap::from_toml(&text).unwrap();
                let f12 = press(KeyCode::F(12));
                assert_eq!(km.action_for(context, &f12), Some(action), "{text}");
                assert_eq!(Action::from_name(action.name()), Some(action));
            }
            assert_eq!(Context::from_name(context.name()), Some(context));
        }
        assert_eq!(Action::from_name("Copy"), None);
    }

    fn binding(context: Context, action: Action, keys: &[&str]) -> Binding {
        Binding {
            context,
            action,
            keys: keys.iter().map(|k| KeySpec::parse(k).unwrap()).collect(),
        }
    }

    #[test]
    fn an_override_replaces_that_actions_keys_only() {
        let (km, rejected) = Keymap::default().overridden(&[
            binding(Context::Pane, Action::Copy, &["c"]),
            binding(Context::Pane, Action::Move, &["F6", "m"]),
        ]);
        assert!(rejected.is_empty(), "{rejected:?}");
        let c = press(KeyCode::Char('c'));
        let f5 = press(KeyCode::F(5));
        assert_eq!(
            km.action_for(Context::Pane, &f5),
            None,
            "F5 no longer copies"
        );
        assert_eq!(km.action_for(Context::Pane, &c), Some(Action::Copy));
        // `c` still cancels in the queue: another context.
        assert_eq!(
            km.action_for(Context::Queue, &c),
            Some(Action::CancelTransfer)
        );
        assert_eq!(
            km.key_for(Action::Help),
            Keymap::default().key_for(Action::Help)
        );
    }

    #[test]
    fn a_conflicting_override_is_left_out_and_the_rest_apply() {
        let (km, rejected) = Keymap::default().overridden(&[
            binding(Context::Pane, Action::Copy, &["q"]),
            binding(Context::Pane, Action::Move, &["m"]),
            // Swapping two keys is no conflict: both overrides apply together.
            binding(Context::Global, Action::Connect, &["b"]),
            binding(Context::Global, Action::Bookmarks, &["F2"]),
        ]);
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert_eq!(rejected[0].0, 0);
        let why = rejected[0].1.to_string();
        assert_eq!(why, "key q is bound to both quit and copy");
        assert_eq!(
            km.key_for(Action::Copy),
            KeySpec::parse("F5").ok(),
            "copy kept its key"
        );
        assert_eq!(km.key_for(Action::Move), KeySpec::parse("m").ok());
        assert_eq!(km.key_for(Action::Connect), KeySpec::parse("b").ok());
        assert_eq!(km.key_for(Action::Bookmarks), KeySpec::parse("F2").ok());
        // Of two overrides that collide, the later one goes.
        let (_, rejected) = Keymap::default().overridden(&[
            binding(Context::Pane, Action::Copy, &["x"]),
            binding(Context::Pane, Action::Move, &["x"]),
        ]);
        assert_eq!(rejected.iter().map(|r| r.0).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn an_empty_list_unbinds_an_action() {
        let (km, _) = Keymap::default().overridden(&[binding(Context::Pane, Action::Copy, &[])]);
        assert_eq!(km.key_for(Action::Copy), None);
        assert_eq!(km.action_for(Context::Pane, &press(KeyCode::F(5))), None);
    }
}
