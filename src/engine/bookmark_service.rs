//! Bookmarks on the engine side: the store's file writes and the keyring
//! calls are blocking I/O, so the UI sends edits here and gets a fresh
//! snapshot (or an error) back. One edit at a time, in order.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::EventTx;
use super::protocol::{BookmarkOp, BookmarksSnapshot, Event};
use crate::bookmarks::{Protocol, Recent, Store, secret};

/// Starts the service over `store` and sends the first snapshot.
pub fn spawn(store: Store, events: EventTx) -> mpsc::UnboundedSender<BookmarkOp> {
    let (tx, mut rx) = mpsc::unbounded_channel::<BookmarkOp>();
    let store = Arc::new(Mutex::new(store));
    let _ = events.send(Event::Bookmarks(snapshot(&store)));
    tokio::spawn(async move {
        while let Some(op) = rx.recv().await {
            let store = store.clone();
            let events = events.clone();
            // Sequential: each edit sees the previous one's result.
            let _ = tokio::task::spawn_blocking(move || apply(&store, op, &events)).await;
        }
    });
    tx
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

fn apply(store: &Arc<Mutex<Store>>, op: BookmarkOp, events: &EventTx) {
    let say_error = |text: String| {
        let _ = events.send(Event::BookmarkError(text));
    };
    let result: Result<Option<String>, String> = {
        let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
        match op {
            BookmarkOp::LoadPassword { bookmark } => {
                let result = secret::load(&bookmark).map_err(|e| e.to_string());
                let _ = events.send(Event::Secret {
                    name: bookmark.name.clone(),
                    result,
                });
                return;
            }
            BookmarkOp::Save {
                original,
                bookmark,
                password,
            } => {
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
                    let still_used = crate::bookmarks::commands::account_in_use(&s, &old);
                    if let Err(e) = secret::rekey(&old, &bookmark, still_used) {
                        tracing::warn!("keyring: {e}");
                    }
                }
                match saved {
                    Err(e) => Err(e.to_string()),
                    Ok(()) => match password.filter(|p| !p.is_empty()) {
                        None => Ok(Some(format!("Saved bookmark {name}"))),
                        Some(p) => match secret::store(&bookmark, &p) {
                            Ok(()) => Ok(Some(format!(
                                "Saved bookmark {name}; its password is in the keyring"
                            ))),
                            Err(e) => {
                                Err(format!("Saved bookmark {name}, but not its password: {e}"))
                            }
                        },
                    },
                }
            }
            BookmarkOp::Remove(name) => match s.remove(&name) {
                Err(e) => Err(e.to_string()),
                Ok(removed) => {
                    // Its keyring password goes too, unless another bookmark logs in the same way.
                    if !crate::bookmarks::commands::account_in_use(&s, &removed)
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
                .push_recent(Recent::from_profile(
                    &profile,
                    Protocol::Ftp,
                    chrono::Utc::now(),
                ))
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
            let _ = events.send(Event::Bookmarks(snapshot(store)));
            if let Some(n) = note {
                let _ = events.send(Event::BookmarkNote(n));
            }
        }
        Err(e) => say_error(e),
    }
}
