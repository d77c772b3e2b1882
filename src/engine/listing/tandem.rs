//! HP NonStop (Tandem): `NAME  code  EOF  DD-Mon-YY  HH:MM:SS  owner
//! "RWEP"`, under a `File Code EOF Last Modification Owner RWEP` header.
//! The owner may be `255,255` or `255, 255`.

use super::bytes::{parse_u64, split};
use super::calendar::{parse_clock, parse_numeric_date, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let (t, n, more) = split::<8>(b);
    if n == 0 || (t[0] == b"File" && n > 1 && t[1] == b"Code") {
        return ParsedLine::Skip;
    }
    if !(7..=8).contains(&n) || more {
        return ParsedLine::Unreadable;
    }
    let (Some(_code), Some(size), Some((y, m, d)), Some(clock)) = (
        parse_u64(t[1]),
        parse_u64(t[2]),
        parse_numeric_date(t[3]),
        parse_clock(t[4]),
    ) else {
        return ParsedLine::Unreadable;
    };
    let perms = t[n - 1];
    let split_owner = n == 8 && t[5].ends_with(b",");
    if (n == 8 && !split_owner) || !(perms.starts_with(b"\"") && perms.ends_with(b"\"")) {
        return ParsedLine::Unreadable;
    }
    entry_or_skip(t[0], EntryKind::File, |e| {
        e.size = size;
        e.modified = stamp(y, m, d, Some(clock));
    })
}
