//! File operations on either side (mkdir, rename, chmod, delete, find,
//! an entry's owner):
//! what the UI (or a headless command) asks for, and how a name is matched
//! by find. The answers are `Event::OpProgress`, `Event::OpEntryFailed`,
//! `Event::Found`, `Event::Details` and, always last, `Event::OpDone`, each naming the
//! request's `RequestId`.

use super::entry::EntryKind;
use super::path::Location;

/// One file operation. Every path is on one side: the engine refuses a
/// rename across sides (that is a copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOp {
    /// Create a folder; with `parents`, the folders above it too (`a/b/c`),
    /// and an existing folder is not an error.
    MakeDir { path: Location, parents: bool },
    /// Rename or move on the same side. An existing target is refused
    /// (`FailureKind::Exists`) unless `replace`; a folder is never replaced.
    Rename {
        from: Location,
        to: Location,
        replace: bool,
    },
    /// Change permissions (remote: `SITE CHMOD`); `below` says what under
    /// a folder gets the same mode.
    Chmod {
        targets: Vec<Location>,
        mode: u32,
        below: Below,
    },
    /// Delete entries; folders with everything in them (links are removed
    /// as links, never followed). The kind is the listing's: it decides
    /// whether a path is walked, so a link is never taken for a folder.
    Delete { targets: Vec<Target> },
    /// Count what a `Delete` of `targets` would remove, changing nothing:
    /// folders walked as a delete walks them (links not followed), the
    /// counts streamed as `OpProgress` — `seen` every entry found (the
    /// targets too), `folders` the folders among them, `bytes` the files'
    /// bytes below the targets (a target file's own size is the caller's:
    /// its listing gave it).
    Count { targets: Vec<Target> },
    /// Walk under `root` and stream the names that match.
    Find {
        root: Location,
        pattern: NamePattern,
    },
    /// Who owns `path` (the `i` dialog: an `Entry` does not keep it),
    /// answered by `Event::Details` before `OpDone`, or by
    /// `OpEntryFailed` when it cannot be asked. Remote: MLST, else STAT,
    /// else LIST of the path; local: the file's uid and gid by name.
    Details { path: Location },
}

/// One entry to work on, with its kind as its listing showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: Location,
    pub kind: EntryKind,
}

/// What below a folder a recursive chmod changes too (as FileZilla offers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Below {
    pub folders: bool,
    pub files: bool,
}

impl Below {
    pub fn any(&self) -> bool {
        self.folders || self.files
    }

    /// Both folders and files (`chmod -R`).
    pub fn all() -> Below {
        Below {
            folders: true,
            files: true,
        }
    }
}

/// What find looks for: a glob (`*.log`, `?`, `[ab]`) when the text has
/// one of `*?[`, else a substring; case-insensitive unless asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    text: String,
    case_sensitive: bool,
}

impl NamePattern {
    /// Case-insensitive, as mc's find file is by default.
    pub fn new(text: impl Into<String>) -> NamePattern {
        NamePattern {
            text: text.into(),
            case_sensitive: false,
        }
    }

    pub fn case_sensitive(mut self, yes: bool) -> NamePattern {
        self.case_sensitive = yes;
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn is_glob(&self) -> bool {
        self.text.contains(['*', '?', '['])
    }

    /// Whether `name` (decoded for display) matches. An empty pattern
    /// matches everything; a glob that does not parse is taken as text.
    pub fn matches(&self, name: &str) -> bool {
        if self.is_glob()
            && let Ok(p) = glob::Pattern::new(&self.text)
        {
            let options = glob::MatchOptions {
                case_sensitive: self.case_sensitive,
                require_literal_separator: false,
                require_literal_leading_dot: false,
            };
            return p.matches_with(name, options);
        }
        if self.case_sensitive {
            name.contains(&self.text)
        } else {
            name.to_lowercase().contains(&self.text.to_lowercase())
        }
    }
}

/// Where a file operation stands: entries done (deleted, changed), entries
/// that failed, and how many the walk has found so far (it grows while
/// folders are still being listed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpCounts {
    pub done: usize,
    pub failed: usize,
    /// Entries found so far (delete and chmod: to do; find: listed).
    pub seen: usize,
    /// Folders listed so far (`Count`: folders found so far, so that
    /// `seen - folders` is the files and links).
    pub folders: usize,
    /// Bytes of the files found so far.
    pub bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_globs_or_substrings_and_ignore_case() {
        let glob = NamePattern::new("*.LOG");
        assert!(glob.matches("app.log"));
        assert!(!glob.matches("app.log.1"));
        let sub = NamePattern::new("Report");
        assert!(sub.matches("2024-report-final.pdf"));
        assert!(!sub.matches("repo"));
        assert!(
            !NamePattern::new("Report")
                .case_sensitive(true)
                .matches("report")
        );
        assert!(NamePattern::new("").matches("anything"));
        assert!(NamePattern::new("a?c").matches("ABC"));
        // Not a valid glob: taken as text.
        assert!(NamePattern::new("[x").matches("a[x"));
    }
}
