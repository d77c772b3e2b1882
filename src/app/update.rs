//! The pure heart of the UI: a message in, the state changed, commands for
//! the engine out. No I/O, no clock reads (times arrive inside messages), so
//! every behaviour here is testable without a terminal or a network.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::bookmark_actions;
use super::dialog::{ConnectForm, Dialog, PASSWORD, PasswordPrompt};
use super::effects::Update;
use super::keymap::Action;
use super::pane::{Pending, SortKey, parent_of};
use super::state::{AppState, Click, ConnState, LogLine};
use super::transfer_actions;
use crate::bookmarks::service::{BookmarkEvent, BookmarkOp};
use crate::engine::protocol::{Command, ConnectProfile, EntryKind, Event, Side, WireDir};
use crate::ui::layout::AppLayout;

/// Two clicks on the same row within this time open it.
pub const DOUBLE_CLICK: Duration = Duration::from_millis(400);
/// Rows one wheel notch scrolls.
const WHEEL_ROWS: isize = 3;

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
    /// the quick-connect form when there is no profile.
    Start(Option<ConnectProfile>),
    /// A signal (SIGTERM, SIGHUP) asked us to stop.
    Quit,
}

pub fn update(state: &mut AppState, msg: Msg) -> Update {
    let mut out = Update {
        redraw: true,
        ..Update::default()
    };
    let queue_was_visible = state.queue_visible();
    match msg {
        Msg::Start(profile) => start(state, profile, &mut out),
        Msg::Key(key) => {
            // Only presses (and auto-repeat) act; releases are noise.
            if key.kind != KeyEventKind::Release {
                on_key(state, key, &mut out);
            }
        }
        Msg::Mouse(ev, now) => on_mouse(state, ev, now, &mut out),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Resize(w, h) => relayout(state, w, h),
        Msg::Engine(ev) => on_engine(state, ev, &mut out),
        Msg::Bookmarks(ev) => bookmark_actions::on_event(state, ev, &mut out),
        Msg::Quit => state.quit = true,
    }
    // The queue panel comes and goes with running transfers: the panes
    // give it room (or take it back).
    if state.queue_visible() != queue_was_visible {
        if !state.queue_visible() {
            state.queue_focused = false;
        }
        let area = state.layout.area;
        relayout(state, area.width, area.height);
    }
    transfer_actions::show_pending(state);
    out
}

fn start(state: &mut AppState, profile: Option<ConnectProfile>, out: &mut Update) {
    let path = state.local.path.clone();
    out.send(list(state, Side::Local, path, None));
    match profile {
        Some(p) if p.user.is_some() && p.password.is_none() => {
            state.dialog = Some(Dialog::Password(PasswordPrompt {
                profile: p,
                input: String::new(),
            }));
        }
        Some(p) => connect_profile(state, p, out),
        // The bookmark manager greets a start without a URL (it offers
        // quick connect too); without a bookmark file, quick connect.
        None if state.bookmarks_enabled => bookmark_actions::open(state),
        None => state.dialog = Some(Dialog::Connect(ConnectForm::new(None, state.default_mode))),
    }
}

/// Asks the engine for a listing and remembers it as the pane's pending one;
/// an answer to any older request for this pane will be ignored.
fn list(state: &mut AppState, side: Side, path: PathBuf, select: Option<String>) -> Command {
    let req = state.next_request();
    state.pane_mut(side).pending = Some(Pending {
        req,
        path: path.clone(),
        select,
    });
    Command::List { req, side, path }
}

/// Connects the remote pane to `profile` (replacing any connection).
pub fn connect_profile(state: &mut AppState, profile: ConnectProfile, out: &mut Update) {
    let conn = state.next_conn();
    state.conn = ConnState::Connecting {
        target: target_of(&profile),
    };
    state.profile = Some(profile.clone());
    let remote = &mut state.remote;
    *remote = super::pane::PaneState::new(Side::Remote, PathBuf::from("/"));
    out.send(Command::Connect { conn, profile });
}

fn target_of(p: &ConnectProfile) -> String {
    match &p.user {
        Some(u) => format!("{u}@{}", p.authority()),
        None => p.authority(),
    }
}

fn on_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    if state.dialog.is_some() {
        return dialog_key(state, key, out);
    }
    if state.pane(state.focus).filter_editing {
        return filter_key(state, key);
    }
    // Esc drops what is being dragged, or clears a filter left in place
    // (as in mc's quick search).
    if key.code == KeyCode::Esc && state.drag.take().is_some() {
        state.set_status("Drag cancelled", false);
        return;
    }
    if key.code == KeyCode::Esc {
        let pane = state.pane_mut(state.focus);
        if !pane.filter.is_empty() {
            pane.filter.clear();
            pane.rebuild_view(None);
            let h = state.list_height(state.focus);
            state.pane_mut(state.focus).scroll_to_cursor(h);
        }
        return;
    }
    if let Some(action) = state.keymap.action_for(&key) {
        if state.queue_focused {
            if transfer_actions::queue_action(state, action, out) || !action.is_global() {
                return;
            }
        } else if action.is_queue_action() {
            return;
        }
        act(state, action, out);
    }
}

fn act(state: &mut AppState, action: Action, out: &mut Update) {
    let side = state.focus;
    let height = state.list_height(side);
    let page = height.max(1) as isize;
    match action {
        Action::Up => state.pane_mut(side).move_cursor(-1, height),
        Action::Down => state.pane_mut(side).move_cursor(1, height),
        Action::PageUp => state.pane_mut(side).move_cursor(-page, height),
        Action::PageDown => state.pane_mut(side).move_cursor(page, height),
        Action::Top => state.pane_mut(side).set_cursor(0, height),
        Action::Bottom => state.pane_mut(side).set_cursor(usize::MAX, height),
        Action::Open => open_current(state, side, out),
        Action::Parent => go_up(state, side, out),
        Action::SwitchPane => {
            // Local → remote → queue (when shown) → local.
            if state.queue_focused {
                state.queue_focused = false;
                state.focus = Side::Local;
            } else if side == Side::Remote && state.queue_visible() {
                state.queue_focused = true;
            } else {
                state.focus = match side {
                    Side::Local => Side::Remote,
                    Side::Remote => Side::Local,
                };
            }
        }
        Action::Mark => {
            let pane = state.pane_mut(side);
            pane.toggle_mark();
            pane.move_cursor(1, height);
        }
        Action::InvertMarks => state.pane_mut(side).invert_marks(),
        Action::MarkPattern => transfer_actions::ask_pattern(state, true),
        Action::UnmarkPattern => transfer_actions::ask_pattern(state, false),
        Action::Copy => transfer_actions::copy_or_move(state, false, out),
        Action::Move => transfer_actions::copy_or_move(state, true, out),
        Action::ToggleQueue => {
            state.show_queue = !state.show_queue;
            state.queue_focused = state.show_queue && state.queue_focused;
            let area = state.layout.area;
            relayout(state, area.width, area.height);
        }
        // Only meaningful in the queue panel (handled before we get here).
        Action::CancelTransfer
        | Action::CancelAllTransfers
        | Action::RetryFailed
        | Action::ClearFinished => {}
        Action::Reload => reload(state, side, out),
        Action::ToggleHidden => {
            let pane = state.pane_mut(side);
            pane.show_hidden = !pane.show_hidden;
            pane.rebuild_view(None);
            pane.scroll_to_cursor(height);
            let shown = if pane.show_hidden { "shown" } else { "hidden" };
            state.set_status(format!("Hidden files {shown}"), false);
        }
        Action::CycleSort => {
            let pane = state.pane_mut(side);
            (pane.sort, pane.reverse) = match (pane.sort, pane.reverse) {
                (SortKey::Name, false) => (SortKey::Name, true),
                (SortKey::Name, true) => (SortKey::Size, false),
                (SortKey::Size, false) => (SortKey::Size, true),
                (SortKey::Size, true) => (SortKey::Time, false),
                (SortKey::Time, false) => (SortKey::Time, true),
                (SortKey::Time, true) => (SortKey::Name, false),
            };
            pane.rebuild_view(None);
            pane.scroll_to_cursor(height);
        }
        Action::Filter => state.pane_mut(side).filter_editing = true,
        Action::ToggleLog => {
            state.show_log = !state.show_log;
            state.log_scroll = 0;
            let area = state.layout.area;
            relayout(state, area.width, area.height);
        }
        Action::Connect => {
            let form = ConnectForm::new(state.profile.as_ref(), state.default_mode);
            state.dialog = Some(Dialog::Connect(form));
        }
        Action::Disconnect => {
            if !matches!(state.conn, ConnState::Idle) {
                out.send(Command::Disconnect);
                state.next_conn(); // late events of that connection are stale now
                state.conn = ConnState::Idle;
                state.remote = super::pane::PaneState::new(Side::Remote, PathBuf::from("/"));
                state.set_status("Disconnected", false);
            }
        }
        Action::Help => state.dialog = Some(Dialog::Help { scroll: 0 }),
        Action::Bookmarks => {
            if state.bookmarks_enabled {
                bookmark_actions::open(state);
            } else {
                state.set_status("No bookmark file here (no config folder)", true);
            }
        }
        Action::Quit => state.quit = true,
    }
}

fn open_current(state: &mut AppState, side: Side, out: &mut Update) {
    let Some(entry) = state.pane(side).current().cloned() else {
        return;
    };
    if entry.name == ".." {
        return go_up(state, side, out);
    }
    match entry.kind {
        // A symlink may lead to a folder; listing it tells.
        EntryKind::Dir | EntryKind::Symlink => {
            let path = state.pane(side).path.join(&entry.name);
            request(state, side, path, None, out);
        }
        EntryKind::File | EntryKind::Other => {
            state.set_status(format!("{} is not a folder", entry.name), false);
        }
    }
}

fn go_up(state: &mut AppState, side: Side, out: &mut Update) {
    let pane = state.pane(side);
    let Some(parent) = parent_of(&pane.path) else {
        return;
    };
    let came_from = pane
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    request(state, side, parent, came_from, out);
}

fn reload(state: &mut AppState, side: Side, out: &mut Update) {
    if side == Side::Remote && !state.is_connected() {
        if matches!(state.conn, ConnState::Connecting { .. }) {
            return;
        }
        match state.profile.clone() {
            Some(p) => connect_profile(state, p, out),
            None => {
                let form = ConnectForm::new(None, state.default_mode);
                state.dialog = Some(Dialog::Connect(form));
            }
        }
        return;
    }
    let pane = state.pane(side);
    let path = pane.path.clone();
    let keep = pane.current().map(|e| e.name.clone());
    request(state, side, path, keep, out);
}

/// Lists a folder for a pane, unless that pane is remote and offline.
fn request(
    state: &mut AppState,
    side: Side,
    path: PathBuf,
    select: Option<String>,
    out: &mut Update,
) {
    if side == Side::Remote && !state.is_connected() {
        let hint = state
            .keymap
            .key_for(Action::Connect)
            .map(|k| format!(" ({k} to connect)"))
            .unwrap_or_default();
        state.set_status(format!("Not connected{hint}"), true);
        return;
    }
    out.send(list(state, side, path, select));
}

fn filter_key(state: &mut AppState, key: KeyEvent) {
    let side = state.focus;
    let height = state.list_height(side);
    let pane = state.pane_mut(side);
    match key.code {
        KeyCode::Esc => {
            pane.filter.clear();
            pane.filter_editing = false;
        }
        KeyCode::Enter => pane.filter_editing = false,
        KeyCode::Backspace => {
            pane.filter.pop();
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            // Moving while filtering is natural; keep the filter open.
            let delta = match key.code {
                KeyCode::Up => -1,
                KeyCode::Down => 1,
                KeyCode::PageUp => -(height.max(1) as isize),
                _ => height.max(1) as isize,
            };
            pane.move_cursor(delta, height);
            return;
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            pane.filter.push(c);
        }
        _ => return,
    }
    pane.rebuild_view(None);
    pane.scroll_to_cursor(height);
}

fn dialog_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(dialog) = state.dialog.as_mut() else {
        return;
    };
    match dialog {
        Dialog::Help { scroll } => match key.code {
            KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
            KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
            KeyCode::PageDown => *scroll += 10,
            _ => state.dialog = None,
        },
        Dialog::Connect(form) => match key.code {
            KeyCode::Esc => state.dialog = None,
            KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1) % form.fields.len(),
            KeyCode::BackTab | KeyCode::Up => {
                form.focus = (form.focus + form.fields.len() - 1) % form.fields.len()
            }
            KeyCode::Backspace => {
                form.fields[form.focus].pop();
            }
            KeyCode::Enter => match form.to_profile(state.timeouts) {
                Ok(p) => {
                    state.dialog = None;
                    connect_profile(state, p, out);
                }
                Err(e) => form.error = Some(e),
            },
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                form.fields[form.focus].push(c);
                form.error = None;
            }
            _ => {}
        },
        Dialog::Conflict(_) => transfer_actions::conflict_key(state, key, out),
        Dialog::Bookmarks(_) => bookmark_actions::manager_key(state, key, out),
        Dialog::BookmarkForm(_) => bookmark_actions::form_key(state, key, out),
        Dialog::Pattern(_) => transfer_actions::pattern_key(state, key),
        Dialog::Password(prompt) => match key.code {
            KeyCode::Esc => {
                state.dialog = None;
                state.set_status("Not connected: no password given", true);
            }
            KeyCode::Backspace => {
                prompt.input.pop();
            }
            KeyCode::Enter => {
                let mut p = prompt.profile.clone();
                p.password = Some(std::mem::take(&mut prompt.input));
                state.dialog = None;
                connect_profile(state, p, out);
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                prompt.input.push(c);
            }
            _ => {}
        },
    }
}

fn on_paste(state: &mut AppState, text: &str) {
    // One line only: a pasted newline must not submit a form.
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    match state.dialog.as_mut() {
        Some(Dialog::Connect(form)) => {
            form.fields[form.focus].push_str(&text);
            // A URL pasted into the host field is a common mistake; say so.
            if form.focus != PASSWORD && text.contains("://") {
                form.error = Some("Paste the host name only, or start wharf with the URL".into());
            }
        }
        Some(Dialog::Password(p)) => p.input.push_str(&text),
        Some(Dialog::Pattern(p)) => p.input.push_str(&text),
        Some(Dialog::BookmarkForm(f)) => {
            if !super::bookmark_form::is_choice(f.focus) {
                f.fields[f.focus].push_str(&text);
            }
        }
        Some(Dialog::Bookmarks(m)) => {
            m.filtering = true;
            m.filter.push_str(&text);
        }
        Some(Dialog::Help { .. }) | Some(Dialog::Conflict(_)) => {}
        None => {
            let side = state.focus;
            let height = state.list_height(side);
            let pane = state.pane_mut(side);
            if pane.filter_editing {
                pane.filter.push_str(&text);
                pane.rebuild_view(None);
                pane.scroll_to_cursor(height);
            }
        }
    }
}

fn on_mouse(state: &mut AppState, ev: MouseEvent, now: Instant, out: &mut Update) {
    if state.dialog.is_some() {
        return;
    }
    let at = (ev.column, ev.row);
    match ev.kind {
        MouseEventKind::Drag(MouseButton::Left) => return transfer_actions::drag_to(state, at),
        MouseEventKind::Up(MouseButton::Left) => return transfer_actions::release(state, at, out),
        _ => {}
    }
    if let Some(q) = state.layout.queue
        && q.contains(at.into())
    {
        let rows = state.layout.queue_rows();
        match ev.kind {
            MouseEventKind::ScrollUp => state.transfers.move_cursor(-WHEEL_ROWS, rows),
            MouseEventKind::ScrollDown => state.transfers.move_cursor(WHEEL_ROWS, rows),
            MouseEventKind::Down(MouseButton::Left) => state.queue_focused = true,
            _ => {}
        }
        return;
    }
    let Some(side) = state.layout.pane_at(ev.column, ev.row) else {
        return;
    };
    let height = state.list_height(side);
    match ev.kind {
        MouseEventKind::ScrollUp => state.pane_mut(side).scroll(-WHEEL_ROWS, height),
        MouseEventKind::ScrollDown => state.pane_mut(side).scroll(WHEEL_ROWS, height),
        MouseEventKind::Down(MouseButton::Left) => {
            state.focus = side;
            state.queue_focused = false;
            let list = state.layout.list(side);
            if !list.contains((ev.column, ev.row).into()) {
                return;
            }
            let row = state.pane(side).offset + (ev.row - list.y) as usize;
            if row >= state.pane(side).view.len() {
                return;
            }
            state.pane_mut(side).set_cursor(row, height);
            transfer_actions::press(state, side, row, at);
            let double = state.last_click.is_some_and(|c| {
                c.side == side && c.row == row && now.duration_since(c.at) <= DOUBLE_CLICK
            });
            if double {
                state.last_click = None;
                state.drag = None;
                open_current(state, side, out);
            } else {
                state.last_click = Some(Click { at: now, side, row });
            }
        }
        _ => {}
    }
}

fn relayout(state: &mut AppState, width: u16, height: u16) {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    state.layout = AppLayout::compute(area, state.show_log, state.queue_visible());
    let rows = state.layout.queue_rows();
    state.transfers.move_cursor(0, rows);
    for side in [Side::Local, Side::Remote] {
        let h = state.list_height(side);
        state.pane_mut(side).scroll_to_cursor(h);
    }
}

fn on_engine(state: &mut AppState, ev: Event, out: &mut Update) {
    if transfer_actions::on_event(state, &ev, out) {
        return;
    }
    match ev {
        Event::Wire { dir, code, text } => {
            if dir == WireDir::Received && code.is_some() {
                state.last_reply = code;
            }
            state.push_log(LogLine { dir, code, text });
        }
        Event::Connecting { conn, host } => {
            if conn == state.conn_id {
                state.conn = ConnState::Connecting { target: host };
            }
        }
        Event::Connected { conn, info, start } => {
            if conn != state.conn_id {
                return;
            }
            let target = state.profile.as_ref().map(target_of).unwrap_or_default();
            let system = info
                .system
                .clone()
                .unwrap_or_else(|| "unknown system".into());
            state.set_status(format!("Connected to {target} ({system})"), false);
            state.conn = ConnState::Connected {
                target,
                info: Box::new(info),
            };
            // Reconnecting keeps the folder the user was in.
            let path = if state.remote.loaded {
                state.remote.path.clone()
            } else {
                PathBuf::from(start)
            };
            state.focus = Side::Remote;
            if state.bookmarks_enabled
                && let Some(p) = state.profile.clone()
            {
                let mut p = p;
                p.password = None;
                p.path = Some(path.to_string_lossy().into_owned());
                out.bookmark(BookmarkOp::PushRecent(p));
            }
            out.send(list(state, Side::Remote, path, None));
        }
        Event::Disconnected { conn, reason } => {
            if conn != state.conn_id {
                return;
            }
            let target = state.profile.as_ref().map(target_of).unwrap_or_default();
            state.remote.pending = None;
            match reason {
                None => state.conn = ConnState::Idle,
                Some(err) => {
                    let reason = err.to_string();
                    let retry = state
                        .keymap
                        .key_for(Action::Reload)
                        .map(|k| format!(" — {k} to retry"))
                        .unwrap_or_default();
                    state.set_status(format!("{reason}{retry}"), true);
                    state.conn = ConnState::Failed { target, reason };
                }
            }
        }
        Event::Listing {
            req,
            side,
            path,
            entries,
        } => {
            let height = state.list_height(side);
            let pane = state.pane_mut(side);
            let Some(pending) = pane.pending.take_if(|p| p.req == req) else {
                return; // stale: the user has moved on
            };
            pane.set_listing(path, entries, pending.select.as_deref());
            pane.scroll_to_cursor(height);
        }
        // Handled by transfer_actions::on_event above.
        Event::BatchQueued { .. }
        | Event::BatchFailed { .. }
        | Event::TransferQueued { .. }
        | Event::TransferState { .. }
        | Event::TransferProgress { .. }
        | Event::Conflict { .. }
        | Event::BatchDone { .. }
        | Event::FolderChanged { .. } => {}
        Event::Failed {
            req,
            side,
            path,
            error,
        } => {
            let pane = state.pane_mut(side);
            if pane.pending.take_if(|p| p.req == req).is_none() {
                return;
            }
            let text = format!("Cannot open {}: {error}", path.display());
            // A failed listing is not an empty folder: the old entries stay,
            // and a pane that never loaded shows the error itself.
            pane.error = Some(error.to_string());
            state.set_status(text, true);
        }
    }
}
