//! IBM z/OS (MVS): data sets, PDS members, migrated data sets.
//!
//! Data sets: `Volume Unit Referred Ext Used Recfm Lrecl BlkSz Dsorg
//! Dsname`; a partitioned data set (`PO`, `PO-E`) is a folder, its members
//! the files inside; `Migrated NAME`, `ARCIVE Not Direct Access Device
//! NAME`, `VSAM` and tape lines name data sets without facts. Sizes are
//! not given in bytes: 0 (unknown).
//!
//! PDS members (ISPF statistics): `NAME VV.MM created changed HH:MM size
//! init mod id`; load modules: `NAME size-hex TTR … AMODE RMODE`; members
//! without statistics: the name alone.

use super::bytes::{is_digits, parse_hex, split};
use super::calendar::{parse_clock, parse_numeric_date, stamp};
use super::outcome::{ParsedLine, entry_or_skip};
use super::size::parse_grouped;
use crate::engine::protocol::EntryKind;

/// Data set lists (the `Volume Unit …` header).
pub fn parse_datasets(b: &[u8]) -> ParsedLine {
    let (t, n, more) = split::<12>(b);
    if n == 0 {
        return ParsedLine::Skip;
    }
    if t[0] == b"Volume" && n > 1 && t[1] == b"Unit" {
        return ParsedLine::Skip;
    }
    if more {
        return ParsedLine::Unreadable;
    }
    let name = t[n - 1];
    let file = |name: &[u8]| entry_or_skip(name, EntryKind::File, |_| {});
    if t[0].eq_ignore_ascii_case(b"Migrated") && n == 2 {
        return file(name);
    }
    // `ARCIVE Not Direct Access Device NAME`, `VOL123 Tape NAME`,
    // `VOL123 3390 VSAM NAME`, `Error determining attributes NAME`.
    if (n == 6 && t[1] == b"Not" && t[2] == b"Direct")
        || (n == 3 && t[1].eq_ignore_ascii_case(b"Tape"))
        || (n == 4 && t[2] == b"VSAM")
        || (n >= 4 && t[0] == b"Error" && t[1] == b"determining")
    {
        return file(name);
    }
    if n < 9 {
        return ParsedLine::Unreadable;
    }
    // Volume Unit Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname; `Used`
    // and `Recfm` may be missing (`??`) on some systems.
    let referred = t[2];
    let date = if referred == b"**NONE**" {
        None
    } else {
        match parse_numeric_date(referred) {
            Some(d) => Some(d),
            None => return ParsedLine::Unreadable,
        }
    };
    if !is_digits(t[3]) || !is_digits(t[n - 3]) || !is_digits(t[n - 4]) {
        return ParsedLine::Unreadable;
    }
    let dsorg = t[n - 2];
    let kind = if dsorg == b"PO" || dsorg == b"PO-E" {
        EntryKind::Dir
    } else {
        EntryKind::File
    };
    entry_or_skip(name, kind, |e| {
        e.modified = date.and_then(|(y, m, d)| stamp(y, m, d, None));
    })
}

/// PDS member lists (the ` Name VV.MM …` or ` Name Size TTR …` header).
pub fn parse_members(b: &[u8]) -> ParsedLine {
    let (t, n, _) = split::<16>(b);
    if n == 0 {
        return ParsedLine::Skip;
    }
    if t[0] == b"Name" {
        return ParsedLine::Skip;
    }
    if n == 1 {
        return entry_or_skip(t[0], EntryKind::File, |_| {});
    }
    // ISPF statistics: NAME VV.MM created changed time size init mod id
    if n == 9
        && t[1].len() == 5
        && t[1][2] == b'.'
        && let Some((y, m, d)) = parse_numeric_date(t[3])
        && let Some(clock) = parse_clock(t[4])
        && let Some(size) = parse_grouped(t[5])
    {
        if parse_numeric_date(t[2]).is_none() {
            return ParsedLine::Unreadable;
        }
        return entry_or_skip(t[0], EntryKind::File, |e| {
            // `Size` counts lines (records), not bytes: shown as it is.
            e.size = size;
            e.modified = stamp(y, m, d, Some(clock));
        });
    }
    // Load modules: NAME size(hex) TTR … AMODE RMODE
    if n >= 5
        && let Some(size) = parse_hex(t[1])
        && parse_hex(t[2]).is_some()
        && (is_digits(t[n - 1]) || t[n - 1] == b"ANY")
        && (is_digits(t[n - 2]) || t[n - 2] == b"ANY")
    {
        return entry_or_skip(t[0], EntryKind::File, |e| e.size = size);
    }
    ParsedLine::Unreadable
}
