//! The server's checksum of a file: `HASH <path>` where FEAT lists `HASH`
//! (draft-bryan-ftpext-hash), else the older one-algorithm commands
//! `XSHA256`, `XSHA512`, `XSHA1`, `XMD5`, `XCRC` where FEAT lists them.
//! Decided once per session, on the first file asked about.
//!
//! Choosing: FEAT's HASH line lists the algorithms, `*` marking the one
//! selected (proftpd 1.3.8 with mod_digest: ` HASH CRC32;MD5;SHA-1*;SHA-256;SHA-512;`,
//! a trailing `;` included). wharf takes the first of SHA-256, SHA-512,
//! SHA-1, MD5, CRC32 that is offered, and selects it with `OPTS HASH
//! SHA-256` (reply `200 SHA-256`) when it is not the selected one; when
//! OPTS HASH is refused, HASH goes on with the server's choice. A HASH
//! line of only algorithms wharf cannot compute (SHA-384…) falls through
//! to the X commands. `XSHA` (SHA-1 on proftpd, other things elsewhere)
//! is not used.
//!
//! Replies, as seen in the wild, all accepted: any 2xx code (HASH: 213;
//! X commands: 250 on proftpd, 213, 251 `<hex> <file>`, 200 elsewhere);
//! multi-line (proftpd: `213-Computing SHA-256 digest` then
//! `213 SHA-256 0-12 <hex> <file>`); with or without the file name;
//! hex in upper (proftpd's X commands) or lower case; CRC32 as 8 hex
//! digits. The digest is the hex token of the algorithm's length; a HASH
//! reply names its algorithm before the range, and that name wins over
//! the one asked for (a server that ignored OPTS HASH).
//!
//! Refusals: 500/502/504 say the command is not there after all (FEAT
//! promised it): the session stops asking, and the file has no hash
//! (`None`). Other 5xx (550 no such file, 553 not a plain file, 556…)
//! are about this file: `None` for it alone. A 4xx (450 busy) is an
//! error to try again later; 421 ends the connection.

use super::core::{Session, line};
use super::failure::StepError;
use super::hash_reply::{Choice, HashWay, choose, parse_hash_reply};
use crate::engine::error::EngineError;
use crate::engine::protocol::{Digest, RemotePath};

impl Session {
    /// The server's checksum of the file at `path`, with the best
    /// algorithm it offers (see the module's notes). `None` when the
    /// server offers no hash wharf can use, or refuses to hash this file
    /// with a 5xx (missing, not a plain file, the command not there after
    /// all). Errors: a 4xx (busy: try later), and the connection's own.
    /// Reads a finished download's deferred 226 first, like every command.
    pub async fn file_hash(&mut self, path: &RemotePath) -> Result<Option<Digest>, EngineError> {
        let way = match self.hash_way {
            Some(way) => way,
            None => {
                let way = self.decide_hash().await?;
                self.hash_way = Some(way);
                way
            }
        };
        let (verb, algo) = match way {
            HashWay::Hash(algo) => ("HASH", algo),
            HashWay::X(algo) => (algo.x_command(), algo),
            HashWay::Unavailable => return Ok(None),
        };
        let reply = self.exchange(line(verb, path.as_bytes()), verb).await?;
        match reply.code {
            200..=299 => {
                let full = path.as_bytes();
                let last = full.rsplit(|b| *b == b'/').next().unwrap_or(full);
                let digest = parse_hash_reply(&reply, algo, &[full, last]);
                if digest.is_none() {
                    self.sink().info(format!(
                        "the server's {verb} reply holds no {algo} digest: {path} is not checked"
                    ));
                }
                Ok(digest)
            }
            500 | 502 | 504 => {
                self.sink().info(format!(
                    "the server refused {verb} as a command it does not have: \
                     files are not checked on this connection"
                ));
                self.hash_way = Some(HashWay::Unavailable);
                Ok(None)
            }
            500..=599 => Ok(None),
            _ => Err(self.fail(StepError::Unexpected(reply))),
        }
    }

    /// Whether `file_hash` can still ask this server (false once it was
    /// found to have no hash command wharf can use).
    pub fn offers_hash(&self) -> bool {
        self.hash_way != Some(HashWay::Unavailable)
    }

    /// Picks the hash command from FEAT, selecting HASH's algorithm with
    /// `OPTS HASH` where needed.
    async fn decide_hash(&mut self) -> Result<HashWay, EngineError> {
        match choose(&self.info.features) {
            Choice::Unavailable => Ok(HashWay::Unavailable),
            Choice::X(algo) => Ok(HashWay::X(algo)),
            Choice::Hash {
                algo,
                select: false,
                ..
            } => Ok(HashWay::Hash(algo)),
            Choice::Hash {
                algo,
                select: true,
                selected,
            } => {
                let opts = format!("OPTS HASH {}", algo.name());
                let reply = self.exchange(opts.into_bytes(), "OPTS HASH").await?;
                match reply.code {
                    200..=299 => Ok(HashWay::Hash(algo)),
                    // Refused: the server's own choice, which its HASH
                    // replies name.
                    400..=420 | 422..=599 => Ok(HashWay::Hash(selected.unwrap_or(algo))),
                    _ => Err(self.fail(StepError::Unexpected(reply))),
                }
            }
        }
    }
}
