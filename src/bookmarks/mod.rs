//! Bookmarks: saved servers, and the list of recent connections.
//!
//! - `bookmark.rs`: [`Bookmark`] and [`Recent`] are plain data (serde +
//!   TOML) with validation ([`Bookmark::validate`]) and conversion to a
//!   `ConnectProfile`.
//! - [`Store`] (`store.rs`) keeps them in `bookmarks.toml` in the config
//!   folder, written atomically with mode 0600. A file that does not parse
//!   locks the store: wharf starts with no bookmarks and never overwrites the
//!   file until the user agrees to start afresh.
//! - [`secret`] keeps passwords in the system keyring. They never go into the
//!   TOML file.
//! - [`commands`] holds `wharf bookmark list/add/remove` as plain functions.
//! - [`service`] runs the store and the keyring for the TUI on blocking
//!   threads, spoken to by messages ([`service::BookmarkOp`] in,
//!   [`service::BookmarkEvent`] out).
//!
//! This file only declares and re-exports: the files here import each
//! other, never this one.

mod bookmark;
pub mod commands;
pub mod secret;
pub mod service;
mod store;

pub use bookmark::{
    Bookmark, Field, Invalid, MAX_CONNECTIONS, Mode, PasswordMode, Protocol, RECENT_MAX, Recent,
    TlsPolicy,
};
pub use store::{EditError, Store, StoreError, config_dir};
