//! `bookmarks.toml`: reading, validating and atomic writing.
//!
//! Every change is read-modify-write: the file is read again, the change is
//! applied to what is on disk and validated, and the result is written to a
//! temporary file in the same folder (mode 0600, fsynced) that is renamed
//! over the old file (and the folder fsynced). So a crash leaves the old file
//! or the new one, never a mix, and two wharf windows do not undo each
//! other's changes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::bookmark::{Bookmark, Invalid, RECENT_MAX, Recent};
use crate::private_file;

/// The file's name in the config folder.
pub const FILE_NAME: &str = "bookmarks.toml";

const HEADER: &str = "\
# wharf bookmarks and recent connections.
# Passwords are never kept here: `password = \"keyring\"` keeps them in the
# system keyring, `password = \"ask\"` asks at every connect.

";

/// The config folder ([`crate::config::config_dir`]: `WHARF_CONFIG_DIR` when
/// set, else the platform's config folder for wharf, `~/.config/wharf` on
/// Linux).
pub fn config_dir() -> Result<PathBuf, StoreError> {
    crate::config::config_dir().ok_or(StoreError::NoConfigDir)
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("no config folder: set WHARF_CONFIG_DIR or HOME")]
    NoConfigDir,
    #[error("cannot {action} {}: {message}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        message: String,
    },
    /// The file is not valid TOML, or holds something wharf cannot accept.
    /// Line and column count from 1 (columns in characters).
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A save refused because the file could not be read when loaded.
    #[error(
        "bookmarks are not saved: {reason}. wharf leaves {} as it is; fix it in \
         an editor, or start afresh (it is then kept as a .broken- backup)",
        path.display()
    )]
    Locked { path: PathBuf, reason: String },
}

impl StoreError {
    fn io(action: &'static str, path: &Path, e: &io::Error) -> StoreError {
        StoreError::Io {
            action,
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

/// A change to the bookmarks that did not happen.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EditError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("no bookmark named \"{0}\"")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
struct Data {
    #[serde(rename = "bookmark")]
    bookmarks: Vec<Bookmark>,
    recent: Vec<Recent>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DataIn {
    #[serde(default)]
    bookmark: Vec<toml::Spanned<Bookmark>>,
    #[serde(default)]
    recent: Vec<Recent>,
}

/// The bookmarks and recent connections of one config folder.
///
/// Reading never fails: a file that is missing is an empty list, and a file
/// that cannot be read or parsed gives an empty list plus [`Store::problem`]
/// and locks the store: every change is then refused, and the file left
/// untouched, until [`Store::start_afresh`].
///
/// Every method that changes something writes the file before it returns;
/// `Ok` means the change is on disk, an error means nothing changed.
/// These calls touch the disk: call them off the UI thread
/// (`spawn_blocking`).
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    data: Data,
    problem: Option<StoreError>,
}

impl Store {
    /// Reads `bookmarks.toml` in `dir`.
    pub fn load(dir: &Path) -> Store {
        let path = dir.join(FILE_NAME);
        let (data, problem) = match read(&path) {
            Ok(data) => (data, None),
            Err(e) => (Data::default(), Some(e)),
        };
        Store {
            path,
            data,
            problem,
        }
    }

    /// Reads `bookmarks.toml` in [`config_dir`]. Fails only when there is no
    /// config folder at all.
    pub fn load_default() -> Result<Store, StoreError> {
        Ok(Store::load(&config_dir()?))
    }

    /// The file, e.g. for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// In the file's order.
    pub fn bookmarks(&self) -> &[Bookmark] {
        &self.data.bookmarks
    }

    /// By name, ignoring case.
    pub fn get(&self, name: &str) -> Option<&Bookmark> {
        self.data
            .bookmarks
            .iter()
            .find(|b| same_name(&b.name, name))
    }

    /// Newest first.
    pub fn recent(&self) -> &[Recent] {
        &self.data.recent
    }

    /// Why the file could not be read; `Some` means the store is locked.
    /// Show it once at start.
    pub fn problem(&self) -> Option<&StoreError> {
        self.problem.as_ref()
    }

    pub fn is_locked(&self) -> bool {
        self.problem.is_some()
    }

    /// `Err(Locked)` when changes would be refused (checked again by every
    /// change; this is for greying out a form before the user types).
    pub fn writable(&self) -> Result<(), StoreError> {
        match &self.problem {
            Some(problem) => Err(locked(&self.path, problem)),
            None => Ok(()),
        }
    }

    /// Adds a bookmark at the end (normalized and validated first).
    pub fn add(&mut self, mut bookmark: Bookmark) -> Result<(), EditError> {
        bookmark.normalize();
        bookmark.validate_new_name()?;
        self.change(|data| {
            check_unique(data, &bookmark.name, None)?;
            data.bookmarks.push(bookmark);
            Ok(())
        })
    }

    /// Replaces the bookmark named `name` (it may be renamed). If the
    /// account changed (user, host or port) and it keeps its password in the
    /// keyring, move the password with [`super::secret::rekey`].
    pub fn edit(&mut self, name: &str, mut bookmark: Bookmark) -> Result<(), EditError> {
        bookmark.normalize();
        if same_name(&bookmark.name, name) {
            bookmark.validate()?;
        } else {
            bookmark.validate_new_name()?;
        }
        self.change(|data| {
            let i = position(data, name)?;
            check_unique(data, &bookmark.name, Some(i))?;
            data.bookmarks[i] = bookmark;
            Ok(())
        })
    }

    /// Removes the bookmark named `name` and returns it (to delete its
    /// keyring password, see [`super::commands::remove`]).
    pub fn remove(&mut self, name: &str) -> Result<Bookmark, EditError> {
        let mut removed = None;
        self.change(|data| {
            let i = position(data, name)?;
            removed = Some(data.bookmarks.remove(i));
            Ok(())
        })?;
        removed.ok_or_else(|| EditError::NotFound(name.to_string()))
    }

    /// Copies the bookmark named `name` as "name (copy)" ("name (copy 2)"…)
    /// right after it, and returns the new name. It shares the keyring
    /// password (same account).
    pub fn duplicate(&mut self, name: &str) -> Result<String, EditError> {
        let mut new_name = String::new();
        self.change(|data| {
            let i = position(data, name)?;
            let mut copy = data.bookmarks[i].clone();
            new_name = copy_name(data, &copy.name);
            copy.name = new_name.clone();
            data.bookmarks.insert(i + 1, copy);
            Ok(())
        })?;
        Ok(new_name)
    }

    /// Records a connection at the top of the recent list (an older entry
    /// for the same server and user is dropped; at most [`RECENT_MAX`]).
    pub fn push_recent(&mut self, entry: Recent) -> Result<(), StoreError> {
        self.change(|data| {
            data.recent.retain(|r| !r.same_server(&entry));
            data.recent.insert(0, entry);
            data.recent.truncate(RECENT_MAX);
            Ok(())
        })
        .map_err(|e| match e {
            EditError::Store(e) => e,
            other => StoreError::Io {
                action: "record the connection in",
                path: self.path.clone(),
                message: other.to_string(),
            },
        })
    }

    /// Reads the file again (after the user fixed it in an editor, say).
    pub fn reload(&mut self) {
        *self = Store::load(self.path.parent().unwrap_or(Path::new(".")));
    }

    /// When locked: renames the unreadable file to
    /// `bookmarks.toml.broken-<YYYYmmdd-HHMMSS>`, then saves what is shown
    /// (an empty list when it was locked from the start). Returns the
    /// backup's path; `Ok(None)` when the store was not locked.
    pub fn start_afresh(&mut self) -> Result<Option<PathBuf>, StoreError> {
        if self.problem.is_none() {
            return Ok(None);
        }
        let backup = match fs::symlink_metadata(&self.path) {
            Ok(_) => {
                let backup = backup_path(&self.path);
                fs::rename(&self.path, &backup)
                    .map_err(|e| StoreError::io("rename", &self.path, &e))?;
                Some(backup)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(StoreError::io("read", &self.path, &e)),
        };
        write(&self.path, &self.data)?;
        self.problem = None;
        Ok(backup)
    }

    /// Read-modify-write: `f` changes what is on disk now, and the result is
    /// written. On any error memory and disk stay as they were (except that a
    /// file found broken now locks the store).
    fn change(
        &mut self,
        f: impl FnOnce(&mut Data) -> Result<(), EditError>,
    ) -> Result<(), EditError> {
        self.change_with(f, |_| Ok(()))
    }

    fn change_with(
        &mut self,
        f: impl FnOnce(&mut Data) -> Result<(), EditError>,
        before_rename: impl FnOnce(&Path) -> io::Result<()>,
    ) -> Result<(), EditError> {
        self.writable()?;
        let mut data = match read(&self.path) {
            Ok(data) => data,
            Err(e) => {
                let refusal = locked(&self.path, &e);
                self.problem = Some(e);
                return Err(refusal.into());
            }
        };
        f(&mut data)?;
        write_with(&self.path, &data, before_rename)?;
        self.data = data;
        Ok(())
    }
}

fn locked(path: &Path, problem: &StoreError) -> StoreError {
    StoreError::Locked {
        path: path.to_path_buf(),
        reason: problem.to_string(),
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn position(data: &Data, name: &str) -> Result<usize, EditError> {
    data.bookmarks
        .iter()
        .position(|b| same_name(&b.name, name))
        .ok_or_else(|| EditError::NotFound(name.to_string()))
}

fn check_unique(data: &Data, name: &str, except: Option<usize>) -> Result<(), Invalid> {
    match data
        .bookmarks
        .iter()
        .enumerate()
        .find(|(i, b)| Some(*i) != except && same_name(&b.name, name))
    {
        Some((_, b)) => Err(Invalid::DuplicateName(b.name.clone())),
        None => Ok(()),
    }
}

fn copy_name(data: &Data, name: &str) -> String {
    let taken = |n: &str| data.bookmarks.iter().any(|b| same_name(&b.name, n));
    let first = format!("{name} (copy)");
    if !taken(&first) {
        return first;
    }
    (2..)
        .map(|k| format!("{name} (copy {k})"))
        .find(|n| !taken(n))
        .unwrap_or(first)
}

fn backup_path(path: &Path) -> PathBuf {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let base = format!("{}.broken-{stamp}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut k = 2;
    while fs::symlink_metadata(&candidate).is_ok() {
        candidate = PathBuf::from(format!("{base}-{k}"));
        k += 1;
    }
    candidate
}

/// Reads and validates the file; a missing file is empty.
fn read(path: &Path) -> Result<Data, StoreError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Data::default()),
        Err(e) => return Err(StoreError::io("read", path, &e)),
    };
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Data, StoreError> {
    let at = |offset: usize, message: String| {
        let (line, column) = crate::text::line_col(text, offset);
        StoreError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message,
        }
    };
    // `message()` only: the error's Display quotes the offending line, which
    // could hold a password typed in by hand.
    let raw: DataIn = toml::from_str(text).map_err(|e| {
        at(
            e.span().map_or(0, |s| s.start),
            e.message().trim().to_string(),
        )
    })?;
    let mut data = Data {
        bookmarks: Vec::with_capacity(raw.bookmark.len()),
        recent: raw.recent,
    };
    for spanned in raw.bookmark {
        let start = spanned.span().start;
        let bookmark = spanned.into_inner();
        let name = bookmark.name.clone();
        bookmark
            .validate()
            .and_then(|()| check_unique(&data, &bookmark.name, None))
            .map_err(|e| at(start, format!("bookmark \"{name}\": {e}")))?;
        data.bookmarks.push(bookmark);
    }
    data.recent.truncate(RECENT_MAX);
    Ok(data)
}

fn write(path: &Path, data: &Data) -> Result<(), StoreError> {
    write_with(path, data, |_| Ok(()))
}

/// `before_rename` runs with the complete temporary file in place; tests use
/// it to fail or "crash" at that point.
fn write_with(
    path: &Path,
    data: &Data,
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<(), StoreError> {
    let body = toml::to_string_pretty(data).map_err(|e| StoreError::Io {
        action: "encode",
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let text = format!("{HEADER}{body}");
    private_file::write_atomic_with(path, text.as_bytes(), before_rename)
        .map_err(|(action, e)| StoreError::io(action, path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Bookmark {
        let mut b = Bookmark::new(name, "ftp.example.org");
        b.user = Some("alice".into());
        b
    }

    #[test]
    fn a_new_name_with_a_slash_is_refused_and_an_old_one_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::load(dir.path());
        let err = store.add(sample("work/old")).unwrap_err();
        assert!(err.to_string().contains("must not contain `/`"), "{err}");
        // Written before names lost their slash: it loads, and edits that
        // keep its name are fine.
        fs::write(
            store.path(),
            "[[bookmark]]\nname = \"work/old\"\nhost = \"h\"\nport = 21\n",
        )
        .unwrap();
        let mut store = Store::load(dir.path());
        assert_eq!(store.problem().map(|p| p.to_string()), None);
        let mut b = store.get("work/old").cloned().unwrap();
        b.port = 2121;
        store.edit("work/old", b.clone()).unwrap();
        b.name = "work/new".into();
        assert!(store.edit("work/old", b).is_err());
    }

    #[test]
    fn a_save_that_fails_before_the_rename_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::load(dir.path());
        store.add(sample("one")).unwrap();
        let before = fs::read(store.path()).unwrap();

        let err = store
            .change_with(
                |d| {
                    d.bookmarks.push(sample("two"));
                    Ok(())
                },
                |_| Err(io::Error::other("disk full")),
            )
            .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(fs::read(store.path()).unwrap(), before);
        assert_eq!(store.bookmarks().len(), 1, "memory is not changed either");
        // The temporary file was cleaned up.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [FILE_NAME]);
    }

    #[test]
    fn a_crash_before_the_rename_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::load(dir.path());
        store.add(sample("one")).unwrap();
        let before = fs::read(store.path()).unwrap();

        // "Crash": the process dies with the complete temporary file written
        // but not renamed. Keep a copy of it, as a crash would leave it.
        let left = dir.path().join("left-behind.tmp");
        let _ = store.change_with(
            |d| {
                d.bookmarks.push(sample("two"));
                Ok(())
            },
            |tmp| {
                fs::copy(tmp, &left)?;
                Err(io::Error::other("killed"))
            },
        );
        assert_eq!(fs::read(store.path()).unwrap(), before);
        assert!(fs::read_to_string(&left).unwrap().contains("\"two\""));
        let reloaded = Store::load(dir.path());
        assert_eq!(reloaded.problem().map(|p| p.to_string()), None);
        assert_eq!(reloaded.bookmarks().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("dotfiles");
        fs::create_dir(&real_dir).unwrap();
        let real = real_dir.join(FILE_NAME);
        fs::write(&real, "").unwrap();
        let conf = dir.path().join("conf");
        fs::create_dir(&conf).unwrap();
        std::os::unix::fs::symlink(&real, conf.join(FILE_NAME)).unwrap();
        let mut store = Store::load(&conf);
        store.add(sample("one")).unwrap();
        assert!(
            fs::symlink_metadata(conf.join(FILE_NAME))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(fs::read_to_string(&real).unwrap().contains("\"one\""));
    }
}
