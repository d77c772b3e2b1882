//! One transfer connection. A worker logs in once, then takes file jobs one
//! at a time from the scheduler and reuses its control connection across
//! them. Each job retries transient failures with backoff, resuming where
//! the last attempt stopped; a cancelled job drops the connection (its
//! replies can no longer be trusted to be in step) and the next job opens a
//! fresh one.
//!
//! A worker tells the UI nothing about its job itself: it reports each
//! attempt, retry, progress and the outcome to the scheduler, whose job
//! table alone sends a transfer's state (so a late word from a worker
//! cannot overwrite what the scheduler decided since).

use std::collections::VecDeque;
use std::io::SeekFrom;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncSeekExt;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use super::config::TransferConfig;
use super::disk_space;
use super::file_io::{FileReader, FileWriter, Finish};
use super::job::Outcome;
use super::job::{Job, free_name, local_part_path, part_name};
use crate::engine::checksum;
use crate::engine::error::EngineError;
use crate::engine::protocol::EventTx;
use crate::engine::protocol::RemotePath;
use crate::engine::protocol::{
    ConnectProfile, Digest, Direction, Failure, FailureKind, HashAlgo, Location, ModTime, Name,
    OnExisting, Precision, TransferId, Zone,
};
use crate::engine::session::{Chmod, Connector, Fetch, Session, TransferError};
use crate::engine::wire_log::WireSink;
use crate::text;

/// How long a download stopped for later may take to write what it has.
const KEEP_GRACE: Duration = Duration::from_secs(2);

/// Progress reports per transfer are at most this frequent.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Work handed to a worker.
pub enum Assignment {
    Job {
        job: Job,
        cancel: CancellationToken,
        /// Set before `cancel` when wharf stops with the file unfinished
        /// (quit, disconnect): the partial file is kept for the saved
        /// queue to continue.
        keep_partial: Arc<AtomicBool>,
    },
    /// Hand the logged-in session over to planning (and end): planning
    /// then needs no login of its own, nor a place on a server that limits
    /// connections. The session comes back to the pool after planning.
    Lend(oneshot::Sender<Session>),
}

/// What a worker tells the scheduler. `worker` is the worker's serial
/// number (unique per worker started, unlike its place in the pool).
pub enum Report {
    /// Logged in: ready for jobs (none is handed over before).
    Ready { worker: u64 },
    /// Could not log in; the worker has ended.
    LoginFailed { worker: u64, error: EngineError },
    /// An attempt at job `id` begins (the first, or one after a retry's wait).
    Running { worker: u64, id: TransferId },
    /// An attempt failed transiently; attempt number `attempt` follows
    /// after the backoff.
    Retrying {
        worker: u64,
        id: TransferId,
        attempt: u32,
        reason: Failure,
    },
    /// Bytes of the file now at the target (resumed ones included) and the
    /// rate; at most every `PROGRESS_EVERY` per job, and once at its end.
    Progress {
        worker: u64,
        id: TransferId,
        done: u64,
        rate: u64,
    },
    Finished {
        worker: u64,
        id: TransferId,
        outcome: Outcome,
    },
}

/// A worker's line to the scheduler, labelled with its serial number.
#[derive(Clone)]
struct Reporter {
    worker: u64,
    tx: mpsc::UnboundedSender<Report>,
}

impl Reporter {
    fn send(&self, report: impl FnOnce(u64) -> Report) {
        let _ = self.tx.send(report(self.worker));
    }
}

/// Why one attempt failed, and whether another could succeed.
enum Fail {
    Transient(Failure),
    /// The copy arrived whole but its checksum differs from the server's:
    /// retried like a transient failure, from the first byte (its partial
    /// file is gone).
    Corrupt(Failure),
    Permanent(Failure),
    Skip(String),
}

/// How an attempt that arrived went.
#[derive(Default)]
struct Arrived {
    /// Something the user should know did not go as asked.
    note: Option<String>,
    /// Checked against the server's checksum of this algorithm.
    verified: Option<HashAlgo>,
}

impl Arrived {
    fn outcome(self) -> Outcome {
        match (self.note, self.verified) {
            (None, None) => Outcome::Done,
            (None, Some(algo)) => Outcome::Verified(algo),
            (Some(note), None) => Outcome::DoneWithNote(note),
            (Some(note), Some(algo)) => Outcome::DoneWithNote(format!("verified ({algo}); {note}")),
        }
    }
}

/// A copy whose checksum is not the server's. `in_place`: the file was
/// continued in place (the user chose Resume), so it is the user's and
/// stays: no retry can mend it.
fn mismatch(theirs: &Digest, ours: &Digest, in_place: bool) -> Fail {
    let message = format!(
        "checksum mismatch ({}): the server has {}, the copy has {}",
        theirs.algo,
        theirs.hex(),
        ours.hex()
    );
    if in_place {
        Fail::permanent(
            FailureKind::Checksum,
            format!("{message} (continued in place: left as it is)"),
        )
    } else {
        Fail::Corrupt(Failure::new(FailureKind::Checksum, message))
    }
}

impl Fail {
    /// A failure that retrying will not mend, of `kind`.
    fn permanent(kind: FailureKind, message: impl Into<String>) -> Fail {
        Fail::Permanent(Failure::new(kind, message))
    }
}

impl From<EngineError> for Fail {
    fn from(e: EngineError) -> Fail {
        let failure = e.failure();
        match e {
            EngineError::Reply { code, .. } | EngineError::Refused { code, .. }
                if (400..500).contains(&code) && failure.kind != FailureKind::NoSpace =>
            {
                Fail::Transient(failure)
            }
            EngineError::Timeout { .. }
            | EngineError::ConnectionLost(_)
            | EngineError::Connect { .. }
            | EngineError::Resolve { .. }
            | EngineError::NotConnected => Fail::Transient(failure),
            _ => Fail::Permanent(failure),
        }
    }
}

impl From<TransferError> for Fail {
    fn from(e: TransferError) -> Fail {
        match e {
            TransferError::Remote(e) => e.into(),
            // A full disk or a read-only folder will not heal by retrying.
            TransferError::Local(e) => Fail::Permanent(Failure::local("local file", &e)),
        }
    }
}

fn local_fail(path: &Path, e: std::io::Error) -> Fail {
    Fail::Permanent(Failure::local(&path.display().to_string(), &e))
}

/// What a worker starts with.
pub struct Start {
    /// Its place in the pool (and its label in the protocol log).
    pub index: usize,
    /// Its serial number, for its reports.
    pub serial: u64,
    pub profile: ConnectProfile,
    pub config: TransferConfig,
    /// A connection already logged in (the one that planned), if any.
    pub session: Option<Session>,
}

pub async fn run(
    start: Start,
    connector: Connector,
    mut jobs: mpsc::Receiver<Assignment>,
    reports: mpsc::UnboundedSender<Report>,
    events: EventTx,
) {
    let Start {
        index,
        serial,
        profile,
        config,
        session,
    } = start;
    let sink = WireSink::to_events(events, &format!("[T{}] ", index + 1));
    let mut worker = Worker {
        stop: CancellationToken::new(),
        connector,
        profile,
        config,
        sink,
        reporter: Reporter {
            worker: serial,
            tx: reports.clone(),
        },
        session,
    };
    // Logged in first, jobs after: a worker that cannot get in (a server
    // at its limit of connections, or unreachable) holds no job, and the
    // scheduler decides what its failure means for the pool.
    match &mut worker.session {
        Some(s) => s.relabel(worker.sink.clone()),
        None => match worker
            .connector
            .open(worker.profile.clone(), worker.sink.clone())
            .await
        {
            Ok(s) => worker.session = Some(s),
            Err(error) => {
                let _ = reports.send(Report::LoginFailed {
                    worker: serial,
                    error,
                });
                return;
            }
        },
    }
    if reports.send(Report::Ready { worker: serial }).is_err() {
        return;
    }
    while let Some(assignment) = jobs.recv().await {
        let (job, cancel, keep_partial) = match assignment {
            Assignment::Job {
                job,
                cancel,
                keep_partial,
            } => (job, cancel, keep_partial),
            Assignment::Lend(to) => {
                if let Some(s) = worker.session.take().filter(Session::is_usable) {
                    let _ = to.send(s);
                }
                return;
            }
        };
        let id = job.id;
        worker.stop = cancel.clone();
        // Stopped for later, a download gets a moment to put what came on
        // disk (its partial file is continued next time); a cancel does not.
        let stopped = async {
            cancel.cancelled().await;
            if keep_partial.load(Ordering::SeqCst) {
                tokio::time::sleep(KEEP_GRACE).await;
            }
        };
        let outcome = tokio::select! {
            o = worker.perform(&job) => if cancel.is_cancelled() { None } else { Some(o) },
            _ = stopped => {
                // Mid-transfer replies are now out of step: start afresh.
                worker.session = None;
                None
            }
        };
        // Cancelled, whichever side saw it first (the transfer may have
        // stopped itself on the cancel and written what it had): the
        // partial file goes, unless it is kept for later.
        let outcome = match outcome {
            Some(o) => o,
            None => {
                if !keep_partial.load(Ordering::SeqCst) {
                    worker.discard_partial(&job).await;
                }
                Outcome::Cancelled
            }
        };
        if reports
            .send(Report::Finished {
                worker: serial,
                id,
                outcome,
            })
            .is_err()
        {
            break;
        }
    }
    if let Some(s) = worker.session.take()
        && s.is_usable()
    {
        s.quit().await;
    }
}

struct Worker {
    /// The current job's cancel token (see `receive`).
    stop: CancellationToken,
    connector: Connector,
    profile: ConnectProfile,
    config: TransferConfig,
    sink: WireSink,
    reporter: Reporter,
    session: Option<Session>,
}

/// Where a file is written and from which byte.
struct Target {
    /// The final name.
    final_path: Location,
    /// Written first, renamed to `final_path` when complete (None: write in place).
    part_path: Option<Location>,
    /// Continue an existing target in place (the user chose Resume).
    resume_in_place: bool,
}

impl Worker {
    async fn perform(&mut self, job: &Job) -> Outcome {
        let id = job.id;
        let mut attempt = 0u32;
        // The last attempt's copy was corrupt: start from the first byte.
        let mut afresh = false;
        loop {
            // Each attempt says so: after a retry's wait the file is
            // running again, not still failing.
            self.reporter.send(|worker| Report::Running { worker, id });
            let result = match job.direction {
                Direction::Download => self.download_once(job, attempt, afresh).await,
                Direction::Upload => self.upload_once(job, attempt, afresh).await,
            };
            afresh = matches!(result, Err(Fail::Corrupt(_)));
            match result {
                Ok(arrived) => return arrived.outcome(),
                Err(Fail::Skip(why)) => return Outcome::Skipped(why),
                Err(Fail::Permanent(why)) => return Outcome::Failed(why),
                Err(Fail::Transient(why) | Fail::Corrupt(why)) if attempt < self.config.retries => {
                    attempt += 1;
                    if self.session.as_ref().is_some_and(|s| !s.is_usable()) {
                        self.session = None;
                    }
                    self.reporter.send(|worker| Report::Retrying {
                        worker,
                        id,
                        attempt,
                        reason: why,
                    });
                    tokio::time::sleep(self.config.backoff(attempt)).await;
                }
                Err(Fail::Transient(why) | Fail::Corrupt(why)) => {
                    return Outcome::Failed(Failure {
                        message: format!("{} (gave up after {attempt} retries)", why.message),
                        ..why
                    });
                }
            }
        }
    }

    /// The logged-in session, opened (or reopened) on demand.
    async fn session(&mut self) -> Result<&mut Session, Fail> {
        if self.session.as_ref().is_some_and(|s| !s.is_usable()) {
            self.session = None;
        }
        if self.session.is_none() {
            let s = self
                .connector
                .open(self.profile.clone(), self.sink.clone())
                .await?;
            self.session = Some(s);
        }
        self.session
            .as_mut()
            .ok_or_else(|| Fail::Transient(EngineError::NotConnected.failure()))
    }

    /// Decides where a file goes, given what exists there and the user's
    /// choice. `final_path` is the target as planned; `can_rename` says a
    /// temporary name may be written first.
    fn target(&self, job: &Job, final_path: Location, can_rename: bool) -> Result<Target, Fail> {
        let (Some(dir), Some(name)) = (final_path.parent(), final_path.file_name()) else {
            return Err(Fail::permanent(
                FailureKind::LocalIo,
                format!("{final_path}: no folder or name to write to"),
            ));
        };
        let part = |name: &Name| can_rename.then(|| dir.join(&part_name(name)));
        let Some(existing) = &job.existing else {
            return Ok(Target {
                part_path: part(&name),
                final_path,
                resume_in_place: false,
            });
        };
        match job.on_existing {
            OnExisting::Skip => Err(Fail::Skip("the target exists".into())),
            // Compared at the coarser precision of the two: a listing's
            // minute is not older than the second a copy was written in.
            OnExisting::OverwriteIfNewer => match (job.modified, existing.modified) {
                (Some(src), Some(dst)) if src.compare_coarse(&dst).is_le() => {
                    Err(Fail::Skip("the target is as new or newer".into()))
                }
                _ => Ok(Target {
                    part_path: part(&name),
                    final_path,
                    resume_in_place: false,
                }),
            },
            OnExisting::Resume => Ok(Target {
                final_path,
                part_path: None,
                resume_in_place: true,
            }),
            OnExisting::Rename => {
                let new_name = free_name(&name, &job.taken);
                Ok(Target {
                    final_path: dir.join(&new_name),
                    part_path: part(&new_name),
                    resume_in_place: false,
                })
            }
            // Ask is resolved by the scheduler before a job reaches a worker.
            OnExisting::Overwrite | OnExisting::Ask => Ok(Target {
                part_path: part(&name),
                final_path,
                resume_in_place: false,
            }),
        }
    }

    /// One attempt at a download (`afresh`: from the first byte, whatever
    /// an earlier attempt left).
    async fn download_once(
        &mut self,
        job: &Job,
        attempt: u32,
        afresh: bool,
    ) -> Result<Arrived, Fail> {
        let target = self.target(job, Location::Local(job.local.clone()), true)?;
        let local = |l: &Location| l.as_local().map(Path::to_path_buf);
        let (Some(final_path), Some(dir)) = (
            local(&target.final_path),
            job.local.parent().map(Path::to_path_buf),
        ) else {
            return Err(Fail::permanent(
                FailureKind::LocalIo,
                format!("{}: not a local file", target.final_path),
            ));
        };
        let write_to = target
            .part_path
            .as_ref()
            .and_then(local)
            .unwrap_or_else(|| final_path.clone());

        // Continue what is already there when resuming (one trip to a
        // blocking thread for the folder, the file and its size); a fresh
        // file is made by the writer's own blocking trip.
        let continue_existing =
            target.resume_in_place || (!afresh && (attempt > 0 || job.resume_part));
        let (mut out, offset) = if continue_existing {
            let path = write_to.clone();
            let opened = tokio::task::spawn_blocking(move || {
                std::fs::create_dir_all(&dir).map_err(|e| local_fail(&dir, e))?;
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(false)
                    .open(&path)
                    .map_err(|e| local_fail(&path, e))?;
                let offset = std::io::Seek::seek(&mut file, SeekFrom::End(0))
                    .map_err(|e| local_fail(&path, e))?;
                Ok::<_, Fail>((file, offset))
            })
            .await
            .map_err(|e| Fail::permanent(FailureKind::LocalIo, format!("local file: {e}")))?;
            let (file, offset) = opened?;
            let expected_now = job.size.map(|s| s.saturating_sub(offset));
            (
                FileWriter::new(file, write_to.clone(), expected_now),
                offset,
            )
        } else {
            (FileWriter::create_later(write_to.clone(), dir, job.size), 0)
        };
        if let Some(size) = job.size
            && target.resume_in_place
            && offset >= size
        {
            return if offset == size {
                Err(Fail::Skip("already complete".into()))
            } else {
                Err(Fail::permanent(
                    FailureKind::Exists,
                    "the target is larger than the source: not resumed",
                ))
            };
        }

        let received = self.receive(job, offset, &mut out).await;
        let modified = match received {
            Ok(m) => m,
            Err(f) => {
                // Every byte that arrived goes to disk: a retry resumes
                // from the file's size.
                let _ = out.close().await;
                return Err(self.if_disk_full(job, &write_to, &target, f).await);
            }
        };
        // The server's checksum of the source, asked on this connection
        // once the transfer's 226 is read.
        let theirs = if job.verify {
            self.session().await?.file_hash(&job.remote).await?
        } else {
            None
        };
        // A file that replaces another through a temporary name keeps the
        // replaced one's mode (a script stays executable).
        let replaces = target.part_path.is_some() && final_path == job.local;
        let rename_to = target.part_path.is_some().then(|| final_path.clone());
        // Write the rest, set the time and mode, and give the file its name
        // (unless it is checked first), in one trip to a blocking thread.
        let (written, not_done) = out
            .finish(Finish {
                modified: modified.map(|t| t.to_system()),
                mode: job.existing_mode.filter(|_| replaces),
                rename_to: rename_to.clone().filter(|_| theirs.is_none()),
            })
            .await;
        if let Err(e) = written {
            let f = Fail::Permanent(Failure::local(&final_path.display().to_string(), &e));
            return Err(self.if_disk_full(job, &write_to, &target, f).await);
        }
        let verified = match theirs {
            None => None,
            Some(theirs) => {
                let ours = checksum::hash_file(write_to.clone(), theirs.algo)
                    .await
                    .map_err(|e| local_fail(&write_to, e))?;
                if ours != theirs {
                    // The target keeps what it had; a retry starts afresh.
                    if target.part_path.is_some() {
                        let _ = tokio::fs::remove_file(&write_to).await;
                    }
                    return Err(mismatch(&theirs, &ours, target.resume_in_place));
                }
                if let Some(to) = &rename_to {
                    tokio::fs::rename(&write_to, to)
                        .await
                        .map_err(|e| local_fail(to, e))?;
                }
                Some(theirs.algo)
            }
        };
        if let Some(e) = not_done.time {
            // The data is fine; a time that cannot be set is not worth failing over.
            self.sink.info(format!(
                "could not set the time of {}: {e}",
                target.final_path
            ));
        }
        let note = not_done.mode.map(|e| {
            self.sink.info(format!(
                "could not give {} the mode of the file it replaced: {e}",
                target.final_path
            ));
            format!("kept the default mode: {e}")
        });
        if job.move_after {
            let session = self.session().await?;
            session.delete(&job.remote).await.map_err(|e| {
                Fail::Permanent(
                    e.failure()
                        .context("copied, but the source was not deleted"),
                )
            })?;
        }
        Ok(Arrived { note, verified })
    }

    /// The network half of a download: the data into `out`, checked
    /// against the expected size, and the time the file should get.
    async fn receive(
        &mut self,
        job: &Job,
        offset: u64,
        out: &mut FileWriter,
    ) -> Result<Option<ModTime>, Fail> {
        let mut progress = Progress::new(job.id, offset, self.reporter.clone());
        let stop = self.stop.clone();
        let session = self.session().await?;
        // A listing's time is exact when it was MLSD (the plan may not have
        // asked the server: this session knows); otherwise MDTM, asked in
        // the same write as the transfer.
        let exact = job.modified_exact || session.info().uses_mlsd;
        let fetch = Fetch {
            want_time: !exact,
            // A move deletes the source: not before the server's last word.
            expect: job
                .size
                .filter(|_| !job.move_after)
                .map(|s| s.saturating_sub(offset)),
        };
        // Stopped for later (quit, disconnect): the bytes that came stay
        // with `out`, which the caller writes to the partial file.
        let mut on_bytes = |n| progress.update(n);
        let fetched = tokio::select! {
            r = session.download(&job.remote, offset, fetch, out, &mut on_bytes) => r?,
            _ = stop.cancelled() => {
                return Err(Fail::permanent(FailureKind::Cancelled, "stopped"));
            }
        };
        progress.finish();
        let total = offset + fetched.bytes;
        let expected = match job.size {
            Some(s) => Some(s),
            None => session.size(&job.remote).await?,
        };
        match expected {
            Some(e) if total < e => {
                return Err(Fail::Transient(Failure::new(
                    FailureKind::Connection,
                    format!("the transfer stopped at {total} of {e} bytes"),
                )));
            }
            Some(e) if total > e => {
                return Err(Fail::permanent(
                    FailureKind::Protocol,
                    format!("received {total} bytes, more than the {e} the server announced"),
                ));
            }
            _ => {}
        }
        Ok(if exact {
            job.modified
        } else {
            fetched
                .modified
                .map(|t| ModTime::utc(t, Precision::Second))
                .or(job.modified)
        })
    }

    /// One attempt at an upload; `afresh` as for downloads.
    async fn upload_once(
        &mut self,
        job: &Job,
        attempt: u32,
        afresh: bool,
    ) -> Result<Arrived, Fail> {
        let target = self.target(job, Location::Remote(job.remote.clone()), true)?;
        let remote = |l: &Location| l.as_remote().cloned();
        let Some(final_path) = remote(&target.final_path) else {
            return Err(Fail::permanent(
                FailureKind::Protocol,
                format!("{}: not a remote file", target.final_path),
            ));
        };
        let part_path = target.part_path.as_ref().and_then(remote);
        let mut file = tokio::fs::File::open(&job.local)
            .await
            .map_err(|e| local_fail(&job.local, e))?;
        let size = file
            .metadata()
            .await
            .map_err(|e| local_fail(&job.local, e))?
            .len();
        let write_to = part_path.clone().unwrap_or_else(|| final_path.clone());
        let reporter = self.reporter.clone();
        let session = self.session().await?;
        let offset = if target.resume_in_place {
            job.existing.as_ref().and_then(|e| e.size).unwrap_or(0)
        } else if !afresh && (attempt > 0 || job.resume_part) {
            session.size(&write_to).await?.unwrap_or(0)
        } else {
            0
        };
        if offset > size {
            return Err(Fail::permanent(
                FailureKind::Exists,
                "the target is larger than the source: not resumed",
            ));
        }
        if target.resume_in_place && offset == size {
            return Err(Fail::Skip("already complete".into()));
        }
        let append = offset > 0 && !session.has_feature("REST");
        file.seek(SeekFrom::Start(offset))
            .await
            .map_err(|e| local_fail(&job.local, e))?;
        let mut input = FileReader::new(file.into_std().await);
        let mut progress = Progress::new(job.id, offset, reporter);
        session
            .upload(&write_to, offset, append, &mut input, &mut |n| {
                progress.update(n)
            })
            .await?;
        progress.finish();
        if session.has_feature("SIZE")
            && let Some(there) = session.size(&write_to).await?
            && there != size
        {
            return Err(Fail::Transient(Failure::new(
                FailureKind::Connection,
                format!("the server has {there} of {size} bytes"),
            )));
        }
        // The server's checksum of what it stored, before the file takes
        // its name.
        let theirs = if job.verify {
            session.file_hash(&write_to).await?
        } else {
            None
        };
        let verified = match theirs {
            None => None,
            Some(theirs) => {
                let ours = checksum::hash_file(job.local.clone(), theirs.algo)
                    .await
                    .map_err(|e| local_fail(&job.local, e))?;
                if ours != theirs {
                    // The target keeps what it had; a retry starts afresh.
                    if part_path.is_some() {
                        let _ = session.delete(&write_to).await;
                    }
                    return Err(mismatch(&theirs, &ours, target.resume_in_place));
                }
                Some(theirs.algo)
            }
        };
        if let Some(part) = &part_path
            && let Err(first) = session.rename(part, &final_path).await
        {
            if !session.is_usable() {
                return Err(first.into());
            }
            // Some servers will not rename over an existing file.
            let _ = session.delete(&final_path).await;
            session.rename(part, &final_path).await.map_err(|e| {
                Fail::Permanent(e.failure().context(format!(
                    "uploaded as {part}, but the server refused to rename it"
                )))
            })?;
        }
        // The new file has the server's default mode: a replaced one gets
        // its own back (a CGI script stays executable).
        let note = match job.existing_mode {
            Some(mode) if part_path.is_some() && final_path == job.remote => {
                self.restore_mode(&final_path, mode).await
            }
            _ => None,
        };
        // MFMT (or MDTM with a time) takes UTC: a time whose zone is
        // unknown is not sent. (The file is in place: a connection lost by
        // now fails nothing.)
        if let Some(t) = job.modified.filter(|t| t.zone() == Zone::Utc)
            && let Some(session) = self.session.as_mut().filter(|s| s.is_usable())
            && let Err(e) = session.set_time(&final_path, t.naive()).await
        {
            self.sink
                .info(format!("could not set the time of {final_path}: {e}"));
        }
        if job.move_after {
            tokio::fs::remove_file(&job.local).await.map_err(|e| {
                Fail::Permanent(
                    Failure::local(&job.local.display().to_string(), &e)
                        .context("copied, but the source was not deleted"),
                )
            })?;
        }
        Ok(Arrived { note, verified })
    }

    /// Gives an uploaded file that replaced another the mode that one had
    /// (`SITE CHMOD`). A server without the command, or one that refuses
    /// it, does not fail the transfer: the note for its row says so, and
    /// the protocol log (once per server for a missing command).
    async fn restore_mode(&mut self, path: &RemotePath, mode: u32) -> Option<String> {
        let session = self.session.as_mut()?;
        match session.site_chmod(path, mode).await {
            Ok(Chmod::Done) => None,
            Ok(Chmod::Unsupported { first }) => {
                if first {
                    self.sink.info(format!(
                        "the server has no SITE CHMOD: {path} kept the server's default mode"
                    ));
                }
                Some("kept the server's default mode (the server has no SITE CHMOD)".into())
            }
            Err(e) => {
                self.sink.info(format!(
                    "SITE CHMOD {mode:o} {path} refused: {path} kept the server's default mode"
                ));
                Some(format!("kept the server's default mode (SITE CHMOD: {e})"))
            }
        }
    }

    /// A download that filled the local disk: its partial file goes (it
    /// would only make every following file fail too, and a retry cannot
    /// continue it before room is made), and the message says how much the
    /// file needs and how much is free. Other failures pass unchanged. A
    /// file continued in place (the user chose Resume) is the user's and
    /// stays.
    async fn if_disk_full(&self, job: &Job, written: &Path, target: &Target, f: Fail) -> Fail {
        let (Fail::Permanent(failure) | Fail::Transient(failure)) = &f else {
            return f;
        };
        // A 452 from the server is about its disk, not ours.
        if failure.kind != FailureKind::NoSpace || failure.code.is_some() {
            return f;
        }
        let part = target.part_path.is_some().then(|| written.to_path_buf());
        let folder = written.parent().map(Path::to_path_buf).unwrap_or_default();
        let shown = folder.clone();
        let free = tokio::task::spawn_blocking(move || {
            if let Some(part) = part {
                let _ = std::fs::remove_file(part);
            }
            disk_space::free_on(&folder)
        })
        .await
        .ok()
        .flatten();
        let needs = job
            .size
            .map(|s| format!("{} needs {}", job.display, text::size(s)))
            .unwrap_or_else(|| job.display.clone());
        let free = free
            .map(|b| format!(", {} free", text::size(b)))
            .unwrap_or_default();
        let message = format!(
            "no space left on the disk of {}: {needs}{free}",
            shown.display()
        );
        self.sink.info(message.clone());
        Fail::Permanent(Failure::new(FailureKind::NoSpace, message))
    }

    /// After a cancel: a partial download under its temporary name is
    /// removed; the real target was never touched.
    async fn discard_partial(&mut self, job: &Job) {
        if job.direction == Direction::Download
            && let Some(part) = local_part_path(&job.local)
        {
            let _ = tokio::fs::remove_file(part).await;
        }
    }
}

/// The rate is measured over about this long: long enough to be steady,
/// short enough that a stall shows (the ETA is not drawn from a speed the
/// server no longer has).
const RATE_WINDOW: Duration = Duration::from_secs(2);
/// …and over no less than this, so that the first bytes of a transfer do
/// not make a wild rate (and an ETA of 0:00 for a file half done).
const RATE_MIN_SPAN: Duration = Duration::from_millis(500);

/// Reports throttled progress for one transfer: at most every
/// `PROGRESS_EVERY`, with the total at that moment. The session calls
/// `update` on every read and on a beat while the network is quiet, so the
/// bytes that came last are reported within a beat, not only when the next
/// ones come.
struct Progress {
    id: TransferId,
    base: u64,
    last_sent: Option<Instant>,
    done: u64,
    /// (when, bytes this attempt) at each report, over `RATE_WINDOW`.
    samples: VecDeque<(Instant, u64)>,
    reporter: Reporter,
}

impl Progress {
    fn new(id: TransferId, base: u64, reporter: Reporter) -> Self {
        reporter.send(|worker| Report::Progress {
            worker,
            id,
            done: base,
            rate: 0,
        });
        Progress {
            id,
            base,
            last_sent: None,
            done: 0,
            samples: VecDeque::from([(Instant::now(), 0)]),
            reporter,
        }
    }

    fn update(&mut self, done: u64) {
        self.done = done;
        let now = Instant::now();
        if self
            .last_sent
            .is_none_or(|t| now.duration_since(t) >= PROGRESS_EVERY)
        {
            self.last_sent = Some(now);
            self.send(now);
        }
    }

    fn finish(&mut self) {
        self.send(Instant::now());
    }

    fn send(&mut self, now: Instant) {
        let rate = rate_over_window(&mut self.samples, now, self.done);
        self.reporter.send(|worker| Report::Progress {
            worker,
            id: self.id,
            done: self.base + self.done,
            rate,
        });
    }
}

/// Bytes per second over the last `RATE_WINDOW` (from the newest sample
/// at least that old, else the first), recording `(now, done)`.
fn rate_over_window(samples: &mut VecDeque<(Instant, u64)>, now: Instant, done: u64) -> u64 {
    while samples
        .get(1)
        .is_some_and(|(t, _)| now.duration_since(*t) >= RATE_WINDOW)
    {
        samples.pop_front();
    }
    let (since, then) = samples.front().copied().unwrap_or((now, done));
    samples.push_back((now, done));
    let span = now.duration_since(since).max(RATE_MIN_SPAN).as_secs_f64();
    (done.saturating_sub(then) as f64 / span) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_recent_and_falls_when_nothing_comes() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut samples = VecDeque::from([(t0, 0)]);
        // The first bytes: measured over at least RATE_MIN_SPAN.
        assert_eq!(rate_over_window(&mut samples, at(10), 1000), 2000);
        // A steady 1000 bytes a second.
        let mut rate = 0;
        for s in 1..=4u64 {
            rate = rate_over_window(&mut samples, at(s * 1000), s * 1000);
        }
        assert_eq!(rate, 1000);
        // Then nothing for longer than the window: 0, not an average since
        // the start.
        rate_over_window(&mut samples, at(5000), 4000);
        assert_eq!(rate_over_window(&mut samples, at(6500), 4000), 0);
        assert!(samples.len() <= 4, "{samples:?}");
    }
}
