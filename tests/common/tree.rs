//! Test trees: deterministic content, and comparing trees by SHA-256.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub fn sha(path: &Path) -> String {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:x}", Sha256::digest(&data))
}

pub fn sha_bytes(data: &[u8]) -> String {
    format!("{:x}", Sha256::digest(data))
}

/// Every file under `root` (none when `root` does not exist).
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !root.exists() {
        return out;
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Every file under `root`, by relative path, with its hash.
pub fn tree_hashes(root: &Path) -> BTreeMap<String, String> {
    files_under(root)
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .expect("prefix")
                .to_string_lossy()
                .into_owned();
            (rel, sha(&p))
        })
        .collect()
}

/// Deterministic bytes that differ from seed to seed.
pub fn content(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A tree of `n` files in nested folders (names with spaces), sizes from 0
/// to ~70 KiB.
pub fn make_tree(root: &Path, n: usize) {
    for i in 0..n {
        let dir = root
            .join(format!("d{}", i % 5))
            .join(format!("sub {}", i % 3));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let len = (i * 997) % 70_000;
        std::fs::write(dir.join(format!("file {i:03}.bin")), content(i as u64, len))
            .expect("write");
    }
}
