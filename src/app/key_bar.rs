//! What the function-key bar offers, as data: every F-key that does
//! something where the keyboard is (the panel's context, then global),
//! each with a short label and the columns it takes. Drawing
//! (`ui/keybar.rs`) and the mouse (`mouse.rs`: a click on a slot acts as
//! its key) both read it, so what is drawn is what is clicked. A data
//! module: it imports no action module.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Context, Keymap};

/// Function keys the bar looks at (F13–F24 are shifted ones).
const F_KEYS: u8 = 12;
/// Columns of a label (shorter ones are padded, so slots line up); fewer
/// when the bar is too narrow for every slot, down to [`LABEL_MIN`].
pub const LABEL_W: usize = 8;
pub const LABEL_MIN: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The F-key a click stands for.
    pub key: KeyCode,
    /// "1" for F1, as mc writes it.
    pub number: String,
    pub label: &'static str,
    /// First column, from the bar's left edge.
    pub x: u16,
    /// Columns of the label, padded or cut to it.
    pub label_w: usize,
    /// Columns, number and label (the gap after it not included).
    pub width: u16,
}

/// The slots, left to right, for the keyboard in `context`, in a bar
/// `width` columns wide: labels get narrower before a key falls off.
pub fn slots(keymap: &Keymap, context: Context, width: u16) -> Vec<Slot> {
    let keys: Vec<(KeyCode, Action)> = (1..=F_KEYS)
        .map(KeyCode::F)
        .filter_map(|key| {
            keymap
                .action_for(context, &KeyEvent::new(key, KeyModifiers::NONE))
                .map(|a| (key, a))
        })
        .collect();
    let numbers: usize = keys.iter().map(|(k, _)| number(*k).len()).sum();
    let gaps = keys.len().saturating_sub(1);
    let label_w = (width as usize)
        .saturating_sub(numbers + gaps)
        .checked_div(keys.len())
        .unwrap_or(LABEL_W)
        .clamp(LABEL_MIN, LABEL_W);
    let mut x = 0u16;
    let mut out = Vec::new();
    for (key, action) in keys {
        let number = number(key);
        let slot_w = (number.len() + label_w) as u16;
        out.push(Slot {
            key,
            number,
            label: label(action),
            x,
            label_w,
            width: slot_w,
        });
        x = x.saturating_add(slot_w + 1);
    }
    out
}

/// "5" for F5.
fn number(key: KeyCode) -> String {
    match key {
        KeyCode::F(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The key of the slot at `column` (from the left edge of a bar `width`
/// columns wide), if any.
pub fn key_at(keymap: &Keymap, context: Context, width: u16, column: u16) -> Option<KeyCode> {
    slots(keymap, context, width)
        .into_iter()
        .find(|s| column >= s.x && column < s.x + s.width)
        .map(|s| s.key)
}

/// At most [`LABEL_W`] columns: what the key does, in a word.
pub fn label(action: Action) -> &'static str {
    match action {
        Action::Up => "Up",
        Action::Down => "Down",
        Action::PageUp => "PgUp",
        Action::PageDown => "PgDn",
        Action::Top => "Top",
        Action::Bottom => "Bottom",
        Action::Open => "Open",
        Action::Parent => "Parent",
        Action::SwitchPane => "Panel",
        Action::Reload => "Reread",
        Action::ToggleHidden => "Hidden",
        Action::CycleSort => "Sort",
        Action::Filter => "Filter",
        Action::Mark => "Mark",
        Action::InvertMarks => "Invert",
        Action::MarkPattern => "Mark…",
        Action::UnmarkPattern => "Unmark…",
        Action::Copy => "Copy",
        Action::Move => "Move",
        Action::GoTo => "GoTo",
        Action::Info => "Info",
        Action::Find => "Find",
        Action::MakeDir => "Mkdir",
        Action::Delete => "Delete",
        Action::Rename => "Rename",
        Action::Chmod => "Chmod",
        Action::Compare => "Compare",
        Action::MarkDiffering => "MarkDiff",
        Action::BrowseTogether => "Together",
        Action::Synchronize => "Sync",
        Action::ToggleQueue => "Queue",
        Action::ToggleLog => "Log",
        Action::Connect => "Connect",
        Action::Bookmarks => "Bookmark",
        Action::Disconnect => "Disconn",
        Action::Help => "Help",
        Action::Messages => "Messages",
        Action::Quit => "Quit",
        Action::CancelTransfer => "Cancel",
        Action::CancelAllTransfers => "CancAll",
        Action::RetryFailed => "Retry",
        Action::ClearFinished => "Clear",
        Action::SearchLog => "Search",
        Action::SearchOlder => "Older",
        Action::SearchNewer => "Newer",
        Action::SaveLog => "Save",
        Action::View => "View",
        Action::Edit => "Edit",
        Action::Search => "Search",
        Action::SearchNext => "Next",
        Action::SearchPrevious => "Previous",
        Action::ToggleWrap => "Wrap",
        Action::ToggleHex => "Hex",
        Action::CloseViewer => "Close",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_f_key_has_a_slot_and_the_pane_ones_only_in_a_pane() {
        let keymap = Keymap::default();
        let pane: Vec<_> = slots(&keymap, Context::Pane, 120)
            .iter()
            .map(|s| format!("{}{}", s.number, s.label))
            .collect();
        assert_eq!(
            pane,
            [
                "1Help", "2Connect", "3View", "4Edit", "5Copy", "6Move", "7Mkdir", "8Delete",
                "9Log", "10Quit", "12Sync"
            ]
        );
        let queue: Vec<_> = slots(&keymap, Context::Queue, 120)
            .iter()
            .map(|s| s.number.clone())
            .collect();
        assert_eq!(queue, ["1", "2", "9", "10"]);
        // The viewer has only its own keys: F3 and F10 close it.
        let viewer: Vec<_> = slots(&keymap, Context::Viewer, 120)
            .iter()
            .map(|s| format!("{}{}", s.number, s.label))
            .collect();
        assert_eq!(viewer, ["3Close", "10Close"]);
        assert!(
            Action::ALL
                .iter()
                .all(|&a| label(a).chars().count() <= LABEL_W)
        );
    }

    #[test]
    fn a_narrow_bar_shortens_labels_before_a_key_falls_off() {
        let keymap = Keymap::default();
        let narrow = slots(&keymap, Context::Pane, 60);
        let last = narrow.last().expect("slots");
        assert_eq!(last.number, "12");
        assert!(last.x + last.width <= 60, "{narrow:?}");
        assert_eq!(slots(&keymap, Context::Pane, 120)[0].label_w, LABEL_W);
    }

    #[test]
    fn a_column_finds_its_slot_and_the_gaps_find_none() {
        let keymap = Keymap::default();
        assert_eq!(key_at(&keymap, Context::Pane, 120, 0), Some(KeyCode::F(1)));
        assert_eq!(key_at(&keymap, Context::Pane, 120, 8), Some(KeyCode::F(1)));
        assert_eq!(key_at(&keymap, Context::Pane, 120, 9), None);
        assert_eq!(key_at(&keymap, Context::Pane, 120, 10), Some(KeyCode::F(2)));
        assert_eq!(key_at(&keymap, Context::Pane, 120, 200), None);
    }
}
