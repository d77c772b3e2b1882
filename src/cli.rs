//! Command-line definitions and FTP URL parsing.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use percent_encoding::percent_decode_str;

use crate::engine::protocol::{ConnectProfile, DataMode, OnExisting, Timeouts};

#[derive(Debug, Parser)]
#[command(
    name = "wharf",
    version,
    about = "A dual-pane FTP file manager for the terminal",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Server to open: ftp://[user[:password]@]host[:port][/path], or
    /// @NAME for a saved bookmark.
    pub url: Option<String>,
    /// Connect through the bookmark NAME (the same as @NAME).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["url", "demo"])]
    pub bookmark: Option<String>,
    /// Start against an embedded demo server with a sample tree.
    #[arg(long, conflicts_with = "url")]
    pub demo: bool,
    /// Transfer connections at most (default: `connections` in config.toml, 4).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub connections: Option<u16>,
    /// Print the default config.toml (every setting, documented) and exit.
    #[arg(long)]
    pub print_default_config: bool,
    /// Log level for the log file (error, warn, info, debug, trace, or a
    /// filter like `wharf=debug`); the WHARF_LOG variable works too.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,
    #[command(flatten)]
    pub net: NetArgs,
    #[command(subcommand)]
    pub command: Option<Sub>,
}

#[derive(Debug, Clone, Args)]
pub struct NetArgs {
    /// Active mode: the server connects back to us (EPRT/PORT).
    #[arg(long, global = true, conflicts_with = "passive")]
    pub active: bool,
    /// Passive mode (EPSV, then PASV): the default.
    #[arg(long, global = true)]
    pub passive: bool,
    /// Seconds to wait for a connection (default: config.toml, 15).
    #[arg(long, global = true, value_name = "SECS")]
    pub connect_timeout: Option<u64>,
    /// Seconds to wait for each reply and each data read (default: config.toml, 30).
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,
}

impl NetArgs {
    /// The data mode the flags ask for, else `default` (from config.toml).
    pub fn mode_or(&self, default: DataMode) -> DataMode {
        if self.active {
            DataMode::Active
        } else if self.passive {
            DataMode::Passive
        } else {
            default
        }
    }

    /// The timeouts the flags ask for, else `default`'s.
    pub fn timeouts_or(&self, default: Timeouts) -> Timeouts {
        Timeouts {
            connect: self
                .connect_timeout
                .map_or(default.connect, |s| Duration::from_secs(s.max(1))),
            reply: self
                .timeout
                .map_or(default.reply, |s| Duration::from_secs(s.max(1))),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Sub {
    /// List, add or remove saved bookmarks (the file the TUI's manager edits).
    Bookmarks {
        #[command(subcommand)]
        op: BookmarkCmd,
    },
    /// Print a long listing of a remote folder and exit.
    Ls {
        /// ftp://[user[:password]@]host[:port][/path]
        url: String,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Download a file, or a folder with everything in it, and exit.
    ///
    /// Placed as `cp -r` does: into LOCAL when it is an existing folder,
    /// otherwise as LOCAL. Exits 0 only when every file arrived complete.
    Get {
        /// ftp://[user[:password]@]host[:port]/path (relative to the login folder)
        url: String,
        /// Where to put it (default: the current folder).
        #[arg(default_value = ".")]
        local: PathBuf,
        #[command(flatten)]
        copy: CopyArgs,
    },
    /// Upload files and folders (with everything in them) and exit.
    ///
    /// Placed as `cp -r` does: into URL when it is an existing folder,
    /// otherwise as URL (one LOCAL only). Exits 0 only when every file
    /// arrived complete.
    Put {
        /// Local files or folders.
        #[arg(required = true)]
        local: Vec<PathBuf>,
        /// ftp://[user[:password]@]host[:port]/path (relative to the login folder)
        url: String,
        #[command(flatten)]
        copy: CopyArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum BookmarkCmd {
    /// Print the bookmarks.
    List,
    /// Save a bookmark: `wharf bookmarks add work ftp://me@host/dir`.
    Add {
        name: String,
        /// ftp://[user[:password]@]host[:port][/path]; a password goes to the
        /// system keyring, never to the file.
        url: String,
        /// The remote folder to open (instead of the URL's path).
        #[arg(long, value_name = "DIR")]
        remote_dir: Option<String>,
        /// The local folder to open.
        #[arg(long, value_name = "DIR")]
        local_dir: Option<String>,
        /// Keep no password: ask for it at every connection.
        #[arg(long)]
        ask_password: bool,
    },
    /// Delete a bookmark (and its password in the keyring).
    Remove { name: String },
}

/// Options shared by `get` and `put`.
#[derive(Debug, Clone, Args)]
pub struct CopyArgs {
    /// Transfer connections at most.
    #[arg(short = 'j', long, default_value_t = 4, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub connections: u16,
    /// Replace existing targets.
    #[arg(long, group = "existing")]
    pub overwrite: bool,
    /// Leave existing targets alone (not an error).
    #[arg(long, group = "existing")]
    pub skip_existing: bool,
    /// Continue existing targets from their size (taken as a correct prefix).
    #[arg(long, group = "existing")]
    pub resume: bool,
    /// Print the protocol exchange to stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// No summary line; only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

impl CopyArgs {
    /// What to do with a target that exists; `None` refuses (the default).
    pub fn on_existing(&self) -> Option<OnExisting> {
        if self.overwrite {
            Some(OnExisting::Overwrite)
        } else if self.skip_existing {
            Some(OnExisting::Skip)
        } else if self.resume {
            Some(OnExisting::Resume)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("`{0}` is not a valid URL: {1}")]
    Invalid(String, String),
    #[error("`{0}`: only ftp:// is supported so far (FTPS comes later)")]
    Scheme(String),
    #[error("`{0}` has no host")]
    NoHost(String),
    #[error("`{0}`: the user name or password is not valid UTF-8 after decoding")]
    Encoding(String),
}

/// Parses `ftp://[user[:password]@]host[:port][/path]`. A bare `host[:port]`
/// means ftp://. The path is relative to the login folder, as in curl;
/// `%2F` at its start makes it absolute (`ftp://host/%2Fsrv`), and so does
/// a path that is absolute after decoding.
pub fn parse_url(
    input: &str,
    mode: DataMode,
    timeouts: Timeouts,
) -> Result<ConnectProfile, UrlError> {
    parse_url_inner(input, mode, timeouts).map_err(|e| e.masked(&mask_password(input)))
}

/// `input` with the password of its user part replaced by `****`, for
/// error messages (a typo in a URL must not print the secret in it).
pub fn mask_password(input: &str) -> String {
    let Some(scheme_end) = input.find("://") else {
        return input.to_string();
    };
    let rest = &input[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return input.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:****{}",
            &input[..scheme_end + 3],
            &rest[..colon],
            &rest[at..]
        ),
        None => input.to_string(),
    }
}

impl UrlError {
    /// The same error, naming `shown` instead of the URL as typed.
    fn masked(self, shown: &str) -> UrlError {
        let s = shown.to_string();
        match self {
            UrlError::Invalid(_, why) => UrlError::Invalid(s, why),
            UrlError::Scheme(_) => UrlError::Scheme(s),
            UrlError::NoHost(_) => UrlError::NoHost(s),
            UrlError::Encoding(_) => UrlError::Encoding(s),
        }
    }
}

fn parse_url_inner(
    input: &str,
    mode: DataMode,
    timeouts: Timeouts,
) -> Result<ConnectProfile, UrlError> {
    let text = input.trim();
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("ftp://{text}")
    };
    let url = url::Url::parse(&with_scheme)
        .map_err(|e| UrlError::Invalid(input.into(), e.to_string()))?;
    if url.scheme() != "ftp" {
        return Err(UrlError::Scheme(input.into()));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| UrlError::NoHost(input.into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let decode = |s: &str| {
        percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| UrlError::Encoding(input.into()))
    };
    let user = match url.username() {
        "" => None,
        u => Some(decode(u)?),
    };
    let password = url.password().map(decode).transpose()?;
    let raw_path = url.path().strip_prefix('/').unwrap_or(url.path());
    let path = decode(raw_path)?;
    Ok(ConnectProfile {
        host,
        port: url.port().unwrap_or(21),
        user,
        password,
        path: (!path.is_empty()).then_some(path),
        mode,
        timeouts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<ConnectProfile, UrlError> {
        parse_url(s, DataMode::Passive, Timeouts::default())
    }

    #[test]
    fn full_urls() {
        let c = p("ftp://bob:s%40cret@example.org:2121/pub/x%20y/").unwrap();
        assert_eq!(c.host, "example.org");
        assert_eq!(c.port, 2121);
        assert_eq!(c.user.as_deref(), Some("bob"));
        assert_eq!(c.password.as_deref(), Some("s@cret"));
        assert_eq!(c.path.as_deref(), Some("pub/x y/"));
    }

    #[test]
    fn anonymous_default_port_and_bare_hosts() {
        let c = p("ftp://ftp.example.org").unwrap();
        assert_eq!((c.port, c.user, c.path), (21, None, None));
        let c = p("localhost:2121").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("localhost", 2121));
        let c = p("ftp://[::1]:2121/").unwrap();
        assert_eq!(c.host, "::1");
        assert_eq!(c.authority(), "[::1]:2121");
    }

    #[test]
    fn percent_2f_makes_the_path_absolute() {
        assert_eq!(
            p("ftp://h/%2Fsrv/ftp").unwrap().path.as_deref(),
            Some("/srv/ftp")
        );
    }

    #[test]
    fn user_without_password() {
        let c = p("ftp://alice@h").unwrap();
        assert_eq!((c.user.as_deref(), c.password), (Some("alice"), None));
    }

    #[test]
    fn errors_never_repeat_a_password() {
        let e = p("ftp://bob:hunter2@host:99999/").unwrap_err().to_string();
        assert!(!e.contains("hunter2") && e.contains("bob:****@host"), "{e}");
        assert_eq!(mask_password("ftp://h/a:b@c"), "ftp://h/a:b@c");
    }

    #[test]
    fn bad_urls_are_errors() {
        assert!(matches!(p("http://h/"), Err(UrlError::Scheme(_))));
        assert!(matches!(
            p("ftp://"),
            Err(UrlError::Invalid(..)) | Err(UrlError::NoHost(_))
        ));
        assert!(matches!(p("ftp://h:99999/"), Err(UrlError::Invalid(..))));
        assert!(p("ftp://h:abc/").is_err());
        assert!(p("ftp://a b/").is_err());
    }
}
