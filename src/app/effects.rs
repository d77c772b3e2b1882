//! What one `update` asks of the world: commands for the engine, edits for
//! the bookmark service, and whether the screen must be drawn again.

use super::external::External;
use crate::bookmarks::service::BookmarkOp;
use crate::engine::protocol::Command;

#[derive(Debug, Default)]
pub struct Update {
    /// For the engine, in order.
    pub commands: Vec<Command>,
    /// For the bookmark service, in order.
    pub bookmark_ops: Vec<BookmarkOp>,
    /// Programs to hand the terminal to (the pager, the editor), in order;
    /// each one's end comes back as `Msg::ExternalDone`.
    pub external: Vec<External>,
    /// Something visible changed: the loop draws a frame.
    pub redraw: bool,
}

impl Update {
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    pub fn run(&mut self, program: External) {
        self.external.push(program);
    }

    pub fn bookmark(&mut self, op: BookmarkOp) {
        self.bookmark_ops.push(op);
    }

    /// Says that this message changed nothing on screen (a stale answer, a
    /// key bound to nothing, a log line while the log is hidden). Only for
    /// what is certain: when in doubt, draw.
    pub fn unchanged(&mut self) {
        self.redraw = false;
    }
}
