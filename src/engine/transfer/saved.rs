//! The saved queue: files not finished when wharf quit (or the user
//! disconnected) are kept in `queue.toml` in the data folder, by server,
//! and offered again the next time wharf connects to that server; their
//! partial `.name.wharf-part` files are continued, not started afresh.
//!
//! The file is private (0600) and replaced atomically (`private_file`).
//! Paths are kept as percent-encoded bytes, so a server's Latin-1 name or
//! a local name that is not UTF-8 comes back exactly. Blocking: the
//! scheduler calls these on a blocking thread.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use serde::{Deserialize, Serialize};

use super::job::Job;
use crate::engine::protocol::{Direction, RemotePath};

/// The file's name in the data folder.
pub const FILE_NAME: &str = "queue.toml";

/// One unfinished file, as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedJob {
    /// `user@host:port`, as batches name their server.
    pub server: String,
    pub upload: bool,
    /// Percent-encoded bytes of the remote path.
    pub remote: String,
    /// Percent-encoded bytes of the local path.
    pub local: String,
    /// What the queue showed for it.
    pub display: String,
    pub size: Option<u64>,
    pub move_after: bool,
    /// Checked against the server's hash (absent in older files: no).
    #[serde(default)]
    pub verify: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    #[serde(default)]
    transfer: Vec<SavedJob>,
}

/// Why the saved queue could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SavedError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a saved queue: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("cannot {step} {path}: {source}")]
    Write {
        step: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

fn encode(bytes: &[u8]) -> String {
    percent_encode(bytes, NON_ALPHANUMERIC).to_string()
}

fn decode(text: &str) -> Vec<u8> {
    percent_decode_str(text).collect()
}

impl SavedJob {
    pub fn of(job: &Job, server: &str) -> SavedJob {
        use std::os::unix::ffi::OsStrExt;
        SavedJob {
            server: server.to_string(),
            upload: job.direction == Direction::Upload,
            remote: encode(job.remote.as_bytes()),
            local: encode(job.local.as_os_str().as_bytes()),
            display: job.display.clone(),
            size: job.size,
            move_after: job.move_after,
            verify: job.verify,
        }
    }

    pub fn direction(&self) -> Direction {
        if self.upload {
            Direction::Upload
        } else {
            Direction::Download
        }
    }

    pub fn remote_path(&self) -> RemotePath {
        RemotePath::from_bytes(decode(&self.remote))
    }

    pub fn local_path(&self) -> PathBuf {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(decode(&self.local)))
    }

    fn key(&self) -> (&str, bool, &str, &str) {
        (&self.server, self.upload, &self.remote, &self.local)
    }
}

fn read(path: &Path) -> Result<Vec<SavedJob>, SavedError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(SavedError::Read {
                path: path.into(),
                source,
            });
        }
    };
    toml::from_str::<File>(&text)
        .map(|f| f.transfer)
        .map_err(|e| SavedError::Parse {
            path: path.into(),
            message: e.message().to_string(),
        })
}

fn write(path: &Path, jobs: Vec<SavedJob>) -> Result<(), SavedError> {
    if jobs.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SavedError::Write {
                step: "remove",
                path: path.into(),
                source: e,
            }),
            _ => Ok(()),
        };
    }
    let text = toml::to_string(&File { transfer: jobs }).map_err(|e| SavedError::Parse {
        path: path.into(),
        message: e.to_string(),
    })?;
    crate::private_file::write_atomic(path, text.as_bytes()).map_err(|(step, source)| {
        SavedError::Write {
            step,
            path: path.into(),
            source,
        }
    })
}

/// Adds `jobs` to the saved queue (a file saved twice is kept once).
pub fn add(path: &Path, jobs: Vec<SavedJob>) -> Result<(), SavedError> {
    let mut all = read(path)?;
    let known: HashSet<_> = all.iter().map(|j| j.key()).map(own).collect();
    all.extend(jobs.into_iter().filter(|j| !known.contains(&own(j.key()))));
    write(path, all)
}

fn own((a, b, c, d): (&str, bool, &str, &str)) -> (String, bool, String, String) {
    (a.into(), b, c.into(), d.into())
}

/// How many files are saved for `server`, and their bytes (as known).
pub fn count(path: &Path, server: &str) -> Result<(usize, u64), SavedError> {
    let jobs = read(path)?;
    let of: Vec<_> = jobs.iter().filter(|j| j.server == server).collect();
    Ok((of.len(), of.iter().filter_map(|j| j.size).sum()))
}

/// Takes the files saved for `server` out of the saved queue.
pub fn take(path: &Path, server: &str) -> Result<Vec<SavedJob>, SavedError> {
    let (of, rest): (Vec<_>, Vec<_>) = read(path)?.into_iter().partition(|j| j.server == server);
    if !of.is_empty() {
        write(path, rest)?;
    }
    Ok(of)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::engine::transfer::jobs::tests::job;

    #[test]
    fn saved_files_come_back_for_their_server_only_and_exactly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("data").join(FILE_NAME);
        let mut latin1 = job(1, 1);
        latin1.remote = RemotePath::from_bytes(b"/pub/caf\xe9 50%.bin".to_vec());
        latin1.local = PathBuf::from("/tmp/caf\u{e9} 50%.bin");
        let a = SavedJob::of(&latin1, "ann@a:21");
        let b = SavedJob::of(&job(2, 1), "bob@b:21");
        add(&path, vec![a.clone(), b.clone()]).expect("save");
        add(&path, vec![a.clone()]).expect("save again");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(count(&path, "ann@a:21").expect("count"), (1, 100));
        let back = take(&path, "ann@a:21").expect("take");
        assert_eq!(back, [a]);
        assert_eq!(back[0].remote_path(), latin1.remote);
        assert_eq!(back[0].local_path(), latin1.local);
        assert_eq!(count(&path, "ann@a:21").expect("count"), (0, 0));
        assert_eq!(take(&path, "bob@b:21").expect("take"), [b]);
        assert!(!path.exists(), "an empty saved queue leaves no file");
    }
}
