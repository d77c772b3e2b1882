//! Where sessions come from. Every control connection of one engine is
//! opened through the same `Connector` (cheap to clone), so what one
//! connection learns about a server (`quirks.rs`) holds for the next.
//! Opening itself (`Connector::open`) is in `open.rs`.

use super::quirks::Quirks;

#[derive(Debug, Clone, Default)]
pub struct Connector {
    pub(super) quirks: Quirks,
}

impl Connector {
    pub fn new() -> Connector {
        Connector::default()
    }

    /// What this connector learned about servers so far.
    pub fn quirks(&self) -> &Quirks {
        &self.quirks
    }
}
