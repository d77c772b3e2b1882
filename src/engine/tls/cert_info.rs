//! What a server certificate says, as the user needs it to decide whether
//! to trust it: subject, issuer, the names it covers, its validity, and its
//! SHA-256 fingerprint (of the DER bytes, the same as
//! `openssl x509 -fingerprint -sha256` prints).

use sha2::{Digest, Sha256};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::engine::protocol::{CertificateInfo, Fingerprint};

/// The SHA-256 of a certificate's DER bytes.
pub fn fingerprint(der: &[u8]) -> Fingerprint {
    Fingerprint(Sha256::digest(der).into())
}

/// Reads a certificate. One that does not parse still has a fingerprint:
/// the user can compare and pin it all the same.
pub fn describe(der: &[u8]) -> CertificateInfo {
    let fingerprint = fingerprint(der);
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return CertificateInfo {
            subject: "(unreadable certificate)".into(),
            issuer: String::new(),
            names: Vec::new(),
            not_before: String::new(),
            not_after: String::new(),
            fingerprint,
        };
    };
    let mut names: Vec<String> = match cert.subject_alternative_name() {
        Ok(Some(san)) => san
            .value
            .general_names
            .iter()
            .filter_map(|n| match n {
                GeneralName::DNSName(d) => Some(d.to_string()),
                GeneralName::IPAddress(ip) => ip_text(ip),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        names = cert
            .subject()
            .iter_common_name()
            .filter_map(|cn| cn.as_str().ok().map(str::to_string))
            .collect();
    }
    let when = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_default()
    };
    CertificateInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        names,
        not_before: when(cert.validity().not_before.timestamp()),
        not_after: when(cert.validity().not_after.timestamp()),
        fingerprint,
    }
}

/// Whether a certificate names itself as its issuer.
pub fn is_self_issued(der: &[u8]) -> bool {
    X509Certificate::from_der(der)
        .map(|(_, c)| c.subject() == c.issuer())
        .unwrap_or(false)
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => {
            let a: [u8; 4] = bytes.try_into().ok()?;
            Some(std::net::Ipv4Addr::from(a).to_string())
        }
        16 => {
            let a: [u8; 16] = bytes.try_into().ok()?;
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_reads_back_with_its_names() {
        let key = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("certificate");
        let der = key.cert.der().to_vec();
        let info = describe(&der);
        assert!(info.names.contains(&"localhost".to_string()), "{info:?}");
        assert!(info.names.contains(&"127.0.0.1".to_string()), "{info:?}");
        assert!(info.not_after.ends_with("UTC"), "{info:?}");
        assert_eq!(info.fingerprint, fingerprint(&der));
        assert!(is_self_issued(&der));
        let garbage = describe(b"not a certificate");
        assert_eq!(garbage.fingerprint, fingerprint(b"not a certificate"));
    }
}
