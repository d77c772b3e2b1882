//! The connector every connection of a run is opened through, set up from
//! the config and the command line: the certificates trusted before
//! (`known_certs.toml` in the config folder), a fingerprint pinned for
//! this run (`--trust-fingerprint`), `--insecure`, and the config's
//! `tls = "required"`, `tls_min`, `tls_max`.

use std::path::Path;

use crate::cli::NetArgs;
use crate::config::Config;
use crate::engine::protocol::Fingerprint;
use crate::engine::session::{Connector, TlsDefaults};
use crate::engine::tls::{KnownCerts, Trust};

/// The connector, and what the user should hear about it (a broken
/// `known_certs.toml`, `--insecure`). A fingerprint that cannot be read
/// is an error: the run must not go on trusting less than was asked.
pub fn connector(
    config: &Config,
    config_dir: Option<&Path>,
    net: &NetArgs,
) -> Result<(Connector, Vec<String>), String> {
    let known = config_dir.map_or_else(KnownCerts::none, KnownCerts::load);
    let trust = Trust::new(known);
    let mut notes: Vec<String> = trust.problem().into_iter().collect();
    if let Some(text) = &net.trust_fingerprint {
        let fp = Fingerprint::parse(text).ok_or_else(|| {
            format!(
                "--trust-fingerprint {text}: not a SHA-256 fingerprint (SHA256:AB:CD:… as \
                 wharf prints it, 32 bytes in hex)"
            )
        })?;
        trust.pin_for_run(fp);
    }
    if net.insecure {
        trust.set_insecure();
        notes.push(
            "--insecure: server certificates are not checked; anyone in between can read \
             and change what is sent"
                .into(),
        );
    }
    let connector = Connector::with_trust(trust).with_defaults(TlsDefaults {
        required: config.tls_required,
        versions: config.tls_versions,
    });
    Ok((connector, notes))
}
