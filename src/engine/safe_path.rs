//! A name from a server is data, never a path. Before one becomes part of a
//! local path it must be a single, ordinary path component, and the joined
//! path must stay inside the folder the user chose.

use std::path::{Component, Path, PathBuf};

use super::protocol::Name;

/// Why a server-supplied name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeName {
    #[error("the server sent an empty name")]
    Empty,
    #[error("refused the name {0:?}: it is not a plain file name")]
    NotPlain(String),
}

/// Checks that `name` is one plain component: not empty, not `.` or `..`,
/// no `/`, `\` or NUL.
pub fn check_name(name: &Name) -> Result<&Name, UnsafeName> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Err(UnsafeName::Empty);
    }
    if bytes == b"." || bytes == b".." || bytes.iter().any(|b| matches!(b, b'/' | b'\\' | 0)) {
        return Err(UnsafeName::NotPlain(name.display().into_owned()));
    }
    Ok(name)
}

/// Joins server-supplied `names` (a relative path split into components)
/// onto `root`, refusing anything that could leave it.
pub fn join_inside(root: &Path, names: &[&Name]) -> Result<PathBuf, UnsafeName> {
    let mut path = root.to_path_buf();
    for name in names {
        path.push(check_name(name)?.as_os());
    }
    let shown = || {
        names
            .iter()
            .map(|n| n.display().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    // Belt and braces: every component we added must be a normal one.
    let added = path
        .strip_prefix(root)
        .map_err(|_| UnsafeName::NotPlain(shown()))?;
    if !added
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(UnsafeName::NotPlain(shown()));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "/abs",
            "a/../../b",
            "..\\x",
            "a\\b",
            "nul\0byte",
            "x/",
        ] {
            assert!(check_name(&Name::from(bad)).is_err(), "accepted {bad:?}");
        }
        for good in [
            "a", "a b.txt", "..x", "x..", "über", ".hidden", "a:b", "\x1b[2J",
        ] {
            let n = Name::from(good);
            assert_eq!(check_name(&n), Ok(&n));
        }
        let latin1 = Name::from_bytes(&b"caf\xe9"[..]);
        assert_eq!(check_name(&latin1), Ok(&latin1));
    }

    #[test]
    fn joined_paths_stay_inside() {
        let root = Path::new("/tmp/target");
        let (a, b, up, etc) = (
            Name::from("a"),
            Name::from("b.txt"),
            Name::from(".."),
            Name::from("/etc"),
        );
        assert_eq!(
            join_inside(root, &[&a, &b]).unwrap(),
            Path::new("/tmp/target/a/b.txt")
        );
        assert!(join_inside(root, &[&a, &up]).is_err());
        assert!(join_inside(root, &[&etc]).is_err());
    }
}
