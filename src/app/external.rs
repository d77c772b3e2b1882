//! Programs that take the terminal for a while: the pager (F3 with
//! `viewer = "pager"`) and the editor (F4). `update` asks for one in its
//! `Update`; the loop hands the terminal over ([`Handover`]), runs it on a
//! blocking thread ([`run`]), takes the terminal back, redraws, and feeds
//! the outcome back as `Msg::ExternalDone`.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `$PAGER`, else `less`.
    Page,
    /// `$VISUAL`, else `$EDITOR`, else `vi`; the file's hash is compared
    /// before and after.
    Edit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    pub purpose: Purpose,
    pub file: PathBuf,
}

/// How the program ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalDone {
    pub purpose: Purpose,
    pub file: PathBuf,
    /// The program's name as run (`vi`, `$EDITOR`'s value).
    pub program: String,
    /// It ran and ended with this status (`None`: killed by a signal), or
    /// could not be started or the file could not be read.
    pub result: Result<Ended, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    pub code: Option<i32>,
    /// The file's content differs from before (edits only).
    pub changed: bool,
    /// The file's size and modification time before the program ran
    /// (edits only): a fetched copy carries the server's time to the
    /// second (MDTM), which the listing may not have.
    pub before: Option<(u64, std::time::SystemTime)>,
}

impl Ended {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Gives the terminal to a child and takes it back (the real terminal:
/// cooked mode, main screen, and wharf stops reading keys meanwhile).
pub trait Handover: Send + Sync {
    fn suspend(&self);
    fn resume(&self);
}

/// The program for `purpose`, from the environment.
pub fn program(purpose: Purpose) -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match purpose {
        Purpose::Page => var("PAGER").unwrap_or_else(|| "less".into()),
        Purpose::Edit => var("VISUAL")
            .or_else(|| var("EDITOR"))
            .unwrap_or_else(|| "vi".into()),
    }
}

/// Runs the program on `ext.file` and waits for it. The program is read
/// by `sh`, as git does, so `EDITOR="vim -u NONE"` works; the file is
/// passed as an argument, never through the shell's parsing.
pub fn run(ext: &External) -> ExternalDone {
    let program = program(ext.purpose);
    let result = run_program(&program, ext);
    ExternalDone {
        purpose: ext.purpose,
        file: ext.file.clone(),
        program,
        result,
    }
}

fn run_program(program: &str, ext: &External) -> Result<Ended, String> {
    let before = match ext.purpose {
        Purpose::Edit => Some(hash(&ext.file).map_err(|e| format!("cannot read the file: {e}"))?),
        Purpose::Page => None,
    };
    let stamp = match ext.purpose {
        Purpose::Edit => std::fs::metadata(&ext.file)
            .ok()
            .and_then(|m| Some((m.len(), m.modified().ok()?))),
        Purpose::Page => None,
    };
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{program} \"$1\""))
        .arg("sh")
        .arg(&ext.file)
        .status()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    let changed = match before {
        // A file the editor removed or cannot be read counts as changed;
        // the upload will say what is wrong with it.
        Some(before) => hash(&ext.file).map_or(true, |after| after != before),
        None => false,
    };
    Ok(Ended {
        code: status.code(),
        changed,
        before: stamp,
    })
}

/// SHA-256 of a file, read in 256 KiB pieces.
pub fn hash(path: &Path) -> io::Result<[u8; 32]> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(h.finalize().into())
}
