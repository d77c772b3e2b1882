//! Novell NetWare: `d [RWCEAFMS] owner  size  Mon DD HH:MM  name` (the
//! type letter alone, then the rights in brackets).

use chrono::NaiveDate;

use super::bytes::{Tokens, next_token};
use super::outcome::ParsedLine;
use super::unix::{find_date, finish};
use crate::engine::protocol::EntryKind;

pub fn parse(b: &[u8], today: NaiveDate) -> ParsedLine {
    let Some(first) = next_token(b, 0) else {
        return ParsedLine::Skip;
    };
    let kind = match &b[first.0..first.1] {
        b"d" => EntryKind::Dir,
        b"-" => EntryKind::File,
        _ => return ParsedLine::Unreadable,
    };
    let Some(rights) = next_token(b, first.1) else {
        return ParsedLine::Unreadable;
    };
    let r = &b[rights.0..rights.1];
    if !(r.starts_with(b"[") && r.ends_with(b"]")) {
        return ParsedLine::Unreadable;
    }
    let mut toks: Tokens<'_, 10> = Tokens::new(b, rights.1);
    let Some(found) = find_date(&mut toks, today, false) else {
        return ParsedLine::Unreadable;
    };
    // NetWare pads before the name: the padding is not part of it.
    match super::bytes::rest_from_next(b, found.end) {
        Some(rest) => finish(rest, kind, found, None),
        None => ParsedLine::Unreadable,
    }
}
