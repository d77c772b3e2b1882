//! `config.toml`: wharf's settings, with defaults embedded from
//! `assets/config.toml` (the text `wharf --print-default-config` prints).
//!
//! [`load`] never fails: a missing file means the defaults; a setting wharf
//! does not know is a warning naming it and its line; a value of the wrong
//! type or out of range is an error naming the file and line, and then the
//! whole file is set aside and the defaults apply (the caller says so).
//! `[keys]` is gentler: each entry that cannot apply (an unknown action or
//! key, a key another action has) is a warning with its line and is left
//! out, and the rest of the keys apply.
//!
//! [`config_dir`] and [`data_dir`] are the folders every part of wharf uses
//! for its files.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::app::keymap::{Action, Binding, Context, KeySpec, Keymap};
use crate::app::pane::SortKey;
use crate::engine::protocol::{DataMode, OnExisting, Timeouts, TlsVersion, TlsVersions};
use crate::engine::transfer::{TransferConfig, Verify};
use crate::ui::theme::{self, Theme};

/// The default configuration, exactly as `wharf --print-default-config`
/// prints it. A test checks that it parses to [`Config::default`].
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// The file's name inside [`config_dir`].
pub const FILE_NAME: &str = "config.toml";

/// Overrides [`config_dir`].
pub const CONFIG_DIR_VAR: &str = "WHARF_CONFIG_DIR";
/// Overrides [`data_dir`].
pub const DATA_DIR_VAR: &str = "WHARF_DATA_DIR";

/// The top-level settings, in the order the default file lists them.
pub const SETTINGS: [&str; 19] = [
    "connections",
    "connect_timeout",
    "reply_timeout",
    "retries",
    "verify",
    "mode",
    "keepalive",
    "tls",
    "tls_min",
    "tls_max",
    "show_hidden",
    "sort",
    "sort_reverse",
    "confirm_delete",
    "confirm_overwrite",
    "confirm_copy",
    "viewer",
    "theme",
    "keys",
];

/// Where config.toml (and the bookmarks) live: `$WHARF_CONFIG_DIR` when set,
/// else the platform's config folder for wharf (`~/.config/wharf` on Linux).
/// `None` when neither can be found (no home folder).
pub fn config_dir() -> Option<PathBuf> {
    env_dir(CONFIG_DIR_VAR).or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
}

/// Where wharf keeps data it writes (logs…): `$WHARF_DATA_DIR` when set,
/// else the platform's data folder for wharf (`~/.local/share/wharf` on
/// Linux).
pub fn data_dir() -> Option<PathBuf> {
    env_dir(DATA_DIR_VAR).or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
}

fn env_dir(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "wharf")
}

/// Every setting, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Transfer connections at most (1..=16).
    pub connections: usize,
    pub connect_timeout: Duration,
    pub reply_timeout: Duration,
    /// Retries of a transient transfer failure per file.
    pub retries: u32,
    /// Which copies are checked against the server's hash.
    pub verify: Verify,
    pub mode: DataMode,
    /// NOOP on an idle connection this often; `None` when `keepalive = 0`.
    pub keepalive: Option<Duration>,
    /// `tls = "required"`: `ftp://` connections upgrade with `AUTH TLS`
    /// and refuse a server that does not offer it.
    pub tls_required: bool,
    /// `tls_min` / `tls_max`: the TLS versions every connection may use
    /// (a bookmark's own take precedence).
    pub tls_versions: TlsVersions,
    pub show_hidden: bool,
    pub sort: SortKey,
    pub sort_reverse: bool,
    pub confirm_delete: bool,
    /// Ask when a transfer's target exists (false: overwrite).
    pub confirm_overwrite: bool,
    /// F5/F6 show the target folder first, editable (false: go at once).
    pub confirm_copy: bool,
    /// `viewer = "pager"`: F3 hands the file to `$PAGER` (else `less`).
    pub pager: bool,
    /// Colours, for `AppState::theme`.
    pub theme: Theme,
    /// The default bindings with `[keys]` applied.
    pub keymap: Keymap,
}

impl Default for Config {
    fn default() -> Self {
        let transfer = TransferConfig::default();
        let timeouts = Timeouts::default();
        Config {
            connections: transfer.connections,
            connect_timeout: timeouts.connect,
            reply_timeout: timeouts.reply,
            retries: transfer.retries,
            verify: transfer.verify,
            mode: DataMode::Passive,
            keepalive: Some(Duration::from_secs(60)),
            tls_required: false,
            tls_versions: TlsVersions {
                min: Some(TlsVersion::Tls12),
                max: Some(TlsVersion::Tls13),
            },
            show_hidden: false,
            sort: SortKey::Name,
            sort_reverse: false,
            confirm_delete: true,
            confirm_overwrite: true,
            confirm_copy: true,
            pager: false,
            theme: Theme::DEFAULT,
            keymap: Keymap::default(),
        }
    }
}

impl Config {
    /// For `ConnectProfile::timeouts`.
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: self.connect_timeout,
            reply: self.reply_timeout,
        }
    }

    /// For `engine::spawn_with` (the pool size, retries and checking; the
    /// rest default).
    pub fn transfer_config(&self) -> TransferConfig {
        TransferConfig {
            connections: self.connections,
            retries: self.retries,
            verify: self.verify,
            ..TransferConfig::default()
        }
    }

    /// For `TransferRequest::on_existing`.
    pub fn on_existing(&self) -> OnExisting {
        if self.confirm_overwrite {
            OnExisting::Ask
        } else {
            OnExisting::Overwrite
        }
    }
}

/// What [`load`] found.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The settings to use: the file's, or the defaults when `error` is set.
    pub config: Config,
    /// Settings that were ignored, one message each (`file:line: …`).
    pub warnings: Vec<String>,
    /// Why the file was set aside (one line per problem), if it was.
    pub error: Option<String>,
}

/// Reads `dir/config.toml`. Never fails: see [`Loaded`].
pub fn load(dir: &Path) -> Loaded {
    let path = dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Loaded {
            config: Config::default(),
            warnings: Vec::new(),
            error: None,
        },
        Err(e) => Loaded {
            config: Config::default(),
            warnings: Vec::new(),
            error: Some(format!("cannot read {}: {e}", path.display())),
        },
    }
}

/// Reads a config file's text; `origin` names it in messages.
pub fn parse(text: &str, origin: &str) -> Loaded {
    let mut r = Reader {
        text,
        origin,
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    let config = match DeTable::parse(text) {
        Ok(doc) => r.config(doc.get_ref()),
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            r.error(at, e.message().trim_end().to_string());
            Config::default()
        }
    };
    r.warnings.sort();
    r.errors.sort();
    let warnings = r.warnings.iter().map(|(at, m)| r.located(*at, m)).collect();
    let error = if r.errors.is_empty() {
        None
    } else {
        let lines: Vec<String> = r.errors.iter().map(|(at, m)| r.located(*at, m)).collect();
        Some(lines.join("\n"))
    };
    Loaded {
        config: if error.is_some() {
            Config::default()
        } else {
            config
        },
        warnings,
        error,
    }
}

type Value<'a> = Spanned<DeValue<'a>>;

/// Where a `[keys]` entry is: its context when it names one, its action's
/// name, its byte offset.
struct KeyEntry<'n> {
    context: Option<Context>,
    name: &'n str,
    at: usize,
}

struct Reader<'t> {
    text: &'t str,
    origin: &'t str,
    /// (byte offset, message)
    warnings: Vec<(usize, String)>,
    errors: Vec<(usize, String)>,
}

impl Reader<'_> {
    fn config(&mut self, doc: &DeTable<'_>) -> Config {
        let mut c = Config::default();
        for (key, value) in doc.iter() {
            let name: &str = key.get_ref();
            match name {
                "connections" => {
                    if let Some(n) = self.int(name, value, 1, 16) {
                        c.connections = n as usize;
                    }
                }
                "connect_timeout" => {
                    if let Some(n) = self.int(name, value, 1, 3600) {
                        c.connect_timeout = Duration::from_secs(n as u64);
                    }
                }
                "reply_timeout" => {
                    if let Some(n) = self.int(name, value, 1, 3600) {
                        c.reply_timeout = Duration::from_secs(n as u64);
                    }
                }
                "retries" => {
                    if let Some(n) = self.int(name, value, 0, 100) {
                        c.retries = n as u32;
                    }
                }
                "verify" => {
                    let modes = [
                        ("auto", Verify::Auto),
                        ("always", Verify::Always),
                        ("off", Verify::Off),
                    ];
                    if let Some(v) = self.choice(name, value, &modes) {
                        c.verify = v;
                    }
                }
                "keepalive" => {
                    if let Some(n) = self.int(name, value, 0, 3600) {
                        c.keepalive = (n > 0).then(|| Duration::from_secs(n as u64));
                    }
                }
                "tls" => {
                    let policies = [("optional", false), ("required", true)];
                    if let Some(required) = self.choice(name, value, &policies) {
                        c.tls_required = required;
                    }
                }
                "tls_min" | "tls_max" => {
                    let versions = [("1.2", TlsVersion::Tls12), ("1.3", TlsVersion::Tls13)];
                    if let Some(v) = self.choice(name, value, &versions) {
                        if name == "tls_min" {
                            c.tls_versions.min = Some(v);
                        } else {
                            c.tls_versions.max = Some(v);
                        }
                    }
                }
                "mode" => {
                    let modes = [("passive", DataMode::Passive), ("active", DataMode::Active)];
                    if let Some(m) = self.choice(name, value, &modes) {
                        c.mode = m;
                    }
                }
                "sort" => {
                    let keys = [
                        ("name", SortKey::Name),
                        ("size", SortKey::Size),
                        ("time", SortKey::Time),
                    ];
                    if let Some(k) = self.choice(name, value, &keys) {
                        c.sort = k;
                    }
                }
                "show_hidden" => self.flag(name, value, &mut c.show_hidden),
                "sort_reverse" => self.flag(name, value, &mut c.sort_reverse),
                "confirm_delete" => self.flag(name, value, &mut c.confirm_delete),
                "confirm_overwrite" => self.flag(name, value, &mut c.confirm_overwrite),
                "confirm_copy" => self.flag(name, value, &mut c.confirm_copy),
                "viewer" => {
                    let viewers = [("builtin", false), ("pager", true)];
                    if let Some(p) = self.choice(name, value, &viewers) {
                        c.pager = p;
                    }
                }
                "theme" => {
                    if let Some(t) = self.table(name, value) {
                        self.theme(t, &mut c.theme);
                    }
                }
                "keys" => match value.get_ref() {
                    DeValue::Table(t) => c.keymap = self.keys(t),
                    other => self.warn(
                        value.span().start,
                        format!(
                            "`keys` must be a table, [keys] (found {}; ignored)",
                            describe(other)
                        ),
                    ),
                },
                _ => self.warn(
                    key.span().start,
                    format!("unknown setting `{name}` (ignored)"),
                ),
            }
        }
        c
    }

    fn theme(&mut self, table: &DeTable<'_>, theme: &mut Theme) {
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            let Some(slot) = theme.role_mut(name) else {
                self.warn(
                    key.span().start,
                    format!("unknown colour `theme.{name}` (ignored)"),
                );
                continue;
            };
            let full = format!("theme.{name}");
            let Some(text) = self.string(&full, value) else {
                continue;
            };
            match theme::parse_color(text) {
                Ok(c) => *slot = c,
                Err(e) => self.error(value.span().start, format!("`{full}`: {e}")),
            }
        }
    }

    /// The `[keys]` table applied to the defaults. Entries are
    /// `action = keys`, where the action's name says its context (a move,
    /// such as `up`, is the same in every context that has it), or
    /// `context.action = keys` (also written as a `[keys.context]` table).
    /// Each entry that cannot apply is a warning with its line and is left
    /// out; the rest apply.
    fn keys(&mut self, table: &DeTable<'_>) -> Keymap {
        let mut overrides = Vec::new();
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            let at = key.span().start;
            match (Context::from_name(name), value.get_ref()) {
                (Some(context), DeValue::Table(actions)) => {
                    for (key, value) in actions.iter() {
                        let entry = KeyEntry {
                            context: Some(context),
                            name: key.get_ref(),
                            at: key.span().start,
                        };
                        self.key_entry(entry, value, &mut overrides);
                    }
                }
                (Some(_), other) => self.warn(
                    value.span().start,
                    format!(
                        "`keys.{name}` must be a table of actions, [keys.{name}] (found {}; ignored)",
                        describe(other)
                    ),
                ),
                (None, _) => {
                    let entry = KeyEntry {
                        context: None,
                        name,
                        at,
                    };
                    self.key_entry(entry, value, &mut overrides);
                }
            }
        }
        let bindings: Vec<Binding> = overrides.iter().map(|(b, _)| b.clone()).collect();
        let (keymap, rejected) = Keymap::default().overridden(&bindings);
        for (i, conflict) in rejected {
            self.warn(overrides[i].1, format!("{conflict} (ignored)"));
        }
        keymap
    }

    /// One `[keys]` entry as bindings (one per context it names), each with
    /// the entry's offset; or a warning.
    fn key_entry(
        &mut self,
        entry: KeyEntry<'_>,
        value: &Value<'_>,
        out: &mut Vec<(Binding, usize)>,
    ) {
        let full = match entry.context {
            Some(c) => format!("keys.{}.{}", c.name(), entry.name),
            None => format!("keys.{}", entry.name),
        };
        let Some(action) = Action::from_name(entry.name) else {
            return self.warn(entry.at, format!("unknown action `{full}` (ignored)"));
        };
        let contexts: Vec<Context> = match entry.context {
            Some(c) if c.has(action) => vec![c],
            Some(c) => {
                let home: Vec<&str> = action.contexts().iter().map(|c| c.name()).collect();
                return self.warn(
                    entry.at,
                    format!(
                        "`{full}`: {} is an action of {}, not {} (ignored)",
                        entry.name,
                        home.join(", "),
                        c.name()
                    ),
                );
            }
            None => action.contexts().to_vec(),
        };
        let items: Vec<&Value<'_>> = match value.get_ref() {
            DeValue::String(_) => vec![value],
            DeValue::Array(items) => items.iter().collect(),
            other => {
                return self.warn(
                    value.span().start,
                    format!(
                        "`{full}` must be a key or a list of keys, such as \"F5\" or \
                         [\"F5\", \"c\"] (found {}; ignored)",
                        describe(other)
                    ),
                );
            }
        };
        let mut keys = Vec::new();
        for item in items {
            let parsed = match item.get_ref() {
                DeValue::String(text) => KeySpec::parse(text),
                other => Err(format!("expected a key, found {}", describe(other))),
            };
            match parsed {
                Ok(k) => keys.push(k),
                Err(e) => return self.warn(item.span().start, format!("`{full}`: {e} (ignored)")),
            }
        }
        for context in contexts {
            let binding = Binding {
                context,
                action,
                keys: keys.clone(),
            };
            out.push((binding, entry.at));
        }
    }

    fn int(&mut self, name: &str, value: &Value<'_>, min: i64, max: i64) -> Option<i64> {
        let n = match value.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            other => {
                self.error(
                    value.span().start,
                    format!(
                        "`{name}` must be a whole number from {min} to {max} (found {})",
                        describe(other)
                    ),
                );
                return None;
            }
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                let shown = &self.text[clamp(value.span(), self.text.len())];
                self.error(
                    value.span().start,
                    format!("`{name}` must be from {min} to {max} (found {shown})"),
                );
                None
            }
        }
    }

    fn flag(&mut self, name: &str, value: &Value<'_>, out: &mut bool) {
        match value.get_ref() {
            DeValue::Boolean(b) => *out = *b,
            other => self.error(
                value.span().start,
                format!("`{name}` must be true or false (found {})", describe(other)),
            ),
        }
    }

    fn string<'v>(&mut self, name: &str, value: &'v Value<'_>) -> Option<&'v str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            other => {
                self.error(
                    value.span().start,
                    format!("`{name}` must be a string (found {})", describe(other)),
                );
                None
            }
        }
    }

    fn choice<T: Copy>(
        &mut self,
        name: &str,
        value: &Value<'_>,
        options: &[(&str, T)],
    ) -> Option<T> {
        let mut allowed = String::new();
        for (i, (o, _)) in options.iter().enumerate() {
            let sep = match i {
                0 => "",
                i if i + 1 == options.len() => " or ",
                _ => ", ",
            };
            let _ = write!(allowed, "{sep}\"{o}\"");
        }
        match value.get_ref() {
            DeValue::String(s) => {
                let found = options.iter().find(|(o, _)| o.eq_ignore_ascii_case(s));
                if found.is_none() {
                    self.error(
                        value.span().start,
                        format!("`{name}` must be {allowed} (found \"{s}\")"),
                    );
                }
                found.map(|(_, v)| *v)
            }
            other => {
                self.error(
                    value.span().start,
                    format!("`{name}` must be {allowed} (found {})", describe(other)),
                );
                None
            }
        }
    }

    fn table<'v, 'i>(&mut self, name: &str, value: &'v Value<'i>) -> Option<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            other => {
                self.error(
                    value.span().start,
                    format!(
                        "`{name}` must be a table, [{name}] (found {})",
                        describe(other)
                    ),
                );
                None
            }
        }
    }

    fn warn(&mut self, at: usize, message: String) {
        self.warnings.push((at, message));
    }

    fn error(&mut self, at: usize, message: String) {
        self.errors.push((at, message));
    }

    /// `origin:line:column: message`, from a byte offset.
    fn located(&self, at: usize, message: &str) -> String {
        let (line, col) = crate::text::line_col(self.text, at);
        format!("{}:{line}:{col}: {message}", self.origin)
    }
}

fn clamp(span: Range<usize>, len: usize) -> Range<usize> {
    span.start.min(len)..span.end.min(len)
}

/// "a string (\"four\")", "an integer", "a table"…
fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("the string \"{s}\""),
        DeValue::Integer(i) => format!("the number {}", i.as_str()),
        DeValue::Float(_) => "a fractional number".into(),
        DeValue::Boolean(b) => format!("{b}"),
        DeValue::Datetime(_) => "a date".into(),
        DeValue::Array(_) => "a list".into(),
        DeValue::Table(_) => "a table".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::style::Color;

    fn ok(text: &str) -> Config {
        let l = parse(text, "config.toml");
        assert_eq!(l.error, None, "{text}");
        assert!(l.warnings.is_empty(), "{:?}", l.warnings);
        l.config
    }

    fn err(text: &str) -> String {
        let l = parse(text, "config.toml");
        assert_eq!(l.config, Config::default(), "an error means the defaults");
        l.error.unwrap_or_else(|| panic!("no error for {text:?}"))
    }

    #[test]
    fn the_embedded_file_is_the_defaults() {
        assert_eq!(ok(DEFAULT_CONFIG), Config::default());
        assert_eq!(ok(""), Config::default());
    }

    #[test]
    fn the_embedded_file_lists_every_setting_and_colour() {
        let doc = DeTable::parse(DEFAULT_CONFIG).unwrap();
        let mut top: Vec<(usize, &str)> = doc
            .get_ref()
            .iter()
            .map(|(k, _)| (k.span().start, k.get_ref().as_ref()))
            .collect();
        top.sort();
        let top: Vec<&str> = top.into_iter().map(|(_, k)| k).collect();
        assert_eq!(top, SETTINGS);
        let Some(DeValue::Table(t)) = doc.get_ref().get("theme").map(|v| v.get_ref()) else {
            panic!("no [theme]");
        };
        let mut roles: Vec<(usize, &str)> = t
            .iter()
            .map(|(k, _)| (k.span().start, k.get_ref().as_ref()))
            .collect();
        roles.sort();
        let roles: Vec<&str> = roles.into_iter().map(|(_, k)| k).collect();
        assert_eq!(roles, theme::ROLES);
    }

    #[test]
    fn the_commented_key_list_is_the_default_keymap() {
        // Uncomment every `# action = …` line after [keys]: that must change nothing.
        let (head, keys) = DEFAULT_CONFIG.split_once("\n[keys]\n").unwrap();
        let mut text = format!("{head}\n[keys]\n");
        for line in keys.lines() {
            if let Some(binding) = line.strip_prefix("# ")
                && binding.contains(" = ")
            {
                text.push_str(binding);
                text.push('\n');
            }
        }
        // A new action needs its default line in assets/config.toml too.
        let default = Keymap::default();
        let missing: Vec<String> = Action::ALL
            .iter()
            .filter(|a| !keys.contains(&format!("# {} = ", a.name())))
            .map(|a| {
                let ks = default
                    .bindings()
                    .iter()
                    .find(|b| b.action == *a)
                    .map(|b| {
                        b.keys
                            .iter()
                            .map(|k| format!("\"{k}\""))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                format!("# {} = [{}]", a.name(), ks.join(", "))
            })
            .collect();
        assert!(
            missing.is_empty(),
            "add to the [keys] list of assets/config.toml:\n{}",
            missing.join("\n")
        );
        let c = ok(&text);
        assert_eq!(c.keymap, Keymap::default());
    }

    #[test]
    fn reads_every_setting() {
        let c = ok(r##"
connections = 2
connect_timeout = 5
reply_timeout = 60
retries = 0
verify = "always"
mode = "active"
keepalive = 0
show_hidden = true
sort = "time"
sort_reverse = true
confirm_delete = false
confirm_overwrite = false
viewer = "pager"

[theme]
border = "#ff8800"
file = "238"
dialog_bg = "default"

[keys]
copy = "c"
cancel_transfer = "Delete"
"##);
        assert_eq!(c.connections, 2);
        assert_eq!(c.timeouts().connect, Duration::from_secs(5));
        assert_eq!(c.timeouts().reply, Duration::from_secs(60));
        assert_eq!(c.transfer_config().connections, 2);
        assert_eq!(c.transfer_config().retries, 0);
        assert_eq!(c.transfer_config().verify, Verify::Always);
        assert_eq!(c.mode, DataMode::Active);
        assert_eq!(c.keepalive, None);
        assert!(c.show_hidden && c.sort_reverse);
        assert_eq!(c.sort, SortKey::Time);
        assert!(!c.confirm_delete);
        assert!(c.pager && !Config::default().pager);
        assert_eq!(c.on_existing(), OnExisting::Overwrite);
        assert_eq!(c.theme.border, Some(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(c.theme.file, Some(Color::Indexed(238)));
        assert_eq!(c.theme.dialog_bg, None);
        assert_eq!(c.theme.header, Theme::DEFAULT.header);
        let key_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        let f5 = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
        assert_eq!(
            c.keymap.action_for(Context::Pane, &key_c),
            Some(Action::Copy)
        );
        assert_eq!(c.keymap.action_for(Context::Pane, &f5), None);
        assert_eq!(Config::default().on_existing(), OnExisting::Ask);
    }

    #[test]
    fn unknown_keys_are_warnings_with_their_name_and_line() {
        let l = parse(
            "connections = 3\nconections = 4\n\n[theme]\nborder = \"red\"\nborderr = \"red\"\n\n[keys]\ncopi = \"F5\"\n",
            "/x/config.toml",
        );
        assert_eq!(l.error, None);
        assert_eq!(l.config.connections, 3, "the rest still applies");
        assert_eq!(l.config.theme.border, Some(Color::Red));
        assert_eq!(
            l.warnings,
            [
                "/x/config.toml:2:1: unknown setting `conections` (ignored)",
                "/x/config.toml:6:1: unknown colour `theme.borderr` (ignored)",
                "/x/config.toml:9:1: unknown action `keys.copi` (ignored)",
            ]
        );
    }

    #[test]
    fn a_wrong_type_is_an_error_with_its_line() {
        let e = err("# comment\nretries = 2\nconnections = \"four\"\n");
        assert!(e.starts_with("config.toml:3:15: `connections`"), "{e}");
        assert!(e.contains("whole number") && e.contains("\"four\""), "{e}");
        let e = err("show_hidden = \"yes\"");
        assert!(
            e.starts_with("config.toml:1:15:") && e.contains("true or false"),
            "{e}"
        );
        let e = err("reply_timeout = 2.5");
        assert!(e.contains("whole number"), "{e}");
        let e = err("theme = \"dark\"");
        assert!(e.contains("table"), "{e}");
        let e = err("[theme]\nborder = 5");
        assert!(
            e.starts_with("config.toml:2:10:") && e.contains("theme.border"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_value_is_an_error_with_its_line() {
        let e = err("connections = 4\n\nmode = \"sideways\"\n");
        assert_eq!(
            e,
            "config.toml:3:8: `mode` must be \"passive\" or \"active\" (found \"sideways\")"
        );
        let e = err("connections = 0");
        assert_eq!(
            e,
            "config.toml:1:15: `connections` must be from 1 to 16 (found 0)"
        );
        let e = err("retries = -1");
        assert!(
            e.contains("`retries` must be from 0 to 100 (found -1)"),
            "{e}"
        );
        let e = err("connect_timeout = 99999999999999999999");
        assert!(e.contains("connect_timeout"), "{e}");
        let e = err("sort = \"colour\"");
        assert!(e.contains("\"name\", \"size\" or \"time\""), "{e}");
        let e = err("[theme]\nheader = \"sideways\"");
        assert!(
            e.starts_with("config.toml:2:10:") && e.contains("sideways"),
            "{e}"
        );
    }

    #[test]
    fn every_problem_is_reported_in_line_order() {
        let e = err("mode = \"x\"\nconnections = 0\n");
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 2, "{e}");
        assert!(lines[0].starts_with("config.toml:1:") && lines[1].starts_with("config.toml:2:"));
    }

    /// Parses with warnings only, and returns the config and the warnings.
    fn warned(text: &str) -> (Config, Vec<String>) {
        let l = parse(text, "config.toml");
        assert_eq!(l.error, None, "{text}");
        (l.config, l.warnings)
    }

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn a_bad_key_entry_is_a_warning_with_its_line_and_the_rest_applies() {
        let (c, w) = warned(
            "connections = 2\n[keys]\nhelp = \"F1\"\ncopy = \"q\"\nmove = [\"F6\", \"Hyper-x\"]\n\
             kopy = \"x\"\nreload = 5\nfilter = \"F17\"\n",
        );
        assert_eq!(
            w,
            [
                "config.toml:4:1: key q is bound to both quit and copy (ignored)",
                "config.toml:5:15: `keys.move`: unknown key `Hyper-x` (ignored)",
                "config.toml:6:1: unknown action `keys.kopy` (ignored)",
                "config.toml:7:10: `keys.reload` must be a key or a list of keys, such as \"F5\" \
                 or [\"F5\", \"c\"] (found the number 5; ignored)",
            ]
        );
        assert_eq!(c.connections, 2, "the other settings apply");
        let km = &c.keymap;
        // The bad entries are left out: their actions keep their defaults.
        assert_eq!(
            km.action_for(Context::Pane, &press(KeyCode::F(5))),
            Some(Action::Copy)
        );
        assert_eq!(
            km.action_for(Context::Pane, &press(KeyCode::F(6))),
            Some(Action::Move)
        );
        assert_eq!(
            km.action_for(
                Context::Pane,
                &KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)
            ),
            Some(Action::Reload)
        );
        // …and the good ones apply.
        assert_eq!(
            km.action_for(Context::Pane, &press(KeyCode::F(17))),
            Some(Action::Filter)
        );
        assert_eq!(
            km.action_for(Context::Pane, &press(KeyCode::Char('/'))),
            None
        );
    }

    #[test]
    fn keys_can_name_their_context() {
        let (c, w) = warned(
            "[keys]\nlog.top = \"t\"\ncopy = \"c\"\n\n[keys.queue]\ncancel_transfer = \"Delete\"\n\
             up = \"w\"\nopen = \"o\"\n",
        );
        assert_eq!(
            w,
            ["config.toml:8:1: `keys.queue.open`: open is an action of pane, not queue (ignored)"]
        );
        let km = &c.keymap;
        let t = press(KeyCode::Char('t'));
        let w_key = press(KeyCode::Char('w'));
        assert_eq!(km.action_for(Context::Log, &t), Some(Action::Top));
        assert_eq!(
            km.action_for(Context::Pane, &t),
            None,
            "only the log's top moved"
        );
        assert_eq!(km.action_for(Context::Queue, &w_key), Some(Action::Up));
        assert_eq!(km.action_for(Context::Pane, &w_key), None);
        // `c` copies in a pane and no longer cancels in the queue.
        let c_key = press(KeyCode::Char('c'));
        assert_eq!(km.action_for(Context::Pane, &c_key), Some(Action::Copy));
        assert_eq!(km.action_for(Context::Queue, &c_key), None);
        // A plain move changes every context that moves.
        // (`d`: free in every context; `n` is the log's search_older.)
        let (c, w) = warned("[keys]\ndown = \"d\"\n");
        assert!(w.is_empty(), "{w:?}");
        for context in [Context::Pane, Context::Queue, Context::Log] {
            let n = press(KeyCode::Char('d'));
            assert_eq!(c.keymap.action_for(context, &n), Some(Action::Down));
        }
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = err("connections = 4\nmode = \"passive\n");
        assert!(e.starts_with("config.toml:2:"), "{e}");
        let e = err("connections = 4\nconnections = 5\n");
        assert!(e.starts_with("config.toml:2:"), "{e}");
    }

    #[test]
    fn a_missing_file_is_the_defaults_and_an_unreadable_one_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let l = load(dir.path());
        assert_eq!(
            (l.config, l.error, l.warnings.len()),
            (Config::default(), None, 0)
        );
        std::fs::create_dir(dir.path().join(FILE_NAME)).unwrap();
        let l = load(dir.path());
        assert!(l.error.unwrap().contains("cannot read"));
        std::fs::remove_dir(dir.path().join(FILE_NAME)).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "connections = 0\n").unwrap();
        let e = load(dir.path()).error.unwrap();
        let name = dir.path().join(FILE_NAME).display().to_string();
        assert!(e.starts_with(&format!("{name}:1:15:")), "{e}");
        std::fs::write(dir.path().join(FILE_NAME), b"connections = \xff\n").unwrap();
        assert!(load(dir.path()).error.is_some(), "not UTF-8");
    }
}
