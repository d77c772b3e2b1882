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
    /// Server to open: ftp://[user[:password]@]host[:port][/path]
    pub url: Option<String>,
    /// Start against an embedded demo server with a sample tree.
    #[arg(long, conflicts_with = "url")]
    pub demo: bool,
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
    /// Seconds to wait for a connection.
    #[arg(long, global = true, default_value_t = 15, value_name = "SECS")]
    pub connect_timeout: u64,
    /// Seconds to wait for each reply and each data read.
    #[arg(long, global = true, default_value_t = 30, value_name = "SECS")]
    pub timeout: u64,
}

impl NetArgs {
    pub fn mode(&self) -> DataMode {
        if self.active {
            DataMode::Active
        } else {
            DataMode::Passive
        }
    }

    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(self.connect_timeout.max(1)),
            reply: Duration::from_secs(self.timeout.max(1)),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Sub {
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
