//! The file operations' dialogs and queue rows, as data: F7's new folder,
//! Shift-F6's new name, F8's confirmation with its streaming count, the
//! chmod dialog (octal and rwx boxes kept in step), a delete's row in the
//! queue, and what each running operation's answer is for. The keys that
//! change them are in `mkdir_actions.rs`, `rename_actions.rs`,
//! `delete_actions.rs`, `chmod_actions.rs`; the engine's answers in
//! `file_op_events.rs`.

use super::line_input::LineInput;
use crate::engine::protocol::{Below, Location, Name, OpCounts, RequestId, Side, Target};
use crate::text;

/// F7: the name of a new folder (`a/b/c` makes the folders above too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MkdirPrompt {
    pub side: Side,
    pub input: LineInput,
    pub error: Option<String>,
}

/// Shift-F6: a new name for `from`, in its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenamePrompt {
    pub side: Side,
    pub from: Name,
    pub input: LineInput,
    pub error: Option<String>,
    /// The name typed exists and the user was asked: Enter on the same
    /// text replaces it.
    pub replace: Option<String>,
}

/// F8: what goes, counted while the user reads (a `FileOp::Count`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletePrompt {
    pub side: Side,
    /// The folder the targets are in.
    pub folder: Location,
    pub targets: Vec<Target>,
    /// The count's request.
    pub count: RequestId,
    /// The count is still walking.
    pub counting: bool,
    pub counts: OpCounts,
    /// The bytes of the files picked (the count adds what is below).
    pub top_bytes: u64,
    /// Folders the count could not list.
    pub unreadable: usize,
}

impl DeletePrompt {
    /// "Delete 3 items: 2 folders, 1,204 files, 1.3 GiB?"
    pub fn question(&self) -> String {
        let what = match self.targets.as_slice() {
            [one] => one
                .path
                .file_name()
                .map_or_else(|| "1 item".to_string(), |n| n.display().into_owned()),
            many => text::count(many.len(), "item", "items"),
        };
        let folders = self.counts.folders;
        let files = self.counts.seen.saturating_sub(folders);
        let mut parts = Vec::new();
        if folders > 0 {
            parts.push(text::count(folders, "folder", "folders"));
        }
        if files > 0 || folders == 0 {
            parts.push(text::count(files, "file", "files"));
        }
        parts.push(text::size(self.counts.bytes + self.top_bytes));
        format!("Delete {what}: {}?", parts.join(", "))
    }
}

/// The chmod dialog: the mode as octal text and as nine boxes, kept in
/// step, and what below the folders changes too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChmodPrompt {
    pub side: Side,
    pub targets: Vec<Location>,
    /// "notes.txt" or "3 items".
    pub what: String,
    pub octal: LineInput,
    /// The permission bits (0o777 and the special bits the octal gave).
    pub mode: u32,
    /// Where the keyboard is: [`CHMOD_OCTAL`], a box (1–9: owner r w x,
    /// group r w x, others r w x), or the two "below" boxes.
    pub focus: usize,
    pub below: Below,
    /// A folder is among the targets: the "below" boxes mean something.
    pub has_folder: bool,
    pub error: Option<String>,
}

pub const CHMOD_OCTAL: usize = 0;
pub const CHMOD_FOLDERS_BELOW: usize = 10;
pub const CHMOD_FILES_BELOW: usize = 11;

impl ChmodPrompt {
    /// Places the focus can be (the "below" boxes only with a folder).
    pub fn places(&self) -> usize {
        if self.has_folder { 12 } else { 10 }
    }

    /// The bit box `i` (1–9) stands for.
    pub fn bit(i: usize) -> u32 {
        0o400 >> (i - 1)
    }

    /// Flips box `i` and writes the octal text from the bits.
    pub fn toggle(&mut self, i: usize) {
        match i {
            1..=9 => {
                self.mode ^= Self::bit(i);
                self.octal.set(format!("{:03o}", self.mode));
                self.error = None;
            }
            CHMOD_FOLDERS_BELOW => self.below.folders = !self.below.folders,
            CHMOD_FILES_BELOW => self.below.files = !self.below.files,
            _ => {}
        }
    }

    /// Reads the octal text into the bits; false (and the bits kept) when
    /// it is not a mode.
    pub fn read_octal(&mut self) -> bool {
        match parse_mode(self.octal.text()) {
            Some(m) => {
                self.mode = m;
                true
            }
            None => false,
        }
    }
}

/// `755`, `0644`, `4755`: an octal mode, at most 0o7777.
pub fn parse_mode(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || t.len() > 4 || !t.chars().all(|c| ('0'..='7').contains(&c)) {
        return None;
    }
    u32::from_str_radix(t, 8).ok()
}

/// What a running operation's answer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    /// A new folder: the pane showing `folder` re-reads with the cursor on
    /// `select`.
    MakeDir { folder: Location, select: Name },
    /// A rename: likewise, on the new name.
    Rename { folder: Location, select: Name },
    /// A chmod of `what`.
    Chmod { what: String },
    /// The count behind F8's question.
    Count,
    /// A delete: its row in the queue.
    Delete,
}

/// Where a delete in the queue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    Running,
    Done,
    Cancelled,
}

/// A delete in the queue: one row with its counts, and a line under it
/// for each entry that could not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpRow {
    pub req: RequestId,
    /// "Delete 3 items in /pub"
    pub label: String,
    pub counts: OpCounts,
    /// Entries to go, from the count before it (None: not finished then;
    /// the delete's own walk says).
    pub expected: Option<usize>,
    /// "path: the server's reply", one per entry that failed.
    pub failures: Vec<String>,
    pub state: OpState,
}

impl OpRow {
    pub fn is_active(&self) -> bool {
        self.state == OpState::Running
    }

    /// Entries to go, as well as known now.
    pub fn total(&self) -> usize {
        self.expected
            .unwrap_or(0)
            .max(self.counts.seen)
            .max(self.counts.done + self.counts.failed)
    }

    /// Lines it takes in the queue: itself and its failures.
    pub fn lines(&self) -> usize {
        1 + self.failures.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_modes_and_boxes_stay_in_step() {
        assert_eq!(parse_mode("755"), Some(0o755));
        assert_eq!(parse_mode("4755"), Some(0o4755));
        assert_eq!(parse_mode("8"), None);
        assert_eq!(parse_mode("77777"), None);
        let mut p = ChmodPrompt {
            side: Side::Local,
            targets: vec![],
            what: String::new(),
            octal: LineInput::new("644"),
            mode: 0o644,
            focus: 0,
            below: Below::default(),
            has_folder: false,
            error: None,
        };
        p.toggle(3); // owner x
        p.toggle(9); // others x
        assert_eq!((p.mode, p.octal.text()), (0o745, "745"));
    }
}
