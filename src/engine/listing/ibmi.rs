//! IBM i (OS/400): `owner size date time type name`, with `*MEM` lines
//! that have only the owner, the type and the name. `*DIR`, `*FLR`,
//! `*LIB` and `*FILE` (a file holds members) are folders, as is any name
//! that ends with `/` (the slash is dropped).

use super::bytes::{next_token, split};
use super::calendar::{parse_clock, parse_numeric_date, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use super::size::parse_grouped;
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let (t, n, _) = split::<6>(b);
    if n == 0 {
        return ParsedLine::Skip;
    }
    // `QSYS   *MEM   QGPL/QCLSRC.FILE/MEMBER.MBR`
    if n >= 3 && t[1].starts_with(b"*") {
        let Some(name) = name_after(b, 2) else {
            return ParsedLine::Unreadable;
        };
        return object(t[1], name, |_| {});
    }
    if n < 6 || !t[4].starts_with(b"*") {
        return ParsedLine::Unreadable;
    }
    let (Some(size), Some((y, m, d)), Some(clock)) = (
        parse_grouped(t[1]),
        parse_numeric_date(t[2]),
        parse_clock(t[3]),
    ) else {
        return ParsedLine::Unreadable;
    };
    let Some(name) = name_after(b, 5) else {
        return ParsedLine::Unreadable;
    };
    object(t[4], name, |e| {
        e.size = size;
        e.modified = stamp(y, m, d, Some(clock));
    })
}

/// The rest of the line from token `i` on (names may hold spaces).
fn name_after(b: &[u8], i: usize) -> Option<&[u8]> {
    let mut pos = 0;
    for _ in 0..i {
        pos = next_token(b, pos)?.1;
    }
    let t = next_token(b, pos)?;
    Some(&b[t.0..])
}

fn object(
    kind_tok: &[u8],
    name: &[u8],
    fill: impl FnOnce(&mut crate::engine::protocol::Entry),
) -> ParsedLine {
    let container = matches!(kind_tok, b"*DIR" | b"*FLR" | b"*LIB" | b"*FILE");
    let (name, slash) = match name.strip_suffix(b"/") {
        Some(n) => (n, true),
        None => (name, false),
    };
    // A member is listed by its path (`LIB/FILE.FILE/MBR.MBR`): its name
    // in this folder is the last part.
    let name = match name.iter().rposition(|&c| c == b'/') {
        Some(i) => &name[i + 1..],
        None => name,
    };
    let kind = if container || slash {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    entry_or_skip(name, kind, fill)
}
