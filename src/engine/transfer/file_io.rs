//! Local file I/O for transfers, on a blocking thread of its own per file.
//!
//! `tokio::fs` hands every read or write to the blocking pool and back: two
//! thread hand-offs per 256 KiB, which made a 1 GiB download cost twice
//! curl's CPU time (25,000 futex calls; curl makes none). Here one blocking
//! thread per file writes (or reads ahead) whole 1 MiB chunks while the
//! transfer task fills (or drains) the next one; the two meet only when a
//! chunk is full, and a slow disk holds the network back through the short
//! queue between them instead of blocking a runtime thread.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

/// Bytes per hand-off.
const CHUNK: usize = 1 << 20;
/// Full chunks queued between the task and the thread.
const AHEAD: usize = 2;

#[derive(Default)]
struct State {
    /// Writer: full chunks for the thread. Reader: chunks read ahead.
    queue: VecDeque<Vec<u8>>,
    /// Emptied chunks, for reuse.
    free: Vec<Vec<u8>>,
    /// Writer: the thread is writing a chunk it took off the queue.
    busy: bool,
    /// The task side is gone (writer: no more chunks will come).
    closed: bool,
    /// Writer: dropped unfinished (a cancel): a file not made yet is not
    /// made, since the worker removes the partial file right after.
    abandoned: bool,
    /// Reader: the end of the file was reached.
    eof: bool,
    error: Option<io::Error>,
    waker: Option<Waker>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Wakes the thread.
    cond: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic on the other side cannot leave the state half-updated in
        // a way that matters here: keep going with what is there.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wake_task(st: &mut State) {
        if let Some(w) = st.waker.take() {
            w.wake();
        }
    }
}

/// A copy of an error, so it can be reported more than once.
fn copy_of(e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), e.to_string())
}

/// What [`FileWriter::finish`] does once every byte is written.
#[derive(Debug, Default)]
pub struct Finish {
    /// Set the file's modification time.
    pub modified: Option<std::time::SystemTime>,
    /// Give it these permission bits (those of the file it replaces).
    pub mode: Option<u32>,
    /// Then rename it (a download's temporary name to its final one).
    pub rename_to: Option<std::path::PathBuf>,
}

/// What [`FileWriter::finish`] could not do, though the data is written:
/// not worth failing a transfer over.
#[derive(Debug, Default)]
pub struct NotDone {
    /// Setting the modification time.
    pub time: Option<io::Error>,
    /// Setting the permission bits.
    pub mode: Option<io::Error>,
}

/// Writes a file on a thread of its own, started once more than a chunk
/// has arrived (a small file costs no thread). [`FileWriter::close`] or
/// [`FileWriter::finish`] wait until every byte is written; until then
/// `flush` only hands full chunks over. Dropping it abandons what is still
/// queued (a cancel).
pub struct FileWriter {
    shared: Arc<Shared>,
    buf: Vec<u8>,
    /// The file (or how to make it), until the thread takes it.
    file: Option<Opening>,
    path: std::path::PathBuf,
    /// The thread gives the file back when it ends.
    thread: Option<tokio::task::JoinHandle<io::Result<std::fs::File>>>,
}

/// The file a [`FileWriter`] writes, open already or made on first use.
enum Opening {
    Opened(std::fs::File),
    /// Create `path` (emptied if it exists) in this folder, made first.
    /// Blocking: runs on the writer's blocking thread.
    Create {
        dir: std::path::PathBuf,
    },
}

impl Opening {
    fn open(self, path: &std::path::Path) -> io::Result<std::fs::File> {
        match self {
            Opening::Opened(f) => Ok(f),
            Opening::Create { dir } => {
                let named = |e: io::Error, p: &std::path::Path| {
                    io::Error::new(e.kind(), format!("{}: {e}", p.display()))
                };
                std::fs::create_dir_all(&dir).map_err(|e| named(e, &dir))?;
                std::fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(true)
                    .open(path)
                    .map_err(|e| named(e, path))
            }
        }
    }
}

impl FileWriter {
    /// Takes over `file` (at `path`), positioned where writing starts.
    /// `expected` (bytes still to come, when known) sizes the first buffer.
    pub fn new(file: std::fs::File, path: std::path::PathBuf, expected: Option<u64>) -> FileWriter {
        Self::with(Opening::Opened(file), path, expected)
    }

    /// Like `new`, but the file (and its folder `dir`) is created on the
    /// writing thread when the first chunk or `finish` gets there: a small
    /// file then costs one trip to a blocking thread, not two. An error
    /// creating it is met when writing.
    pub fn create_later(
        path: std::path::PathBuf,
        dir: std::path::PathBuf,
        expected: Option<u64>,
    ) -> FileWriter {
        Self::with(Opening::Create { dir }, path, expected)
    }

    fn with(file: Opening, path: std::path::PathBuf, expected: Option<u64>) -> FileWriter {
        let first = expected.map_or(CHUNK, |n| {
            usize::try_from(n).map_or(CHUNK, |n| n.saturating_add(1).min(CHUNK))
        });
        FileWriter {
            shared: Arc::new(Shared::default()),
            buf: Vec::with_capacity(first),
            file: Some(file),
            path,
            thread: None,
        }
    }

    /// Writes everything and closes the file.
    pub async fn close(self) -> io::Result<()> {
        self.finish(Finish::default()).await.0
    }

    /// Writes everything, then sets the time and the mode and renames as
    /// asked, on the same blocking thread. Returns the outcome of writing
    /// and renaming, and separately what of the rest failed.
    pub async fn finish(mut self, then: Finish) -> (io::Result<()>, NotDone) {
        let file = match self.thread.take() {
            None => self.file.take(),
            Some(thread) => {
                use tokio::io::AsyncWriteExt;
                let flushed = self.flush().await;
                self.shared.lock().closed = true;
                self.shared.cond.notify_one();
                let file = thread.await.map_err(io::Error::other).and_then(|r| r);
                match (flushed, file) {
                    (Err(e), _) | (_, Err(e)) => return (Err(e), NotDone::default()),
                    (Ok(()), Ok(f)) => Some(Opening::Opened(f)),
                }
            }
        };
        let Some(file) = file else {
            return (
                Err(io::Error::other("the file was already closed")),
                NotDone::default(),
            );
        };
        let rest = std::mem::take(&mut self.buf);
        let path = self.path.clone();
        let done = tokio::task::spawn_blocking(move || {
            let mut file = file.open(&path)?;
            file.write_all(&rest)?;
            let not_done = NotDone {
                time: then
                    .modified
                    .map(|t| file.set_modified(t))
                    .and_then(Result::err),
                mode: then
                    .mode
                    .map(|m| {
                        use std::os::unix::fs::PermissionsExt;
                        file.set_permissions(std::fs::Permissions::from_mode(m))
                    })
                    .and_then(Result::err),
            };
            drop(file);
            if let Some(to) = &then.rename_to {
                std::fs::rename(&path, to)?;
            }
            Ok(not_done)
        })
        .await;
        match done {
            Ok(Ok(not_done)) => (Ok(()), not_done),
            Ok(Err(e)) => (Err(e), NotDone::default()),
            Err(e) => (Err(io::Error::other(e)), NotDone::default()),
        }
    }

    /// Queues the current chunk for the thread (starting it the first
    /// time), unless the queue is full.
    fn poll_hand_over(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(file) = self.file.take() {
            let theirs = self.shared.clone();
            let path = self.path.clone();
            self.thread = Some(tokio::task::spawn_blocking(move || {
                // Made under the lock, and not once abandoned: a cancel's
                // removal of the partial file then finds it made already
                // or never made, however late this thread starts.
                let opened = {
                    let st = theirs.lock();
                    if st.abandoned {
                        Err(io::Error::other("abandoned"))
                    } else {
                        file.open(&path)
                    }
                };
                match opened {
                    Ok(f) => Ok(write_loop(f, &theirs)),
                    Err(e) => {
                        let mut st = theirs.lock();
                        st.error = Some(copy_of(&e));
                        st.queue.clear();
                        Shared::wake_task(&mut st);
                        Err(e)
                    }
                }
            }));
        }
        let mut st = self.shared.lock();
        if let Some(e) = &st.error {
            return Poll::Ready(Err(copy_of(e)));
        }
        if st.queue.len() >= AHEAD {
            st.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let next = st.free.pop().unwrap_or_else(|| Vec::with_capacity(CHUNK));
        st.queue.push_back(std::mem::replace(&mut self.buf, next));
        drop(st);
        self.shared.cond.notify_one();
        Poll::Ready(Ok(()))
    }
}

/// Writes queued chunks until told to stop; gives the file back.
fn write_loop(mut file: std::fs::File, shared: &Shared) -> std::fs::File {
    loop {
        let mut chunk = {
            let mut st = shared.lock();
            loop {
                if let Some(c) = st.queue.pop_front() {
                    st.busy = true;
                    break c;
                }
                if st.closed {
                    return file;
                }
                st = shared
                    .cond
                    .wait(st)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
        };
        let result = file.write_all(&chunk);
        chunk.clear();
        let mut st = shared.lock();
        st.busy = false;
        st.free.push(chunk);
        if let Err(e) = result {
            st.error = Some(e);
            st.queue.clear();
            Shared::wake_task(&mut st);
            return file;
        }
        Shared::wake_task(&mut st);
    }
}

impl AsyncWrite for FileWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.buf.len() >= CHUNK {
            match this.poll_hand_over(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = data.len().min(CHUNK - this.buf.len());
        this.buf.extend_from_slice(&data[..n]);
        Poll::Ready(Ok(n))
    }

    /// With the thread running: hands over what is buffered and waits until
    /// it is written. Without (less than a chunk so far): nothing to do
    /// until `close`/`finish`, which write it in one go.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.thread.is_none() {
            return Poll::Ready(Ok(()));
        }
        if !this.buf.is_empty() {
            match this.poll_hand_over(cx) {
                Poll::Ready(Ok(())) => {}
                other => return other,
            }
        }
        let mut st = this.shared.lock();
        if let Some(e) = &st.error {
            return Poll::Ready(Err(copy_of(e)));
        }
        if st.queue.is_empty() && !st.busy {
            return Poll::Ready(Ok(()));
        }
        st.waker = Some(cx.waker().clone());
        Poll::Pending
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl Drop for FileWriter {
    fn drop(&mut self) {
        // Abandoned (a cancel): stop after the chunk being written, and
        // make no file if none was made yet. (After `finish` the thread
        // has ended: this changes nothing.)
        let mut st = self.shared.lock();
        st.closed = true;
        st.abandoned = true;
        st.queue.clear();
        drop(st);
        self.shared.cond.notify_one();
    }
}

/// Reads a file ahead on a thread of its own.
pub struct FileReader {
    shared: Arc<Shared>,
    chunk: Vec<u8>,
    pos: usize,
}

impl FileReader {
    /// Takes over `file`, positioned where reading starts.
    pub fn new(file: std::fs::File) -> FileReader {
        let shared = Arc::new(Shared::default());
        let theirs = shared.clone();
        // Detached: it ends at the end of the file, on an error, or when
        // the reader is dropped.
        drop(tokio::task::spawn_blocking(move || {
            read_loop(file, &theirs)
        }));
        FileReader {
            shared,
            chunk: Vec::new(),
            pos: 0,
        }
    }
}

fn read_loop(mut file: std::fs::File, shared: &Shared) {
    loop {
        let mut chunk = {
            let mut st = shared.lock();
            while st.queue.len() >= AHEAD && !st.closed {
                st = shared
                    .cond
                    .wait(st)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if st.closed {
                return;
            }
            st.free.pop().unwrap_or_default()
        };
        if chunk.len() < CHUNK {
            chunk.resize(CHUNK, 0);
        }
        let mut filled = 0;
        let result = loop {
            match file.read(&mut chunk[filled..]) {
                Ok(0) => break Ok(true),
                Ok(n) => {
                    filled += n;
                    if filled == CHUNK {
                        break Ok(false);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        chunk.truncate(filled);
        let mut st = shared.lock();
        if !chunk.is_empty() {
            st.queue.push_back(chunk);
        }
        let stop = match result {
            Ok(eof) => {
                st.eof = eof;
                eof
            }
            Err(e) => {
                st.error = Some(e);
                true
            }
        };
        Shared::wake_task(&mut st);
        if stop {
            return;
        }
    }
}

impl FileReader {
    /// Makes the next chunk current when the last one is used up; Pending
    /// while the thread is still reading it.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.pos < self.chunk.len() {
            return Poll::Ready(Ok(()));
        }
        let mut st = self.shared.lock();
        match st.queue.pop_front() {
            Some(next) => {
                // Kept at its length: the thread reads over it without
                // zeroing it again.
                let old = std::mem::replace(&mut self.chunk, next);
                self.pos = 0;
                if old.capacity() > 0 {
                    st.free.push(old);
                }
                drop(st);
                self.shared.cond.notify_one();
                Poll::Ready(Ok(()))
            }
            None => {
                if let Some(e) = &st.error {
                    return Poll::Ready(Err(copy_of(e)));
                }
                if st.eof {
                    // Used up: an empty slice says end of file.
                    self.chunk.clear();
                    self.pos = 0;
                    return Poll::Ready(Ok(()));
                }
                st.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Required by `AsyncBufRead`; uploads use `fill_buf`/`consume` below.
impl AsyncRead for FileReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_chunk(cx))?;
        let n = out.remaining().min(this.chunk.len() - this.pos);
        out.put_slice(&this.chunk[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

/// Uploads write straight from the chunk the thread read: no copy into a
/// buffer of their own (1 GiB of memcpy saved per GiB sent).
impl AsyncBufRead for FileReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_chunk(cx))?;
        Poll::Ready(Ok(&this.chunk[this.pos..]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        this.pos = (this.pos + amt).min(this.chunk.len());
    }
}

impl Drop for FileReader {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.closed = true;
        drop(st);
        self.shared.cond.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    /// Reads as an upload does: chunk by chunk, straight from the reader.
    async fn read_all(mut r: FileReader) -> Vec<u8> {
        let mut got = Vec::new();
        loop {
            let chunk = r.fill_buf().await.expect("read");
            if chunk.is_empty() {
                return got;
            }
            got.extend_from_slice(chunk);
            let n = chunk.len();
            r.consume(n);
        }
    }

    /// A writer dropped (a cancel) before its thread made the file makes
    /// none: the worker removes the partial file right after dropping it,
    /// and a thread that starts late must not put the file back.
    #[test]
    fn an_abandoned_writer_makes_no_file_when_its_thread_starts_late() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(1)
            .build()
            .expect("runtime");
        rt.block_on(async {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join(".f.wharf-part");
            // The one blocking thread is busy: the writer's thread waits.
            let (release, held) = std::sync::mpsc::channel::<()>();
            let busy = tokio::task::spawn_blocking(move || {
                let _ = held.recv();
            });
            let mut w = FileWriter::create_later(path.clone(), dir.path().to_path_buf(), None);
            w.write_all(&data(CHUNK + 1)).await.expect("queued");
            drop(w);
            let _ = std::fs::remove_file(&path);
            release.send(()).expect("release");
            busy.await.expect("busy");
            // Queued behind the writer's thread: runs once it has ended.
            tokio::task::spawn_blocking(|| ()).await.expect("after");
            assert!(!path.exists(), "the abandoned writer made its file");
        });
    }

    #[tokio::test]
    async fn writes_and_reads_back_across_chunks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let want = data(3 * CHUNK + 12_345);
        let mut w = FileWriter::new(
            std::fs::File::create(&path).expect("create"),
            path.clone(),
            None,
        );
        for piece in want.chunks(100_000) {
            w.write_all(piece).await.expect("write");
        }
        w.close().await.expect("close");
        assert_eq!(std::fs::read(&path).expect("read"), want);

        let got = read_all(FileReader::new(std::fs::File::open(&path).expect("open"))).await;
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn finish_writes_sets_the_time_and_mode_and_renames() {
        let dir = tempfile::tempdir().expect("tempdir");
        let part = dir.path().join(".f.part");
        let done = dir.path().join("f");
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_164_645);
        for len in [10, 3 * CHUNK + 1] {
            let want = data(len);
            let mut w = FileWriter::new(
                std::fs::File::create(&part).expect("create"),
                part.clone(),
                Some(len as u64),
            );
            w.write_all(&want).await.expect("write");
            w.flush().await.expect("flush");
            let (written, not_done) = w
                .finish(Finish {
                    modified: Some(when),
                    mode: Some(0o751),
                    rename_to: Some(done.clone()),
                })
                .await;
            written.expect("written");
            assert!(
                not_done.time.is_none() && not_done.mode.is_none(),
                "{not_done:?}"
            );
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&done).expect("meta").permissions().mode();
            assert_eq!(mode & 0o7777, 0o751);
            assert!(!part.exists());
            assert_eq!(std::fs::read(&done).expect("read"), want);
            let meta = std::fs::metadata(&done).expect("meta");
            assert_eq!(meta.modified().expect("mtime"), when);
        }
    }

    #[tokio::test]
    async fn an_empty_file_reads_as_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("e");
        std::fs::write(&path, b"").expect("write");
        let got = read_all(FileReader::new(std::fs::File::open(&path).expect("open"))).await;
        assert!(got.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_write_error_is_reported() {
        // /dev/full refuses every write with ENOSPC.
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let mut w = FileWriter::new(full, "/dev/full".into(), None);
        let mut failed = false;
        for _ in 0..8 {
            if w.write_all(&data(CHUNK)).await.is_err() {
                failed = true;
                break;
            }
        }
        let closed = w.close().await;
        assert!(failed || closed.is_err());
    }
}
