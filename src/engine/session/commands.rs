//! The commands without a data connection: CWD, SIZE, MDTM, MFMT, RNFR/RNTO,
//! DELE, MKD, RMD, SITE CHMOD, NOOP, and `stat` (what a path names).

use suppaftp::Status;

use super::core::{Session, line};
use super::reply::{parse_mdtm, parse_size};
use crate::engine::error::EngineError;
use crate::engine::protocol::RemotePath;

/// What a remote path names, as [`Session::stat`] found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteKind {
    Folder,
    /// A file; `size` is `None` when the server has no SIZE.
    File {
        size: Option<u64>,
    },
    /// Neither: the server's refusal says why (usually "no such file").
    Missing(EngineError),
}

/// CWD's success replies (250; some servers answer 200).
const CWD_OK: &[Status] = &[Status::RequestedFileActionOk, Status::CommandOk];

impl Session {
    /// CWD: changes the server's working folder.
    pub async fn cwd(&mut self, path: &RemotePath) -> Result<(), EngineError> {
        self.cwd_now = None;
        self.command(line("CWD", path.as_bytes()), CWD_OK, "CWD")
            .await?;
        self.cwd_now = Some(path.clone());
        Ok(())
    }

    /// SIZE: `None` when the server says the file is not there (550) or
    /// does not know SIZE.
    pub async fn size(&mut self, path: &RemotePath) -> Result<Option<u64>, EngineError> {
        match self.size_strict(path).await {
            Ok(n) => Ok(n),
            Err(EngineError::Reply { .. }) if self.is_usable() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// SIZE, refusals as errors.
    pub(super) async fn size_strict(
        &mut self,
        path: &RemotePath,
    ) -> Result<Option<u64>, EngineError> {
        let r = self
            .command(line("SIZE", path.as_bytes()), &[Status::File], "SIZE")
            .await?;
        Ok(parse_size(&r.text()))
    }

    /// What `path` (absolute) names: CWD tells a folder (it follows links,
    /// as a copy does), then SIZE a file. Changes the working folder.
    pub async fn stat(&mut self, path: &RemotePath) -> Result<RemoteKind, EngineError> {
        match self.cwd(path).await {
            Ok(()) => return Ok(RemoteKind::Folder),
            Err(EngineError::Reply { .. }) if self.is_usable() => {}
            Err(e) => return Err(e),
        }
        match self.size_strict(path).await {
            Ok(size) => Ok(RemoteKind::File { size }),
            // Neither a folder nor a file SIZE can measure.
            Err(e @ EngineError::Reply { code: 550, .. }) if self.is_usable() => {
                Ok(RemoteKind::Missing(e))
            }
            // No SIZE here (500/502): only the transfer itself can tell.
            Err(EngineError::Reply { .. }) if self.is_usable() => {
                Ok(RemoteKind::File { size: None })
            }
            Err(e) => Err(e),
        }
    }

    /// MDTM: the modification time in UTC, when the server tells it.
    pub async fn mdtm(
        &mut self,
        path: &RemotePath,
    ) -> Result<Option<chrono::NaiveDateTime>, EngineError> {
        match self
            .command(line("MDTM", path.as_bytes()), &[Status::File], "MDTM")
            .await
        {
            Ok(r) => Ok(parse_mdtm(&r.text())),
            Err(EngineError::Reply { .. }) if self.is_usable() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// MFMT: sets a file's modification time (UTC).
    pub async fn mfmt(
        &mut self,
        path: &RemotePath,
        time: chrono::NaiveDateTime,
    ) -> Result<(), EngineError> {
        let verb = format!("MFMT {}", time.format("%Y%m%d%H%M%S"));
        self.command(line(&verb, path.as_bytes()), &[Status::File], "MFMT")
            .await
            .map(drop)
    }

    /// NOOP: keeps an idle control connection alive.
    pub async fn noop(&mut self) -> Result<(), EngineError> {
        self.command(b"NOOP".to_vec(), &[Status::CommandOk], "NOOP")
            .await
            .map(drop)
    }

    pub async fn rename(&mut self, from: &RemotePath, to: &RemotePath) -> Result<(), EngineError> {
        self.command(
            line("RNFR", from.as_bytes()),
            &[Status::RequestFilePending],
            "RNFR",
        )
        .await?;
        self.command(
            line("RNTO", to.as_bytes()),
            &[Status::RequestedFileActionOk, Status::CommandOk],
            "RNTO",
        )
        .await
        .map(drop)
    }

    pub async fn delete(&mut self, path: &RemotePath) -> Result<(), EngineError> {
        self.command(
            line("DELE", path.as_bytes()),
            &[Status::RequestedFileActionOk, Status::CommandOk],
            "DELE",
        )
        .await
        .map(drop)
    }

    pub async fn mkdir(&mut self, path: &RemotePath) -> Result<(), EngineError> {
        self.command(
            line("MKD", path.as_bytes()),
            &[Status::PathCreated, Status::RequestedFileActionOk],
            "MKD",
        )
        .await
        .map(drop)
    }

    pub async fn rmdir(&mut self, path: &RemotePath) -> Result<(), EngineError> {
        self.command(
            line("RMD", path.as_bytes()),
            &[Status::RequestedFileActionOk, Status::CommandOk],
            "RMD",
        )
        .await
        .map(drop)
    }

    /// SITE CHMOD: sets a path's permission bits. A server without it
    /// says so in words of its own (500, 502, 504, or 550 "unknown"):
    /// that becomes a refusal that names SITE CHMOD, not a silent nothing.
    pub async fn chmod(&mut self, path: &RemotePath, mode: u32) -> Result<(), EngineError> {
        let verb = chmod_verb(mode);
        match self
            .command(
                line(&verb, path.as_bytes()),
                super::batch::DONE,
                "SITE CHMOD",
            )
            .await
        {
            Err(EngineError::Reply { code, text }) if self.is_usable() => {
                Err(chmod_refusal(code, text))
            }
            other => other.map(drop),
        }
    }
}

/// `SITE CHMOD 755`: the verb before a path, the mode in octal.
pub fn chmod_verb(mode: u32) -> String {
    format!("SITE CHMOD {:03o}", mode & 0o7777)
}

/// A refused SITE CHMOD: a server that does not know the command is told
/// apart from one that refused this path.
pub fn chmod_refusal(code: u16, text: String) -> EngineError {
    let t = text.to_ascii_lowercase();
    let unknown = matches!(code, 500 | 502 | 504)
        || [
            "unknown",
            "not understood",
            "not implemented",
            "unrecognized",
        ]
        .iter()
        .any(|w| t.contains(w));
    if unknown {
        EngineError::Reply {
            code,
            text: format!("the server does not support SITE CHMOD ({text})"),
        }
    } else {
        EngineError::Reply { code, text }
    }
}
