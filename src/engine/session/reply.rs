//! A server's reply, and what wharf reads out of the ones it needs:
//! the folder in a PWD reply, the port in an EPSV or PASV reply, a time in
//! an MDTM reply, the features FEAT lists. Pure functions, table-tested.

use chrono::NaiveDateTime;

/// One reply: its code and every line as the server sent it (bytes: a PWD
/// reply names a folder in whatever encoding the server uses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<Vec<u8>>,
}

impl Reply {
    pub fn new(code: u16, lines: Vec<Vec<u8>>) -> Reply {
        Reply { code, lines }
    }

    /// The text without codes, the lines joined by spaces, for people.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| {
                let l = String::from_utf8_lossy(l);
                let has_code = l.len() >= 3 && l.as_bytes()[..3].iter().all(u8::is_ascii_digit);
                let body = if has_code {
                    l.get(4..).unwrap_or("")
                } else {
                    &l
                };
                body.trim().to_string()
            })
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The first line's bytes after the code and its separator.
    pub fn first_line_body(&self) -> &[u8] {
        self.lines
            .first()
            .map_or(&[][..], |l| l.get(4..).unwrap_or(&[]))
    }
}

/// The features a FEAT reply lists: one per line between its first and
/// last line, the name upper-cased, its parameters kept as sent.
pub fn parse_features(reply: &Reply) -> Vec<String> {
    let n = reply.lines.len();
    if n < 3 {
        return Vec::new();
    }
    let mut out: Vec<String> = reply.lines[1..n - 1]
        .iter()
        .map(|l| String::from_utf8_lossy(l).trim().to_string())
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once(' ') {
            Some((name, params)) => format!("{} {}", name.to_ascii_uppercase(), params.trim()),
            None => l.to_ascii_uppercase(),
        })
        .collect();
    out.sort();
    out
}

/// The folder in a PWD reply: between the first quote and its closing
/// quote, a doubled quote standing for one (RFC 959). Bytes, as sent.
pub fn parse_pwd(body: &[u8]) -> Option<Vec<u8>> {
    let start = body.iter().position(|&b| b == b'"')? + 1;
    let mut out = Vec::new();
    let mut i = start;
    while i < body.len() {
        let b = body[i];
        if b == b'"' {
            if body.get(i + 1) == Some(&b'"') {
                out.push(b'"');
                i += 2;
                continue;
            }
            return (!out.is_empty()).then_some(out);
        }
        out.push(b);
        i += 1;
    }
    None
}

/// The port of an EPSV reply's `(|||port|)` (any delimiter, RFC 2428).
pub fn epsv_port(text: &str) -> Option<u16> {
    let open = text.find('(')?;
    let inner = &text[open + 1..];
    let inner = &inner[..inner.find(')')?];
    let delim = inner.chars().next()?;
    let fields: Vec<&str> = inner.split(delim).collect();
    match fields.as_slice() {
        ["", "", "", port, ""] => port.parse::<u16>().ok().filter(|p| *p != 0),
        _ => None,
    }
}

/// The port of a PASV reply's `h1,h2,h3,h4,p1,p2` (with or without
/// parentheses). The host part is checked but not used.
pub fn pasv_port(text: &str) -> Option<u16> {
    text.split(|c: char| !(c.is_ascii_digit() || c == ','))
        .find_map(|run| {
            let nums: Vec<u8> = run
                .split(',')
                .map(|n| n.parse::<u8>().ok())
                .collect::<Option<Vec<u8>>>()?;
            (nums.len() == 6).then(|| u16::from(nums[4]) << 8 | u16::from(nums[5]))
        })
        .filter(|p| *p != 0)
}

/// An MDTM time, `YYYYMMDDHHMMSS[.sss]` in UTC.
pub fn parse_mdtm(text: &str) -> Option<NaiveDateTime> {
    let digits = text.split_whitespace().next()?;
    let whole = digits.split('.').next()?;
    NaiveDateTime::parse_from_str(whole.get(..14)?, "%Y%m%d%H%M%S").ok()
}

/// A SIZE reply's number.
pub fn parse_size(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(lines: &[&[u8]]) -> Reply {
        let code = std::str::from_utf8(&lines[0][..3])
            .unwrap()
            .parse()
            .unwrap();
        Reply::new(code, lines.iter().map(|l| l.to_vec()).collect())
    }

    #[test]
    fn text_joins_lines_without_codes() {
        assert_eq!(reply(&[b"550 No such file"]).text(), "No such file");
        assert_eq!(
            reply(&[b"530-Login incorrect.", b"530 Bye"]).text(),
            "Login incorrect. Bye"
        );
        assert_eq!(reply(&[b"220-Hi", b" there", b"220 "]).text(), "Hi there");
    }

    #[test]
    fn features_are_upper_cased_with_parameters() {
        let r = reply(&[
            b"211-Features:",
            b" mlst type*;size*;",
            b" UTF8",
            b" REST STREAM",
            b"211 End",
        ]);
        assert_eq!(
            parse_features(&r),
            ["MLST type*;size*;", "REST STREAM", "UTF8"]
        );
        assert!(parse_features(&reply(&[b"211 no features"])).is_empty());
    }

    #[test]
    fn pwd_replies_give_their_quoted_folder_as_bytes() {
        assert_eq!(
            parse_pwd(br#""/home/wharftest" is the current directory"#).as_deref(),
            Some(&b"/home/wharftest"[..])
        );
        assert_eq!(
            parse_pwd(br#""/a ""b"" c" is cwd"#).as_deref(),
            Some(&br#"/a "b" c"#[..])
        );
        assert_eq!(
            parse_pwd(b"\"/caf\xe9\" ok").as_deref(),
            Some(&b"/caf\xe9"[..])
        );
        assert_eq!(parse_pwd(b"no quotes"), None);
        assert_eq!(parse_pwd(br#""unterminated"#), None);
        assert_eq!(parse_pwd(br#""" empty"#), None);
    }

    #[test]
    fn reads_epsv_ports() {
        assert_eq!(
            epsv_port("Entering Extended Passive Mode (|||30023|)"),
            Some(30023)
        );
        assert_eq!(epsv_port("ok (!!!2121!)"), Some(2121));
        assert_eq!(epsv_port("(|||0|)"), None);
        assert_eq!(epsv_port("(|||99999|)"), None);
        assert_eq!(epsv_port("(|1|127.0.0.1|21|)"), None);
        assert_eq!(epsv_port("no parentheses"), None);
        assert_eq!(epsv_port("(|||12"), None);
    }

    #[test]
    fn reads_pasv_ports_and_ignores_the_host() {
        assert_eq!(
            pasv_port("Entering Passive Mode (10,0,0,9,117,48)."),
            Some(117 * 256 + 48)
        );
        assert_eq!(pasv_port("Entering Passive Mode 127,0,0,1,4,1"), Some(1025));
        assert_eq!(pasv_port("Entering Passive Mode (nonsense)"), None);
        assert_eq!(pasv_port("(1,2,3,4,5)"), None);
        assert_eq!(pasv_port("(1,2,3,4,256,1)"), None);
        assert_eq!(pasv_port("(1,2,3,4,0,0)"), None);
    }

    #[test]
    fn reads_mdtm_times_and_sizes() {
        let t = parse_mdtm("20261127231500").expect("time");
        assert_eq!(t.to_string(), "2026-11-27 23:15:00");
        assert_eq!(
            parse_mdtm("20261127231500.123").map(|t| t.to_string()),
            Some("2026-11-27 23:15:00".into())
        );
        assert_eq!(parse_mdtm("2026"), None);
        assert_eq!(parse_mdtm("garbage here"), None);
        assert_eq!(parse_size("1234"), Some(1234));
        assert_eq!(parse_size("x"), None);
    }
}
