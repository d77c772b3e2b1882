//! The commands without a data connection: CWD, SIZE, MDTM, MFMT, RNFR/RNTO,
//! DELE, MKD, RMD, SITE CHMOD, NOOP, and `stat` (what a path names).
//! And `gone`: an idle connection watched for the server closing it.

use suppaftp::Status;

use super::control::ControlError;
use super::core::{Session, line};
use super::failure::StepError;
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

/// What became of a `SITE CHMOD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chmod {
    Done,
    /// The server has no `SITE CHMOD` (`lacks_site_chmod`): found out now
    /// (`first`: the first time any connection of this connector heard
    /// it), or known from before, and then not asked.
    Unsupported {
        first: bool,
    },
}

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

    /// Sets a file's modification time (UTC): MFMT where FEAT lists it,
    /// else the two-argument `MDTM <time> <path>` (vsftpd's way, with
    /// `mdtm_write`) where FEAT lists MDTM. A server that refuses that
    /// (one that reads the two words as one file name answers 550) is
    /// remembered (`quirks.rs`) and not asked again. False when the
    /// server has no way to set it.
    pub async fn set_time(
        &mut self,
        path: &RemotePath,
        time: chrono::NaiveDateTime,
    ) -> Result<bool, EngineError> {
        if self.has_feature("MFMT") {
            return self.mfmt(path, time).await.map(|()| true);
        }
        let server = self.profile.authority();
        if !self.has_feature("MDTM") || self.connector.quirks.of(&server).no_mdtm_set {
            return Ok(false);
        }
        let verb = format!("MDTM {}", time.format("%Y%m%d%H%M%S"));
        match self
            .command(
                line(&verb, path.as_bytes()),
                &[
                    Status::File,
                    Status::RequestedFileActionOk,
                    Status::CommandOk,
                ],
                "MDTM",
            )
            .await
        {
            Ok(_) => Ok(true),
            Err(EngineError::Reply { code, .. }) if code >= 500 && self.is_usable() => {
                self.connector
                    .quirks
                    .learn(&server, |q| q.no_mdtm_set = true);
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// `SITE CHMOD <octal> <path>`: gives a path its permission bits (the
    /// one way wharf sends it alone: a replaced file's mode, the chmod
    /// file operation's first path). A server that does not have the
    /// command (`lacks_site_chmod`) is remembered (`quirks.rs`) and not
    /// asked again; other refusals (550) are errors.
    pub async fn site_chmod(&mut self, path: &RemotePath, mode: u32) -> Result<Chmod, EngineError> {
        let server = self.profile.authority();
        if self.connector.quirks.of(&server).no_site_chmod {
            return Ok(Chmod::Unsupported { first: false });
        }
        match self
            .command(
                line(&chmod_verb(mode), path.as_bytes()),
                super::batch::DONE,
                "SITE CHMOD",
            )
            .await
        {
            Ok(_) => Ok(Chmod::Done),
            Err(EngineError::Reply { code, text })
                if lacks_site_chmod(code, &text) && self.is_usable() =>
            {
                let mut first = false;
                self.connector.quirks.learn(&server, |q| {
                    first = !q.no_site_chmod;
                    q.no_site_chmod = true;
                });
                Ok(Chmod::Unsupported { first })
            }
            Err(e) => Err(e),
        }
    }

    /// For an idle connection (no command outstanding): waits until the
    /// server closes it, or says 421 before it goes, and returns why it is
    /// gone (the session is broken then). Anything else a server says
    /// unasked is read (the log shows it) and the wait goes on. Dropping
    /// the future is safe until the server has sent something.
    pub async fn gone(&mut self) -> EngineError {
        loop {
            match self.ctrl.wait_unasked().await {
                Ok(false) => {}
                Ok(true) => return self.fail(ControlError::Closed.into()),
                Err(e) => return self.fail(e.into()),
            }
            let t = self.profile.timeouts.reply;
            match tokio::time::timeout(t, self.ctrl.read_reply()).await {
                Ok(Ok(r)) if r.code == 421 => return self.fail(StepError::Unexpected(r)),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return self.fail(e.into()),
                Err(_) => return self.fail(StepError::Timeout("the rest of a reply".into())),
            }
        }
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
}

/// `SITE CHMOD 755`: the verb before a path, the mode in octal.
pub fn chmod_verb(mode: u32) -> String {
    format!("SITE CHMOD {:03o}", mode & 0o7777)
}

/// Whether a refusal of SITE CHMOD says the server has no such command
/// rather than refusing this path: 500, 502, 504, or words of its own
/// (some answer 550 "unknown").
fn lacks_site_chmod(code: u16, text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    matches!(code, 500 | 502 | 504)
        || [
            "unknown",
            "not understood",
            "not implemented",
            "unrecognized",
        ]
        .iter()
        .any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_site_chmod_is_told_from_a_refused_path() {
        assert!(lacks_site_chmod(502, "Unknown SITE command"));
        assert!(lacks_site_chmod(500, "'SITE CHMOD' not understood"));
        assert!(lacks_site_chmod(550, "SITE CHMOD: unknown command"));
        assert!(!lacks_site_chmod(550, "No such file or directory"));
        assert!(!lacks_site_chmod(550, "Permission denied"));
    }
}
