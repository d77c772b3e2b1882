//! The command line as the shell sees it: completion scripts and manual
//! pages printed by the built binary (no server needed).

use std::process::{Command, Output};

fn wharf(args: &[&str]) -> Output {
    let state = tempfile::tempdir().expect("tempdir");
    Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(args)
        .env("WHARF_CONFIG_DIR", state.path().join("config"))
        .env("WHARF_DATA_DIR", state.path().join("data"))
        .output()
        .expect("run wharf")
}

fn stdout(args: &[&str]) -> String {
    let out = wharf(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completion_scripts_know_the_commands_and_the_global_options() {
    for (shell, marker) in [
        ("bash", "complete -F _wharf"),
        ("zsh", "#compdef wharf"),
        ("fish", "complete -c wharf"),
    ] {
        let script = stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}:\n{script}");
        for word in [
            "get",
            "put",
            "ls",
            "bookmarks",
            "log-level",
            "connect-timeout",
        ] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    assert_eq!(wharf(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn manual_pages_for_wharf_and_each_command() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH wharf 1"), "{page}");
    assert!(page.contains("\\-\\-log\\-level"), "{page}");
    assert!(page.contains("wharf\\-get(1)"), "{page}");
    let get = stdout(&["man", "get"]);
    assert!(get.contains(".TH wharf-get 1"), "{get}");
    assert!(get.contains("\\-\\-skip\\-existing"), "{get}");
    assert_eq!(wharf(&["man", "nosuch"]).status.code(), Some(2));
    // Made without the config or data folder: nothing is written there.
    let state = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["--log-level", "debug", "man"])
        .env("WHARF_DATA_DIR", state.path())
        .output()
        .expect("run wharf");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(state.path()).expect("ls").count(), 0);
}
