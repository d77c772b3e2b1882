//! A copy or move of a pane's entries into a folder, as one transfer
//! request: what F5/F6 (through the copy dialog) and a drop send. Shared
//! by the actions that start copies; pure.

use super::effects::Update;
use super::state::AppState;
use crate::engine::protocol::{
    Command, Entry, EntryKind, Location, Name, RelPath, Side, TransferItem, TransferRequest,
};

/// Sends one transfer request for `names` of the `from` pane into `target_dir`.
/// Returns whether anything was sent. Marks that were what went are
/// cleared, whatever sent them (F5/F6, a drop): a later F5 must not send
/// the same files again.
pub fn enqueue(
    state: &mut AppState,
    from: Side,
    names: &[Name],
    target_dir: Location,
    move_after: bool,
    out: &mut Update,
) -> bool {
    if names.is_empty() {
        state.set_status("Nothing to copy", false);
        return false;
    }
    let pane = state.pane(from);
    let found: Vec<(Location, Entry)> = names
        .iter()
        .filter_map(|n| pane.entries.iter().find(|e| &e.name == n))
        .filter(|e| !e.name.is_parent_link())
        .map(|e| (pane.path.join(&e.name), e.clone()))
        .collect();
    if !send(state, from, &found, target_dir, move_after, out) {
        return false;
    }
    let marks = &mut state.pane_mut(from).marked;
    if names.iter().any(|n| marks.contains(n)) {
        marks.clear();
    }
    true
}

/// Sends one transfer request for `entries` (each with its full path on
/// the `from` side, from any folder: find's results) into `target_dir`.
pub fn send(
    state: &mut AppState,
    from: Side,
    entries: &[(Location, Entry)],
    target_dir: Location,
    move_after: bool,
    out: &mut Update,
) -> bool {
    if !state.is_connected() {
        state.set_status(
            "Not connected: connect first to copy between the panes",
            true,
        );
        return false;
    }
    // Names cross as the other side writes them: a server's Latin-1 name
    // is decoded for the local disk, a local name encoded for the server.
    let remote_encoding = state.pane(Side::Remote).notes.encoding;
    let target_name = |e: &Entry| match from {
        Side::Remote => remote_encoding.to_local(&e.name),
        Side::Local => remote_encoding.to_server(&e.name),
    };
    let items: Vec<TransferItem> = entries
        .iter()
        .map(|(path, e)| item_for(path.clone(), e, target_name(e)))
        .collect();
    if items.is_empty() {
        return false;
    }
    let verb = if move_after { "Moving" } else { "Copying" };
    let what = match items.as_slice() {
        [one] => one.target_name.to_string(),
        many => crate::text::count(many.len(), "entry", "entries"),
    };
    state.set_status(format!("{verb} {what} to {target_dir}…"), false);
    let batch = state.next_batch();
    out.send(Command::Transfer(TransferRequest {
        batch,
        items,
        target_dir,
        on_existing: state.on_existing,
        move_after,
        folders: Vec::new(),
        verify: false,
    }));
    true
}

fn item_for(source: Location, e: &Entry, target_name: Name) -> TransferItem {
    let is_dir = e.kind == EntryKind::Dir;
    TransferItem {
        source,
        is_dir,
        size: (!is_dir && e.kind == EntryKind::File).then_some(e.size),
        modified: e.modified,
        target_name,
        subdir: RelPath::default(),
    }
}
