//! A file's checksum, as a server's hash command (`HASH`, `XSHA256`…)
//! reports it or as wharf computes it over a local file
//! (`engine/checksum.rs`): the algorithm and the digest's bytes. Two
//! digests are equal only when their algorithms are.

use std::fmt;

/// The algorithms a server's hash commands offer, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgo {
    Crc32,
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    /// Every algorithm, in the order wharf prefers them: SHA-256 (widely
    /// offered, strong enough), then the stronger SHA-512, then the weaker.
    pub const PREFERRED: [HashAlgo; 5] = [
        HashAlgo::Sha256,
        HashAlgo::Sha512,
        HashAlgo::Sha1,
        HashAlgo::Md5,
        HashAlgo::Crc32,
    ];

    /// The name the HASH draft (draft-bryan-ftpext-hash) gives it, as FEAT,
    /// `OPTS HASH` and the HASH reply spell it.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Crc32 => "CRC32",
            HashAlgo::Md5 => "MD5",
            HashAlgo::Sha1 => "SHA-1",
            HashAlgo::Sha256 => "SHA-256",
            HashAlgo::Sha512 => "SHA-512",
        }
    }

    /// The algorithm a server names, in any case, with or without the
    /// dash (`SHA-256`, `sha256`). `None` for one wharf cannot compute.
    pub fn from_name(name: &str) -> Option<HashAlgo> {
        let n: String = name
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match n.as_str() {
            "CRC32" => Some(HashAlgo::Crc32),
            "MD5" => Some(HashAlgo::Md5),
            "SHA1" => Some(HashAlgo::Sha1),
            "SHA256" => Some(HashAlgo::Sha256),
            "SHA512" => Some(HashAlgo::Sha512),
            _ => None,
        }
    }

    /// The digest's length in bytes (CRC32: 4, written as 8 hex digits).
    pub fn digest_len(self) -> usize {
        match self {
            HashAlgo::Crc32 => 4,
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }

    /// The older one-algorithm command for it (`XSHA256 <path>`), as FEAT
    /// lists it.
    pub fn x_command(self) -> &'static str {
        match self {
            HashAlgo::Crc32 => "XCRC",
            HashAlgo::Md5 => "XMD5",
            HashAlgo::Sha1 => "XSHA1",
            HashAlgo::Sha256 => "XSHA256",
            HashAlgo::Sha512 => "XSHA512",
        }
    }
}

impl fmt::Display for HashAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file's checksum: the algorithm and its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    pub algo: HashAlgo,
    pub bytes: Vec<u8>,
}

impl Digest {
    /// Reads `hex` (upper or lower case) as a digest of `algo`: exactly
    /// its length, nothing else.
    pub fn from_hex(algo: HashAlgo, hex: &str) -> Option<Digest> {
        if hex.len() != algo.digest_len() * 2 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let bytes = hex
            .as_bytes()
            .chunks(2)
            .map(|pair| {
                let s = std::str::from_utf8(pair).ok()?;
                u8::from_str_radix(s, 16).ok()
            })
            .collect::<Option<Vec<u8>>>()?;
        Some(Digest { algo, bytes })
    }

    /// The bytes in lower-case hex.
    pub fn hex(&self) -> String {
        self.bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for Digest {
    /// `SHA-256 9f86d0…`: the algorithm and the whole digest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.algo, self.hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_in_any_case_with_or_without_the_dash() {
        for algo in HashAlgo::PREFERRED {
            assert_eq!(HashAlgo::from_name(algo.name()), Some(algo));
            assert_eq!(
                HashAlgo::from_name(&algo.name().to_lowercase().replace('-', "")),
                Some(algo)
            );
        }
        assert_eq!(HashAlgo::from_name("SHA-384"), None);
        assert_eq!(HashAlgo::from_name(""), None);
    }

    #[test]
    fn hex_of_the_right_length_only() {
        let d = Digest::from_hex(HashAlgo::Crc32, "AF083b2d").expect("crc");
        assert_eq!(d.bytes, [0xaf, 0x08, 0x3b, 0x2d]);
        assert_eq!(d.hex(), "af083b2d");
        assert_eq!(d.to_string(), "CRC32 af083b2d");
        assert_eq!(Digest::from_hex(HashAlgo::Crc32, "af083b2"), None);
        assert_eq!(Digest::from_hex(HashAlgo::Crc32, "af083b2d0"), None);
        assert_eq!(Digest::from_hex(HashAlgo::Crc32, "xf083b2d"), None);
        assert_eq!(Digest::from_hex(HashAlgo::Md5, "af083b2d"), None);
        // Not a multi-byte character counted as two hex digits.
        assert_eq!(Digest::from_hex(HashAlgo::Crc32, "é083b2d"), None);
    }

    #[test]
    fn digests_of_two_algorithms_differ() {
        let a = Digest {
            algo: HashAlgo::Md5,
            bytes: vec![0; 16],
        };
        let b = Digest {
            algo: HashAlgo::Sha1,
            ..a.clone()
        };
        assert_ne!(a, b);
    }
}
