//! The loop's one input: everything that can happen to the app, from
//! wherever it comes. The binary merges the terminal's events, the
//! engine's, the bookmark service's and the signals into one stream of
//! these; tests feed their own.

use std::time::Instant;

use crossterm::event::Event as TermEvent;
use futures::Stream;
use tokio::sync::mpsc;

use super::update::Msg;
use crate::bookmarks::service::BookmarkEvent;
use crate::engine::protocol::Event;

#[derive(Debug, Clone)]
pub enum Input {
    /// A key, the mouse, a paste, a resize.
    Terminal(TermEvent),
    Engine(Event),
    Bookmarks(BookmarkEvent),
    /// A signal (SIGTERM, SIGHUP, SIGINT), or the terminal went away.
    Quit,
}

impl Input {
    /// The message for `update`; `now` dates mouse events (for double
    /// clicks). `None` for what the app does not use (focus changes).
    pub fn into_msg(self, now: Instant) -> Option<Msg> {
        Some(match self {
            Input::Terminal(TermEvent::Key(k)) => Msg::Key(k),
            Input::Terminal(TermEvent::Mouse(m)) => Msg::Mouse(m, now),
            Input::Terminal(TermEvent::Paste(p)) => Msg::Paste(p),
            Input::Terminal(TermEvent::Resize(w, h)) => Msg::Resize(w, h),
            Input::Terminal(TermEvent::FocusGained | TermEvent::FocusLost) => return None,
            Input::Engine(ev) => Msg::Engine(ev),
            Input::Bookmarks(ev) => Msg::Bookmarks(ev),
            Input::Quit => Msg::Quit,
        })
    }
}

/// A channel's receiving end as a stream (it ends when every sender is
/// dropped), to merge with the others.
pub fn receiver_stream<T>(mut rx: mpsc::UnboundedReceiver<T>) -> impl Stream<Item = T> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
