//! Compare and synchronise on screen (issue 15), as data: the compare
//! marks of the two panes' folders (one tag per entry, made once per
//! listing), synchronised browsing, the synchronise dialog's choices, the
//! planning under way, the plan's checklist, and a sync that runs (its
//! batches, then its deletions). The keys that change them are in
//! `compare.rs`, `sync_browse.rs` and `sync_actions.rs`; drawing in
//! `ui/sync_dialog.rs`, `ui/sync_plan.rs` and `ui/pane.rs`.

use std::sync::Arc;

use crate::engine::protocol::{
    Action, BatchId, Criteria, Entry, OpCounts, PlanCounts, RequestId, Side, Skip, SyncDirection,
    SyncOptions, SyncPlan, SyncRoots, Why,
};

/// How an entry of one pane compares with the other pane's entry of its
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareMark {
    /// The same on both sides (drawn dimmed).
    Equal,
    /// Only on this side.
    Lone,
    /// This side's copy is newer.
    Newer,
    /// The other side's copy is newer.
    Older,
    /// Same time, sizes differ (or times that cannot be compared, with
    /// sizes that differ).
    SizeDiffers,
    /// Equal sizes and times that cannot be compared (zones, no time).
    Unsure,
    /// A file here, a folder there.
    KindsDiffer,
}

impl CompareMark {
    /// The glyph beside the name (equal entries have none: they are dim).
    pub fn glyph(self) -> &'static str {
        match self {
            CompareMark::Equal => " ",
            CompareMark::Lone => "+",
            CompareMark::Newer => "↑",
            CompareMark::Older => "↓",
            CompareMark::SizeDiffers => "≠",
            CompareMark::Unsure => "?",
            CompareMark::KindsDiffer => "!",
        }
    }

    /// What a copy from this side would bring over: marked by the
    /// companion key, so F5 copies them.
    pub fn worth_copying(self) -> bool {
        matches!(
            self,
            CompareMark::Lone | CompareMark::Newer | CompareMark::SizeDiffers
        )
    }
}

/// Counts of one pane's marks, for its footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MarkCounts {
    pub lone: usize,
    pub newer: usize,
    pub differ: usize,
    pub equal: usize,
}

/// The two folders compared: a tag per entry of each pane, parallel to
/// its `entries`, and the listings they were made from (held, so a new
/// listing is told by `Arc::ptr_eq`, never by an address reused).
#[derive(Debug, Clone)]
pub struct Comparison {
    pub local_of: Arc<Vec<Entry>>,
    pub remote_of: Arc<Vec<Entry>>,
    pub local: Vec<Option<CompareMark>>,
    pub remote: Vec<Option<CompareMark>>,
    /// The entries of one name on both sides: (local index, remote index).
    pub pairs: Vec<(usize, usize)>,
}

impl Comparison {
    pub fn marks(&self, side: Side) -> &[Option<CompareMark>] {
        match side {
            Side::Local => &self.local,
            Side::Remote => &self.remote,
        }
    }

    pub fn counts(&self, side: Side) -> MarkCounts {
        let mut c = MarkCounts::default();
        for m in self.marks(side).iter().flatten() {
            match m {
                CompareMark::Equal => c.equal += 1,
                CompareMark::Lone => c.lone += 1,
                CompareMark::Newer => c.newer += 1,
                _ => c.differ += 1,
            }
        }
        c
    }
}

/// The synchronise dialog's choices. `focus`: 0 direction, 1 delete, 2
/// criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncSetup {
    pub roots: SyncRoots,
    pub options: SyncOptions,
    pub focus: usize,
}

pub const SETUP_FIELDS: usize = 3;

impl SyncSetup {
    /// Changes the focused choice to its next value (`back`: previous).
    pub fn cycle(&mut self, back: bool) {
        let o = &mut self.options;
        match self.focus {
            0 => {
                o.direction = match o.direction {
                    SyncDirection::LocalToRemote => SyncDirection::RemoteToLocal,
                    SyncDirection::RemoteToLocal => SyncDirection::LocalToRemote,
                }
            }
            1 => o.delete_extras = !o.delete_extras,
            _ => {
                let all = [
                    Criteria::SizeAndTime,
                    Criteria::SizeOnly,
                    Criteria::Checksum,
                ];
                let i = all.iter().position(|c| *c == o.criteria).unwrap_or(0);
                let next = if back { i + all.len() - 1 } else { i + 1 };
                o.criteria = all[next % all.len()];
            }
        }
    }
}

pub fn direction_text(d: SyncDirection) -> &'static str {
    match d {
        SyncDirection::LocalToRemote => "local → server",
        SyncDirection::RemoteToLocal => "server → local",
    }
}

pub fn criteria_text(c: Criteria) -> &'static str {
    match c {
        Criteria::SizeAndTime => "size and time",
        Criteria::SizeOnly => "size only",
        Criteria::Checksum => "checksum",
    }
}

/// A `PlanSync` under way: its count so far; Esc stops it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPlanning {
    pub req: RequestId,
    pub roots: SyncRoots,
    pub options: SyncOptions,
    pub seen: usize,
    /// Folders that could not be read.
    pub unreadable: usize,
}

/// The plan's checklist: the plan, the line under the cursor, the first
/// line drawn, the ticked lines' counts (made again after each change, not
/// per frame), and whether Enter was pressed once with deletions ticked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanView {
    pub plan: Box<SyncPlan>,
    pub cursor: usize,
    pub offset: usize,
    pub counts: PlanCounts,
    pub confirm: bool,
}

impl PlanView {
    pub fn new(plan: Box<SyncPlan>) -> PlanView {
        let counts = plan.counts();
        PlanView {
            plan,
            cursor: 0,
            offset: 0,
            counts,
            confirm: false,
        }
    }

    pub fn recount(&mut self) {
        self.counts = self.plan.counts();
    }

    /// Moves the cursor by `delta`, clamped, keeping it in `rows`.
    pub fn move_cursor(&mut self, delta: isize, rows: usize) {
        let last = self.plan.lines.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last.max(0)) as usize;
        let rows = rows.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
    }
}

/// Rows of plan lines the checklist shows in a screen `height` rows high
/// (the dialog's frame, the roots, the summary and the keys take 7).
pub fn plan_rows(height: u16) -> usize {
    height.saturating_sub(2).saturating_sub(7).max(1) as usize
}

/// The glyph of a line's action: `+` new, `*` changed, `-` delete, `!`
/// reported.
pub fn action_glyph(action: &Action) -> &'static str {
    match action {
        Action::Copy { why: Why::New, .. } => "+",
        Action::Copy { .. } => "*",
        Action::Delete { .. } => "-",
        Action::Skip(_) => "!",
    }
}

/// Which way a line goes: `→` to the server, `←` to here, `×` a delete on
/// the side the arrow's tail would be.
pub fn direction_glyph(action: &Action) -> &'static str {
    match action {
        Action::Copy {
            from: Side::Local, ..
        } => "→",
        Action::Copy {
            from: Side::Remote, ..
        } => "←",
        Action::Delete { on: Side::Remote } => "×→",
        Action::Delete { on: Side::Local } => "←×",
        Action::Skip(_) => " ",
    }
}

/// Why, in words.
pub fn reason(action: &Action) -> &'static str {
    match action {
        Action::Copy { why, .. } => match why {
            Why::New => "new",
            Why::Newer => "newer",
            Why::SizeDiffers => "size differs",
            Why::ChecksumDiffers => "checksum differs",
            Why::OtherNewer => "target is newer",
            Why::ZonesDiffer => "time zones differ",
            Why::TimeUnknown => "no time to compare",
        },
        Action::Delete { on: Side::Remote } => "only on the server",
        Action::Delete { on: Side::Local } => "only here",
        Action::Skip(skip) => match skip {
            Skip::Link => "link: not followed",
            Skip::NotAFile => "not a file",
            Skip::KindsDiffer => "file on one side, folder on the other",
            Skip::OnlyOnTarget => "only on the target: left (not deleting)",
        },
    }
}

/// How one of a sync's batches ended (its last `BatchDone`: a retry makes
/// it report again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchEnd {
    pub done: usize,
    /// Failed, skipped or cancelled.
    pub not_done: usize,
}

/// What a running sync waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncPhase {
    /// The copies run (or some failed, and the sync waits for a retry).
    Copying,
    /// Every copy succeeded; the deletions run: each request and its end.
    Deleting(Vec<(RequestId, Option<OpCounts>)>),
}

/// A plan applied: its copies' batches, then its deletions, then the
/// record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    pub plan: Box<SyncPlan>,
    pub batches: Vec<(BatchId, Option<BatchEnd>)>,
    pub phase: SyncPhase,
}

/// Compare and synchronise, as `AppState` holds them.
#[derive(Debug, Clone, Default)]
pub struct SyncUi {
    /// Compare mode is on (the marks follow the panes' listings).
    pub compare: bool,
    /// Compare mode also compares files of equal size by checksum (the
    /// server's hash against the local file's).
    pub compare_by_hash: bool,
    /// The checksums asked for the marks shown: the request, and the
    /// pairs (local entry, remote entry) in its order.
    pub hashing: Option<(RequestId, Vec<(usize, usize)>)>,
    /// The marks of the folders shown, when both panes have one.
    pub comparison: Option<Comparison>,
    /// Synchronised browsing: a folder entered or left in one pane is
    /// entered or left in the other.
    pub browse_together: bool,
    /// The sync that runs or waits for a retry.
    pub run: Option<SyncRun>,
}
