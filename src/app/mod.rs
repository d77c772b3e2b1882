//! The UI side: state, the pure `update`, the keymap, and the loop that
//! feeds them. This file only declares the modules, in their layers, and
//! names the loop's entry points; the files here never import it.

// Data: what the screen shows. These import no action module.
pub mod bookmark_form;
pub mod bookmark_manager;
pub mod dialog;
pub mod drag;
pub mod edit;
pub mod effects;
pub mod external;
pub mod file_ops;
pub mod key_bar;
pub mod keymap;
pub mod motion;
pub mod pane;
pub mod state;
pub mod sync_state;
pub mod transfers;
pub mod viewer;
pub mod viewer_doc;

// Shared by the actions: pure readings and requests, over data only.
pub mod copy_request;
pub mod delete_request;
pub mod line_input;
pub mod mouse;
pub mod requests;
pub mod temp_copy;
pub mod typed_path;

// Actions: each changes the state for one part of the screen. They import
// data and the shared modules, never each other nor `update`.
pub mod bookmark_actions;
pub mod certificate_actions;
pub mod chmod_actions;
pub mod compare;
pub mod connection_actions;
pub mod copy_dialog;
pub mod delete_actions;
pub mod dialog_actions;
pub mod edit_actions;
pub mod file_op_events;
pub mod find_actions;
pub mod goto_actions;
pub mod layout_actions;
pub mod log_actions;
pub mod mkdir_actions;
pub mod pane_actions;
pub mod question_actions;
pub mod rename_actions;
pub mod sync_actions;
pub mod sync_browse;
pub mod transfer_actions;
pub mod viewer_actions;

// Routing: a message to the action that owns it.
pub mod update;

// The loop: one stream of input in, commands out, frames drawn.
pub mod event_loop;
pub mod input;

pub use event_loop::{Senders, run};
pub use input::Input;
