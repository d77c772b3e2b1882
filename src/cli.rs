//! Command-line definitions (clap). URLs are parsed in `address.rs`.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::protocol::{DataMode, OnExisting, Timeouts};
use clap::{Args, Parser, Subcommand};

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
        /// Do not sort: print entries in the server's order as they
        /// arrive (memory stays flat, as with `ls -U`).
        #[arg(short = 'U')]
        unsorted: bool,
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
