//! OpenVMS: `NAME.EXT;version  used/allocated  DD-MMM-YYYY HH:MM[:SS[.cc]]
//! [group,owner]  (RWED,RWED,RE,)`. A long name stands alone on its line
//! and the rest follows on the next. Sizes are 512-byte blocks. The
//! version is dropped from the name (the name then means the newest
//! version), and `.DIR` from a folder's name. `Directory X:[Y]` and
//! `Total of …` lines are skipped.

use super::bytes::{Tokens, find_byte, is_digits, next_token, parse_u64};
use super::calendar::{month_name, parse_clock, parse_fixed_year, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use crate::engine::protocol::EntryKind;

/// What carries over between the two lines of one entry.
#[derive(Debug, Default)]
pub struct State {
    pending: Option<Vec<u8>>,
    /// A name line whose second half never came: unreadable.
    orphan: Option<Vec<u8>>,
}

impl State {
    /// A name line the next line did not continue.
    pub fn take_orphan(&mut self) -> Option<Vec<u8>> {
        self.orphan.take()
    }

    /// A name line still waiting when the listing ended.
    pub fn take_pending(&mut self) -> Option<Vec<u8>> {
        self.pending.take()
    }
}

pub fn parse(b: &[u8], state: &mut State) -> ParsedLine {
    let Some(first) = next_token(b, 0) else {
        return ParsedLine::Skip;
    };
    if let Some(name) = state.pending.take() {
        // The second half: the line starts with the size.
        if first.0 > 0 || is_digits(&b[first.0..first.1]) || b[first.0..first.1].contains(&b'/') {
            let mut whole = name;
            whole.push(b' ');
            whole.extend_from_slice(&b[first.0..]);
            return parse_whole(&whole);
        }
        // Not a continuation: the lone name is unreadable, and this line
        // stands on its own.
        state.orphan = Some(name);
    }
    let t = &b[first.0..first.1];
    if t == b"Directory" || t == b"Total" || t == b"Grand" {
        return ParsedLine::Skip;
    }
    if vms_name(t).is_some() && next_token(b, first.1).is_none() {
        state.pending = Some(t.to_vec());
        return ParsedLine::Pending;
    }
    parse_whole(b)
}

/// `NAME.EXT;7` → (`NAME.EXT`, is a folder).
fn vms_name(t: &[u8]) -> Option<(&[u8], bool)> {
    let semi = find_byte(t, b';')?;
    let (name, version) = (&t[..semi], &t[semi + 1..]);
    if name.is_empty() || !is_digits(version) {
        return None;
    }
    Some(match name.strip_suffix(b".DIR") {
        Some(dir) if !dir.is_empty() => (dir, true),
        _ => (name, false),
    })
}

fn parse_whole(b: &[u8]) -> ParsedLine {
    let mut toks: Tokens<'_, 8> = Tokens::new(b, 0);
    let Some((name, dir)) = toks.get(0).and_then(vms_name) else {
        return ParsedLine::Unreadable;
    };
    let Some(size_tok) = toks.get(1) else {
        return ParsedLine::Unreadable;
    };
    let used = size_tok.split(|&c| c == b'/').next().unwrap_or(size_tok);
    let Some(blocks) = parse_u64(used) else {
        return ParsedLine::Unreadable;
    };
    let Some((y, m, d)) = toks.get(2).and_then(vms_date) else {
        return ParsedLine::Unreadable;
    };
    let clock = toks.get(3).and_then(parse_clock);
    if clock.is_none()
        && toks
            .get(3)
            .is_some_and(|t| t.first().is_some_and(u8::is_ascii_digit))
    {
        return ParsedLine::Unreadable;
    }
    // What follows, if anything, is `[group,owner]` and `(RWED,…)`.
    let from = if clock.is_some() { 4 } else { 3 };
    for i in from..8 {
        match toks.get(i) {
            None => break,
            Some(t)
                if t.starts_with(b"[")
                    || t.starts_with(b"(")
                    || t.ends_with(b"]")
                    || t.ends_with(b")") => {}
            Some(_) => return ParsedLine::Unreadable,
        }
    }
    let kind = if dir { EntryKind::Dir } else { EntryKind::File };
    entry_or_skip(name, kind, |e| {
        e.size = blocks.saturating_mul(512);
        e.modified = stamp(y, m, d, clock);
    })
}

/// `27-NOV-2024`.
fn vms_date(t: &[u8]) -> Option<(i32, u32, u32)> {
    let mut parts = t.split(|&c| c == b'-');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() > 2 {
        return None;
    }
    let day = super::bytes::parse_fixed(d)?;
    let month = month_name(m)?;
    let year = parse_fixed_year(y)?;
    Some((year, month, day))
}
