//! Local folder listings. Blocking file-system calls: callers run these
//! through `spawn_blocking`, never on the UI task or a tokio worker.

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use super::error::EngineError;
use super::protocol::{Entry, EntryKind, Failure, ModTime, Name, Perms};

/// Lists `path`. Entries that vanish or can't be read while we list are
/// skipped; the folder itself failing to open is an error.
pub fn list(path: &Path) -> Result<Vec<Entry>, EngineError> {
    let err = |e: std::io::Error| EngineError::Local {
        path: path.display().to_string(),
        reason: describe(&e),
        kind: Failure::local("", &e).kind,
    };
    let mut entries = Vec::new();
    for item in fs::read_dir(path).map_err(err)? {
        let Ok(item) = item else { continue };
        let Ok(meta) = item.metadata() else { continue };
        let name = Name::from_os(&item.file_name());
        let ft = meta.file_type();
        let (kind, link_target) = if ft.is_symlink() {
            let target = fs::read_link(item.path())
                .ok()
                .map(|t| Box::new(Name::from_os(t.as_os_str())));
            (EntryKind::Symlink, target)
        } else if ft.is_dir() {
            (EntryKind::Dir, None)
        } else if ft.is_file() {
            (EntryKind::File, None)
        } else {
            (EntryKind::Other, None)
        };
        let modified = meta.modified().ok().map(ModTime::from_system);
        entries.push(Entry {
            name,
            kind,
            size: if ft.is_file() { meta.len() } else { 0 },
            modified,
            permissions: Some(mode_of(&ft, meta.permissions().mode())),
            link_target,
        });
    }
    Ok(entries)
}

/// `ls -l` style: the type letter and the mode bits.
pub fn mode_of(ft: &fs::FileType, mode: u32) -> Perms {
    let letter = if ft.is_symlink() {
        b'l'
    } else if ft.is_dir() {
        b'd'
    } else if ft.is_char_device() {
        b'c'
    } else if ft.is_block_device() {
        b'b'
    } else if ft.is_fifo() {
        b'p'
    } else if ft.is_socket() {
        b's'
    } else {
        b'-'
    };
    Perms::new(letter, mode)
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotADirectory => "not a folder".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_files_folders_and_links() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::write(dir.path().join("a.txt"), b"hello").expect("write");
        fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::os::unix::fs::symlink("a.txt", dir.path().join("link")).expect("symlink");
        let mut got = list(dir.path()).expect("list");
        got.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].name, "a.txt");
        assert_eq!(got[0].size, 5);
        assert_eq!(got[1].kind, EntryKind::Symlink);
        assert_eq!(got[1].link_target.as_deref(), Some(&Name::from("a.txt")));
        assert_eq!(got[2].kind, EntryKind::Dir);
        assert!(
            got[2]
                .permissions
                .is_some_and(|p| p.text().starts_with('d'))
        );
    }

    #[test]
    fn a_missing_folder_is_an_error_not_an_empty_list() {
        let err = list(Path::new("/no/such/folder/here")).unwrap_err();
        assert!(err.to_string().contains("no such folder"), "{err}");
    }
}
