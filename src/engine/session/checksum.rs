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
use super::reply::Reply;
use crate::engine::error::EngineError;
use crate::engine::protocol::{Digest, HashAlgo, RemotePath};

/// How this session asks for a file's hash, once decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HashWay {
    /// `HASH <path>`, the algorithm expected in the reply.
    Hash(HashAlgo),
    /// `XSHA256 <path>` and its kin.
    X(HashAlgo),
    /// The server has no hash command wharf can use.
    Unavailable,
}

/// What FEAT offers, and what wharf will do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Choice {
    /// HASH with `algo`; `select` when `OPTS HASH algo` must choose it
    /// first, `selected` the server's own choice (FEAT's `*`).
    Hash {
        algo: HashAlgo,
        select: bool,
        selected: Option<HashAlgo>,
    },
    X(HashAlgo),
    Unavailable,
}

/// The hash command `features` (FEAT, as `parse_features` keeps it)
/// offer, and the algorithm to use.
pub(super) fn choose(features: &[String]) -> Choice {
    let hash_line = features.iter().find_map(|f| match f.split_once(' ') {
        Some(("HASH", params)) => Some(params),
        _ => (f == "HASH").then_some(""),
    });
    if let Some(params) = hash_line {
        let mut offered = Vec::new();
        let mut selected = None;
        for item in params.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let star = item.ends_with('*');
            if let Some(algo) = HashAlgo::from_name(item.trim_end_matches('*')) {
                offered.push(algo);
                if star {
                    selected = Some(algo);
                }
            }
        }
        if let Some(algo) = HashAlgo::PREFERRED
            .into_iter()
            .find(|a| offered.contains(a))
        {
            return Choice::Hash {
                algo,
                select: selected != Some(algo),
                selected,
            };
        }
    }
    let has = |name: &str| features.iter().any(|f| f.split(' ').next() == Some(name));
    HashAlgo::PREFERRED
        .into_iter()
        .find(|a| has(a.x_command()))
        .map_or(Choice::Unavailable, Choice::X)
}

/// The digest in a hash command's successful reply: the first hex token
/// of the algorithm's length, lines read from the last (a multi-line
/// reply's first lines are chatter). A line whose first word names an
/// algorithm (the HASH form, `SHA-256 0-12 <hex> <file>`) is read as that
/// one; others as `expected`. A token that is the file's own name
/// (`name`: as sent, or its last part) counts only when nothing else
/// does: a file may be named by a digest, not necessarily its own.
pub(super) fn parse_hash_reply(
    reply: &Reply,
    expected: HashAlgo,
    name: &[&[u8]],
) -> Option<Digest> {
    let mut named_like_file = None;
    for l in reply.lines.iter().rev() {
        let has_code = l.len() >= 3 && l[..3].iter().all(u8::is_ascii_digit);
        let body = if has_code {
            l.get(4..).unwrap_or(&[])
        } else {
            &l[..]
        };
        let body = String::from_utf8_lossy(body);
        let mut words = body.split_whitespace().peekable();
        let algo = match words.peek().and_then(|w| HashAlgo::from_name(w)) {
            Some(a) => {
                words.next();
                a
            }
            None => expected,
        };
        for w in words {
            let Some(d) = Digest::from_hex(algo, w) else {
                continue;
            };
            if name.contains(&w.as_bytes()) {
                named_like_file.get_or_insert(d);
            } else {
                return Some(d);
            }
        }
    }
    named_like_file
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn features(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    fn reply(lines: &[&str]) -> Reply {
        let code = lines[lines.len() - 1][..3].parse().expect("code");
        Reply::new(code, lines.iter().map(|l| l.as_bytes().to_vec()).collect())
    }

    const SHA256_HEX: &str = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";

    fn sha256() -> Digest {
        Digest::from_hex(HashAlgo::Sha256, SHA256_HEX).expect("hex")
    }

    #[test]
    fn sha256_is_selected_when_offered_but_not_chosen() {
        // proftpd 1.3.8 mod_digest's FEAT line, trailing `;` and all.
        assert_eq!(
            choose(&features(&[
                "HASH CRC32;MD5;SHA-1*;SHA-256;SHA-512;",
                "XSHA256"
            ])),
            Choice::Hash {
                algo: HashAlgo::Sha256,
                select: true,
                selected: Some(HashAlgo::Sha1)
            }
        );
        assert_eq!(
            choose(&features(&["HASH SHA-256*;SHA-1;MD5;CRC32"])),
            Choice::Hash {
                algo: HashAlgo::Sha256,
                select: false,
                selected: Some(HashAlgo::Sha256)
            }
        );
    }

    #[test]
    fn otherwise_the_best_offered_algorithm() {
        let best = |line: &str| match choose(&features(&[line])) {
            Choice::Hash { algo, .. } => Some(algo),
            _ => None,
        };
        assert_eq!(best("HASH SHA-1*;SHA-512;MD5"), Some(HashAlgo::Sha512));
        assert_eq!(best("HASH MD5*;SHA-1"), Some(HashAlgo::Sha1));
        assert_eq!(best("HASH CRC32*"), Some(HashAlgo::Crc32));
        assert_eq!(best("HASH sha256"), Some(HashAlgo::Sha256));
        // No star: nothing known selected, so SHA-256 is asked for.
        assert_eq!(
            choose(&features(&["HASH MD5;SHA-256"])),
            Choice::Hash {
                algo: HashAlgo::Sha256,
                select: true,
                selected: None
            }
        );
    }

    #[test]
    fn the_x_commands_when_hash_is_missing_or_unusable() {
        assert_eq!(
            choose(&features(&["XCRC", "XMD5", "XSHA1", "XSHA256"])),
            Choice::X(HashAlgo::Sha256)
        );
        assert_eq!(
            choose(&features(&["HASH SHA-384*", "XMD5", "XCRC"])),
            Choice::X(HashAlgo::Md5)
        );
        assert_eq!(choose(&features(&["XCRC"])), Choice::X(HashAlgo::Crc32));
        assert_eq!(choose(&features(&["XSHA", "MDTM"])), Choice::Unavailable);
        assert_eq!(choose(&[]), Choice::Unavailable);
    }

    #[test]
    fn hash_replies_in_their_forms() {
        let name: &[&[u8]] = &[b"/home/u/f.txt", b"f.txt"];
        let read = |lines: &[&str], algo| parse_hash_reply(&reply(lines), algo, name);
        // The draft's form, multi-line as proftpd sends it.
        assert_eq!(
            read(
                &[
                    "213-Computing SHA-256 digest",
                    &format!("213 SHA-256 0-12 {SHA256_HEX} f.txt"),
                ],
                HashAlgo::Sha256
            ),
            Some(sha256())
        );
        // No file name; upper case; the X commands' codes.
        let upper = SHA256_HEX.to_uppercase();
        for l in [
            format!("213 SHA-256 0-12 {SHA256_HEX}"),
            format!("250 {upper}"),
            format!("213 {SHA256_HEX}"),
            format!("251 {SHA256_HEX} /home/u/f.txt"),
            format!("200 {upper}"),
        ] {
            assert_eq!(read(&[&l], HashAlgo::Sha256), Some(sha256()), "{l}");
        }
        // proftpd's X reply: chatter first.
        assert_eq!(
            read(
                &["250-Computing SHA256 digest", &format!("250 {upper}")],
                HashAlgo::Sha256
            ),
            Some(sha256())
        );
        // CRC32 as 8 hex digits; a shorter token is not taken.
        assert_eq!(
            read(&["250 AF083B2D"], HashAlgo::Crc32),
            Digest::from_hex(HashAlgo::Crc32, "af083b2d")
        );
        assert_eq!(read(&["250 F083B2D"], HashAlgo::Crc32), None);
        // The reply's algorithm wins over the one asked for.
        assert_eq!(
            read(
                &["213 MD5 0-12 6f5902ac237024bdd0c176cb93063dc4 f.txt"],
                HashAlgo::Sha256
            ),
            Digest::from_hex(HashAlgo::Md5, "6f5902ac237024bdd0c176cb93063dc4")
        );
        // Nothing of the right length.
        assert_eq!(
            read(&["213 SHA-256 0-12 abcd f.txt"], HashAlgo::Sha256),
            None
        );
        assert_eq!(read(&["250 Computing digest"], HashAlgo::Sha1), None);
    }

    #[test]
    fn a_file_named_like_a_digest_is_not_taken_for_one() {
        let other = "0".repeat(64);
        let name: &[&[u8]] = &[other.as_bytes()];
        let r = reply(&[&format!("251 {other} {SHA256_HEX}")]);
        assert_eq!(parse_hash_reply(&r, HashAlgo::Sha256, name), Some(sha256()));
        // …unless it is the only one: a file named by its own digest.
        let own: &[&[u8]] = &[SHA256_HEX.as_bytes()];
        let r = reply(&[&format!("213 SHA-256 0-12 {SHA256_HEX} {SHA256_HEX}")]);
        assert_eq!(parse_hash_reply(&r, HashAlgo::Sha256, own), Some(sha256()));
    }
}
