//! An untrusted server certificate: the dialog that shows it (subject,
//! issuer, names, validity, fingerprint, why it was refused) and what the
//! user chooses — cancel, trust once, trust always. Trusting tells the
//! engine (`Command::TrustCertificate`) and connects again.

use crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{CERT_CHOICES, CertChoice, CertPrompt, Dialog};
use super::effects::Update;
use super::requests;
use super::state::AppState;
use crate::engine::protocol::{CertProblem, Command, ConnId, UntrustedCertificate};

/// The engine refused a certificate: ask the user (this replaces whatever
/// dialog was open; nothing else can go on without an answer).
pub fn on_untrusted(
    state: &mut AppState,
    conn: ConnId,
    cert: UntrustedCertificate,
    out: &mut Update,
) {
    if conn != state.conn_id {
        return out.unchanged();
    }
    state.dialog = Some(Dialog::Certificate(CertPrompt {
        conn,
        cert,
        choice: 0,
    }));
}

/// A certificate trusted "always" could not be written down.
pub fn on_trust_not_kept(state: &mut AppState, reason: String) {
    state.set_status(
        format!("Trusted for this session only — not kept: {reason}"),
        true,
    );
}

pub fn certificate_key(state: &mut AppState, key: KeyEvent, out: &mut Update) {
    let Some(Dialog::Certificate(prompt)) = state.dialog.as_mut() else {
        return;
    };
    let n = CERT_CHOICES.len();
    match key.code {
        KeyCode::Left | KeyCode::BackTab | KeyCode::Up => {
            prompt.choice = (prompt.choice + n - 1) % n
        }
        KeyCode::Right | KeyCode::Tab | KeyCode::Down => prompt.choice = (prompt.choice + 1) % n,
        KeyCode::Enter => {
            let choice = CERT_CHOICES[prompt.choice].0;
            answer(state, choice, out);
        }
        KeyCode::Esc => answer(state, CertChoice::Cancel, out),
        KeyCode::Char(c) => match CERT_CHOICES.iter().find(|(_, _, k)| *k == c) {
            Some((choice, _, _)) => answer(state, *choice, out),
            None => out.unchanged(),
        },
        _ => out.unchanged(),
    }
}

fn answer(state: &mut AppState, choice: CertChoice, out: &mut Update) {
    let Some(Dialog::Certificate(prompt)) = state.dialog.take() else {
        return;
    };
    let always = match choice {
        CertChoice::Cancel => {
            let what = match prompt.cert.problem {
                CertProblem::Changed { .. } => "the changed certificate was not trusted",
                _ => "the certificate was not trusted",
            };
            state.set_status(format!("Not connected: {what}"), true);
            return;
        }
        CertChoice::TrustOnce => false,
        CertChoice::TrustAlways => true,
    };
    out.send(Command::TrustCertificate {
        server: prompt.cert.server.clone(),
        fingerprint: prompt.cert.cert.fingerprint,
        always,
    });
    match state.profile.clone() {
        Some(profile) => requests::connect(state, profile, out),
        None => state.set_status("Certificate trusted; connect again", false),
    }
}
