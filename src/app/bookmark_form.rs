//! The bookmark form: every field of a bookmark as text or a choice, and
//! the validation that turns it back into a bookmark (errors name their
//! field, so the form can point at it).

use crate::bookmarks::{Bookmark, Field, MAX_CONNECTIONS, Mode, PasswordMode, Protocol, TlsPolicy};
use crate::engine::protocol::{ConnectProfile, Location, RemotePath, TlsVersion};

pub const NAME: usize = 0;
pub const PROTOCOL: usize = 1;
pub const HOST: usize = 2;
pub const PORT: usize = 3;
pub const USER: usize = 4;
pub const KEEP: usize = 5;
pub const PASSWORD: usize = 6;
pub const MODE: usize = 7;
pub const REMOTE_DIR: usize = 8;
pub const LOCAL_DIR: usize = 9;
pub const CONNECTIONS: usize = 10;
pub const ENCODING: usize = 11;
pub const UTC_OFFSET: usize = 12;
pub const NOTES: usize = 13;
pub const FIELD_COUNT: usize = 14;

pub const LABELS: [&str; FIELD_COUNT] = [
    "Name",
    "Protocol",
    "Host",
    "Port",
    "User",
    "Password kept",
    "Password",
    "Mode",
    "Remote folder",
    "Local folder",
    "Connections",
    "Encoding",
    "UTC offset",
    "Notes",
];

/// Fields chosen from a fixed set, cycled with Space or ←/→.
pub fn is_choice(field: usize) -> bool {
    matches!(field, PROTOCOL | KEEP | MODE)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookmarkForm {
    /// The name of the bookmark being edited (None: a new one).
    pub original: Option<String>,
    pub fields: [String; FIELD_COUNT],
    pub protocol: Protocol,
    pub keep: PasswordMode,
    pub mode: Mode,
    /// Settings the form does not show (`tls = "required"`, `tls_min`,
    /// `tls_max`: config-file settings for stubborn servers), kept as
    /// they were.
    pub tls: (TlsPolicy, Option<TlsVersion>, Option<TlsVersion>),
    pub focus: usize,
    /// The field at fault and why.
    pub error: Option<(usize, String)>,
}

impl BookmarkForm {
    pub fn edit(b: &Bookmark) -> Self {
        let mut fields: [String; FIELD_COUNT] = Default::default();
        fields[NAME] = b.name.clone();
        fields[HOST] = b.host.clone();
        fields[PORT] = b.port.to_string();
        fields[USER] = b.user.clone().unwrap_or_default();
        fields[REMOTE_DIR] = b.remote_dir.clone().unwrap_or_default();
        fields[LOCAL_DIR] = b.local_dir.clone().unwrap_or_default();
        fields[CONNECTIONS] = b.connections.map(|c| c.to_string()).unwrap_or_default();
        fields[ENCODING] = b.encoding.clone().unwrap_or_default();
        fields[UTC_OFFSET] = b.utc_offset.clone().unwrap_or_default();
        fields[NOTES] = b.notes.clone();
        BookmarkForm {
            original: Some(b.name.clone()),
            fields,
            protocol: b.protocol,
            keep: b.password,
            mode: b.mode,
            tls: (b.tls, b.tls_min, b.tls_max),
            focus: NAME,
            error: None,
        }
    }

    /// A new bookmark, filled in from the current connection when there is one.
    pub fn new_from(
        profile: Option<&ConnectProfile>,
        remote_dir: Option<&RemotePath>,
        local_dir: &Location,
    ) -> Self {
        let mut fields: [String; FIELD_COUNT] = Default::default();
        fields[PORT] = "21".into();
        fields[LOCAL_DIR] = local_dir.display().into_owned();
        let mut mode = Mode::Passive;
        let mut protocol = Protocol::Ftp;
        if let Some(p) = profile {
            protocol = Protocol::of(p.security);
            fields[NAME] = p.host.clone();
            fields[HOST] = p.host.clone();
            fields[PORT] = p.port.to_string();
            fields[USER] = p.user.clone().unwrap_or_default();
            fields[REMOTE_DIR] = remote_dir
                .map(|d| d.display().into_owned())
                .unwrap_or_default();
            mode = p.mode.into();
        }
        BookmarkForm {
            original: None,
            fields,
            protocol,
            keep: PasswordMode::Ask,
            mode,
            tls: (TlsPolicy::Optional, None, None),
            focus: NAME,
            error: None,
        }
    }

    /// The text shown for a field (choices as words, the password masked).
    pub fn shown(&self, field: usize) -> String {
        match field {
            PROTOCOL => self.protocol.to_string(),
            KEEP => match self.keep {
                PasswordMode::Keyring => "in the system keyring".into(),
                PasswordMode::Ask => "ask every time".into(),
            },
            MODE => self.mode.to_string(),
            PASSWORD if self.keep == PasswordMode::Ask => "(asked when connecting)".into(),
            PASSWORD => "*".repeat(self.fields[PASSWORD].chars().count()),
            // Empty means the default, said while the field is not edited.
            ENCODING if self.fields[ENCODING].trim().is_empty() && self.focus != ENCODING => {
                "auto (UTF-8, else Latin-1)".into()
            }
            UTC_OFFSET if self.fields[UTC_OFFSET].trim().is_empty() && self.focus != UTC_OFFSET => {
                "found with MDTM".into()
            }
            f => self.fields[f].clone(),
        }
    }

    /// Cycles a choice field forwards or backwards.
    pub fn cycle(&mut self, forward: bool) {
        match self.focus {
            PROTOCOL => {
                let all = [Protocol::Ftp, Protocol::Ftpes, Protocol::Ftps];
                let i = all.iter().position(|p| *p == self.protocol).unwrap_or(0);
                let next = if forward { (i + 1) % 3 } else { (i + 2) % 3 };
                // Keep the port in step when it was the old default.
                if self.fields[PORT] == self.protocol.default_port().to_string() {
                    self.fields[PORT] = all[next].default_port().to_string();
                }
                self.protocol = all[next];
            }
            KEEP => {
                self.keep = match self.keep {
                    PasswordMode::Ask => PasswordMode::Keyring,
                    PasswordMode::Keyring => PasswordMode::Ask,
                }
            }
            MODE => {
                self.mode = match self.mode {
                    Mode::Passive => Mode::Active,
                    Mode::Active => Mode::Passive,
                }
            }
            _ => {}
        }
    }

    /// Validates the form. `taken` holds the names of the other bookmarks.
    pub fn to_bookmark(
        &self,
        taken: &[String],
    ) -> Result<(Bookmark, Option<String>), (usize, String)> {
        let text = |f: usize| self.fields[f].trim();
        let opt = |f: usize| (!text(f).is_empty()).then(|| text(f).to_string());
        let port = match text(PORT) {
            "" => self.protocol.default_port(),
            p => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err((PORT, format!("the port must be 1–65535, not `{p}`"))),
            },
        };
        let connections = match text(CONNECTIONS) {
            "" => None,
            c => match c.parse::<u16>() {
                Ok(n) if (1..=MAX_CONNECTIONS).contains(&n) => Some(n),
                _ => {
                    return Err((
                        CONNECTIONS,
                        format!("connections must be 1–{MAX_CONNECTIONS}"),
                    ));
                }
            },
        };
        let name = text(NAME).to_string();
        if taken.iter().any(|t| {
            t.eq_ignore_ascii_case(&name)
                && self
                    .original
                    .as_deref()
                    .is_none_or(|o| !o.eq_ignore_ascii_case(t))
        }) {
            return Err((NAME, format!("a bookmark named \"{name}\" already exists")));
        }
        let b = Bookmark {
            name,
            protocol: self.protocol,
            host: text(HOST).to_string(),
            port,
            user: opt(USER),
            password: self.keep,
            mode: self.mode,
            remote_dir: opt(REMOTE_DIR),
            local_dir: opt(LOCAL_DIR),
            connections,
            tls: self.tls.0,
            tls_min: self.tls.1,
            tls_max: self.tls.2,
            notes: self.fields[NOTES].clone(),
            encoding: opt(ENCODING),
            utc_offset: opt(UTC_OFFSET),
        };
        b.validate()
            .map_err(|e| (field_index(e.field()), e.to_string()))?;
        let password = (self.keep == PasswordMode::Keyring && b.user.is_some())
            .then(|| self.fields[PASSWORD].clone())
            .filter(|p| !p.is_empty());
        Ok((b, password))
    }
}

fn field_index(f: Field) -> usize {
    match f {
        Field::Name => NAME,
        Field::Host => HOST,
        Field::Port => PORT,
        Field::User => USER,
        Field::RemoteDir => REMOTE_DIR,
        Field::LocalDir => LOCAL_DIR,
        Field::Connections => CONNECTIONS,
        Field::Encoding => ENCODING,
        Field::UtcOffset => UTC_OFFSET,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_port_points_at_the_port_field() {
        let mut f = BookmarkForm::new_from(None, None, &Location::Local("/home/me".into()));
        f.fields[NAME] = "work".into();
        f.fields[HOST] = "ftp.example.org".into();
        f.fields[PORT] = "70000".into();
        let (field, why) = f.to_bookmark(&[]).unwrap_err();
        assert_eq!(field, PORT);
        assert!(why.contains("1–65535"), "{why}");
        f.fields[PORT] = "2121".into();
        let (b, pw) = f.to_bookmark(&[]).expect("valid");
        assert_eq!((b.port, b.user, pw), (2121, None, None));
        let (field, _) = f.to_bookmark(&["WORK".into()]).unwrap_err();
        assert_eq!(field, NAME);
    }

    /// The encoding and the UTC offset are fields of the form: shown,
    /// edited, checked (an error points at them), and saved.
    #[test]
    fn encoding_and_utc_offset_are_edited_on_the_form() {
        let mut b = Bookmark::new("old", "ftp.example.org");
        b.encoding = Some("windows-1251".into());
        b.utc_offset = Some("+03:00".into());
        let mut f = BookmarkForm::edit(&b);
        assert_eq!(f.shown(ENCODING), "windows-1251");
        assert_eq!(f.shown(UTC_OFFSET), "+03:00");
        f.fields[ENCODING] = "klingon".into();
        assert_eq!(f.to_bookmark(&[]).unwrap_err().0, ENCODING);
        f.fields[ENCODING] = "shift_jis".into();
        f.fields[UTC_OFFSET] = "+99".into();
        assert_eq!(f.to_bookmark(&[]).unwrap_err().0, UTC_OFFSET);
        f.fields[UTC_OFFSET] = "-05:30".into();
        let (saved, _) = f.to_bookmark(&[]).expect("valid");
        assert_eq!(saved.encoding.as_deref(), Some("shift_jis"));
        assert_eq!(saved.utc_offset.as_deref(), Some("-05:30"));
        // Emptied: back to the defaults, which the form names.
        f.fields[ENCODING].clear();
        f.fields[UTC_OFFSET].clear();
        let (saved, _) = f.to_bookmark(&[]).expect("valid");
        assert_eq!((saved.encoding, saved.utc_offset), (None, None));
        assert!(f.shown(ENCODING).starts_with("auto"));
        assert_eq!(f.shown(UTC_OFFSET), "found with MDTM");
    }
}
