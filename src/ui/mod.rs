//! Drawing. Everything here reads `AppState` and writes a frame; nothing
//! here changes state or touches the network or the disk. This file puts
//! the widgets (one per file) on the screen; they never import it.

pub mod bookmarks;
pub mod certificate;
pub mod chmod;
pub mod conflict;
pub mod delete;
pub mod dialog;
pub mod entry_info;
pub mod find;
pub mod frame;
pub mod help;
pub mod keybar;
pub mod layout;
pub mod line_prompt;
pub mod log;
pub mod messages;
pub mod mkdir;
pub mod op_rows;
pub mod pane;
pub mod question;
pub mod queue;
pub mod rename;
pub mod status;
pub mod sync_dialog;
pub mod sync_plan;
pub mod theme;
pub mod viewer;

use chrono::Datelike;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::dialog::Dialog;
use crate::app::state::{AppState, ConnState, Panel};
use crate::engine::protocol::Side;
use theme::Theme;

/// Draws the whole screen. `this_year` decides how dates are shown; it is
/// a parameter so that snapshots do not change with the calendar.
pub fn draw(frame: &mut Frame, state: &AppState, this_year: i32) {
    let l = &state.layout;
    let theme = &state.theme;
    let buf = frame.buffer_mut();
    for side in [Side::Local, Side::Remote] {
        // While dragging, the pane under the pointer (not the source) is the drop target.
        let drop_target = state.drag.as_ref().is_some_and(|d| {
            d.active && d.from != side && l.pane_at(d.pos.0, d.pos.1) == Some(side)
        });
        let view = pane::PaneView {
            pane: state.pane(side),
            place: place(state, side),
            path: shows_path(state, side).then(|| state.pane(side).shown_path()),
            focused: state.focus == side && state.dialog.is_none() && state.panel == Panel::Panes,
            drop_target,
            placeholder: placeholder(state, side),
            this_year,
            theme,
            compare: state
                .sync
                .comparison
                .as_ref()
                .map(|c| (c.marks(side), c.counts(side))),
        };
        ratatui::widgets::Widget::render(view, l.pane(side), buf);
    }
    if let Some(area) = l.queue {
        ratatui::widgets::Widget::render(queue::QueuePanel(state), area, buf);
    }
    if let Some(area) = l.log {
        ratatui::widgets::Widget::render(log::LogPanel(state), area, buf);
    }
    if let Some(v) = &state.viewer {
        viewer::draw(v, &state.keymap, theme, l, buf);
    }
    ratatui::widgets::Widget::render(status::StatusBar(state), l.status, buf);
    let keys = keybar::KeyBar {
        keymap: &state.keymap,
        context: state.context(),
        theme,
    };
    ratatui::widgets::Widget::render(keys, l.keybar, buf);
    let cursor = match &state.dialog {
        None => None,
        Some(Dialog::Help { scroll }) => {
            let overlay = help::HelpOverlay {
                keymap: &state.keymap,
                scroll: *scroll,
                theme,
            };
            ratatui::widgets::Widget::render(overlay, l.area, buf);
            None
        }
        Some(Dialog::Messages { scroll }) => {
            let overlay = messages::MessagesOverlay {
                messages: &state.messages,
                scroll: *scroll,
                theme,
            };
            ratatui::widgets::Widget::render(overlay, l.area, buf);
            None
        }
        Some(Dialog::Connect(form)) => dialog::connect_form(form, theme, l.area, buf),
        Some(Dialog::Password(p)) => dialog::password_prompt(p, theme, l.area, buf),
        Some(Dialog::Conflict(c)) => {
            conflict::conflict(c, theme, l.area, buf);
            None
        }
        Some(Dialog::Certificate(p)) => {
            certificate::certificate(p, theme, l.area, buf);
            None
        }
        Some(Dialog::Pattern(p)) => conflict::pattern(p, theme, l.area, buf),
        Some(Dialog::CopyTo(p)) => {
            let lines = [p.title_line.clone()];
            let prompt = line_prompt::LinePrompt {
                title: if p.move_after { " Move " } else { " Copy " },
                lines: &lines,
                input: &p.input,
                error: p.error.as_deref(),
                hint: "A folder that does not exist yet is made",
                keys: "Enter start · Esc cancel",
            };
            line_prompt::draw(&prompt, 72, theme, l.area, buf)
        }
        Some(Dialog::GoTo(p)) => {
            let lines = [match p.side {
                crate::engine::protocol::Side::Local => "Folder on this computer:".to_string(),
                crate::engine::protocol::Side::Remote => "Folder on the server:".to_string(),
            }];
            let choices = p.choices.join("  ");
            let prompt = line_prompt::LinePrompt {
                title: " Go to ",
                lines: &lines,
                input: &p.input,
                error: p.error.as_deref(),
                hint: if choices.is_empty() {
                    "Absolute, relative, ~ or ..; Tab completes a folder name"
                } else {
                    &choices
                },
                keys: "Enter go · Tab complete · Esc cancel",
            };
            line_prompt::draw(&prompt, 72, theme, l.area, buf)
        }
        Some(Dialog::FindPrompt(p)) => {
            let lines = [format!("Names under {} like:", p.root)];
            let prompt = line_prompt::LinePrompt {
                title: " Find ",
                lines: &lines,
                input: &p.input,
                error: None,
                hint: "*.log, report?.pdf, or any part of a name; case is ignored",
                keys: "Enter find · Esc cancel",
            };
            line_prompt::draw(&prompt, 72, theme, l.area, buf)
        }
        Some(Dialog::Find(p)) => {
            find::draw(p, &state.layout, theme, buf);
            None
        }
        Some(Dialog::Info(info)) => {
            entry_info::draw(info, theme, l.area, buf);
            None
        }
        Some(Dialog::Mkdir(p)) => {
            let folder = state.pane(p.side).path.display().into_owned();
            mkdir::draw(p, &folder, theme, l.area, buf)
        }
        Some(Dialog::Rename(p)) => rename::draw(p, theme, l.area, buf),
        Some(Dialog::Delete(p)) => {
            delete::draw(p, theme, l.area, buf);
            None
        }
        Some(Dialog::Chmod(p)) => chmod::draw(p, theme, l.area, buf),
        Some(Dialog::SyncSetup(p)) => {
            sync_dialog::draw_setup(p, theme, l.area, buf);
            None
        }
        Some(Dialog::SyncPlanning(p)) => {
            sync_dialog::draw_planning(p, theme, l.area, buf);
            None
        }
        Some(Dialog::SyncPlan(v)) => {
            sync_plan::draw(v, theme, l.area, buf);
            None
        }
        Some(Dialog::Bookmarks(m)) => bookmarks::manager(state, m, l.area, buf),
        Some(Dialog::BookmarkForm(f)) => bookmarks::form(f, theme, l.area, buf),
        Some(Dialog::Question(q)) => {
            question::question(q, theme, l.area, buf);
            None
        }
    };
    if let Some(drag) = state.drag.as_ref().filter(|d| d.active) {
        draw_ghost(drag, theme, l.area, buf);
    }
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
}

/// Draws with the current year; the normal entry point.
pub fn draw_now(frame: &mut Frame, state: &AppState) {
    draw(frame, state, chrono::Local::now().year());
}

/// What a pane's title names before its folder: "Local" or the server.
fn place(state: &AppState, side: Side) -> String {
    match side {
        Side::Local => "Local".into(),
        Side::Remote => match &state.conn {
            ConnState::Connected { target, .. }
            | ConnState::Connecting { target }
            | ConnState::Failed { target, .. } => target.clone(),
            ConnState::Idle => "Remote".into(),
        },
    }
}

/// The remote folder is named only while connected.
fn shows_path(state: &AppState, side: Side) -> bool {
    side == Side::Local || state.is_connected()
}

/// What a pane shows instead of entries when it has none to show.
fn placeholder(state: &AppState, side: Side) -> Option<(String, bool)> {
    let pane = state.pane(side);
    if pane.loaded {
        return None;
    }
    if let Some(err) = &pane.error {
        return Some((err.clone(), true));
    }
    if side == Side::Remote {
        let connect_key = state
            .keymap
            .key_for(crate::app::keymap::Action::Connect)
            .map(|k| k.to_string())
            .unwrap_or_default();
        return Some(match &state.conn {
            ConnState::Idle => (format!("Not connected — {connect_key} to connect"), false),
            ConnState::Connecting { target } => (format!("Connecting to {target}…"), false),
            ConnState::Failed { reason, .. } => {
                let retry = state
                    .keymap
                    .key_for(crate::app::keymap::Action::Reload)
                    .map(|k| format!(" {k} retries;"))
                    .unwrap_or_default();
                (
                    format!("{reason}.{retry} {connect_key} connects elsewhere."),
                    true,
                )
            }
            ConnState::Connected { .. } => ("Loading…".into(), false),
        });
    }
    Some(("Loading…".into(), false))
}

/// The text that follows the pointer while dragging, just right of it.
fn draw_ghost(
    drag: &crate::app::drag::DragState,
    theme: &Theme,
    area: Rect,
    buf: &mut ratatui::buffer::Buffer,
) {
    let text = format!(" {} ", crate::text::sanitize(&drag.ghost()));
    let width = unicode_width::UnicodeWidthStr::width(text.as_str()) as u16;
    let x = drag
        .pos
        .0
        .saturating_add(1)
        .min(area.right().saturating_sub(width));
    let y = drag.pos.1.min(area.bottom().saturating_sub(1));
    buf.set_stringn(x, y, &text, width as usize, theme.ghost());
}
