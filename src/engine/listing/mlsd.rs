//! MLSD (RFC 3659): `fact=value;fact=value; name`, as servers really send
//! it: fact names in any case, the final `;` sometimes missing, names that
//! begin or end with spaces (they are part of the name), types nobody
//! registered. Also read when a server sends such lines in reply to LIST.

use chrono::{NaiveDate, NaiveTime};

use super::bytes::{find_byte, is_blank, parse_fixed, parse_fraction, parse_octal, parse_u64};
use super::outcome::Owner;
use super::outcome::ParsedLine;
use crate::engine::protocol::{Entry, EntryKind, ModTime, Name, Perms, Precision};

/// Parses one MLSD line.
pub fn parse(b: &[u8]) -> ParsedLine {
    if is_blank(b) {
        return ParsedLine::Skip;
    }
    let mut kind: Option<EntryKind> = None;
    let mut dir_marker = false;
    let mut link_target: Option<&[u8]> = None;
    let mut size: Option<u64> = None;
    let mut sizd: Option<u64> = None;
    let mut modified: Option<ModTime> = None;
    let mut mode: Option<u32> = None;

    // One pass over the facts: each ends with `;`, and the first `;`
    // followed by a space ends them all; the name is everything after that
    // space (it may itself hold spaces, `;` and `=`). A server that leaves
    // out the last `;` ends the facts with the space alone.
    let mut start = 0;
    let name_start = loop {
        let (end, last) = match find_byte(&b[start..], b';') {
            Some(semi) => (start + semi, false),
            None => {
                // No more `;`: the last fact runs to the first space.
                let Some(sp) = find_byte(&b[start..], b' ') else {
                    return ParsedLine::Unreadable;
                };
                (start + sp, true)
            }
        };
        let fact = &b[start..end];
        if !fact.is_empty() {
            let Some(eq) = fact.iter().position(|&c| c == b'=') else {
                return ParsedLine::Unreadable;
            };
            let key = &fact[..eq];
            if key.is_empty() || key.iter().any(|&c| c <= b' ') {
                return ParsedLine::Unreadable;
            }
            let value = &fact[eq + 1..];
            match key.len() {
                4 if key.eq_ignore_ascii_case(b"type") => match mlsd_type(value) {
                    MlsdType::Kind(k, target) => {
                        kind = Some(k);
                        link_target = target;
                    }
                    MlsdType::DirMarker => dir_marker = true,
                    MlsdType::Bad => return ParsedLine::Unreadable,
                },
                4 if key.eq_ignore_ascii_case(b"size") => match parse_u64(value) {
                    Some(n) => size = Some(n),
                    None => return ParsedLine::Unreadable,
                },
                4 if key.eq_ignore_ascii_case(b"sizd") => match parse_u64(value) {
                    Some(n) => sizd = Some(n),
                    None => return ParsedLine::Unreadable,
                },
                6 if key.eq_ignore_ascii_case(b"modify") => modified = parse_time(value),
                9 if key.eq_ignore_ascii_case(b"unix.mode") => mode = parse_octal(value),
                _ => {}
            }
        } else if last {
            return ParsedLine::Unreadable;
        }
        if last {
            break end + 1;
        }
        if b.get(end + 1) == Some(&b' ') {
            break end + 2;
        }
        start = end + 1;
    };
    let name = &b[name_start.min(b.len())..];
    if name.is_empty() {
        return ParsedLine::Unreadable;
    }
    if dir_marker || name == b"." || name == b".." {
        return ParsedLine::Skip;
    }
    let Some(kind) = kind else {
        // No type fact: file or folder is unknown, and we don't guess.
        return ParsedLine::Unreadable;
    };
    ParsedLine::Entry(Entry {
        name: Name::from_bytes(name),
        kind,
        size: size.or(sizd).unwrap_or(0),
        modified,
        permissions: mode.map(|m| Perms::from_mode(m, kind)),
        link_target: link_target.map(|t| Box::new(Name::from_bytes(t))),
    })
}

enum MlsdType<'a> {
    Kind(EntryKind, Option<&'a [u8]>),
    /// `cdir` / `pdir`: the folder itself or its parent.
    DirMarker,
    Bad,
}

fn mlsd_type(value: &[u8]) -> MlsdType<'_> {
    if value.eq_ignore_ascii_case(b"file") {
        return MlsdType::Kind(EntryKind::File, None);
    }
    if value.eq_ignore_ascii_case(b"dir") {
        return MlsdType::Kind(EntryKind::Dir, None);
    }
    if value.eq_ignore_ascii_case(b"cdir") || value.eq_ignore_ascii_case(b"pdir") {
        return MlsdType::DirMarker;
    }
    if value.is_empty() {
        return MlsdType::Bad;
    }
    // `OS.unix=symlink` (proftpd), `OS.unix=slink:/target` (pure-ftpd),
    // `OS.unix=slink`; any other type (devices, fifos, `unknown`) is Other.
    const OS_UNIX: &[u8] = b"os.unix=";
    if value.len() >= OS_UNIX.len() && value[..OS_UNIX.len()].eq_ignore_ascii_case(OS_UNIX) {
        let sub = &value[OS_UNIX.len()..];
        if sub.eq_ignore_ascii_case(b"symlink") || sub.eq_ignore_ascii_case(b"slink") {
            return MlsdType::Kind(EntryKind::Symlink, None);
        }
        if sub.len() >= 6 && sub[..6].eq_ignore_ascii_case(b"slink:") {
            let target = &sub[6..];
            return MlsdType::Kind(EntryKind::Symlink, (!target.is_empty()).then_some(target));
        }
    }
    MlsdType::Kind(EntryKind::Other, None)
}

/// The owner and group an MLST or MLSD line's facts tell:
/// `UNIX.ownername` (else the number, `UNIX.owner`) and `UNIX.groupname`
/// (else `UNIX.group`), fact names in any case. The facts end at the
/// first space; a line without them tells neither.
pub fn owner_facts(b: &[u8]) -> Owner {
    let facts = &b[..find_byte(b, b' ').unwrap_or(b.len())];
    let (mut owner, mut owner_id, mut group, mut group_id) = (None, None, None, None);
    for fact in facts.split(|&c| c == b';') {
        let Some(eq) = fact.iter().position(|&c| c == b'=') else {
            continue;
        };
        let (key, value) = (&fact[..eq], &fact[eq + 1..]);
        if value.is_empty() {
            continue;
        }
        let slot = if key.eq_ignore_ascii_case(b"unix.ownername") {
            &mut owner
        } else if key.eq_ignore_ascii_case(b"unix.owner") || key.eq_ignore_ascii_case(b"unix.uid") {
            &mut owner_id
        } else if key.eq_ignore_ascii_case(b"unix.groupname") {
            &mut group
        } else if key.eq_ignore_ascii_case(b"unix.group") || key.eq_ignore_ascii_case(b"unix.gid") {
            &mut group_id
        } else {
            continue;
        };
        *slot = Some(value.to_vec());
    }
    Owner {
        owner: owner.or(owner_id),
        group: group.or(group_id),
    }
}

/// `YYYYMMDDHHMMSS[.sss]`, UTC.
pub fn parse_time(v: &[u8]) -> Option<ModTime> {
    if v.len() < 14 {
        return None;
    }
    let f = |r: std::ops::Range<usize>| parse_fixed(&v[r]);
    let nanos = match &v[14..] {
        [] => 0,
        [b'.', frac @ ..] => parse_fraction(frac)?,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(f(0..4)? as i32, f(4..6)?, f(6..8)?)?;
    let time = NaiveTime::from_hms_nano_opt(f(8..10)?, f(10..12)?, f(12..14)?, nanos)?;
    Some(ModTime::utc(date.and_time(time), Precision::Second))
}
