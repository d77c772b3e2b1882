//! The engine's dispatcher: the task that takes the UI's commands and
//! hands each to the part that does it (the browse session, local
//! listings on blocking threads, the transfer scheduler, file operations
//! as tasks of their own), and its starter
//! ([`spawn`], then [`EngineHandle::split`]) that keeps what stops it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::error::EngineError;
use super::protocol::{
    Command, ConnectProfile, Event, EventTx, FailureKind, ListingNotes, Location, NameEncoding,
    RequestId, Side,
};
use super::session::Connector;
use super::{browse, fileops, local, sync, transfer};

/// The UI's ends of the two channels.
pub struct EngineHandle {
    pub commands: mpsc::UnboundedSender<Command>,
    pub events: mpsc::UnboundedReceiver<Event>,
    task: tokio::task::JoinHandle<()>,
}

impl EngineHandle {
    /// Asks the engine to close its connections and waits (briefly) for it.
    pub async fn shutdown(self) {
        self.split().2.shutdown().await;
    }

    /// The command sender and the event receiver, to hand to a UI, and
    /// what stops the engine, which its starter keeps.
    pub fn split(
        self,
    ) -> (
        mpsc::UnboundedSender<Command>,
        mpsc::UnboundedReceiver<Event>,
        EngineStop,
    ) {
        let stop = EngineStop {
            commands: self.commands.clone(),
            task: self.task,
        };
        (self.commands, self.events, stop)
    }
}

/// Stops a running engine: see [`EngineHandle::split`].
pub struct EngineStop {
    commands: mpsc::UnboundedSender<Command>,
    task: tokio::task::JoinHandle<()>,
}

impl EngineStop {
    /// Asks the engine to close its connections and waits (briefly) for it.
    pub async fn shutdown(self) {
        let _ = self.commands.send(Command::Shutdown);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), self.task).await;
    }
}

/// How the engine behaves beyond each connection's own profile.
#[derive(Debug, Default)]
pub struct EngineConfig {
    pub transfer: transfer::TransferConfig,
    /// NOOP on an idle browse connection this often (None: never).
    pub keepalive: Option<std::time::Duration>,
    /// Every connection of the engine is opened through it (what one
    /// learns about a server holds for the others).
    pub connector: Connector,
    /// The saved queue's file (`transfer/saved.rs`): where unfinished
    /// transfers are kept when wharf stops. None keeps nothing.
    pub saved_queue: Option<std::path::PathBuf>,
    /// The folder of the sync records (the data folder's `sync/`); none:
    /// syncs compare by size and time alone.
    pub sync_records: Option<std::path::PathBuf>,
}

/// The keepalive interval when none is configured.
pub const DEFAULT_KEEPALIVE: std::time::Duration = std::time::Duration::from_secs(60);

/// Starts the engine on the current tokio runtime, with default settings.
pub fn spawn() -> EngineHandle {
    spawn_configured(EngineConfig {
        keepalive: Some(DEFAULT_KEEPALIVE),
        ..EngineConfig::default()
    })
}

/// Starts the engine with the given transfer settings (others default).
pub fn spawn_with(transfer: transfer::TransferConfig) -> EngineHandle {
    spawn_configured(EngineConfig {
        transfer,
        keepalive: Some(DEFAULT_KEEPALIVE),
        connector: Connector::default(),
        saved_queue: None,
        sync_records: None,
    })
}

/// Starts the engine with the given settings.
pub fn spawn_configured(config: EngineConfig) -> EngineHandle {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(cmd_rx, ev_tx, config));
    EngineHandle {
        commands: cmd_tx,
        events: ev_rx,
        task,
    }
}

async fn run(
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: EventTx,
    config: EngineConfig,
) {
    let mut remote: Option<browse::BrowseHandle> = None;
    // The last ordering asked for each pane: an older one still waiting
    // for a thread is not worth running.
    let newest_order = [Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0))];
    // The server of the remote pane, for file operations' connections.
    let mut profile: Option<ConnectProfile> = None;
    // Running file operations, by request: how to stop each.
    let mut ops: HashMap<RequestId, (CancellationToken, tokio::task::JoinHandle<()>)> =
        HashMap::new();
    let transfers = transfer::spawn(
        events.clone(),
        config.transfer,
        config.connector.clone(),
        config.saved_queue.clone(),
    );
    while let Some(cmd) = commands.recv().await {
        match cmd {
            Command::Connect { conn, profile: to } => {
                let profile = profile.insert(to).clone();
                transfers.send(transfer::Msg::Profile(Some(profile.clone())));
                let old = remote.replace(browse::spawn(
                    conn,
                    profile,
                    config.keepalive,
                    config.connector.clone(),
                    events.clone(),
                ));
                if let Some(old) = old {
                    tokio::spawn(old.close());
                }
            }
            Command::Disconnect => {
                // Running transfers finish on their own connections; no new ones start.
                transfers.send(transfer::Msg::Profile(None));
                profile = None;
                if let Some(old) = remote.take() {
                    tokio::spawn(old.close());
                }
            }
            Command::List {
                req,
                path: Location::Local(path),
            } => {
                let events = events.clone();
                tokio::spawn(async move {
                    let p = path.clone();
                    let result = tokio::task::spawn_blocking(move || local::list(&p))
                        .await
                        .unwrap_or_else(|e| {
                            Err(EngineError::Local {
                                path: path.display().to_string(),
                                reason: format!("listing stopped: {e}"),
                                kind: FailureKind::LocalIo,
                            })
                        });
                    let path = Location::Local(path);
                    let _ = events.send(match result {
                        Ok(entries) => Event::Listing {
                            req,
                            path,
                            entries,
                            // Local names are shown as UTF-8 (others escaped).
                            notes: ListingNotes {
                                encoding: NameEncoding::Utf8,
                                ..ListingNotes::default()
                            },
                        },
                        Err(e) => Event::Failed {
                            req,
                            path,
                            error: e.failure(),
                        },
                    });
                });
            }
            Command::List {
                req,
                path: Location::Remote(path),
            } => match &remote {
                Some(h)
                    if h.send(browse::BrowseRequest::List {
                        req,
                        path: path.clone(),
                    }) => {}
                _ => {
                    let _ = events.send(browse::not_connected(req, path));
                }
            },
            Command::TrustCertificate {
                server,
                fingerprint,
                always,
            } => {
                let trust = config.connector.trust().clone();
                if !always {
                    trust.trust_once(&server, fingerprint);
                    continue;
                }
                // Trusted at once; the file is written on a blocking thread.
                trust.trust_once(&server, fingerprint);
                let events = events.clone();
                tokio::spawn(async move {
                    let kept = tokio::task::spawn_blocking(move || {
                        trust.trust_always(&server, fingerprint)
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    if let Err(reason) = kept {
                        let _ = events.send(Event::TrustNotKept { reason });
                    }
                });
            }
            Command::Arrange(job) => {
                let newest = newest_order[usize::from(job.side == Side::Remote)].clone();
                let ticket = job.ticket.0;
                newest.store(ticket, Ordering::Relaxed);
                let events = events.clone();
                tokio::task::spawn_blocking(move || {
                    let wanted = || newest.load(Ordering::Relaxed) == ticket;
                    if wanted()
                        && let Some(done) = job.run(wanted)
                    {
                        let _ = events.send(Event::Arranged(Box::new(done)));
                    }
                });
            }
            Command::CancelList { req } => {
                // Local listings are quick; only a remote one can be stopped.
                if let Some(h) = &remote {
                    h.send(browse::BrowseRequest::Cancel { req });
                }
            }
            Command::FileOp { req, op } => {
                ops.retain(|_, (_, task)| !task.is_finished());
                let remote = op_remote(&config, &profile);
                ops.insert(req, fileops::spawn(req, op, remote, events.clone()));
            }
            Command::PlanSync {
                req,
                roots,
                options,
            } => {
                ops.retain(|_, (_, task)| !task.is_finished());
                let remote = op_remote(&config, &profile);
                ops.insert(
                    req,
                    sync::spawn_plan(
                        req,
                        roots,
                        options,
                        remote,
                        config.sync_records.clone(),
                        events.clone(),
                    ),
                );
            }
            Command::HashPairs { req, pairs } => {
                ops.retain(|_, (_, task)| !task.is_finished());
                let remote = op_remote(&config, &profile);
                ops.insert(
                    req,
                    sync::hashes::spawn_hash_pairs(req, pairs, remote, events.clone()),
                );
            }
            Command::RecordSync { plan } => {
                tokio::spawn(sync::record::save_after(
                    plan,
                    profile.clone(),
                    config.sync_records.clone(),
                    events.clone(),
                ));
            }
            Command::CancelFileOp { req } => {
                if let Some((cancel, _)) = ops.remove(&req) {
                    cancel.cancel();
                }
            }
            Command::Transfer(req) => transfers.send(transfer::Msg::Request(req)),
            Command::CancelTransfer(id) => transfers.send(transfer::Msg::Cancel(id)),
            Command::CancelAllTransfers => transfers.send(transfer::Msg::CancelAll),
            Command::RetryTransfers(ids) => transfers.send(transfer::Msg::Retry(ids)),
            Command::SuspendTransfers => transfers.send(transfer::Msg::Suspend),
            Command::ResumeSaved { batch } => transfers.send(transfer::Msg::ResumeSaved(batch)),
            Command::DiscardSaved => transfers.send(transfer::Msg::DiscardSaved),
            Command::AnswerSpace { batch, go_on } => {
                transfers.send(transfer::Msg::AnswerSpace { batch, go_on })
            }
            Command::Resolve {
                ask,
                choice,
                for_all,
            } => transfers.send(transfer::Msg::Resolve {
                ask,
                choice,
                for_all,
            }),
            Command::SaveLog { dir, text } => {
                let events = events.clone();
                tokio::spawn(async move {
                    let now = chrono::Local::now().naive_local();
                    let result = tokio::task::spawn_blocking(move || {
                        super::log_file::save(&dir, &text, now)
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    let _ = events.send(Event::LogSaved { result });
                });
            }
            Command::FindInFile {
                req,
                path,
                needle,
                from,
                backward,
            } => {
                let events = events.clone();
                tokio::spawn(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        super::file_search::find(&path, &needle, from, backward)
                            .map_err(|e| e.to_string())
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    let _ = events.send(Event::FoundInFile { req, result });
                });
            }
            Command::Shutdown => break,
        }
    }
    for (cancel, _) in ops.into_values() {
        cancel.cancel();
    }
    transfers.shutdown().await;
    if let Some(r) = remote {
        r.close().await;
    }
}

/// What an operation on connections of its own (a file operation, a
/// sync's planning, checksums) needs: the remote pane's server.
fn op_remote(config: &EngineConfig, profile: &Option<ConnectProfile>) -> fileops::Remote {
    fileops::Remote {
        connector: config.connector.clone(),
        profile: profile.clone(),
        max: config.transfer.connections,
    }
}
