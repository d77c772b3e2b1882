//! Our own parser of folder listings: MLSD (RFC 3659) and LIST in every
//! family servers write (Unix `ls -l` and its relatives, DOS/IIS, EPLF,
//! VMS, MVS, IBM i, OS/2, NetWare, VxWorks, WFTPD, OS-9, HP NonStop,
//! VShell). Pure, on bytes (names keep their bytes), table-tested.
//!
//! `parser.rs` splits lines and decides the family once per listing
//! (`detect.rs`, from SYST and the first lines); each family reads its
//! lines in a file of its own; `calendar.rs` and `size.rs` are the dates
//! and sizes they share; `owner.rs` reads one entry's owner and group
//! from an MLST or STAT reply. A line no family reads is counted, never guessed
//! into an entry.
//!
//! This file only declares and re-exports.

mod bytes;
mod calendar;
mod detect;
mod dos;
mod eplf;
mod ibmi;
mod mlsd;
mod mvs;
mod netware;
mod os2;
mod os9;
mod outcome;
mod owner;
mod parser;
mod size;
mod tandem;
mod truncated;
mod unix;
mod vms;
mod vshell;
mod vxworks;
mod wftpd;

#[cfg(test)]
mod tests;

pub use detect::{FAMILIES, Family, from_syst, parse_line};
pub use mlsd::parse_time as parse_mlsd_time;
pub use outcome::{Owner, ParsedLine};
pub use owner::{from_ls_lines as owner_from_ls_lines, from_mlst as owner_from_mlst};
pub use parser::{
    ListFormat, Listing, ListingParser, MAX_KEPT_UNREADABLE, parse_listing, parse_listing_from,
};
pub use truncated::cut_short;
