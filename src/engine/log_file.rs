//! Saving the protocol log the UI keeps (`Command::SaveLog`): one file in
//! the data folder, named by the local time (`protocol-log-20261203-160102.txt`,
//! `-2` … when that name is taken), written whole and atomically, 0600,
//! through `private_file` as the other files there. Blocking: the
//! dispatcher runs it on a blocking thread and answers `Event::LogSaved`.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use crate::private_file::{create_private_dir, write_atomic};

/// Creates `path` empty, 0600, if no file has that name.
fn reserve(path: &Path) -> bool {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .is_ok()
}

/// Writes `text` to a new file in `dir` and returns its path, or says why not.
pub fn save(dir: &Path, text: &str, now: NaiveDateTime) -> Result<PathBuf, String> {
    let stem = format!("protocol-log-{}", now.format("%Y%m%d-%H%M%S"));
    create_private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // The name is taken by creating the file (O_EXCL), so two saves in the
    // same second never pick the same one; the content then replaces it.
    let path = (1..1000)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.txt")),
            n => dir.join(format!("{stem}-{n}.txt")),
        })
        .find(|p| reserve(p))
        .ok_or_else(|| format!("no free name for {stem}.txt in {}", dir.display()))?;
    write_atomic(&path, text.as_bytes())
        .map_err(|(step, e)| format!("cannot {step} {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(h, m, s))
            .expect("time")
    }

    #[test]
    fn a_saved_log_is_a_private_file_named_by_its_time_and_never_replaces_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let first = save(&data, "> USER alice\n", at(16, 1, 2)).expect("saved");
        assert_eq!(first, data.join("protocol-log-20261203-160102.txt"));
        assert_eq!(
            std::fs::read_to_string(&first).ok().as_deref(),
            Some("> USER alice\n")
        );
        let mode = std::fs::metadata(&first).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o600));
        let second = save(&data, "again\n", at(16, 1, 2)).expect("saved");
        assert_eq!(second, data.join("protocol-log-20261203-160102-2.txt"));
        assert_eq!(
            std::fs::read_to_string(&first).ok().as_deref(),
            Some("> USER alice\n")
        );
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a-file");
        std::fs::write(&file, "x").expect("write");
        let why = save(&file.join("sub"), "x", at(1, 2, 3)).expect_err("not a folder");
        assert!(why.starts_with("cannot "), "{why}");
    }
}
