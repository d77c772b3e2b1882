//! Batches: what one request (F5/F6, a drop, `wharf get`/`put`) asked for,
//! kept as a whole while its files run one by one. A batch remembers the
//! server it was asked of (its files go there and nowhere else), counts its
//! files not yet finished, and once every one has finished reports once:
//! the summary (`BatchDone`), the folders whose panes should re-read
//! (`FolderChanged`), and, after a move, whether the emptied source
//! folders are to be removed before the summary goes out.
//!
//! A batch is looked at as a whole only when its count of unfinished files
//! reaches 0, never per file: a tree of n files would cost n² otherwise.

use std::collections::HashMap;

use super::job::Outcome;
use crate::engine::protocol::{
    BatchId, ConnectProfile, Event, Location, TransferId, TransferRequest,
};

struct Batch {
    /// The server the batch was asked of: its files go to or come from that
    /// server only, whatever the user connects to later.
    profile: ConnectProfile,
    /// The same, as `user@host:port`.
    server: String,
    target_dir: Location,
    /// The folder the sources came from, re-read after a move.
    source_parent: Option<Location>,
    /// The source folders walked (for removing after a move).
    source_dirs: Vec<Location>,
    move_after: bool,
    ids: Vec<TransferId>,
    /// How many of `ids` have not finished.
    unfinished: usize,
    /// Walked, its jobs known: until then it cannot be done.
    planned: bool,
    reported: bool,
}

/// What a batch whose every file has finished tells, in this order: the
/// target folder changed, then what `after_move` says, then `summary`.
#[derive(Debug)]
pub struct BatchReport {
    /// Panes showing the target folder re-read it.
    pub target: Location,
    pub after_move: AfterMove,
    /// `Event::BatchDone`, with the files counted by how they ended.
    pub summary: Event,
}

/// Tells the panes showing `folder` to re-read it.
pub fn changed(folder: Location) -> Event {
    Event::FolderChanged { path: folder }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AfterMove {
    /// Not a move, or nothing moved.
    Nothing,
    /// Files moved, but some did not (or no folder was walked): the
    /// source folder is re-read, and its folders stay.
    Reread(Location),
    /// Every file moved: the source folders walked go (deepest first;
    /// one still holding something, a skipped file, stays), then the
    /// source folder is re-read (`then_reread`), then the summary goes out.
    RemoveDirs {
        /// The batch's own server (the user may be elsewhere by now).
        profile: ConnectProfile,
        dirs: Vec<Location>,
        then_reread: Option<Location>,
    },
}

#[derive(Default)]
pub struct Batches {
    batches: HashMap<BatchId, Batch>,
}

impl Batches {
    /// A request was accepted for the server of `profile` (`server` is
    /// its `user@host:port`); its files are not known yet.
    pub fn open(&mut self, req: &TransferRequest, profile: ConnectProfile, server: String) {
        let source_parent = req.items.first().and_then(|i| i.source.parent());
        self.batches.insert(
            req.batch,
            Batch {
                profile,
                server,
                target_dir: req.target_dir.clone(),
                source_parent,
                source_dirs: Vec::new(),
                move_after: req.move_after,
                ids: Vec::new(),
                unfinished: 0,
                planned: false,
                reported: false,
            },
        );
    }

    /// Planning failed: there is no batch to follow.
    pub fn planning_failed(&mut self, batch: BatchId) {
        self.batches.remove(&batch);
    }

    /// Planning produced these jobs (none finished yet).
    pub fn planned(&mut self, batch: BatchId, ids: Vec<TransferId>, source_dirs: Vec<Location>) {
        if let Some(b) = self.batches.get_mut(&batch) {
            b.unfinished = ids.len();
            b.ids = ids;
            b.source_dirs = source_dirs;
            b.planned = true;
        }
    }

    /// One of the batch's files finished (each is counted once).
    pub fn one_finished(&mut self, batch: BatchId) {
        if let Some(b) = self.batches.get_mut(&batch) {
            b.unfinished = b.unfinished.saturating_sub(1);
        }
    }

    /// One of its files was retried: the batch is open again, and will
    /// report again when that file has finished.
    pub fn reopened(&mut self, batch: BatchId) {
        if let Some(b) = self.batches.get_mut(&batch) {
            b.reported = false;
            b.unfinished += 1;
        }
    }

    /// Whether a file of `batch` may be retried while connected to
    /// `current`: only on the batch's own server (it waits until the user
    /// is back there).
    /// The server `batch` was asked of.
    pub fn server(&self, batch: BatchId) -> Option<&str> {
        self.batches.get(&batch).map(|b| b.server.as_str())
    }

    pub fn may_retry(&self, batch: BatchId, current: Option<&str>) -> bool {
        current.is_some() && self.batches.get(&batch).map(|b| b.server.as_str()) == current
    }

    /// The batches asked of another server than `current`, with theirs.
    pub fn of_other_servers(&self, current: Option<&str>) -> HashMap<BatchId, String> {
        self.batches
            .iter()
            .filter(|(_, b)| Some(b.server.as_str()) != current)
            .map(|(id, b)| (*id, b.server.clone()))
            .collect()
    }

    /// The batch's report, once, when it is planned and every file has
    /// finished (`outcome` says how each ended); None before, and after.
    pub fn report<'a>(
        &mut self,
        batch: BatchId,
        outcome: impl Fn(TransferId) -> Option<&'a Outcome>,
    ) -> Option<BatchReport> {
        let b = self.batches.get_mut(&batch)?;
        if !b.planned || b.reported || b.unfinished > 0 {
            return None;
        }
        let (mut done, mut failed, mut skipped, mut cancelled) = (0, 0, 0, 0);
        for id in &b.ids {
            match outcome(*id)? {
                Outcome::Done | Outcome::Verified(_) | Outcome::DoneWithNote(_) => done += 1,
                Outcome::Failed(_) => failed += 1,
                Outcome::Skipped(_) => skipped += 1,
                Outcome::Cancelled => cancelled += 1,
            }
        }
        b.reported = true;
        let moved = b.move_after && done > 0;
        let source = b.source_parent.clone();
        let after_move = if moved && failed == 0 && cancelled == 0 && !b.source_dirs.is_empty() {
            AfterMove::RemoveDirs {
                profile: b.profile.clone(),
                dirs: deepest_first(b.source_dirs.clone()),
                then_reread: source,
            }
        } else if moved && let Some(source) = source {
            AfterMove::Reread(source)
        } else {
            AfterMove::Nothing
        };
        Some(BatchReport {
            target: b.target_dir.clone(),
            after_move,
            summary: Event::BatchDone {
                batch,
                done,
                failed,
                skipped,
                cancelled,
            },
        })
    }
}

/// Folders ordered so that each comes before the one holding it.
fn deepest_first(mut dirs: Vec<Location>) -> Vec<Location> {
    // A folder's path is longer than every one of its ancestors': longest
    // first puts every folder before the ones holding it.
    dirs.sort_by_key(|d| std::cmp::Reverse(d.display().len()));
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{Direction, OnExisting, RelPath, RemotePath, TransferItem};
    use crate::engine::transfer::jobs::tests::failure;

    fn remote(p: &str) -> Location {
        Location::Remote(RemotePath::from(p))
    }

    fn local(p: &str) -> Location {
        Location::Local(p.into())
    }

    fn request(batch: u64, direction: Direction, move_after: bool) -> TransferRequest {
        let (source, target_dir) = match direction {
            Direction::Download => (remote("/src/tree"), local("/dst")),
            Direction::Upload => (local("/src/tree"), remote("/dst")),
        };
        TransferRequest {
            batch: BatchId(batch),
            items: vec![TransferItem {
                source,
                is_dir: true,
                size: None,
                modified: None,
                target_name: "tree".into(),
                subdir: RelPath::default(),
            }],
            target_dir,
            on_existing: OnExisting::Ask,
            move_after,
            folders: Vec::new(),
            verify: false,
        }
    }

    fn profile(host: &str) -> ConnectProfile {
        ConnectProfile::new(host, 21)
    }

    /// Opens a batch asked of `server`.
    fn open(b: &mut Batches, req: &TransferRequest, server: &str) {
        b.open(req, profile(server), server.into());
    }

    fn ids(n: u64) -> Vec<TransferId> {
        (1..=n).map(TransferId).collect()
    }

    /// How the test's jobs ended.
    struct Ended(HashMap<TransferId, Outcome>);

    impl Ended {
        fn of<'a>(&'a self) -> impl Fn(TransferId) -> Option<&'a Outcome> + 'a {
            |id| self.0.get(&id)
        }
    }

    fn summary(r: &BatchReport) -> (usize, usize, usize, usize) {
        match r.summary {
            Event::BatchDone {
                done,
                failed,
                skipped,
                cancelled,
                ..
            } => (done, failed, skipped, cancelled),
            ref other => panic!("{other:?}"),
        }
    }

    /// Batch 1 of four files, planned, with the outcomes given, all counted.
    fn finished(move_after: bool, outcomes: [Outcome; 4]) -> (Batches, Ended) {
        let mut b = Batches::default();
        open(&mut b, &request(1, Direction::Download, move_after), "a");
        b.planned(
            BatchId(1),
            ids(4),
            vec![remote("/src/tree"), remote("/src/tree/sub")],
        );
        let ended = Ended(ids(4).into_iter().zip(outcomes).collect());
        for _ in 0..4 {
            b.one_finished(BatchId(1));
        }
        (b, ended)
    }

    #[test]
    fn a_batch_reports_once_when_its_last_file_finishes_with_the_counts() {
        let mut b = Batches::default();
        open(&mut b, &request(1, Direction::Download, false), "a");
        let ended = Ended(HashMap::from([
            (TransferId(1), Outcome::Done),
            (TransferId(2), Outcome::Failed(failure("550"))),
            (TransferId(3), Outcome::Skipped("exists".into())),
        ]));
        assert!(b.report(BatchId(1), ended.of()).is_none(), "not planned");
        b.planned(BatchId(1), ids(3), Vec::new());
        b.one_finished(BatchId(1));
        b.one_finished(BatchId(1));
        assert!(b.report(BatchId(1), ended.of()).is_none(), "one to go");
        b.one_finished(BatchId(1));
        let r = b.report(BatchId(1), ended.of()).expect("done");
        assert_eq!(summary(&r), (1, 1, 1, 0));
        assert_eq!(r.target, local("/dst"));
        assert_eq!(r.after_move, AfterMove::Nothing);
        assert!(b.report(BatchId(1), ended.of()).is_none(), "once");
    }

    #[test]
    fn a_batch_with_no_files_reports_as_soon_as_it_is_planned() {
        let mut b = Batches::default();
        open(&mut b, &request(1, Direction::Upload, false), "a");
        b.planned(BatchId(1), Vec::new(), Vec::new());
        let r = b.report(BatchId(1), |_| None).expect("done");
        assert_eq!(summary(&r), (0, 0, 0, 0));
    }

    #[test]
    fn a_retried_file_reopens_its_batch_and_it_reports_again() {
        let (mut b, mut ended) = finished(
            false,
            [
                Outcome::Done,
                Outcome::Failed(failure("421")),
                Outcome::Done,
                Outcome::Done,
            ],
        );
        assert_eq!(
            summary(&b.report(BatchId(1), ended.of()).expect("done")),
            (3, 1, 0, 0)
        );
        b.reopened(BatchId(1));
        ended.0.remove(&TransferId(2));
        assert!(b.report(BatchId(1), ended.of()).is_none(), "running again");
        ended.0.insert(TransferId(2), Outcome::Done);
        b.one_finished(BatchId(1));
        assert_eq!(
            summary(&b.report(BatchId(1), ended.of()).expect("done")),
            (4, 0, 0, 0)
        );
    }

    #[test]
    fn a_whole_move_removes_the_source_folders_deepest_first() {
        let (mut b, ended) = finished(
            true,
            [
                Outcome::Done,
                Outcome::Done,
                Outcome::Skipped("exists".into()),
                Outcome::Done,
            ],
        );
        let r = b.report(BatchId(1), ended.of()).expect("done");
        assert_eq!(
            r.after_move,
            AfterMove::RemoveDirs {
                profile: profile("a"),
                dirs: vec![remote("/src/tree/sub"), remote("/src/tree")],
                then_reread: Some(remote("/src")),
            }
        );
    }

    #[test]
    fn a_move_with_a_failure_keeps_the_folders_and_rereads_the_source() {
        let (mut b, ended) = finished(
            true,
            [
                Outcome::Done,
                Outcome::Cancelled,
                Outcome::Done,
                Outcome::Done,
            ],
        );
        let r = b.report(BatchId(1), ended.of()).expect("done");
        assert_eq!(r.after_move, AfterMove::Reread(remote("/src")));
        // Nothing moved: nothing to re-read on the source side.
        let (mut b, ended) = finished(true, std::array::from_fn(|_| Outcome::Failed(failure("x"))));
        let r = b.report(BatchId(1), ended.of()).expect("done");
        assert_eq!(r.after_move, AfterMove::Nothing);
    }

    #[test]
    fn retry_waits_for_the_batch_s_own_server() {
        let mut b = Batches::default();
        open(&mut b, &request(1, Direction::Download, false), "ann@a:21");
        assert!(b.may_retry(BatchId(1), Some("ann@a:21")));
        assert!(!b.may_retry(BatchId(1), Some("bob@b:21")));
        assert!(!b.may_retry(BatchId(1), None));
        open(&mut b, &request(2, Direction::Upload, false), "bob@b:21");
        assert_eq!(
            b.of_other_servers(Some("bob@b:21")),
            HashMap::from([(BatchId(1), "ann@a:21".to_string())])
        );
    }
}
