//! `wharf get URL [LOCAL]`: a remote file, or a folder with everything in
//! it, placed as `cp -r` would place it.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::copy::{self, Copy};
use super::look_up::{give_up, look_up};
use super::shared::{EXIT_FAILED, names_a_folder};
use super::wording::{local_failure, remote_failure};
use crate::cli::CopyArgs;
use crate::engine::protocol::{ConnectProfile, Location, Name, RelPath, TransferItem};
use crate::engine::session::{Connector, RemoteKind};
use crate::text::sanitize;

/// Downloads what the URL names and returns the exit status.
pub async fn get(
    connector: Connector,
    profile: ConnectProfile,
    local: PathBuf,
    args: CopyArgs,
) -> i32 {
    let started = Instant::now();
    let engine = copy::start_engine(connector, &profile, &args);
    let found = match look_up(&engine.connector, &profile, args.verbose).await {
        Ok(found) => found,
        Err(code) => {
            engine.shutdown().await;
            return code;
        }
    };
    let (remote, kind, session) = (found.path, found.kind, found.session);
    let shown = sanitize(&remote.display()).into_owned();
    let size = match kind {
        RemoteKind::Missing(e) => {
            let what = if names_a_folder(&profile) {
                "folder"
            } else {
                "file"
            };
            eprintln!("wharf: {}", remote_failure(&shown, what, &e.failure()));
            give_up(engine, session).await;
            return EXIT_FAILED;
        }
        RemoteKind::File { .. } if names_a_folder(&profile) => {
            eprintln!("wharf: {shown}: not a folder");
            give_up(engine, session).await;
            return EXIT_FAILED;
        }
        RemoteKind::File { size } => size,
        RemoteKind::Folder => None,
    };
    let is_dir = kind == RemoteKind::Folder;
    let (target_dir, target_name) = match place(&local, remote.file_name(), is_dir) {
        Ok(p) => p,
        Err(why) => {
            eprintln!("wharf: {why}");
            give_up(engine, session).await;
            return EXIT_FAILED;
        }
    };
    let item = TransferItem {
        source: Location::Remote(remote),
        is_dir,
        size,
        modified: None,
        target_name,
        subdir: RelPath::default(),
    };
    let plan = Copy {
        items: vec![item],
        target_dir: Location::Local(target_dir),
    };
    copy::run(engine, session, plan, &args, started).await
}

/// Where a download goes, as `cp -r SOURCE LOCAL` decides: into LOCAL when
/// it is a folder, otherwise as LOCAL (whose folder must exist).
/// Returns the (absolute) folder and the name to create in it.
fn place(local: &Path, remote_name: Option<Name>, is_dir: bool) -> Result<(PathBuf, Name), String> {
    let shown = local.display();
    let absolute = |p: &Path| std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()));
    match std::fs::metadata(local) {
        Ok(m) if m.is_dir() => {
            let name = remote_name.ok_or_else(|| {
                format!("the server's root folder has no name: give a new folder name instead of {shown}")
            })?;
            Ok((absolute(local)?, name))
        }
        Ok(_) if is_dir => Err(format!("cannot overwrite the file {shown} with a folder")),
        Ok(_) => split(local).and_then(|(dir, name)| Ok((absolute(&dir)?, name))),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            if local.as_os_str().to_string_lossy().ends_with('/') {
                return Err(format!("{shown}: no such folder"));
            }
            let (dir, name) = split(local)?;
            match std::fs::metadata(&dir) {
                Ok(m) if m.is_dir() => Ok((absolute(&dir)?, name)),
                Ok(_) => Err(format!("{}: not a folder", dir.display())),
                Err(e) => Err(local_failure(&dir, "folder", &e)),
            }
        }
        Err(e) => Err(local_failure(local, "file or folder", &e)),
    }
}

/// `a/b/name` → (`a/b`, `name`); a bare name lies in the current folder.
fn split(local: &Path) -> Result<(PathBuf, Name), String> {
    let name = local
        .file_name()
        .map(Name::from_os)
        .ok_or_else(|| format!("{}: not a name to create", local.display()))?;
    let dir = match local.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_follows_cp() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        std::fs::create_dir(root.join("dir")).expect("mkdir");
        std::fs::write(root.join("file"), b"x").expect("write");

        // An existing folder: into it, under the remote name.
        assert_eq!(
            place(&root.join("dir"), Some("a.txt".into()), false),
            Ok((root.join("dir"), "a.txt".into()))
        );
        // A new name: as that name.
        assert_eq!(
            place(&root.join("new"), Some("tree".into()), true),
            Ok((root.to_path_buf(), "new".into()))
        );
        // An existing file: replaced by a file (if the user allows), never by a folder.
        assert_eq!(
            place(&root.join("file"), Some("a.txt".into()), false),
            Ok((root.to_path_buf(), "file".into()))
        );
        assert!(place(&root.join("file"), Some("tree".into()), true).is_err());
        // The folder of a new name must exist; a trailing slash means a folder.
        assert!(place(&root.join("no/new"), Some("a.txt".into()), false).is_err());
        let slashed = PathBuf::from(format!("{}/", root.join("nodir").display()));
        assert!(place(&slashed, Some("a.txt".into()), false).is_err());
        // The server's root has no name to create inside a folder.
        assert!(place(&root.join("dir"), None, true).is_err());
    }
}
