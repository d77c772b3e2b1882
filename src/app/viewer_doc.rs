//! The viewer's file: read in 64 KiB blocks as the screen needs them,
//! never whole. A few blocks are cached (4 MiB at most); lines are found
//! by scanning from where the view is, forward or backward, so the first
//! screen and the last one of a file of any size cost a few blocks each.
//!
//! A line longer than [`MAX_LINE`] bytes is shown in pieces of that many
//! bytes, so that no scan is unbounded: a piece starts at a multiple of
//! `MAX_LINE` from its line's start, going forward and backward alike.
//!
//! The reads are plain `pread`s on the UI's thread, as mc and less do: a
//! key costs a few blocks at most (a few microseconds from the page
//! cache). Searching, which may read the whole file, is the engine's
//! (`Command::FindInFile`).

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// Bytes read at a time.
pub const BLOCK: u64 = 64 * 1024;
/// Blocks kept in memory.
const CACHE_BLOCKS: usize = 64;
/// A line longer than this is shown in pieces of this many bytes.
pub const MAX_LINE: u64 = 8 * 1024;
/// How far back a line's start is looked for before giving up on finding
/// where its pieces begin.
const LONG_SCAN: u64 = 1024 * 1024;
/// The bytes looked at to tell a binary file from text.
const SNIFF: u64 = 8 * 1024;

/// Where the bytes come from: a file, or memory (tests, snapshots).
#[derive(Clone)]
enum Source {
    File(Arc<File>),
    Memory(Arc<[u8]>),
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::File(_) => write!(f, "File"),
            Source::Memory(b) => write!(f, "Memory({} bytes)", b.len()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Document {
    source: Source,
    len: u64,
    /// (block number, its bytes), the most recently used last.
    cache: Vec<(u64, Arc<[u8]>)>,
}

/// One line (or piece of a long one): its bytes' range and where the next
/// one starts (`None`: it is the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    pub start: u64,
    pub end: u64,
    pub next: Option<u64>,
}

impl Document {
    pub fn open(path: &Path) -> io::Result<Document> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(Document {
            source: Source::File(Arc::new(file)),
            len,
            cache: Vec::new(),
        })
    }

    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Document {
        let bytes: Vec<u8> = bytes.into();
        Document {
            len: bytes.len() as u64,
            source: Source::Memory(bytes.into()),
            cache: Vec::new(),
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Reads the size again (a file still arriving grows). The last block
    /// may have been cached short: it is dropped.
    pub fn refresh_len(&mut self) {
        if let Source::File(f) = &self.source
            && let Ok(m) = f.metadata()
            && m.len() != self.len
        {
            self.len = m.len();
            self.cache.clear();
        }
    }

    /// Whether the start looks like a binary file: a NUL byte, or more than
    /// one byte in ten a control character that text does not use.
    pub fn looks_binary(&mut self) -> bool {
        let head = self.read(0, SNIFF.min(self.len) as usize);
        if head.contains(&0) {
            return true;
        }
        let odd = head
            .iter()
            .filter(|&&b| {
                (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f
            })
            .count();
        odd * 10 > head.len()
    }

    fn block(&mut self, n: u64) -> Arc<[u8]> {
        if let Some(i) = self.cache.iter().position(|(b, _)| *b == n) {
            let hit = self.cache.remove(i);
            let bytes = hit.1.clone();
            self.cache.push(hit);
            return bytes;
        }
        let start = n * BLOCK;
        let want = BLOCK.min(self.len.saturating_sub(start)) as usize;
        let bytes: Arc<[u8]> = match &self.source {
            Source::Memory(m) => m[start as usize..start as usize + want].into(),
            Source::File(f) => read_at(f, start, want).into(),
        };
        if self.cache.len() == CACHE_BLOCKS {
            self.cache.remove(0);
        }
        self.cache.push((n, bytes.clone()));
        bytes
    }

    /// Up to `len` bytes from `at` (fewer at the end of the file, or when
    /// the file shrank under us).
    pub fn read(&mut self, at: u64, len: usize) -> Vec<u8> {
        let end = (at + len as u64).min(self.len);
        let mut out = Vec::with_capacity(end.saturating_sub(at) as usize);
        let mut pos = at;
        while pos < end {
            let block = self.block(pos / BLOCK);
            let from = (pos % BLOCK) as usize;
            if from >= block.len() {
                break;
            }
            let to = block.len().min(from + (end - pos) as usize);
            out.extend_from_slice(&block[from..to]);
            pos += (to - from) as u64;
        }
        out
    }

    /// The first `\n` in `[from, to)`.
    fn find_newline(&mut self, from: u64, to: u64) -> Option<u64> {
        let mut pos = from;
        while pos < to {
            let block = self.block(pos / BLOCK);
            let off = (pos % BLOCK) as usize;
            if off >= block.len() {
                return None;
            }
            let stop = block.len().min(off + (to - pos) as usize);
            if let Some(i) = memchr::memchr(b'\n', &block[off..stop]) {
                return Some(pos + i as u64);
            }
            pos += (stop - off) as u64;
        }
        None
    }

    /// The last `\n` in `[from, to)`.
    fn rfind_newline(&mut self, from: u64, to: u64) -> Option<u64> {
        let mut end = to;
        while end > from {
            let n = (end - 1) / BLOCK;
            let block = self.block(n);
            let base = n * BLOCK;
            let lo = from.max(base);
            let (a, b) = (
                (lo - base) as usize,
                ((end - base) as usize).min(block.len()),
            );
            if a >= b {
                return None;
            }
            if let Some(i) = memchr::memrchr(b'\n', &block[a..b]) {
                return Some(base + (a + i) as u64);
            }
            end = lo;
        }
        None
    }

    /// The line (or piece) that starts at `start`.
    pub fn line_at(&mut self, start: u64) -> LineSpan {
        let window = (start + MAX_LINE + 1).min(self.len);
        match self.find_newline(start, window) {
            Some(nl) => LineSpan {
                start,
                end: nl,
                next: (nl + 1 < self.len).then_some(nl + 1),
            },
            None if start + MAX_LINE < self.len => LineSpan {
                start,
                end: start + MAX_LINE,
                next: Some(start + MAX_LINE),
            },
            None => LineSpan {
                start,
                end: self.len,
                next: None,
            },
        }
    }

    /// Where the line (or piece) before the one starting at `start` starts;
    /// `None` at the top.
    pub fn prev_start(&mut self, start: u64) -> Option<u64> {
        if start == 0 {
            return None;
        }
        let start = start.min(self.len);
        // The previous line's content ends before its newline, if it has one.
        let last = if self.read(start - 1, 1) == [b'\n'] {
            start - 1
        } else {
            start
        };
        let floor = last.saturating_sub(LONG_SCAN);
        let line_start = match self.rfind_newline(floor, last) {
            Some(nl) => nl + 1,
            None if floor == 0 => 0,
            // A line longer than we look: its pieces counted from here.
            None => return Some(last.saturating_sub(MAX_LINE)),
        };
        if last <= line_start {
            return Some(line_start);
        }
        Some(line_start + (last - 1 - line_start) / MAX_LINE * MAX_LINE)
    }

    /// The start of the line (or piece) that holds byte `at`.
    pub fn line_start_of(&mut self, at: u64) -> u64 {
        let at = at.min(self.len);
        let floor = at.saturating_sub(LONG_SCAN);
        let line_start = match self.rfind_newline(floor, at) {
            Some(nl) => nl + 1,
            None if floor == 0 => 0,
            None => return at - at % MAX_LINE,
        };
        line_start + (at - line_start) / MAX_LINE * MAX_LINE
    }

    /// The start of the last line (or piece): the file's end read backwards.
    pub fn last_line_start(&mut self) -> u64 {
        if self.len == 0 {
            return 0;
        }
        // A final newline ends the last line; it does not start another.
        self.prev_start(self.len).unwrap_or(0)
    }
}

/// `want` bytes at `at`, fewer when the file is shorter; an error reads as
/// the end of the file (the view shows what it has).
fn read_at(file: &File, at: u64, want: usize) -> Vec<u8> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; want];
    let mut got = 0;
    while got < want {
        match file.read_at(&mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    buf.truncate(got);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_forward(doc: &mut Document) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut at = Some(0);
        while let Some(s) = at {
            let l = doc.line_at(s);
            out.push((l.start, l.end));
            at = l.next;
        }
        out
    }

    fn lines_backward(doc: &mut Document) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut at = Some(doc.last_line_start());
        while let Some(s) = at {
            let l = doc.line_at(s);
            out.push((l.start, l.end));
            at = doc.prev_start(s);
        }
        out.reverse();
        out
    }

    #[test]
    fn lines_read_the_same_forward_and_backward() {
        let long = "x".repeat(MAX_LINE as usize * 2 + 5);
        let exact = "y".repeat(MAX_LINE as usize);
        for text in [
            String::new(),
            "one".into(),
            "one\n".into(),
            "one\ntwo\n\nfour".into(),
            "\n\n\n".into(),
            format!("a\n{long}\nb\n"),
            format!("{exact}\n{exact}"),
            long.clone(),
        ] {
            let mut doc = Document::from_bytes(text.clone());
            let fwd = lines_forward(&mut doc);
            let back = lines_backward(&mut doc);
            assert_eq!(fwd, back, "{:?}", &text[..text.len().min(20)]);
            for (s, e) in &fwd {
                assert!(e - s <= MAX_LINE);
                assert_eq!(doc.line_start_of(*s), *s);
                if e > s {
                    assert_eq!(doc.line_start_of(e - 1), *s);
                }
            }
        }
    }

    #[test]
    fn blocks_are_crossed_and_the_cache_stays_bounded() {
        let mut text = String::new();
        for i in 0..200_000 {
            text.push_str(&format!("line {i}\n"));
        }
        let mut doc = Document::from_bytes(text.clone());
        assert_eq!(lines_forward(&mut doc).len(), 200_000);
        assert!(doc.cache.len() <= CACHE_BLOCKS);
        let last = doc.last_line_start();
        let l = doc.line_at(last);
        assert_eq!(
            doc.read(l.start, (l.end - l.start) as usize),
            b"line 199999"
        );
    }

    #[test]
    fn nul_bytes_or_control_characters_mean_binary() {
        assert!(Document::from_bytes(b"abc\0def".to_vec()).looks_binary());
        assert!(Document::from_bytes(vec![1u8; 100]).looks_binary());
        assert!(!Document::from_bytes("héllo\twörld\r\n".as_bytes().to_vec()).looks_binary());
        assert!(!Document::from_bytes(vec![0xffu8; 100]).looks_binary());
    }
}
