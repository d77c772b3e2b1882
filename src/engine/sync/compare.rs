//! The plan of a sync, from what each side has below its root: a pure
//! function, so every rule is tested without a server.
//!
//! - Equal files are left out of the plan; a second run over trees in
//!   step gives an empty plan.
//! - Times are compared at the coarser precision of the two
//!   ([`ModTime::compare_coarse`]): a minute-precision listing never makes
//!   a file look newer than the copy written from it.
//! - A server-local time is moved to UTC when the server's offset is
//!   known; when it is not, it is compared only with other server-local
//!   times, and a pair that cannot be compared is listed, unticked, as
//!   [`Why::ZonesDiffer`], never guessed.
//! - Folders are compared path by path (the listings are flat, by path
//!   below the root); a folder on one side only brings its whole subtree.
//! - Links are never followed: a link on either side is reported
//!   ([`Skip::Link`]) and nothing below its path is planned.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use crate::engine::protocol::{
    Action, Criteria, Entry, EntryKind, Facts, InStep, ModTime, PlanLine, RelPath, Seen, Side,
    Skip, SyncOptions, SyncPlan, SyncRecord, SyncRoots, Why,
};

/// What one side has at one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncEntry {
    pub kind: EntryKind,
    pub size: u64,
    pub modified: Option<ModTime>,
    /// The file's hash when the side gave one; both sides' hashes must be
    /// of one algorithm (the caller asks for the same one on both).
    pub digest: Option<Box<[u8]>>,
}

impl SyncEntry {
    fn facts(&self) -> Facts {
        Facts {
            kind: self.kind,
            size: self.size,
            modified: self.modified,
        }
    }

    fn seen(&self) -> Seen {
        Seen {
            size: self.size,
            modified: self.modified,
        }
    }
}

impl From<&Entry> for SyncEntry {
    /// A listing's entry (no hash: a listing gives none).
    fn from(e: &Entry) -> SyncEntry {
        SyncEntry {
            kind: e.kind,
            size: e.size,
            modified: e.modified,
            digest: None,
        }
    }
}

/// Everything below a root, by path (the root itself not included).
pub type Tree = BTreeMap<RelPath, SyncEntry>;

/// The plan that brings `options.direction`'s target in step with its
/// source. `server_offset` is the server's offset east of UTC in seconds,
/// when known: it moves server-local times to UTC before they are
/// compared with UTC ones.
pub fn compare(
    local: &Tree,
    remote: &Tree,
    options: &SyncOptions,
    server_offset: Option<i64>,
) -> SyncPlan {
    compare_recorded(local, remote, options, server_offset, &SyncRecord::new())
}

/// [`compare`], with the record of the last sync of these folders: a file
/// whose two sides still look as recorded is in step, whatever its times
/// say (the copy's own side, not seen yet, counts when its size is the
/// recorded one). Not with [`Criteria::Checksum`]: that asks to look.
pub fn compare_recorded(
    local: &Tree,
    remote: &Tree,
    options: &SyncOptions,
    server_offset: Option<i64>,
    record: &SyncRecord,
) -> SyncPlan {
    let source = options.direction.source();
    let (src, tgt) = match source {
        Side::Local => (local, remote),
        Side::Remote => (remote, local),
    };
    let mut plan = SyncPlan {
        roots: SyncRoots::default(),
        options: *options,
        lines: Vec::new(),
        unhashed: 0,
        in_step: Default::default(),
        server_names: Default::default(),
    };
    let mut in_step = SyncRecord::new();
    let use_record = options.criteria != Criteria::Checksum;
    let paths: BTreeSet<&RelPath> = local.keys().chain(remote.keys()).collect();
    // A path whose subtree is not planned (a link, a kind clash).
    let mut skipped: Option<&RelPath> = None;
    for path in paths {
        if skipped.is_some_and(|s| path.is_below(s)) {
            continue;
        }
        let (s, t) = (src.get(path), tgt.get(path));
        let both_files =
            |l: &SyncEntry, r: &SyncEntry| l.kind == EntryKind::File && r.kind == EntryKind::File;
        let files = match (local.get(path), remote.get(path)) {
            (Some(l), Some(r)) if both_files(l, r) => Some((l, r)),
            _ => None,
        };
        let recorded = files.is_some_and(|(l, r)| {
            use_record && record.get(path).is_some_and(|rec| as_recorded(rec, l, r))
        });
        let action = if recorded {
            None
        } else {
            decide(s, t, options, server_offset, source, &mut plan.unhashed)
        };
        let Some(action) = action else {
            if let Some((l, r)) = files {
                in_step.insert(
                    path.clone(),
                    InStep {
                        local: Some(l.seen()),
                        remote: Some(r.seen()),
                    },
                );
            }
            continue;
        };
        if let Action::Skip(_) = action {
            skipped = Some(path);
        }
        let ticked = match action {
            Action::Copy { why, .. } => why.ticked_by_default(),
            Action::Delete { .. } => true,
            Action::Skip(_) => false,
        };
        plan.lines.push(PlanLine {
            path: path.clone(),
            action,
            ticked,
            local: local.get(path).map(SyncEntry::facts),
            remote: remote.get(path).map(SyncEntry::facts),
        });
    }
    plan.in_step = std::sync::Arc::new(in_step);
    plan
}

/// What a plan says of one path, given what each side has there (`None`:
/// equal, or nothing to say): the rules of [`compare`] for one pair, so a
/// one-level comparison (the panes' compare mode) needs no trees.
pub fn pair(
    local: Option<&SyncEntry>,
    remote: Option<&SyncEntry>,
    options: &SyncOptions,
    server_offset: Option<i64>,
) -> Option<Action> {
    let source = options.direction.source();
    let (s, t) = match source {
        Side::Local => (local, remote),
        Side::Remote => (remote, local),
    };
    let mut unhashed = 0;
    decide(s, t, options, server_offset, source, &mut unhashed)
}

/// Whether a file's two sides look as `rec` says they did after the last
/// sync. A side not seen then (the copy's target) counts when its size is
/// the other side's recorded one.
fn as_recorded(rec: &InStep, local: &SyncEntry, remote: &SyncEntry) -> bool {
    let same = |seen: &Seen, e: &SyncEntry| seen.size == e.size && seen.modified == e.modified;
    match (&rec.local, &rec.remote) {
        (Some(l), Some(r)) => same(l, local) && same(r, remote),
        (Some(l), None) => same(l, local) && remote.size == l.size,
        (None, Some(r)) => same(r, remote) && local.size == r.size,
        (None, None) => false,
    }
}

/// What to do with one path, given the source's and the target's entry;
/// `None` when nothing is to be done or said.
fn decide(
    s: Option<&SyncEntry>,
    t: Option<&SyncEntry>,
    options: &SyncOptions,
    offset: Option<i64>,
    source: Side,
    unhashed: &mut u64,
) -> Option<Action> {
    let unfollowed = |e: &SyncEntry| match e.kind {
        EntryKind::Symlink => Some(Action::Skip(Skip::Link)),
        EntryKind::Other => Some(Action::Skip(Skip::NotAFile)),
        EntryKind::File | EntryKind::Dir => None,
    };
    match (s, t) {
        (None, None) => None,
        (Some(s), None) => unfollowed(s).or(Some(Action::Copy {
            from: source,
            why: Why::New,
        })),
        (None, Some(t)) if options.delete_extras => {
            unfollowed(t).or(Some(Action::Delete { on: source.other() }))
        }
        (None, Some(t)) => unfollowed(t).or(Some(Action::Skip(Skip::OnlyOnTarget))),
        (Some(s), Some(t)) => {
            if let Some(skip) = unfollowed(s).or_else(|| unfollowed(t)) {
                return Some(skip);
            }
            if s.kind != t.kind {
                return Some(Action::Skip(Skip::KindsDiffer));
            }
            if s.kind == EntryKind::Dir {
                return None;
            }
            let why = differs(s, t, options.criteria, offset, unhashed)?;
            Some(Action::Copy { from: source, why })
        }
    }
}

/// Why two files differ under `criteria`, `None` when they are equal.
fn differs(
    s: &SyncEntry,
    t: &SyncEntry,
    criteria: Criteria,
    offset: Option<i64>,
    unhashed: &mut u64,
) -> Option<Why> {
    let size_differs = s.size != t.size;
    match criteria {
        Criteria::SizeOnly => return size_differs.then_some(Why::SizeDiffers),
        Criteria::Checksum if size_differs => return Some(Why::SizeDiffers),
        Criteria::Checksum => match (&s.digest, &t.digest) {
            (Some(a), Some(b)) => return (a != b).then_some(Why::ChecksumDiffers),
            _ => *unhashed += 1,
        },
        Criteria::SizeAndTime => {}
    }
    match time_order(s.modified, t.modified, offset) {
        Ok(Ordering::Greater) => Some(Why::Newer),
        Ok(Ordering::Less) => Some(Why::OtherNewer),
        Ok(Ordering::Equal) => size_differs.then_some(Why::SizeDiffers),
        // Sizes that differ say enough; equal ones with times that cannot
        // be compared are listed, not guessed.
        Err(_) if size_differs => Some(Why::SizeDiffers),
        Err(why) => Some(why),
    }
}

/// The source's time against the target's, at the coarser precision of
/// the two, in one zone; why not when they cannot be compared.
fn time_order(
    s: Option<ModTime>,
    t: Option<ModTime>,
    offset: Option<i64>,
) -> Result<Ordering, Why> {
    let (Some(s), Some(t)) = (s, t) else {
        return Err(Why::TimeUnknown);
    };
    let (s, t) = match (s.zone() == t.zone(), offset) {
        (true, _) => (s, t),
        (false, Some(o)) => (s.to_utc(o), t.to_utc(o)),
        (false, None) => return Err(Why::ZonesDiffer),
    };
    // Of one precision, to the second: a local file's nanoseconds do not
    // make it newer than the second its copy was listed with.
    Ok(s.compare_coarse(&t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{Precision, SyncDirection};
    use chrono::NaiveDateTime;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn utc(s: &str) -> Option<ModTime> {
        Some(ModTime::utc(at(s), Precision::Second))
    }

    fn minute(s: &str) -> Option<ModTime> {
        Some(ModTime::utc(at(s), Precision::Minute))
    }

    fn server_local(s: &str, p: Precision) -> Option<ModTime> {
        Some(ModTime::server_local(at(s), p))
    }

    fn file(size: u64, modified: Option<ModTime>) -> SyncEntry {
        SyncEntry {
            kind: EntryKind::File,
            size,
            modified,
            digest: None,
        }
    }

    fn hashed(size: u64, digest: &[u8]) -> SyncEntry {
        SyncEntry {
            digest: Some(digest.into()),
            ..file(size, utc("2024-01-01 00:00:00"))
        }
    }

    fn dir() -> SyncEntry {
        SyncEntry {
            kind: EntryKind::Dir,
            size: 4096,
            modified: utc("2024-01-01 00:00:00"),
            digest: None,
        }
    }

    fn link() -> SyncEntry {
        SyncEntry {
            kind: EntryKind::Symlink,
            ..file(10, None)
        }
    }

    fn tree(entries: Vec<(&str, SyncEntry)>) -> Tree {
        entries
            .into_iter()
            .map(|(p, e)| (RelPath::parse(p.as_bytes()), e))
            .collect()
    }

    fn up() -> SyncOptions {
        SyncOptions::default()
    }

    fn down() -> SyncOptions {
        SyncOptions {
            direction: SyncDirection::RemoteToLocal,
            ..SyncOptions::default()
        }
    }

    /// The plan as `(path, action, ticked)`.
    fn lines(plan: &SyncPlan) -> Vec<(String, Action, bool)> {
        plan.lines
            .iter()
            .map(|l| (l.path.display().into_owned(), l.action, l.ticked))
            .collect()
    }

    fn copy(from: Side, why: Why) -> Action {
        Action::Copy { from, why }
    }

    /// A name, the local and the remote file, the options, the server's
    /// offset, and the action wanted (None: equal).
    type Case = (
        &'static str,
        SyncEntry,
        SyncEntry,
        SyncOptions,
        Option<i64>,
        Option<Action>,
    );

    /// One file on each side: what the plan says of it (None: equal).
    #[test]
    fn one_file_against_its_copy() {
        use Side::{Local, Remote};
        let t = "2024-11-27 14:03:27";
        let cases: Vec<Case> = vec![
            (
                "identical",
                file(5, utc(t)),
                file(5, utc(t)),
                up(),
                None,
                None,
            ),
            (
                "minute listing vs second copy within that minute: equal",
                file(5, utc(t)),
                file(5, minute("2024-11-27 14:03:00")),
                up(),
                None,
                None,
            ),
            (
                "minute listing never looks newer, either way",
                file(5, minute("2024-11-27 14:03:00")),
                file(5, utc(t)),
                down(),
                None,
                None,
            ),
            (
                "a local file's nanoseconds against a listing's whole second",
                file(
                    5,
                    Some(ModTime::utc(
                        at(t) + chrono::Duration::milliseconds(600),
                        Precision::Second,
                    )),
                ),
                file(5, utc(t)),
                up(),
                None,
                None,
            ),
            (
                "source a second later",
                file(5, utc("2024-11-27 14:03:28")),
                file(5, utc(t)),
                up(),
                None,
                Some(copy(Local, Why::Newer)),
            ),
            (
                "source a minute later",
                file(5, utc("2024-11-27 14:04:00")),
                file(5, minute("2024-11-27 14:03:00")),
                up(),
                None,
                Some(copy(Local, Why::Newer)),
            ),
            (
                "target newer: listed, unticked",
                file(5, utc("2024-11-27 14:00:00")),
                file(5, utc(t)),
                up(),
                None,
                Some(copy(Local, Why::OtherNewer)),
            ),
            (
                "same time, sizes differ",
                file(5, utc(t)),
                file(6, utc(t)),
                up(),
                None,
                Some(copy(Local, Why::SizeDiffers)),
            ),
            (
                "downloading: the remote is the source",
                file(5, utc(t)),
                file(5, utc("2024-11-27 15:00:00")),
                down(),
                None,
                Some(copy(Remote, Why::Newer)),
            ),
            (
                // LIST shows 23:03 on a server 9 h ahead: 14:03 UTC.
                "server-local time with its offset known: equal",
                file(5, utc(t)),
                file(5, server_local("2024-11-27 23:03:00", Precision::Minute)),
                up(),
                Some(9 * 3600),
                None,
            ),
            (
                "server-local time with its offset known: really newer",
                file(5, utc(t)),
                file(5, server_local("2024-11-28 00:10:00", Precision::Minute)),
                down(),
                Some(9 * 3600),
                Some(copy(Remote, Why::Newer)),
            ),
            (
                "server-local against UTC, offset unknown: said, not guessed",
                file(5, utc(t)),
                file(5, server_local("2024-11-27 23:03:00", Precision::Minute)),
                up(),
                None,
                Some(copy(Local, Why::ZonesDiffer)),
            ),
            (
                "zones unknown but sizes differ: the size says it",
                file(5, utc(t)),
                file(7, server_local("2024-11-27 23:03:00", Precision::Minute)),
                up(),
                None,
                Some(copy(Local, Why::SizeDiffers)),
            ),
            (
                "both server-local: compared as they are",
                file(5, server_local("2024-11-27 23:03:00", Precision::Second)),
                file(5, server_local("2024-11-27 23:03:00", Precision::Minute)),
                up(),
                None,
                None,
            ),
            (
                "no time on a side, sizes equal",
                file(5, None),
                file(5, utc(t)),
                up(),
                None,
                Some(copy(Local, Why::TimeUnknown)),
            ),
            (
                "size only: times ignored",
                file(5, utc("2020-01-01 00:00:00")),
                file(5, utc(t)),
                SyncOptions {
                    criteria: Criteria::SizeOnly,
                    ..up()
                },
                None,
                None,
            ),
            (
                "size only: sizes differ",
                file(5, utc(t)),
                file(6, utc(t)),
                SyncOptions {
                    criteria: Criteria::SizeOnly,
                    ..up()
                },
                None,
                Some(copy(Local, Why::SizeDiffers)),
            ),
            (
                "checksum: equal hashes, times apart",
                SyncEntry {
                    modified: utc("2020-01-01 00:00:00"),
                    ..hashed(5, b"aa")
                },
                hashed(5, b"aa"),
                SyncOptions {
                    criteria: Criteria::Checksum,
                    ..up()
                },
                None,
                None,
            ),
            (
                "checksum: hashes differ",
                hashed(5, b"aa"),
                hashed(5, b"bb"),
                SyncOptions {
                    criteria: Criteria::Checksum,
                    ..up()
                },
                None,
                Some(copy(Local, Why::ChecksumDiffers)),
            ),
            (
                "checksum without a hash: size and time",
                file(5, utc("2024-11-27 15:00:00")),
                hashed(5, b"aa"),
                SyncOptions {
                    criteria: Criteria::Checksum,
                    ..up()
                },
                None,
                Some(copy(Local, Why::Newer)),
            ),
        ];
        for (name, l, r, options, offset, want) in cases {
            let plan = compare(
                &tree(vec![("f", l)]),
                &tree(vec![("f", r)]),
                &options,
                offset,
            );
            let got = plan.lines.first().map(|l| l.action);
            assert_eq!(got, want, "{name}");
            assert!(plan.lines.len() <= 1, "{name}");
            if let Some(line) = plan.lines.first() {
                let Action::Copy { why, .. } = line.action else {
                    unreachable!()
                };
                assert_eq!(line.ticked, why.ticked_by_default(), "{name}");
            }
        }
    }

    #[test]
    fn checksum_without_hash_is_counted() {
        let options = SyncOptions {
            criteria: Criteria::Checksum,
            ..up()
        };
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![("a", file(1, t)), ("b", hashed(1, b"x"))]);
        let remote = tree(vec![("a", hashed(1, b"x")), ("b", hashed(1, b"x"))]);
        let plan = compare(&local, &remote, &options, None);
        assert!(plan.is_in_sync());
        assert_eq!(plan.unhashed, 1);
    }

    #[test]
    fn extras_are_deleted_only_when_asked() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![("keep", file(1, t))]);
        let remote = tree(vec![
            ("keep", file(1, t)),
            ("old", dir()),
            ("old/x", file(3, t)),
            ("stale", file(2, t)),
        ]);
        // Without deleting, the extras are reported (a folder once, not
        // what is in it) and left; the sides count as in step.
        let plan = compare(&local, &remote, &up(), None);
        let only = Action::Skip(Skip::OnlyOnTarget);
        assert_eq!(
            lines(&plan),
            vec![("old".into(), only, false), ("stale".into(), only, false)]
        );
        assert!(plan.is_in_sync());
        assert!(plan.copies().next().is_none() && plan.deletions().is_empty());
        let with_delete = SyncOptions {
            delete_extras: true,
            ..up()
        };
        let plan = compare(&local, &remote, &with_delete, None);
        let del = Action::Delete { on: Side::Remote };
        assert_eq!(
            lines(&plan),
            vec![
                ("old".into(), del, true),
                ("old/x".into(), del, true),
                ("stale".into(), del, true),
            ]
        );
        let c = plan.counts();
        assert_eq!(c.delete_remote.files, 2);
        assert_eq!(c.delete_remote.folders, 1);
        assert_eq!(c.delete_remote.bytes, 5);
        assert!(c.to_remote.is_empty() && c.delete_local.is_empty());
        // Downloading, the extras are the local ones.
        let plan = compare(
            &remote,
            &local,
            &SyncOptions {
                delete_extras: true,
                ..down()
            },
            None,
        );
        assert_eq!(plan.counts().delete_local.files, 2);
    }

    #[test]
    fn a_folder_on_one_side_brings_its_whole_subtree() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![
            ("site", dir()),
            ("site/img", dir()),
            ("site/img/a.png", file(100, t)),
            ("site/img/deep", dir()),
            ("site/img/deep/b.png", file(20, t)),
            ("site/index.html", file(7, t)),
        ]);
        let remote = tree(vec![("site", dir()), ("site/index.html", file(7, t))]);
        let plan = compare(&local, &remote, &up(), None);
        let new = copy(Side::Local, Why::New);
        assert_eq!(
            lines(&plan),
            vec![
                ("site/img".into(), new, true),
                ("site/img/a.png".into(), new, true),
                ("site/img/deep".into(), new, true),
                ("site/img/deep/b.png".into(), new, true),
            ]
        );
        let c = plan.counts();
        assert_eq!((c.to_remote.files, c.to_remote.folders), (2, 2));
        assert_eq!(c.to_remote.bytes, 120);
        assert_eq!(plan.lines[0].kind(), EntryKind::Dir);
        assert_eq!(plan.lines[1].size(), 100);
    }

    #[test]
    fn links_are_reported_never_followed() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![("l", link()), ("both", link()), ("d", link())]);
        let remote = tree(vec![
            ("both", file(10, t)),
            ("d", dir()),
            ("d/x", file(1, t)),
            ("remote-link", link()),
        ]);
        let options = SyncOptions {
            delete_extras: true,
            ..up()
        };
        let plan = compare(&local, &remote, &options, None);
        let skip = Action::Skip(Skip::Link);
        assert_eq!(
            lines(&plan),
            vec![
                ("both".into(), skip, false),
                // nothing under `d`: the local side has a link there
                ("d".into(), skip, false),
                ("l".into(), skip, false),
                ("remote-link".into(), skip, false),
            ]
        );
        assert!(plan.is_in_sync());
        let c = plan.counts();
        assert_eq!(c.skipped, 4);
        assert!(c.to_remote.is_empty() && c.delete_remote.is_empty());
    }

    #[test]
    fn a_file_against_a_folder_is_reported() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![("x", file(1, t))]);
        let remote = tree(vec![("x", dir()), ("x/y", file(1, t))]);
        let options = SyncOptions {
            delete_extras: true,
            ..up()
        };
        let plan = compare(&local, &remote, &options, None);
        assert_eq!(
            lines(&plan),
            vec![("x".into(), Action::Skip(Skip::KindsDiffer), false)]
        );
    }

    #[test]
    fn flipping_lines() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![
            ("changed", file(1, utc("2024-02-01 00:00:00"))),
            ("new", file(4, t)),
            ("newdir", dir()),
            ("newdir/f", file(8, t)),
        ]);
        let remote = tree(vec![("changed", file(2, t)), ("extra", file(16, t))]);
        let options = SyncOptions {
            delete_extras: true,
            ..up()
        };
        let mut plan = compare(&local, &remote, &options, None);
        let before = plan.clone();
        let at = |plan: &SyncPlan, p: &str| {
            plan.lines
                .iter()
                .position(|l| l.path.display() == p)
                .unwrap()
        };
        // A delete flipped becomes a copy back from the target.
        let extra = at(&plan, "extra");
        assert!(plan.flip(extra));
        assert_eq!(plan.lines[extra].action, copy(Side::Remote, Why::New));
        // A changed file copies the other way, with the other side's size.
        let changed = at(&plan, "changed");
        assert_eq!(plan.lines[changed].size(), 1);
        assert!(plan.flip(changed));
        assert_eq!(plan.lines[changed].action, copy(Side::Remote, Why::Newer));
        assert_eq!(plan.lines[changed].size(), 2);
        // A new file flipped is deleted where it is.
        let new = at(&plan, "new");
        assert!(plan.flip(new));
        assert_eq!(plan.lines[new].action, Action::Delete { on: Side::Local });
        // A folder flips with what is below it.
        let newdir = at(&plan, "newdir");
        assert!(plan.flip(newdir));
        let del_local = Action::Delete { on: Side::Local };
        assert_eq!(plan.lines[newdir].action, del_local);
        assert_eq!(plan.lines[at(&plan, "newdir/f")].action, del_local);
        let c = plan.counts();
        assert_eq!((c.to_local.files, c.to_local.bytes), (2, 18));
        assert_eq!(
            (
                c.delete_local.files,
                c.delete_local.folders,
                c.delete_local.bytes
            ),
            (2, 1, 12)
        );
        assert!(c.to_remote.is_empty() && c.delete_remote.is_empty());
        // Flipping every line again gives the plan back.
        for i in [extra, changed, new, newdir] {
            assert!(plan.flip(i));
        }
        assert_eq!(plan, before);
        assert!(!plan.flip(99));
    }

    #[test]
    fn unticked_lines_do_not_count_and_skips_do_not_flip() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![("a", file(3, t)), ("l", link())]);
        let mut plan = compare(&local, &Tree::new(), &up(), None);
        plan.lines[0].ticked = false;
        let c = plan.counts();
        assert_eq!((c.unticked, c.skipped), (1, 1));
        assert!(c.to_remote.is_empty());
        assert!(!plan.flip(1));
        assert_eq!(plan.lines[1].action, Action::Skip(Skip::Link));
    }

    #[test]
    fn deletions_go_deepest_first_and_spare_a_folder_that_keeps_something() {
        let t = utc("2024-01-01 00:00:00");
        let local = tree(vec![("new", file(1, t))]);
        let remote = tree(vec![
            ("a", dir()),
            ("a/b", dir()),
            ("a/b/x", file(1, t)),
            ("a/y", file(1, t)),
            ("k", dir()),
            ("k/keep", file(1, t)),
            ("k/l", link()),
            ("m", dir()),
            ("m/z", file(1, t)),
        ]);
        let options = SyncOptions {
            delete_extras: true,
            ..up()
        };
        let mut plan = compare(&local, &remote, &options, None);
        let paths = |v: Vec<&PlanLine>| -> Vec<String> {
            v.iter().map(|l| l.path.display().into_owned()).collect()
        };
        // `k` holds a link, which is never deleted: `k` stays.
        assert_eq!(
            paths(plan.deletions()),
            vec!["m/z", "m", "k/keep", "a/y", "a/b/x", "a/b", "a"]
        );
        assert_eq!(paths(plan.copies().collect()), vec!["new"]);
        // Unticking a file keeps the folders above it.
        let x = plan
            .lines
            .iter()
            .position(|l| l.path.display() == "a/b/x")
            .unwrap();
        plan.lines[x].ticked = false;
        assert_eq!(paths(plan.deletions()), vec!["m/z", "m", "k/keep", "a/y"]);
        // A folder flipped back to a copy is not deleted either.
        let m = plan
            .lines
            .iter()
            .position(|l| l.path.display() == "m")
            .unwrap();
        plan.lines[m + 1].flip();
        assert_eq!(paths(plan.deletions()), vec!["k/keep", "a/y"]);
        assert_eq!(paths(plan.copies().collect()), vec!["m/z", "new"]);
    }

    #[test]
    fn a_listing_entry_gives_its_kind_size_and_time() {
        use crate::engine::protocol::Name;
        let mut e = Entry::new(Name::from("f"), EntryKind::File);
        e.size = 9;
        e.modified = utc("2024-01-01 00:00:00");
        assert_eq!(SyncEntry::from(&e), file(9, e.modified));
    }

    /// After the plan ran, both sides hold the same tree (the target's
    /// times as coarse as its listing): the next plan is empty.
    #[test]
    fn a_second_run_over_identical_trees_plans_nothing() {
        let local = tree(vec![
            ("a", dir()),
            ("a/b", dir()),
            ("a/b/c.txt", file(12, utc("2024-11-27 14:03:27"))),
            ("z", file(0, utc("2024-11-27 14:03:59"))),
        ]);
        let remote = tree(vec![
            ("a", dir()),
            ("a/b", dir()),
            (
                "a/b/c.txt",
                file(12, server_local("2024-11-27 15:03:00", Precision::Minute)),
            ),
            (
                "z",
                file(0, server_local("2024-11-27 15:03:00", Precision::Minute)),
            ),
        ]);
        for criteria in [
            Criteria::SizeAndTime,
            Criteria::SizeOnly,
            Criteria::Checksum,
        ] {
            for direction in [SyncDirection::LocalToRemote, SyncDirection::RemoteToLocal] {
                let options = SyncOptions {
                    direction,
                    delete_extras: true,
                    criteria,
                };
                let plan = compare(&local, &remote, &options, Some(3600));
                assert!(plan.lines.is_empty(), "{options:?}: {:?}", plan.lines);
                assert!(plan.is_in_sync());
                assert_eq!(plan.counts(), Default::default());
                let same = compare(&local, &local, &options, None);
                assert!(same.lines.is_empty(), "{options:?}");
            }
        }
    }

    #[test]
    fn relative_paths_order_a_folder_before_its_contents() {
        let a = RelPath::parse(b"a");
        let ab = RelPath::parse(b"a/b");
        let a_dash = RelPath::parse(b"a-z");
        // byte order would put "a-z" between "a" and "a/b"; by name it is after
        let mut v = vec![a_dash.clone(), ab.clone(), a.clone()];
        v.sort();
        assert_eq!(v, vec![a.clone(), ab.clone(), a_dash.clone()]);
        assert!(ab.is_below(&a));
        assert!(!a.is_below(&a));
        assert!(!a_dash.is_below(&a));
        assert_eq!(RelPath::parse(b"/a//b/").display(), "a/b");
    }
}
