//! Who owns one path (`FileOp::Details`, the `i` dialog): `MLST <path>`
//! when FEAT lists MLST (its `UNIX.ownername`/`UNIX.owner` facts), else
//! `STAT <path>`, whose multi-line reply is an `ls -l` listing on vsftpd
//! and proftpd, else `LIST <path>` over a data connection. The answers
//! are read by `listing/owner.rs`.

use super::core::{Session, line};
use super::data::{After, Ahead, DataOp, read_data};
use super::failure::StepError;
use crate::engine::error::EngineError;
use crate::engine::listing::{Owner, owner_from_ls_lines, owner_from_mlst};
use crate::engine::protocol::RemotePath;

/// A `LIST <path>` for one entry is a line or a folder's contents: more
/// than this is not worth reading for an owner.
const MAX_LIST_BYTES: usize = 1024 * 1024;

impl Session {
    /// The owner and group of `path`, as the server tells them (a name,
    /// or a number); `Owner::default()` when it tells neither.
    pub async fn owner_of(&mut self, path: &RemotePath) -> Result<Owner, EngineError> {
        let today = chrono::Local::now().date_naive();
        if self.has_feature("MLST") {
            let r = self.exchange(line("MLST", path.as_bytes()), "MLST").await?;
            if r.code == 250 {
                let owner = owner_from_mlst(&r.lines);
                if owner.is_known() {
                    return Ok(owner);
                }
            }
        }
        let r = self.exchange(line("STAT", path.as_bytes()), "STAT").await?;
        if (211..=213).contains(&r.code) {
            let owner = owner_from_ls_lines(&r.lines, path.as_bytes(), today);
            if owner.is_known() {
                return Ok(owner);
            }
        }
        let lines = self.list_path(path).await?;
        Ok(owner_from_ls_lines(&lines, path.as_bytes(), today))
    }

    /// `LIST <path>`, its lines as they came (a refusal: none).
    async fn list_path(&mut self, path: &RemotePath) -> Result<Vec<Vec<u8>>, EngineError> {
        let op = DataOp::ListPath(path.as_bytes());
        let mut conn = match self.open_data(op, 0, Ahead::default()).await {
            Ok(o) => o.conn,
            Err(EngineError::Reply { .. }) if self.is_usable() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let t = self.profile.timeouts.reply;
        let mut buf = self.take_buf();
        let mut data = Vec::new();
        loop {
            let n = match tokio::time::timeout(t, read_data(&mut conn, &mut buf)).await {
                Err(_) => return Err(self.fail(StepError::Timeout("LIST data".into()))),
                Ok(Err(e)) => return Err(self.data_failed(e)),
                Ok(Ok(n)) => n,
            };
            if n == 0 {
                break;
            }
            data.extend_from_slice(&buf[..n]);
            if data.len() > MAX_LIST_BYTES {
                // The rest is not wanted: this connection is given up.
                self.data_buf = buf;
                self.abandon();
                return Ok(Vec::new());
            }
        }
        self.data_buf = buf;
        match self.finish_data(conn, false, After::Reply).await {
            Ok(_) => {}
            // 150, then 450 "no such file" (proftpd).
            Err(EngineError::Reply { .. }) if self.is_usable() => return Ok(Vec::new()),
            Err(e) => return Err(e),
        }
        Ok(data
            .split(|&c| c == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
            .collect())
    }
}
