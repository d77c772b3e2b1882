//! Synchronised browsing (as in FileZilla): entering or leaving a folder in
//! one pane does the same in the other, when that pane has a folder of the
//! name (names matched as a download would write them); when it has not,
//! the status line says so and the other pane stays. It watches the
//! listings the user's key or click asked for, whatever the action (Enter,
//! Backspace, `..`, a double click), so no action needs to know. Pure.

use super::effects::Update;
use super::requests;
use super::state::AppState;
use crate::engine::protocol::{EntryKind, Name, RequestId, Side};
use crate::text;

/// The toggle's key.
pub fn toggle(state: &mut AppState) {
    let on = !state.sync.browse_together;
    state.sync.browse_together = on;
    state.set_status(
        if on {
            "Synchronised browsing on: folders are entered and left in both panes"
        } else {
            "Synchronised browsing off"
        },
        false,
    );
}

/// The listings each pane waits for, before a message is handled.
pub fn pending(state: &AppState) -> [Option<RequestId>; 2] {
    [Side::Local, Side::Remote].map(|s| state.pane(s).pending.as_ref().map(|p| p.req))
}

/// After a key or a click: a pane that set off for a folder just inside or
/// just above its own takes the other pane along.
pub fn follow(state: &mut AppState, before: [Option<RequestId>; 2], out: &mut Update) {
    if !state.sync.browse_together {
        return;
    }
    let after = pending(state);
    let moved: Vec<Side> = [Side::Local, Side::Remote]
        .into_iter()
        .zip(before.into_iter().zip(after))
        .filter(|(_, (b, a))| a.is_some() && a != b)
        .map(|(s, _)| s)
        .collect();
    // Both panes moved (a reconnect): nothing to follow.
    let [side] = moved.as_slice() else {
        return;
    };
    let side = *side;
    let Some(to) = state.pane(side).pending.as_ref().map(|p| p.path.clone()) else {
        return;
    };
    let from = state.pane(side).path.clone();
    let other = side.other();
    if other == Side::Remote && !state.is_connected() {
        return;
    }
    let there = state.pane(other).path.clone();
    if to.parent().as_ref() == Some(&from) {
        let Some(name) = to.file_name() else { return };
        match folder_named(state, side, &name) {
            Some(theirs) => requests::list_if_online(state, there.join(&theirs), None, out),
            None => {
                let shown = text::sanitize(&state.pane(side).shown_name(&name)).into_owned();
                state.set_status(
                    format!(
                        "Synchronised browsing: no folder {shown} in {}; that pane stays",
                        text::sanitize(&state.pane(other).shown_path())
                    ),
                    true,
                );
            }
        }
    } else if from.parent().as_ref() == Some(&to) {
        match there.parent() {
            Some(up) => requests::list_if_online(state, up, there.file_name(), out),
            None => state.set_status(
                "Synchronised browsing: the other pane is at its top; it stays",
                true,
            ),
        }
    }
}

/// The name of the other pane's folder that matches `name` of `side`'s
/// listing (a server name decoded as a download names it).
fn folder_named(state: &AppState, side: Side, name: &Name) -> Option<Name> {
    let encoding = state.remote.notes.encoding;
    let as_local = |side: Side, n: &Name| match side {
        Side::Local => n.clone(),
        Side::Remote => encoding.to_local(n),
    };
    let wanted = as_local(side, name);
    let other = side.other();
    state
        .pane(other)
        .entries
        .iter()
        .find(|e| {
            e.kind == EntryKind::Dir
                && !e.name.is_parent_link()
                && as_local(other, &e.name) == wanted
        })
        .map(|e| e.name.clone())
}
