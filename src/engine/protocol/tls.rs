//! What the UI and the engine say to each other about TLS: how a
//! connection is secured, which TLS versions it may use, and — when a
//! server's certificate is not trusted — what the certificate says and
//! why it was refused, so the user can decide.

use std::fmt;

/// How the control connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Security {
    /// Plain FTP (`ftp://`).
    #[default]
    Plain,
    /// `AUTH TLS` on the normal port, then everything encrypted (`ftpes://`,
    /// or `ftp://` with `tls = "required"`).
    Explicit,
    /// TLS from the first byte, port 990 (`ftps://`).
    Implicit,
}

impl Security {
    pub fn is_tls(self) -> bool {
        !matches!(self, Security::Plain)
    }
}

/// A TLS protocol version wharf can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TlsVersion {
    Tls12,
    Tls13,
}

impl TlsVersion {
    /// `1.2`, `1.3`, as users write them in config files.
    pub fn parse(text: &str) -> Option<TlsVersion> {
        match text
            .trim()
            .trim_start_matches(['T', 't', 'L', 'l', 'S', 's', 'v', 'V'])
        {
            "1.2" | "12" => Some(TlsVersion::Tls12),
            "1.3" | "13" => Some(TlsVersion::Tls13),
            _ => None,
        }
    }
}

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsVersion::Tls12 => "TLS 1.2",
            TlsVersion::Tls13 => "TLS 1.3",
        })
    }
}

/// The TLS versions a connection may use (both ends inclusive; `None`:
/// no limit on that side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TlsVersions {
    pub min: Option<TlsVersion>,
    pub max: Option<TlsVersion>,
}

/// What TLS a connection ended up with, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsInfo {
    pub version: String,
    pub cipher: String,
}

/// The SHA-256 fingerprint of a certificate (of its DER bytes), the one
/// thing a user compares and pins.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Reads `SHA256:AB:CD:…` (the form wharf prints), or the same hex with
    /// or without colons and prefix, in either case.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let t = text.trim();
        let t = t
            .strip_prefix("SHA256:")
            .or_else(|| t.strip_prefix("sha256:"))
            .or_else(|| t.strip_prefix("sha256="))
            .unwrap_or(t);
        let hex: String = t.chars().filter(|c| *c != ':').collect();
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Fingerprint(out))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SHA256:")?;
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl Fingerprint {
    /// The hex pairs in two halves of 16 bytes, for narrow places (each
    /// half is 47 columns); the `SHA256:` prefix left out.
    pub fn halves(&self) -> [String; 2] {
        let hex = |bytes: &[u8]| {
            bytes
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":")
        };
        [hex(&self.0[..16]), hex(&self.0[16..])]
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A server certificate as the user needs to see it to decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    /// The names it is valid for (subject alternative names, else the CN).
    pub names: Vec<String>,
    /// Validity, as `YYYY-MM-DD HH:MM UTC`.
    pub not_before: String,
    pub not_after: String,
    pub fingerprint: Fingerprint,
}

/// Why a certificate was not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    Expired,
    NotYetValid,
    /// Not issued for the host name wharf connected to.
    WrongName,
    /// Signed by nobody the system trusts, and not by itself.
    UnknownIssuer,
    /// Its own issuer: nobody vouches for it.
    SelfSigned,
    /// This server presented a different certificate before (the one
    /// trusted then is `previous`): possibly someone in between.
    Changed {
        previous: Fingerprint,
    },
    /// Anything else the verifier said.
    Other(String),
}

impl fmt::Display for CertProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertProblem::Expired => f.write_str("the certificate has expired"),
            CertProblem::NotYetValid => f.write_str("the certificate is not valid yet"),
            CertProblem::WrongName => f.write_str("the certificate is for another name"),
            CertProblem::UnknownIssuer => {
                f.write_str("the certificate's issuer is unknown (not a trusted authority)")
            }
            CertProblem::SelfSigned => f.write_str("the certificate is self-signed"),
            CertProblem::Changed { .. } => {
                f.write_str("THE CERTIFICATE HAS CHANGED since it was trusted")
            }
            CertProblem::Other(why) => write!(f, "the certificate was refused: {why}"),
        }
    }
}

/// A certificate the engine refused, for the user to judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntrustedCertificate {
    /// `host:port`, the key a trust decision is stored under.
    pub server: String,
    pub cert: CertificateInfo,
    pub problem: CertProblem,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_print_and_parse_back() {
        let fp = Fingerprint(std::array::from_fn(|i| i as u8 * 7));
        let text = fp.to_string();
        assert!(text.starts_with("SHA256:00:07:0E"), "{text}");
        assert_eq!(Fingerprint::parse(&text), Some(fp));
        assert_eq!(Fingerprint::parse(&text.to_lowercase()), Some(fp));
        let bare: String = text[7..].chars().filter(|c| *c != ':').collect();
        assert_eq!(Fingerprint::parse(&bare), Some(fp));
        assert_eq!(Fingerprint::parse("SHA256:AB"), None);
        assert_eq!(Fingerprint::parse(&"zz".repeat(32)), None);
    }

    #[test]
    fn versions_parse_as_users_write_them() {
        assert_eq!(TlsVersion::parse("1.2"), Some(TlsVersion::Tls12));
        assert_eq!(TlsVersion::parse("TLS1.3"), Some(TlsVersion::Tls13));
        assert_eq!(TlsVersion::parse("tlsv1.3"), Some(TlsVersion::Tls13));
        assert_eq!(TlsVersion::parse("1.1"), None);
        assert!(TlsVersion::Tls12 < TlsVersion::Tls13);
    }
}
