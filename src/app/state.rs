//! Everything the screen shows, in one place. The action modules change
//! it (through `update`); the widgets in `ui/` only read it. A data module:
//! it imports no action module.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Instant;

use super::dialog::{ConflictPrompt, Dialog};
use super::drag::DragState;
use super::keymap::{Context, Keymap};
use super::pane::PaneState;
use super::transfers::TransferList;
use super::viewer::Viewer;
use crate::bookmarks::service::BookmarksSnapshot;
use crate::engine::protocol::{
    BatchId, ConnId, ConnectProfile, DataMode, Location, OnExisting, RemotePath, RequestId,
    ServerInfo, Side, Timeouts, WireDir,
};
use crate::ui::layout::AppLayout;
use crate::ui::theme::Theme;

/// The protocol log keeps this many lines; older ones are dropped.
pub const LOG_CAPACITY: usize = 10_000;
/// The status line's messages kept for the messages view.
pub const MESSAGES_KEPT: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum ConnState {
    /// No remote connection (never connected, or the user disconnected).
    Idle,
    Connecting {
        target: String,
    },
    Connected {
        target: String,
        info: Box<ServerInfo>,
    },
    /// The last attempt or the connection failed; the reason is shown.
    Failed {
        target: String,
        reason: String,
        /// The password was refused: a retry asks for it again.
        login: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub dir: WireDir,
    pub code: Option<u16>,
    pub text: String,
}

impl LogLine {
    /// How the log shows where the line came from: sent, received, ours.
    pub fn prefix(&self) -> &'static str {
        match self.dir {
            WireDir::Sent => "> ",
            WireDir::Received => "< ",
            WireDir::Info => "* ",
        }
    }
}

/// A search in the protocol log (`/`): what is looked for, whether it is
/// still being typed, and the line found (an index into `AppState::log`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSearch {
    pub query: String,
    pub editing: bool,
    pub found: Option<usize>,
}

impl LogSearch {
    /// Whether `line` matches: the query anywhere in it, case ignored.
    pub fn matches(&self, line: &LogLine) -> bool {
        !self.query.is_empty()
            && line
                .text
                .to_lowercase()
                .contains(&self.query.to_lowercase())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMsg {
    pub text: String,
    pub is_error: bool,
}

/// Which panel has the keyboard. The two panes share `Panes`; `focus`
/// says which of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Panes,
    Queue,
    Log,
}

/// A click remembered to recognise a double click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click {
    pub at: Instant,
    pub side: Side,
    pub row: usize,
}

#[derive(Debug, Clone)]
pub struct AppState {
    /// Left (local) and right (remote).
    pub local: PaneState,
    pub remote: PaneState,
    pub focus: Side,
    pub conn: ConnState,
    /// Events of other connection ids are stale and dropped.
    pub conn_id: ConnId,
    /// The profile of the current or last connection, for reconnecting.
    pub profile: Option<ConnectProfile>,
    /// The last reply code on the browse connection in use (`conn_id`).
    pub last_reply: Option<u16>,
    pub log: VecDeque<LogLine>,
    pub show_log: bool,
    /// Lines scrolled back from the newest (0 = follow).
    pub log_scroll: usize,
    /// A search in the log, while one is typed or shown.
    pub log_search: Option<LogSearch>,
    /// Where wharf keeps its data (saved protocol logs go there); `None`
    /// when there is no such folder.
    pub data_dir: Option<PathBuf>,
    pub status: Option<StatusMsg>,
    /// The last [`MESSAGES_KEPT`] status messages, oldest first, for the
    /// messages view (a message longer than the status line is read there).
    pub messages: VecDeque<StatusMsg>,
    pub dialog: Option<Dialog>,
    pub keymap: Keymap,
    /// The colours everything is drawn in (config.toml's `[theme]`).
    pub theme: Theme,
    /// Where things were drawn last, for mouse hit tests and page sizes.
    pub layout: AppLayout,
    pub last_click: Option<Click>,
    pub transfers: TransferList,
    /// The user asked for the queue panel (it also shows while transfers run).
    pub show_queue: bool,
    /// The panes, the queue or the log has the keyboard (Tab goes round
    /// the ones shown).
    pub panel: Panel,
    pub drag: Option<DragState>,
    /// Where the keyboard was before the press that may start a drag. The
    /// press focused the pane, as a click does; a drag gives the focus
    /// back when it ends, so dragging from the other pane does not change
    /// where keys go.
    pub focus_before_drag: Option<(Side, Panel)>,
    /// The bookmark file as last read (empty when there is none).
    pub bookmarks: BookmarksSnapshot,
    /// There is a bookmark file to manage (a config folder exists).
    pub bookmarks_enabled: bool,
    /// Connections are remembered among the recent ones (not the demo's:
    /// its server lives only as long as this run).
    pub keep_recent: bool,
    /// A bookmark connection waiting for its password from the keyring.
    pub awaiting_secret: Option<(String, ConnectProfile)>,
    /// "No keyring" has been said once already.
    pub keyring_warned: bool,
    /// The user's home folder, for `~/` in bookmark folders.
    pub home: Option<PathBuf>,
    /// A question that arrived while another dialog was open.
    pub pending_conflict: Option<ConflictPrompt>,
    /// An offer of saved transfers that arrived while another dialog was open.
    pub pending_question: Option<Dialog>,
    /// Used for connections made from the quick-connect form.
    pub timeouts: Timeouts,
    pub default_mode: DataMode,
    /// What copies do with an existing target (config `confirm_overwrite`).
    pub on_existing: OnExisting,
    /// F5/F6 ask for the target first (config `confirm_copy`).
    pub confirm_copy: bool,
    /// F8 asks first (config `confirm_delete`).
    pub confirm_delete: bool,
    /// File operations running, and what each one's answer is for.
    pub file_ops: Vec<(RequestId, super::file_ops::Waiting)>,
    /// The file viewer (F3), when open: it fills the screen.
    pub viewer: Option<Viewer>,
    /// A file being edited (F4): fetched, in the editor, or uploading.
    pub edit: Option<super::edit::EditSession>,
    /// config.toml's `viewer = "pager"`: F3 runs `$PAGER`.
    pub pager: bool,
    /// Compare mode, synchronised browsing and a running sync.
    pub sync: super::sync_state::SyncUi,
    pub quit: bool,
    next_id: u64,
}

impl AppState {
    pub fn new(local_path: PathBuf, keymap: Keymap, width: u16, height: u16) -> Self {
        AppState {
            local: PaneState::new(Location::Local(local_path)),
            remote: PaneState::new(Location::Remote(RemotePath::root())),
            focus: Side::Local,
            conn: ConnState::Idle,
            conn_id: ConnId(0),
            profile: None,
            last_reply: None,
            log: VecDeque::new(),
            show_log: false,
            log_scroll: 0,
            log_search: None,
            data_dir: None,
            status: None,
            messages: VecDeque::new(),
            dialog: None,
            keymap,
            theme: Theme::DEFAULT,
            layout: AppLayout::compute(
                ratatui::layout::Rect::new(0, 0, width, height),
                false,
                false,
            ),
            last_click: None,
            transfers: TransferList::default(),
            show_queue: false,
            panel: Panel::Panes,
            drag: None,
            focus_before_drag: None,
            pending_conflict: None,
            pending_question: None,
            bookmarks: BookmarksSnapshot::default(),
            bookmarks_enabled: false,
            keep_recent: true,
            awaiting_secret: None,
            keyring_warned: false,
            home: None,
            timeouts: Timeouts::default(),
            default_mode: DataMode::Passive,
            on_existing: OnExisting::Ask,
            confirm_copy: true,
            confirm_delete: true,
            file_ops: Vec::new(),
            viewer: None,
            edit: None,
            pager: false,
            sync: Default::default(),
            quit: false,
            next_id: 0,
        }
    }

    pub fn pane(&self, side: Side) -> &PaneState {
        match side {
            Side::Local => &self.local,
            Side::Remote => &self.remote,
        }
    }

    pub fn pane_mut(&mut self, side: Side) -> &mut PaneState {
        match side {
            Side::Local => &mut self.local,
            Side::Remote => &mut self.remote,
        }
    }

    /// Rows of entries a pane shows, from the last layout.
    pub fn list_height(&self, side: Side) -> usize {
        let notice = usize::from(self.pane(side).notice().is_some());
        (self.layout.list(side).height as usize).saturating_sub(notice)
    }

    /// What `~` means on `side`: the local home, or the login folder.
    pub fn home_of(&self, side: Side) -> Option<Location> {
        match side {
            Side::Local => self.home.clone().map(Location::Local),
            Side::Remote => match &self.conn {
                ConnState::Connected { info, .. } => Some(Location::Remote(info.home.clone())),
                _ => None,
            },
        }
    }

    pub fn next_request(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    pub fn next_batch(&mut self) -> BatchId {
        self.next_id += 1;
        BatchId(self.next_id)
    }

    /// The queue panel is on screen: asked for, transfers are running, or
    /// some failed (they stay in sight until the user clears them).
    pub fn queue_visible(&self) -> bool {
        self.show_queue
            || self.transfers.any_active()
            || self.transfers.any_failed()
            || self.transfers.ops_to_show()
    }

    pub fn next_conn(&mut self) -> ConnId {
        self.next_id += 1;
        self.conn_id = ConnId(self.next_id);
        // The status bar's reply was the old connection's.
        self.last_reply = None;
        self.conn_id
    }

    /// Where keys are looked up first: the panel with the keyboard.
    pub fn context(&self) -> Context {
        if self.viewer.is_some() {
            return Context::Viewer;
        }
        match self.panel {
            Panel::Panes => Context::Pane,
            Panel::Queue => Context::Queue,
            Panel::Log => Context::Log,
        }
    }

    /// Gives the keyboard back to the panes when its panel went away.
    pub fn keep_focus_on_screen(&mut self) {
        let gone = match self.panel {
            Panel::Panes => false,
            Panel::Queue => !self.queue_visible(),
            Panel::Log => !self.show_log,
        };
        if gone {
            self.panel = Panel::Panes;
        }
    }

    pub fn is_connected(&self) -> bool {
        matches!(self.conn, ConnState::Connected { .. })
    }

    pub fn set_status(&mut self, text: impl Into<String>, is_error: bool) {
        let msg = StatusMsg {
            text: text.into(),
            is_error,
        };
        // The same message again (a key pressed twice) is kept once.
        if self.messages.back() != Some(&msg) {
            if self.messages.len() == MESSAGES_KEPT {
                self.messages.pop_front();
            }
            self.messages.push_back(msg.clone());
        }
        self.status = Some(msg);
    }

    pub fn push_log(&mut self, line: LogLine) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
            // The line found moved up one with the rest, or is gone.
            if let Some(search) = &mut self.log_search {
                search.found = search.found.and_then(|i| i.checked_sub(1));
            }
        }
        self.log.push_back(line);
    }

    /// Places everything for a terminal of `width` × `height` and keeps
    /// every cursor in sight.
    pub fn resize(&mut self, width: u16, height: u16) {
        let area = ratatui::layout::Rect::new(0, 0, width, height);
        self.layout = AppLayout::compute(area, self.show_log, self.queue_visible());
        let rows = self.layout.queue_rows();
        self.transfers.move_cursor(0, rows);
        for side in [Side::Local, Side::Remote] {
            let h = self.list_height(side);
            self.pane_mut(side).scroll_to_cursor(h);
        }
    }

    /// Places everything again after a panel came or went.
    pub fn relayout(&mut self) {
        let area = self.layout.area;
        self.resize(area.width, area.height);
    }
}
