//! Dates and times as listings write them: month names in many
//! languages, East-Asian dates (月/日/年, 월/일/년), numeric dates in their
//! national orders, clocks with one-digit hours, seconds, `24:00`, AM/PM.
//! Every time made here is the server's local time ([`Zone::ServerLocal`])
//! unless the line names its zone.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::bytes::{is_digits, parse_fixed, parse_fraction};
use crate::engine::protocol::{ModTime, Precision, Zone};

/// A clock reading: hours, minutes, seconds, nanoseconds, and whether
/// seconds were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub h: u32,
    pub m: u32,
    pub s: u32,
    pub nanos: u32,
    pub seconds: bool,
}

/// A date, and the clock when the line gave one.
pub fn stamp(y: i32, mo: u32, d: u32, clock: Option<Clock>) -> Option<ModTime> {
    let date = NaiveDate::from_ymd_opt(y, mo, d)?;
    Some(match clock {
        None => ModTime::day(date, Zone::ServerLocal),
        Some(c) => {
            // `24:00` is the end of the day: the next day's midnight.
            let (date, h) = if c.h == 24 {
                (date.succ_opt()?, 0)
            } else {
                (date, c.h)
            };
            let t = NaiveTime::from_hms_nano_opt(h, c.m, c.s, c.nanos)?;
            let p = if c.seconds {
                Precision::Second
            } else {
                Precision::Minute
            };
            ModTime::server_local(NaiveDateTime::new(date, t), p)
        }
    })
}

/// `H:MM`, `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff`; hours 0–23, or `24:00`.
pub fn parse_clock(t: &[u8]) -> Option<Clock> {
    let colon = t.iter().position(|&c| c == b':')?;
    if colon == 0 || colon > 2 || t.len() < colon + 3 {
        return None;
    }
    let h = parse_fixed(&t[..colon])?;
    let m = parse_fixed(&t[colon + 1..colon + 3])?;
    let rest = &t[colon + 3..];
    let (s, nanos, seconds) = match rest {
        [] => (0, 0, false),
        [b':', a, b, frac @ ..] => {
            let s = parse_fixed(&[*a, *b])?;
            let nanos = match frac {
                [] => 0,
                [b'.', f @ ..] => parse_fraction(f)?,
                _ => return None,
            };
            (s, nanos, true)
        }
        _ => return None,
    };
    let ok = (h < 24 || (h == 24 && m == 0 && s == 0 && nanos == 0)) && m < 60 && s < 61;
    ok.then_some(Clock {
        h,
        m,
        s: s.min(59),
        nanos,
        seconds,
    })
}

/// `AM` / `PM` (any case): whether it is PM.
pub fn parse_meridiem(t: &[u8]) -> Option<bool> {
    if t.eq_ignore_ascii_case(b"AM") {
        Some(false)
    } else if t.eq_ignore_ascii_case(b"PM") {
        Some(true)
    } else {
        None
    }
}

/// A clock with a meridiem glued on (`02:03PM`) or not; 12-hour rules
/// applied when it has one.
pub fn parse_clock_meridiem(t: &[u8]) -> Option<(Clock, Option<bool>)> {
    if t.len() > 2
        && let Some(pm) = parse_meridiem(&t[t.len() - 2..])
    {
        let c = parse_clock(&t[..t.len() - 2])?;
        return Some((apply_meridiem(c, pm)?, Some(pm)));
    }
    parse_clock(t).map(|c| (c, None))
}

/// 12-hour to 24-hour (12 AM is midnight, 12 PM noon).
pub fn apply_meridiem(mut c: Clock, pm: bool) -> Option<Clock> {
    if c.h == 0 || c.h > 12 {
        return None;
    }
    c.h = match (c.h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, false) => h,
        (h, true) => h + 12,
    };
    Some(c)
}

/// The year of a `Mon DD HH:MM` date: this year, unless that puts it more
/// than ~6 months ahead of today, then last year (as `ls` decides what to
/// show).
pub fn infer_year(today: NaiveDate, month: u32, day: u32) -> i32 {
    let year = today.year();
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) if d.signed_duration_since(today).num_days() <= 183 => year,
        // In the far future, or Feb 29 of a common year.
        _ => year - 1,
    }
}

/// Two-digit years: below 70 are 20xx; three digits (`103`) count from
/// 1900, as C's `tm_year` does.
pub fn full_year(y: u32, digits: usize) -> i32 {
    match digits {
        1 | 2 if y < 70 => 2000 + y as i32,
        1 | 2 => 1900 + y as i32,
        3 => 1900 + y as i32,
        _ => y as i32,
    }
}

/// English month abbreviations: the fast path, no allocation.
#[inline]
pub fn month_english(t: &[u8]) -> Option<u32> {
    let [a, b, c] = t else { return None };
    Some(match [a | 0x20, b | 0x20, c | 0x20] {
        [b'j', b'a', b'n'] => 1,
        [b'f', b'e', b'b'] => 2,
        [b'm', b'a', b'r'] => 3,
        [b'a', b'p', b'r'] => 4,
        [b'm', b'a', b'y'] => 5,
        [b'j', b'u', b'n'] => 6,
        [b'j', b'u', b'l'] => 7,
        [b'a', b'u', b'g'] => 8,
        [b's', b'e', b'p'] => 9,
        [b'o', b'c', b't'] => 10,
        [b'n', b'o', b'v'] => 11,
        [b'd', b'e', b'c'] => 12,
        _ => return None,
    })
}

/// Month abbreviations in the languages `ls` speaks on servers, lower
/// case, without their dots. A full name matches through its start
/// (`november`, `juillet`, `sierpnia`).
const MONTHS: &[(&str, u32)] = &[
    // English (full words and `sept`)
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("may", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
    // German
    ("jän", 1),
    ("mär", 3),
    ("mrz", 3),
    ("mai", 5),
    ("okt", 10),
    ("dez", 12),
    // French
    ("janv", 1),
    ("févr", 2),
    ("fév", 2),
    ("mars", 3),
    ("avr", 4),
    ("juin", 6),
    ("juil", 7),
    ("août", 8),
    ("aoû", 8),
    ("déc", 12),
    // Spanish, Italian, Portuguese
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("set", 9),
    ("dic", 12),
    ("gen", 1),
    ("mag", 5),
    ("giu", 6),
    ("lug", 7),
    ("ott", 10),
    ("fev", 2),
    ("out", 10),
    // Dutch, Scandinavian
    ("mrt", 3),
    ("mei", 5),
    ("maj", 5),
    ("des", 12),
    // Polish
    ("sty", 1),
    ("lut", 2),
    ("kwi", 4),
    ("cze", 6),
    ("lip", 7),
    ("sie", 8),
    ("wrz", 9),
    ("paź", 10),
    ("lis", 11),
    ("gru", 12),
    // Czech
    ("led", 1),
    ("úno", 2),
    ("bře", 3),
    ("dub", 4),
    ("kvě", 5),
    ("čer", 6),
    ("čvc", 7),
    ("srp", 8),
    ("zář", 9),
    ("říj", 10),
    ("pro", 12),
    // Hungarian
    ("febr", 2),
    ("márc", 3),
    ("ápr", 4),
    ("máj", 5),
    ("jún", 6),
    ("júl", 7),
    ("szept", 9),
    // Finnish
    ("tammi", 1),
    ("helmi", 2),
    ("maalis", 3),
    ("huhti", 4),
    ("touko", 5),
    ("kesä", 6),
    ("heinä", 7),
    ("elo", 8),
    ("syys", 9),
    ("loka", 10),
    ("marras", 11),
    ("joulu", 12),
    // Turkish
    ("oca", 1),
    ("şub", 2),
    ("nis", 4),
    ("haz", 6),
    ("tem", 7),
    ("ağu", 8),
    ("eyl", 9),
    ("eki", 10),
    ("kas", 11),
    ("ara", 12),
    // Russian
    ("янв", 1),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("май", 5),
    ("мая", 5),
    ("июн", 6),
    ("июл", 7),
    ("авг", 8),
    ("сен", 9),
    ("окт", 10),
    ("ноя", 11),
    ("дек", 12),
    // Ukrainian
    ("січ", 1),
    ("лют", 2),
    ("бер", 3),
    ("кві", 4),
    ("тра", 5),
    ("чер", 6),
    ("лип", 7),
    ("сер", 8),
    ("вер", 9),
    ("жов", 10),
    ("лис", 11),
    ("гру", 12),
];

/// A month written as a word (any language above, in UTF-8, Latin-1 or
/// windows-1251), or as a number with 月 / 월.
pub fn month_name(t: &[u8]) -> Option<u32> {
    if let Some(m) = month_english(t) {
        return Some(m);
    }
    if let Some(m) = east_asian(t, "月").or_else(|| east_asian(t, "월")) {
        return (1..=12).contains(&m).then_some(m);
    }
    let t = t.strip_suffix(b".").unwrap_or(t);
    if t.len() < 3
        || t.len() > 24
        || t.iter()
            .any(|c| c.is_ascii_digit() || c.is_ascii_punctuation())
    {
        return None;
    }
    let lower = match std::str::from_utf8(t) {
        Ok(s) => s.to_lowercase(),
        Err(_) => return legacy_month(t),
    };
    lookup_month(&lower)
}

fn lookup_month(lower: &str) -> Option<u32> {
    let mut best: Option<(usize, u32)> = None;
    for &(abbr, m) in MONTHS {
        if lower == abbr {
            return Some(m);
        }
        if lower.starts_with(abbr) && best.is_none_or(|(len, _)| abbr.len() > len) {
            best = Some((abbr.len(), m));
        }
    }
    // A full month name: letters only, longer than its abbreviation.
    best.filter(|_| lower.chars().all(char::is_alphabetic))
        .map(|(_, m)| m)
}

/// Month names in single-byte encodings (`M\xe4r`, `\xff\xed\xe2`).
fn legacy_month(t: &[u8]) -> Option<u32> {
    let latin1: String = t.iter().map(|&b| char::from(b)).collect();
    if let Some(m) = lookup_month(&latin1.to_lowercase()) {
        return Some(m);
    }
    let (cyrillic, _, bad) = encoding_rs::WINDOWS_1251.decode(t);
    if bad {
        return None;
    }
    lookup_month(&cyrillic.to_lowercase())
}

/// The number before a CJK unit (`11月`, `27日`, `2024年`, `11월`).
pub fn east_asian(t: &[u8], unit: &str) -> Option<u32> {
    let digits = t.strip_suffix(unit.as_bytes())?;
    (is_digits(digits) && digits.len() <= 4).then(|| parse_fixed(digits))?
}

/// A day of the month: `1`–`31`, with an optional `.`, `,`, 日 or 일.
#[inline]
pub fn parse_day(t: &[u8]) -> Option<u32> {
    let t = match t.last() {
        Some(b'.' | b',') => &t[..t.len() - 1],
        _ => t,
    };
    let d = if !t.is_empty() && t.len() <= 2 {
        parse_fixed(t)?
    } else {
        east_asian(t, "日").or_else(|| east_asian(t, "일"))?
    };
    (1..=31).contains(&d).then_some(d)
}

/// A year token: four digits, or with 年 / 년.
pub fn parse_year(t: &[u8]) -> Option<i32> {
    if t.len() == 4 && is_digits(t) {
        return parse_fixed(t).map(|y| y as i32);
    }
    let y = east_asian(t, "年").or_else(|| east_asian(t, "년"))?;
    (y >= 1000).then_some(y as i32)
}

/// A year of two or four digits (`24`, `2024`).
pub fn parse_fixed_year(t: &[u8]) -> Option<i32> {
    if !is_digits(t) || !(t.len() == 2 || t.len() == 4) {
        return None;
    }
    Some(full_year(parse_fixed(t)?, t.len()))
}

/// A numeric date in one token: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`,
/// `MM-DD-YY[YY]`, `DD-MM-YYYY` (when the day is over 12), `DD.MM.YY[YY]`
/// (dots are European), `DD-mon-YY[YY]` (`01-jun-99`), `YYYY年MM月DD日`.
pub fn parse_numeric_date(t: &[u8]) -> Option<(i32, u32, u32)> {
    if let Some(d) = cjk_date(t) {
        return Some(d);
    }
    let sep = *t.iter().find(|c| matches!(c, b'-' | b'/' | b'.'))?;
    let mut parts = t.split(|&c| c == sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || a.is_empty() || b.is_empty() || c.is_empty() {
        return None;
    }
    if a.len() == 4 {
        let (y, m, d) = (parse_fixed(a)?, parse_fixed(b)?, parse_fixed(c)?);
        return valid(y as i32, m, d);
    }
    if c.len() > 4 || a.len() > 2 || !is_digits(c) {
        return None;
    }
    let y = full_year(parse_fixed(c)?, c.len());
    if !is_digits(b) {
        // `01-jun-99`
        let m = month_name(b)?;
        return valid(y, m, parse_fixed(a)?);
    }
    if b.len() > 2 {
        return None;
    }
    let (x, z) = (parse_fixed(a)?, parse_fixed(b)?);
    if x > 12 || sep == b'.' {
        valid(y, z, x)
    } else {
        valid(y, x, z)
    }
}

/// `MM-DD` (a year or a time follows as its own token).
pub fn parse_month_day(t: &[u8]) -> Option<(u32, u32)> {
    let (a, b) = t.split_at(t.iter().position(|&c| c == b'-' || c == b'/')?);
    let b = &b[1..];
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let (m, d) = (parse_fixed(a)?, parse_fixed(b)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((m, d))
}

fn cjk_date(t: &[u8]) -> Option<(i32, u32, u32)> {
    for (y, m, d) in [("年", "月", "日"), ("년", "월", "일")] {
        let Some(d_end) = t.strip_suffix(d.as_bytes()) else {
            continue;
        };
        let yi = super::bytes::find_bytes(d_end, y.as_bytes())?;
        let rest = &d_end[yi + y.len()..];
        let mi = super::bytes::find_bytes(rest, m.as_bytes())?;
        let year = parse_fixed(&d_end[..yi])?;
        let month = parse_fixed(&rest[..mi])?;
        let day = parse_fixed(&rest[mi + m.len()..])?;
        return valid(year as i32, month, day);
    }
    None
}

/// Plausible ranges only (the calendar itself is checked later: an
/// impossible day such as Feb 30 keeps the entry, without its time).
fn valid(y: i32, m: u32, d: u32) -> Option<(i32, u32, u32)> {
    ((1..=12).contains(&m) && (1..=31).contains(&d) && (1000..=9999).contains(&y))
        .then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_in_many_languages() {
        for (t, m) in [
            ("Nov", 11),
            ("NOV", 11),
            ("mär", 3),
            ("Mär", 3),
            ("Mrz", 3),
            ("févr.", 2),
            ("juil.", 7),
            ("août", 8),
            ("dic", 12),
            ("ott", 10),
            ("mrt", 3),
            ("paź", 10),
            ("márc.", 3),
            ("maj", 5),
            ("янв", 1),
            ("Окт", 10),
            ("11月", 11),
            ("3월", 3),
            ("November", 11),
            ("juillet", 7),
            ("März", 3),
            ("Sept", 9),
            ("kesä", 6),
            ("şub", 2),
            ("říj", 10),
        ] {
            assert_eq!(month_name(t.as_bytes()), Some(m), "{t}");
        }
        assert_eq!(month_name(b"M\xe4r"), Some(3));
        assert_eq!(month_name(b"\xff\xed\xe2"), Some(1)); // янв in windows-1251
        for t in ["Foo", "13月", "x", "1234", "user", "Jan2"] {
            assert_eq!(month_name(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn numeric_dates_in_their_national_orders() {
        for (t, want) in [
            ("2004.07.15", (2004, 7, 15)),
            ("1999/10/12", (1999, 10, 12)),
            ("24-04-2003", (2003, 4, 24)),
            ("04-24-2003", (2003, 4, 24)),
            ("11-27-24", (2024, 11, 27)),
            ("05-26-95", (1995, 5, 26)),
            ("27.11.2024", (2024, 11, 27)),
            ("01.02.03", (2003, 2, 1)),
            ("01-jun-99", (1999, 6, 1)),
            ("2024年11月27日", (2024, 11, 27)),
            ("2024년11월27일", (2024, 11, 27)),
            ("04-23-103", (2003, 4, 23)),
        ] {
            assert_eq!(parse_numeric_date(t.as_bytes()), Some(want), "{t}");
        }
        for t in ["2024-13-01", "1-2", "a-b-c", "11-27-24-1", "123-1-1"] {
            assert_eq!(parse_numeric_date(t.as_bytes()), None, "{t}");
        }
    }

    #[test]
    fn clocks() {
        let c = |t: &str| parse_clock(t.as_bytes()).map(|c| (c.h, c.m, c.s, c.seconds));
        assert_eq!(c("9:05"), Some((9, 5, 0, false)));
        assert_eq!(c("14:03:05"), Some((14, 3, 5, true)));
        assert_eq!(c("24:00"), Some((24, 0, 0, false)));
        assert_eq!(c("24:01"), None);
        assert_eq!(c("14:60"), None);
        assert_eq!(c("1403"), None);
        let pm = parse_clock_meridiem(b"02:03PM").map(|(c, _)| c.h);
        assert_eq!(pm, Some(14));
        assert_eq!(parse_clock_meridiem(b"12:30AM").map(|(c, _)| c.h), Some(0));
        assert_eq!(parse_clock_meridiem(b"13:03PM"), None);
        let next = stamp(2024, 12, 31, parse_clock(b"24:00")).map(|t| t.naive().to_string());
        assert_eq!(next.as_deref(), Some("2025-01-01 00:00:00"));
    }
}
