//! Progress bars on stderr for `get` and `put` (only when stderr is a
//! terminal): one bar for the whole batch, and one per running file that
//! takes long enough to be worth watching.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::engine::protocol::TransferId;
use crate::text::sanitize;

/// A file gets a bar of its own once it has run this long.
const OWN_BAR_AFTER: Duration = Duration::from_millis(300);

const TOTAL_TEMPLATE: &str = "{bar:30.cyan/blue} {binary_bytes:>10} / {binary_total_bytes:<10} {binary_bytes_per_sec:>12}  {wide_msg}";
const FILE_TEMPLATE: &str =
    "  {bar:28.white/black} {binary_bytes:>10} / {binary_total_bytes:<10} {wide_msg}";

struct Running {
    name: String,
    size: Option<u64>,
    since: Instant,
    bar: Option<ProgressBar>,
}

pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
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
        total.enable_steady_tick(Duration::from_millis(100));
        Bars {
            multi,
            total,
            running: HashMap::new(),
            files: 0,
            finished: 0,
            current: String::new(),
        }
    }

    /// The tree has been walked: the batch's size is known.
    pub fn queued(&mut self, files: usize, bytes: u64) {
        self.files = files;
        if let Ok(style) = ProgressStyle::with_template(TOTAL_TEMPLATE) {
            self.total.set_style(style.progress_chars("━╸ "));
        }
        self.total.set_length(bytes);
        self.update_message();
    }

    pub fn started(&mut self, id: TransferId, name: &str, size: Option<u64>) {
        self.current = sanitize(name).into_owned();
        self.running.insert(
            id,
            Running {
                name: self.current.clone(),
                size,
                since: Instant::now(),
                bar: None,
            },
        );
        self.update_message();
    }

    /// `done` is the file's bytes at the target; `total_done` the batch's.
    pub fn progress(&mut self, id: TransferId, done: u64, total_done: u64) {
        self.total.set_position(total_done);
        let Some(r) = self.running.get_mut(&id) else {
            return;
        };
        if r.bar.is_none() && r.since.elapsed() >= OWN_BAR_AFTER {
            let bar = ProgressBar::new(r.size.unwrap_or(0));
            if let Ok(style) = ProgressStyle::with_template(FILE_TEMPLATE) {
                bar.set_style(style.progress_chars("━╸ "));
            }
            bar.set_message(r.name.clone());
            r.bar = Some(self.multi.add(bar));
        }
        if let Some(bar) = &r.bar {
            bar.set_position(done);
        }
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
