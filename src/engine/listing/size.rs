//! Sizes as listings write them: plain digits, with thousands separators
//! (`1,234,567`, `1.234.567`), with a unit (`1.2K`, `12M`, `3G`, `512B`),
//! or in 512-byte blocks (VMS).

use super::bytes::{is_digits, parse_u64};

/// Digits, or digits with a unit suffix (`K`, `M`, `G`, `T`, optionally
/// followed by `B`; `B` alone means bytes). `1.5K` is 1536.
pub fn parse_size(t: &[u8]) -> Option<u64> {
    if let Some(n) = parse_u64(t) {
        return Some(n);
    }
    let t = match t {
        [rest @ .., c, b'B' | b'b'] if !c.is_ascii_digit() => &t[..rest.len() + 1],
        [rest @ .., b'B' | b'b'] if is_digits(rest) => return parse_u64(rest),
        _ => t,
    };
    let (&unit, number) = t.split_last()?;
    let shift = match unit.to_ascii_uppercase() {
        b'K' => 10,
        b'M' => 20,
        b'G' => 30,
        b'T' => 40,
        _ => return None,
    };
    let (whole, frac) = match number.iter().position(|&c| c == b'.' || c == b',') {
        Some(i) => (&number[..i], &number[i + 1..]),
        None => (number, &[][..]),
    };
    if !is_digits(whole) || (!frac.is_empty() && !is_digits(frac)) || frac.len() > 3 {
        return None;
    }
    let whole = parse_u64(whole)?;
    if whole > u64::MAX >> shift {
        return None;
    }
    let whole = whole << shift;
    let mut frac_value = 0u64;
    let mut scale = 1u64;
    for &d in frac {
        frac_value = frac_value * 10 + u64::from(d - b'0');
        scale *= 10;
    }
    whole.checked_add((frac_value << shift) / scale)
}

/// Digits grouped by thousands with `,` or `.` (`1,234,567`), or plain.
pub fn parse_grouped(t: &[u8]) -> Option<u64> {
    if let Some(n) = parse_u64(t) {
        return Some(n);
    }
    let sep = *t.iter().find(|c| matches!(c, b',' | b'.'))?;
    let mut groups = t.split(|&c| c == sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !is_digits(first) {
        return None;
    }
    let mut n = parse_u64(first)?;
    for g in groups {
        if g.len() != 3 || !is_digits(g) {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(parse_u64(g)?)?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_with_units_and_separators() {
        let s = |t: &str| parse_size(t.as_bytes());
        assert_eq!(s("1234"), Some(1234));
        assert_eq!(s("1K"), Some(1024));
        assert_eq!(s("1.5K"), Some(1536));
        assert_eq!(s("12M"), Some(12 << 20));
        assert_eq!(s("3G"), Some(3 << 30));
        assert_eq!(s("2TB"), Some(2 << 40));
        assert_eq!(s("512B"), Some(512));
        assert_eq!(s("1.2.3K"), None);
        assert_eq!(s("K"), None);
        assert_eq!(s("99999999999999999999K"), None);
        assert_eq!(s("x12"), None);
        let g = |t: &str| parse_grouped(t.as_bytes());
        assert_eq!(g("1,234,567"), Some(1_234_567));
        assert_eq!(g("1.234"), Some(1234));
        assert_eq!(g("12,34"), None);
        assert_eq!(g("1,2345"), None);
        assert_eq!(g(",123"), None);
    }
}
