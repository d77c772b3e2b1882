//! Command-line definitions (clap). URLs are parsed in `address.rs`.
//!
//! Options that apply to every command (`--log-level`, the data mode, the
//! timeouts) are global: they work before the subcommand and after it.
//! Options of the TUI alone (`URL`, `--demo`, `--bookmark`,
//! `--connections`, `--print-default-config`) are refused beside a
//! subcommand by [`Cli::check`], not by clap's `args_conflicts_with_subcommands`,
//! which would refuse the global ones too when they come first.

use std::path::PathBuf;
use std::time::Duration;

use crate::engine::protocol::{DataMode, OnExisting, Timeouts};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wharf",
    version,
    about = "A dual-pane FTP file manager for the terminal",
    override_usage = "wharf [OPTIONS] [URL | @NAME]\n       wharf [OPTIONS] <COMMAND>"
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

impl Cli {
    /// Reads the command line; a usage error (clap's message, exit status 2)
    /// ends the process, as `Cli::parse` does.
    pub fn parse_checked() -> Cli {
        Cli::try_parse_checked(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// [`Cli::parse_checked`] without the exit: for tests.
    pub fn try_parse_checked<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = Cli::try_parse_from(args)?;
        cli.check()?;
        Ok(cli)
    }

    /// Refuses options of the TUI beside a subcommand (`wharf --demo ls …`):
    /// they would be silently ignored.
    pub fn check(&self) -> Result<(), clap::Error> {
        let Some(sub) = &self.command else {
            return Ok(());
        };
        let tui_only = [
            (self.url.is_some(), "a URL before the command"),
            (self.bookmark.is_some(), "--bookmark"),
            (self.demo, "--demo"),
            (
                self.connections.is_some(),
                "--connections (get and put take -j N after the command)",
            ),
            (self.print_default_config, "--print-default-config"),
        ];
        match tui_only.iter().find(|(given, _)| *given) {
            Some((_, what)) => Err(Cli::command().error(
                ErrorKind::ArgumentConflict,
                format!("{what} cannot be used with `wharf {}`", sub.name()),
            )),
            None => Ok(()),
        }
    }
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
    /// Trust the server certificate with this SHA-256 fingerprint for this
    /// run (SHA256:AB:CD:…, as wharf prints it), even self-signed.
    #[arg(long, global = true, value_name = "FINGERPRINT")]
    pub trust_fingerprint: Option<String>,
    /// Check no server certificate at all (anyone in between can read and
    /// change what is sent): for a test server, never for real use.
    #[arg(long, global = true)]
    pub insecure: bool,
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
        /// ftp://[user[:password]@]host[:port][/path], or @bookmark[/path]
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
        /// ftp://[user[:password]@]host[:port]/path (relative to the login
        /// folder), or @bookmark/path
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
        /// ftp://[user[:password]@]host[:port]/path (relative to the login
        /// folder), or @bookmark/path
        url: String,
        #[command(flatten)]
        copy: CopyArgs,
    },
    /// Create folders (with -p, the folders above them too).
    Mkdir {
        /// Create the folders above as needed; an existing folder is fine.
        #[arg(short = 'p', long)]
        parents: bool,
        /// ftp://…/path or @bookmark/path, one or more.
        #[arg(required = true)]
        urls: Vec<String>,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Delete files, and with -r folders with everything in them.
    ///
    /// Links are deleted as links, never followed. Exits 0 only when
    /// everything named is gone.
    Rm {
        /// Delete folders with everything in them.
        #[arg(short = 'r', short_alias = 'R', long)]
        recursive: bool,
        /// Print what would be deleted, one path a line; delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// ftp://…/path or @bookmark/path, one or more.
        #[arg(required = true)]
        urls: Vec<String>,
        /// Connections at most.
        #[arg(short = 'j', long, default_value_t = 4, value_name = "N",
              value_parser = clap::value_parser!(u16).range(1..=64))]
        connections: u16,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Rename or move a file or folder on the same server.
    ///
    /// NEW is a URL of the same server, an absolute path, or a path
    /// relative to URL's folder; ending in `/`, the folder to move into.
    Mv {
        /// ftp://…/path or @bookmark/path
        url: String,
        /// The new name or place.
        new: String,
        /// Replace an existing file of that name.
        #[arg(short, long)]
        force: bool,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Change permissions (SITE CHMOD), with -R below folders too.
    Chmod {
        /// Change everything below folders too (links are left alone).
        #[arg(short = 'R', long)]
        recursive: bool,
        /// Octal mode: 755, 0644…
        mode: String,
        /// ftp://…/path or @bookmark/path, one or more.
        #[arg(required = true)]
        urls: Vec<String>,
        /// Connections at most.
        #[arg(short = 'j', long, default_value_t = 4, value_name = "N",
              value_parser = clap::value_parser!(u16).range(1..=64))]
        connections: u16,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Print a remote file to stdout, as it arrives.
    Cat {
        /// ftp://…/path or @bookmark/path
        url: String,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Print the paths under a folder whose names match, one a line.
    Find {
        /// ftp://…/path or @bookmark/path
        url: String,
        /// A glob (`*.log`) or a part of the name; case-insensitive.
        /// Without it, every path is printed.
        #[arg(long, value_name = "GLOB")]
        name: Option<String>,
        /// Connections at most (folders are listed several at once).
        #[arg(short = 'j', long, default_value_t = 4, value_name = "N",
              value_parser = clap::value_parser!(u16).range(1..=64))]
        connections: u16,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Bring TARGET in step with SOURCE: copy what is new or changed.
    ///
    /// One side is a local folder, the other ftp://…/path or
    /// @bookmark/path. Files are compared by size and time (at the
    /// coarser precision of the two sides, the server's time zone
    /// corrected), and the record of the last mirror makes unchanged
    /// files count as in step. Files only on the target are reported and
    /// left, unless --delete. Exits 0 only when the two are in step.
    Mirror {
        /// What to copy from: a local folder, or a URL / @bookmark/path.
        source: String,
        /// What to bring in step: a URL / @bookmark/path, or a local folder.
        target: String,
        /// Print the plan (`+` new, `*` changed, `-` deleted), change nothing.
        #[arg(short = 'n', long)]
        dry_run: bool,
        /// Delete what is only on the target, once every copy succeeded.
        #[arg(long)]
        delete: bool,
        /// With --delete: when more than N would go, delete nothing.
        #[arg(long, value_name = "N", requires = "delete")]
        max_delete: Option<u64>,
        /// Compare sizes only, not times.
        #[arg(long, conflicts_with = "checksum")]
        size_only: bool,
        /// Compare files of equal size by the server's checksum (HASH,
        /// XSHA256…; by size and time where it has none).
        #[arg(short = 'c', long)]
        checksum: bool,
        /// Connections at most.
        #[arg(short = 'j', long, default_value_t = 4, value_name = "N",
              value_parser = clap::value_parser!(u16).range(1..=64))]
        connections: u16,
        /// Print the protocol exchange to stderr.
        #[arg(short, long)]
        verbose: bool,
        /// No summary; only errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Print a completion script for a shell.
    ///
    /// bash: `wharf completions bash > ~/.local/share/bash-completion/completions/wharf`;
    /// zsh: into a folder of `$fpath` as `_wharf`; fish: `~/.config/fish/completions/wharf.fish`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), of wharf or of one of its commands.
    ///
    /// `wharf man > ~/.local/share/man/man1/wharf.1`, and
    /// `wharf man get > ~/.local/share/man/man1/wharf-get.1` for each command.
    Man {
        /// The command whose page to print (ls, get, put, bookmarks, …).
        command: Option<String>,
    },
}

impl Sub {
    /// The name it is given on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Sub::Bookmarks { .. } => "bookmarks",
            Sub::Ls { .. } => "ls",
            Sub::Get { .. } => "get",
            Sub::Put { .. } => "put",
            Sub::Mkdir { .. } => "mkdir",
            Sub::Rm { .. } => "rm",
            Sub::Mv { .. } => "mv",
            Sub::Chmod { .. } => "chmod",
            Sub::Cat { .. } => "cat",
            Sub::Find { .. } => "find",
            Sub::Mirror { .. } => "mirror",
            Sub::Completions { .. } => "completions",
            Sub::Man { .. } => "man",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_checked(std::iter::once("wharf").chain(args.iter().copied()))
    }

    #[test]
    fn global_options_work_before_and_after_the_command() {
        const GLOBAL: [&str; 7] = [
            "--log-level",
            "debug",
            "--active",
            "--timeout",
            "7",
            "--connect-timeout",
            "3",
        ];
        let (get, url) = (&["get"][..], &["ftp://h/f"][..]);
        for args in [
            [&GLOBAL[..], get, url].concat(),
            [get, &GLOBAL, url].concat(),
            [get, url, &GLOBAL].concat(),
        ] {
            let cli = parse(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert!(matches!(cli.command, Some(Sub::Get { .. })), "{args:?}");
            assert_eq!(cli.log_level.as_deref(), Some("debug"), "{args:?}");
            assert!(cli.net.active, "{args:?}");
            assert_eq!(
                (cli.net.timeout, cli.net.connect_timeout),
                (Some(7), Some(3))
            );
        }
        let cli = parse(&["--passive", "bookmarks", "list"]).expect("bookmarks");
        assert!(cli.net.passive && matches!(cli.command, Some(Sub::Bookmarks { .. })));
        let cli = parse(&["--timeout", "5", "put", "a", "b", "ftp://h/"]).expect("put");
        assert!(matches!(cli.command, Some(Sub::Put { ref local, .. }) if local.len() == 2));
    }

    #[test]
    fn the_tui_forms_still_parse() {
        let cli = parse(&["ftp://h/pub", "--active"]).expect("url");
        assert_eq!(
            (cli.url.as_deref(), cli.net.active),
            (Some("ftp://h/pub"), true)
        );
        assert!(cli.command.is_none());
        let cli = parse(&["--log-level", "debug", "@work"]).expect("bookmark");
        assert_eq!(cli.url.as_deref(), Some("@work"));
        let cli = parse(&["--demo", "--timeout", "3"]).expect("demo");
        assert!(cli.demo && cli.command.is_none());
        assert!(parse(&["--demo", "ftp://h/"]).is_err(), "--demo or a URL");
    }

    #[test]
    fn a_command_name_is_a_command_and_tui_options_beside_it_are_refused() {
        // `ls` is the command, not a host called ls.
        let cli = parse(&["ls", "ftp://h/"]).expect("ls");
        assert!(cli.url.is_none() && matches!(cli.command, Some(Sub::Ls { .. })));
        let cli = parse(&["cat", "ftp://h/f"]).expect("cat");
        assert!(cli.url.is_none() && matches!(cli.command, Some(Sub::Cat { .. })));
        // A host called cat is reached by its URL.
        let cli = parse(&["ftp://cat"]).expect("url");
        assert_eq!(cli.url.as_deref(), Some("ftp://cat"));
        let cli = parse(&["rm", "-r", "--dry-run", "@work/x", "@work/y"]).expect("rm");
        assert!(
            matches!(cli.command, Some(Sub::Rm { recursive: true, dry_run: true, ref urls, .. }) if urls.len() == 2)
        );
        for args in [
            &["--demo", "ls", "ftp://h/"][..],
            &["--bookmark", "work", "get", "ftp://h/f"],
            &["--connections", "2", "get", "ftp://h/f"],
            &["ftp://h/", "ls", "ftp://h/"],
            &["--print-default-config", "bookmarks", "list"],
        ] {
            let e = parse(args).expect_err(&format!("{args:?}"));
            assert_eq!(e.kind(), ErrorKind::ArgumentConflict, "{args:?}: {e}");
            assert_eq!(e.exit_code(), 2);
        }
    }
}
