//! A server process of a test's own, started from the interop servers'
//! binaries and settings (scripts/interop-servers.sh installs them under
//! .interop/) with a few settings changed, on a port of its own.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// A server process of this test, stopped when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".interop")
}

/// The interop config of `name`, with `changes` (line prefix → new line)
/// applied and `extra` lines added, written into `dir`.
pub fn derived_config(
    name: &str,
    changes: &[(&str, String)],
    extra: &[&str],
    dir: &Path,
) -> PathBuf {
    let base = std::fs::read_to_string(interop_dir().join("conf").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e} (run scripts/test.sh)"));
    let mut lines: Vec<String> = base
        .lines()
        .map(|l| {
            changes
                .iter()
                .find(|(prefix, _)| l.starts_with(prefix))
                .map_or_else(|| l.to_string(), |(_, new)| new.clone())
        })
        .collect();
    lines.extend(extra.iter().map(|l| l.to_string()));
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").expect("write config");
    path
}

/// Waits for a 220 greeting on 127.0.0.1:`port`.
pub fn wait_for_220(port: u16, server: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the server on port {port} exited at start: {status}");
        }
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(3)));
            let mut line = String::new();
            if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with("220") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no server answered on port {port}");
}
