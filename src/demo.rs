//! The sample server behind `wharf --demo`.
//!
//! `wharf --demo` lets someone try wharf without an FTP server of their own: it fills a fresh
//! temporary folder with a sample tree and serves it with the [embedded server](crate::server)
//! on 127.0.0.1, anonymous login, active and passive mode allowed. The tree is meant to show
//! what wharf can do and to exercise the awkward cases: folders nested several levels deep,
//! files from zero bytes to a few MiB, names with spaces and non-ASCII letters, hidden
//! dotfiles, symbolic links (on unix) and [`BIG_FOLDER`], a folder of 20,000 entries.
//!
//! The tree is the same on every run: a few human-written texts are embedded from
//! `assets/demo/`, and everything else is generated from a seed derived from each file's path,
//! so no file's content depends on the order in which the others were written. Binary files
//! (photos, music, ...) hold pseudo-random bytes behind the right magic number; they have
//! plausible names and sizes but do not open in a viewer. The whole tree is about 20 MiB and
//! takes a few hundred milliseconds to write (seconds on a busy machine), most of it creating
//! the 20,000 small files. So [`start_demo`] does not wait for it: the server listens at once
//! and greets each connection when the tree is written, and wharf shows its first screen
//! (connecting) meanwhile.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::server::{EmbeddedServer, ServerError, ServerOptions};

/// The folder of the demo tree that holds [`BIG_FOLDER_ENTRIES`] generated files.
pub const BIG_FOLDER: &str = "big-folder";

/// How many files [`BIG_FOLDER`] holds.
pub const BIG_FOLDER_ENTRIES: usize = 20_000;

const README_TXT: &str = include_str!("../assets/demo/README.txt");
const NOTES_MD: &str = include_str!("../assets/demo/notes.md");
const CAFE_MENU_TXT: &str = include_str!("../assets/demo/cafe-menu.txt");
const JAPANESE_TXT: &str = "日本語のテキストファイルです。\n\
    このファイルの名前も日本語です。wharf は UTF-8 のファイル名を正しく表示できるはずです。\n\
    港（みなと）には小さな船がたくさん並んでいます。\n";

/// A running demo: the server and the temporary folder it serves.
///
/// Dropping it stops the server (best effort, see [`EmbeddedServer`]) and deletes the folder;
/// [`stop`](Self::stop) does the same but waits for the server to be gone first.
#[derive(Debug)]
pub struct DemoServer {
    /// The server; connect to `server.addr()`, any user name and password.
    pub server: EmbeddedServer,
    /// The tree being written (taken by [`ready`](Self::ready)).
    build: Option<tokio::task::JoinHandle<io::Result<DemoStats>>>,
    /// Tells the build to stop (set when the demo stops or is dropped).
    stop: StopOnDrop,
    // Declared after `server` and `stop` so that it is dropped (and the folder deleted) last.
    dir: tempfile::TempDir,
}

/// Stops a build still running when the demo goes.
#[derive(Debug, Default)]
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl DemoServer {
    /// The temporary folder being served.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Waits for the tree to be written: what [`build_demo_tree`] wrote.
    pub async fn ready(&mut self) -> Result<DemoStats, DemoError> {
        let build = self
            .build
            .take()
            .ok_or_else(|| DemoError::Build(io::Error::other("already waited for")))?;
        build
            .await
            .map_err(|e| DemoError::Build(io::Error::other(e)))?
            .map_err(DemoError::Build)
    }

    /// Stops the server (and a build still running), then deletes the
    /// temporary folder.
    pub async fn stop(self) {
        let DemoServer {
            server,
            build,
            stop,
            dir,
        } = self;
        stop.0.store(true, Ordering::Relaxed);
        server.stop().await;
        // It stops at its next file: nothing is written once the folder goes.
        if let Some(build) = build {
            let _ = build.await;
        }
        if let Err(e) = dir.close() {
            tracing::warn!("could not delete the demo folder: {e}");
        }
    }
}

/// What went wrong starting the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The temporary folder could not be created.
    #[error("cannot create a temporary folder for the demo: {0}")]
    TempDir(#[source] io::Error),
    /// Writing the sample tree failed.
    #[error("cannot write the demo files: {0}")]
    Build(#[source] io::Error),
    /// The server did not start.
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// Counts of what [`build_demo_tree`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoStats {
    /// Regular files (symbolic links are not counted).
    pub files: u64,
    /// Folders, not counting the root itself.
    pub dirs: u64,
    /// Total size of the regular files.
    pub bytes: u64,
}

/// Starts an anonymous server (active and passive allowed) on a fresh temporary folder and
/// writes the sample tree there behind it: returns at once, and the server greets each
/// connection when the tree is written (or refuses it with a 421 saying why it could not be).
pub async fn start_demo() -> Result<DemoServer, DemoError> {
    let dir = tempfile::Builder::new()
        .prefix("wharf-demo-")
        .tempdir()
        .map_err(DemoError::TempDir)?;
    let root = dir.path().to_path_buf();
    let stop = StopOnDrop::default();
    let (done, ready) = tokio::sync::watch::channel(None);
    let stopped = stop.0.clone();
    // Creating 20,000 files is blocking work: keep it off the async worker threads.
    let build = tokio::task::spawn_blocking(move || {
        let built = build_tree(&root, &stopped);
        let said = match &built {
            Ok(_) => Ok(()),
            Err(e) => Err(format!("cannot write the demo files: {e}")),
        };
        let _ = done.send(Some(said));
        built
    });
    let server = EmbeddedServer::start_when_ready(
        ServerOptions {
            root: dir.path().to_path_buf(),
            credentials: None,
            allow_active: true,
            tls: None,
        },
        ready,
    )
    .await?;
    Ok(DemoServer {
        server,
        build: Some(build),
        stop,
        dir,
    })
}

/// Writes the demo tree under `root` (deterministic: same content every run).
///
/// `root` is created if missing. Existing files at the same paths are overwritten; other
/// content of `root` is left alone (and not counted).
pub fn build_demo_tree(root: &Path) -> io::Result<DemoStats> {
    build_tree(root, &AtomicBool::new(false))
}

/// [`build_demo_tree`], stopping (with an error) at the next file once `stop` is set.
fn build_tree(root: &Path, stop: &AtomicBool) -> io::Result<DemoStats> {
    let mut t = TreeWriter::new(root, stop)?;

    // The top level.
    t.text("README.txt", README_TXT)?;
    t.text(
        ".profile",
        "# demo shell profile\nexport EDITOR=vi\nexport PAGER=less\n",
    )?;
    t.text(
        ".config/wharf/settings.toml",
        "# a hidden folder with a settings file\ntheme = \"harbour\"\nshow_hidden = false\n",
    )?;

    // docs/: the non-ASCII names, tiny files, a manual with pictures.
    t.text("docs/notes.md", NOTES_MD)?;
    t.text("docs/café menu.txt", CAFE_MENU_TXT)?;
    t.text("docs/日本語.txt", JAPANESE_TXT)?;
    t.binary("docs/Überweisung März.pdf", 183_417, b"%PDF-1.4\n")?;
    t.text("docs/empty.txt", "")?;
    t.text("docs/one byte.txt", "x")?;
    t.binary("docs/exactly 1 KiB.bin", 1024, b"")?;
    t.text(
        "docs/.draft (hidden).txt",
        "A hidden draft. Most clients hide names that start with a dot.\n",
    )?;
    for chapter in 1..=12 {
        t.prose(
            &format!("docs/manual/chapter-{chapter:02}.txt"),
            2_000,
            20_000,
        )?;
    }
    for figure in 1..=8 {
        t.binary_sized(
            &format!("docs/manual/images/figure-{figure:02}.png"),
            20_000,
            200_000,
            PNG,
        )?;
    }

    // projects/: a made-up source tree, five levels at its deepest.
    t.text(
        "projects/wharf/README.md",
        "# wharf (demo copy)\n\nNot the real sources: generated text with source-like names.\n",
    )?;
    t.text("projects/wharf/.gitignore", "/target\n*.swp\n.DS_Store\n")?;
    t.text(
        "projects/wharf/Cargo.toml",
        "[package]\nname = \"wharf-demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n",
    )?;
    for file in ["main.rs", "lib.rs", "app.rs", "config.rs"] {
        t.code(&format!("projects/wharf/src/{file}"))?;
    }
    for file in ["mod.rs", "pane.rs", "status.rs", "dialog.rs"] {
        t.code(&format!("projects/wharf/src/ui/{file}"))?;
    }
    for file in [
        "mod.rs",
        "list.rs",
        "progress.rs",
        "input.rs",
        "scrollbar.rs",
    ] {
        t.code(&format!("projects/wharf/src/ui/widgets/{file}"))?;
    }
    for file in ["mod.rs", "ftp.rs", "ftps.rs", "transfer.rs", "listing.rs"] {
        t.code(&format!("projects/wharf/src/net/{file}"))?;
    }
    for file in ["listing.rs", "transfer.rs", "resume.rs"] {
        t.code(&format!("projects/wharf/tests/{file}"))?;
    }
    t.binary("projects/wharf/target/release/wharf", 2_621_440, ELF)?;
    t.text(
        "projects/website/index.html",
        "<!doctype html>\n<title>wharf</title>\n<h1>wharf</h1>\n<p>A dual-pane FTP client.</p>\n",
    )?;
    t.text(
        "projects/website/style.css",
        "body { font-family: sans-serif; margin: 2em auto; max-width: 40em; }\n",
    )?;
    t.binary("projects/website/assets/logo.png", 14_203, PNG)?;
    for n in 1..=6 {
        t.prose(
            &format!("projects/old project (2019)/draft {n}.txt"),
            500,
            5_000,
        )?;
    }

    // photos/: by year and month.
    const MONTHS: [&str; 12] = [
        "01-january",
        "02-february",
        "03-march",
        "04-april",
        "05-may",
        "06-june",
        "07-july",
        "08-august",
        "09-september",
        "10-october",
        "11-november",
        "12-december",
    ];
    let mut photo = 1;
    for month in MONTHS {
        for _ in 0..3 {
            t.binary_sized(
                &format!("photos/2024/{month}/IMG_{photo:04}.jpg"),
                30_000,
                400_000,
                JPEG,
            )?;
            photo += 1;
        }
    }
    for n in 1..=5 {
        t.binary_sized(
            &format!("photos/2023/summer/beach {n:02}.jpg"),
            30_000,
            400_000,
            JPEG,
        )?;
    }
    t.text(
        "photos/2023/summer/.thumbnails.db",
        "thumbnail cache (hidden)\n",
    )?;

    // music/: albums, one with a non-ASCII folder name.
    let tracks = [
        "Mooring Lines",
        "Low Tide",
        "Harbour Lights",
        "Fog Signal",
        "Ebb",
        "Slack Water",
        "Pilot Boat",
        "Home Port",
    ];
    for (i, track) in tracks.iter().enumerate() {
        let path = format!(
            "music/The Quiet Harbour/Low Tide (2021)/{:02} - {track}.mp3",
            i + 1
        );
        t.binary_sized(&path, 300_000, 1_200_000, MP3)?;
    }
    for (i, track) in ["Campanadas", "Doce uvas", "Señales de humo"]
        .iter()
        .enumerate()
    {
        t.binary_sized(
            &format!("music/año nuevo/{:02} - {track}.mp3", i + 1),
            200_000,
            900_000,
            MP3,
        )?;
    }
    let mut playlist = String::from("#EXTM3U\n");
    for (i, track) in tracks.iter().enumerate() {
        playlist.push_str(&format!(
            "The Quiet Harbour/Low Tide (2021)/{:02} - {track}.mp3\n",
            i + 1
        ));
    }
    t.text("music/playlist.m3u", &playlist)?;

    // videos/: the largest file.
    t.binary("videos/harbour timelapse.mp4", 4_404_019, MP4)?;

    // archive/: one folder a year, monthly CSV reports.
    for year in 2019..=2024 {
        for month in 1..=12 {
            t.csv(
                &format!("archive/{year}/report-{year}-{month:02}.csv"),
                year,
                month,
            )?;
        }
        t.prose(&format!("archive/{year}/summary.txt"), 300, 3_000)?;
    }

    // logs/: a month of logs.
    for day in 1..=30 {
        t.log(&format!("logs/server-2024-06-{day:02}.log"), 1_000, 40_000)?;
    }

    // big-folder/: many small files. Most are empty; every tenth holds a line of text.
    t.dir(BIG_FOLDER)?;
    for i in 0..BIG_FOLDER_ENTRIES {
        let path = format!("{BIG_FOLDER}/file-{i:05}.txt");
        if i % 10 == 0 {
            t.text(&path, &format!("file {i}\n"))?
        } else {
            t.text(&path, "")?
        }
    }

    // Links, relative so that they stay inside the served folder.
    #[cfg(unix)]
    {
        t.symlink("docs/notes.md", "current-notes.md")?;
        t.symlink("photos/2024/12-december", "latest-photos")?;
    }

    Ok(t.stats)
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00";
const MP3: &[u8] = b"ID3\x04\x00\x00\x00\x00\x00\x00";
const MP4: &[u8] = b"\x00\x00\x00\x18ftypmp42";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\x00";

/// Writes files and folders under a root, counting them as it goes.
struct TreeWriter<'a> {
    root: PathBuf,
    /// Set when the demo stops before the tree is written.
    stop: &'a AtomicBool,
    stats: DemoStats,
    /// Pseudo-random bytes that binary files are cut from (generating every byte of 20 MiB
    /// would be the slowest part of the build in a debug build).
    pool: Vec<u8>,
    /// Folders already made (relative paths), so each is created and counted once.
    made: std::collections::HashSet<PathBuf>,
}

impl<'a> TreeWriter<'a> {
    const POOL_LEN: usize = 256 * 1024;

    fn new(root: &Path, stop: &'a AtomicBool) -> io::Result<TreeWriter<'a>> {
        fs::create_dir_all(root)?;
        let mut rng = Rng::for_path("pool");
        let mut pool = Vec::with_capacity(Self::POOL_LEN);
        while pool.len() < Self::POOL_LEN {
            pool.extend_from_slice(&rng.next_u64().to_le_bytes());
        }
        Ok(TreeWriter {
            root: root.to_path_buf(),
            stop,
            stats: DemoStats::default(),
            pool,
            made: Default::default(),
        })
    }

    /// Makes the folder `rel` and its parents.
    fn dir(&mut self, rel: impl AsRef<Path>) -> io::Result<()> {
        let rel = rel.as_ref();
        if rel.as_os_str().is_empty() || self.made.contains(rel) {
            return Ok(());
        }
        if let Some(parent) = rel.parent() {
            self.dir(parent)?;
        }
        let full = self.root.join(rel);
        match fs::create_dir(&full) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && full.is_dir() => {}
            Err(e) => return Err(e),
        }
        self.made.insert(rel.to_path_buf());
        self.stats.dirs += 1;
        Ok(())
    }

    /// Creates the file `rel` (and its folder) and counts it; `write` fills it.
    fn file(
        &mut self,
        rel: &str,
        write: impl FnOnce(&mut File) -> io::Result<u64>,
    ) -> io::Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::Interrupted,
                "the demo stopped",
            ));
        }
        if let Some(parent) = Path::new(rel).parent() {
            self.dir(parent)?;
        }
        let mut file = File::create(self.root.join(rel))?;
        let len = write(&mut file)?;
        self.stats.files += 1;
        self.stats.bytes += len;
        Ok(())
    }

    fn text(&mut self, rel: &str, content: &str) -> io::Result<()> {
        self.file(rel, |f| {
            if !content.is_empty() {
                f.write_all(content.as_bytes())?;
            }
            Ok(content.len() as u64)
        })
    }

    /// A binary file of exactly `size` bytes: `magic`, then bytes from the pool.
    fn binary(&mut self, rel: &str, size: u64, magic: &[u8]) -> io::Result<()> {
        let mut rng = Rng::for_path(rel);
        let pool = std::mem::take(&mut self.pool);
        let result = self.file(rel, |f| {
            let head = &magic[..magic.len().min(size as usize)];
            f.write_all(head)?;
            let mut left = size - head.len() as u64;
            while left > 0 {
                let start = rng.below(pool.len() as u64) as usize;
                let chunk = &pool[start..];
                let chunk = &chunk[..chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX))];
                f.write_all(chunk)?;
                left -= chunk.len() as u64;
            }
            Ok(size)
        });
        self.pool = pool;
        result
    }

    /// A binary file whose size is picked (deterministically) between `min` and `max`.
    fn binary_sized(&mut self, rel: &str, min: u64, max: u64, magic: &[u8]) -> io::Result<()> {
        let size = Rng::for_path(&format!("size:{rel}")).between(min, max);
        self.binary(rel, size, magic)
    }

    /// Paragraphs of made-up prose, roughly `min..max` bytes.
    fn prose(&mut self, rel: &str, min: u64, max: u64) -> io::Result<()> {
        let mut rng = Rng::for_path(rel);
        let target = rng.between(min, max) as usize;
        let mut out = String::with_capacity(target + 100);
        while out.len() < target {
            let words = rng.between(20, 80);
            for w in 0..words {
                let word = WORDS[rng.below(WORDS.len() as u64) as usize];
                if w == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                } else {
                    out.push_str(word);
                }
                out.push_str(if w + 1 == words {
                    ".\n\n"
                } else if rng.below(12) == 0 {
                    ", "
                } else {
                    " "
                });
            }
        }
        self.text(rel, &out)
    }

    /// Something that looks a little like Rust source.
    fn code(&mut self, rel: &str) -> io::Result<()> {
        let mut rng = Rng::for_path(rel);
        let name = Path::new(rel)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("module");
        let mut out = format!("//! The `{name}` module (demo file, generated).\n\n");
        for i in 0..rng.between(3, 15) {
            let verb = WORDS[rng.below(WORDS.len() as u64) as usize];
            let noun = WORDS[rng.below(WORDS.len() as u64) as usize];
            out.push_str(&format!(
                "/// {verb} the {noun}.\npub fn {verb}_{noun}_{i}(input: &str) -> usize {{\n    input.len() * {}\n}}\n\n",
                rng.between(1, 100)
            ));
        }
        self.text(rel, &out)
    }

    /// A month of made-up bank statement lines.
    fn csv(&mut self, rel: &str, year: u32, month: u32) -> io::Result<()> {
        let mut rng = Rng::for_path(rel);
        let mut out = String::from("date,description,amount_eur\n");
        for _ in 0..rng.between(20, 200) {
            let day = rng.between(1, 28);
            let what = [
                "Groceries",
                "Rent",
                "Coffee",
                "Train ticket",
                "Salary",
                "Books",
                "Ferry",
                "Harbour fee",
            ];
            let what = what[rng.below(what.len() as u64) as usize];
            let cents = rng.between(100, 250_000);
            let sign = if what == "Salary" { "" } else { "-" };
            out.push_str(&format!(
                "{year}-{month:02}-{day:02},{what},{sign}{}.{:02}\n",
                cents / 100,
                cents % 100
            ));
        }
        self.text(rel, &out)
    }

    /// Log lines, roughly `min..max` bytes.
    fn log(&mut self, rel: &str, min: u64, max: u64) -> io::Result<()> {
        let mut rng = Rng::for_path(rel);
        let target = rng.between(min, max) as usize;
        let mut out = String::with_capacity(target + 100);
        let mut seconds = 0;
        while out.len() < target {
            seconds += rng.between(1, 90);
            let level = ["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"][rng.below(6) as usize];
            let event = match rng.below(4) {
                0 => format!("session {} logged in", rng.below(10_000)),
                1 => format!("transfer finished: {} bytes", rng.below(50_000_000)),
                2 => format!(
                    "listing of /{} sent",
                    WORDS[rng.below(WORDS.len() as u64) as usize]
                ),
                _ => format!("session {} closed", rng.below(10_000)),
            };
            out.push_str(&format!(
                "{:02}:{:02}:{:02} {level:5} {event}\n",
                (seconds / 3600) % 24,
                (seconds / 60) % 60,
                seconds % 60
            ));
        }
        self.text(rel, &out)
    }

    /// A symbolic link at `rel` pointing to `target` (relative to the root), made relative to
    /// the link's folder. Replaces an existing link.
    #[cfg(unix)]
    fn symlink(&mut self, target: &str, rel: &str) -> io::Result<()> {
        let link = self.root.join(rel);
        let depth = Path::new(rel).components().count().saturating_sub(1);
        let mut relative = PathBuf::new();
        for _ in 0..depth {
            relative.push("..");
        }
        relative.push(target);
        if fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()) {
            fs::remove_file(&link)?;
        }
        std::os::unix::fs::symlink(relative, link)
    }
}

const WORDS: &[&str] = &[
    "harbour",
    "quay",
    "tide",
    "anchor",
    "ferry",
    "crane",
    "cargo",
    "berth",
    "pier",
    "lighthouse",
    "rope",
    "buoy",
    "gull",
    "harbor",
    "sail",
    "mast",
    "deck",
    "hull",
    "keel",
    "fog",
    "signal",
    "pilot",
    "tug",
    "wave",
    "shore",
    "dock",
    "net",
    "salt",
    "wind",
    "storm",
    "calm",
    "morning",
    "evening",
    "lantern",
    "chart",
    "compass",
    "voyage",
    "island",
    "bay",
    "channel",
    "current",
    "drift",
    "moor",
    "launch",
    "load",
    "unload",
    "transfer",
    "list",
    "sort",
    "copy",
    "rename",
];

/// The 64-bit FNV-1a hash of `bytes`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A small deterministic generator (SplitMix64): no `rand` crate, same numbers on every run
/// and every platform.
struct Rng(u64);

impl Rng {
    /// A generator seeded from `path` (FNV-1a), so each file's content depends only on its name.
    fn for_path(path: &str) -> Rng {
        Rng(fnv1a(path.as_bytes()))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `min..=max`.
    fn between(&mut self, min: u64, max: u64) -> u64 {
        min + self.below(max.saturating_sub(min) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts (files, dirs, bytes) by walking the tree, not following links.
    fn walk(dir: &Path) -> DemoStats {
        let mut stats = DemoStats::default();
        for entry in fs::read_dir(dir).expect("read_dir") {
            let entry = entry.expect("entry");
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                stats.dirs += 1;
                let inner = walk(&entry.path());
                stats.files += inner.files;
                stats.dirs += inner.dirs;
                stats.bytes += inner.bytes;
            } else if kind.is_file() {
                stats.files += 1;
                stats.bytes += entry.metadata().expect("metadata").len();
            }
        }
        stats
    }

    /// FNV-1a hashes of a few generated files, pinned.
    const PINNED: [(&str, u64); 4] = [
        ("docs/Überweisung März.pdf", 0xa872_6fa6_548e_e655),
        ("logs/server-2024-06-17.log", 0x887b_3436_e93f_27c7),
        ("archive/2021/report-2021-03.csv", 0xd4ff_8fe5_5252_c47f),
        ("projects/wharf/src/main.rs", 0x109f_a0a9_69d5_da86),
    ];

    /// Checks the tree that [`build_demo_tree`] wrote under `root`.
    fn check_tree(root: &Path, stats: DemoStats) {
        assert_eq!(stats, walk(root), "stats agree with what is on disk");
        let others = stats.files - BIG_FOLDER_ENTRIES as u64;
        assert!(
            (200..1000).contains(&others),
            "a few hundred files besides big-folder, got {others}"
        );
        assert!(stats.dirs >= 40, "{stats:?}");
        assert!(
            stats.bytes > 10 << 20 && stats.bytes < 30 << 20,
            "total size {} bytes",
            stats.bytes
        );

        // Embedded assets and nesting.
        assert_eq!(
            fs::read_to_string(root.join("README.txt")).expect("README"),
            README_TXT
        );
        let nested = fs::read_to_string(root.join("projects/wharf/src/ui/widgets/progress.rs"))
            .expect("nested file");
        assert!(nested.starts_with("//! The `progress` module"), "{nested}");
        assert!(root.join("photos/2024/12-december/IMG_0036.jpg").is_file());

        // Names with spaces and non-ASCII letters.
        assert_eq!(
            fs::read_to_string(root.join("docs/café menu.txt")).expect("café"),
            CAFE_MENU_TXT
        );
        assert_eq!(
            fs::read_to_string(root.join("docs/日本語.txt")).expect("日本語"),
            JAPANESE_TXT
        );
        assert!(
            fs::read(root.join("docs/Überweisung März.pdf"))
                .expect("pdf")
                .starts_with(b"%PDF-")
        );
        assert!(root.join("music/año nuevo").is_dir());

        // Sizes at the edges.
        assert_eq!(
            fs::metadata(root.join("docs/empty.txt"))
                .expect("empty")
                .len(),
            0
        );
        assert_eq!(
            fs::metadata(root.join("docs/one byte.txt"))
                .expect("one byte")
                .len(),
            1
        );
        assert_eq!(
            fs::metadata(root.join("docs/exactly 1 KiB.bin"))
                .expect("1 KiB")
                .len(),
            1024
        );
        assert!(
            fs::metadata(root.join("videos/harbour timelapse.mp4"))
                .expect("video")
                .len()
                > 4 << 20
        );

        // Hidden files.
        assert!(root.join(".profile").is_file());
        assert!(root.join(".config/wharf/settings.toml").is_file());

        // big-folder.
        let big: Vec<_> = fs::read_dir(root.join(BIG_FOLDER))
            .expect("big-folder")
            .collect();
        assert_eq!(big.len(), BIG_FOLDER_ENTRIES);
        assert_eq!(
            fs::read_to_string(root.join(BIG_FOLDER).join("file-19990.txt")).expect("tiny file"),
            "file 19990\n"
        );

        // Same content on every run: these hashes change only if the generator does.
        let hashes: Vec<(&str, u64)> = PINNED
            .iter()
            .map(|(rel, _)| (*rel, fnv1a(&fs::read(root.join(rel)).expect("pinned file"))))
            .collect();
        assert_eq!(hashes, PINNED);
        // Building again over an existing tree works and counts the same.
        assert_eq!(build_demo_tree(root).expect("rebuild"), stats);
        assert_eq!(
            stats,
            DemoStats {
                files: 20_228,
                dirs: 47,
                bytes: 24_957_217
            }
        );

        #[cfg(unix)]
        {
            let link = root.join("current-notes.md");
            assert!(
                fs::symlink_metadata(&link)
                    .expect("file link")
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(
                fs::read_link(&link).expect("read_link"),
                Path::new("docs/notes.md")
            );
            assert_eq!(
                fs::read_to_string(&link).expect("through the link"),
                NOTES_MD
            );
            let link = root.join("latest-photos");
            assert!(
                fs::symlink_metadata(&link)
                    .expect("folder link")
                    .file_type()
                    .is_symlink()
            );
            assert!(link.join("IMG_0034.jpg").is_file());
        }
    }

    #[test]
    fn rng_is_stable() {
        // Pinned so that a change to the generator (which would change every demo file) is noticed.
        let mut rng = Rng::for_path("pool");
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            [
                0x0042_9199_449e_de50,
                0xaaad_ede5_9c31_cc31,
                0x7547_11b4_e59d_4691
            ]
        );
    }

    /// The only test that builds the tree: each build creates (and its clean-up deletes) 20,000
    /// files, and on ext4 creating many files soon after deleting many is several times slower
    /// (the inode allocator steps around recently freed inodes), so one build serves all checks.
    #[tokio::test]
    async fn start_demo_builds_and_serves_the_tree() {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
        use tokio::net::{TcpListener, TcpStream};
        use tokio::time::{Duration, timeout};

        /// Sends `cmd` (if any) and returns the one-line reply.
        async fn step(
            read: &mut BufReader<OwnedReadHalf>,
            write: &mut OwnedWriteHalf,
            cmd: Option<&str>,
        ) -> String {
            if let Some(cmd) = cmd {
                write
                    .write_all(format!("{cmd}\r\n").as_bytes())
                    .await
                    .expect("write");
            }
            let mut line = String::new();
            // The greeting waits for the tree: 20,000 files on a busy machine.
            timeout(Duration::from_secs(60), read.read_line(&mut line))
                .await
                .expect("timeout")
                .expect("read");
            line
        }

        let started = std::time::Instant::now();
        let mut demo = start_demo().await.expect("start demo");
        let returned = started.elapsed();
        let root = demo.root().to_path_buf();
        let last = root.join(BIG_FOLDER).join("file-19999.txt");
        // It returns at once (the first screen does not wait for 20,000
        // files); the tree is written behind it.
        assert!(!last.exists(), "start_demo waited for the tree");
        // A connection made now is greeted once the tree is there.
        let (read, mut write) = TcpStream::connect(demo.server.addr())
            .await
            .expect("connect")
            .into_split();
        let mut read = BufReader::new(read);
        let greeting = step(&mut read, &mut write, None).await;
        assert!(
            greeting.starts_with("220 wharf embedded server"),
            "{greeting:?}"
        );
        assert!(last.exists(), "greeted before the tree was written");
        let stats = demo.ready().await.expect("the tree");
        eprintln!(
            "start_demo returned in {returned:?}; tree after {:?}: {stats:?}",
            started.elapsed()
        );
        check_tree(&root, stats);
        let mut check = async |cmd: Option<&str>, code: &str| {
            let reply = step(&mut read, &mut write, cmd).await;
            assert!(
                reply.starts_with(code),
                "{cmd:?}: expected {code}, got {reply:?}"
            );
            reply
        };
        check(Some("USER anonymous"), "331").await;
        check(Some("PASS demo@"), "230").await;
        let size = check(Some("SIZE README.txt"), "213").await;
        assert_eq!(size.trim_end(), format!("213 {}", README_TXT.len()));
        check(Some("CWD big-folder"), "250").await;
        check(Some("SIZE file-00010.txt"), "213 8").await;
        check(Some("CWD /music/año nuevo"), "250").await;
        // Active mode is allowed.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        check(
            Some(&format!("PORT 127,0,0,1,{},{}", port >> 8, port & 0xff)),
            "200",
        )
        .await;

        demo.stop().await;
        assert!(!root.exists(), "demo folder removed");
    }
}
