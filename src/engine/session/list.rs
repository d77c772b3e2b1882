//! Listing a folder: CWD there, then MLSD where the server has it, else
//! `LIST -a` (plain `LIST` where `-a` is refused), parsed as it arrives.

use super::core::{MAX_LISTING_BYTES, Session};
use super::data::{After, Ahead, DataOp, read_data};
use super::failure::StepError;
use crate::engine::error::EngineError;
use crate::engine::listing::{ListFormat, Listing, ListingParser};
use crate::engine::protocol::{DataMode, Entry, RemotePath};

/// How many unreadable listing lines are copied into the protocol log.
const UNREADABLE_SHOWN: usize = 5;

impl Session {
    /// Lists `path` (absolute): CWD there, then MLSD or LIST.
    pub async fn list(&mut self, path: &RemotePath) -> Result<Vec<Entry>, EngineError> {
        match self.list_inner(path).await {
            Err(_) if self.desynced => {
                self.reopen().await?;
                self.list_inner(path).await
            }
            other => other,
        }
    }

    pub(super) async fn list_inner(
        &mut self,
        path: &RemotePath,
    ) -> Result<Vec<Entry>, EngineError> {
        // Once a listing has worked here, the CWD goes in the same write
        // as the listing's commands; the first time it goes alone, so a
        // refused `LIST -a` is told apart from a refused CWD.
        let here = self.cwd_now.take().is_some_and(|c| &c == path);
        let cwd = if here {
            None
        } else if self.listing_proven && matches!(self.profile.mode, DataMode::Passive) {
            Some(path)
        } else {
            self.cwd(path).await?;
            None
        };
        let parsed = if self.info.uses_mlsd {
            self.read_listing(cwd, "MLSD", ListFormat::Mlsd).await?
        } else if self.plain_list {
            self.read_listing(cwd, "LIST", ListFormat::List).await?
        } else {
            match self.read_listing(cwd, "LIST -a", ListFormat::List).await {
                // Some servers take `-a` for a file name; a plain LIST then
                // works. Not when the CWD went in the same write: the
                // refusal may be the CWD's (and `-a` has worked here).
                Err(EngineError::Reply { code, .. })
                    if cwd.is_none() && ((500..=504).contains(&code) || code == 550) =>
                {
                    self.plain_list = true;
                    self.sink().info("The server refused LIST -a; using LIST");
                    self.read_listing(None, "LIST", ListFormat::List).await?
                }
                other => other?,
            }
        };
        if parsed.unreadable_count > 0 {
            for line in parsed.unreadable.iter().take(UNREADABLE_SHOWN) {
                self.sink()
                    .info(format!("Skipped a listing line wharf cannot read: {line}"));
            }
            if parsed.unreadable_count > UNREADABLE_SHOWN {
                self.sink().info(format!(
                    "… {} unreadable listing lines in all",
                    parsed.unreadable_count
                ));
            }
        }
        self.listing_proven = true;
        self.cwd_now = Some(path.clone());
        Ok(parsed.entries)
    }

    /// Sends a listing command (after `CWD cwd`, when given) and parses its
    /// data connection as it arrives (parsing overlaps the transfer).
    pub(super) async fn read_listing(
        &mut self,
        cwd: Option<&RemotePath>,
        command: &str,
        format: ListFormat,
    ) -> Result<Listing, EngineError> {
        let t = self.profile.timeouts.reply;
        let ahead = Ahead { mdtm: None, cwd };
        let mut stream = self.open_data(DataOp::List(command), 0, ahead).await?.conn;
        let mut parser = ListingParser::new(format, chrono::Local::now().date_naive());
        let mut total = 0usize;
        let mut buf = self.take_buf();
        loop {
            let n = match tokio::time::timeout(t, read_data(&mut stream, &mut buf)).await {
                Err(_) => return Err(self.fail(StepError::Timeout(format!("{command} data")))),
                Ok(Err(e)) => return Err(self.data_failed(e)),
                Ok(Ok(n)) => n,
            };
            if n == 0 {
                break;
            }
            total += n;
            if total > MAX_LISTING_BYTES {
                return Err(self.fail(StepError::Protocol(format!(
                    "the listing is larger than {} MiB",
                    MAX_LISTING_BYTES >> 20
                ))));
            }
            // A chunk is at most DATA_BUF bytes: a few milliseconds of
            // parsing, fine on a worker thread.
            parser.feed(&buf[..n]);
        }
        self.data_buf = buf;
        self.finish_data(stream, false, After::Reply).await?;
        Ok(parser.finish())
    }
}
