//! Bookmarks as a service the UI talks to by messages. The store's file
//! writes and the keyring calls are blocking I/O (a keyring may even wait
//! for an unlock prompt), so the UI sends a [`BookmarkOp`] and folds the
//! [`BookmarkEvent`]s that come back: a fresh snapshot after every change,
//! an error, a note, a password. One edit at a time, in order, each on a
//! blocking thread. Nothing here is networking: the engine never sees it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::bookmark::{Bookmark, Recent};
use super::commands::account_in_use;
use super::secret;
use super::store::Store;
use crate::engine::protocol::ConnectProfile;

/// Edits of the bookmark file, and keyring look-ups.
#[derive(Debug, Clone)]
pub enum BookmarkOp {
    /// Add (`original: None`) or replace the bookmark named `original`;
    /// a non-empty `password` goes to the keyring.
    Save {
        original: Option<String>,
        bookmark: Bookmark,
        password: Option<String>,
    },
    Remove(String),
    Duplicate(String),
    /// Remember a connection in the recent list (no password kept).
    PushRecent(ConnectProfile),
    /// Set a broken bookmarks file aside (kept as a backup) and start anew.
    StartAfresh,
    /// Fetch a bookmark's password from the keyring (answered by
    /// [`BookmarkEvent::Secret`]).
    LoadPassword {
        bookmark: Bookmark,
    },
}

/// The bookmark file as the UI shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookmarksSnapshot {
    pub list: Vec<Bookmark>,
    pub recent: Vec<Recent>,
    /// Why the file could not be read (named with line and column).
    pub problem: Option<String>,
    /// Saves are refused until the user starts afresh.
    pub locked: bool,
}

/// What the service tells the UI.
#[derive(Debug, Clone)]
pub enum BookmarkEvent {
    /// The file as it is now: sent at start and after every change.
    Snapshot(BookmarksSnapshot),
    /// A change that could not be made, and why.
    Error(String),
    /// A change worth telling the user about.
    Note(String),
    /// A keyring look-up's answer: the password, none stored, or why not.
    Secret {
        name: String,
        result: Result<Option<String>, String>,
    },
}

/// The UI's ends of the service's two channels, and its task.
pub struct BookmarkService {
    pub ops: mpsc::UnboundedSender<BookmarkOp>,
    pub events: mpsc::UnboundedReceiver<BookmarkEvent>,
    pub task: tokio::task::JoinHandle<()>,
}

/// How long [`finish`] waits for the edits still queued.
const FINISH_WITHIN: Duration = Duration::from_secs(3);

/// Starts the service over `store` on the current tokio runtime; its first
/// event is the snapshot. It ends once every sender of ops is dropped and
/// the edits already sent are done.
pub fn spawn(store: Store) -> BookmarkService {
    let (ops, mut rx) = mpsc::unbounded_channel::<BookmarkOp>();
    let (events, events_rx) = mpsc::unbounded_channel();
    let store = Arc::new(Mutex::new(store));
    let _ = events.send(BookmarkEvent::Snapshot(snapshot(&store)));
    let task = tokio::spawn(async move {
        while let Some(op) = rx.recv().await {
            let store = store.clone();
            let events = events.clone();
            // Sequential: each edit sees the previous one's result.
            let _ = tokio::task::spawn_blocking(move || apply(&store, op, &events)).await;
        }
    });
    BookmarkService {
        ops,
        events: events_rx,
        task,
    }
}

/// Waits (briefly) for a service whose senders are all dropped to write
/// what it was sent, such as the last recent connection.
pub async fn finish(task: tokio::task::JoinHandle<()>) {
    let _ = tokio::time::timeout(FINISH_WITHIN, task).await;
}

fn snapshot(store: &Arc<Mutex<Store>>) -> BookmarksSnapshot {
    let s = store.lock().unwrap_or_else(|e| e.into_inner());
    BookmarksSnapshot {
        list: s.bookmarks().to_vec(),
        recent: s.recent().to_vec(),
        problem: s.problem().map(|p| p.to_string()),
        locked: s.is_locked(),
    }
}

type EventTx = mpsc::UnboundedSender<BookmarkEvent>;

/// An operation that changed the file but failed in part (a bookmark
/// saved without its password): the list must show the change, and the
/// status the failure.
struct PartlyDone(String);

fn apply(store: &Arc<Mutex<Store>>, op: BookmarkOp, events: &EventTx) {
    let result: Result<Option<String>, String> = {
        let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
        match op {
            BookmarkOp::LoadPassword { bookmark } => {
                let result = secret::load(&bookmark).map_err(|e| e.to_string());
                let _ = events.send(BookmarkEvent::Secret {
                    name: bookmark.name.clone(),
                    result,
                });
                return;
            }
            BookmarkOp::Save {
                original,
                bookmark,
                password,
            } => match save(&mut s, original, bookmark, password) {
                Ok(note) => Ok(note),
                Err(Ok(PartlyDone(e))) => {
                    drop(s);
                    let _ = events.send(BookmarkEvent::Snapshot(snapshot(store)));
                    let _ = events.send(BookmarkEvent::Error(e));
                    return;
                }
                Err(Err(e)) => Err(e),
            },
            BookmarkOp::Remove(name) => match s.remove(&name) {
                Err(e) => Err(e.to_string()),
                Ok(removed) => {
                    // Its keyring password goes too, unless another bookmark logs in the same way.
                    if !account_in_use(&s, &removed)
                        && let Err(e) = secret::delete(&removed)
                    {
                        tracing::debug!("keyring: {e}");
                    }
                    Ok(Some(format!("Deleted bookmark {name}")))
                }
            },
            BookmarkOp::Duplicate(name) => s
                .duplicate(&name)
                .map(|new| Some(format!("Duplicated {name} as {new}")))
                .map_err(|e| e.to_string()),
            BookmarkOp::PushRecent(profile) => s
                .push_recent(Recent::from_profile(&profile, chrono::Utc::now()))
                .map(|()| None)
                .map_err(|e| e.to_string()),
            BookmarkOp::StartAfresh => s
                .start_afresh()
                .map(|backup| {
                    Some(match backup {
                        Some(b) => format!(
                            "Started a fresh bookmarks file; the old one is kept as {}",
                            b.display()
                        ),
                        None => "Started a fresh bookmarks file".to_string(),
                    })
                })
                .map_err(|e| e.to_string()),
        }
    };
    match result {
        Ok(note) => {
            let _ = events.send(BookmarkEvent::Snapshot(snapshot(store)));
            if let Some(n) = note {
                let _ = events.send(BookmarkEvent::Note(n));
            }
        }
        Err(e) => {
            let _ = events.send(BookmarkEvent::Error(e));
        }
    }
}

/// Adds or replaces a bookmark; its password, if given, goes to the keyring.
/// `Err(Ok(_))`: the bookmark was saved, its password was not.
fn save(
    s: &mut Store,
    original: Option<String>,
    bookmark: Bookmark,
    password: Option<String>,
) -> Result<Option<String>, Result<PartlyDone, String>> {
    let name = bookmark.name.clone();
    let before = original.as_deref().and_then(|o| s.get(o)).cloned();
    let saved = match &original {
        Some(old) => s.edit(old, bookmark.clone()),
        None => s.add(bookmark.clone()),
    };
    // A keyring password follows its bookmark to a new user@host:port.
    if saved.is_ok()
        && let Some(old) = before
        && old.account() != bookmark.account()
    {
        let still_used = account_in_use(s, &old);
        if let Err(e) = secret::rekey(&old, &bookmark, still_used) {
            tracing::warn!("keyring: {e}");
        }
    }
    saved.map_err(|e| Err(e.to_string()))?;
    match password.filter(|p| !p.is_empty()) {
        None => Ok(Some(format!("Saved bookmark {name}"))),
        Some(p) => match secret::store(&bookmark, &p) {
            Ok(()) => Ok(Some(format!(
                "Saved bookmark {name}; its password is in the keyring"
            ))),
            Err(e) => Err(Ok(PartlyDone(format!(
                "Saved bookmark {name}, but not its password: {e}"
            )))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn next(s: &mut BookmarkService) -> BookmarkEvent {
        let ev = tokio::time::timeout(Duration::from_secs(10), s.events.recv()).await;
        match ev {
            Ok(Some(ev)) => ev,
            other => panic!("no event: {other:?}"),
        }
    }

    #[tokio::test]
    async fn edits_come_back_as_snapshots_in_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut service = spawn(Store::load(dir.path()));
        assert!(
            matches!(next(&mut service).await, BookmarkEvent::Snapshot(s) if s.list.is_empty())
        );
        let save = BookmarkOp::Save {
            original: None,
            bookmark: Bookmark::new("work", "ftp.work.example"),
            password: None,
        };
        service.ops.send(save).expect("send");
        service
            .ops
            .send(BookmarkOp::Duplicate("work".into()))
            .expect("send");
        service
            .ops
            .send(BookmarkOp::Remove("nope".into()))
            .expect("send");
        let BookmarkEvent::Snapshot(s) = next(&mut service).await else {
            panic!("no snapshot after a save")
        };
        assert_eq!(s.list.len(), 1);
        assert!(matches!(next(&mut service).await, BookmarkEvent::Note(n) if n.contains("Saved")));
        let BookmarkEvent::Snapshot(s) = next(&mut service).await else {
            panic!("no snapshot after a duplicate")
        };
        assert_eq!(s.list.len(), 2);
        assert!(matches!(next(&mut service).await, BookmarkEvent::Note(_)));
        assert!(matches!(next(&mut service).await, BookmarkEvent::Error(e) if e.contains("nope")));
        // The file holds them, and the service ends with its senders.
        let BookmarkService { ops, task, .. } = service;
        drop(ops);
        finish(task).await;
        assert_eq!(Store::load(dir.path()).bookmarks().len(), 2);
    }

    #[tokio::test]
    async fn a_bookmark_saved_without_its_password_is_in_the_next_snapshot() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut service = spawn(Store::load(dir.path()));
        assert!(matches!(
            next(&mut service).await,
            BookmarkEvent::Snapshot(_)
        ));
        // An anonymous bookmark has no keyring account: the keyring step
        // fails whatever keyring this machine has, after the file is written.
        let save = BookmarkOp::Save {
            original: None,
            bookmark: Bookmark::new("anon", "ftp.example.org"),
            password: Some("secret".into()),
        };
        service.ops.send(save).expect("send");
        let BookmarkEvent::Snapshot(s) = next(&mut service).await else {
            panic!("no snapshot after a save whose password was not kept")
        };
        assert_eq!(s.list.len(), 1);
        assert!(
            matches!(next(&mut service).await, BookmarkEvent::Error(e) if e.contains("not its password"))
        );
    }
}
