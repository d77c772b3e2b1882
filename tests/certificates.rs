//! The untrusted-certificate dialog as the user meets it: it shows what
//! the certificate says, Enter on it trusts nothing, "trust once" and
//! "trust always" tell the engine and connect again, a changed
//! certificate is a loud warning; and quick connect's security choice.

#[path = "common/app.rs"]
mod app;

use app::{app_state, conn_of, press, profile, profile_of, the_connect};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::dialog::Dialog;
use wharf::app::state::AppState;
use wharf::app::update::{Msg, update};
use wharf::engine::protocol::{
    CertProblem, CertificateInfo, Command, ConnId, Event, Fingerprint, Security, ServerInfo,
    TlsInfo, UntrustedCertificate,
};

fn cert(problem: CertProblem) -> UntrustedCertificate {
    UntrustedCertificate {
        server: "ftp.example.org:21".into(),
        cert: CertificateInfo {
            subject: "CN=ftp.example.org".into(),
            issuer: "CN=ftp.example.org".into(),
            names: vec!["ftp.example.org".into()],
            not_before: "2026-01-01 00:00 UTC".into(),
            not_after: "2027-01-01 00:00 UTC".into(),
            fingerprint: Fingerprint([0xAB; 32]),
        },
        problem,
    }
}

/// Started with an explicit-TLS profile; the engine refused the certificate.
fn refused(problem: CertProblem) -> (AppState, ConnId) {
    let mut s = app_state("/home/alice", 120, 30);
    let p = wharf::engine::protocol::ConnectProfile {
        security: Security::Explicit,
        ..profile(Some("alice"), Some("secret"))
    };
    let cmds = update(&mut s, Msg::Start(Some(p))).commands;
    let conn = conn_of(&cmds);
    update(
        &mut s,
        Msg::Engine(Event::Untrusted {
            conn,
            cert: cert(problem),
        }),
    );
    (s, conn)
}

fn trust_commands(cmds: &[Command]) -> Vec<(String, Fingerprint, bool)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::TrustCertificate {
                server,
                fingerprint,
                always,
            } => Some((server.clone(), *fingerprint, *always)),
            _ => None,
        })
        .collect()
}

fn screen(s: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
    t.draw(|f| wharf::ui::draw(f, s, 2026)).expect("draw");
    format!("{}", t.backend())
}

#[test]
fn the_dialog_shows_the_certificate_and_enter_trusts_nothing() {
    let (mut s, _) = refused(CertProblem::SelfSigned);
    assert!(matches!(s.dialog, Some(Dialog::Certificate(_))));
    let shown = screen(&s);
    for part in [
        "Untrusted certificate",
        "self-signed",
        "CN=ftp.example.org",
        "2027-01-01",
        "AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:AB:",
        "Trust once",
        "Trust always",
    ] {
        assert!(shown.contains(part), "{part} missing from:\n{shown}");
    }
    insta::assert_snapshot!(shown);
    let out = update(&mut s, app::key(KeyCode::Enter));
    assert!(trust_commands(&out.commands).is_empty());
    assert!(
        !out.commands
            .iter()
            .any(|c| matches!(c, Command::Connect { .. }))
    );
    assert!(s.dialog.is_none());
}

#[test]
fn trust_once_and_always_tell_the_engine_and_connect_again() {
    for (key, always) in [('o', false), ('a', true)] {
        let (mut s, _) = refused(CertProblem::UnknownIssuer);
        let out = update(&mut s, app::ch(key));
        assert_eq!(
            trust_commands(&out.commands),
            [(
                "ftp.example.org:21".to_string(),
                Fingerprint([0xAB; 32]),
                always
            )]
        );
        let again = profile_of(&out.commands);
        assert_eq!(again.security, Security::Explicit);
        assert_eq!(
            again.password.as_deref(),
            Some("secret"),
            "no second prompt"
        );
    }
}

#[test]
fn a_changed_certificate_is_a_loud_warning_that_cancels_by_default() {
    let previous = Fingerprint([0x11; 32]);
    let (mut s, _) = refused(CertProblem::Changed { previous });
    let shown = screen(&s);
    assert!(shown.contains("HAS CHANGED"), "{shown}");
    assert!(
        shown.contains("Trusted was: 11:11:11"),
        "both fingerprints: {shown}"
    );
    insta::assert_snapshot!(shown);
    let out = update(&mut s, app::key(KeyCode::Esc));
    assert!(trust_commands(&out.commands).is_empty());
    assert!(s.status.as_ref().is_some_and(|m| m.is_error));
}

#[test]
fn a_refusal_for_a_connection_given_up_is_not_asked() {
    let (mut s, old) = refused(CertProblem::SelfSigned);
    press(&mut s, KeyCode::Esc);
    // The user connected elsewhere meanwhile.
    let cmds = update(&mut s, Msg::Start(Some(profile(None, None)))).commands;
    assert_ne!(conn_of(&cmds), old);
    update(
        &mut s,
        Msg::Engine(Event::Untrusted {
            conn: old,
            cert: cert(CertProblem::SelfSigned),
        }),
    );
    assert!(s.dialog.is_none());
}

#[test]
fn quick_connect_offers_plain_explicit_and_implicit_tls() {
    let mut s = app_state("/home/alice", 120, 30);
    update(&mut s, Msg::Start(None));
    if !matches!(s.dialog, Some(Dialog::Connect(_))) {
        press(&mut s, KeyCode::F(2));
    }
    app::type_text(&mut s, "ftp.example.org");
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    let shown = screen(&s);
    assert!(shown.contains("plain FTP"), "{shown}");
    press(&mut s, KeyCode::Right);
    press(&mut s, KeyCode::Right);
    let shown = screen(&s);
    assert!(shown.contains("implicit TLS"), "{shown}");
    let out = update(&mut s, app::key(KeyCode::Enter));
    let (_, p) = the_connect(&out.commands);
    assert_eq!((p.security, p.port), (Security::Implicit, 990));
}

#[test]
fn the_status_bar_says_how_the_connection_is_secured() {
    for (tls, features, expect) in [
        (
            Some(TlsInfo {
                version: "TLS 1.3".into(),
                cipher: "TLS13_AES_256_GCM_SHA384".into(),
            }),
            vec![],
            "🔒 TLS 1.3",
        ),
        (None, vec!["AUTH TLS".to_string()], "try ftpes://"),
        (None, vec![], "plain"),
    ] {
        let mut s = app_state("/home/alice", 140, 30);
        let cmds = update(&mut s, Msg::Start(Some(profile(None, None)))).commands;
        update(
            &mut s,
            Msg::Engine(Event::Connected {
                conn: conn_of(&cmds),
                info: ServerInfo {
                    tls,
                    features,
                    ..Default::default()
                },
                start: "/".into(),
            }),
        );
        let shown = screen(&s);
        let status = shown.lines().rev().nth(2).unwrap_or_default().to_string();
        assert!(shown.contains(expect), "{expect} not in:\n{shown}");
        let _ = status;
    }
}
