//! VxWorks: `size  MON-DD-YYYY  HH:MM:SS  name  [<DIR>]`, under a
//! `size date time name` header and a dashed line.

use super::bytes::{parse_u64, split, token_range, trim_end};
use super::calendar::{month_name, parse_clock, parse_day, parse_year, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let (t, n, _) = split::<6>(b);
    if n == 0 || t[0] == b"size" || t[0].starts_with(b"--") {
        return ParsedLine::Skip;
    }
    if n < 4 {
        return ParsedLine::Unreadable;
    }
    let Some(size) = parse_u64(t[0]) else {
        return ParsedLine::Unreadable;
    };
    let mut parts = t[1].split(|&c| c == b'-');
    let (Some(mo), Some(d), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return ParsedLine::Unreadable;
    };
    let (Some(mo), Some(d), Some(y)) = (month_name(mo), parse_day(d), parse_year(y)) else {
        return ParsedLine::Unreadable;
    };
    let Some(clock) = parse_clock(t[2]) else {
        return ParsedLine::Unreadable;
    };
    let Some(name_tok) = token_range(b, 3) else {
        return ParsedLine::Unreadable;
    };
    let mut name = &b[name_tok.0..];
    let mut kind = EntryKind::File;
    if let Some(stripped) = name.strip_suffix(b"<DIR>") {
        kind = EntryKind::Dir;
        name = trim_end(stripped);
    }
    entry_or_skip(name, kind, |e| {
        e.size = size;
        e.modified = stamp(y, mo, d, Some(clock));
    })
}
