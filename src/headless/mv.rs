//! `wharf mv URL NEW`: renames or moves on the same server. NEW is a URL
//! of the same server, an absolute path, or a path relative to URL's
//! folder; ending in `/`, it is the folder to move into. An existing
//! target is refused unless `--force` (a folder is never replaced).

use super::op::{Server, status};
use crate::engine::protocol::{ConnectProfile, FileOp, Location, Name, RemotePath};
use crate::engine::session::Connector;

/// Where NEW points: a URL (already parsed by the caller) or a path.
pub enum NewName {
    Url(Box<ConnectProfile>),
    Path(String),
}

/// Reads NEW: a URL or `@bookmark` is the caller's to resolve (`None`).
pub fn new_name(text: &str) -> Option<NewName> {
    if text.contains("://") || text.starts_with('@') {
        None
    } else {
        Some(NewName::Path(text.to_string()))
    }
}

pub async fn mv(
    connector: Connector,
    from: ConnectProfile,
    to: NewName,
    force: bool,
    verbose: bool,
) -> i32 {
    let mut s = match Server::open(&connector, &from, 1, verbose).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let source = s.path_of(&from);
    let Some(name) = source.file_name() else {
        eprintln!("wharf: {}: cannot move the root folder", source.display());
        return super::shared::EXIT_FAILED;
    };
    let folder = source.parent().unwrap_or_else(RemotePath::root);
    let (target, into) = match &to {
        NewName::Url(p) => {
            let same = ConnectProfile {
                path: None,
                ..(**p).clone()
            } == ConnectProfile {
                path: None,
                ..from.clone()
            };
            if !same {
                eprintln!("wharf: mv stays on one server: copy with get and put");
                return super::shared::EXIT_FAILED;
            }
            (
                s.path_of(p),
                p.path.as_deref().is_some_and(|x| x.ends_with('/')),
            )
        }
        NewName::Path(text) => (relative_to(&folder, text), text.ends_with('/')),
    };
    let target = if into { target.join(&name) } else { target };
    let op = FileOp::Rename {
        from: Location::Remote(source),
        to: Location::Remote(target),
        replace: force,
    };
    let failed = s.run(op, "file or folder", |_| {}).await.failed;
    s.close().await;
    status(failed)
}

/// `text` as a path: absolute, or relative to `folder` (`..` goes up).
pub fn relative_to(folder: &RemotePath, text: &str) -> RemotePath {
    let mut at = if text.starts_with('/') {
        RemotePath::root()
    } else {
        folder.clone()
    };
    for part in text.split('/').filter(|c| !c.is_empty() && *c != ".") {
        if part == ".." {
            at = at.parent().unwrap_or_else(RemotePath::root);
        } else {
            at = at.join(&Name::from(part));
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_names_are_relative_to_the_source_folder_unless_absolute() {
        let at = |t| relative_to(&RemotePath::from("/pub/a"), t).to_string();
        assert_eq!(at("b.txt"), "/pub/a/b.txt");
        assert_eq!(at("../b.txt"), "/pub/b.txt");
        assert_eq!(at("./sub/"), "/pub/a/sub");
        assert_eq!(at("/srv/x"), "/srv/x");
        assert!(new_name("ftp://h/x").is_none());
        assert!(new_name("@work/x").is_none());
    }
}
