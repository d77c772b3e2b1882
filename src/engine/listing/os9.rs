//! OS-9: `group.user  YY/MM/DD  HHMM  attributes  sector  size  name`;
//! attributes starting with `d` are a folder.

use super::bytes::{is_digits, parse_u64, split, token_range};
use super::calendar::{parse_clock, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let (t, n, _) = split::<7>(b);
    if n == 0 || t[0] == b"Owner" || t[0].starts_with(b"--") || t[0] == b"Directory" {
        return ParsedLine::Skip;
    }
    if n < 7 {
        return ParsedLine::Unreadable;
    }
    let owner_ok = match t[0].iter().position(|&c| c == b'.') {
        Some(i) => is_digits(&t[0][..i]) && is_digits(&t[0][i + 1..]),
        None => false,
    };
    // OS-9 writes dates year first: `24/11/27`.
    let date = (|| {
        let mut p = t[1].split(|&c| c == b'/');
        let (y, m, d) = (p.next()?, p.next()?, p.next()?);
        let (y, m, d) = (
            super::bytes::parse_fixed(y)?,
            super::bytes::parse_fixed(m)?,
            super::bytes::parse_fixed(d)?,
        );
        Some((super::calendar::full_year(y, 2), m, d))
    })();
    let clock = (t[2].len() == 4 && is_digits(t[2])).then(|| {
        let hm = [t[2][0], t[2][1], b':', t[2][2], t[2][3]];
        parse_clock(&hm)
    });
    let (true, Some((y, m, d)), Some(Some(clock)), Some(size)) =
        (owner_ok, date, clock, parse_u64(t[5]))
    else {
        return ParsedLine::Unreadable;
    };
    let Some(name_tok) = token_range(b, 6) else {
        return ParsedLine::Unreadable;
    };
    let kind = if t[3].starts_with(b"d") {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    entry_or_skip(&b[name_tok.0..], kind, |e| {
        e.size = size;
        e.modified = stamp(y, m, d, Some(clock));
    })
}
