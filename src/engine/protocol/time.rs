//! A modification time as precise as its source said it, and in the zone
//! it was given in.
//!
//! Listings give times to the day (`Nov 27  2023`), to the minute
//! (`Nov 27 14:03`) or to the second (MLSD, MDTM, a local file). A time
//! keeps that precision, and two times compare at the coarser precision of
//! the two ([`ModTime::compare_coarse`]): a file listed as `14:03` is not
//! older than the local copy written at 14:03:27 from it.
//!
//! LIST gives the server's local time, in a zone it does not name
//! ([`Zone::ServerLocal`]); once the session knows the server's offset
//! (see `session/list.rs`), such a time is moved to UTC ([`ModTime::to_utc`]).

use std::cmp::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// How precise a time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    Day,
    Minute,
    Second,
}

impl Precision {
    /// Seconds one step of this precision spans.
    pub fn seconds(self) -> i64 {
        match self {
            Precision::Day => 86_400,
            Precision::Minute => 60,
            Precision::Second => 1,
        }
    }
}

/// Which clock a time was read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    Utc,
    /// The server's wall clock, offset unknown (LIST before the offset is found).
    ServerLocal,
}

/// A modification time: seconds (and nanoseconds) of the wall time in
/// its zone, how precise it is, and which zone. 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModTime {
    secs: i64,
    nanos: u32,
    precision: Precision,
    zone: Zone,
}

impl ModTime {
    pub fn new(t: NaiveDateTime, precision: Precision, zone: Zone) -> ModTime {
        let u = t.and_utc();
        let (secs, nanos) = (u.timestamp(), u.timestamp_subsec_nanos());
        let step = precision.seconds();
        // Anything finer than the precision is noise: drop it, so equal
        // times compare equal.
        let (secs, nanos) = if step > 1 {
            (secs.div_euclid(step) * step, 0)
        } else {
            (secs, nanos)
        };
        ModTime {
            secs,
            nanos,
            precision,
            zone,
        }
    }

    /// A UTC time (MLSD, MDTM).
    pub fn utc(t: NaiveDateTime, precision: Precision) -> ModTime {
        ModTime::new(t, precision, Zone::Utc)
    }

    /// A time on the server's clock, zone unknown (LIST).
    pub fn server_local(t: NaiveDateTime, precision: Precision) -> ModTime {
        ModTime::new(t, precision, Zone::ServerLocal)
    }

    /// A day, midnight.
    pub fn day(d: NaiveDate, zone: Zone) -> ModTime {
        ModTime::new(d.and_time(chrono::NaiveTime::MIN), Precision::Day, zone)
    }

    /// A local file's time (to the nanosecond the file system keeps).
    pub fn from_system(t: SystemTime) -> ModTime {
        let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
            Err(e) => {
                let d = e.duration();
                let back = -(d.as_secs() as i64);
                match d.subsec_nanos() {
                    0 => (back, 0),
                    n => (back - 1, 1_000_000_000 - n),
                }
            }
        };
        ModTime {
            secs,
            nanos,
            precision: Precision::Second,
            zone: Zone::Utc,
        }
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The wall time in its own zone.
    pub fn naive(&self) -> NaiveDateTime {
        DateTime::<Utc>::from_timestamp(self.secs, self.nanos)
            .unwrap_or_default()
            .naive_utc()
    }

    /// Seconds since 1970 of the wall time in its own zone.
    pub fn timestamp(&self) -> i64 {
        self.secs
    }

    /// A server-local time moved to UTC, given the server's offset east of
    /// UTC in seconds; a UTC time stays as it is.
    pub fn to_utc(self, offset_secs: i64) -> ModTime {
        match self.zone {
            Zone::Utc => self,
            Zone::ServerLocal => ModTime {
                secs: self.secs - offset_secs,
                zone: Zone::Utc,
                ..self
            },
        }
    }

    /// As the user reads it: UTC times in this machine's zone, server-local
    /// ones as the server gave them.
    pub fn shown(&self) -> NaiveDateTime {
        match self.zone {
            Zone::Utc => Local
                .timestamp_opt(self.secs, self.nanos)
                .earliest()
                .map_or_else(|| self.naive(), |t| t.naive_local()),
            Zone::ServerLocal => self.naive(),
        }
    }

    /// For the file system (a UTC time; a server-local one taken as UTC).
    pub fn to_system(&self) -> SystemTime {
        if self.secs >= 0 {
            UNIX_EPOCH + Duration::new(self.secs as u64, self.nanos)
        } else {
            UNIX_EPOCH - Duration::from_secs(self.secs.unsigned_abs())
                + Duration::from_nanos(u64::from(self.nanos))
        }
    }

    /// Compares two times at the coarser precision of the two: when the
    /// finer one falls within the coarser one's day or minute, they are
    /// equal. Two times of one precision compare to the second: a local
    /// file's fraction of a second is nothing a server can store or tell
    /// (MDTM, MFMT, MLSD give whole seconds), so 14:03:27.6 here and
    /// 14:03:27 there are the same time, not a newer file to send again.
    pub fn compare_coarse(&self, other: &ModTime) -> Ordering {
        if self.precision == other.precision {
            return self.secs.cmp(&other.secs);
        }
        let (coarse, fine, flip) = if self.precision < other.precision {
            (self, other, false)
        } else {
            (other, self, true)
        };
        let step = coarse.precision.seconds();
        let o = if fine.secs < coarse.secs {
            Ordering::Greater
        } else if fine.secs >= coarse.secs + step {
            Ordering::Less
        } else {
            Ordering::Equal
        };
        // `o` is coarse against fine.
        if flip { o.reverse() } else { o }
    }
}

impl PartialOrd for ModTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Orders by the instant (then precision), for sorting panes.
impl Ord for ModTime {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.secs, self.nanos, self.precision).cmp(&(other.secs, other.nanos, other.precision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn coarse_comparison_takes_the_coarser_precision() {
        let listed = ModTime::server_local(at("2024-11-27 14:03:00"), Precision::Minute);
        let copy = ModTime::utc(at("2024-11-27 14:03:27"), Precision::Second);
        assert_eq!(listed.compare_coarse(&copy), Ordering::Equal);
        assert_eq!(copy.compare_coarse(&listed), Ordering::Equal);
        let later = ModTime::utc(at("2024-11-27 14:04:00"), Precision::Second);
        assert_eq!(listed.compare_coarse(&later), Ordering::Less);
        assert_eq!(later.compare_coarse(&listed), Ordering::Greater);
        let day = ModTime::server_local(at("2024-11-27 00:00:00"), Precision::Day);
        assert_eq!(day.compare_coarse(&later), Ordering::Equal);
        let next_day = ModTime::utc(at("2024-11-28 00:00:01"), Precision::Second);
        assert_eq!(day.compare_coarse(&next_day), Ordering::Less);
        // exact at the same precision
        let a = ModTime::utc(at("2024-11-27 14:03:27"), Precision::Second);
        assert_eq!(a.compare_coarse(&copy), Ordering::Equal);
        assert_eq!(a.compare_coarse(&later), Ordering::Less);
        // A local file's fraction of a second is no newer than the server's
        // whole second (what MFMT set after the upload).
        let local = ModTime::from_system(copy.to_system() + Duration::from_millis(600));
        assert_eq!(local.compare_coarse(&copy), Ordering::Equal);
        assert_eq!(copy.compare_coarse(&local), Ordering::Equal);
        let next = ModTime::from_system(copy.to_system() + Duration::from_millis(1600));
        assert_eq!(next.compare_coarse(&copy), Ordering::Greater);
    }

    #[test]
    fn precision_drops_what_it_does_not_know_and_zones_shift() {
        let t = ModTime::server_local(at("2024-11-27 14:03:59"), Precision::Minute);
        assert_eq!(t.naive(), at("2024-11-27 14:03:00"));
        let utc = t.to_utc(3600);
        assert_eq!(utc.naive(), at("2024-11-27 13:03:00"));
        assert_eq!(utc.zone(), Zone::Utc);
        assert_eq!(utc.to_utc(3600), utc);
        let sys = ModTime::from_system(UNIX_EPOCH + Duration::new(90, 5));
        assert_eq!(
            sys.naive(),
            at("1970-01-01 00:01:30") + chrono::Duration::nanoseconds(5)
        );
        assert_eq!(sys.to_system(), UNIX_EPOCH + Duration::new(90, 5));
        let before = ModTime::from_system(UNIX_EPOCH - Duration::new(1, 500));
        assert_eq!(before.to_system(), UNIX_EPOCH - Duration::new(1, 500));
    }
}
