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

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

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

/// Writes a file on a thread of its own. Call [`FileWriter::close`] to wait
/// until every byte is written; dropping it abandons what is still queued.
pub struct FileWriter {
    shared: Arc<Shared>,
    buf: Vec<u8>,
    thread: Option<tokio::task::JoinHandle<()>>,
}

impl FileWriter {
    /// Takes over `file`, positioned where writing starts.
    pub fn new(file: std::fs::File) -> FileWriter {
        let shared = Arc::new(Shared::default());
        let theirs = shared.clone();
        let thread = tokio::task::spawn_blocking(move || write_loop(file, &theirs));
        FileWriter {
            shared,
            buf: Vec::with_capacity(CHUNK),
            thread: Some(thread),
        }
    }

    /// Writes what is buffered, waits for the thread to finish and closes the file.
    pub async fn close(mut self) -> io::Result<()> {
        use tokio::io::AsyncWriteExt;
        let flushed = self.flush().await;
        {
            let mut st = self.shared.lock();
            st.closed = true;
        }
        self.shared.cond.notify_one();
        if let Some(t) = self.thread.take() {
            t.await.map_err(io::Error::other)?;
        }
        flushed
    }

    /// Queues the current chunk for the thread, unless the queue is full.
    fn poll_hand_over(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
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

fn write_loop(mut file: std::fs::File, shared: &Shared) {
    loop {
        let mut chunk = {
            let mut st = shared.lock();
            loop {
                if let Some(c) = st.queue.pop_front() {
                    st.busy = true;
                    break c;
                }
                if st.closed {
                    return;
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
            return;
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

    /// Hands over what is buffered and waits until the thread has written it all.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
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
        // Abandoned (a cancel): stop after the chunk being written.
        let mut st = self.shared.lock();
        st.closed = true;
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

impl AsyncRead for FileReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pos >= this.chunk.len() {
            let mut st = this.shared.lock();
            match st.queue.pop_front() {
                Some(next) => {
                    // Kept at its length: the thread reads over it without
                    // zeroing it again.
                    let old = std::mem::replace(&mut this.chunk, next);
                    this.pos = 0;
                    if old.capacity() > 0 {
                        st.free.push(old);
                    }
                    drop(st);
                    this.shared.cond.notify_one();
                }
                None => {
                    if let Some(e) = &st.error {
                        return Poll::Ready(Err(copy_of(e)));
                    }
                    if st.eof {
                        return Poll::Ready(Ok(()));
                    }
                    st.waker = Some(cx.waker().clone());
                    return Poll::Pending;
                }
            }
        }
        let n = out.remaining().min(this.chunk.len() - this.pos);
        out.put_slice(&this.chunk[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(()))
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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[tokio::test]
    async fn writes_and_reads_back_across_chunks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let want = data(3 * CHUNK + 12_345);
        let mut w = FileWriter::new(std::fs::File::create(&path).expect("create"));
        for piece in want.chunks(100_000) {
            w.write_all(piece).await.expect("write");
        }
        w.close().await.expect("close");
        assert_eq!(std::fs::read(&path).expect("read"), want);

        let mut r = FileReader::new(std::fs::File::open(&path).expect("open"));
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.expect("read");
        assert_eq!(got, want);
    }

    #[tokio::test]
    async fn an_empty_file_reads_as_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("e");
        std::fs::write(&path, b"").expect("write");
        let mut r = FileReader::new(std::fs::File::open(&path).expect("open"));
        let mut got = Vec::new();
        r.read_to_end(&mut got).await.expect("read");
        assert!(got.is_empty());
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn a_write_error_is_reported() {
        // /dev/full refuses every write with ENOSPC.
        let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
            return;
        };
        let mut w = FileWriter::new(full);
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
