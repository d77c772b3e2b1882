//! Names and paths as they cross between the UI and the engine.
//!
//! A server's names are bytes: nothing obliges them to be UTF-8 (old
//! servers send Latin-1, Shift_JIS, CP1251…). wharf keeps the bytes the
//! server sent and sends exactly those back in every command (CWD, RETR,
//! STOR, DELE, RNFR, MKD, SITE…); only drawing decodes them. Local names
//! are bytes on Unix too, so one [`Name`] type serves both panes.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::ids::Side;

/// One entry's name in its folder, as bytes. Small on purpose: a pane may
/// hold a million of them. A name of up to [`INLINE`] bytes (most are) is
/// kept inside the value, 24 bytes, with nothing on the heap; a longer one
/// in a boxed slice.
#[derive(Clone)]
pub struct Name(Repr);

/// The longest name kept inline.
const INLINE: usize = 22;

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Name {
    pub fn from_bytes(bytes: impl AsRef<[u8]>) -> Name {
        let b = bytes.as_ref();
        Name(match u8::try_from(b.len()) {
            Ok(len) if b.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                bytes[..b.len()].copy_from_slice(b);
                Repr::Inline { len, bytes }
            }
            _ => Repr::Heap(b.into()),
        })
    }

    /// A local file's name (its bytes, as the file system has them).
    pub fn from_os(name: &OsStr) -> Name {
        Name::from_bytes(name.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Repr::Heap(b) => b,
        }
    }

    /// The name as it is shown: UTF-8 where it is, the rest replaced.
    pub fn display(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    /// As text, when it is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// The same bytes as a local file name.
    pub fn as_os(&self) -> &OsStr {
        OsStr::from_bytes(self.as_bytes())
    }

    /// Hidden as `ls` means it: the name starts with a dot.
    pub fn is_hidden(&self) -> bool {
        self.as_bytes().first() == Some(&b'.')
    }

    /// The `..` entry a pane shows to go up.
    pub fn is_parent_link(&self) -> bool {
        self.as_bytes() == b".."
    }

    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

// Equality, order and hash are the bytes', whichever way they are kept.
impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Name {}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::from_bytes(s.as_bytes())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        Name::from_bytes(s)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.display())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// A path on the server: bytes, `/`-separated, absolute once resolved
/// against the login folder.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RemotePath(Vec<u8>);

impl RemotePath {
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> RemotePath {
        RemotePath(bytes.into())
    }

    pub fn root() -> RemotePath {
        RemotePath(b"/".to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path as it is shown: UTF-8 where it is, the rest replaced.
    pub fn display(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    pub fn is_root(&self) -> bool {
        self.0 == b"/"
    }

    /// `self/name`, with exactly one slash between.
    pub fn join(&self, name: &Name) -> RemotePath {
        let mut p = self.0.clone();
        if !p.ends_with(b"/") {
            p.push(b'/');
        }
        p.extend_from_slice(name.as_bytes());
        RemotePath(p)
    }

    /// The folder holding this path (`/` for top-level names); `None` for
    /// `/` itself and for a bare relative name.
    pub fn parent(&self) -> Option<RemotePath> {
        let trimmed = self.trimmed();
        if trimmed.is_empty() {
            return None;
        }
        match trimmed.iter().rposition(|&b| b == b'/') {
            Some(0) => Some(RemotePath::root()),
            Some(i) => Some(RemotePath(trimmed[..i].to_vec())),
            None => None,
        }
    }

    /// The last component (`None` for `/`).
    pub fn file_name(&self) -> Option<Name> {
        let trimmed = self.trimmed();
        let start = trimmed
            .iter()
            .rposition(|&b| b == b'/')
            .map_or(0, |i| i + 1);
        let last = &trimmed[start..];
        (!last.is_empty()).then(|| Name::from_bytes(last))
    }

    /// Without trailing slashes (the root stays empty).
    fn trimmed(&self) -> &[u8] {
        let mut end = self.0.len();
        while end > 0 && self.0[end - 1] == b'/' {
            end -= 1;
        }
        &self.0[..end]
    }
}

impl From<&str> for RemotePath {
    fn from(s: &str) -> RemotePath {
        RemotePath(s.as_bytes().to_vec())
    }
}

impl From<String> for RemotePath {
    fn from(s: String) -> RemotePath {
        RemotePath(s.into_bytes())
    }
}

impl PartialEq<&str> for RemotePath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl fmt::Debug for RemotePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.display())
    }
}

impl fmt::Display for RemotePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// A folder or file on either side: what a pane shows, where a listing or
/// a transfer goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    Local(PathBuf),
    Remote(RemotePath),
}

impl Location {
    pub fn side(&self) -> Side {
        match self {
            Location::Local(_) => Side::Local,
            Location::Remote(_) => Side::Remote,
        }
    }

    pub fn join(&self, name: &Name) -> Location {
        match self {
            Location::Local(p) => Location::Local(p.join(name.as_os())),
            Location::Remote(p) => Location::Remote(p.join(name)),
        }
    }

    pub fn parent(&self) -> Option<Location> {
        match self {
            Location::Local(p) => p.parent().map(|p| Location::Local(p.to_path_buf())),
            Location::Remote(p) => p.parent().map(Location::Remote),
        }
    }

    pub fn file_name(&self) -> Option<Name> {
        match self {
            Location::Local(p) => p.file_name().map(Name::from_os),
            Location::Remote(p) => p.file_name(),
        }
    }

    /// As it is shown.
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Location::Local(p) => p.to_string_lossy(),
            Location::Remote(p) => p.display(),
        }
    }

    pub fn as_local(&self) -> Option<&Path> {
        match self {
            Location::Local(p) => Some(p),
            Location::Remote(_) => None,
        }
    }

    pub fn as_remote(&self) -> Option<&RemotePath> {
        match self {
            Location::Local(_) => None,
            Location::Remote(p) => Some(p),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_paths_join_and_split_with_one_slash() {
        let root = RemotePath::root();
        assert_eq!(root.join(&"a".into()), RemotePath::from("/a"));
        assert_eq!(
            RemotePath::from("/x/").join(&"a b".into()),
            RemotePath::from("/x/a b")
        );
        assert_eq!(
            RemotePath::from("/x/a").parent(),
            Some(RemotePath::from("/x"))
        );
        assert_eq!(RemotePath::from("/a").parent(), Some(root.clone()));
        assert_eq!(RemotePath::from("/a/").parent(), Some(root.clone()));
        assert_eq!(root.parent(), None);
        assert_eq!(
            RemotePath::from("/x/a.txt").file_name(),
            Some("a.txt".into())
        );
        assert_eq!(RemotePath::from("/x/dir/").file_name(), Some("dir".into()));
        assert_eq!(root.file_name(), None);
    }

    #[test]
    fn a_name_is_small_and_short_ones_stay_inline() {
        assert_eq!(std::mem::size_of::<Name>(), 24);
        let short = Name::from("exactly-22-bytes-long!");
        assert!(matches!(short.0, Repr::Inline { len: 22, .. }));
        let long = Name::from("twenty-three bytes long");
        assert!(matches!(long.0, Repr::Heap(_)));
        // However kept, the bytes decide equality, order and hash.
        assert_eq!(long.as_bytes(), b"twenty-three bytes long");
        let empty = Name::from_bytes(b"");
        assert!(empty < short && short < long);
        let mut set = std::collections::HashSet::new();
        set.insert(Name::from_bytes(b"a".repeat(40)));
        assert!(set.contains(&Name::from("a".repeat(40))));
    }

    #[test]
    fn names_keep_bytes_that_are_not_utf8() {
        let latin1 = Name::from_bytes(&b"caf\xe9.txt"[..]);
        let p = RemotePath::from("/pub").join(&latin1);
        assert_eq!(p.as_bytes(), b"/pub/caf\xe9.txt");
        assert_eq!(p.file_name(), Some(latin1.clone()));
        assert_eq!(latin1.display(), "caf\u{fffd}.txt");
        assert_eq!(latin1.as_str(), None);
        let local = Location::Local("/tmp".into()).join(&latin1);
        assert_eq!(local.file_name(), Some(latin1));
    }

    #[test]
    fn locations_know_their_side() {
        assert_eq!(Location::Local("/".into()).side(), Side::Local);
        assert_eq!(Location::Remote(RemotePath::root()).side(), Side::Remote);
        assert!(Name::from(".x").is_hidden());
        assert!(Name::from("..").is_parent_link());
    }
}

/// A path below a sync root, one name per folder level, kept as the bytes
/// each side gave. Ordered name by name, so a folder comes right before
/// everything below it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RelPath(Vec<Name>);

impl RelPath {
    pub fn new(parts: Vec<Name>) -> RelPath {
        RelPath(parts)
    }

    /// From `a/b/c` (empty parts, as in `a//b` or a trailing `/`, dropped).
    pub fn parse(bytes: &[u8]) -> RelPath {
        RelPath(
            bytes
                .split(|&b| b == b'/')
                .filter(|p| !p.is_empty())
                .map(Name::from_bytes)
                .collect(),
        )
    }

    pub fn parts(&self) -> &[Name] {
        &self.0
    }

    /// The last name and the folder it is in (`None` for the root).
    pub fn split_last(&self) -> Option<(&Name, RelPath)> {
        let (last, parent) = self.0.split_last()?;
        Some((last, RelPath(parent.to_vec())))
    }

    pub fn join(&self, name: &Name) -> RelPath {
        let mut parts = self.0.clone();
        parts.push(name.clone());
        RelPath(parts)
    }

    /// Strictly below `folder` (not `folder` itself).
    pub fn is_below(&self, folder: &RelPath) -> bool {
        self.0.len() > folder.0.len() && self.0.starts_with(&folder.0)
    }

    /// `a/b/c`, for display (names decoded lossily).
    pub fn display(&self) -> Cow<'_, str> {
        let parts: Vec<Cow<'_, str>> = self.0.iter().map(Name::display).collect();
        Cow::Owned(parts.join("/"))
    }
}

impl fmt::Debug for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.display())
    }
}
