//! Turning data into safe, compact text, for the screen (`ui/`) and for
//! the headless commands' output (`headless/`) alike: server strings made
//! safe to print, counts with their noun ("1 file", "2,000 files"), sizes
//! in a column (`4.0K`) and in a sentence (`4 bytes`, `3.2 MiB`), `ls`-style
//! times, padding, cutting to a width (at the end, or at the start for
//! paths, whose end says the most).

use std::borrow::Cow;

use chrono::{Datelike, Timelike};

use crate::engine::protocol::{ModTime, Precision};

/// Makes server text safe to draw: control characters (C0, C1, DEL, and so
/// ESC) are shown escaped (`\x1b`, `\u{9b}`), never written raw.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            if (c as u32) < 0x80 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Sizes as people read them: `512`, `4.0K`, `12.4M`, `1.1G`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["K", "M", "G", "T", "P", "E"];
    if bytes < 1024 {
        return bytes.to_string();
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1}{}", UNITS[unit])
    } else {
        format!("{value:.0}{}", UNITS[unit])
    }
}

/// A count and its noun, in the singular for one: `count(1, "file",
/// "files")` is `1 file`, `count(2000, …)` `2,000 files`. Every message
/// that counts something says it through here, so none reads "1 entries".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A size in a sentence, always with its unit: `1 byte`, `512 bytes`,
/// `4.0 KiB`, `3.2 MiB`. (A column of sizes uses [`human_size`], whose
/// header says what the numbers are.)
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return count(bytes as usize, "byte", "bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A rate in a column or a sentence: `512 B/s`, `2.4M/s` (the column's
/// compact sizes, with a unit even below a KiB).
pub fn per_second(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B/s")
    } else {
        format!("{}/s", human_size(bytes))
    }
}

/// A count as people read it: `2,000`, `1,234,567`.
pub fn thousands(n: usize) -> String {
    grouped(n as u64)
}

/// `1234567` as `1,234,567`: exact byte counts people must read.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `ls`-style times in 12 columns: `Nov 27 14:03` this year, `Nov 27  2024`
/// before, and whenever the time is known only to the day.
pub fn short_time(t: Option<ModTime>, this_year: i32) -> String {
    let mut s = String::with_capacity(12);
    push_short_time(&mut s, t, this_year);
    s
}

/// Appends [`short_time`] to `out`. Hand-formatted: chrono's `format`
/// parses its pattern on every call, which shows when printing 100,000
/// lines. Nothing is appended for an unknown time.
pub fn push_short_time(out: &mut String, t: Option<ModTime>, this_year: i32) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some(m) = t else { return };
    let t = m.shown();
    out.push_str(MONTHS[t.month0() as usize % 12]);
    out.push(' ');
    push_padded(out, u64::from(t.day()), 2, ' ');
    out.push(' ');
    if t.year() == this_year && m.precision() > Precision::Day {
        push_padded(out, u64::from(t.hour()), 2, '0');
        out.push(':');
        push_padded(out, u64::from(t.minute()), 2, '0');
    } else {
        out.push(' ');
        push_padded(out, u64::try_from(t.year()).unwrap_or(0), 4, ' ');
    }
}

/// A time in full, to the precision it is known: `2024-11-27`,
/// `2024-11-27 14:03`, `2024-11-27 14:03:05`; a server-local one says so.
pub fn full_time(t: &ModTime) -> String {
    let shown = t.shown();
    let text = match t.precision() {
        Precision::Day => shown.format("%Y-%m-%d"),
        Precision::Minute => shown.format("%Y-%m-%d %H:%M"),
        Precision::Second => shown.format("%Y-%m-%d %H:%M:%S"),
    }
    .to_string();
    match t.zone() {
        crate::engine::protocol::Zone::Utc => text,
        crate::engine::protocol::Zone::ServerLocal => format!("{text} (server time)"),
    }
}

/// Appends `n` right-aligned in `width` columns, padded with `pad`.
pub fn push_padded(out: &mut String, n: u64, width: usize, pad: char) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    for _ in len..width {
        out.push(pad);
    }
    for &d in &digits[i..] {
        out.push(d as char);
    }
}

/// Cuts `s` to at most `width` columns, marking the cut with `…`.
pub fn fit(s: &str, width: usize) -> Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Cuts `s` to at most `width` columns from its start, marking the cut
/// with `…`: a path keeps its end (`…/pub/linux`), the part that says
/// where one is.
pub fn fit_start(s: &str, width: usize) -> Cow<'_, str> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if s.width() <= width {
        return Cow::Borrowed(s);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let mut start = s.len();
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        start = i;
        used += w;
    }
    Cow::Owned(format!("…{}", &s[start..]))
}

/// `text` in lines of at most `width` columns, broken between words; a
/// word longer than a line is broken where the line ends, so nothing is
/// ever cut off.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let w = word.width();
        if used > 0 && used + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns_in_characters() {
        assert_eq!(line_col("ab\ncé\nx", 0), (1, 1));
        assert_eq!(line_col("ab\ncé\nx", 3), (2, 1));
        assert_eq!(line_col("ab\ncé\nx", 6), (2, 3));
        assert_eq!(line_col("ab\ncé\nx", 7), (3, 1));
        assert_eq!(line_col("ab", 99), (1, 3));
        assert_eq!(line_col("a\nbü c", 6), (2, 4));
        assert_eq!(line_col("", 3), (1, 1));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\x1b[31mred"), "a\\x1b[31mred");
        assert_eq!(sanitize("bell\x07"), "bell\\x07");
        assert_eq!(sanitize("c1\u{9b}"), "c1\\u{9b}");
        assert_eq!(sanitize("del\x7f"), "del\\x7f");
        assert_eq!(sanitize("rtl\u{202e}"), "rtl\\u{202e}");
        assert_eq!(sanitize("über 日本"), "über 日本");
    }

    #[test]
    fn sizes_read_like_ls_h() {
        assert_eq!(human_size(0), "0");
        assert_eq!(human_size(1023), "1023");
        assert_eq!(human_size(1024), "1.0K");
        assert_eq!(human_size(12_400_000), "12M");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0G");
    }

    #[test]
    fn counts_group_their_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2000), "2,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn times_read_like_ls() {
        let naive =
            chrono::NaiveDate::from_ymd_opt(2026, 3, 7).and_then(|d| d.and_hms_opt(9, 5, 0));
        let t = naive.map(|t| ModTime::server_local(t, Precision::Minute));
        assert_eq!(short_time(t, 2026), "Mar  7 09:05");
        assert_eq!(short_time(t, 2027), "Mar  7  2026");
        let day = naive.map(|t| ModTime::server_local(t, Precision::Day));
        assert_eq!(short_time(day, 2026), "Mar  7  2026");
        let t = t.expect("time");
        assert_eq!(full_time(&t), "2026-03-07 09:05 (server time)");
        assert_eq!(short_time(None, 2026), "");
        let mut s = String::new();
        push_padded(&mut s, 42, 5, ' ');
        push_padded(&mut s, 7, 2, '0');
        push_padded(&mut s, 123_456, 2, ' ');
        assert_eq!(s, "   4207123456");
    }

    #[test]
    fn fit_cuts_by_columns_not_bytes() {
        assert_eq!(fit("日本語のファイル", 7), "日本語…");
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("abcdef", 4), "abc…");
    }

    #[test]
    fn wrapping_breaks_between_words() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("", 7), [""]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a /very/long/path", 8), ["a", "/very/lo", "ng/path"]);
    }

    #[test]
    fn fit_start_keeps_the_end_of_a_path() {
        assert_eq!(fit_start("/srv/ftp/pub/linux", 10), "…pub/linux");
        assert_eq!(fit_start("/srv", 10), "/srv");
        assert_eq!(fit_start("/日本語/ファイル", 10), "…/ファイル");
        assert_eq!(fit_start("/日本語/ファイル", 9), "…ファイル");
        assert_eq!(fit_start("abc", 0), "");
        assert_eq!(fit_start("abcdef", 1), "…");
    }

    #[test]
    fn counts_take_the_singular_for_one_and_sizes_always_have_a_unit() {
        assert_eq!(count(1, "entry", "entries"), "1 entry");
        assert_eq!(count(0, "entry", "entries"), "0 entries");
        assert_eq!(count(2, "file", "files"), "2 files");
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(4), "4 bytes");
        assert_eq!(size(1023), "1,023 bytes");
        assert_eq!(count(2000, "file", "files"), "2,000 files");
        assert_eq!(size(1024), "1.0 KiB");
        assert_eq!(size(3_400_000), "3.2 MiB");
        assert_eq!(size(4_700_000_000), "4.4 GiB");
        assert_eq!(per_second(300), "300 B/s");
        assert_eq!(per_second(2_500_000), "2.4M/s");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(3_400_000), "3,400,000");
    }
}
