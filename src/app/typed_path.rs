//! A folder typed by the user (the copy dialog's target, Alt-c's "go to"),
//! made into a path on a side: absolute, relative to the pane's folder,
//! `~` (the local home, or the login folder on the server), `.` and `..`
//! resolved by the text alone (nothing is asked of the disk or the server
//! here). A URL (`ftp://…`) names the server, `file://` this computer.
//! Pure.

use std::path::{Component, Path, PathBuf};

use crate::engine::protocol::{Location, Name, RemotePath, Side};

const NO_HOME: &str = "~: the home folder is not known";

/// Where `typed` leads from `base` (a folder on its side). `home` is what
/// `~` means on that side. A URL or `file://` may name the other side:
/// the caller decides whether that is allowed.
pub fn resolve(typed: &str, base: &Location, home: Option<&Location>) -> Result<Location, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("Type a folder".into());
    }
    if let Some(rest) = typed.strip_prefix("file://") {
        return Ok(Location::Local(normalize_local(Path::new(rest))));
    }
    if let Some(path) = url_path(typed)? {
        return Ok(Location::Remote(normalize_remote(&path)));
    }
    let home_of = |side: Side| -> Result<Location, String> {
        home.filter(|h| h.side() == side)
            .cloned()
            .ok_or_else(|| NO_HOME.to_string())
    };
    match base {
        Location::Local(dir) => {
            let joined = match typed.strip_prefix('~') {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                    match home_of(Side::Local)? {
                        Location::Local(h) => h.join(rest.trim_start_matches('/')),
                        Location::Remote(_) => return Err(NO_HOME.into()),
                    }
                }
                _ => dir.join(typed),
            };
            Ok(Location::Local(normalize_local(&joined)))
        }
        Location::Remote(dir) => {
            let joined = match typed.strip_prefix('~') {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                    match home_of(Side::Remote)? {
                        Location::Remote(h) => {
                            format!("{}/{}", h.display(), rest.trim_start_matches('/'))
                        }
                        Location::Local(_) => return Err(NO_HOME.into()),
                    }
                }
                _ if typed.starts_with('/') => typed.to_string(),
                _ => format!("{}/{typed}", dir.display()),
            };
            Ok(Location::Remote(normalize_remote(&joined)))
        }
    }
}

/// The path of an `ftp://`, `ftps://` or `ftpes://` URL (percent-decoded),
/// `None` if `typed` is not one.
fn url_path(typed: &str) -> Result<Option<String>, String> {
    let lower = typed.to_ascii_lowercase();
    if !["ftp://", "ftps://", "ftpes://"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return Ok(None);
    }
    let url = url::Url::parse(typed).map_err(|e| format!("Not a URL: {e}"))?;
    let path = percent_encoding::percent_decode_str(url.path())
        .decode_utf8_lossy()
        .into_owned();
    Ok(Some(if path.is_empty() { "/".into() } else { path }))
}

/// `.` and `..` resolved, repeated slashes dropped; above `/` stays `/`.
fn normalize_remote(path: &str) -> RemotePath {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts
        .iter()
        .fold(RemotePath::root(), |p, n| p.join(&Name::from(*n)))
}

fn normalize_local(path: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

/// The folder names of `names` that start with the last component of
/// `typed` (compared as typed, then without case), and the text up to
/// that component: Tab's candidates when the typed folder is the one
/// listed.
pub fn completions<'a>(typed: &'a str, names: &[&'a str]) -> (&'a str, Vec<&'a str>) {
    let (head, stem) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let mut hits: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with(stem))
        .collect();
    if hits.is_empty() {
        let lower = stem.to_lowercase();
        hits = names
            .iter()
            .copied()
            .filter(|n| n.to_lowercase().starts_with(&lower))
            .collect();
    }
    hits.sort_unstable();
    (head, hits)
}

/// The longest start all of `names` share (by characters).
pub fn common_start(names: &[&str]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    let mut n = first.chars().count();
    for other in &names[1..] {
        n = first
            .chars()
            .zip(other.chars())
            .take(n)
            .take_while(|(a, b)| a == b)
            .count();
    }
    first.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(p: &str) -> Location {
        Location::Remote(RemotePath::from(p))
    }

    fn local(p: &str) -> Location {
        Location::Local(PathBuf::from(p))
    }

    #[test]
    fn remote_paths_resolve_against_the_pane_and_the_login_folder() {
        let base = remote("/srv/ftp");
        let home = remote("/home/ana");
        let go = |t: &str| resolve(t, &base, Some(&home)).map(|l| l.to_string());
        assert_eq!(go("pub/new"), Ok("/srv/ftp/pub/new".into()));
        assert_eq!(go("/etc//x/"), Ok("/etc/x".into()));
        assert_eq!(go(".."), Ok("/srv".into()));
        assert_eq!(go("../../../.."), Ok("/".into()));
        assert_eq!(go("~"), Ok("/home/ana".into()));
        assert_eq!(go("~/logs"), Ok("/home/ana/logs".into()));
        assert_eq!(go("~x"), Ok("/srv/ftp/~x".into()));
        assert_eq!(go("  "), Err("Type a folder".into()));
        assert_eq!(go("ftp://h:21/a%20b/c"), Ok("/a b/c".into()));
    }

    #[test]
    fn local_paths_resolve_and_a_file_url_is_local() {
        let base = local("/home/ana");
        let go = |t: &str| resolve(t, &base, Some(&local("/home/ana")));
        assert_eq!(go("Downloads/new"), Ok(local("/home/ana/Downloads/new")));
        assert_eq!(go("~/x"), Ok(local("/home/ana/x")));
        assert_eq!(go("/tmp/../var"), Ok(local("/var")));
        assert_eq!(
            resolve("file:///srv", &remote("/"), None),
            Ok(local("/srv"))
        );
        assert_eq!(resolve("ftp://h/pub", &base, None), Ok(remote("/pub")));
        assert!(resolve("~", &base, None).is_err());
    }

    #[test]
    fn tab_offers_the_folders_that_start_with_the_last_component() {
        let names = ["Documents", "Downloads", "docs", "pub"];
        assert_eq!(
            completions("Do", &names),
            ("", vec!["Documents", "Downloads"])
        );
        assert_eq!(completions("a/p", &names), ("a/", vec!["pub"]));
        // No exact-case match: without case.
        assert_eq!(completions("PU", &names), ("", vec!["pub"]));
        assert_eq!(common_start(&["Documents", "Downloads"]), "Do");
        assert_eq!(common_start(&["pub"]), "pub");
    }
}
