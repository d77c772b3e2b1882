//! A listing as it arrives: split into lines (lines may be cut anywhere
//! between chunks), the family decided from the first lines, every line
//! read by that family, what cannot be read counted and kept for the log.

use chrono::NaiveDate;

use super::bytes::{count_byte, find_byte, is_blank};
use super::detect::{Family, SAMPLE_LINES, detect, from_syst, parse_as};
use super::outcome::ParsedLine;
use super::vms;
use crate::engine::protocol::Entry;

/// Which command produced a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Mlsd,
    List,
}

/// A whole parsed listing (or what `take_entries` left of it).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Listing {
    pub entries: Vec<Entry>,
    /// The lines that could not be read (for the log), at most 100 kept.
    pub unreadable: Vec<String>,
    pub unreadable_count: usize,
    /// The family the listing was read as (`None`: it had no lines).
    pub family: Option<Family>,
}

/// How many unreadable lines a [`Listing`] keeps for the log.
pub const MAX_KEPT_UNREADABLE: usize = 100;

/// Parses a whole listing at once.
#[must_use]
pub fn parse_listing(data: &[u8], format: ListFormat, today: NaiveDate) -> Listing {
    parse_listing_from(data, format, None, today)
}

/// [`parse_listing`] for a server whose SYST reply was `system`.
#[must_use]
pub fn parse_listing_from(
    data: &[u8],
    format: ListFormat,
    system: Option<&str>,
    today: NaiveDate,
) -> Listing {
    let mut parser = ListingParser::new(format, system, today);
    parser.listing.entries.reserve(count_byte(data, b'\n') + 1);
    parser.feed(data);
    parser.finish()
}

/// Parses a listing while it arrives, chunk by chunk, so that parsing
/// overlaps the transfer. Entries can be taken out as they come
/// ([`ListingParser::take_entries`]) to print them without holding them.
#[derive(Debug)]
pub struct ListingParser {
    today: NaiveDate,
    hint: Option<Family>,
    family: Option<Family>,
    /// The incomplete last line of what was fed so far.
    carry: Vec<u8>,
    /// Lines held back until the family is known: their bytes, and where
    /// each ends.
    held: Vec<u8>,
    held_ends: Vec<usize>,
    vms: vms::State,
    listing: Listing,
    entries_seen: usize,
}

impl ListingParser {
    #[must_use]
    pub fn new(format: ListFormat, system: Option<&str>, today: NaiveDate) -> Self {
        ListingParser {
            today,
            hint: system.and_then(from_syst),
            family: (format == ListFormat::Mlsd).then_some(Family::Mlsd),
            carry: Vec::new(),
            held: Vec::new(),
            held_ends: Vec::new(),
            vms: vms::State::default(),
            listing: Listing::default(),
            entries_seen: 0,
        }
    }

    /// Parses every line that `chunk` completes; keeps the rest for later.
    pub fn feed(&mut self, chunk: &[u8]) {
        let Some(last_nl) = chunk.iter().rposition(|&b| b == b'\n') else {
            self.carry.extend_from_slice(chunk);
            return;
        };
        let (complete, rest) = chunk.split_at(last_nl + 1);
        if self.carry.is_empty() {
            self.lines(complete);
        } else {
            let mut lines = std::mem::take(&mut self.carry);
            lines.extend_from_slice(complete);
            self.lines(&lines);
            lines.clear();
            self.carry = lines;
        }
        self.carry.extend_from_slice(rest);
    }

    /// Entries read so far, in all (taken ones included).
    pub fn entry_count(&self) -> usize {
        self.entries_seen
    }

    /// The entries read since the last call, in the server's order.
    pub fn take_entries(&mut self) -> Vec<Entry> {
        std::mem::take(&mut self.listing.entries)
    }

    /// Parses the last line (a listing need not end with a newline).
    #[must_use]
    pub fn finish(mut self) -> Listing {
        let tail = std::mem::take(&mut self.carry);
        self.lines(&tail);
        self.decide();
        if let Some(name) = self.vms.take_pending() {
            self.unreadable(&name);
        }
        self.listing.family = self.family;
        self.listing
    }

    /// Whole lines of `data` (the last may lack its `\n`).
    fn lines(&mut self, data: &[u8]) {
        let mut start = 0;
        while start < data.len() {
            let end = find_byte(&data[start..], b'\n').map_or(data.len(), |i| start + i);
            let mut stop = end;
            if stop > start && data[stop - 1] == b'\r' {
                stop -= 1;
            }
            self.line(&data[start..stop]);
            start = end + 1;
        }
    }

    fn line(&mut self, line: &[u8]) {
        if line.is_empty() || is_blank(line) {
            return;
        }
        if self.family.is_none() {
            self.held.extend_from_slice(line);
            self.held_ends.push(self.held.len());
            if self.held_ends.len() >= SAMPLE_LINES {
                self.decide();
            }
            return;
        }
        self.parse_line(line);
    }

    /// Picks the family from the lines held, then reads them.
    fn decide(&mut self) {
        if self.family.is_some() || self.held_ends.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.held);
        let ends = std::mem::take(&mut self.held_ends);
        let mut lines = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in &ends {
            lines.push(&held[start..end]);
            start = end;
        }
        let family = detect(&lines, self.hint, self.today);
        self.family = Some(family);
        for line in lines {
            self.parse_line(line);
        }
    }

    fn parse_line(&mut self, line: &[u8]) {
        let family = self.family.unwrap_or(Family::Unix);
        let parsed = parse_as(family, line, self.today, &mut self.vms);
        if let Some(orphan) = self.vms.take_orphan() {
            self.unreadable(&orphan);
        }
        match parsed {
            ParsedLine::Entry(entry) => {
                self.entries_seen += 1;
                self.listing.entries.push(entry);
            }
            ParsedLine::Skip | ParsedLine::Pending => {}
            ParsedLine::Unreadable => self.unreadable(line),
        }
    }

    fn unreadable(&mut self, line: &[u8]) {
        self.listing.unreadable_count += 1;
        if self.listing.unreadable.len() < MAX_KEPT_UNREADABLE {
            self.listing
                .unreadable
                .push(String::from_utf8_lossy(line).into_owned());
        }
    }
}
