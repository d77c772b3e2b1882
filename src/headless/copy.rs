//! Follows one transfer request through the engine: answers its questions
//! (an existing target is refused unless a flag says otherwise), draws the
//! progress, and ends with a summary and the exit status.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::progress::{self, Bars};
use super::shared::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, wire_line};
use crate::cli::CopyArgs;
use crate::engine::protocol::{
    BatchId, ConnectProfile, Event, Failure, FailureKind, Location, OnExisting, TransferId,
    TransferItem, TransferRequest, TransferState,
};
use crate::engine::session::{Connector, Session};
use crate::engine::transfer::{self, Msg, TransferConfig, TransferHandle};
use crate::text::{count, sanitize, thousands};

/// Why a file is refused when no flag says what to do with an existing target.
pub const EXISTS: &str = "exists (use --overwrite, --skip-existing or --resume)";

/// How many refused names one summary line names.
const REFUSED_NAMED: usize = 3;

/// After Ctrl-C, how long running transfers get to stop and tidy up.
const CANCEL_GRACE: Duration = Duration::from_secs(5);

/// What to copy where: one request for the engine.
pub struct Copy {
    pub items: Vec<TransferItem>,
    /// Local for downloads, remote (absolute) for uploads.
    pub target_dir: Location,
}

#[derive(Default)]
struct File {
    name: String,
    /// As the engine knows it (`None`: the server has no SIZE).
    size: Option<u64>,
    /// Bytes at the target when this run started on it (a resumed prefix).
    first: Option<u64>,
    done: u64,
    state: Option<TransferState>,
    /// The target existed and no flag allowed touching it.
    refused: bool,
}

/// What came back from the engine.
#[derive(Default)]
struct Outcome {
    files: HashMap<TransferId, File>,
    /// Entries left out while walking, with why.
    left_out: Vec<String>,
    /// The batch could not start at all.
    error: Option<Failure>,
    interrupted: bool,
}

/// The engine's transfer half, which is all a copy needs: the UI's
/// dispatcher would also open a browse connection, a login (43 ms of
/// vsftpd's CPU) that nothing here would use.
pub struct Engine {
    /// The look-up session is opened through it too: what it learns about
    /// the server holds for the transfer connections.
    pub connector: Connector,
    transfers: TransferHandle,
    events: mpsc::UnboundedReceiver<Event>,
}

impl Engine {
    pub async fn shutdown(self) {
        self.transfers.shutdown().await;
    }
}

/// Starts the transfer engine. It opens no connection yet: the one that
/// looks at the URL plans the copy and then carries files, and the others
/// log in while it plans (a login is the slowest step there is, and on a
/// two-core machine a second one at the same time slows the first).
pub fn start_engine(connector: Connector, profile: &ConnectProfile, args: &CopyArgs) -> Engine {
    let config = TransferConfig {
        connections: usize::from(args.connections),
        ..TransferConfig::default()
    };
    let (tx, events) = mpsc::unbounded_channel();
    let transfers = transfer::spawn(tx, config, connector.clone(), None);
    transfers.send(Msg::Profile(Some(profile.clone())));
    Engine {
        connector,
        transfers,
        events,
    }
}

/// Runs the copy on the engine (from [`start_engine`]) and returns the exit
/// status. `session`, the one that looked at the URL, plans the copy.
pub async fn run(
    engine: Engine,
    session: Option<Session>,
    copy: Copy,
    args: &CopyArgs,
    started: Instant,
) -> i32 {
    let req = TransferRequest {
        batch: BatchId(1),
        items: copy.items,
        target_dir: copy.target_dir,
        on_existing: args.on_existing().unwrap_or(OnExisting::Ask),
        move_after: false,
        folders: Vec::new(),
        verify: false,
    };
    run_request(engine, session, req, args, started).await
}

/// Runs one transfer request to its end (as [`run`]; `wharf mirror`'s
/// copies come planned).
pub async fn run_request(
    mut engine: Engine,
    session: Option<Session>,
    req: TransferRequest,
    args: &CopyArgs,
    started: Instant,
) -> i32 {
    let mut bars = (!args.quiet && std::io::stderr().is_terminal()).then(Bars::new);
    let batch = req.batch;
    let send = |engine: &Engine, m: Msg| engine.transfers.send(m);
    if let Some(s) = session {
        send(&engine, Msg::PlanOn(Box::new(s)));
    }
    send(&engine, Msg::Request(req));

    let print = |bars: &Option<Bars>, line: String| match bars {
        Some(b) => b.println(&line),
        None => eprintln!("{line}"),
    };
    let mut out = Outcome::default();
    let mut total_done = 0u64;
    let mut give_up_at: Option<tokio::time::Instant> = None;
    // Ctrl-C cancels the transfers, so no partial file stays behind.
    let mut interrupts =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    // The bars are drawn on this beat, all together (see progress.rs).
    let mut frames = tokio::time::interval(progress::FRAME);
    frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let ev = tokio::select! {
            ev = engine.events.recv() => ev,
            _ = frames.tick(), if bars.is_some() => {
                if let Some(bars) = &mut bars {
                    bars.draw();
                }
                continue;
            }
            _ = interrupted(&mut interrupts) => {
                if out.interrupted {
                    // Asked twice: stop waiting for the tidy-up.
                    break;
                }
                out.interrupted = true;
                send(&engine, Msg::CancelAll);
                give_up_at = Some(tokio::time::Instant::now() + CANCEL_GRACE);
                continue;
            }
            _ = crate::timer::sleep_until(give_up_at) => break,
        };
        let Some(ev) = ev else {
            out.error = Some(Failure::new(FailureKind::Protocol, "the engine stopped"));
            break;
        };
        match ev {
            Event::Wire { dir, text, .. } if args.verbose => print(&bars, wire_line(dir, &text)),
            Event::BatchQueued {
                batch: b,
                files,
                bytes,
                skipped,
            } if b == batch => {
                if let Some(bars) = &mut bars {
                    bars.queued(files, bytes);
                }
                out.left_out = skipped;
                if out.interrupted {
                    // Walking was still under way when Ctrl-C came.
                    send(&engine, Msg::CancelAll);
                }
            }
            Event::TransferQueued { id, name, size, .. } => {
                out.files.insert(
                    id,
                    File {
                        name,
                        size,
                        ..File::default()
                    },
                );
            }
            Event::TransferState { id, state } => {
                let Some(f) = out.files.get_mut(&id) else {
                    continue;
                };
                let was_running = matches!(
                    f.state,
                    Some(TransferState::Running | TransferState::Retrying { .. })
                );
                match &state {
                    // Each attempt runs anew: the file's bar is there already.
                    TransferState::Running if was_running => {}
                    TransferState::Running => {
                        if let Some(bars) = &mut bars {
                            bars.started(id, &f.name, f.size);
                        }
                    }
                    TransferState::Retrying {
                        attempt, reason, ..
                    } if args.verbose || bars.is_some() => {
                        print(
                            &bars,
                            format!(
                                "wharf: {}: {}; retry {attempt}",
                                sanitize(&f.name),
                                sanitize(&reason.message)
                            ),
                        );
                    }
                    s if s.is_finished() => {
                        if let Some(bars) = &mut bars {
                            bars.finished(id);
                        }
                    }
                    _ => {}
                }
                f.state = Some(state);
            }
            Event::TransferProgress { id, done, .. } => {
                let Some(f) = out.files.get_mut(&id) else {
                    continue;
                };
                f.first.get_or_insert(done);
                total_done = (total_done + done).saturating_sub(f.done);
                f.done = done;
                if let Some(bars) = &mut bars {
                    bars.progress(id, done, total_done);
                }
            }
            Event::Conflict { ask, id, .. } => {
                // Only asked when no flag was given: refuse, and say so at the end.
                if let Some(f) = out.files.get_mut(&id) {
                    f.refused = true;
                }
                send(
                    &engine,
                    Msg::Resolve {
                        ask,
                        choice: OnExisting::Skip,
                        for_all: false,
                    },
                );
            }
            Event::NotEnoughSpace {
                batch: b,
                folder,
                needed,
                free,
            } if b == batch => {
                // Nobody to ask: a copy that cannot fit is not started,
                // rather than stopped when the disk is full.
                send(
                    &engine,
                    Msg::AnswerSpace {
                        batch,
                        go_on: false,
                    },
                );
                out.error = Some(Failure::new(
                    FailureKind::NoSpace,
                    format!(
                        "not started: the download needs {}, and {} has {} free",
                        crate::text::size(needed),
                        folder.display(),
                        crate::text::size(free)
                    ),
                ));
                break;
            }
            Event::BatchFailed { batch: b, error } if b == batch => {
                out.error = Some(error);
                break;
            }
            Event::BatchDone { batch: b, .. } if b == batch => break,
            _ => {}
        }
    }
    if let Some(bars) = bars {
        bars.clear();
    }
    engine.shutdown().await;
    report(&out, started.elapsed(), args.quiet)
}

async fn interrupted(signal: &mut Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// Prints what did not arrive and the summary; returns the exit status.
fn report(out: &Outcome, elapsed: Duration, quiet: bool) -> i32 {
    if let Some(error) = &out.error {
        eprintln!("wharf: {}", sanitize(&error.message));
        return EXIT_FAILED;
    }
    let mut files: Vec<&File> = out.files.values().collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let (mut done, mut bytes, mut moved) = (0usize, 0u64, 0u64);
    let (mut failed, mut exist, mut complete, mut cancelled) = (0usize, 0usize, 0usize, 0usize);
    let mut refused = Vec::new();
    // Files that arrived with a note, by note: said once per note.
    let mut noted: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for f in &files {
        let name = sanitize(&f.name);
        match &f.state {
            Some(state) if state.is_done() => {
                if let TransferState::DoneWithNote(note) = state {
                    noted
                        .entry(note.as_str())
                        .or_default()
                        .push(name.to_string());
                }
                done += 1;
                bytes += f.done;
                // The rate counts what this run moved (not a resumed prefix).
                moved += f.done.saturating_sub(f.first.unwrap_or(f.done));
            }
            Some(TransferState::Skipped(_)) if f.refused => {
                failed += 1;
                refused.push(name);
            }
            Some(TransferState::Skipped(why)) if why == "already complete" => complete += 1,
            Some(TransferState::Skipped(_)) => exist += 1,
            Some(TransferState::Failed(why)) => {
                failed += 1;
                eprintln!("wharf: {name}: {}", sanitize(&why.message));
            }
            Some(TransferState::Cancelled) | None => cancelled += 1,
            Some(_) => cancelled += 1,
        }
    }
    for (note, names) in &noted {
        match names.as_slice() {
            [one] => eprintln!("wharf: {one}: {}", sanitize(note)),
            more => eprintln!("wharf: {} files: {}", thousands(more.len()), sanitize(note)),
        }
    }
    if let Some(line) = refused_line(&refused) {
        eprintln!("wharf: {line}");
    }
    for why in &out.left_out {
        eprintln!("wharf: left out: {}", sanitize(why));
    }
    if !quiet {
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { moved as f64 / secs } else { 0.0 };
        let mut line = format!(
            "{}, {} in {} ({}/s)",
            count(done, "file", "files"),
            human_bytes(bytes as f64),
            human_secs(secs),
            human_bytes(rate)
        );
        for (n, what) in [
            (complete, "already complete"),
            (exist, "skipped (exist)"),
            (failed, "failed"),
            (cancelled, "cancelled"),
            (out.left_out.len(), "left out"),
        ] {
            if n > 0 {
                line.push_str(&format!(", {} {what}", thousands(n)));
            }
        }
        eprintln!("{line}");
    }
    if out.interrupted {
        EXIT_INTERRUPTED
    } else if failed > 0 || cancelled > 0 || !out.left_out.is_empty() {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

/// What to say of the files refused because they exist: one file by its
/// name; more in one line (a tree copied again would print a line per
/// file), naming the first few.
fn refused_line(names: &[impl AsRef<str>]) -> Option<String> {
    match names {
        [] => None,
        [one] => Some(format!("{}: {EXISTS}", one.as_ref())),
        _ => {
            let mut named: Vec<&str> = names
                .iter()
                .take(REFUSED_NAMED)
                .map(AsRef::as_ref)
                .collect();
            if names.len() > REFUSED_NAMED {
                named.push("…");
            }
            Some(format!(
                "{} files exist ({}); use --overwrite, --skip-existing or --resume",
                thousands(names.len()),
                named.join(", ")
            ))
        }
    }
}

/// `3.4 MiB`, `512 B`.
fn human_bytes(n: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = n;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `1.2 s`, `0.35 s`, `2 min 5 s`.
fn human_secs(s: f64) -> String {
    if s < 1.0 {
        format!("{s:.2} s")
    } else if s < 120.0 {
        format!("{s:.1} s")
    } else {
        let whole = s.round() as u64;
        format!("{} min {} s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_figures() {
        assert_eq!(human_bytes(512.0), "512 B");
        assert_eq!(human_bytes(3.4 * 1024.0 * 1024.0), "3.4 MiB");
        assert_eq!(human_bytes(1024.0 * 1024.0 * 1024.0), "1.0 GiB");
        assert_eq!(human_secs(1.234), "1.2 s");
        assert_eq!(human_secs(0.345), "0.34 s");
        assert_eq!(human_secs(125.0), "2 min 5 s");
    }

    fn file(name: &str, state: TransferState, refused: bool) -> File {
        File {
            name: name.into(),
            size: Some(10),
            first: Some(0),
            done: 10,
            state: Some(state),
            refused,
        }
    }

    #[test]
    fn existing_targets_are_named_one_by_one_or_summed_up() {
        assert_eq!(refused_line(&[] as &[&str]), None);
        assert_eq!(
            refused_line(&["t/f.bin"]).as_deref(),
            Some("t/f.bin: exists (use --overwrite, --skip-existing or --resume)")
        );
        assert_eq!(
            refused_line(&["a", "b"]).as_deref(),
            Some("2 files exist (a, b); use --overwrite, --skip-existing or --resume")
        );
        let many: Vec<String> = (0..2000).map(|i| format!("f{i:04}")).collect();
        assert_eq!(
            refused_line(&many).as_deref(),
            Some(
                "2,000 files exist (f0000, f0001, f0002, …); use --overwrite, --skip-existing or --resume"
            )
        );
    }

    #[test]
    fn exit_status_is_zero_only_when_everything_arrived() {
        let mut out = Outcome::default();
        out.files
            .insert(TransferId(1), file("a", TransferState::Done, false));
        out.files.insert(
            TransferId(2),
            file(
                "b",
                TransferState::Skipped("the target exists".into()),
                false,
            ),
        );
        out.files.insert(
            TransferId(3),
            file(
                "c",
                TransferState::Skipped("already complete".into()),
                false,
            ),
        );
        assert_eq!(report(&out, Duration::from_secs(1), true), EXIT_OK);

        out.files.insert(
            TransferId(4),
            file(
                "d",
                TransferState::Skipped("the target exists".into()),
                true,
            ),
        );
        assert_eq!(report(&out, Duration::from_secs(1), true), EXIT_FAILED);
        out.files.remove(&TransferId(4));

        out.left_out.push("x: a link to a folder, skipped".into());
        assert_eq!(report(&out, Duration::from_secs(1), true), EXIT_FAILED);
        out.left_out.clear();

        out.interrupted = true;
        assert_eq!(report(&out, Duration::from_secs(1), true), EXIT_INTERRUPTED);
    }
}
