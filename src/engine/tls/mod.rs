//! TLS for FTPS: the rustls configuration of each control connection
//! (`client.rs`), deciding whether to trust a certificate (`verifier.rs`,
//! with what the user trusted in `trust.rs` and `known_certs.rs`), and
//! reading a certificate for the user (`cert_info.rs`).
//!
//! This file only declares and re-exports.

mod cert_info;
mod client;
mod known_certs;
mod trust;
mod verifier;

pub use cert_info::{describe, fingerprint};
pub use client::{Roots, TlsLink, describe_failure, info, is_tls13, provider, resumed};
pub use known_certs::{FILE_NAME as KNOWN_CERTS_FILE, KnownCerts};
pub use trust::{PinSource, Trust};
