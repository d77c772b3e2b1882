//! The sync record: what both sides looked like after the last sync of a
//! pair of folders ([`SyncRecord`]), one TOML file per server and pair of
//! folders in the data folder's `sync/`. The file's name is a hash of the
//! server (user, host and port — a bookmark and a typed URL to the same
//! account share it) and the two folders; the file also names them, so a
//! reader can tell which it is. Written atomically (a temporary file
//! renamed over the old one); one that cannot be read is ignored, and the
//! sync compares by size and time alone, as if it were the first.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode, percent_encode};
use serde::{Deserialize, Serialize};

use crate::engine::checksum::Hasher;
use crate::engine::protocol::{
    ConnectProfile, Event, EventTx, HashAlgo, InStep, ModTime, Precision, RelPath, Seen, SyncPlan,
    SyncRecord, SyncRoots, Zone,
};

/// The folder below the data folder that holds the records.
pub const FOLDER: &str = "sync";

/// Bytes of a path written as they are; the rest as `%XX`.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%').add(b'"').add(b'\\').add(b' ');

/// Who a record is for: the server's account and the two folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordKey {
    pub server: String,
    pub local: String,
    pub remote: String,
}

impl RecordKey {
    pub fn new(profile: &ConnectProfile, roots: &SyncRoots) -> RecordKey {
        RecordKey {
            server: format!("{}@{}", profile.user_or_anonymous(), profile.authority()),
            local: roots.local.display().to_string(),
            remote: roots.remote.to_string(),
        }
    }

    /// The record's file in `dir`.
    pub fn file_in(&self, dir: &Path) -> PathBuf {
        let mut h = Hasher::new(HashAlgo::Sha256);
        for part in [&self.server, &self.local, &self.remote] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
        let hex = h.finish().hex();
        dir.join(format!("{}.toml", &hex[..32]))
    }
}

#[derive(Serialize, Deserialize)]
struct RecordFile {
    server: String,
    local: String,
    remote: String,
    #[serde(default)]
    file: Vec<Row>,
}

#[derive(Serialize, Deserialize)]
struct Row {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<SeenRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remote: Option<SeenRow>,
}

#[derive(Serialize, Deserialize)]
struct SeenRow {
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    secs: Option<i64>,
    #[serde(default)]
    nanos: u32,
    /// `s`, `m` or `d`.
    #[serde(default)]
    precision: String,
    /// `utc` or `server`.
    #[serde(default)]
    zone: String,
}

fn seen_row(s: &Seen) -> SeenRow {
    let (secs, nanos, precision, zone) = match s.modified {
        Some(t) => {
            let n = t.naive().and_utc();
            let p = match t.precision() {
                Precision::Second => "s",
                Precision::Minute => "m",
                Precision::Day => "d",
            };
            let z = match t.zone() {
                Zone::Utc => "utc",
                Zone::ServerLocal => "server",
            };
            (
                Some(n.timestamp()),
                n.timestamp_subsec_nanos(),
                p.into(),
                z.into(),
            )
        }
        None => (None, 0, String::new(), String::new()),
    };
    SeenRow {
        size: s.size,
        secs,
        nanos,
        precision,
        zone,
    }
}

fn seen_of(r: &SeenRow) -> Option<Seen> {
    let modified = match r.secs {
        None => None,
        Some(secs) => {
            let t = DateTime::from_timestamp(secs, r.nanos)?.naive_utc();
            let precision = match r.precision.as_str() {
                "s" => Precision::Second,
                "m" => Precision::Minute,
                "d" => Precision::Day,
                _ => return None,
            };
            let zone = match r.zone.as_str() {
                "utc" => Zone::Utc,
                "server" => Zone::ServerLocal,
                _ => return None,
            };
            Some(ModTime::new(t, precision, zone))
        }
    };
    Some(Seen {
        size: r.size,
        modified,
    })
}

fn path_text(p: &RelPath) -> String {
    p.parts()
        .iter()
        .map(|n| percent_encode(n.as_bytes(), ESCAPED).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn path_of(text: &str) -> RelPath {
    RelPath::new(
        text.split('/')
            .filter(|p| !p.is_empty())
            .map(|p| {
                crate::engine::protocol::Name::from_bytes(
                    percent_decode(p.as_bytes()).collect::<Vec<u8>>(),
                )
            })
            .collect(),
    )
}

/// The record as TOML.
pub fn to_text(key: &RecordKey, record: &SyncRecord) -> Result<String, String> {
    let file = RecordFile {
        server: key.server.clone(),
        local: key.local.clone(),
        remote: key.remote.clone(),
        file: record
            .iter()
            .map(|(p, s)| Row {
                path: path_text(p),
                local: s.local.as_ref().map(seen_row),
                remote: s.remote.as_ref().map(seen_row),
            })
            .collect(),
    };
    toml::to_string(&file).map_err(|e| e.to_string())
}

/// A record read back; `None` when it is not this key's or cannot be read.
pub fn from_text(key: &RecordKey, text: &str) -> Option<SyncRecord> {
    let file: RecordFile = toml::from_str(text).ok()?;
    if file.server != key.server || file.local != key.local || file.remote != key.remote {
        return None;
    }
    Some(
        file.file
            .iter()
            .map(|r| {
                let step = InStep {
                    local: r.local.as_ref().and_then(seen_of),
                    remote: r.remote.as_ref().and_then(seen_of),
                };
                (path_of(&r.path), step)
            })
            .collect(),
    )
}

/// The record of `key` in `dir`, empty when there is none or it cannot be
/// read (logged). Blocking.
pub fn load(dir: &Path, key: &RecordKey) -> SyncRecord {
    let path = key.file_in(dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => from_text(key, &text).unwrap_or_else(|| {
            tracing::warn!("sync record {} unreadable: ignored", path.display());
            SyncRecord::new()
        }),
        Err(_) => SyncRecord::new(),
    }
}

/// Writes the record of `key` into `dir` (made if missing). Blocking.
pub fn save(dir: &Path, key: &RecordKey, record: &SyncRecord) -> Result<(), String> {
    crate::private_file::create_private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let text = to_text(key, record)?;
    let path = key.file_in(dir);
    crate::private_file::write_atomic(&path, text.as_bytes())
        .map_err(|(what, e)| format!("{}: {what}: {e}", path.display()))
}

/// Writes the record `plan` leaves once it has run (into `dir`, when
/// there is a data folder), and says so.
pub async fn save_after(
    plan: Box<SyncPlan>,
    profile: Option<ConnectProfile>,
    dir: Option<PathBuf>,
    events: EventTx,
) {
    let error = match (profile, dir) {
        (Some(profile), Some(dir)) => {
            let key = RecordKey::new(&profile, &plan.roots);
            let record = plan.record_after();
            tokio::task::spawn_blocking(move || save(&dir, &key, &record))
                .await
                .unwrap_or_else(|e| Err(e.to_string()))
                .err()
        }
        (None, _) => Some("the sync record was not kept: not connected".into()),
        (_, None) => None,
    };
    let _ = events.send(Event::SyncRecorded { error });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::Name;
    use chrono::NaiveDateTime;

    fn key() -> RecordKey {
        RecordKey {
            server: "u@h:21".into(),
            local: "/l".into(),
            remote: "/r".into(),
        }
    }

    #[test]
    fn a_record_reads_back_as_written_odd_names_and_all_precisions() {
        let t = NaiveDateTime::parse_from_str("2024-11-27 14:03:27", "%Y-%m-%d %H:%M:%S")
            .expect("time");
        let local = ModTime::from_system(
            std::time::UNIX_EPOCH + std::time::Duration::new(1_732_716_207, 123_456_789),
        );
        let mut record = SyncRecord::new();
        let odd = RelPath::new(vec![
            Name::from("a b%"),
            Name::from_bytes(&b"caf\xe9 \"q\""[..]),
        ]);
        record.insert(
            odd.clone(),
            InStep {
                local: Some(Seen {
                    size: 5,
                    modified: Some(local),
                }),
                remote: Some(Seen {
                    size: 5,
                    modified: Some(ModTime::server_local(t, Precision::Minute)),
                }),
            },
        );
        record.insert(
            RelPath::parse(b"x"),
            InStep {
                local: None,
                remote: Some(Seen {
                    size: 0,
                    modified: None,
                }),
            },
        );
        let text = to_text(&key(), &record).expect("text");
        assert_eq!(from_text(&key(), &text), Some(record));
        let other = RecordKey {
            remote: "/elsewhere".into(),
            ..key()
        };
        assert_eq!(from_text(&other, &text), None, "another pair's record");
        assert_eq!(from_text(&key(), "not [toml"), None);
    }

    #[test]
    fn one_file_per_account_and_pair_of_folders() {
        let dir = Path::new("/d");
        assert_eq!(key().file_in(dir), key().file_in(dir));
        let other = RecordKey {
            server: "v@h:21".into(),
            ..key()
        };
        assert_ne!(key().file_in(dir), other.file_in(dir));
    }
}
