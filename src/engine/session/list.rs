//! Listing a folder: CWD there, then MLSD where the server has it, else
//! `LIST -a` (plain `LIST` where `-a` is refused), parsed as it arrives.
//!
//! What the listing says about itself goes with it ([`ListingNotes`]):
//! lines no parser could read (counted, the first shown in the protocol
//! log), a final reply that says the server cut it short, and how its
//! names are decoded. LIST times are the server's local time: the offset
//! is found once per server (and shared by every connection to it) from
//! one recent file's MDTM (UTC) against its listed time, as WinSCP does
//! (or taken from the bookmark), and the times moved to UTC.

use super::core::{MAX_LISTING_BYTES, Session};
use super::data::{After, Ahead, DataOp, read_data};
use super::failure::StepError;
use crate::engine::error::EngineError;
use crate::engine::listing::{ListFormat, Listing, ListingParser, cut_short};
use crate::engine::protocol::{
    DataMode, Entry, EntryKind, ListingNotes, ModTime, Precision, RemotePath, Zone,
};

/// How many unreadable listing lines are copied into the protocol log.
const UNREADABLE_SHOWN: usize = 5;

/// Where a listing's entries go as they arrive.
pub enum Sink<'a> {
    /// Kept, and the running count reported.
    Keep(&'a mut (dyn FnMut(usize) + Send)),
    /// Handed over in the server's order and not kept (`wharf ls -U`).
    Stream(&'a mut (dyn FnMut(Vec<Entry>) + Send)),
}

impl Session {
    /// Lists `path` (absolute): CWD there, then MLSD or LIST.
    pub async fn list(&mut self, path: &RemotePath) -> Result<Vec<Entry>, EngineError> {
        self.list_noted(path, &mut |_| {}).await.map(|(e, _)| e)
    }

    /// [`Session::list`] with what the listing says about itself;
    /// `progress` gets the running count of entries as they arrive.
    pub async fn list_noted(
        &mut self,
        path: &RemotePath,
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(Vec<Entry>, ListingNotes), EngineError> {
        let listing = match self.list_inner(path, Sink::Keep(&mut *progress)).await {
            Err(_) if self.desynced => {
                self.reopen().await?;
                self.list_inner(path, Sink::Keep(progress)).await?
            }
            other => other?,
        };
        let (mut entries, mut notes) = listing;
        if !self.info.uses_mlsd {
            self.move_to_utc(path, &mut entries).await?;
        }
        notes.encoding = self
            .profile
            .listing
            .encoding
            .resolve(entries.iter().map(|e| e.name.as_bytes()));
        Ok((entries, notes))
    }

    /// Lists `path`, handing the entries to `each` as they arrive instead
    /// of keeping them (memory stays flat whatever the folder's size).
    /// Times are moved to UTC only when the bookmark gives the offset.
    pub async fn list_streaming(
        &mut self,
        path: &RemotePath,
        each: &mut (dyn FnMut(Vec<Entry>) + Send),
    ) -> Result<ListingNotes, EngineError> {
        let offset = self.profile.listing.utc_offset_minutes;
        let mut shifted = |mut batch: Vec<Entry>| {
            if let Some(m) = offset {
                shift(&mut batch, i64::from(m) * 60);
            }
            each(batch);
        };
        let (_, mut notes) = self.list_inner(path, Sink::Stream(&mut shifted)).await?;
        notes.encoding = match self.profile.listing.encoding {
            crate::engine::protocol::NameEncoding::Auto => {
                crate::engine::protocol::NameEncoding::Utf8
            }
            other => other,
        };
        Ok(notes)
    }

    pub(super) async fn list_inner(
        &mut self,
        path: &RemotePath,
        mut sink: Sink<'_>,
    ) -> Result<(Vec<Entry>, ListingNotes), EngineError> {
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
        let (parsed, reply) = if self.info.uses_mlsd {
            self.read_listing(cwd, "MLSD", ListFormat::Mlsd, &mut sink)
                .await?
        } else if self.plain_list {
            self.read_listing(cwd, "LIST", ListFormat::List, &mut sink)
                .await?
        } else {
            match self
                .read_listing(cwd, "LIST -a", ListFormat::List, &mut sink)
                .await
            {
                // Some servers take `-a` for a file name; a plain LIST then
                // works. Not when the CWD went in the same write: the
                // refusal may be the CWD's (and `-a` has worked here).
                Err(EngineError::Reply { code, .. })
                    if cwd.is_none() && ((500..=504).contains(&code) || code == 550) =>
                {
                    self.plain_list = true;
                    self.sink().info("The server refused LIST -a; using LIST");
                    self.read_listing(None, "LIST", ListFormat::List, &mut sink)
                        .await?
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
        let truncated = cut_short(&reply);
        if let Some(why) = &truncated {
            self.sink()
                .info(format!("The server cut the listing short: {why}"));
        }
        self.listing_proven = true;
        self.cwd_now = Some(path.clone());
        let notes = ListingNotes {
            unreadable: parsed.unreadable_count,
            truncated,
            encoding: self.profile.listing.encoding,
        };
        Ok((parsed.entries, notes))
    }

    /// Sends a listing command (after `CWD cwd`, when given) and parses its
    /// data connection as it arrives (parsing overlaps the transfer).
    /// Returns the listing and the text of the reply that ended it.
    async fn read_listing(
        &mut self,
        cwd: Option<&RemotePath>,
        command: &str,
        format: ListFormat,
        sink: &mut Sink<'_>,
    ) -> Result<(Listing, String), EngineError> {
        let t = self.profile.timeouts.reply;
        let ahead = Ahead { mdtm: None, cwd };
        let mut stream = self.open_data(DataOp::List(command), 0, ahead).await?.conn;
        let mut parser = ListingParser::new(
            format,
            self.info.system.as_deref(),
            chrono::Local::now().date_naive(),
        );
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
            match sink {
                Sink::Keep(progress) => progress(parser.entry_count()),
                Sink::Stream(each) => each(parser.take_entries()),
            }
        }
        self.data_buf = buf;
        let reply = self.finish_data(stream, false, After::Reply).await?;
        let mut listing = parser.finish();
        if let Sink::Stream(each) = sink {
            each(std::mem::take(&mut listing.entries));
        }
        Ok((listing, reply.map(|r| r.text()).unwrap_or_default()))
    }

    /// Moves the listed (server-local) times to UTC: by the bookmark's
    /// offset, or by the one found with MDTM on this connection.
    async fn move_to_utc(
        &mut self,
        dir: &RemotePath,
        entries: &mut [Entry],
    ) -> Result<(), EngineError> {
        let offset = match self.profile.listing.utc_offset_minutes {
            Some(m) => Some(i64::from(m) * 60),
            None => self.server_offset(dir, entries).await?,
        };
        if let Some(secs) = offset {
            shift(entries, secs);
        }
        Ok(())
    }

    /// The server's offset from UTC, found once per server (every
    /// connection of this connector learns it: `quirks.rs`): MDTM (UTC)
    /// of the newest file listed to the minute, against its listed time,
    /// rounded to a quarter hour. `None` while no listing has such a file,
    /// and for good when the server has no MDTM.
    async fn server_offset(
        &mut self,
        dir: &RemotePath,
        entries: &[Entry],
    ) -> Result<Option<i64>, EngineError> {
        if let Some(known) = self.known_offset() {
            return Ok(known);
        }
        if !self.has_feature("MDTM") {
            self.learn_offset(None);
            return Ok(None);
        }
        let probe = entries
            .iter()
            .filter(|e| e.kind == EntryKind::File)
            .filter_map(|e| e.modified.map(|t| (t, e)))
            .filter(|(t, _)| t.precision() == Precision::Minute && t.zone() == Zone::ServerLocal)
            .max_by_key(|(t, _)| *t);
        let Some((listed, entry)) = probe else {
            return Ok(None);
        };
        let path = dir.join(&entry.name);
        let Some(utc) = self.mdtm(&path).await? else {
            self.learn_offset(None);
            return Ok(None);
        };
        let utc = ModTime::utc(utc, Precision::Minute);
        let diff = listed.timestamp() - utc.timestamp();
        let quarter = 15 * 60;
        let offset = (diff as f64 / f64::from(quarter)).round() as i64 * i64::from(quarter);
        if offset.abs() > 14 * 3600 {
            self.sink().info(format!(
                "MDTM of {path} is {} hours away from its listed time: times left as listed",
                diff / 3600
            ));
            self.learn_offset(None);
            return Ok(None);
        }
        self.sink().info(format!(
            "The server lists its local time, UTC{}{:02}:{:02} (MDTM of {path}); times are shown in yours",
            if offset < 0 { '-' } else { '+' },
            offset.abs() / 3600,
            offset.abs() % 3600 / 60,
        ));
        self.learn_offset(Some(offset));
        Ok(Some(offset))
    }

    /// The offset another connection to this server found, if any.
    fn known_offset(&self) -> Option<Option<i64>> {
        self.connector
            .quirks
            .of(&self.profile.authority())
            .utc_offset
    }

    fn learn_offset(&self, offset: Option<i64>) {
        self.connector
            .quirks
            .learn(&self.profile.authority(), |q| q.utc_offset = Some(offset));
    }
}

/// Server-local times moved to UTC by `offset_secs`.
fn shift(entries: &mut [Entry], offset_secs: i64) {
    for e in entries {
        e.modified = e.modified.map(|t| t.to_utc(offset_secs));
    }
}
