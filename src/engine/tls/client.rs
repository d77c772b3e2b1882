//! The TLS side of one control connection: its rustls configuration, with
//! a resumption store of its own (every data connection resumes *this*
//! control connection's session, as vsftpd and proftpd require, and
//! proftpd refuses a session resumed from another control connection), the
//! versions allowed, the verifier, and the handshakes.

use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::{Resumption, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::trust::Trust;
use super::verifier::{Verdict, Verifier};
use crate::engine::protocol::{TlsInfo, TlsVersion, TlsVersions, UntrustedCertificate};

/// TLS 1.3 tickets kept per control connection: every data connection
/// uses one (rustls uses each TLS 1.3 ticket once), and servers send
/// more as they go.
const TICKETS: usize = 64;

/// The system's trusted roots, read once per engine (on first use, on a
/// blocking thread) and shared by all its connections.
#[derive(Debug, Clone, Default)]
pub struct Roots(Arc<OnceLock<Option<Arc<WebPkiServerVerifier>>>>);

impl Roots {
    /// The webpki verifier over the system's roots (None: none found).
    pub async fn verifier(
        &self,
        provider: &Arc<CryptoProvider>,
    ) -> Option<Arc<WebPkiServerVerifier>> {
        if let Some(v) = self.0.get() {
            return v.clone();
        }
        let provider = provider.clone();
        let built = tokio::task::spawn_blocking(move || load_roots(&provider))
            .await
            .ok()
            .flatten();
        self.0.get_or_init(|| built).clone()
    }
}

impl Roots {
    /// These authorities instead of the system's (tests; an organisation's
    /// own CA can also be given to the whole system with `SSL_CERT_FILE`).
    pub fn only(certs: Vec<CertificateDer<'static>>, provider: &Arc<CryptoProvider>) -> Roots {
        let roots = Roots::default();
        let _ = roots.0.set(verifier_over(certs, provider));
        roots
    }
}

fn load_roots(provider: &Arc<CryptoProvider>) -> Option<Arc<WebPkiServerVerifier>> {
    let found = rustls_native_certs::load_native_certs();
    for e in &found.errors {
        tracing::warn!("reading the system's certificates: {e}");
    }
    verifier_over(found.certs, provider)
}

fn verifier_over(
    certs: Vec<CertificateDer<'static>>,
    provider: &Arc<CryptoProvider>,
) -> Option<Arc<WebPkiServerVerifier>> {
    let mut store = RootCertStore::empty();
    let (added, ignored) = store.add_parsable_certificates(certs);
    tracing::debug!("system roots: {added} trusted, {ignored} unreadable");
    if store.is_empty() {
        tracing::warn!("no trusted root certificates found on this system");
        return None;
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .ok()
}

/// The crypto wharf uses (ring, as the rest of the dependency tree).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// One control connection's TLS: its config (and so its resumption
/// store), the name the server is verified against, and where the
/// verifier leaves a refused certificate.
#[derive(Clone)]
pub struct TlsLink {
    connector: TlsConnector,
    name: ServerName<'static>,
    verdict: Verdict,
}

impl TlsLink {
    /// A fresh link for a connection to `host` (`server` is `host:port`).
    /// `versions` limits the TLS versions (TLS 1.0 and 1.1 never).
    pub fn new(
        host: &str,
        server: &str,
        versions: TlsVersions,
        trust: Trust,
        webpki: Option<Arc<WebPkiServerVerifier>>,
        provider: Arc<CryptoProvider>,
    ) -> Result<TlsLink, String> {
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| format!("`{host}` is not a name TLS can verify"))?;
        let verdict: Verdict = Arc::new(Mutex::new(None));
        let verifier = Verifier::new(
            webpki,
            provider.clone(),
            trust,
            server.to_string(),
            verdict.clone(),
        );
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&allowed(versions))
            .map_err(|e| format!("TLS versions: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.resumption = Resumption::in_memory_sessions(TICKETS);
        Ok(TlsLink {
            connector: TlsConnector::from(Arc::new(config)),
            name,
            verdict,
        })
    }

    /// Runs the client handshake over `io`.
    pub async fn handshake<IO>(&self, io: IO) -> std::io::Result<TlsStream<IO>>
    where
        IO: AsyncRead + AsyncWrite + Unpin,
    {
        self.connector.connect(self.name.clone(), io).await
    }

    /// The certificate the verifier refused, if it refused one.
    pub fn refused(&self) -> Option<UntrustedCertificate> {
        self.verdict
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

/// The versions in `limits`, newest first. An empty result (min above
/// max) falls back to both: the versions say "at least/at most", and a
/// contradiction should not end with no TLS at all.
fn allowed(limits: TlsVersions) -> Vec<&'static SupportedProtocolVersion> {
    let all = [
        (TlsVersion::Tls13, &rustls::version::TLS13),
        (TlsVersion::Tls12, &rustls::version::TLS12),
    ];
    let picked: Vec<&'static SupportedProtocolVersion> = all
        .iter()
        .filter(|(v, _)| limits.min.is_none_or(|m| *v >= m) && limits.max.is_none_or(|m| *v <= m))
        .map(|(_, s)| *s)
        .collect();
    if picked.is_empty() {
        all.iter().map(|(_, s)| *s).collect()
    } else {
        picked
    }
}

/// The version and cipher a finished handshake agreed on.
pub fn info<IO>(stream: &TlsStream<IO>) -> TlsInfo {
    let conn = stream.get_ref().1;
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_string(),
    };
    let cipher = conn
        .negotiated_cipher_suite()
        .map(|c| format!("{:?}", c.suite()))
        .unwrap_or_default();
    TlsInfo { version, cipher }
}

/// Whether a data connection's handshake resumed the session (a full one
/// means the server may refuse the connection: see FTPS.md).
pub fn resumed<IO>(stream: &TlsStream<IO>) -> bool {
    matches!(
        stream.get_ref().1.handshake_kind(),
        Some(rustls::HandshakeKind::Resumed)
    )
}

/// Whether a finished handshake negotiated TLS 1.3.
pub fn is_tls13<IO>(stream: &TlsStream<IO>) -> bool {
    stream.get_ref().1.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3)
}

/// A failed handshake in words: an old server, an alert, or whatever
/// rustls said.
pub fn describe_failure(e: &std::io::Error) -> String {
    let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return e.to_string();
    };
    use rustls::{AlertDescription, Error, PeerIncompatible};
    match inner {
        Error::PeerIncompatible(PeerIncompatible::ServerDoesNotSupportTls12Or13)
        | Error::AlertReceived(AlertDescription::ProtocolVersion) => {
            "the server offers only TLS 1.0 or 1.1, which are no longer safe; wharf needs \
             TLS 1.2 or 1.3"
                .to_string()
        }
        Error::AlertReceived(AlertDescription::HandshakeFailure) => {
            "the server and wharf share no TLS cipher or version (handshake failure)".to_string()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_limits_pick_the_versions_between() {
        let v = |min, max| {
            allowed(TlsVersions { min, max })
                .iter()
                .map(|s| s.version)
                .collect::<Vec<_>>()
        };
        use rustls::ProtocolVersion::{TLSv1_2, TLSv1_3};
        assert_eq!(v(None, None), [TLSv1_3, TLSv1_2]);
        assert_eq!(v(None, Some(TlsVersion::Tls12)), [TLSv1_2]);
        assert_eq!(v(Some(TlsVersion::Tls13), None), [TLSv1_3]);
        assert_eq!(
            v(Some(TlsVersion::Tls13), Some(TlsVersion::Tls12)),
            [TLSv1_3, TLSv1_2]
        );
    }
}
