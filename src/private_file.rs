//! Files only the user may read (mode 0600, in folders of mode 0700),
//! replaced atomically: the whole new content is written to a temporary
//! file beside the target, synced, and renamed over it, so a crash or a
//! full disk leaves either the old file or the new one, never half of
//! one. Bookmarks, trusted certificates, saved protocol logs and the saved
//! transfer queue all go through here. Blocking: callers run it off the
//! async runtime.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replaces `path` with `bytes` (see the module comment). Errors name the
/// step that failed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), (&'static str, io::Error)> {
    write_atomic_with(path, bytes, |_| Ok(()))
}

/// `write_atomic`, with `before_rename` run when the complete temporary
/// file is in place (tests use it to fail, or "crash", at that point).
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<(), (&'static str, io::Error)> {
    // A symlinked file (dotfile managers) is replaced where it points, so the
    // link survives.
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|e| ("resolve", e))?
        }
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    create_private_dir(&dir).map_err(|e| ("create the folder for", e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| ("create a temporary file for", e))?;
    set_private(tmp.as_file()).map_err(|e| ("set the mode of", e))?;
    tmp.write_all(bytes).map_err(|e| ("write", e))?;
    tmp.as_file().sync_all().map_err(|e| ("write", e))?;
    before_rename(tmp.path()).map_err(|e| ("write", e))?;
    // On failure the temporary file is removed when `tmp` drops.
    tmp.persist(&target).map_err(|e| ("replace", e.error))?;
    sync_dir(&dir).map_err(|e| ("write", e))?;
    Ok(())
}

/// Creates `dir` (and its parents) with mode 0700 where it does not exist.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

fn set_private(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o600))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_replaced_file_is_private_and_a_failed_write_leaves_the_old_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/state.toml");
        write_atomic(&path, b"one").expect("write");
        assert_eq!(fs::read(&path).expect("read"), b"one");
        let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("sub")), 0o700);
        let failed = write_atomic_with(&path, b"two", |_| Err(io::Error::other("crash")));
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).expect("read"), b"one");
        let leftovers = fs::read_dir(dir.path().join("sub")).expect("dir").count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }
}
