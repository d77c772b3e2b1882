//! Unix `ls -l` and its relatives: `perms links owner group size date
//! name`, with the owner or the group missing, groups with spaces, owner
//! and size run together, sizes with units, `+`/`@`/`.` after the mode,
//! numeric modes, the type letters `b c d l p s D f -`, NetPresenz
//! (MacOS Peter) lines, and every date shape in `calendar.rs`.
//!
//! The date is found first, trying the places it usually is (after four
//! tokens, then three, five…); the token before it is the size, and the
//! name is what follows it after one separator (more spaces belong to the
//! name).

use chrono::NaiveDate;

use super::bytes::{Tokens, find_bytes, is_digits, next_token, parse_octal, parse_u64};
use super::calendar::{
    infer_year, month_name, parse_clock, parse_day, parse_month_day, parse_numeric_date,
    parse_year, stamp,
};
use super::outcome::Owner;
use super::outcome::ParsedLine;
use super::size::parse_size;
use crate::engine::protocol::{Entry, EntryKind, ModTime, Name, Perms};

/// Token slots kept after the mode.
const SLOTS: usize = 14;

/// Where the date may start, after this many tokens past the mode, in the
/// order tried: the usual `links owner group size` first.
const DATE_AT: [usize; 8] = [4, 3, 5, 2, 6, 1, 7, 8];

/// Parses one `ls -l` line.
pub fn parse(b: &[u8], today: NaiveDate) -> ParsedLine {
    let Some(first) = next_token(b, 0) else {
        return ParsedLine::Skip;
    };
    let tok = &b[first.0..first.1];
    if tok.eq_ignore_ascii_case(b"total") {
        return total_line(b, first.1);
    }
    let Some((kind, perms)) = mode(tok) else {
        return ParsedLine::Unreadable;
    };
    let device = perms.is_some_and(|p| matches!(p.letter(), b'c' | b'b'));
    let mut toks: Tokens<'_, SLOTS> = Tokens::new(b, first.1);
    let Some(found) = find_date(&mut toks, today, device) else {
        return ParsedLine::Unreadable;
    };
    let Some(rest) = super::bytes::rest_after(b, found.end) else {
        return ParsedLine::Unreadable;
    };
    finish(rest, kind, found, perms)
}

/// The owner and group of one `ls -l` line, and its name (a link's
/// without its target): the columns between the mode and the size, found
/// as `parse` finds the date. `links owner group size` gives both (a
/// group of several words too: the columns up to the size); `owner size`
/// or `links owner size` the owner alone. `None`: not such a line.
pub fn owner_group(b: &[u8], today: NaiveDate) -> Option<(&[u8], Owner)> {
    let first = next_token(b, 0)?;
    let (kind, perms) = mode(&b[first.0..first.1])?;
    let device = perms.is_some_and(|p| matches!(p.letter(), b'c' | b'b'));
    let mut toks: Tokens<'_, SLOTS> = Tokens::new(b, first.1);
    let found = find_date(&mut toks, today, device)?;
    let mut name = super::bytes::rest_after(b, found.end)?;
    if kind == EntryKind::Symlink
        && let Some(i) = find_bytes(name, b" -> ")
    {
        name = &name[..i];
    }
    let own = |t: Option<&[u8]>| t.map(<[u8]>::to_vec);
    let owner = match found.at {
        // links owner group… size
        k if k >= 4 => {
            let group = &b[toks.range(2).0..toks.range(k - 2).1];
            Owner {
                owner: own(toks.get(1)),
                group: Some(group.to_vec()),
            }
        }
        // links owner size, or owner group size
        3 if toks.get(0).is_some_and(is_digits) => Owner {
            owner: own(toks.get(1)),
            group: None,
        },
        3 => Owner {
            owner: own(toks.get(0)),
            group: own(toks.get(1)),
        },
        _ => Owner::default(),
    };
    Some((name, owner))
}

/// `total 123` (ls's block count, maybe with a unit) and nothing else.
fn total_line(b: &[u8], from: usize) -> ParsedLine {
    match next_token(b, from) {
        Some(n) if parse_size(&b[n.0..n.1]).is_some() && next_token(b, n.1).is_none() => {
            ParsedLine::Skip
        }
        _ => ParsedLine::Unreadable,
    }
}

/// What the date search found.
pub struct Found {
    pub size: u64,
    pub time: Option<ModTime>,
    /// Which token after the mode the date starts at (4: `links owner
    /// group size` before it).
    pub at: usize,
    /// End of the last token of the date.
    pub end: usize,
}

/// The entry from the name part (`name` or `name -> target`).
pub fn finish(rest: &[u8], kind: EntryKind, found: Found, perms: Option<Perms>) -> ParsedLine {
    let (name, target) = if kind == EntryKind::Symlink {
        match find_bytes(rest, b" -> ") {
            Some(i) => (&rest[..i], Some(&rest[i + 4..])),
            None => (rest, None),
        }
    } else {
        (rest, None)
    };
    if name.is_empty() {
        return ParsedLine::Unreadable;
    }
    if name == b"." || name == b".." {
        return ParsedLine::Skip;
    }
    ParsedLine::Entry(Entry {
        name: Name::from_bytes(name),
        kind,
        size: found.size,
        modified: found.time,
        permissions: perms,
        link_target: target
            .filter(|t| !t.is_empty())
            .map(|t| Box::new(Name::from_bytes(t))),
    })
}

/// The kind and permissions from the first token: `drwxr-xr-x` (with `+`,
/// `@` or `.` after it), or a numeric mode (`100644`, `0755`).
pub fn mode(p: &[u8]) -> Option<(EntryKind, Option<Perms>)> {
    match p.len() {
        10 => {}
        11 if matches!(p[10], b'+' | b'@' | b'.') => {}
        3..=7 if is_digits(p) => {
            let m = parse_octal(p)?;
            let kind = match m & 0o170000 {
                0o040000 => EntryKind::Dir,
                0o120000 => EntryKind::Symlink,
                0 | 0o100000 => EntryKind::File,
                _ => EntryKind::Other,
            };
            return Some((kind, Some(Perms::from_mode(m, kind))));
        }
        _ => return None,
    }
    let kind = match p[0] {
        b'-' | b'f' => EntryKind::File,
        b'd' => EntryKind::Dir,
        b'l' => EntryKind::Symlink,
        b'c' | b'b' | b'p' | b's' | b'D' | b'n' => EntryKind::Other,
        _ => return None,
    };
    let letter = if p[0] == b'f' { b'-' } else { p[0] };
    let perms = Perms::parse(letter, &p[1..10])?;
    Some((kind, Some(perms)))
}

/// Finds the date among the tokens after the mode, and the size before it.
pub fn find_date<const N: usize>(
    toks: &mut Tokens<'_, N>,
    today: NaiveDate,
    device: bool,
) -> Option<Found> {
    for k in DATE_AT {
        let n = toks.fill(k + 5);
        if k >= n {
            continue;
        }
        let Some((time, used)) = match_date(toks, k, today) else {
            continue;
        };
        let Some(size) = size_before(toks, k, device) else {
            continue;
        };
        return Some(Found {
            size,
            time,
            at: k,
            end: toks.range(k + used - 1).1,
        });
    }
    None
}

/// The size: the token before the date. Devices show `major, minor`
/// there (size 0); an owner or group run into the size (`other1234`)
/// gives its trailing digits when a column is missing.
fn size_before<const N: usize>(toks: &mut Tokens<'_, N>, k: usize, device: bool) -> Option<u64> {
    let last = toks.get(k - 1)?;
    if device {
        let major_minor = |t: &[u8]| match t.iter().position(|&c| c == b',') {
            Some(i) => is_digits(&t[..i]) && (i + 1 == t.len() || is_digits(&t[i + 1..])),
            None => false,
        };
        let ok = major_minor(last)
            || (is_digits(last) && k >= 2 && toks.get(k - 2).is_some_and(major_minor))
            || is_digits(last);
        return ok.then_some(0);
    }
    if let Some(n) = parse_size(last) {
        // A lone size with nothing before it is fine; otherwise the column
        // before must not be a device's `major,`.
        return Some(n);
    }
    if (2..=3).contains(&k) {
        let digits = last.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        let (word, num) = last.split_at(last.len() - digits);
        if digits > 0 && word.iter().all(u8::is_ascii_alphabetic) && !word.is_empty() {
            return parse_u64(num);
        }
    }
    None
}

/// A date starting at token `k`: its time (`None` when the line has no
/// usable one: an impossible calendar day, libunftp's `--- -- --:--`) and
/// how many tokens it took.
fn match_date<const N: usize>(
    toks: &mut Tokens<'_, N>,
    k: usize,
    today: NaiveDate,
) -> Option<(Option<ModTime>, usize)> {
    let t0 = toks.get(k)?;
    let t1 = toks.get(k + 1);
    // `Nov 27 14:03`, `Nov 27  2024`, `Nov 27 14:03:05 2024` (BSD -T),
    // `11月 27日 14:03`.
    if let Some(month) = month_name(t0) {
        let day = parse_day(t1?)?;
        return after_day(toks, k + 2, today, month, day);
    }
    // `27 Nov 14:03`, `01 oct 2004`, `27. Nov 14:03`
    if let Some(day) = parse_day(t0)
        && let Some(month) = t1.and_then(month_name)
    {
        return after_day(toks, k + 2, today, month, day);
    }
    // `2024年 11月 27日 14:03`
    if !super::bytes::is_digits(t0)
        && let Some(year) = parse_year(t0)
    {
        let month = month_name(t1?)?;
        let day = parse_day(toks.get(k + 2)?)?;
        let clock = toks.get(k + 3).and_then(parse_clock);
        let used = if clock.is_some() { 4 } else { 3 };
        return Some((stamp(year, month, day, clock), used));
    }
    if t0 == b"---" && t1 == Some(b"--") && toks.get(k + 2) == Some(b"--:--") {
        return Some((None, 3));
    }
    if t0.len() >= 4 && t0.first().is_some_and(u8::is_ascii_digit) {
        // `2024-11-27 14:03[:05[.123]] [+0100]`, `24-04-2003`, `2004.07.15`,
        // `01-jun-99`, `09-26 2000`
        if let Some((y, m, d)) = parse_numeric_date(t0) {
            let Some(clock) = t1.and_then(parse_clock) else {
                return Some((stamp(y, m, d, None), 1));
            };
            let time = stamp(y, m, d, Some(clock));
            if clock.seconds
                && let Some(zone) = toks.get(k + 2).and_then(parse_zone)
            {
                return Some((time.map(|t| t.to_utc(zone)), 3));
            }
            return Some((time, 2));
        }
        if let Some((m, d)) = parse_month_day(t0) {
            return after_day(toks, k + 1, today, m, d).map(|(t, used)| (t, used - 1));
        }
    }
    None
}

/// After `month day` at tokens `at`: a clock (the year inferred; a year
/// may follow a clock with seconds) or a year.
fn after_day<const N: usize>(
    toks: &mut Tokens<'_, N>,
    at: usize,
    today: NaiveDate,
    month: u32,
    day: u32,
) -> Option<(Option<ModTime>, usize)> {
    let t = toks.get(at)?;
    let used = 3; // the month, the day and this token
    if let Some(clock) = parse_clock(t) {
        if clock.seconds
            && let Some(year) = toks.get(at + 1).and_then(parse_year)
        {
            return Some((stamp(year, month, day, Some(clock)), used + 1));
        }
        let year = infer_year(today, month, day);
        return Some((stamp(year, month, day, Some(clock)), used));
    }
    let year = parse_year(t)?;
    Some((stamp(year, month, day, None), used))
}

/// `+0100` / `-0500`: seconds east of UTC.
fn parse_zone(t: &[u8]) -> Option<i64> {
    let [sign @ (b'+' | b'-'), h1, h2, m1, m2] = t else {
        return None;
    };
    let digits = [*h1, *h2, *m1, *m2];
    if !is_digits(&digits) {
        return None;
    }
    let h = i64::from(h1 - b'0') * 10 + i64::from(h2 - b'0');
    let m = i64::from(m1 - b'0') * 10 + i64::from(m2 - b'0');
    let secs = h * 3600 + m * 60;
    Some(if *sign == b'-' { -secs } else { secs })
}
