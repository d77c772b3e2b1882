//! `wharf mirror SOURCE TARGET`: brings TARGET in step with SOURCE (one
//! is a folder on this computer, the other a URL or `@bookmark/path`).
//! Both sides are walked and planned as the TUI's sync plans
//! (`engine/sync`); `--dry-run` prints the plan and changes nothing.
//! Otherwise the copies run on the transfer engine (as `wharf get`/`put`
//! do), and then — only when every copy succeeded — the deletions
//! (`--delete`, capped by `--max-delete`). Then the sync record is kept,
//! so the next run finds unchanged files in step however coarsely the
//! server lists times. Exit status 0 only when the two are in step.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::copy;
use super::op::Server;
use super::shared::{EXIT_FAILED, EXIT_OK};
use super::wording::remote_failure;
use crate::cli::CopyArgs;
use crate::engine::fileops::{Reporter, local};
use crate::engine::protocol::{
    Action, BatchId, ConnectProfile, Criteria, EntryKind, Event, FileOp, PlanLine, Side, Skip,
    SyncDirection, SyncOptions, SyncPlan, SyncRoots, Why,
};
use crate::engine::session::Connector;
use crate::engine::sync::{self, record};
use crate::text::{count, sanitize, size};

/// One end of a mirror.
pub enum End {
    Local(PathBuf),
    Remote(ConnectProfile),
}

pub struct MirrorArgs {
    pub dry_run: bool,
    pub delete: bool,
    /// With `delete`: when more would go, nothing is deleted.
    pub max_delete: Option<u64>,
    pub criteria: Criteria,
    pub connections: usize,
    pub verbose: bool,
    pub quiet: bool,
    /// The folder of the sync records (none: not kept).
    pub records: Option<PathBuf>,
}

/// Mirrors `source` onto `target` and returns the exit status.
pub async fn mirror(connector: Connector, source: End, target: End, args: MirrorArgs) -> i32 {
    let started = Instant::now();
    let (direction, local, profile) = match (source, target) {
        (End::Local(l), End::Remote(p)) => (SyncDirection::LocalToRemote, l, p),
        (End::Remote(p), End::Local(l)) => (SyncDirection::RemoteToLocal, l, p),
        _ => {
            eprintln!("wharf: mirror: one side must be a URL and the other a local folder");
            return super::shared::EXIT_USAGE;
        }
    };
    let local = std::path::absolute(&local).unwrap_or(local);
    let mut server = match Server::open(&connector, &profile, args.connections, args.verbose).await
    {
        Ok(s) => s,
        Err(code) => return code,
    };
    let roots = SyncRoots {
        local,
        remote: server.path_of(&profile),
    };
    let options = SyncOptions {
        direction,
        delete_extras: args.delete,
        criteria: args.criteria,
    };
    let planned = plan(&mut server, &roots, &options, &args).await;
    let (mut plan, unread) = match planned {
        Ok(p) => p,
        Err(code) => {
            server.close().await;
            return code;
        }
    };
    // A mirror makes the target what the source is: a target that is
    // newer is replaced too (the TUI's sync leaves it unticked to ask).
    for line in &mut plan.lines {
        if let Action::Copy {
            why: Why::OtherNewer,
            ..
        } = line.action
        {
            line.ticked = true;
        }
    }
    if args.dry_run {
        print_plan(&plan);
    }
    if args.dry_run || (!args.quiet && !plan.is_in_sync()) {
        eprintln!("{}", summary(&plan));
    }
    if args.dry_run {
        server.close().await;
        return if unread > 0 { EXIT_FAILED } else { EXIT_OK };
    }
    let deletions = plan.counts().deletions();
    let too_many = args.max_delete.filter(|&max| deletions > max);
    // A source with nothing in it (a server that lists a missing folder as
    // empty, a mount not mounted) would empty the target: not without a
    // look at the plan.
    let source_empty = deletions > 0 && plan.in_step.is_empty() && plan.copies().next().is_none();
    let mut in_step = unread == 0;

    // The copies, on the transfer engine.
    let requests = plan.transfer_requests(|| BatchId(1), true);
    server.close().await;
    for req in requests {
        let copy_args = CopyArgs {
            connections: u16::try_from(args.connections).unwrap_or(u16::MAX),
            overwrite: true,
            skip_existing: false,
            resume: false,
            verbose: args.verbose,
            quiet: args.quiet,
        };
        let engine = copy::start_engine(connector.clone(), &profile, &copy_args);
        if copy::run_request(engine, None, req, &copy_args, started).await != EXIT_OK {
            in_step = false;
        }
    }
    if deletions > 0 {
        if !in_step {
            eprintln!("wharf: not every copy succeeded: nothing deleted");
        } else if source_empty {
            eprintln!(
                "wharf: the source is empty: refusing to delete everything on the target \
                 (--dry-run shows the plan; delete it with wharf rm or rm if that is meant)"
            );
            in_step = false;
        } else if let Some(max) = too_many {
            eprintln!(
                "wharf: {} would be deleted, more than --max-delete {max}: nothing deleted",
                count(deletions as usize, "entry", "entries")
            );
            in_step = false;
        } else if !delete(&connector, &profile, &plan, &args).await {
            in_step = false;
        }
    }
    if !in_step {
        return EXIT_FAILED;
    }
    if let Some(dir) = args.records.clone() {
        let key = record::RecordKey::new(&profile, &plan.roots);
        let kept = plan.record_after();
        let saved = tokio::task::spawn_blocking(move || record::save(&dir, &key, &kept))
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
        if let Err(e) = saved {
            eprintln!("wharf: the sync record was not kept: {e}");
        }
    }
    if plan.is_in_sync() && !args.quiet {
        eprintln!("{}", summary(&plan));
    }
    EXIT_OK
}

/// Walks both sides and plans; prints each folder that could not be read.
/// Returns the plan and how many folders could not be read.
async fn plan(
    server: &mut Server,
    roots: &SyncRoots,
    options: &SyncOptions,
    args: &MirrorArgs,
) -> Result<(SyncPlan, usize), i32> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let rep = Reporter::new(crate::engine::protocol::RequestId(0), tx);
    let stop = CancellationToken::new();
    let mut unread = 0;
    let mut print = |ev: Event| {
        if let Event::OpEntryFailed { path, error, .. } = ev {
            unread += 1;
            eprintln!(
                "wharf: {} (left out of the mirror)",
                remote_failure(&path.display(), "folder", &error)
            );
        }
    };
    let result = {
        let work = sync::plan(
            &mut server.conns,
            roots,
            options,
            args.records.clone(),
            &rep,
            &stop,
        );
        tokio::pin!(work);
        loop {
            tokio::select! {
                r = &mut work => break r,
                Some(ev) = rx.recv() => print(ev),
            }
        }
    };
    drop(rep);
    while let Ok(ev) = rx.try_recv() {
        print(ev);
    }
    match result {
        Ok(p) => Ok((p, unread)),
        Err(f) => {
            eprintln!("wharf: {}", sanitize(&f.message));
            Err(EXIT_FAILED)
        }
    }
}

/// Runs the plan's deletions (deepest first); false when any failed.
async fn delete(
    connector: &Connector,
    profile: &ConnectProfile,
    plan: &SyncPlan,
    args: &MirrorArgs,
) -> bool {
    let mut ok = true;
    for side in [Side::Local, Side::Remote] {
        let targets = plan.delete_targets(side);
        if targets.is_empty() {
            continue;
        }
        let op = FileOp::Delete { targets };
        let failed = match side {
            Side::Remote => {
                let mut s =
                    match Server::open(connector, profile, args.connections, args.verbose).await {
                        Ok(s) => s,
                        Err(_) => return false,
                    };
                let counts = s.run(op, "file or folder", |_| {}).await;
                s.close().await;
                counts.failed
            }
            Side::Local => {
                let (tx, mut rx) = mpsc::unbounded_channel();
                let rep = Reporter::new(crate::engine::protocol::RequestId(0), tx);
                let stop = CancellationToken::new();
                let rep2 = rep.clone();
                let _ = tokio::task::spawn_blocking(move || local::run(op, &rep2, &stop)).await;
                let counts = rep.counts();
                drop(rep);
                while let Ok(ev) = rx.try_recv() {
                    if let Event::OpEntryFailed { path, error, .. } = ev {
                        eprintln!(
                            "wharf: {}: {}",
                            sanitize(&path.display()),
                            sanitize(&error.message)
                        );
                    }
                }
                counts.failed
            }
        };
        ok &= failed == 0;
    }
    ok
}

/// The glyph and the note a plan line is printed with.
fn shown(line: &PlanLine) -> (char, Option<&'static str>) {
    match line.action {
        Action::Copy { why: Why::New, .. } if line.ticked => ('+', None),
        Action::Copy { .. } if line.ticked => ('*', None),
        Action::Copy {
            why: Why::ZonesDiffer,
            ..
        } => (
            '?',
            Some("equal sizes, times in zones that cannot be compared: left"),
        ),
        Action::Copy {
            why: Why::TimeUnknown,
            ..
        } => ('?', Some("equal sizes, no time to compare: left")),
        Action::Copy { .. } => ('?', Some("unticked: left")),
        Action::Delete { .. } if line.ticked => ('-', None),
        Action::Delete { .. } => ('?', Some("unticked: left")),
        Action::Skip(Skip::Link) => ('!', Some("a link: left")),
        Action::Skip(Skip::NotAFile) => ('!', Some("not a regular file: left")),
        Action::Skip(Skip::KindsDiffer) => {
            ('!', Some("a file on one side, a folder on the other: left"))
        }
        Action::Skip(Skip::OnlyOnTarget) => {
            ('=', Some("only on the target: left (--delete removes it)"))
        }
    }
}

/// Prints the plan, one line per path.
fn print_plan(plan: &SyncPlan) {
    let mut out = std::io::stdout().lock();
    for line in &plan.lines {
        let (glyph, note) = shown(line);
        let slash = if line.kind() == EntryKind::Dir {
            "/"
        } else {
            ""
        };
        let path = sanitize(&line.path.display()).into_owned();
        let _ = match note {
            Some(n) => writeln!(out, "{glyph} {path}{slash}  ({n})"),
            None => writeln!(out, "{glyph} {path}{slash}"),
        };
    }
}

/// One line: what the plan does, or "in sync".
fn summary(plan: &SyncPlan) -> String {
    let c = plan.counts();
    let copies = [c.to_remote, c.to_local];
    let files: u64 = copies.iter().map(|t| t.files).sum();
    let bytes: u64 = copies.iter().map(|t| t.bytes).sum();
    let new = plan
        .copies()
        .filter(|l| matches!(l.action, Action::Copy { why: Why::New, .. }))
        .filter(|l| l.kind() != EntryKind::Dir)
        .count();
    let deletes = c.deletions();
    let extras = plan
        .lines
        .iter()
        .filter(|l| l.action == Action::Skip(Skip::OnlyOnTarget))
        .count();
    if files == 0 && deletes == 0 {
        let mut s = String::from("in sync");
        if extras > 0 {
            s.push_str(&format!(
                "; {} only on the target, left",
                count(extras, "entry", "entries")
            ));
        }
        return s;
    }
    let mut parts = vec![format!(
        "{} new, {} changed ({})",
        new,
        files as usize - new,
        size(bytes)
    )];
    if deletes > 0 {
        parts.push(format!("{deletes} to delete"));
    }
    if extras > 0 {
        parts.push(format!("{extras} only on the target, left"));
    }
    if c.unticked > 0 {
        parts.push(format!("{} left", c.unticked));
    }
    format!("plan: {}", parts.join(", "))
}
