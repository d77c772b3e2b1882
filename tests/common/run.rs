//! Running the built wharf binary the way a script does: in a folder,
//! with config and data folders of its own (the log file goes there) and
//! no ~/.netrc; its exit status, stdout and stderr.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?} after {:?}, stdout:\n{}\nstderr:\n{}",
            self.code, self.took, self.stdout, self.stderr
        )
    }
}

/// Runs the built binary (on a blocking thread: the server lives on this
/// test's runtime), with config and data folders of its own (the log file
/// goes there) and no ~/.netrc.
#[allow(dead_code)]
pub async fn wharf_in(dir: &Path, args: &[&str]) -> Run {
    let state = tempfile::tempdir().expect("tempdir");
    wharf_configured(dir, &state.path().join("config"), args).await
}

/// The same, with `config` as the config folder (config.toml,
/// known_certs.toml, bookmarks.toml as the test put there).
#[allow(dead_code)]
pub async fn wharf_configured(dir: &Path, config: &Path, args: &[&str]) -> Run {
    let state = tempfile::tempdir().expect("tempdir");
    wharf_with(dir, config, &state.path().join("data"), args).await
}

/// The same, with config and data folders under `state` that outlive the
/// run (what one run keeps, such as the sync record, the next one reads).
#[allow(dead_code)]
pub async fn wharf_kept(dir: &Path, state: &Path, args: &[&str]) -> Run {
    wharf_with(dir, &state.join("config"), &state.join("data"), args).await
}

async fn wharf_with(dir: &Path, config: &Path, data: &Path, args: &[&str]) -> Run {
    let dir = dir.to_path_buf();
    let config = config.to_path_buf();
    let data = data.to_path_buf();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let started = Instant::now();
    let out: Output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_wharf"))
            .args(&args)
            .args(["--timeout", "10", "--connect-timeout", "5"])
            .current_dir(dir)
            .env("WHARF_CONFIG_DIR", config)
            .env("WHARF_DATA_DIR", data)
            .env("NETRC", "/nonexistent/netrc")
            .output()
            .expect("run wharf")
    })
    .await
    .expect("join");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    };
    // Exiting promptly is part of the contract: no lingering connections.
    assert!(run.took < Duration::from_secs(20), "{run:?}");
    run
}
