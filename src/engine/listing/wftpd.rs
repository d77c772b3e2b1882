//! WFTPD: `name  size  MM/DD/YY  weekday.  HH:MM` (names have no spaces).

use super::bytes::{parse_u64, split};
use super::calendar::{parse_clock, parse_numeric_date, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8]) -> ParsedLine {
    let (t, n, more) = split::<5>(b);
    if n == 0 {
        return ParsedLine::Skip;
    }
    if n != 5 || more {
        return ParsedLine::Unreadable;
    }
    let (Some(size), Some((y, m, d)), true, Some(clock)) = (
        parse_u64(t[1]),
        parse_numeric_date(t[2]),
        t[3].ends_with(b"."),
        parse_clock(t[4]),
    ) else {
        return ParsedLine::Unreadable;
    };
    entry_or_skip(t[0], EntryKind::File, |e| {
        e.size = size;
        e.modified = stamp(y, m, d, Some(clock));
    })
}
