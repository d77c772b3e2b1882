//! Compare and synchronise (issue 15): what the user asks to bring in step
//! ([`SyncOptions`]) and the plan wharf shows before anything moves
//! ([`SyncPlan`]): one line per path below the two roots, each a copy (with
//! why), a delete, or a path that is reported and left alone. Lines can be
//! unticked and flipped; nothing here does I/O. The plan is made by
//! `engine/sync/compare.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::entry::EntryKind;
use super::fileops::Target;
use super::ids::{BatchId, Side};
use super::path::{Location, RelPath, RemotePath};
use super::time::ModTime;
use super::transfer::{OnExisting, TransferItem, TransferRequest};

/// Which way a sync copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SyncDirection {
    #[default]
    LocalToRemote,
    RemoteToLocal,
}

impl SyncDirection {
    /// The side whose files are the truth.
    pub fn source(self) -> Side {
        match self {
            SyncDirection::LocalToRemote => Side::Local,
            SyncDirection::RemoteToLocal => Side::Remote,
        }
    }

    /// The side brought in step with the source.
    pub fn target(self) -> Side {
        self.source().other()
    }
}

/// How two files of one path are found to differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Criteria {
    /// Sizes differ, or the source is newer (at the coarser precision of
    /// the two times).
    #[default]
    SizeAndTime,
    /// Only the sizes.
    SizeOnly,
    /// Sizes, then the server's hash for files of equal size; where a side
    /// has no hash, size and time.
    Checksum,
}

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SyncOptions {
    pub direction: SyncDirection,
    /// Delete what exists only on the target (otherwise it is left, and
    /// not listed).
    pub delete_extras: bool,
    pub criteria: Criteria,
}

/// Why a path is copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Why {
    /// It exists only on the side it is copied from.
    New,
    /// The side it is copied from has the newer time.
    Newer,
    /// Times equal (at the coarser precision), sizes differ; or times that
    /// cannot be compared, with sizes that differ.
    SizeDiffers,
    /// Equal sizes, different hashes.
    ChecksumDiffers,
    /// The side it would overwrite is newer: listed, unticked.
    OtherNewer,
    /// Equal sizes, and the times are in zones that cannot be compared (a
    /// server-local time whose offset is not known against a UTC one):
    /// listed, unticked, rather than guessed.
    ZonesDiffer,
    /// Equal sizes, and a side gives no time: listed, unticked.
    TimeUnknown,
}

impl Why {
    /// Whether a line for this reason is ticked when the plan is made.
    pub fn ticked_by_default(self) -> bool {
        matches!(
            self,
            Why::New | Why::Newer | Why::SizeDiffers | Why::ChecksumDiffers
        )
    }
}

/// Why a path is reported and left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Skip {
    /// A symbolic link on a side: never followed, never copied.
    Link,
    /// A device, socket or pipe.
    NotAFile,
    /// A file on one side and a folder on the other.
    KindsDiffer,
    /// Only on the target, and extras are not deleted: reported, left.
    OnlyOnTarget,
}

/// What a line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Copy {
        from: Side,
        why: Why,
    },
    Delete {
        on: Side,
    },
    /// Reported only: nothing is done, ticked or not.
    Skip(Skip),
}

/// What one side has at a path, as far as the plan needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Facts {
    pub kind: EntryKind,
    pub size: u64,
    pub modified: Option<ModTime>,
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub path: RelPath,
    pub action: Action,
    /// Only ticked lines run.
    pub ticked: bool,
    pub local: Option<Facts>,
    pub remote: Option<Facts>,
}

impl PlanLine {
    pub fn facts(&self, side: Side) -> Option<Facts> {
        match side {
            Side::Local => self.local,
            Side::Remote => self.remote,
        }
    }

    /// The kind of what the line copies or deletes (else the local one's).
    pub fn kind(&self) -> EntryKind {
        let side = match self.action {
            Action::Copy { from, .. } => Some(from),
            Action::Delete { on } => Some(on),
            Action::Skip(_) => None,
        };
        side.and_then(|s| self.facts(s))
            .or(self.local)
            .or(self.remote)
            .map_or(EntryKind::Other, |f| f.kind)
    }

    /// The bytes the line copies or deletes (0 for folders and skips).
    pub fn size(&self) -> u64 {
        match self.action {
            Action::Copy { from: s, .. } | Action::Delete { on: s } => self
                .facts(s)
                .filter(|f| f.kind == EntryKind::File)
                .map_or(0, |f| f.size),
            Action::Skip(_) => 0,
        }
    }

    /// Turns the line the other way, and ticks it (the user chose it).
    /// A copy of a path that exists on both sides copies from the other
    /// side; a copy of a path that exists on one side only becomes its
    /// delete there, and a delete becomes a copy back from where it was.
    /// Flipping twice gives the line back. A skipped line stays as it is
    /// (returns false).
    pub fn flip(&mut self) -> bool {
        self.action = match self.action {
            Action::Copy {
                from,
                why: Why::New,
            } => Action::Delete { on: from },
            Action::Copy { from, why } => Action::Copy {
                from: from.other(),
                why,
            },
            Action::Delete { on } => Action::Copy {
                from: on,
                why: Why::New,
            },
            Action::Skip(_) => return false,
        };
        self.ticked = true;
        true
    }
}

/// Files, folders and bytes of one kind of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub files: u64,
    pub folders: u64,
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, line: &PlanLine) {
        if line.kind() == EntryKind::Dir {
            self.folders += 1;
        } else {
            self.files += 1;
        }
        self.bytes += line.size();
    }

    pub fn is_empty(&self) -> bool {
        self.files == 0 && self.folders == 0
    }

    /// Files and folders together.
    pub fn entries(&self) -> u64 {
        self.files + self.folders
    }
}

/// What the ticked lines of a plan do, and what is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanCounts {
    pub to_remote: Tally,
    pub to_local: Tally,
    pub delete_remote: Tally,
    pub delete_local: Tally,
    /// Copy and delete lines unticked.
    pub unticked: u64,
    /// Lines reported only.
    pub skipped: u64,
}

impl PlanCounts {
    /// Files and folders the ticked lines delete, both sides.
    pub fn deletions(&self) -> u64 {
        self.delete_local.entries() + self.delete_remote.entries()
    }
}

/// The two folders a sync keeps in step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SyncRoots {
    pub local: PathBuf,
    pub remote: RemotePath,
}

impl Default for SyncRoots {
    /// No folders yet (a plan made without them, in tests).
    fn default() -> SyncRoots {
        SyncRoots {
            local: PathBuf::new(),
            remote: RemotePath::root(),
        }
    }
}

impl SyncRoots {
    /// Where `path` is on `side`.
    pub fn location(&self, side: Side, path: &RelPath) -> Location {
        match side {
            Side::Local => {
                let mut p = self.local.clone();
                p.extend(path.parts().iter().map(|n| n.as_os()));
                Location::Local(p)
            }
            Side::Remote => Location::Remote(
                path.parts()
                    .iter()
                    .fold(self.remote.clone(), |dir, n| dir.join(n)),
            ),
        }
    }
}

/// What a file looked like on one side when a sync left it in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub size: u64,
    pub modified: Option<ModTime>,
}

/// A path both sides had in step at the last sync: each side as it looked
/// then (`None`: not seen yet — the target of a copy, whose listing is
/// read at the next sync).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InStep {
    pub local: Option<Seen>,
    pub remote: Option<Seen>,
}

/// What each side looked like after the last sync of a pair of folders,
/// file by file. A file whose two sides still look as recorded is in
/// step, whatever its times say: a server that cannot set times, or lists
/// them coarsely, does not make it look changed.
pub type SyncRecord = BTreeMap<RelPath, InStep>;

/// The plan: lines in path order (a folder before what is below it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPlan {
    pub roots: SyncRoots,
    pub options: SyncOptions,
    pub lines: Vec<PlanLine>,
    /// Files of equal size compared by size and time because a side had
    /// no hash (with [`Criteria::Checksum`]).
    pub unhashed: u64,
    /// The files found in step while planning, as each side showed them:
    /// the start of the record written once the plan has run.
    pub in_step: Arc<SyncRecord>,
    /// The server's own path of each listed entry whose name was decoded
    /// (a Latin-1 `caf\xe9` is planned as `café`, as a download names it,
    /// but asked for as the server wrote it). Usually empty.
    pub server_names: Arc<BTreeMap<RelPath, RemotePath>>,
}

impl SyncPlan {
    /// Nothing to do: the two sides are in step (reported lines aside).
    pub fn is_in_sync(&self) -> bool {
        self.lines
            .iter()
            .all(|l| matches!(l.action, Action::Skip(_)))
    }

    /// Flips line `index` and, when it is a folder, every line below it
    /// that did the same thing, so a folder and its contents go one way.
    /// False when there is no such line or it cannot be flipped.
    pub fn flip(&mut self, index: usize) -> bool {
        let Some(line) = self.lines.get(index) else {
            return false;
        };
        let (folder, action) = (line.path.clone(), line.action);
        let is_dir = line.kind() == EntryKind::Dir;
        if !self.lines[index].flip() {
            return false;
        }
        if is_dir {
            for l in &mut self.lines {
                if l.path.is_below(&folder) && l.action == action {
                    l.flip();
                }
            }
        }
        true
    }

    /// Where `path` is on `side`: on the server as it listed it.
    pub fn location(&self, side: Side, path: &RelPath) -> Location {
        match (side, self.server_names.get(path)) {
            (Side::Remote, Some(p)) => Location::Remote(p.clone()),
            _ => self.roots.location(side, path),
        }
    }

    /// The ticked copies, in path order: a folder before what goes in it.
    pub fn copies(&self) -> impl Iterator<Item = &PlanLine> {
        self.lines
            .iter()
            .filter(|l| l.ticked && matches!(l.action, Action::Copy { .. }))
    }

    /// The ticked deletes, deepest first, so a folder comes after what is
    /// in it. A folder is left out when anything below it stays (a line
    /// unticked, turned into a copy, or reported, such as a link): it
    /// would not be empty. They run only after every copy succeeded.
    pub fn deletions(&self) -> Vec<&PlanLine> {
        let mut out = Vec::new();
        for (i, line) in self.lines.iter().enumerate().rev() {
            let Action::Delete { on } = line.action else {
                continue;
            };
            if !line.ticked {
                continue;
            }
            let stays = self.lines[i + 1..]
                .iter()
                .take_while(|l| l.path.is_below(&line.path))
                .any(|l| !l.ticked || l.action != (Action::Delete { on }));
            if !stays {
                out.push(line);
            }
        }
        out
    }

    /// The transfer requests that run the ticked copies: one per
    /// direction (a flipped line copies the other way), each file with its
    /// folder below the roots as `subdir`, new folders created even when
    /// empty. Existing targets are overwritten: the plan decided.
    pub fn transfer_requests(
        &self,
        mut next_batch: impl FnMut() -> BatchId,
        verify: bool,
    ) -> Vec<TransferRequest> {
        let mut out = Vec::new();
        for from in [Side::Local, Side::Remote] {
            let mut items = Vec::new();
            let mut folders = Vec::new();
            for line in self.copies() {
                if !matches!(line.action, Action::Copy { from: f, .. } if f == from) {
                    continue;
                }
                let Some((name, parent)) = line.path.split_last() else {
                    continue;
                };
                match line.kind() {
                    EntryKind::Dir => folders.push(line.path.clone()),
                    _ => items.push(TransferItem {
                        source: self.location(from, &line.path),
                        is_dir: false,
                        size: line.facts(from).map(|f| f.size),
                        modified: line.facts(from).and_then(|f| f.modified),
                        target_name: name.clone(),
                        subdir: parent,
                    }),
                }
            }
            if items.is_empty() && folders.is_empty() {
                continue;
            }
            out.push(TransferRequest {
                batch: next_batch(),
                items,
                target_dir: self.roots.location(from.other(), &RelPath::default()),
                on_existing: OnExisting::Overwrite,
                move_after: false,
                folders,
                verify,
            });
        }
        out
    }

    /// The ticked deletions on `side` as file-operation targets, deepest
    /// first ([`SyncPlan::deletions`]); run only after every copy succeeded.
    pub fn delete_targets(&self, side: Side) -> Vec<Target> {
        self.deletions()
            .into_iter()
            .filter_map(|l| match l.action {
                Action::Delete { on } if on == side => Some(Target {
                    path: self.location(on, &l.path),
                    kind: l.facts(on).map_or(EntryKind::File, |f| f.kind),
                }),
                _ => None,
            })
            .collect()
    }

    /// The record to keep once every ticked line has run: the files found
    /// in step, and each copied file as its source looked (its new copy is
    /// read at the next sync). Deleted and unticked paths are left out, so
    /// they are compared afresh next time.
    pub fn record_after(&self) -> SyncRecord {
        let mut record = (*self.in_step).clone();
        for line in self.copies() {
            let Action::Copy { from, .. } = line.action else {
                continue;
            };
            match line.facts(from) {
                Some(f) if f.kind == EntryKind::File => {
                    let seen = Some(Seen {
                        size: f.size,
                        modified: f.modified,
                    });
                    let entry = match from {
                        Side::Local => InStep {
                            local: seen,
                            remote: None,
                        },
                        Side::Remote => InStep {
                            local: None,
                            remote: seen,
                        },
                    };
                    record.insert(line.path.clone(), entry);
                }
                _ => {}
            }
        }
        record
    }

    pub fn counts(&self) -> PlanCounts {
        let mut c = PlanCounts::default();
        for line in &self.lines {
            if let Action::Skip(_) = line.action {
                c.skipped += 1;
                continue;
            }
            if !line.ticked {
                c.unticked += 1;
                continue;
            }
            let tally = match line.action {
                Action::Copy {
                    from: Side::Local, ..
                } => &mut c.to_remote,
                Action::Copy {
                    from: Side::Remote, ..
                } => &mut c.to_local,
                Action::Delete { on: Side::Remote } => &mut c.delete_remote,
                Action::Delete { on: Side::Local } => &mut c.delete_local,
                Action::Skip(_) => continue,
            };
            tally.add(line);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(size: u64) -> Option<Facts> {
        Some(Facts {
            kind: EntryKind::File,
            size,
            modified: None,
        })
    }

    fn dir() -> Option<Facts> {
        Some(Facts {
            kind: EntryKind::Dir,
            size: 0,
            modified: None,
        })
    }

    fn line(path: &str, action: Action, local: Option<Facts>, remote: Option<Facts>) -> PlanLine {
        PlanLine {
            path: RelPath::parse(path.as_bytes()),
            action,
            ticked: true,
            local,
            remote,
        }
    }

    fn plan(lines: Vec<PlanLine>) -> SyncPlan {
        SyncPlan {
            roots: SyncRoots {
                local: PathBuf::from("/l"),
                remote: RemotePath::from_bytes(b"/r".to_vec()),
            },
            options: SyncOptions::default(),
            lines,
            unhashed: 0,
            in_step: Default::default(),
            server_names: Default::default(),
        }
    }

    fn up(why: Why) -> Action {
        Action::Copy {
            from: Side::Local,
            why,
        }
    }

    #[test]
    fn a_plan_runs_as_one_request_a_direction_with_subfolders_and_new_folders() {
        let mut p = plan(vec![
            line("a.txt", up(Why::Newer), file(1), file(2)),
            line("new", up(Why::New), dir(), None),
            line("new/deep/b.txt", up(Why::New), file(3), None),
            line("unticked.txt", up(Why::New), file(4), None),
            line(
                "back.txt",
                Action::Copy {
                    from: Side::Remote,
                    why: Why::Newer,
                },
                file(5),
                file(6),
            ),
            line("gone", Action::Delete { on: Side::Remote }, None, dir()),
            line("gone/x", Action::Delete { on: Side::Remote }, None, file(7)),
        ]);
        p.lines[3].ticked = false;
        let mut n = 0;
        let reqs = p.transfer_requests(
            || {
                n += 1;
                BatchId(n)
            },
            true,
        );
        assert_eq!(reqs.len(), 2);
        let (upload, download) = (&reqs[0], &reqs[1]);
        assert_eq!(
            upload.target_dir,
            Location::Remote(RemotePath::from_bytes(b"/r".to_vec()))
        );
        assert_eq!(upload.folders, vec![RelPath::parse(b"new")]);
        let items: Vec<(String, String, Option<u64>)> = upload
            .items
            .iter()
            .map(|i| {
                (
                    i.source.display().into_owned(),
                    format!("{}|{}", i.subdir.display(), i.target_name.display()),
                    i.size,
                )
            })
            .collect();
        assert_eq!(
            items,
            vec![
                ("/l/a.txt".into(), "|a.txt".into(), Some(1)),
                ("/l/new/deep/b.txt".into(), "new/deep|b.txt".into(), Some(3)),
            ]
        );
        assert!(upload.verify && upload.on_existing == OnExisting::Overwrite);
        assert_eq!(download.target_dir, Location::Local(PathBuf::from("/l")));
        assert_eq!(download.items.len(), 1);
        assert_eq!(download.items[0].size, Some(6), "the source's size");
        // Deletions deepest first, on their side only.
        let del: Vec<String> = p
            .delete_targets(Side::Remote)
            .iter()
            .map(|t| t.path.display().into_owned())
            .collect();
        assert_eq!(del, ["/r/gone/x", "/r/gone"]);
        assert!(p.delete_targets(Side::Local).is_empty());
        // The record: each ticked copy's source; the rest read next time.
        let rec = p.record_after();
        let a = rec.get(&RelPath::parse(b"a.txt")).expect("a.txt");
        assert_eq!((a.local.map(|s| s.size), a.remote), (Some(1), None));
        let back = rec.get(&RelPath::parse(b"back.txt")).expect("back.txt");
        assert_eq!((back.local, back.remote.map(|s| s.size)), (None, Some(6)));
        assert!(!rec.contains_key(&RelPath::parse(b"unticked.txt")));
        assert!(!rec.contains_key(&RelPath::parse(b"gone/x")));
        assert!(
            !rec.contains_key(&RelPath::parse(b"new")),
            "folders are not recorded"
        );
    }
}
