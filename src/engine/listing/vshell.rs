//! VShell (VanDyke): `size  Mon DD, YYYY HH:MM  name`, folders with a
//! trailing `/`.

use super::bytes::Tokens;
use super::calendar::{month_name, parse_clock, parse_day, parse_year, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use super::size::parse_grouped;
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let mut toks: Tokens<'_, 6> = Tokens::new(b, 0);
    let Some(size) = toks.get(0).and_then(parse_grouped) else {
        return ParsedLine::Unreadable;
    };
    let (Some(m), Some(d), Some(y), Some(clock)) = (
        toks.get(1).and_then(month_name),
        toks.get(2)
            .filter(|t| t.ends_with(b","))
            .and_then(parse_day),
        toks.get(3).and_then(parse_year),
        toks.get(4).and_then(parse_clock),
    ) else {
        return ParsedLine::Unreadable;
    };
    if toks.get(5).is_none() {
        return ParsedLine::Unreadable;
    }
    let name = &b[toks.range(5).0..];
    let (name, kind) = match name.strip_suffix(b"/") {
        Some(n) => (n, EntryKind::Dir),
        None => (name, EntryKind::File),
    };
    entry_or_skip(name, kind, |e| {
        e.size = size;
        e.modified = stamp(y, m, d, Some(clock));
    })
}
