//! `~/.netrc` (or `$NETRC`): a user name and password for a host when
//! neither the URL nor a bookmark gives them, as ftp, curl and lftp do.
//!
//! The format, as those programs read it: whitespace-separated tokens;
//! `machine NAME` starts an entry and `default` starts the entry that
//! matches any host; inside an entry `login NAME`, `password SECRET` and
//! `account X` (ignored); `macdef NAME` defines an ftp macro, whose body
//! runs to the next empty line and is skipped. A token may be written in
//! double quotes, with `\"`, `\\`, `\n`, `\r` and `\t` escapes inside (as
//! curl allows), so a password can hold spaces. A line whose first
//! non-blank character is `#` is a comment. Keywords are matched without
//! regard to case, host names too; logins exactly. Unknown words are
//! skipped, as curl does.
//!
//! Matching: the first `machine` entry for the host (whose `login` equals
//! the user, when a user is given), else the first `default` entry (same
//! rule). Nothing here ever prints a password: [`Credentials`] has a
//! hand-written `Debug`, and syntax errors name lines, not tokens.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Overrides the file's location.
pub const NETRC_VAR: &str = "NETRC";

/// What a netrc entry gives for a host.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    pub login: Option<String>,
    pub password: Option<String>,
}

// Hand-written so a password never reaches a log through `{:?}`.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("password", &self.password.as_ref().map(|_| "****"))
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// `None` for `default`.
    machine: Option<String>,
    credentials: Credentials,
}

/// A parsed netrc file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Netrc {
    entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum NetrcError {
    #[error("cannot read {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{}line {line}: {message}", file_prefix(.path))]
    Syntax {
        path: Option<PathBuf>,
        line: usize,
        message: String,
    },
}

impl NetrcError {
    /// The file does not exist (not worth a warning).
    pub fn is_not_found(&self) -> bool {
        matches!(self, NetrcError::Read { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// `$NETRC` when set, else `~/.netrc`. `None` without a home folder.
pub fn netrc_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(NETRC_VAR).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|d| d.home_dir().join(".netrc"))
}

/// The credentials the netrc file gives for `host` (and `user`, when the
/// URL or bookmark names one). A missing file, or one that cannot be read
/// or parsed, gives `None` (and a warning in the log file); use
/// [`try_lookup`] to tell the user why.
pub fn lookup(host: &str, user: Option<&str>) -> Option<Credentials> {
    match try_lookup(host, user) {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!("netrc ignored: {e}");
            None
        }
    }
}

/// Like [`lookup`], but an unreadable or malformed file is an error (a
/// missing one is `Ok(None)`), for a warning to show.
pub fn try_lookup(host: &str, user: Option<&str>) -> Result<Option<Credentials>, NetrcError> {
    let Some(path) = netrc_path() else {
        return Ok(None);
    };
    match load(&path) {
        Ok(netrc) => Ok(netrc.find(host, user)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Reads and parses a netrc file.
pub fn load(path: &Path) -> Result<Netrc, NetrcError> {
    let bytes = std::fs::read(path).map_err(|source| NetrcError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| NetrcError::Read {
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"),
    })?;
    Netrc::parse(&text).map_err(|e| match e {
        NetrcError::Syntax { line, message, .. } => NetrcError::Syntax {
            path: Some(path.to_path_buf()),
            line,
            message,
        },
        other => other,
    })
}

impl Netrc {
    /// Parses a netrc file's text.
    pub fn parse(text: &str) -> Result<Netrc, NetrcError> {
        let mut lx = Lexer {
            text,
            pos: 0,
            line: 1,
            at_line_start: true,
        };
        let mut entries: Vec<Entry> = Vec::new();
        while let Some(tok) = lx.next()? {
            let word = tok.text.to_ascii_lowercase();
            // Quoted tokens are values, never keywords.
            match (tok.quoted, word.as_str()) {
                (false, "machine") => {
                    let host = lx.value("machine", tok.line)?;
                    entries.push(Entry {
                        machine: Some(host),
                        credentials: Credentials::default(),
                    });
                }
                (false, "default") => entries.push(Entry {
                    machine: None,
                    credentials: Credentials::default(),
                }),
                (false, kw @ ("login" | "password" | "account")) => {
                    let value = lx.value(kw, tok.line)?;
                    let Some(entry) = entries.last_mut() else {
                        return Err(syntax(
                            tok.line,
                            format!("`{kw}` before any `machine` or `default`"),
                        ));
                    };
                    match kw {
                        "login" => entry.credentials.login = Some(value),
                        "password" => entry.credentials.password = Some(value),
                        _ => {}
                    }
                }
                (false, "macdef") => {
                    lx.value("macdef", tok.line)?;
                    lx.skip_macro_body();
                }
                // Unknown words are skipped, as curl does.
                _ => {}
            }
        }
        Ok(Netrc { entries })
    }

    /// The first `machine` entry for `host` (with `login` equal to `user`
    /// when a user is given), else the first such `default` entry.
    pub fn find(&self, host: &str, user: Option<&str>) -> Option<Credentials> {
        let user_ok = |e: &&Entry| user.is_none_or(|u| e.credentials.login.as_deref() == Some(u));
        self.entries
            .iter()
            .filter(|e| {
                e.machine
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(host))
            })
            .find(user_ok)
            .or_else(|| {
                self.entries
                    .iter()
                    .filter(|e| e.machine.is_none())
                    .find(user_ok)
            })
            .map(|e| e.credentials.clone())
    }
}

fn file_prefix(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map(|p| format!("{}: ", p.display()))
        .unwrap_or_default()
}

fn syntax(line: usize, message: String) -> NetrcError {
    NetrcError::Syntax {
        path: None,
        line,
        message,
    }
}

struct Token {
    text: String,
    quoted: bool,
    line: usize,
}

struct Lexer<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
    /// Only blanks since the last newline (a `#` here starts a comment).
    at_line_start: bool,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.at_line_start = true;
        } else if !matches!(c, ' ' | '\t' | '\r') {
            self.at_line_start = false;
        }
        Some(c)
    }

    fn skip_to_end_of_line(&mut self) {
        while let Some(c) = self.peek() {
            if c == '\n' {
                return;
            }
            self.bump();
        }
    }

    fn next(&mut self) -> Result<Option<Token>, NetrcError> {
        loop {
            match self.peek() {
                None => return Ok(None),
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('#') if self.at_line_start => self.skip_to_end_of_line(),
                Some(_) => break,
            }
        }
        let line = self.line;
        let mut text = String::new();
        if self.peek() == Some('"') {
            self.bump();
            loop {
                match self.bump() {
                    None | Some('\n') => {
                        return Err(syntax(line, "a quoted string is not closed".into()));
                    }
                    Some('"') => break,
                    Some('\\') => match self.bump() {
                        None | Some('\n') => {
                            return Err(syntax(line, "a quoted string is not closed".into()));
                        }
                        Some('n') => text.push('\n'),
                        Some('r') => text.push('\r'),
                        Some('t') => text.push('\t'),
                        Some(other) => text.push(other),
                    },
                    Some(c) => text.push(c),
                }
            }
            return Ok(Some(Token {
                text,
                quoted: true,
                line,
            }));
        }
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                break;
            }
            text.push(c);
            self.bump();
        }
        Ok(Some(Token {
            text,
            quoted: false,
            line,
        }))
    }

    /// The value after a keyword.
    fn value(&mut self, keyword: &str, line: usize) -> Result<String, NetrcError> {
        match self.next()? {
            Some(t) => Ok(t.text),
            None => Err(syntax(line, format!("`{keyword}` without a value"))),
        }
    }

    /// Skips the rest of the `macdef` line and the body up to an empty line.
    fn skip_macro_body(&mut self) {
        self.skip_to_end_of_line();
        self.bump(); // the newline
        loop {
            let rest = &self.text[self.pos..];
            if rest.is_empty() {
                return;
            }
            let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
            let line = &rest[..line_len];
            for _ in line.chars() {
                self.bump();
            }
            if line.trim().is_empty() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(login: Option<&str>, password: Option<&str>) -> Option<Credentials> {
        Some(Credentials {
            login: login.map(str::to_string),
            password: password.map(str::to_string),
        })
    }

    const FILE: &str = r#"# wharf's test netrc
machine ftp.example.com login alice password "s3cret word"
machine ftp.example.com
    login bob
    password bobpw
    account ignored-acct
  # an indented comment
machine quoted.example.org login "carol" password "say \"hi\" \\ \t!"
macdef init
  machine macro.example.org login mallory password fromthemacro
  cd /pub

machine after-macro.example.org login dave password davepw
machine nopass.example.org login erin
machine hash.example.org login frank password pass#word
default login anonymous password guest@
"#;

    #[test]
    fn finds_credentials() {
        let netrc = Netrc::parse(FILE).unwrap();
        let cases: &[(&str, Option<&str>, Option<Credentials>)] = &[
            // The first machine entry for the host.
            (
                "ftp.example.com",
                None,
                creds(Some("alice"), Some("s3cret word")),
            ),
            (
                "FTP.Example.COM",
                None,
                creds(Some("alice"), Some("s3cret word")),
            ),
            // A given user picks the entry with that login.
            (
                "ftp.example.com",
                Some("bob"),
                creds(Some("bob"), Some("bobpw")),
            ),
            // A user no entry for the host has, nor the default: nothing.
            ("ftp.example.com", Some("zed"), None),
            // Logins match exactly.
            ("ftp.example.com", Some("Alice"), None),
            // Quoted tokens with escaped quotes, backslashes and tabs.
            (
                "quoted.example.org",
                None,
                creds(Some("carol"), Some("say \"hi\" \\ \t!")),
            ),
            // A macro body is skipped up to the empty line…
            (
                "macro.example.org",
                None,
                creds(Some("anonymous"), Some("guest@")),
            ),
            // …and parsing goes on after it.
            (
                "after-macro.example.org",
                None,
                creds(Some("dave"), Some("davepw")),
            ),
            ("nopass.example.org", None, creds(Some("erin"), None)),
            // `#` inside a token is not a comment.
            (
                "hash.example.org",
                None,
                creds(Some("frank"), Some("pass#word")),
            ),
            // Any other host gets `default`…
            (
                "elsewhere.net",
                None,
                creds(Some("anonymous"), Some("guest@")),
            ),
            // …when its login matches the user given.
            (
                "elsewhere.net",
                Some("anonymous"),
                creds(Some("anonymous"), Some("guest@")),
            ),
            ("elsewhere.net", Some("alice"), None),
        ];
        for (host, user, want) in cases {
            assert_eq!(&netrc.find(host, *user), want, "{host} {user:?}");
        }
    }

    #[test]
    fn small_files() {
        let cases: &[(&str, &str, Option<&str>, Option<Credentials>)] = &[
            ("", "h", None, None),
            ("# only a comment\n", "h", None, None),
            // One line, tabs and CRLF.
            (
                "machine h\tlogin u\r\npassword p\r\n",
                "h",
                None,
                creds(Some("u"), Some("p")),
            ),
            // Keywords in any case.
            (
                "MACHINE h LOGIN u PASSWORD p",
                "h",
                None,
                creds(Some("u"), Some("p")),
            ),
            // A quoted "machine" is a value, not a keyword.
            (
                "machine h login \"machine\" password p",
                "h",
                None,
                creds(Some("machine"), Some("p")),
            ),
            // Without a default, an unknown host gets nothing.
            ("machine h login u password p", "x", None, None),
            // Only default.
            (
                "default login u password p",
                "any",
                None,
                creds(Some("u"), Some("p")),
            ),
            // A machine entry wins over a default written before it.
            (
                "default login d password dp\nmachine h login u password p",
                "h",
                None,
                creds(Some("u"), Some("p")),
            ),
            // Unknown words are skipped.
            (
                "machine h port 21 login u password p",
                "h",
                None,
                creds(Some("u"), Some("p")),
            ),
            // A user given that the entry's login does not match.
            ("machine h login u password p", "h", Some("v"), None),
            // An entry without a login does not match a given user.
            ("machine h password p", "h", Some("u"), None),
            ("machine h password p", "h", None, creds(None, Some("p"))),
            // A macro at the end of the file, without an empty line after it.
            (
                "machine h login u password p\nmacdef x\nquit",
                "h",
                None,
                creds(Some("u"), Some("p")),
            ),
            // A comment line between tokens of an entry.
            (
                "machine h\n# login nobody\nlogin u password p",
                "h",
                None,
                creds(Some("u"), Some("p")),
            ),
            // Quoted empty password.
            (
                "machine h login u password \"\"",
                "h",
                None,
                creds(Some("u"), Some("")),
            ),
        ];
        for (text, host, user, want) in cases {
            let netrc = Netrc::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(&netrc.find(host, *user), want, "{text:?}");
        }
    }

    #[test]
    fn malformed_files_are_errors_with_a_line_and_no_secret() {
        let cases: &[(&str, usize, &str)] = &[
            ("machine h login u password \"open", 1, "not closed"),
            ("machine h\nlogin u\npassword \"op\nen\"", 3, "not closed"),
            ("machine h login u password \"x\\", 1, "not closed"),
            (
                "machine h login u password",
                1,
                "`password` without a value",
            ),
            ("\n\nmachine", 3, "`machine` without a value"),
            ("login u password p", 1, "before any `machine`"),
        ];
        for (text, line, what) in cases {
            let err = Netrc::parse(text).unwrap_err();
            let shown = err.to_string();
            match &err {
                NetrcError::Syntax { line: l, .. } => assert_eq!(l, line, "{text:?}: {shown}"),
                other => panic!("{other:?}"),
            }
            assert!(shown.contains(what), "{text:?}: {shown}");
            assert!(
                !shown.contains("open") && !shown.contains("en\""),
                "{shown}"
            );
        }
    }

    #[test]
    fn debug_hides_passwords() {
        let netrc = Netrc::parse("machine h login u password hunter2").unwrap();
        let shown = format!("{netrc:?} {:?}", netrc.find("h", None));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("****") && shown.contains("\"u\""), "{shown}");
    }

    #[test]
    fn load_names_the_file_and_tells_missing_from_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let missing = load(&dir.path().join("none")).unwrap_err();
        assert!(missing.is_not_found());
        let path = dir.path().join("netrc");
        std::fs::write(&path, "machine h login u password \"x").unwrap();
        let err = load(&path).unwrap_err();
        assert!(!err.is_not_found());
        assert!(
            err.to_string().starts_with(&path.display().to_string()),
            "{err}"
        );
        std::fs::write(&path, b"machine h login \xff").unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("UTF-8"));
        std::fs::write(&path, "machine h login u password p").unwrap();
        let netrc = load(&path).unwrap();
        assert_eq!(netrc.find("h", None), creds(Some("u"), Some("p")));
    }
}
