//! The function-key bar at the bottom, as in Midnight Commander: every
//! F-key that does something where the keyboard is. The slots (and so
//! where a click lands) come from `app::key_bar`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::Theme;
use crate::app::key_bar::slots;
use crate::app::keymap::{Context, Keymap};
use crate::text::fit;

pub struct KeyBar<'a> {
    pub keymap: &'a Keymap,
    pub context: Context,
    pub theme: &'a Theme,
}

impl Widget for KeyBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        for slot in slots(self.keymap, self.context, area.width) {
            if slot.x >= area.width {
                break;
            }
            let x = area.x + slot.x;
            let room = (area.width - slot.x) as usize;
            let (after, _) = buf.set_stringn(x, area.y, &slot.number, room, theme.keybar_key());
            let room = room.saturating_sub(slot.number.len());
            let w = slot.label_w;
            buf.set_stringn(
                after,
                area.y,
                format!("{:<w$}", fit(slot.label, w)),
                room.min(w),
                theme.keybar_label(),
            );
        }
    }
}
