//! OS/2: `size  [attributes]  [DIR]  MM-DD-YY  HH:MM  name` (the year may
//! be `103` for 2003, as the C library counts).

use super::bytes::{Tokens, is_digits, parse_u64};
use super::calendar::{parse_clock, parse_numeric_date, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let mut toks: Tokens<'_, 8> = Tokens::new(b, 0);
    let Some(size) = toks.get(0).and_then(parse_u64) else {
        return ParsedLine::Unreadable;
    };
    let mut dir = false;
    let mut i = 1;
    // Attribute letters (A, R, H, S) and DIR, in any number.
    while let Some(t) = toks.get(i) {
        if t == b"DIR" {
            dir = true;
        } else if !t.iter().all(|c| matches!(c, b'A' | b'R' | b'H' | b'S')) {
            break;
        }
        i += 1;
        if i > 4 {
            return ParsedLine::Unreadable;
        }
    }
    let Some((y, m, d)) = toks.get(i).and_then(parse_numeric_date) else {
        return ParsedLine::Unreadable;
    };
    let Some(clock) = toks.get(i + 1).and_then(parse_clock) else {
        return ParsedLine::Unreadable;
    };
    let Some(name) = toks.get(i + 2).map(|_| &b[toks.range(i + 2).0..]) else {
        return ParsedLine::Unreadable;
    };
    if is_digits(name) && name.len() > 20 {
        return ParsedLine::Unreadable;
    }
    let kind = if dir { EntryKind::Dir } else { EntryKind::File };
    entry_or_skip(name, kind, |e| {
        e.size = size;
        e.modified = stamp(y, m, d, Some(clock));
    })
}
