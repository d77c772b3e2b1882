//! A local file's checksum, by the algorithms servers' hash commands offer
//! (`protocol::HashAlgo`), to compare with the server's (`session/
//! checksum.rs`). Read on a blocking thread in large blocks: never the
//! whole file in memory.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::Digest as _;

use crate::engine::protocol::{Digest, HashAlgo};

/// Read this much at a time.
const BLOCK: usize = 1024 * 1024;

/// A running checksum of one algorithm.
pub enum Hasher {
    Crc32(crc32fast::Hasher),
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub fn new(algo: HashAlgo) -> Hasher {
        match algo {
            HashAlgo::Crc32 => Hasher::Crc32(crc32fast::Hasher::new()),
            HashAlgo::Md5 => Hasher::Md5(md5::Md5::new()),
            HashAlgo::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            HashAlgo::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            HashAlgo::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Crc32(h) => h.update(data),
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Digest {
        let (algo, bytes) = match self {
            // Big-endian: the order of the 8 hex digits servers write.
            Hasher::Crc32(h) => (HashAlgo::Crc32, h.finalize().to_be_bytes().to_vec()),
            Hasher::Md5(h) => (HashAlgo::Md5, h.finalize().to_vec()),
            Hasher::Sha1(h) => (HashAlgo::Sha1, h.finalize().to_vec()),
            Hasher::Sha256(h) => (HashAlgo::Sha256, h.finalize().to_vec()),
            Hasher::Sha512(h) => (HashAlgo::Sha512, h.finalize().to_vec()),
        };
        Digest { algo, bytes }
    }
}

/// The checksum of the file at `path`. Blocking: see [`hash_file`].
pub fn hash_file_blocking(path: &Path, algo: HashAlgo) -> std::io::Result<Digest> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Hasher::new(algo);
    let mut buf = vec![0u8; BLOCK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(hasher.finish()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The checksum of the local file at `path`, read on a blocking thread.
pub async fn hash_file(path: PathBuf, algo: HashAlgo) -> std::io::Result<Digest> {
    tokio::task::spawn_blocking(move || hash_file_blocking(&path, algo))
        .await
        .map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn known_digests_of_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"hello world\n").expect("write");
        // As `sha256sum`, `md5sum`… and proftpd's mod_digest give them.
        let want = [
            (HashAlgo::Crc32, "af083b2d"),
            (HashAlgo::Md5, "6f5902ac237024bdd0c176cb93063dc4"),
            (HashAlgo::Sha1, "22596363b3de40b06f981fb85d82312e8c0ed511"),
            (
                HashAlgo::Sha256,
                "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447",
            ),
            (
                HashAlgo::Sha512,
                "db3974a97f2407b7cae1ae637c0030687a11913274d578492558e39c16c017de\
                 84eacdc8c62fe34ee4e12b4b1428817f09b6a2760c3f8a664ceae94d2434a593",
            ),
        ];
        for (algo, hex) in want {
            let d = hash_file(path.clone(), algo).await.expect("hash");
            assert_eq!(d, Digest::from_hex(algo, hex).expect("hex"), "{algo}");
        }
    }

    #[test]
    fn files_longer_than_a_block_hash_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big");
        let data: Vec<u8> = (0..BLOCK * 2 + 17).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).expect("write");
        let mut h = Hasher::new(HashAlgo::Sha256);
        h.update(&data);
        assert_eq!(
            hash_file_blocking(&path, HashAlgo::Sha256).expect("hash"),
            h.finish()
        );
        assert!(hash_file_blocking(&dir.path().join("none"), HashAlgo::Md5).is_err());
    }
}
