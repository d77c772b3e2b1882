//! `known_certs.toml` in the config folder: the certificates the user chose
//! to "trust always", one fingerprint per `host:port`.
//!
//! ```toml
//! [certificates]
//! "ftp.example.org:21" = "SHA256:AB:CD:…"
//! ```
//!
//! Written atomically with mode 0600. A file that does not parse is
//! reported with its line, never rewritten, and trusts nothing (a broken
//! file must not silently turn into "trust whatever comes").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::protocol::Fingerprint;
use crate::private_file;

pub const FILE_NAME: &str = "known_certs.toml";

const HEADER: &str = "\
# Server certificates wharf was told to trust always, by host:port.
# Remove a line to be asked again. Fingerprints are SHA-256 of the DER.
";

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    certificates: BTreeMap<String, String>,
}

/// The file's contents, or why they could not be read.
#[derive(Debug, Clone, Default)]
pub struct KnownCerts {
    path: Option<PathBuf>,
    pins: BTreeMap<String, Fingerprint>,
    /// Why the file could not be read (`file:line:column: …`): nothing in
    /// it is trusted and it is never written over.
    problem: Option<String>,
}

impl KnownCerts {
    /// No file: nothing known, nothing saved (tests, no config folder).
    pub fn none() -> KnownCerts {
        KnownCerts::default()
    }

    /// Reads `dir/known_certs.toml` (blocking). A missing file is empty.
    pub fn load(dir: &Path) -> KnownCerts {
        let path = dir.join(FILE_NAME);
        let mut known = KnownCerts {
            path: Some(path.clone()),
            ..KnownCerts::default()
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return known,
            Err(e) => {
                known.problem = Some(format!("{}: {e}", path.display()));
                return known;
            }
        };
        match parse(&text) {
            Ok(pins) => known.pins = pins,
            Err((offset, why)) => {
                let (line, col) = crate::text::line_col(&text, offset);
                known.problem = Some(format!(
                    "{}:{line}:{col}: {why} — no certificate from it is trusted, and wharf \
                     will not change it",
                    path.display()
                ));
            }
        }
        known
    }

    pub fn get(&self, server: &str) -> Option<Fingerprint> {
        self.pins.get(server).copied()
    }

    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Remembers `server`'s certificate and writes the file (blocking).
    /// Refused while the file is broken: it stays as the user left it.
    pub fn remember(&mut self, server: &str, fp: Fingerprint) -> Result<(), String> {
        if let Some(p) = &self.problem {
            return Err(p.clone());
        }
        let Some(path) = self.path.clone() else {
            return Err("there is no config folder to keep it in".into());
        };
        let mut pins = self.pins.clone();
        pins.insert(server.to_string(), fp);
        let file = File {
            certificates: pins
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect(),
        };
        let body = toml::to_string_pretty(&file).map_err(|e| e.to_string())?;
        private_file::write_atomic(&path, format!("{HEADER}{body}").as_bytes())
            .map_err(|(action, e)| format!("cannot {action} {}: {e}", path.display()))?;
        self.pins = pins;
        Ok(())
    }
}

/// The pins in a file's text, or where and why it is wrong.
fn parse(text: &str) -> Result<BTreeMap<String, Fingerprint>, (usize, String)> {
    let file: File = toml::from_str(text)
        .map_err(|e| (e.span().map_or(0, |s| s.start), e.message().to_string()))?;
    let mut pins = BTreeMap::new();
    for (server, fp) in file.certificates {
        let parsed = Fingerprint::parse(&fp).ok_or_else(|| {
            let at = text.find(&fp).unwrap_or(0);
            (at, format!("`{fp}` is not a SHA-256 fingerprint"))
        })?;
        pins.insert(server, parsed);
    }
    Ok(pins)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(n: u8) -> Fingerprint {
        Fingerprint([n; 32])
    }

    #[test]
    fn remembered_certificates_survive_a_reload_and_the_file_is_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut known = KnownCerts::load(dir.path());
        assert_eq!(known.get("h:21"), None);
        known.remember("h:21", fp(1)).expect("save");
        known.remember("[::1]:990", fp(2)).expect("save");
        let again = KnownCerts::load(dir.path());
        assert_eq!(again.get("h:21"), Some(fp(1)));
        assert_eq!(again.get("[::1]:990"), Some(fp(2)));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(FILE_NAME))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_broken_file_is_reported_with_its_line_trusts_nothing_and_stays() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        let text = format!(
            "[certificates]\n\"a:21\" = \"{}\"\n\"b:21\" = \"nonsense\"\n",
            fp(1)
        );
        std::fs::write(&path, &text).expect("write");
        let mut known = KnownCerts::load(dir.path());
        assert_eq!(known.get("a:21"), None, "nothing is trusted");
        let problem = known.problem().expect("reported").to_string();
        assert!(problem.contains(":3:"), "{problem}");
        assert!(known.remember("c:21", fp(3)).is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
        std::fs::write(&path, "[certificates\n").expect("write");
        assert!(KnownCerts::load(dir.path()).problem().is_some());
    }
}
