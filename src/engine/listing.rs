//! STUB until the real parser lands.
use crate::engine::entry::Entry;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Mlsd,
    List,
}
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Listing {
    pub entries: Vec<Entry>,
    pub unreadable: Vec<String>,
    pub unreadable_count: usize,
}
pub fn parse_listing(_data: &[u8], _format: ListFormat, _today: chrono::NaiveDate) -> Listing {
    Listing::default()
}
