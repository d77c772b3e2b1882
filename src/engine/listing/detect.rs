//! Which family a LIST listing is written in, decided once per listing
//! from its first lines (and the server's SYST reply as a tie-breaker), so
//! that every line is then read by one parser, not tried against all.

use chrono::NaiveDate;

use super::outcome::ParsedLine;
use super::{
    dos, eplf, ibmi, mlsd, mvs, netware, os2, os9, tandem, unix, vms, vshell, vxworks, wftpd,
};

/// A listing format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Mlsd,
    Unix,
    Dos,
    Eplf,
    Vms,
    MvsDatasets,
    MvsMembers,
    IbmI,
    Os2,
    NetWare,
    VxWorks,
    Wftpd,
    Os9,
    Tandem,
    VShell,
}

/// Every family, in the order ties are broken.
pub const FAMILIES: [Family; 15] = [
    Family::Unix,
    Family::Mlsd,
    Family::Dos,
    Family::Eplf,
    Family::Vms,
    Family::MvsDatasets,
    Family::MvsMembers,
    Family::IbmI,
    Family::Os2,
    Family::NetWare,
    Family::VxWorks,
    Family::Wftpd,
    Family::Os9,
    Family::Tandem,
    Family::VShell,
];

/// How many lines (not blank) decide the family.
pub const SAMPLE_LINES: usize = 24;

/// The family a SYST reply points to, if any.
pub fn from_syst(syst: &str) -> Option<Family> {
    let s = syst.to_ascii_uppercase();
    if s.contains("MVS") || s.contains("Z/OS") {
        Some(Family::MvsDatasets)
    } else if s.contains("OS/400") || s.contains("OS400") {
        Some(Family::IbmI)
    } else if s.contains("VMS") {
        Some(Family::Vms)
    } else if s.contains("NETWARE") {
        Some(Family::NetWare)
    } else if s.contains("OS/2") {
        Some(Family::Os2)
    } else if s.contains("NONSTOP") || s.contains("TANDEM") {
        Some(Family::Tandem)
    } else if s.contains("WINDOWS") {
        Some(Family::Dos)
    } else {
        None
    }
}

/// One line read as `family` would read it (VMS without its second line).
pub fn parse_as(family: Family, line: &[u8], today: NaiveDate, vms: &mut vms::State) -> ParsedLine {
    match family {
        Family::Mlsd => mlsd::parse(line),
        Family::Unix => unix::parse(line, today),
        Family::Dos => dos::parse(line),
        Family::Eplf => eplf::parse(line),
        Family::Vms => vms::parse(line, vms),
        Family::MvsDatasets => mvs::parse_datasets(line),
        Family::MvsMembers => mvs::parse_members(line),
        Family::IbmI => ibmi::parse(line),
        Family::Os2 => os2::parse(line),
        Family::NetWare => netware::parse(line, today),
        Family::VxWorks => vxworks::parse(line),
        Family::Wftpd => wftpd::parse(line),
        Family::Os9 => os9::parse(line),
        Family::Tandem => tandem::parse(line),
        Family::VShell => vshell::parse(line),
    }
}

/// One line read as `family` reads it (for tests and tools: listings go
/// through `ListingParser`).
pub fn parse_line(family: Family, line: &[u8], today: NaiveDate) -> ParsedLine {
    parse_as(family, line, today, &mut vms::State::default())
}

/// The family that reads the most of `sample`. PDS member lists (a bare
/// name is an entry there) count only on an MVS server or under their
/// ` Name VV.MM` / ` Name Size TTR` header, so a list of words from
/// elsewhere is never taken for file names.
pub fn detect(sample: &[&[u8]], hint: Option<Family>, today: NaiveDate) -> Family {
    let members_header = sample.iter().any(|l| {
        let t = l.trim_ascii_start();
        t.starts_with(b"Name ")
            && (super::bytes::find_bytes(t, b"VV.MM").is_some()
                || super::bytes::find_bytes(t, b"TTR").is_some())
    });
    let datasets_header = sample
        .iter()
        .any(|l| l.trim_ascii_start().starts_with(b"Volume Unit"));
    let mut best = (hint.unwrap_or(Family::Unix), 0usize);
    let order = hint.into_iter().chain(FAMILIES);
    for family in order {
        if family == Family::MvsMembers && !(members_header || hint == Some(Family::MvsDatasets)) {
            continue;
        }
        let mut vms = vms::State::default();
        let mut score = 0;
        for line in sample {
            match parse_as(family, line, today, &mut vms) {
                ParsedLine::Entry(_) | ParsedLine::Pending => score += 2,
                ParsedLine::Skip => {}
                ParsedLine::Unreadable => {}
            }
        }
        if family == Family::MvsDatasets && datasets_header {
            score += 1;
        }
        if family == Family::MvsMembers && members_header {
            score += 1;
        }
        if score > best.1 {
            best = (family, score);
        }
    }
    best.0
}
