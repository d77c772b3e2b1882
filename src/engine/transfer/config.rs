//! How the transfer pool behaves: connections, retries and their backoff,
//! when idle connections close, which copies are checked against the
//! server's hash (config.toml's transfer settings).

use std::time::Duration;

/// How the pool behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferConfig {
    /// Transfer connections at most.
    pub connections: usize,
    /// Retries of a transient failure per file.
    pub retries: u32,
    /// First retry delay; doubled each time.
    pub backoff_base: Duration,
    /// Close a transfer connection after this long without work.
    pub idle_close: Duration,
    /// Which copies are checked against the server's hash.
    pub verify: Verify,
}

/// Which copies are checked against the server's hash (config.toml's
/// `verify`), where the server offers one: with none, nothing is checked
/// and nothing fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// The copies whose request asks for it (`TransferRequest::verify`:
    /// a sync's, a mirror's).
    #[default]
    Auto,
    /// Every copy.
    Always,
    /// None.
    Off,
}

impl Verify {
    /// Whether a copy whose request says `asked` is checked.
    pub fn wants(self, asked: bool) -> bool {
        match self {
            Verify::Auto => asked,
            Verify::Always => true,
            Verify::Off => false,
        }
    }
}

impl Default for TransferConfig {
    fn default() -> Self {
        TransferConfig {
            connections: 4,
            retries: 5,
            backoff_base: Duration::from_secs(1),
            idle_close: Duration::from_secs(30),
            verify: Verify::Auto,
        }
    }
}

impl TransferConfig {
    /// The wait before retry number `attempt` (1-based): 1, 2, 4, 8, 16 s… at most 30 s.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(5);
        (self.backoff_base * factor).min(Duration::from_secs(30))
    }
}
