//! The file viewer's state (F3): which file, where the view is, text or
//! hex, wrapped or cut, the search, and a remote file still arriving. The
//! rows on screen are made here after every change (`refresh`), from the
//! few lines around the view, so drawing only reads them.
//!
//! Text positions are line starts (`top`, a byte offset, with `top_row`
//! the wrapped row within that line); hex positions are multiples of 16.

use std::path::PathBuf;
use std::sync::Arc;

use unicode_width::UnicodeWidthChar;

use super::viewer_doc::Document;
use crate::engine::protocol::{BatchId, RequestId, TransferId};

/// Columns a tab moves to a multiple of.
const TAB: usize = 8;
/// Bytes per hex row.
pub const HEX_ROW: u64 = 16;

/// One row on screen: its text and the columns (in characters) of a search
/// match on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewRow {
    pub text: String,
    /// The first byte of its line (hex: of its row), and the end of it.
    pub offset: u64,
    pub end: u64,
    pub mark: Option<(usize, usize)>,
}

/// `/` in the viewer: what is looked for, whether it is still typed, the
/// match shown, and the search running in the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewSearch {
    pub query: String,
    pub editing: bool,
    pub found: Option<u64>,
    /// The request of a search running, and whether it goes backward.
    pub pending: Option<(RequestId, bool)>,
}

/// A remote file being fetched for the viewer (or the pager).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetch {
    pub batch: BatchId,
    /// The transfer, once the engine has queued it.
    pub id: Option<TransferId>,
    /// Where the download writes until it is complete, and where it ends.
    pub part: PathBuf,
    pub full: PathBuf,
    pub size: Option<u64>,
    pub done: u64,
    pub state: FetchState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchState {
    Running,
    Done,
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Viewer {
    /// What the title names (the file's path).
    pub name: String,
    /// The file on disk, for the search (`None`: not arrived yet, or in memory).
    pub path: Option<PathBuf>,
    /// `None` until the first bytes of a remote file arrive.
    pub doc: Option<Document>,
    pub hex: bool,
    pub wrap: bool,
    pub top: u64,
    pub top_row: usize,
    /// The rows on screen, made by `refresh`.
    pub rows: Vec<ViewRow>,
    /// The text area's size, from the layout.
    pub width: usize,
    pub height: usize,
    pub search: Option<ViewSearch>,
    pub fetch: Option<Fetch>,
    /// The private folder a remote file was fetched into: removed when the
    /// last holder (this viewer) goes.
    pub temp: Option<Arc<tempfile::TempDir>>,
    /// A word for the bottom line (not found, a read error).
    pub note: Option<String>,
}

impl Viewer {
    /// A viewer over `doc`, in hex when it looks binary.
    pub fn new(name: String, path: Option<PathBuf>, doc: Option<Document>) -> Viewer {
        let mut v = Viewer {
            name,
            path,
            doc: None,
            hex: false,
            wrap: false,
            top: 0,
            top_row: 0,
            rows: Vec::new(),
            width: 80,
            height: 20,
            search: None,
            fetch: None,
            temp: None,
            note: None,
        };
        if let Some(doc) = doc {
            v.set_doc(doc);
        }
        v
    }

    /// The document arrived (or the first bytes of it): hex if binary.
    pub fn set_doc(&mut self, mut doc: Document) {
        self.hex = doc.looks_binary();
        self.doc = Some(doc);
        self.top = 0;
        self.top_row = 0;
    }

    pub fn len(&self) -> u64 {
        self.doc.as_ref().map_or(0, Document::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn set_size(&mut self, width: usize, height: usize) {
        if (width, height) != (self.width, self.height) {
            self.width = width.max(1);
            self.height = height.max(1);
            self.top_row = 0;
        }
    }

    /// The match shown, as a byte range.
    fn mark(&self) -> Option<(u64, u64)> {
        let s = self.search.as_ref()?;
        let at = s.found?;
        Some((at, at + s.query.len() as u64))
    }

    /// The rows of the text line (or piece) at `start`, and where the next
    /// line starts.
    fn text_rows(&mut self, start: u64) -> (Vec<ViewRow>, Option<u64>) {
        let mark = self.mark();
        let (wrap, width) = (self.wrap, self.width);
        let Some(doc) = self.doc.as_mut() else {
            return (Vec::new(), None);
        };
        let line = doc.line_at(start);
        let bytes = doc.read(line.start, (line.end - line.start) as usize);
        let local = mark.and_then(|(a, b)| {
            let a = a.max(line.start);
            let b = b.min(line.end);
            (a < b).then(|| ((a - line.start) as usize, (b - line.start) as usize))
        });
        let (text, cols) = display(&bytes, local);
        if !wrap {
            let row = ViewRow {
                text,
                offset: line.start,
                end: line.end,
                mark: cols,
            };
            return (vec![row], line.next);
        }
        (
            wrap_rows(&text, cols, width, (line.start, line.end)),
            line.next,
        )
    }

    fn rows_of(&mut self, start: u64) -> usize {
        if self.wrap {
            self.text_rows(start).0.len().max(1)
        } else {
            1
        }
    }

    /// The last hex row's offset.
    fn last_hex_row(&self) -> u64 {
        self.len().saturating_sub(1) / HEX_ROW * HEX_ROW
    }

    /// Makes the rows on screen from the position; a view past the end
    /// (the file shrank, the window grew) is brought back to the last page.
    pub fn refresh(&mut self) {
        self.rows = self.build();
        let at_start = self.top == 0 && self.top_row == 0;
        if self.rows.len() < self.height && !at_start {
            self.place_bottom();
            self.rows = self.build();
        }
    }

    fn build(&mut self) -> Vec<ViewRow> {
        if self.doc.is_none() {
            return Vec::new();
        }
        if self.hex {
            let mark = self.mark();
            let len = self.len();
            let mut rows = Vec::new();
            let mut at = self.top;
            while rows.len() < self.height && at < len {
                let want = HEX_ROW.min(len - at) as usize;
                let bytes = self
                    .doc
                    .as_mut()
                    .map(|d| d.read(at, want))
                    .unwrap_or_default();
                rows.push(hex_row(at, &bytes, mark));
                at += HEX_ROW;
            }
            return rows;
        }
        let mut rows = Vec::new();
        let mut at = Some(self.top);
        let mut skip = self.top_row;
        while let Some(start) = at {
            if rows.len() >= self.height {
                break;
            }
            let (line_rows, next) = self.text_rows(start);
            rows.extend(line_rows.into_iter().skip(skip));
            skip = 0;
            at = next;
        }
        rows.truncate(self.height);
        rows
    }

    pub fn down(&mut self, n: usize) {
        if self.hex {
            let bottom = self.hex_bottom();
            // Not past the last page (nor back, if the view is past it).
            self.top = (self.top + n as u64 * HEX_ROW).min(bottom.max(self.top));
            return;
        }
        for _ in 0..n {
            if self.top_row + 1 < self.rows_of(self.top) {
                self.top_row += 1;
                continue;
            }
            let next = self.doc.as_mut().and_then(|d| d.line_at(self.top).next);
            match next {
                Some(next) => {
                    self.top = next;
                    self.top_row = 0;
                }
                None => break,
            }
        }
    }

    pub fn up(&mut self, n: usize) {
        if self.hex {
            self.top = self.top.saturating_sub(n as u64 * HEX_ROW);
            return;
        }
        for _ in 0..n {
            if self.top_row > 0 {
                self.top_row -= 1;
                continue;
            }
            let prev = self.doc.as_mut().and_then(|d| d.prev_start(self.top));
            match prev {
                Some(p) => {
                    self.top = p;
                    self.top_row = self.rows_of(p) - 1;
                }
                None => break,
            }
        }
    }

    pub fn to_top(&mut self) {
        self.top = 0;
        self.top_row = 0;
    }

    fn hex_bottom(&self) -> u64 {
        self.last_hex_row()
            .saturating_sub((self.height as u64).saturating_sub(1) * HEX_ROW)
    }

    /// The last page: the file's end read backwards, a page's rows up.
    fn place_bottom(&mut self) {
        if self.hex {
            self.top = self.hex_bottom();
            return;
        }
        let Some(last) = self.doc.as_mut().map(Document::last_line_start) else {
            return;
        };
        self.top = last;
        self.top_row = self.rows_of(last) - 1;
        self.up(self.height.saturating_sub(1));
    }

    pub fn to_bottom(&mut self) {
        self.place_bottom();
    }

    /// Brings byte `at` (a search match) to the top of the view.
    pub fn show(&mut self, at: u64) {
        if self.hex {
            self.top = at / HEX_ROW * HEX_ROW;
            return;
        }
        let Some(start) = self.doc.as_mut().map(|d| d.line_start_of(at)) else {
            return;
        };
        self.top = start;
        self.top_row = 0;
        if self.wrap {
            // The wrapped row that holds the match.
            let (rows, _) = self.text_rows(start);
            if let Some(i) = rows.iter().position(|r| r.mark.is_some()) {
                self.top_row = i;
            }
        }
    }

    pub fn toggle_wrap(&mut self) {
        self.wrap = !self.wrap;
        self.top_row = 0;
    }

    pub fn toggle_hex(&mut self) {
        self.hex = !self.hex;
        self.top_row = 0;
        if self.hex {
            self.top = self.top / HEX_ROW * HEX_ROW;
        } else if let Some(doc) = self.doc.as_mut() {
            self.top = doc.line_start_of(self.top);
        }
    }

    /// How far through the file the view is, in percent (of what has
    /// arrived).
    pub fn percent(&self) -> u64 {
        let len = self.len();
        match self.rows.last() {
            // The end of the last row shown (its newline counted).
            Some(last) if len > 0 => ((last.end + 1).min(len) * 100 / len).min(100),
            _ => 100,
        }
    }
}

/// A text line as shown: invalid UTF-8 as U+FFFD, tabs expanded, a final
/// CR dropped, control characters escaped (`text::sanitize`). `mark`, a
/// byte range of the line, comes back as a range of characters.
pub fn display(bytes: &[u8], mark: Option<(usize, usize)>) -> (String, Option<(usize, usize)>) {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let cuts = match mark {
        Some((a, b)) => [0, a.min(bytes.len()), b.min(bytes.len()), bytes.len()],
        None => [0, 0, 0, bytes.len()],
    };
    let mut out = String::new();
    let mut col = 0;
    let mut chars = 0;
    let mut marked = (0, 0);
    for (i, w) in cuts.windows(2).enumerate() {
        if i == 1 {
            marked.0 = chars;
        }
        for c in String::from_utf8_lossy(&bytes[w[0]..w[1]]).chars() {
            if c == '\t' {
                let n = TAB - col % TAB;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
                chars += n;
                continue;
            }
            let mut buf = [0u8; 4];
            let one: &str = c.encode_utf8(&mut buf);
            for shown in crate::text::sanitize(one).chars() {
                out.push(shown);
                col += shown.width().unwrap_or(0);
                chars += 1;
            }
        }
        if i == 1 {
            marked.1 = chars;
        }
    }
    (out, mark.map(|_| marked).filter(|(a, b)| a < b))
}

/// `text` cut into rows of at most `width` columns.
fn wrap_rows(
    text: &str,
    mark: Option<(usize, usize)>,
    width: usize,
    (offset, line_end): (u64, u64),
) -> Vec<ViewRow> {
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut used = 0;
    let mut first = 0;
    let mut push = |row: &mut String, first: usize, end: usize| {
        let m = mark.and_then(|(a, b)| {
            let (a, b) = (a.max(first), b.min(end));
            (a < b).then(|| (a - first, b - first))
        });
        rows.push(ViewRow {
            text: std::mem::take(row),
            offset,
            end: line_end,
            mark: m,
        });
    };
    for (i, c) in text.chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w > width && used > 0 {
            push(&mut row, first, i);
            first = i;
            used = 0;
        }
        row.push(c);
        used += w;
    }
    let end = text.chars().count();
    push(&mut row, first, end);
    rows
}

/// `00000010  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a 00 01 02 03  Hello wo rld.....`
fn hex_row(at: u64, bytes: &[u8], mark: Option<(u64, u64)>) -> ViewRow {
    let mut text = format!("{at:08x}  ");
    let hex_col = |i: usize| 10 + 3 * i + usize::from(i >= 8);
    for i in 0..HEX_ROW as usize {
        match bytes.get(i) {
            Some(b) => text.push_str(&format!("{b:02x} ")),
            None => text.push_str("   "),
        }
        if i == 7 {
            text.push(' ');
        }
    }
    text.push(' ');
    for &b in bytes {
        text.push(if b.is_ascii_graphic() || b == b' ' {
            b as char
        } else {
            '.'
        });
    }
    let mark = mark.and_then(|(a, b)| {
        let (a, b) = (a.max(at), b.min(at + bytes.len() as u64));
        (a < b).then(|| {
            (
                hex_col((a - at) as usize),
                hex_col((b - 1 - at) as usize) + 2,
            )
        })
    });
    ViewRow {
        text,
        offset: at,
        end: at + bytes.len() as u64,
        mark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(text: &str, height: usize) -> Viewer {
        let mut v = Viewer::new(
            "t".into(),
            None,
            Some(Document::from_bytes(text.as_bytes().to_vec())),
        );
        v.set_size(20, height);
        v.refresh();
        v
    }

    fn texts(v: &Viewer) -> Vec<&str> {
        v.rows.iter().map(|r| r.text.as_str()).collect()
    }

    #[test]
    fn tabs_controls_and_bad_utf8_are_made_safe() {
        let (t, _) = display(b"a\tb\x1b[2J\xff\r", None);
        assert_eq!(t, "a       b\\x1b[2J\u{fffd}");
        let (t, m) = display(b"x\tneedle y", Some((2, 8)));
        assert_eq!(t, "x       needle y");
        assert_eq!(m, Some((8, 14)));
    }

    #[test]
    fn scrolls_and_stops_at_both_ends() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let mut v = viewer(&text, 10);
        assert_eq!(texts(&v)[0], "line 0");
        v.down(5);
        v.refresh();
        assert_eq!(texts(&v)[0], "line 5");
        v.to_bottom();
        v.refresh();
        assert_eq!(
            texts(&v),
            (90..100).map(|i| format!("line {i}")).collect::<Vec<_>>()
        );
        v.down(3);
        v.refresh();
        assert_eq!(texts(&v)[9], "line 99", "no scrolling past the end");
        v.up(1000);
        v.refresh();
        assert_eq!(texts(&v)[0], "line 0");
    }

    #[test]
    fn wrapping_splits_long_lines_and_scrolls_by_rows() {
        let text = format!("{}\nshort\n", "abcdefghij".repeat(5));
        let mut v = viewer(&text, 10);
        assert_eq!(texts(&v).len(), 2);
        v.toggle_wrap();
        v.refresh();
        assert_eq!(
            texts(&v),
            [
                "abcdefghijabcdefghij",
                "abcdefghijabcdefghij",
                "abcdefghij",
                "short"
            ]
        );
        v.height = 2;
        v.down(1);
        v.refresh();
        assert_eq!(texts(&v), ["abcdefghijabcdefghij", "abcdefghij"]);
        v.to_bottom();
        v.refresh();
        assert_eq!(texts(&v), ["abcdefghij", "short"]);
    }

    #[test]
    fn hex_rows_show_offsets_bytes_and_text() {
        let v = viewer("Hello, world\n\0\x01", 4);
        assert!(v.hex, "a NUL byte opens in hex");
        assert_eq!(
            texts(&v),
            ["00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 00 01     Hello, world...",]
        );
    }
}
