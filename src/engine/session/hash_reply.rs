//! What a server offers for checksums and what its hash commands answer
//! (pure, table-tested): which command and algorithm FEAT leads to
//! ([`choose`]), and the digest in a reply ([`parse_hash_reply`]).
//! `checksum.rs` asks; its notes say which replies are seen in the wild.

use super::reply::Reply;
use crate::engine::protocol::{Digest, HashAlgo};

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
