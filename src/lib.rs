//! wharf: a dual-pane FTP file manager for the terminal.
//!
//! `app` (UI state, pure update, keymap, loop) and `ui` (drawing) on one
//! side; `engine` (connections, listings, local file system) on the other;
//! typed messages (`engine::protocol`) between. The bookmark file and the
//! keyring sit beside the engine behind messages of their own
//! (`bookmarks::service`). `text` formats for the screen and for the
//! headless commands alike. See docs/ARCHITECTURE.md.

pub mod address;
pub mod app;
pub mod bookmarks;
pub mod cli;
pub mod cli_docs;
pub mod config;
pub mod connector_setup;
pub mod demo;
pub mod engine;
pub mod headless;
pub mod logging;
pub mod netrc;
pub mod private_file;
pub mod server;
pub mod terminal;
pub mod text;
pub mod timer;
pub mod ui;
