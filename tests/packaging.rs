//! What `cargo install` ships: the release profile builds a binary without
//! debug information and with its symbols stripped (debug information made
//! it 117 MB instead of 14 MB), and the profiling profile keeps both for
//! perf. Read from Cargo.toml, so a change there that undoes it fails here.

fn profile(manifest: &toml::Table, name: &str) -> toml::Table {
    manifest
        .get("profile")
        .and_then(|p| p.get(name))
        .and_then(|p| p.as_table())
        .cloned()
        .unwrap_or_else(|| panic!("Cargo.toml has no [profile.{name}]"))
}

/// Whether a `debug` setting asks for any debug information (`debug`
/// defaults to none in release, so a missing key is none).
fn has_debug_info(p: &toml::Table) -> bool {
    match p.get("debug") {
        None => false,
        Some(toml::Value::Boolean(b)) => *b,
        Some(toml::Value::Integer(n)) => *n != 0,
        Some(toml::Value::String(s)) => s != "none",
        Some(other) => panic!("debug = {other}?"),
    }
}

#[test]
fn release_is_stripped_and_profiling_keeps_symbols() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("Cargo.toml");
    let manifest: toml::Table = text.parse().expect("Cargo.toml parses");

    let release = profile(&manifest, "release");
    assert!(!has_debug_info(&release), "{release:?}");
    assert!(
        matches!(release.get("strip"), Some(toml::Value::Boolean(true)))
            || release.get("strip").and_then(|s| s.as_str()) == Some("symbols"),
        "{release:?}"
    );

    let profiling = profile(&manifest, "profiling");
    assert_eq!(
        profiling.get("inherits").and_then(|s| s.as_str()),
        Some("release"),
        "the same optimised code"
    );
    assert!(has_debug_info(&profiling), "{profiling:?}");
    assert!(
        matches!(profiling.get("strip"), Some(toml::Value::Boolean(false)))
            || profiling.get("strip").and_then(|s| s.as_str()) == Some("none"),
        "{profiling:?}"
    );
}
