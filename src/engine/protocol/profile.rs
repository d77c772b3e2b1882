//! What it takes to open a connection: where, who, how.

use std::time::Duration;

use super::tls::{Security, TlsVersions};

/// How data connections are opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataMode {
    /// EPSV, falling back to PASV when the server refuses EPSV.
    #[default]
    Passive,
    /// EPRT/PORT: the server connects back to us.
    Active,
}

/// Everything needed to open and log in a control connection.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectProfile {
    pub host: String,
    pub port: u16,
    /// `None` means anonymous.
    pub user: Option<String>,
    pub password: Option<String>,
    /// Folder to open after login; `None` opens the login folder (PWD).
    pub path: Option<String>,
    pub mode: DataMode,
    pub timeouts: Timeouts,
    /// Plain, explicit (`AUTH TLS`) or implicit TLS.
    pub security: Security,
    /// The TLS versions allowed (`tls_min`/`tls_max`), for stubborn servers.
    pub tls_versions: TlsVersions,
}

impl ConnectProfile {
    /// Plain FTP to `host:port`, anonymous, passive, default timeouts;
    /// change the public fields for the rest.
    pub fn new(host: impl Into<String>, port: u16) -> ConnectProfile {
        ConnectProfile {
            host: host.into(),
            port,
            user: None,
            password: None,
            path: None,
            mode: DataMode::Passive,
            timeouts: Timeouts::default(),
            security: Security::Plain,
            tls_versions: TlsVersions::default(),
        }
    }

    pub fn user_or_anonymous(&self) -> &str {
        self.user.as_deref().unwrap_or("anonymous")
    }

    /// The password to send: anonymous logins conventionally send an
    /// e-mail-like string.
    pub fn password_to_send(&self) -> &str {
        match (&self.user, &self.password) {
            (_, Some(p)) => p,
            (None, None) => "wharf@",
            (Some(_), None) => "",
        }
    }

    /// `host:port`, with IPv6 literals bracketed.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

// Hand-written so a password never reaches a log through `{:?}`.
impl std::fmt::Debug for ConnectProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectProfile")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "****"))
            .field("path", &self.path)
            .field("mode", &self.mode)
            .field("security", &self.security)
            .finish()
    }
}

/// Limits on how long the engine waits for the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// For each reply and each data read.
    pub reply: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            reply: Duration::from_secs(30),
        }
    }
}
