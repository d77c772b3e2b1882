//! Where a server is, as users write it: `ftp://`, `ftpes://` (explicit
//! TLS) or `ftps://` (implicit TLS, port 990 by default), then
//! `[user[:password]@]host[:port][/path]` (a bare `host[:port]` means
//! `ftp://`), turned into a connection profile.
//! The command line, the bookmarks and the headless commands all parse
//! URLs here, so they agree on what a URL means.

use percent_encoding::percent_decode_str;

use crate::engine::protocol::{ConnectProfile, DataMode, Security, Timeouts};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("`{0}` is not a valid URL: {1}")]
    Invalid(String, String),
    #[error("`{0}`: wharf speaks ftp://, ftpes:// (explicit TLS) and ftps:// (implicit TLS)")]
    Scheme(String),
    #[error("`{0}` has no host")]
    NoHost(String),
    #[error("`{0}`: the user name or password is not valid UTF-8 after decoding")]
    Encoding(String),
}

/// Parses `ftp://[user[:password]@]host[:port][/path]`. A bare `host[:port]`
/// means ftp://. The path is relative to the login folder, as in curl;
/// `%2F` at its start makes it absolute (`ftp://host/%2Fsrv`), and so does
/// a path that is absolute after decoding.
pub fn parse_url(
    input: &str,
    mode: DataMode,
    timeouts: Timeouts,
) -> Result<ConnectProfile, UrlError> {
    parse_url_inner(input, mode, timeouts).map_err(|e| e.masked(&mask_password(input)))
}

/// `@name` or `@name/path`: the bookmark among `names` and the path after
/// it (`None` when there is none). Names may not contain `/` any more;
/// of older ones that do, the longest that matches wins (`@a/b/c` with
/// bookmarks `a` and `a/b` is `a/b`, path `c`). Names match as the store
/// matches them, ignoring case. `None`: not a bookmark argument, or no
/// bookmark of that name.
pub fn split_bookmark<'a, 'n>(
    arg: &'a str,
    names: impl IntoIterator<Item = &'n str>,
) -> Option<(&'n str, Option<&'a str>)> {
    let rest = arg.strip_prefix('@')?;
    names
        .into_iter()
        .filter_map(|name| {
            let head = rest.get(..name.len())?;
            if !head.eq_ignore_ascii_case(name) {
                return None;
            }
            match &rest[name.len()..] {
                "" => Some((name, None)),
                tail if tail.starts_with('/') => {
                    let path = &tail[1..];
                    Some((name, (!path.is_empty()).then_some(path)))
                }
                _ => None,
            }
        })
        .max_by_key(|(name, _)| name.len())
}

/// The remote path of `@bookmark/path`: `path` under the bookmark's
/// folder (its `remote_dir`), or under the login folder when it has none;
/// `//x` (an absolute path after the name's slash) is absolute.
pub fn bookmark_path(remote_dir: Option<&str>, path: Option<&str>) -> Option<String> {
    match (remote_dir, path) {
        (dir, None) => dir.map(str::to_string),
        (_, Some(p)) if p.starts_with('/') => Some(p.to_string()),
        (None, Some(p)) => Some(p.to_string()),
        (Some(dir), Some(p)) => Some(format!("{}/{p}", dir.trim_end_matches('/'))),
    }
}

/// `input` with the password of its user part replaced by `****`, for
/// error messages (a typo in a URL must not print the secret in it).
pub fn mask_password(input: &str) -> String {
    let Some(scheme_end) = input.find("://") else {
        return input.to_string();
    };
    let rest = &input[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return input.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:****{}",
            &input[..scheme_end + 3],
            &rest[..colon],
            &rest[at..]
        ),
        None => input.to_string(),
    }
}

impl UrlError {
    /// The same error, naming `shown` instead of the URL as typed.
    fn masked(self, shown: &str) -> UrlError {
        let s = shown.to_string();
        match self {
            UrlError::Invalid(_, why) => UrlError::Invalid(s, why),
            UrlError::Scheme(_) => UrlError::Scheme(s),
            UrlError::NoHost(_) => UrlError::NoHost(s),
            UrlError::Encoding(_) => UrlError::Encoding(s),
        }
    }
}

fn parse_url_inner(
    input: &str,
    mode: DataMode,
    timeouts: Timeouts,
) -> Result<ConnectProfile, UrlError> {
    let text = input.trim();
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        if let Some(why) = mistyped_scheme(text) {
            return Err(UrlError::Invalid(input.into(), why.into()));
        }
        format!("ftp://{text}")
    };
    let url = url::Url::parse(&with_scheme)
        .map_err(|e| UrlError::Invalid(input.into(), e.to_string()))?;
    let security = match url.scheme() {
        "ftp" => Security::Plain,
        "ftpes" => Security::Explicit,
        "ftps" => Security::Implicit,
        _ => return Err(UrlError::Scheme(input.into())),
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| UrlError::NoHost(input.into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let decode = |s: &str| {
        percent_decode_str(s)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| UrlError::Encoding(input.into()))
    };
    let user = match url.username() {
        "" => None,
        u => Some(decode(u)?),
    };
    let password = url.password().map(decode).transpose()?;
    let raw_path = url.path().strip_prefix('/').unwrap_or(url.path());
    let path = decode(raw_path)?;
    Ok(ConnectProfile {
        host,
        port: url.port().unwrap_or(default_port(security)),
        user,
        password,
        path: (!path.is_empty()).then_some(path),
        mode,
        timeouts,
        security,
        tls_versions: Default::default(),
        listing: Default::default(),
    })
}

/// The port a scheme means when the URL names none.
pub fn default_port(security: Security) -> u16 {
    match security {
        Security::Plain | Security::Explicit => 21,
        Security::Implicit => 990,
    }
}

/// Why a bare `host[:port][/path]` is a URL with its `://` mistyped
/// (`ftp//host/`, `ftp:/host`), which would otherwise be read as a host
/// called `ftp`. A host name holds no `/`, so `NAME//` and `NAME:/` at the
/// start cannot be a host.
fn mistyped_scheme(text: &str) -> Option<&'static str> {
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        .unwrap_or(text.len());
    let rest = &text[name_end..];
    (name_end > 0 && (rest.starts_with("//") || rest.starts_with(":/")))
        .then_some("the scheme needs `://`, as in ftp://host/path")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<ConnectProfile, UrlError> {
        parse_url(s, DataMode::Passive, Timeouts::default())
    }

    #[test]
    fn full_urls() {
        let c = p("ftp://bob:s%40cret@example.org:2121/pub/x%20y/").unwrap();
        assert_eq!(c.host, "example.org");
        assert_eq!(c.port, 2121);
        assert_eq!(c.user.as_deref(), Some("bob"));
        assert_eq!(c.password.as_deref(), Some("s@cret"));
        assert_eq!(c.path.as_deref(), Some("pub/x y/"));
    }

    #[test]
    fn anonymous_default_port_and_bare_hosts() {
        let c = p("ftp://ftp.example.org").unwrap();
        assert_eq!((c.port, c.user, c.path), (21, None, None));
        let c = p("localhost:2121").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("localhost", 2121));
        let c = p("ftp://[::1]:2121/").unwrap();
        assert_eq!(c.host, "::1");
        assert_eq!(c.authority(), "[::1]:2121");
    }

    #[test]
    fn tls_schemes_set_the_security_and_the_usual_port() {
        let c = p("ftpes://h/pub").unwrap();
        assert_eq!((c.security, c.port), (Security::Explicit, 21));
        let c = p("ftps://u@h").unwrap();
        assert_eq!((c.security, c.port), (Security::Implicit, 990));
        let c = p("ftps://h:21/").unwrap();
        assert_eq!((c.security, c.port), (Security::Implicit, 21));
        let c = p("FTPES://h:2121").unwrap();
        assert_eq!((c.security, c.port), (Security::Explicit, 2121));
        assert_eq!(p("h").unwrap().security, Security::Plain);
    }

    #[test]
    fn percent_2f_makes_the_path_absolute() {
        assert_eq!(
            p("ftp://h/%2Fsrv/ftp").unwrap().path.as_deref(),
            Some("/srv/ftp")
        );
    }

    #[test]
    fn user_without_password() {
        let c = p("ftp://alice@h").unwrap();
        assert_eq!((c.user.as_deref(), c.password), (Some("alice"), None));
    }

    #[test]
    fn errors_never_repeat_a_password() {
        let e = p("ftp://bob:hunter2@host:99999/").unwrap_err().to_string();
        assert!(!e.contains("hunter2") && e.contains("bob:****@host"), "{e}");
        assert_eq!(mask_password("ftp://h/a:b@c"), "ftp://h/a:b@c");
    }

    #[test]
    fn bad_urls_are_errors() {
        assert!(matches!(p("http://h/"), Err(UrlError::Scheme(_))));
        assert!(matches!(
            p("ftp://"),
            Err(UrlError::Invalid(..)) | Err(UrlError::NoHost(_))
        ));
        assert!(matches!(p("ftp://h:99999/"), Err(UrlError::Invalid(..))));
        assert!(p("ftp://h:abc/").is_err());
        assert!(p("ftp://a b/").is_err());
    }

    #[test]
    fn a_mistyped_scheme_is_no_host_name() {
        for bad in ["ftp//host/", "ftp:/host/x", "ftps//h", "ftp:/"] {
            assert!(matches!(p(bad), Err(UrlError::Invalid(..))), "{bad}");
        }
        // Bare hosts, with a port or a path, are still fine.
        assert_eq!(p("host/pub").unwrap().path.as_deref(), Some("pub"));
        assert_eq!(p("host:2121/x").unwrap().port, 2121);
        assert_eq!(p("ftp.example.org").unwrap().host, "ftp.example.org");
    }

    #[test]
    fn bookmark_arguments_take_the_longest_matching_name() {
        let names = ["work", "work/old", "home"];
        assert_eq!(split_bookmark("@work", names), Some(("work", None)));
        assert_eq!(
            split_bookmark("@work/logs/a.txt", names),
            Some(("work", Some("logs/a.txt")))
        );
        assert_eq!(
            split_bookmark("@work/old/x", names),
            Some(("work/old", Some("x")))
        );
        assert_eq!(split_bookmark("@WORK/", names), Some(("work", None)));
        assert_eq!(split_bookmark("@workshop", names), None);
        assert_eq!(split_bookmark("@nope/x", names), None);
        assert_eq!(split_bookmark("work", names), None);
        assert_eq!(
            bookmark_path(Some("/srv/"), Some("a/b")).as_deref(),
            Some("/srv/a/b")
        );
        assert_eq!(bookmark_path(None, Some("a")).as_deref(), Some("a"));
        assert_eq!(bookmark_path(Some("d"), None).as_deref(), Some("d"));
        assert_eq!(bookmark_path(Some("d"), Some("/x")).as_deref(), Some("/x"));
    }
}
