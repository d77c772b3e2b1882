//! A saved server ([`Bookmark`]) and a recent connection ([`Recent`]):
//! plain data (serde + TOML) with validation ([`Bookmark::validate`]) and
//! conversion to and from a [`ConnectProfile`].

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::address::UrlError;
use crate::engine::protocol::{
    ConnectProfile, DataMode, ListingSettings, NameEncoding, Security, Timeouts, TlsVersion,
    TlsVersions,
};

/// How to talk to the server. Only `Ftp` connects so far; the TLS variants
/// are stored so bookmarks made now keep working when FTPS arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// Plain FTP.
    #[default]
    Ftp,
    /// Explicit TLS: `AUTH TLS` on the normal port (`ftpes://`).
    Ftpes,
    /// Implicit TLS: TLS from the first byte, port 990 (`ftps://`).
    Ftps,
}

impl Protocol {
    /// The protocol a connection's security means.
    pub fn of(security: Security) -> Protocol {
        match security {
            Security::Plain => Protocol::Ftp,
            Security::Explicit => Protocol::Ftpes,
            Security::Implicit => Protocol::Ftps,
        }
    }

    /// How a connection with this protocol is secured; plain FTP upgrades
    /// to explicit TLS when `tls` says it is required.
    pub fn security(self, tls: TlsPolicy) -> Security {
        match (self, tls) {
            (Protocol::Ftp, TlsPolicy::Optional) => Security::Plain,
            (Protocol::Ftp, TlsPolicy::Required) | (Protocol::Ftpes, _) => Security::Explicit,
            (Protocol::Ftps, _) => Security::Implicit,
        }
    }

    pub fn default_port(self) -> u16 {
        match self {
            Protocol::Ftp | Protocol::Ftpes => 21,
            Protocol::Ftps => 990,
        }
    }

    /// The URL scheme: `ftp`, `ftpes` or `ftps`.
    pub fn scheme(self) -> &'static str {
        match self {
            Protocol::Ftp => "ftp",
            Protocol::Ftpes => "ftpes",
            Protocol::Ftps => "ftps",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.scheme())
    }
}

/// Where a bookmark's password lives. Never the password itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PasswordMode {
    /// In the system keyring ([`secret`]); asked for when it is not there.
    Keyring,
    /// Asked for at every connect.
    #[default]
    Ask,
}

// Hand-written so that a password typed into the file by mistake
// (`password = "hunter2"`) is not echoed back in the error message.
impl<'de> Deserialize<'de> for PasswordMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "keyring" => Ok(PasswordMode::Keyring),
            "ask" => Ok(PasswordMode::Ask),
            _ => Err(serde::de::Error::custom(
                "`password` must be \"keyring\" or \"ask\" \
                 (wharf never keeps passwords in this file)",
            )),
        }
    }
}

/// Passive or active data connections (serde mirror of [`DataMode`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Passive,
    Active,
}

impl From<Mode> for DataMode {
    fn from(m: Mode) -> DataMode {
        match m {
            Mode::Passive => DataMode::Passive,
            Mode::Active => DataMode::Active,
        }
    }
}

impl From<DataMode> for Mode {
    fn from(m: DataMode) -> Mode {
        match m {
            DataMode::Passive => Mode::Passive,
            DataMode::Active => Mode::Active,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Passive => "passive",
            Mode::Active => "active",
        })
    }
}

/// Whether an `ftp://` bookmark must be encrypted: `tls = "required"`
/// upgrades it with `AUTH TLS` and refuses a server that does not offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsPolicy {
    #[default]
    Optional,
    Required,
}

impl TlsPolicy {
    fn is_optional(&self) -> bool {
        *self == TlsPolicy::Optional
    }
}

/// `tls_min` / `tls_max` as the file writes them: `"1.2"`, `"1.3"`.
mod tls_version_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::engine::protocol::TlsVersion;

    pub fn serialize<S: Serializer>(v: &Option<TlsVersion>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(TlsVersion::Tls12) => s.serialize_str("1.2"),
            Some(TlsVersion::Tls13) => s.serialize_str("1.3"),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TlsVersion>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| {
                TlsVersion::parse(&t).ok_or_else(|| {
                    D::Error::custom(format!("`{t}`: a TLS version is \"1.2\" or \"1.3\""))
                })
            })
            .transpose()
    }
}

/// The most transfer connections a bookmark may ask for (as `-j`).
pub const MAX_CONNECTIONS: u16 = 64;

/// One saved server. Build one with [`Bookmark::new`] or
/// [`Bookmark::from_url`], change the public fields, and give it to
/// [`Store::add`] / [`Store::edit`], which validate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawBookmark")]
pub struct Bookmark {
    pub name: String,
    pub protocol: Protocol,
    /// A name or an IP address; IPv6 without brackets.
    pub host: String,
    pub port: u16,
    /// `None` logs in as anonymous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    pub password: PasswordMode,
    pub mode: Mode,
    /// Folder to open after login: absolute (`/pub`) or relative to the
    /// login folder (`pub`), as in the URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_dir: Option<String>,
    /// Local folder to open: absolute, or starting with `~`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_dir: Option<String>,
    /// Transfer connections at most (1–64); `None` uses the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<u16>,
    /// `ftp://` only: `required` upgrades with `AUTH TLS`.
    #[serde(skip_serializing_if = "TlsPolicy::is_optional")]
    pub tls: TlsPolicy,
    /// The oldest and newest TLS versions to use, for stubborn servers.
    #[serde(with = "tls_version_text", skip_serializing_if = "Option::is_none")]
    pub tls_min: Option<TlsVersion>,
    #[serde(with = "tls_version_text", skip_serializing_if = "Option::is_none")]
    pub tls_max: Option<TlsVersion>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// How the server's names are encoded: `auto` (UTF-8 when a listing's
    /// names all are, else Latin-1), `utf-8`, `latin1`, `windows-1251`,
    /// `shift_jis`, `gbk`, `euc-kr`… (any WHATWG label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The server's LIST clock against UTC (`+02:00`, `-05:30`), for a
    /// server whose MDTM cannot tell it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<String>,
}

/// The file form: `port` may be left out (it then follows the protocol).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBookmark {
    name: String,
    #[serde(default)]
    protocol: Protocol,
    host: String,
    port: Option<u16>,
    user: Option<String>,
    #[serde(default)]
    password: PasswordMode,
    #[serde(default)]
    mode: Mode,
    remote_dir: Option<String>,
    local_dir: Option<String>,
    connections: Option<u16>,
    #[serde(default)]
    tls: TlsPolicy,
    #[serde(default, with = "tls_version_text")]
    tls_min: Option<TlsVersion>,
    #[serde(default, with = "tls_version_text")]
    tls_max: Option<TlsVersion>,
    #[serde(default)]
    notes: String,
    encoding: Option<String>,
    utc_offset: Option<String>,
}

impl From<RawBookmark> for Bookmark {
    fn from(r: RawBookmark) -> Bookmark {
        Bookmark {
            port: r.port.unwrap_or(r.protocol.default_port()),
            name: r.name,
            protocol: r.protocol,
            host: r.host,
            user: r.user,
            password: r.password,
            mode: r.mode,
            remote_dir: r.remote_dir,
            local_dir: r.local_dir,
            connections: r.connections,
            tls: r.tls,
            tls_min: r.tls_min,
            tls_max: r.tls_max,
            notes: r.notes,
            encoding: r.encoding,
            utc_offset: r.utc_offset,
        }
    }
}

/// What is wrong with a bookmark. [`Invalid::field`] says which field, so a
/// form can put the cursor there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("the name is empty")]
    EmptyName,
    #[error("the name contains a control character")]
    NameControl,
    /// `@name/path` names a path under a bookmark: the name cannot hold `/`.
    #[error("the name must not contain `/` (`@name/path` names a folder under it)")]
    NameSlash,
    #[error("a bookmark named \"{0}\" already exists")]
    DuplicateName(String),
    #[error("the host is empty")]
    EmptyHost,
    #[error("the host must not contain spaces, `/` or control characters")]
    BadHost,
    #[error("the port must be 1–65535")]
    BadPort,
    #[error("the user name contains a control character")]
    BadUser,
    #[error("the remote folder must not contain NUL, CR or LF")]
    BadRemoteDir,
    #[error("the local folder must be absolute or start with `~/`")]
    BadLocalDir,
    #[error("connections must be 1–{MAX_CONNECTIONS}")]
    BadConnections,
    #[error("unknown encoding \"{0}\" (auto, utf-8, latin1, windows-1251, shift_jis…)")]
    BadEncoding(String),
    #[error("utc_offset must read like +02:00 or -05:30")]
    BadUtcOffset,
}

/// The fields of a bookmark, for pointing at the one that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Host,
    Port,
    User,
    RemoteDir,
    LocalDir,
    Connections,
    /// Set in the file only (no field on the form).
    Encoding,
    UtcOffset,
}

impl Invalid {
    pub fn field(&self) -> Field {
        match self {
            Invalid::EmptyName
            | Invalid::NameControl
            | Invalid::NameSlash
            | Invalid::DuplicateName(_) => Field::Name,
            Invalid::EmptyHost | Invalid::BadHost => Field::Host,
            Invalid::BadPort => Field::Port,
            Invalid::BadUser => Field::User,
            Invalid::BadRemoteDir => Field::RemoteDir,
            Invalid::BadLocalDir => Field::LocalDir,
            Invalid::BadConnections => Field::Connections,
            Invalid::BadEncoding(_) => Field::Encoding,
            Invalid::BadUtcOffset => Field::UtcOffset,
        }
    }
}

/// `+02:00`, `-5`, `+0530`, `UTC+1`: minutes east of UTC (at most 14 hours).
pub fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .unwrap_or(t);
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => (1, t),
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    (h >= 0 && (0..60).contains(&m) && minutes <= 14 * 60).then_some(sign * minutes)
}

impl Bookmark {
    /// The local folder to open with this bookmark, `~` standing for
    /// `home`.
    pub fn local_folder(&self, home: Option<&Path>) -> Option<PathBuf> {
        self.local_dir.as_deref().map(|d| expand_home(d, home))
    }

    /// A bookmark with the defaults: plain FTP on port 21, anonymous,
    /// passive, password asked for.
    pub fn new(name: &str, host: &str) -> Bookmark {
        Bookmark {
            name: name.to_string(),
            protocol: Protocol::Ftp,
            host: host.to_string(),
            port: Protocol::Ftp.default_port(),
            user: None,
            password: PasswordMode::Ask,
            mode: Mode::Passive,
            remote_dir: None,
            local_dir: None,
            connections: None,
            tls: TlsPolicy::Optional,
            tls_min: None,
            tls_max: None,
            notes: String::new(),
            encoding: None,
            utc_offset: None,
        }
    }

    /// A bookmark from `ftp://`, `ftpes://` or `ftps://`
    /// `[user[:password]@]host[:port][/path]` (a bare `host` means ftp://),
    /// read as `wharf URL` reads it. The password, if the URL holds one, is
    /// returned beside the bookmark, never inside it. `password` is set to
    /// `Keyring`; change it to `Ask` if the user wants that.
    pub fn from_url(name: &str, url: &str) -> Result<(Bookmark, Option<String>), UrlError> {
        let profile = crate::address::parse_url(url, DataMode::Passive, Timeouts::default())
            .map_err(|e| with_input(e, url))?;
        let bookmark = Bookmark {
            protocol: Protocol::of(profile.security),
            port: profile.port,
            user: profile.user,
            password: PasswordMode::Keyring,
            remote_dir: profile.path,
            ..Bookmark::new(name, &profile.host)
        };
        Ok((bookmark, profile.password))
    }

    /// Trims the name and the host and drops IPv6 brackets and empty
    /// folders. [`Store::add`] and [`Store::edit`] do this before validating.
    pub fn normalize(&mut self) {
        self.name = self.name.trim().to_string();
        let host = self.host.trim();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        self.host = host.to_string();
        for dir in [&mut self.remote_dir, &mut self.local_dir] {
            if dir.as_deref().is_some_and(|d| d.trim().is_empty()) {
                *dir = None;
            }
        }
        if self.user.as_deref() == Some("") {
            self.user = None;
        }
    }

    /// Checks the fields of this bookmark alone (the store checks that the
    /// name is unique).
    /// [`Bookmark::validate`] for a bookmark saved under a new name: that
    /// name may not contain `/` (older ones that do still load and work,
    /// see `address::split_bookmark`).
    pub fn validate_new_name(&self) -> Result<(), Invalid> {
        if self.name.contains('/') {
            return Err(Invalid::NameSlash);
        }
        self.validate()
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        if self.name.trim().is_empty() {
            return Err(Invalid::EmptyName);
        }
        if self.name.chars().any(char::is_control) {
            return Err(Invalid::NameControl);
        }
        if self.host.is_empty() {
            return Err(Invalid::EmptyHost);
        }
        if self
            .host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
        {
            return Err(Invalid::BadHost);
        }
        if self.port == 0 {
            return Err(Invalid::BadPort);
        }
        // CR/LF in anything sent on the control connection would let it
        // carry a second command.
        if self
            .user
            .as_deref()
            .is_some_and(|u| u.chars().any(char::is_control))
        {
            return Err(Invalid::BadUser);
        }
        if self
            .remote_dir
            .as_deref()
            .is_some_and(|d| d.contains(['\0', '\r', '\n']))
        {
            return Err(Invalid::BadRemoteDir);
        }
        if let Some(dir) = self.local_dir.as_deref() {
            let ok = !dir.contains('\0')
                && (dir == "~" || dir.starts_with("~/") || std::path::Path::new(dir).is_absolute());
            if !ok {
                return Err(Invalid::BadLocalDir);
            }
        }
        if self
            .connections
            .is_some_and(|n| n == 0 || n > MAX_CONNECTIONS)
        {
            return Err(Invalid::BadConnections);
        }
        if let Some(e) = self.encoding.as_deref()
            && NameEncoding::from_label(e).is_none()
        {
            return Err(Invalid::BadEncoding(e.to_string()));
        }
        if self
            .utc_offset
            .as_deref()
            .is_some_and(|o| parse_offset(o).is_none())
        {
            return Err(Invalid::BadUtcOffset);
        }
        Ok(())
    }

    /// What to connect with. `password` is what the keyring or the user
    /// gave; it is ignored for anonymous bookmarks.
    pub fn to_profile(&self, password: Option<String>, timeouts: Timeouts) -> ConnectProfile {
        ConnectProfile {
            host: self.host.clone(),
            port: self.port,
            password: self.user.as_ref().and(password),
            user: self.user.clone(),
            path: self.remote_dir.clone(),
            mode: self.mode.into(),
            timeouts,
            security: self.protocol.security(self.tls),
            tls_versions: TlsVersions {
                min: self.tls_min,
                max: self.tls_max,
            },
            listing: ListingSettings {
                encoding: self
                    .encoding
                    .as_deref()
                    .and_then(NameEncoding::from_label)
                    .unwrap_or_default(),
                utc_offset_minutes: self.utc_offset.as_deref().and_then(parse_offset),
            },
        }
    }

    /// True when connecting needs a password from the user or the keyring
    /// (anonymous bookmarks need none).
    pub fn needs_password(&self) -> bool {
        self.user.is_some()
    }

    /// The keyring account: `user@host:port` (`user@[::1]:21` for IPv6);
    /// `None` for anonymous bookmarks.
    pub fn account(&self) -> Option<String> {
        self.user
            .as_ref()
            .map(|u| format!("{u}@{}", authority(&self.host, self.port)))
    }

    /// The URL without a password, e.g. `ftpes://alice@example.org:2121`.
    /// The port is shown only when it is not the protocol's default.
    pub fn url(&self) -> String {
        url_of(self.protocol, &self.host, self.port, self.user.as_deref())
    }

    /// [`Bookmark::local_dir`] with `~` expanded; `None` when it is not set
    /// or there is no home folder.
    pub fn local_path(&self) -> Option<PathBuf> {
        let dir = self.local_dir.as_deref()?;
        match dir.strip_prefix('~') {
            Some(rest) => {
                let home = directories::BaseDirs::new()?.home_dir().to_path_buf();
                Some(home.join(rest.trim_start_matches('/')))
            }
            None => Some(PathBuf::from(dir)),
        }
    }

    /// A bookmark for a recent connection (to "save as bookmark").
    pub fn from_recent(name: &str, r: &Recent) -> Bookmark {
        Bookmark {
            protocol: r.protocol,
            port: r.port,
            user: r.user.clone(),
            mode: r.mode,
            remote_dir: r.remote_dir.clone(),
            ..Bookmark::new(name, &r.host)
        }
    }
}

/// One entry of the recent-connections list (newest first, at most
/// [`RECENT_MAX`]). Never holds a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recent {
    #[serde(default)]
    pub protocol: Protocol,
    pub host: String,
    pub port: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default)]
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_dir: Option<String>,
    /// RFC 3339 in the file.
    #[serde(with = "rfc3339")]
    pub when: DateTime<Utc>,
}

/// How many recent connections are kept.
pub const RECENT_MAX: usize = 10;

impl Recent {
    /// `profile.password` is not kept.
    pub fn from_profile(profile: &ConnectProfile, when: DateTime<Utc>) -> Recent {
        Recent {
            protocol: Protocol::of(profile.security),
            host: profile.host.clone(),
            port: profile.port,
            user: profile.user.clone(),
            mode: profile.mode.into(),
            remote_dir: profile.path.clone(),
            when,
        }
    }

    pub fn from_bookmark(b: &Bookmark, when: DateTime<Utc>) -> Recent {
        Recent {
            protocol: b.protocol,
            host: b.host.clone(),
            port: b.port,
            user: b.user.clone(),
            mode: b.mode,
            remote_dir: b.remote_dir.clone(),
            when,
        }
    }

    pub fn to_profile(&self, password: Option<String>, timeouts: Timeouts) -> ConnectProfile {
        Bookmark::from_recent("", self).to_profile(password, timeouts)
    }

    pub fn url(&self) -> String {
        url_of(self.protocol, &self.host, self.port, self.user.as_deref())
    }

    /// Two entries for the same server and login replace each other.
    pub(super) fn same_server(&self, other: &Recent) -> bool {
        self.protocol == other.protocol
            && self.host.eq_ignore_ascii_case(&other.host)
            && self.port == other.port
            && self.user == other.user
    }
}

fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn url_of(protocol: Protocol, host: &str, port: u16, user: Option<&str>) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    // Characters that would end or confuse the userinfo part of a URL.
    const USERINFO: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'%')
        .add(b'@')
        .add(b':')
        .add(b'/')
        .add(b'?')
        .add(b'#')
        .add(b'[')
        .add(b']');
    let mut out = format!("{}://", protocol.scheme());
    if let Some(u) = user {
        out.push_str(&utf8_percent_encode(u, USERINFO).to_string());
        out.push('@');
    }
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    out.push_str(&host);
    if port != protocol.default_port() {
        out.push_str(&format!(":{port}"));
    }
    out
}

/// Puts the URL the user typed, password masked, back into an error from
/// `parse_url` (which saw it rewritten to `ftp://`). Such errors end up in
/// the UI's log.
fn with_input(e: UrlError, input: &str) -> UrlError {
    let input = redact(input);
    match e {
        UrlError::Invalid(_, why) => UrlError::Invalid(input, why),
        UrlError::NoHost(_) => UrlError::NoHost(input),
        UrlError::Encoding(_) => UrlError::Encoding(input),
        other => other,
    }
}

/// `~/x` → the home folder joined with `x`.
fn expand_home(path: &str, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ if path == "~" => home
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(path)),
        _ => PathBuf::from(path),
    }
}

/// `ftp://user:secret@host/x` → `ftp://user:****@host/x`.
fn redact(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => format!(
                "{}{}:****{}",
                &url[..start],
                &authority[..colon],
                &url[start + at..]
            ),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Path, expand_home, redact};

    #[test]
    fn a_tilde_is_the_home_folder() {
        let home = Some(Path::new("/home/alice"));
        assert_eq!(
            expand_home("~/Downloads", home),
            Path::new("/home/alice/Downloads")
        );
        assert_eq!(expand_home("~", home), Path::new("/home/alice"));
        assert_eq!(expand_home("~/x", None), Path::new("~/x"));
        assert_eq!(expand_home("/srv/~x", home), Path::new("/srv/~x"));
    }

    #[test]
    fn passwords_are_masked_in_echoed_urls() {
        assert_eq!(redact("ftp://u:pw@h:1/x"), "ftp://u:****@h:1/x");
        assert_eq!(redact("u:p@ss@h/a@b"), "u:****@h/a@b");
        assert_eq!(redact("ftps://u@h"), "ftps://u@h");
        assert_eq!(redact("ftp://h/a:b@c"), "ftp://h/a:b@c");
        assert_eq!(redact("gopher://a:b@h"), "gopher://a:****@h");
    }
}

mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}
