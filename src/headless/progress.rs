//! Progress bars on stderr for `get` and `put` (only when stderr is a
//! terminal): one bar for the whole batch, and one per running file that
//! takes long enough to be worth watching.
//!
//! The copy loop hands events in ([`Bars::progress`] only records the
//! figures) and calls [`Bars::draw`] on a timer, which puts every figure
//! on its bar in one go, the total first, and draws them together. Bars
//! that drew themselves on their own schedule showed each other's stale
//! figures (the total 40 MiB behind the file it contains).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::protocol::TransferId;
use crate::text::sanitize;

/// A file gets a bar of its own once it has run this long.
const OWN_BAR_AFTER: Duration = Duration::from_millis(300);

/// How often [`Bars::draw`] is worth calling.
pub const FRAME: Duration = Duration::from_millis(100);

const TOTAL_TEMPLATE: &str = "{bar:30.cyan/blue} {binary_bytes:>10} / {binary_total_bytes:<10} {binary_bytes_per_sec:>12}  {wide_msg}";
const FILE_TEMPLATE: &str =
    "  {bar:28.white/black} {binary_bytes:>10} / {binary_total_bytes:<10} {wide_msg}";
/// A file whose size nobody knows (a server without SIZE): no bar to fill.
const UNSIZED_FILE_TEMPLATE: &str =
    "  {spinner:28.white} {binary_bytes:>10}              {wide_msg}";
const BAR_CHARS: &str = "━╸ ";

struct Running {
    name: String,
    size: Option<u64>,
    since: Instant,
    /// Bytes at the target, as last reported.
    done: u64,
    bar: Option<ProgressBar>,
}

pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    /// The batch's bytes at the target, as last reported.
    total_done: u64,
    running: HashMap<TransferId, Running>,
    files: usize,
    finished: usize,
    /// The file that started last, shown next to the total.
    current: String,
}

impl Bars {
    pub fn new() -> Bars {
        let multi = MultiProgress::new();
        let total = multi.add(ProgressBar::new_spinner());
        total.set_message("connecting…");
        // Until the batch is known, the spinner turns by itself.
        total.enable_steady_tick(FRAME);
        Bars {
            multi,
            total,
            total_done: 0,
            running: HashMap::new(),
            files: 0,
            finished: 0,
            current: String::new(),
        }
    }

    /// The tree has been walked: the batch's size is known.
    pub fn queued(&mut self, files: usize, bytes: u64) {
        self.files = files;
        // From now on `draw` draws it, with the file bars: a ticker of its
        // own would draw the total at other moments than the files.
        self.total.disable_steady_tick();
        if let Ok(style) = ProgressStyle::with_template(TOTAL_TEMPLATE) {
            self.total.set_style(style.progress_chars(BAR_CHARS));
        }
        self.total.set_length(bytes);
        self.update_message();
    }

    /// A file started; `size` is what the engine knows of it.
    pub fn started(&mut self, id: TransferId, name: &str, size: Option<u64>) {
        self.current = sanitize(name).into_owned();
        self.running.insert(
            id,
            Running {
                name: self.current.clone(),
                size,
                since: Instant::now(),
                done: 0,
                bar: None,
            },
        );
        self.update_message();
    }

    /// `done` is the file's bytes at the target; `total_done` the batch's.
    /// Drawn at the next [`Bars::draw`].
    pub fn progress(&mut self, id: TransferId, done: u64, total_done: u64) {
        self.total_done = total_done;
        if let Some(r) = self.running.get_mut(&id) {
            r.done = done;
        }
    }

    /// Puts every figure on its bar and draws them all: the total first,
    /// so that any frame drawn in between shows it ahead of its files,
    /// never behind.
    pub fn draw(&mut self) {
        if self.files == 0 {
            // Still connecting or walking: the spinner draws itself.
            return;
        }
        self.total.set_position(self.total_done);
        for r in self.running.values_mut() {
            if r.bar.is_none() && r.since.elapsed() >= OWN_BAR_AFTER {
                r.bar = Some(self.multi.add(file_bar(&r.name, r.size)));
            }
            if let Some(bar) = &r.bar {
                bar.set_position(r.done);
            }
        }
        self.total.force_draw();
    }

    pub fn finished(&mut self, id: TransferId) {
        self.finished += 1;
        if let Some(Running { bar: Some(bar), .. }) = self.running.remove(&id) {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        self.update_message();
    }

    /// A line above the bars.
    pub fn println(&self, line: &str) {
        let _ = self.multi.println(line);
    }

    pub fn clear(self) {
        for r in self.running.values() {
            if let Some(bar) = &r.bar {
                bar.finish_and_clear();
            }
        }
        self.total.finish_and_clear();
        let _ = self.multi.clear();
    }

    fn update_message(&self) {
        self.total.set_message(format!(
            "{}/{}  {}",
            self.finished,
            crate::text::count(self.files, "file", "files"),
            self.current
        ));
    }
}

/// A file's bar, styled and named while it draws nowhere: a bar that
/// draws on stderr before it joins the others writes a line of its own
/// that they do not know of, and it stays on the screen.
fn file_bar(name: &str, size: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::hidden());
    let template = match size {
        Some(_) => FILE_TEMPLATE,
        None => UNSIZED_FILE_TEMPLATE,
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars(BAR_CHARS));
    }
    bar.set_message(name.to_string());
    bar
}
