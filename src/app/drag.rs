//! Dragging entries from one pane to the other with the mouse.

use crate::engine::protocol::{Name, Side};

/// A press on an entry that may become a drag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DragState {
    pub from: Side,
    /// The entries carried: the marked ones if the press was on a marked
    /// entry, otherwise the one pressed.
    pub names: Vec<Name>,
    /// Their total size (files only), for the ghost.
    pub bytes: u64,
    pub start: (u16, u16),
    /// Where the pointer is now.
    pub pos: (u16, u16),
    /// The pointer has moved since the press: this is a drag, not a click.
    pub active: bool,
}

impl DragState {
    /// The text that follows the pointer: "⇢ 3 items, 12.4 MiB".
    pub fn ghost(&self) -> String {
        let what = match self.names.as_slice() {
            [one] => one.to_string(),
            many => crate::text::count(many.len(), "item", "items"),
        };
        let arrow = match self.from {
            Side::Local => "⇢",
            Side::Remote => "⇠",
        };
        if self.bytes > 0 {
            format!("{arrow} {what}, {}", crate::text::size(self.bytes))
        } else {
            format!("{arrow} {what}")
        }
    }
}
