//! Compare mode: the two panes' folders compared entry by entry with the
//! engine's own rules (`engine::sync::pair`), each entry
//! tagged — only on this side, newer, older, size differs, equal — and
//! drawn so in both panes. The tags are made once per listing (a folder of
//! 100,000 entries costs one comparison when it arrives, nothing per key
//! or frame) and kept parallel to each pane's entries. A companion key
//! marks the focused pane's entries worth copying, so F5 copies them.
//! Pure.

use std::collections::HashMap;
use std::sync::Arc;

use super::effects::Update;
use super::pane::PaneState;
use super::state::AppState;
use super::sync_state::{CompareMark, Comparison};
use crate::engine::protocol::{
    Action, Command, Criteria, EntryKind, Failure, Location, Name, RequestId, Skip, SyncDirection,
    SyncOptions, Why,
};
use crate::engine::sync::{SyncEntry, pair};
use crate::text;

/// The compare key: off → by size and time → also by checksum → off;
/// the marks stay while browsing.
pub fn toggle(state: &mut AppState, out: &mut Update) {
    let (on, by_hash) = match (state.sync.compare, state.sync.compare_by_hash) {
        (false, _) => (true, false),
        (true, false) => (true, true),
        (true, true) => (false, false),
    };
    state.sync.compare = on;
    state.sync.compare_by_hash = by_hash;
    state.sync.comparison = None;
    stop_hashing(state, out);
    if !on {
        state.set_status("Compare off", false);
        return;
    }
    refresh(state, out);
    let again = state
        .keymap
        .key_for(super::keymap::Action::Compare)
        .map(|k| {
            format!(
                " ({k} again: {})",
                if by_hash { "off" } else { "by checksum too" }
            )
        })
        .unwrap_or_default();
    let note = if state.sync.comparison.is_none() {
        "the marks show once both panes list a folder"
    } else if by_hash {
        "files of equal size by the server's checksum too; + only on this side, ↑ newer, ↓ older, ≠ differ"
    } else {
        "+ only on this side, ↑ newer, ↓ older, ≠ sizes differ; equal ones dimmed"
    };
    let what = if by_hash {
        "Compare by checksum"
    } else {
        "Compare on"
    };
    if state.sync.hashing.is_none() || !by_hash {
        state.set_status(format!("{what}: {note}{again}"), false);
    }
}

/// Makes the marks again when either pane's listing changed since they
/// were made (called after every message: a pointer comparison when
/// nothing changed); by checksum, asks the engine for the pairs of equal
/// size.
pub fn refresh(state: &mut AppState, out: &mut Update) {
    if !state.sync.compare {
        return;
    }
    let current = state.sync.comparison.as_ref().is_some_and(|c| {
        Arc::ptr_eq(&c.local_of, &state.local.entries)
            && Arc::ptr_eq(&c.remote_of, &state.remote.entries)
    });
    if current {
        return;
    }
    stop_hashing(state, out);
    let ready = state.local.loaded && state.remote.loaded && state.is_connected();
    state.sync.comparison = ready.then(|| {
        let offset = state
            .profile
            .as_ref()
            .and_then(|p| p.listing.utc_offset_minutes)
            .map(|m| i64::from(m) * 60);
        comparison_of(&state.local, &state.remote, offset)
    });
    if state.sync.compare_by_hash && state.sync.comparison.is_some() {
        ask_hashes(state, out);
    }
}

/// Stops the checksums asked for marks no longer shown.
fn stop_hashing(state: &mut AppState, out: &mut Update) {
    if let Some((req, _)) = state.sync.hashing.take() {
        out.send(Command::CancelFileOp { req });
    }
}

/// Asks the checksums of the files of equal size in both panes.
fn ask_hashes(state: &mut AppState, out: &mut Update) {
    let (Location::Local(here), Location::Remote(there)) = (&state.local.path, &state.remote.path)
    else {
        return;
    };
    let Some(c) = &state.sync.comparison else {
        return;
    };
    let (local, remote) = (&state.local.entries, &state.remote.entries);
    let pairs: Vec<(usize, usize)> = c
        .pairs
        .iter()
        .copied()
        .filter(|&(i, j)| {
            let (l, r) = (&local[i], &remote[j]);
            l.kind == EntryKind::File && r.kind == EntryKind::File && l.size == r.size
        })
        .collect();
    let paths = pairs
        .iter()
        .map(|&(i, j)| {
            (
                there.join(&remote[j].name),
                here.join(local[i].name.as_os()),
            )
        })
        .collect();
    if pairs.is_empty() {
        return;
    }
    let req = state.next_request();
    state.set_status(
        format!(
            "Comparing {} of equal size by checksum…",
            text::count(pairs.len(), "file", "files")
        ),
        false,
    );
    state.sync.hashing = Some((req, pairs));
    out.send(Command::HashPairs { req, pairs: paths });
}

/// The checksums arrived: a pair whose hashes are equal is equal whatever
/// its times say, one whose hashes differ differs; a pair without a
/// checksum keeps its mark by size and time.
pub fn on_hashed(
    state: &mut AppState,
    req: RequestId,
    equal: Vec<Option<bool>>,
    error: Option<Failure>,
    out: &mut Update,
) {
    let Some((_, pairs)) = state.sync.hashing.take_if(|(r, _)| *r == req) else {
        return out.unchanged();
    };
    let Some(c) = state.sync.comparison.as_mut() else {
        return;
    };
    let (mut same, mut differ, mut unknown) = (0, 0, 0);
    for ((i, j), eq) in pairs.into_iter().zip(equal) {
        let mark = match eq {
            Some(true) => {
                same += 1;
                CompareMark::Equal
            }
            Some(false) => {
                differ += 1;
                CompareMark::SizeDiffers
            }
            None => {
                unknown += 1;
                continue;
            }
        };
        if let Some(m) = c.local.get_mut(i) {
            *m = Some(mark);
        }
        if let Some(m) = c.remote.get_mut(j) {
            *m = Some(mark);
        }
    }
    let text = match error {
        Some(f) => format!(
            "Checksums stopped: {} (the rest compared by size and time)",
            text::sanitize(&f.message)
        ),
        None if same + differ == 0 => {
            "The server offers no checksum for these files: compared by size and time".into()
        }
        None => {
            let mut t = format!("Checksums: {same} equal, {differ} differ");
            if unknown > 0 {
                t.push_str(&format!(", {unknown} by size and time (no checksum)"));
            }
            t
        }
    };
    state.set_status(text, false);
}

/// The companion key: marks the focused pane's entries that a copy to the
/// other pane would bring over (only here, newer, size differs).
pub fn mark_differing(state: &mut AppState, out: &mut Update) {
    if !state.sync.compare {
        toggle(state, out);
    }
    let side = state.focus;
    let Some(c) = &state.sync.comparison else {
        state.set_status("Nothing to compare: both panes must list a folder", true);
        return;
    };
    let marks = c.marks(side).to_vec();
    let pane = state.pane_mut(side);
    pane.marked.clear();
    for (e, m) in pane.entries.iter().zip(marks) {
        if m.is_some_and(CompareMark::worth_copying) && !e.name.is_parent_link() {
            pane.marked.insert(e.name.clone());
        }
    }
    let n = pane.marked.len();
    let hint = state
        .keymap
        .key_for(super::keymap::Action::Copy)
        .map(|k| format!(" ({k} copies them)"))
        .unwrap_or_default();
    state.set_status(
        format!(
            "Marked {} that differ from the other pane{hint}",
            text::count(n, "entry", "entries")
        ),
        false,
    );
}

/// The marks of two panes' folders: each name looked up in the other
/// pane (a hash join, no trees: a folder of 100,000 entries arrives in
/// compare mode without a pause) and the pair judged by the sync's own
/// rules (`engine::sync::pair`). Remote names are compared as the local
/// disk would write them (decoded with the listing's encoding, as a
/// download names them). `offset`: the server's, in seconds east of UTC,
/// when known.
pub fn comparison_of(local: &PaneState, remote: &PaneState, offset: Option<i64>) -> Comparison {
    let encoding = remote.notes.encoding;
    let options = SyncOptions {
        direction: SyncDirection::LocalToRemote,
        delete_extras: true,
        criteria: Criteria::SizeAndTime,
    };
    let remote_names: Vec<Name> = remote
        .entries
        .iter()
        .map(|e| encoding.to_local(&e.name))
        .collect();
    let by_name: HashMap<&[u8], usize> = remote_names
        .iter()
        .zip(remote.entries.iter())
        .enumerate()
        .filter(|(_, (_, e))| !e.name.is_parent_link())
        .map(|(j, (n, _))| (n.as_bytes(), j))
        .collect();
    let mut local_marks = vec![None; local.entries.len()];
    let mut remote_marks = vec![None; remote.entries.len()];
    let mut matched = vec![false; remote.entries.len()];
    let mut pairs = Vec::new();
    for (i, e) in local.entries.iter().enumerate() {
        if e.name.is_parent_link() {
            continue;
        }
        let j = by_name.get(e.name.as_bytes()).copied();
        let mine = SyncEntry::from(e);
        let theirs = j.map(|j| SyncEntry::from(&remote.entries[j]));
        match pair(Some(&mine), theirs.as_ref(), &options, offset) {
            Some(action) => {
                let (l, r) = marks_of(&action, true, j.is_some());
                local_marks[i] = l;
                if let Some(j) = j {
                    remote_marks[j] = r;
                }
            }
            // On both sides and nothing to say: equal.
            None => {
                if let Some(j) = j {
                    local_marks[i] = Some(CompareMark::Equal);
                    remote_marks[j] = Some(CompareMark::Equal);
                }
            }
        }
        if let Some(j) = j {
            matched[j] = true;
            pairs.push((i, j));
        }
    }
    for (j, e) in remote.entries.iter().enumerate() {
        if matched[j] || e.name.is_parent_link() {
            continue;
        }
        if let Some(action) = pair(None, Some(&SyncEntry::from(e)), &options, offset) {
            remote_marks[j] = marks_of(&action, false, true).1;
        }
    }
    Comparison {
        local: local_marks,
        remote: remote_marks,
        pairs,
        local_of: local.entries.clone(),
        remote_of: remote.entries.clone(),
    }
}

/// The marks of a line of a local → remote plan with the target's extras
/// deleted: (local, remote).
fn marks_of(
    action: &Action,
    has_local: bool,
    has_remote: bool,
) -> (Option<CompareMark>, Option<CompareMark>) {
    use CompareMark::*;
    match action {
        Action::Copy { why: Why::New, .. } => (Some(Lone), None),
        Action::Delete { .. } => (None, Some(Lone)),
        Action::Copy {
            why: Why::Newer, ..
        } => (Some(Newer), Some(Older)),
        Action::Copy {
            why: Why::OtherNewer,
            ..
        } => (Some(Older), Some(Newer)),
        Action::Copy {
            why: Why::SizeDiffers | Why::ChecksumDiffers,
            ..
        } => (Some(SizeDiffers), Some(SizeDiffers)),
        Action::Copy {
            why: Why::ZonesDiffer | Why::TimeUnknown,
            ..
        } => (Some(Unsure), Some(Unsure)),
        Action::Skip(Skip::KindsDiffer) => (Some(KindsDiffer), Some(KindsDiffer)),
        // A link or a device: only on one side is still "only here".
        Action::Skip(_) => match (has_local, has_remote) {
            (true, false) => (Some(Lone), None),
            (false, true) => (None, Some(Lone)),
            _ => (None, None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{Entry, EntryKind, Location, ModTime, NameEncoding, Precision};
    use chrono::NaiveDate;

    fn file(name: &str, size: u64, minute: u32) -> Entry {
        let t = NaiveDate::from_ymd_opt(2025, 1, 1)
            .and_then(|d| d.and_hms_opt(12, minute, 0))
            .map(|t| ModTime::utc(t, Precision::Minute));
        Entry {
            size,
            modified: t,
            ..Entry::new(name.into(), EntryKind::File)
        }
    }

    fn pane(loc: Location, entries: Vec<Entry>) -> PaneState {
        let mut p = PaneState::new(loc.clone());
        p.set_listing(loc, entries, None);
        p
    }

    fn mark_of(p: &PaneState, marks: &[Option<CompareMark>], name: &str) -> Option<CompareMark> {
        p.entries
            .iter()
            .position(|e| e.name.display() == name)
            .and_then(|i| marks[i])
    }

    #[test]
    fn each_side_is_tagged_by_what_the_other_has() {
        let l = pane(
            Location::Local("/l".into()),
            vec![
                file("same", 5, 0),
                file("mine", 1, 0),
                file("newer", 5, 9),
                file("bigger", 7, 0),
            ],
        );
        let r = pane(
            Location::Remote("/r".into()),
            vec![
                file("same", 5, 0),
                file("theirs", 1, 0),
                file("newer", 5, 1),
                file("bigger", 3, 0),
            ],
        );
        let c = comparison_of(&l, &r, None);
        assert_eq!(c.local.len(), l.entries.len());
        use CompareMark::*;
        assert_eq!(mark_of(&l, &c.local, "same"), Some(Equal));
        assert_eq!(mark_of(&l, &c.local, "mine"), Some(Lone));
        assert_eq!(mark_of(&l, &c.local, "newer"), Some(Newer));
        assert_eq!(mark_of(&l, &c.local, "bigger"), Some(SizeDiffers));
        assert_eq!(mark_of(&l, &c.local, ".."), None);
        assert_eq!(mark_of(&r, &c.remote, "theirs"), Some(Lone));
        assert_eq!(mark_of(&r, &c.remote, "newer"), Some(Older));
        assert_eq!(mark_of(&r, &c.remote, "same"), Some(Equal));
    }

    #[test]
    fn a_latin1_server_name_matches_its_local_copy() {
        let l = pane(Location::Local("/l".into()), vec![file("café", 5, 0)]);
        let mut r = PaneState::new(Location::Remote("/r".into()));
        r.notes.encoding = NameEncoding::Latin1;
        let mut e = file("x", 5, 0);
        e.name = Name::from_bytes(b"caf\xe9");
        r.set_listing(Location::Remote("/r".into()), vec![e], None);
        let c = comparison_of(&l, &r, None);
        assert_eq!(mark_of(&l, &c.local, "café"), Some(CompareMark::Equal));
    }
}
