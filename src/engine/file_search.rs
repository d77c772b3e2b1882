//! `Command::FindInFile`: the viewer's search, on a blocking thread, in
//! 1 MiB chunks from where the view is, forward or backward, ASCII case
//! ignored. The file may be far bigger than memory and may still be
//! arriving (a remote file being fetched): what is there is searched.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

const CHUNK: usize = 1024 * 1024;

/// The offset of the first match at or after `from` (forward), or of the
/// last one that ends at or before `from` (backward); `None` when there is
/// none.
pub fn find(path: &Path, needle: &[u8], from: u64, backward: bool) -> io::Result<Option<u64>> {
    if needle.is_empty() {
        return Ok(None);
    }
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let needle: Vec<u8> = needle.to_ascii_lowercase();
    let finder = memchr::memmem::Finder::new(&needle);
    let rfinder = memchr::memmem::FinderRev::new(&needle);
    // Chunks overlap by the needle's length less one, so a match across
    // two chunks is found.
    let overlap = needle.len() as u64 - 1;
    let mut buf = vec![0u8; CHUNK + needle.len()];
    if !backward {
        let mut at = from;
        while at < len {
            let want = ((len - at) as usize).min(buf.len());
            let got = read_full(&file, &mut buf[..want], at)?;
            if got < needle.len() {
                return Ok(None);
            }
            let chunk = &mut buf[..got];
            chunk.make_ascii_lowercase();
            if let Some(i) = finder.find(chunk) {
                return Ok(Some(at + i as u64));
            }
            at += got as u64 - overlap;
        }
        Ok(None)
    } else {
        let mut end = from.min(len);
        while end >= needle.len() as u64 {
            let start = end.saturating_sub(buf.len() as u64);
            let want = (end - start) as usize;
            let got = read_full(&file, &mut buf[..want], start)?;
            let chunk = &mut buf[..got];
            chunk.make_ascii_lowercase();
            if let Some(i) = rfinder.rfind(chunk) {
                return Ok(Some(start + i as u64));
            }
            if start == 0 {
                break;
            }
            end = start + overlap;
        }
        Ok(None)
    }
}

fn read_full(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_forward_and_backward_across_chunks_ignoring_case() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut data = vec![b'.'; CHUNK * 2 + 100];
        let at = CHUNK - 2; // across the first chunk's end
        data[at..at + 6].copy_from_slice(b"NeEdLe");
        let late = CHUNK * 2 + 10;
        data[late..late + 6].copy_from_slice(b"needle");
        std::fs::write(&path, &data).unwrap();
        let find = |from, back| find(&path, b"needle", from, back).unwrap();
        assert_eq!(find(0, false), Some(at as u64));
        assert_eq!(find(at as u64 + 1, false), Some(late as u64));
        assert_eq!(find(late as u64 + 1, false), None);
        assert_eq!(find(data.len() as u64, true), Some(late as u64));
        assert_eq!(find(late as u64 + 5, true), Some(at as u64));
        assert_eq!(find(at as u64 + 5, true), None);
        assert_eq!(find(at as u64 + 6, true), Some(at as u64));
    }
}
