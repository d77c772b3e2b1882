//! Deciding whether to trust a server's certificate.
//!
//! In order: `--insecure` trusts anything (with a warning the caller
//! prints); a fingerprint the user trusted for this `host:port` (or pinned
//! on the command line) must match exactly — a different certificate is
//! refused even when a public authority signed it, because it may be
//! someone in between; otherwise the system's roots and the host name
//! decide (webpki). A refusal records what the certificate says and why,
//! for the dialog (or the headless message) to show.
//!
//! A self-signed certificate cannot just be added as a root (webpki calls
//! that `CaUsedAsEndEntity`), so pins are compared here, before webpki;
//! the handshake's signatures are checked either way.

use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

use super::cert_info::{describe, fingerprint, is_self_issued};
use super::trust::{PinSource, Trust};
use crate::engine::protocol::{CertProblem, UntrustedCertificate};

/// Where a refusal's details are left for the connection that asked.
pub type Verdict = Arc<Mutex<Option<UntrustedCertificate>>>;

#[derive(Debug)]
pub struct Verifier {
    /// The system's roots; `None` when none could be loaded (then only a
    /// pinned certificate is trusted).
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    trust: Trust,
    /// `host:port`, as trust decisions are stored.
    server: String,
    verdict: Verdict,
}

impl Verifier {
    pub fn new(
        webpki: Option<Arc<WebPkiServerVerifier>>,
        provider: Arc<CryptoProvider>,
        trust: Trust,
        server: String,
        verdict: Verdict,
    ) -> Verifier {
        Verifier {
            webpki,
            provider,
            trust,
            server,
            verdict,
        }
    }

    fn refuse(&self, der: &[u8], problem: CertProblem) -> Error {
        let untrusted = UntrustedCertificate {
            server: self.server.clone(),
            cert: describe(der),
            problem,
        };
        *self.verdict.lock().unwrap_or_else(PoisonError::into_inner) = Some(untrusted);
        Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure)
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if self.trust.insecure() {
            return Ok(ServerCertVerified::assertion());
        }
        let presented = fingerprint(end_entity);
        if let Some((expected, source)) = self.trust.expected(&self.server) {
            if expected == presented {
                return Ok(ServerCertVerified::assertion());
            }
            let problem = match source {
                PinSource::Trusted => CertProblem::Changed { previous: expected },
                PinSource::CommandLine => CertProblem::Other(format!(
                    "it is not the certificate given with --trust-fingerprint ({expected})"
                )),
            };
            return Err(self.refuse(end_entity, problem));
        }
        let Some(webpki) = &self.webpki else {
            let problem = if is_self_issued(end_entity) {
                CertProblem::SelfSigned
            } else {
                CertProblem::UnknownIssuer
            };
            return Err(self.refuse(end_entity, problem));
        };
        match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Ok(v) => Ok(v),
            Err(e) => {
                let problem = problem_of(&e, end_entity);
                Err(self.refuse(end_entity, problem))
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What webpki's refusal means for the user.
fn problem_of(e: &Error, der: &[u8]) -> CertProblem {
    match e {
        Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                CertProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                CertProblem::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertProblem::WrongName
            }
            CertificateError::UnknownIssuer if is_self_issued(der) => CertProblem::SelfSigned,
            CertificateError::UnknownIssuer => CertProblem::UnknownIssuer,
            // webpki's word for a certificate that is its own authority.
            CertificateError::Other(o) if format!("{o:?}").contains("CaUsedAsEndEntity") => {
                CertProblem::SelfSigned
            }
            other => CertProblem::Other(format!("{other:?}")),
        },
        other => CertProblem::Other(other.to_string()),
    }
}
