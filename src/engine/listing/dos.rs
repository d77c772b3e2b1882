//! DOS / IIS: `MM-DD-YY[YY]  HH:MM[AM|PM]  <DIR>|size  name`, with the
//! dates IIS writes in other locales (`DD.MM.YYYY`, `YYYY-MM-DD`,
//! `MM/DD/YYYY`), 12- and 24-hour times (seconds too), and sizes with
//! thousands separators.

use super::bytes::next_token;
use super::calendar::{
    apply_meridiem, parse_clock_meridiem, parse_meridiem, parse_numeric_date, stamp,
};
use super::outcome::ParsedLine;
use super::size::parse_grouped;
use crate::engine::protocol::{Entry, EntryKind, Name};

pub fn parse(b: &[u8]) -> ParsedLine {
    let Some(date_tok) = next_token(b, 0) else {
        return ParsedLine::Skip;
    };
    let Some((y, mo, d)) = parse_numeric_date(&b[date_tok.0..date_tok.1]) else {
        return ParsedLine::Unreadable;
    };
    let Some(time_tok) = next_token(b, date_tok.1) else {
        return ParsedLine::Unreadable;
    };
    let Some((mut clock, meridiem)) = parse_clock_meridiem(&b[time_tok.0..time_tok.1]) else {
        return ParsedLine::Unreadable;
    };
    let mut time_end = time_tok.1;
    if meridiem.is_none()
        && let Some(t) = next_token(b, time_end)
        && let Some(pm) = parse_meridiem(&b[t.0..t.1])
    {
        // `02:03 PM`
        let Some(c) = apply_meridiem(clock, pm) else {
            return ParsedLine::Unreadable;
        };
        clock = c;
        time_end = t.1;
    }
    if clock.h >= 24 {
        return ParsedLine::Unreadable;
    }
    let Some(field) = next_token(b, time_end) else {
        return ParsedLine::Unreadable;
    };
    let f = &b[field.0..field.1];
    let (kind, size, name_start) = if f.eq_ignore_ascii_case(b"<DIR>") {
        // IIS puts `<DIR>` 7 columns after the time and the name 10 after it
        // (the column of a file's name); keep leading spaces of the name
        // when the line has exactly that layout, else skip all the padding.
        let iis = field.0 == time_end + 7
            && b.len() > field.1 + 10
            && b[field.1..field.1 + 10].iter().all(|&c| c == b' ');
        let start = if iis {
            field.1 + 10
        } else {
            next_token(b, field.1).map_or(b.len(), |t| t.0)
        };
        (EntryKind::Dir, 0, start)
    } else if let Some(size) = parse_grouped(f) {
        (EntryKind::File, size, field.1 + 1)
    } else {
        return ParsedLine::Unreadable;
    };
    if name_start >= b.len() {
        return ParsedLine::Unreadable;
    }
    let name = &b[name_start..];
    if name == b"." || name == b".." {
        return ParsedLine::Skip;
    }
    ParsedLine::Entry(Entry {
        name: Name::from_bytes(name),
        kind,
        size,
        modified: stamp(y, mo, d, Some(clock)),
        permissions: None,
        link_target: None,
    })
}
