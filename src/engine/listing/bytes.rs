//! Byte helpers every family uses: tokens, numbers, searching. Lines are
//! bytes (names need not be UTF-8); nothing here allocates or panics.

#[inline]
pub fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The byte range of the next whitespace-separated token at or after `i`.
#[inline]
pub fn next_token(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    if i >= b.len() {
        return None;
    }
    let start = i;
    while i < b.len() && !is_ws(b[i]) {
        i += 1;
    }
    Some((start, i))
}

/// Up to `N` token ranges from `from` on, read lazily: most lines never
/// need their name split.
pub struct Tokens<'a, const N: usize> {
    pub line: &'a [u8],
    ranges: [(usize, usize); N],
    len: usize,
    pos: usize,
}

impl<'a, const N: usize> Tokens<'a, N> {
    pub fn new(line: &'a [u8], from: usize) -> Self {
        Tokens {
            line,
            ranges: [(0, 0); N],
            len: 0,
            pos: from,
        }
    }

    /// Reads tokens until `want` are known (or the line ends); how many are.
    pub fn fill(&mut self, want: usize) -> usize {
        while self.len < want.min(N) {
            let Some(t) = next_token(self.line, self.pos) else {
                break;
            };
            self.ranges[self.len] = t;
            self.pos = t.1;
            self.len += 1;
        }
        self.len
    }

    /// Token `i` (reading up to it).
    pub fn get(&mut self, i: usize) -> Option<&'a [u8]> {
        if self.fill(i + 1) <= i {
            return None;
        }
        let (a, b) = self.ranges[i];
        Some(&self.line[a..b])
    }

    /// Where token `i` starts and ends (it must have been read).
    pub fn range(&self, i: usize) -> (usize, usize) {
        self.ranges[i.min(N - 1)]
    }
}

/// All the tokens of a short line, up to `N` (more are ignored), and
/// whether there were more.
pub fn split<const N: usize>(b: &[u8]) -> ([&[u8]; N], usize, bool) {
    let mut out: [&[u8]; N] = [&[]; N];
    let mut n = 0;
    let mut pos = 0;
    while let Some(t) = next_token(b, pos) {
        if n == N {
            return (out, n, true);
        }
        out[n] = &b[t.0..t.1];
        n += 1;
        pos = t.1;
    }
    (out, n, false)
}

/// `line[start..]`, the rest of a line after a token and the one separator
/// following it: the name, whose own leading spaces belong to it.
pub fn rest_after(line: &[u8], token_end: usize) -> Option<&[u8]> {
    let start = token_end + 1;
    (start < line.len()).then(|| &line[start..])
}

/// The rest of a line from the next token on (all padding skipped).
pub fn rest_from_next(line: &[u8], from: usize) -> Option<&[u8]> {
    next_token(line, from).map(|t| &line[t.0..])
}

/// The first position of `needle` in `hay`, eight bytes at a time.
#[inline]
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let mut i = 0;
    while let Some(chunk) = hay[i..].first_chunk::<8>() {
        let w = u64::from_le_bytes(*chunk) ^ pattern;
        // High bit set in each zero byte of `w` (and maybe above one, never
        // below: the lowest one found is a real match).
        let zero = w.wrapping_sub(LO) & !w & HI;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay[i..].iter().position(|&c| c == needle).map(|p| i + p)
}

/// How many times `needle` occurs in `hay`, eight bytes at a time.
pub fn count_byte(hay: &[u8], needle: u8) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let pattern = LO * u64::from(needle);
    let (chunks, tail) = hay.as_chunks::<8>();
    let mut count = 0;
    for chunk in chunks {
        let w = u64::from_le_bytes(*chunk) ^ pattern;
        // Exactly the high bit of each zero byte of `w`.
        let zero = !(((w & LOW7) + LOW7) | w | LOW7);
        count += zero.count_ones() as usize;
    }
    count + tail.iter().filter(|&&c| c == needle).count()
}

/// The first occurrence of `needle` (at least one byte) in `hay`.
pub fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = find_byte(&hay[from..], first) {
        let at = from + i;
        if hay[at + 1..].starts_with(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[inline]
pub fn is_digits(t: &[u8]) -> bool {
    !t.is_empty() && t.iter().all(u8::is_ascii_digit)
}

/// A decimal `u64`; `None` on anything else, including overflow.
#[inline]
pub fn parse_u64(t: &[u8]) -> Option<u64> {
    if t.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &c in t {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// A short all-digit field (at most 9 digits).
#[inline]
pub fn parse_fixed(t: &[u8]) -> Option<u32> {
    if t.is_empty() || t.len() > 9 {
        return None;
    }
    let mut n = 0u32;
    for &c in t {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n * 10 + u32::from(d);
    }
    Some(n)
}

/// 1 to 7 octal digits.
pub fn parse_octal(v: &[u8]) -> Option<u32> {
    if v.is_empty() || v.len() > 7 {
        return None;
    }
    let mut n = 0u32;
    for &c in v {
        if !(b'0'..=b'7').contains(&c) {
            return None;
        }
        n = n * 8 + u32::from(c - b'0');
    }
    Some(n)
}

/// A hexadecimal `u64`.
pub fn parse_hex(t: &[u8]) -> Option<u64> {
    if t.is_empty() || t.len() > 16 {
        return None;
    }
    let mut n = 0u64;
    for &c in t {
        let d = (c as char).to_digit(16)?;
        n = n * 16 + u64::from(d);
    }
    Some(n)
}

/// Digits after a decimal point, as nanoseconds (extra digits are cut).
pub fn parse_fraction(frac: &[u8]) -> Option<u32> {
    if frac.is_empty() || !frac.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut nanos = 0u32;
    for i in 0..9 {
        let d = frac.get(i).map_or(0, |&c| u32::from(c - b'0'));
        nanos = nanos * 10 + d;
    }
    Some(nanos)
}

/// Whether the line is only blanks.
pub fn is_blank(b: &[u8]) -> bool {
    b.iter().all(|&c| is_ws(c))
}

/// The range of token `i` (0-based).
pub fn token_range(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut pos = 0;
    let mut t = next_token(b, pos)?;
    for _ in 0..i {
        pos = t.1;
        t = next_token(b, pos)?;
    }
    Some(t)
}

pub fn trim_end(b: &[u8]) -> &[u8] {
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != b'\t')
        .map_or(0, |i| i + 1);
    &b[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_helpers_match_naive_search() {
        let hay: Vec<u8> = (0..300u32).map(|i| (i * 7 % 251) as u8).collect();
        for needle in [0u8, 1, 10, 59, 128, 200, 250, 255] {
            for start in 0..40 {
                let h = &hay[start..];
                let naive = h.iter().position(|&c| c == needle);
                assert_eq!(find_byte(h, needle), naive, "{needle} from {start}");
                let naive = h.iter().filter(|&&c| c == needle).count();
                assert_eq!(count_byte(h, needle), naive, "{needle} from {start}");
            }
        }
        assert_eq!(find_byte(b"", b'x'), None);
        assert_eq!(find_byte(b"\x80\x81\x0a\x8a", b'\n'), Some(2));
        assert_eq!(count_byte(&[b'\n'; 64], b'\n'), 64);
        assert_eq!(find_bytes(b"a -> b -> c", b" -> "), Some(1));
        assert_eq!(find_bytes(b"a->b", b" -> "), None);
    }

    #[test]
    fn tokens_and_numbers() {
        let mut t: Tokens<'_, 4> = Tokens::new(b"  a bb\tccc  d e", 0);
        assert_eq!(t.get(2), Some(&b"ccc"[..]));
        assert_eq!(t.get(3), Some(&b"d"[..]));
        assert_eq!(t.get(4), None);
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_hex(b"0F"), Some(15));
        assert_eq!(parse_octal(b"0755"), Some(0o755));
        assert_eq!(parse_fraction(b"5"), Some(500_000_000));
        let (toks, n, more) = split::<3>(b"x y z w");
        assert_eq!((&toks[..n], more), (&[&b"x"[..], b"y", b"z"][..], true));
    }
}
