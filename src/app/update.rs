//! The pure heart of the UI: a message in, the state changed, commands out.
//! This file only routes: each key, pointer, engine event and bookmark
//! event goes to the action module that owns it (`pane_actions`,
//! `transfer_actions`, `bookmark_actions`, `connection_actions`,
//! `dialog_actions`, `layout_actions`, `log_actions`). No I/O, no clock
//! reads (times arrive inside messages), so every behaviour is testable
//! without a terminal or a network.

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

use super::dialog::{Dialog, Question};
use super::effects::Update;
use super::external::{ExternalDone, Purpose};
use super::keymap::{Action, Context};
use super::motion::Motion;
use super::mouse::{self, Pointer};
use super::state::{AppState, Panel};
use super::{
    bookmark_actions, certificate_actions, chmod_actions, compare, connection_actions, copy_dialog,
    delete_actions, dialog_actions, edit_actions, file_op_events, find_actions, goto_actions,
    layout_actions, log_actions, mkdir_actions, pane_actions, question_actions, rename_actions,
    sync_actions, sync_browse, transfer_actions, viewer_actions,
};
use crate::bookmarks::service::BookmarkEvent;
use crate::engine::protocol::{ConnectProfile, Event};

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent, Instant),
    Paste(String),
    Resize(u16, u16),
    Engine(Event),
    /// From the bookmark service.
    Bookmarks(BookmarkEvent),
    /// The first message: list the local folder, then connect to `profile`
    /// (asking for its password first if it has a user and none), or open
    /// the bookmark manager or the quick-connect form when there is none.
    Start(Option<ConnectProfile>),
    /// A signal (SIGTERM, SIGHUP, SIGINT) asked us to stop.
    Quit,
    /// The pager or the editor gave the terminal back.
    ExternalDone(ExternalDone),
}

/// Folds one message into the state. The answer holds the commands for the
/// engine, the edits for the bookmark service, and whether anything visible
/// changed.
pub fn update(state: &mut AppState, msg: Msg) -> Update {
    let mut out = Update {
        redraw: true,
        ..Update::default()
    };
    let queue_was_visible = state.queue_visible();
    let pending = sync_browse::pending(state);
    match msg {
        Msg::Start(profile) => connection_actions::start(state, profile, &mut out),
        Msg::Key(key) => {
            on_key(state, key, &mut out);
            sync_browse::follow(state, pending, &mut out);
        }
        Msg::Mouse(ev, now) => {
            on_mouse(state, ev, now, &mut out);
            sync_browse::follow(state, pending, &mut out);
        }
        Msg::Paste(text) => on_paste(state, &text, &mut out),
        Msg::Resize(w, h) => state.resize(w, h),
        Msg::Engine(ev) => on_engine(state, ev, &mut out),
        Msg::Bookmarks(ev) => on_bookmarks(state, ev, &mut out),
        Msg::Quit => state.quit = true,
        Msg::ExternalDone(done) => match done.purpose {
            Purpose::Page => viewer_actions::on_pager_done(state, done, &mut out),
            Purpose::Edit => edit_actions::on_editor_done(state, done, &mut out),
        },
    }
    // The viewer's rows follow the screen's size and the file's arrival.
    if state.viewer.is_some() {
        viewer_actions::refresh(state);
    }
    // The queue panel comes and goes with running transfers: the panes
    // give it room (or take it back).
    if state.queue_visible() != queue_was_visible {
        state.keep_focus_on_screen();
        state.relayout();
        out.redraw = true;
    }
    // Compare mode's marks follow the listings (made again only when one
    // changed).
    compare::refresh(state, &mut out);
    transfer_actions::show_pending(state, &mut out);
    question_actions::show_pending(state, &mut out);
    out
}

fn on_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    // Only presses (and auto-repeat) act; releases are noise.
    if key.kind == KeyEventKind::Release {
        return out.unchanged();
    }
    if let Some(dialog) = &state.dialog {
        return match dialog {
            Dialog::Help { .. } => dialog_actions::help_key(state, key),
            Dialog::Messages { .. } => dialog_actions::messages_key(state, key),
            Dialog::Connect(_) => dialog_actions::connect_key(state, key, out),
            Dialog::Password(_) => dialog_actions::password_key(state, key, out),
            Dialog::Conflict(_) => transfer_actions::conflict_key(state, key, out),
            Dialog::Certificate(_) => certificate_actions::certificate_key(state, key, out),
            Dialog::Pattern(_) => pane_actions::pattern_key(state, key, out),
            Dialog::CopyTo(_) => copy_dialog::key(state, key, out),
            Dialog::GoTo(_) => goto_actions::key(state, key, out),
            Dialog::Info(_) => goto_actions::info_key(state, key, out),
            Dialog::FindPrompt(_) => find_actions::prompt_key(state, key, out),
            Dialog::Find(_) => find_actions::panel_key(state, key, out),
            Dialog::Mkdir(_) => mkdir_actions::key(state, key, out),
            Dialog::Rename(_) => rename_actions::key(state, key, out),
            Dialog::Delete(_) => delete_actions::key(state, key, out),
            Dialog::Chmod(_) => chmod_actions::key(state, key, out),
            Dialog::SyncSetup(_) => sync_actions::setup_key(state, key, out),
            Dialog::SyncPlanning(_) => sync_actions::planning_key(state, key, out),
            Dialog::SyncPlan(_) => sync_actions::plan_key(state, key, out),
            Dialog::Bookmarks(_) => bookmark_actions::manager_key(state, key, out),
            Dialog::BookmarkForm(_) => bookmark_actions::form_key(state, key, out),
            Dialog::Question(Question::EditChanged { .. }) => {
                edit_actions::changed_key(state, key, out)
            }
            Dialog::Question(_) => {
                question_actions::key(state, key, out, connection_actions::disconnect)
            }
        };
    }
    if state.viewer.is_some() {
        return viewer_actions::key(state, key, out);
    }
    if state.pane(state.focus).filter_editing {
        return pane_actions::filter_key(state, key, out);
    }
    if state.panel == Panel::Log && state.log_search.as_ref().is_some_and(|s| s.editing) {
        return log_actions::search_key(state, key, out);
    }
    // Esc drops what is being dragged, or clears a filter left in place.
    if key.code == KeyCode::Esc {
        return match state.drag {
            Some(_) => transfer_actions::cancel_drag(state),
            None if state.panel == Panel::Log && state.log_search.is_some() => {
                state.log_search = None
            }
            None => pane_actions::clear_filter(state, out),
        };
    }
    let context = state.context();
    match state.keymap.action_for(context, &key) {
        Some(action) => act(state, context, action, out),
        None => layout_actions::key_elsewhere(state, &key, out),
    }
}

/// An action, by the context it was looked up in: the moves move what has
/// the keyboard; the rest mean one thing wherever they are bound.
fn act(state: &mut AppState, context: Context, action: Action, out: &mut Update) {
    if let Some(motion) = motion(action) {
        return match context {
            Context::Pane => pane_actions::move_cursor(state, motion),
            Context::Queue => transfer_actions::move_queue(state, motion),
            Context::Log => log_actions::scroll(state, motion, out),
            // The viewer's keys are its own (`viewer_actions::key`).
            Context::Viewer | Context::Global => out.unchanged(),
        };
    }
    match action {
        // Moves: above.
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => out.unchanged(),
        Action::Open => pane_actions::open_current(state, out),
        Action::Parent => pane_actions::go_up(state, out),
        Action::Reload => pane_actions::reload(state, out),
        Action::ToggleHidden => pane_actions::toggle_hidden(state, out),
        Action::CycleSort => pane_actions::cycle_sort(state, out),
        Action::Filter => pane_actions::start_filter(state),
        Action::Mark => pane_actions::toggle_mark(state),
        Action::InvertMarks => pane_actions::invert_marks(state),
        Action::MarkPattern => pane_actions::ask_pattern(state, true),
        Action::UnmarkPattern => pane_actions::ask_pattern(state, false),
        Action::View => viewer_actions::open(state, out),
        Action::Edit => edit_actions::open(state, out),
        Action::Search
        | Action::SearchNext
        | Action::SearchPrevious
        | Action::ToggleWrap
        | Action::ToggleHex
        | Action::CloseViewer => out.unchanged(),
        Action::Copy => copy_dialog::open(state, false, out),
        Action::Move => copy_dialog::open(state, true, out),
        Action::GoTo => goto_actions::open(state),
        Action::Info => goto_actions::info(state, out),
        Action::Find => find_actions::open(state, out),
        Action::MakeDir => mkdir_actions::open(state, out),
        Action::Delete => delete_actions::open(state, out),
        Action::Rename => rename_actions::open(state, out),
        Action::Chmod => chmod_actions::open(state, out),
        Action::Compare => compare::toggle(state, out),
        Action::MarkDiffering => compare::mark_differing(state, out),
        Action::BrowseTogether => sync_browse::toggle(state),
        Action::Synchronize => sync_actions::open(state, out),
        Action::CancelTransfer => transfer_actions::cancel_selected(state, out),
        Action::CancelAllTransfers => transfer_actions::cancel_all(state, out),
        Action::RetryFailed => transfer_actions::retry_failed(state, out),
        Action::ClearFinished => transfer_actions::clear_finished(state),
        Action::SearchLog => log_actions::start_search(state),
        Action::SearchOlder => log_actions::find(state, true),
        Action::SearchNewer => log_actions::find(state, false),
        Action::SaveLog => log_actions::save(state, out),
        Action::SwitchPane => layout_actions::switch_focus(state),
        Action::ToggleQueue => layout_actions::toggle_queue(state),
        Action::ToggleLog => layout_actions::toggle_log(state),
        Action::Connect => dialog_actions::open_connect(state),
        Action::Bookmarks => bookmark_actions::open(state),
        Action::Disconnect => {
            if question_actions::ask_before_disconnect(state) {
                connection_actions::disconnect(state, out)
            }
        }
        Action::Help => dialog_actions::open_help(state),
        Action::Messages => dialog_actions::open_messages(state),
        Action::Quit => question_actions::quit(state),
    }
}

/// The move an action makes, if it is one.
fn motion(action: Action) -> Option<Motion> {
    Some(match action {
        Action::Up => Motion::Up,
        Action::Down => Motion::Down,
        Action::PageUp => Motion::PageUp,
        Action::PageDown => Motion::PageDown,
        Action::Top => Motion::Top,
        Action::Bottom => Motion::Bottom,
        _ => return None,
    })
}

fn on_mouse(state: &mut AppState, ev: MouseEvent, now: Instant, out: &mut Update) {
    let Some(pointer) = mouse::interpret(state, ev, now) else {
        return out.unchanged();
    };
    match pointer {
        Pointer::DragTo(at) => transfer_actions::drag_to(state, at, out),
        Pointer::Release(at) => transfer_actions::release(state, at, out),
        Pointer::ScrollQueue(rows) => transfer_actions::move_queue(state, Motion::By(rows)),
        Pointer::ClickQueue => layout_actions::focus_queue(state),
        Pointer::ScrollLog(rows) => log_actions::scroll(state, Motion::By(rows), out),
        Pointer::ClickLog => layout_actions::focus_log(state),
        Pointer::ScrollPane(side, rows) => pane_actions::scroll(state, side, rows),
        Pointer::ClickPane(side) => pane_actions::focus(state, side),
        Pointer::ClickRow { side, row, at } => {
            let before = (state.focus, state.panel);
            pane_actions::click_row(state, side, row, now);
            transfer_actions::press(state, side, row, at, before);
        }
        Pointer::DoubleClickRow { side, row } => {
            pane_actions::double_click_row(state, side, row, out)
        }
        Pointer::ClickStatus => dialog_actions::open_messages(state),
        Pointer::Key(code) => on_key(state, KeyEvent::new(code, KeyModifiers::NONE), out),
    }
}

fn on_paste(state: &mut AppState, text: &str, out: &mut Update) {
    // One line only: a pasted newline must not submit a form.
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if state.dialog.is_none() && state.viewer.is_some() {
        return viewer_actions::paste(state, &text);
    }
    match &state.dialog {
        Some(Dialog::Connect(_)) => dialog_actions::paste_connect(state, &text),
        Some(Dialog::Password(_)) => dialog_actions::paste_password(state, &text),
        Some(Dialog::Pattern(_)) => pane_actions::paste_pattern(state, &text),
        Some(Dialog::CopyTo(_)) => copy_dialog::paste(state, &text),
        Some(Dialog::GoTo(_)) => goto_actions::paste(state, &text),
        Some(Dialog::FindPrompt(_)) => find_actions::paste(state, &text),
        Some(Dialog::Mkdir(_)) => mkdir_actions::paste(state, &text),
        Some(Dialog::Rename(_)) => rename_actions::paste(state, &text),
        Some(Dialog::Chmod(_)) => chmod_actions::paste(state, &text),
        Some(Dialog::BookmarkForm(_)) => bookmark_actions::paste_form(state, &text),
        Some(Dialog::Bookmarks(_)) => bookmark_actions::paste_manager(state, &text),
        Some(Dialog::Help { .. })
        | Some(Dialog::Messages { .. })
        | Some(Dialog::Conflict(_))
        | Some(Dialog::Certificate(_))
        | Some(Dialog::Question(_))
        | Some(Dialog::Delete(_))
        | Some(Dialog::Info(_))
        | Some(Dialog::Find(_))
        | Some(Dialog::SyncSetup(_))
        | Some(Dialog::SyncPlanning(_))
        | Some(Dialog::SyncPlan(_)) => out.unchanged(),
        None if state.panel == Panel::Log
            && state.log_search.as_ref().is_some_and(|s| s.editing) =>
        {
            log_actions::paste_search(state, &text)
        }
        None => pane_actions::paste_filter(state, &text, out),
    }
}

/// Every engine event, each to its handler. No arm catches the rest: a new
/// event does not compile until it is routed.
fn on_engine(state: &mut AppState, ev: Event, out: &mut Update) {
    // The viewer's and the editor's own transfers: theirs first.
    let Some(ev) = viewer_actions::on_engine(state, ev, out) else {
        return;
    };
    let Some(ev) = edit_actions::on_engine(state, ev, out) else {
        return;
    };
    match ev {
        Event::Connecting { conn, host } => {
            connection_actions::on_connecting(state, conn, host, out)
        }
        Event::Connected { conn, info, start } => {
            connection_actions::on_connected(state, conn, info, start, out)
        }
        Event::Untrusted { conn, cert } => {
            certificate_actions::on_untrusted(state, conn, cert, out)
        }
        Event::TrustNotKept { reason } => certificate_actions::on_trust_not_kept(state, reason),
        Event::Disconnected { conn, reason } => {
            connection_actions::on_disconnected(state, conn, reason, out)
        }
        Event::Listing {
            req,
            path,
            entries,
            notes,
        } => pane_actions::on_listing(state, req, path, entries, notes, out),
        Event::ListingProgress { req, entries } => {
            pane_actions::on_listing_progress(state, req, entries, out)
        }
        Event::Arranged(done) => pane_actions::on_arranged(state, *done, out),
        Event::Failed { req, path, error } => {
            pane_actions::on_listing_failed(state, req, path, error, out)
        }
        Event::FolderChanged { path } => pane_actions::on_folder_changed(state, path, out),
        Event::BatchQueued {
            batch: _,
            files,
            bytes,
            skipped,
        } => transfer_actions::on_batch_queued(state, files, bytes, skipped),
        Event::BatchFailed { batch, error } => {
            transfer_actions::on_batch_failed(state, error);
            if sync_actions::owns_batch(state, batch) {
                sync_actions::on_batch_failed(state, batch, out);
            }
        }
        Event::TransferQueued {
            id,
            batch,
            direction,
            name,
            size,
        } => transfer_actions::on_queued(state, id, batch, direction, name, size),
        Event::TransferState { id, state: new } => transfer_actions::on_state(state, id, new),
        Event::TransferProgress { id, done, rate } => {
            transfer_actions::on_progress(state, id, done, rate, out)
        }
        Event::Conflict {
            ask,
            id,
            name,
            source,
            target,
        } => transfer_actions::on_conflict(state, ask, id, name, source, target),
        Event::SavedTransfers {
            server,
            files,
            bytes,
        } => question_actions::on_saved(state, server, files, bytes),
        Event::NotEnoughSpace {
            batch,
            folder,
            needed,
            free,
        } => question_actions::on_low_space(state, batch, folder, needed, free),
        Event::BatchDone {
            batch,
            done,
            failed,
            skipped,
            cancelled,
        } => {
            transfer_actions::on_batch_done(state, done, failed, skipped, cancelled);
            if sync_actions::owns_batch(state, batch) {
                let not_done = failed + skipped + cancelled;
                sync_actions::on_batch_done(state, batch, done, not_done, out);
            }
        }
        // File operations: find's walk goes to its panel, the others'
        // answers to the dialog or queue row waiting for them.
        Event::Found { req, hits } => find_actions::on_found(state, req, hits),
        Event::Details { req, owner, group } => {
            goto_actions::on_details(state, req, owner, group, out)
        }
        Event::OpEntryFailed { req, .. } | Event::OpDone { req, .. }
            if goto_actions::owns(state, req) =>
        {
            goto_actions::on_ended(state, req, out)
        }
        Event::OpProgress { req, counts } if sync_actions::owns(state, req) => {
            sync_actions::on_progress(state, req, counts.seen)
        }
        Event::OpEntryFailed { req, path, error } if sync_actions::owns(state, req) => {
            sync_actions::on_unreadable(state, req, path, error)
        }
        Event::OpDone {
            req,
            counts,
            cancelled,
        } if sync_actions::owns_delete(state, req) => {
            file_op_events::on_done(state, req, counts, cancelled, out);
            sync_actions::on_deleted(state, req, counts, cancelled, out);
        }
        Event::OpProgress { req, counts } if find_actions::owns(state, req) => {
            find_actions::on_progress(state, req, counts)
        }
        Event::OpEntryFailed { req, path, error } if find_actions::owns(state, req) => {
            find_actions::on_failed(state, req, path, error)
        }
        Event::OpDone {
            req,
            counts,
            cancelled,
        } if find_actions::owns(state, req) => find_actions::on_done(state, req, counts, cancelled),
        Event::OpProgress { req, counts } => file_op_events::on_progress(state, req, counts, out),
        Event::OpEntryFailed { req, path, error } => {
            file_op_events::on_failed(state, req, path, error, out)
        }
        Event::OpDone {
            req,
            counts,
            cancelled,
        } => file_op_events::on_done(state, req, counts, cancelled, out),
        Event::Wire {
            dir,
            code,
            text,
            conn,
        } => log_actions::on_wire(state, dir, code, text, conn, out),
        Event::LogSaved { result } => log_actions::on_saved(state, result),
        Event::FoundInFile { req, result } => viewer_actions::on_found(state, req, result, out),
        Event::SyncPlanned { req, result } => sync_actions::on_planned(state, req, result, out),
        Event::SyncRecorded { error } => sync_actions::on_recorded(state, error, out),
        Event::PairsHashed { req, equal, error } => {
            compare::on_hashed(state, req, equal, error, out)
        }
    }
}

/// Every bookmark service event, each to its handler.
fn on_bookmarks(state: &mut AppState, ev: BookmarkEvent, out: &mut Update) {
    match ev {
        BookmarkEvent::Snapshot(snapshot) => bookmark_actions::on_snapshot(state, snapshot),
        BookmarkEvent::Error(text) => state.set_status(text, true),
        BookmarkEvent::Note(text) => state.set_status(text, false),
        BookmarkEvent::Secret { name, result } => {
            bookmark_actions::on_secret(state, name, result, out)
        }
    }
}
