//! `wharf put LOCAL... URL`: local files and folders (with everything in
//! them), placed as `cp -r` would place them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::copy::{self, Copy};
use super::look_up::{give_up, look_up};
use super::shared::{EXIT_FAILED, names_a_folder};
use super::wording::local_failure;
use crate::cli::CopyArgs;
use crate::engine::protocol::{ConnectProfile, Location, Name, RelPath, RemotePath, TransferItem};
use crate::engine::session::{Connector, RemoteKind};
use crate::text::sanitize;

/// Uploads the local paths and returns the exit status.
pub async fn put(
    connector: Connector,
    profile: ConnectProfile,
    locals: Vec<PathBuf>,
    args: CopyArgs,
) -> i32 {
    let started = Instant::now();
    // Sources first: they cost nothing to check. Like cp, a missing one is
    // reported and the others are still copied.
    let mut sources = Vec::with_capacity(locals.len());
    let mut missing = false;
    for local in &locals {
        match source(local) {
            Ok(s) => sources.push(s),
            Err(why) => {
                eprintln!("wharf: {why}");
                missing = true;
            }
        }
    }
    if sources.is_empty() {
        return EXIT_FAILED;
    }
    let engine = copy::start_engine(connector, &profile, &args);
    let (remote, kind, session) = match look_up(&engine.connector, &profile, args.verbose).await {
        Ok(found) => (found.path, found.kind, found.session),
        Err(code) => {
            engine.shutdown().await;
            return code;
        }
    };
    let shown = sanitize(&remote.display()).into_owned();
    let into_folder = kind == RemoteKind::Folder;
    if !into_folder {
        let refusal = if locals.len() > 1 {
            Some(format!(
                "{shown}: not a folder (several sources go into a folder)"
            ))
        } else if names_a_folder(&profile) {
            Some(format!("{shown}: no such folder"))
        } else if matches!(kind, RemoteKind::File { .. }) && sources[0].1 {
            Some(format!("cannot overwrite the file {shown} with a folder"))
        } else {
            None
        };
        if let Some(why) = refusal {
            eprintln!("wharf: {why}");
            give_up(engine, session).await;
            return EXIT_FAILED;
        }
    }
    let (target_dir, new_name) = if into_folder {
        (remote.clone(), None)
    } else {
        (
            remote.parent().unwrap_or_else(RemotePath::root),
            remote.file_name(),
        )
    };
    let items = sources
        .into_iter()
        .map(|(path, is_dir, name)| TransferItem {
            source: Location::Local(path),
            is_dir,
            size: None,
            modified: None,
            target_name: new_name.clone().unwrap_or(name),
            subdir: RelPath::default(),
        })
        .collect();
    let plan = Copy {
        items,
        target_dir: Location::Remote(target_dir),
    };
    let code = copy::run(engine, session, plan, &args, started).await;
    if missing { code.max(EXIT_FAILED) } else { code }
}

/// An upload source: its absolute path, whether it is a folder, and its name.
fn source(local: &Path) -> Result<(PathBuf, bool, Name), String> {
    let meta = std::fs::metadata(local).map_err(|e| local_failure(local, "file", &e))?;
    let path = std::path::absolute(local).map_err(|e| local_failure(local, "file", &e))?;
    // `.` and `..` have no name of their own: use the folder's real one.
    let name = match local.file_name() {
        Some(n)
            if local
                .components()
                .next_back()
                .is_some_and(|c| matches!(c, std::path::Component::Normal(_))) =>
        {
            Name::from_os(n)
        }
        _ => std::fs::canonicalize(local)
            .ok()
            .and_then(|p| p.file_name().map(Name::from_os))
            .ok_or_else(|| format!("{}: has no name to create on the server", local.display()))?,
    };
    Ok((path, meta.is_dir(), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_have_names_even_when_given_as_dots() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("work");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::write(dir.join("a.txt"), b"a").expect("write");
        let (_, is_dir, name) = source(&dir.join("a.txt")).expect("file");
        assert_eq!((is_dir, name), (false, "a.txt".into()));
        let (_, is_dir, name) = source(&dir.join(".")).expect("dot");
        assert_eq!((is_dir, name), (true, "work".into()));
        assert!(source(&dir.join("missing")).is_err());
    }
}
