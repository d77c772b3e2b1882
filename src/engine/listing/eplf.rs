//! EPLF (D. J. Bernstein's Easily Parsed LIST Format):
//! `+facts,separated,by,commas,\tname` — `/` a folder, `r` a file,
//! `s<size>`, `m<seconds since 1970, UTC>`, `up<mode>`; others ignored.

use chrono::DateTime;

use super::bytes::{find_byte, parse_octal, parse_u64};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::{EntryKind, ModTime, Perms, Precision};

pub fn parse(b: &[u8]) -> ParsedLine {
    let Some(facts) = b.strip_prefix(b"+") else {
        return ParsedLine::Unreadable;
    };
    let Some(tab) = find_byte(facts, b'\t') else {
        return ParsedLine::Unreadable;
    };
    let (facts, name) = (&facts[..tab], &facts[tab + 1..]);
    let (mut dir, mut file) = (false, false);
    let mut size = None;
    let mut time = None;
    let mut mode = None;
    for fact in facts.split(|&c| c == b',') {
        match fact.split_first() {
            Some((b'/', [])) => dir = true,
            Some((b'r', [])) => file = true,
            Some((b's', n)) => size = Some(parse_u64(n)),
            Some((b'm', n)) => time = Some(parse_u64(n)),
            Some((b'u', [b'p', m @ ..])) => mode = parse_octal(m),
            _ => {}
        }
    }
    let kind = match (dir, file) {
        (true, _) => EntryKind::Dir,
        (false, true) => EntryKind::File,
        // Neither retrievable nor a folder: nothing we can act on, but shown.
        (false, false) => EntryKind::Other,
    };
    if matches!(size, Some(None)) || matches!(time, Some(None)) {
        return ParsedLine::Unreadable;
    }
    entry_or_skip(name, kind, |e| {
        e.size = size.flatten().unwrap_or(0);
        e.modified = time.flatten().and_then(|s| {
            let t = DateTime::from_timestamp(i64::try_from(s).ok()?, 0)?;
            Some(ModTime::utc(t.naive_utc(), Precision::Second))
        });
        e.permissions = mode.map(|m| Perms::from_mode(m, kind));
    })
}
