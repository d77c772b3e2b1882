//! What a listing says about itself besides its entries: lines that could
//! not be read, a server that cut it short, how its names are decoded.
//! The pane shows the first two as a row of their own, `wharf ls` on
//! stderr: a listing is never silently smaller than the folder.

use super::encoding::NameEncoding;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingNotes {
    /// Lines from the server that could not be read (the protocol log
    /// shows them).
    pub unreadable: usize,
    /// The server cut the listing short: its words.
    pub truncated: Option<String>,
    /// How this listing's names are decoded (never `Auto`).
    pub encoding: NameEncoding,
}

impl ListingNotes {
    /// The warnings for a person, one line each (none for a clean listing).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.unreadable {
            0 => {}
            1 => out.push("1 line from the server could not be read — the log shows it".into()),
            n => out.push(format!(
                "{n} lines from the server could not be read — the log shows them"
            )),
        }
        if let Some(why) = &self.truncated {
            out.push(format!(
                "The listing is incomplete: the server said \"{why}\""
            ));
        }
        out
    }
}
