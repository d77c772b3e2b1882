//! Modal dialogs as data: quick connect, the password prompt, help, the
//! existing-target question, an untrusted certificate, the mark pattern,
//! and the bookmark manager and form. Each owns its input fields; the keys that edit them are handled in
//! the action modules (`dialog_actions.rs` and the others), never here.

use super::line_input::LineInput;
use crate::engine::protocol::{
    AskId, BatchId, ConnId, ConnectProfile, DataMode, Direction, Entry, FileFacts, Location, Name,
    OnExisting, OpCounts, RequestId, Security, Side, Timeouts, UntrustedCertificate,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    Connect(ConnectForm),
    Password(PasswordPrompt),
    Help {
        scroll: usize,
    },
    /// The status line's recent messages in full; `scroll` is lines back
    /// from the newest.
    Messages {
        scroll: usize,
    },
    Conflict(ConflictPrompt),
    Certificate(CertPrompt),
    Pattern(PatternPrompt),
    Bookmarks(super::bookmark_manager::Manager),
    BookmarkForm(Box<super::bookmark_form::BookmarkForm>),
    /// A yes/no question: quit or disconnect with transfers running, or
    /// resume the transfers saved for this server.
    Question(Question),
    /// F5/F6: where the marked entries go (`copy_dialog.rs`).
    CopyTo(CopyPrompt),
    /// Alt-c: a folder to go to (`goto_actions.rs`).
    GoTo(GoToPrompt),
    /// `i`: what is known of one entry.
    Info(EntryInfo),
    /// Alt-?: what to find (`find_actions.rs`).
    FindPrompt(FindPrompt),
    /// Alt-?: the results, streaming in while the walk runs.
    Find(FindPanel),
    /// F7, Shift-F6, F8, chmod (`file_ops.rs`).
    Mkdir(super::file_ops::MkdirPrompt),
    Rename(super::file_ops::RenamePrompt),
    Delete(super::file_ops::DeletePrompt),
    Chmod(super::file_ops::ChmodPrompt),
    /// Synchronise: direction, deletions, criteria (`sync_actions.rs`).
    SyncSetup(super::sync_state::SyncSetup),
    /// The plan being made: how many entries found; Esc stops.
    SyncPlanning(super::sync_state::SyncPlanning),
    /// The plan's checklist.
    SyncPlan(Box<super::sync_state::PlanView>),
}

/// Find's question: names like what, under the pane's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindPrompt {
    pub side: Side,
    pub root: Location,
    pub input: LineInput,
}

/// Find's results. The walk runs in the engine on connections of its own
/// (`req`); its matches arrive in batches, and `counts` says how far it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindPanel {
    pub side: Side,
    pub root: Location,
    pub pattern: String,
    pub req: RequestId,
    /// The walk is still under way.
    pub running: bool,
    /// Stopped by the user before it ended.
    pub stopped: bool,
    pub counts: OpCounts,
    /// Folders that could not be listed.
    pub failed: usize,
    pub hits: Vec<(Location, Entry)>,
    /// Indexes into `hits`.
    pub marked: std::collections::BTreeSet<usize>,
    pub cursor: usize,
    /// The first row shown.
    pub scroll: usize,
}

/// "Go to": the folder typed so far, and Tab's choices when several
/// folder names fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoToPrompt {
    pub side: Side,
    pub input: LineInput,
    pub error: Option<String>,
    pub choices: Vec<String>,
}

/// One entry of a pane, in full. Its owner and group are not in the
/// listing's `Entry` (kept small): `FileOp::Details` (`req`) asks for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInfo {
    /// The folder it is in.
    pub folder: Location,
    pub entry: Entry,
    /// The request asking who owns it.
    pub req: RequestId,
    pub owner: OwnerInfo,
}

/// Where the entry's owner and group stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerInfo {
    /// `FileOp::Details` is under way.
    Asking,
    /// What the answer said (`None`: that part not said).
    Told {
        owner: Option<String>,
        group: Option<String>,
    },
    /// The request failed or ended without an answer.
    NotTold,
}

/// The copy/move dialog: "Copy 3 items (12.4 MiB) to:" and the target
/// folder, editable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyPrompt {
    pub from: Side,
    pub names: Vec<Name>,
    pub move_after: bool,
    /// "Copy 3 items (12.4 MiB) to:"
    pub title_line: String,
    pub input: LineInput,
    pub error: Option<String>,
}

/// A question the user answers with a key (`question_actions.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// `running` transfers are queued or running, `deletes` deletes
    /// running: quit anyway?
    Quit { running: usize, deletes: usize },
    /// …: disconnect anyway?
    Disconnect { running: usize, deletes: usize },
    /// An earlier run left `files` unfinished for `server`: resume them?
    ResumeSaved {
        server: String,
        files: usize,
        bytes: u64,
    },
    /// A download batch needs `needed` bytes on the disk of `folder`,
    /// which has `free`: start it anyway?
    LowSpace {
        batch: BatchId,
        folder: String,
        needed: u64,
        free: u64,
    },
    /// A file edited with F4 changed on the server since it was fetched:
    /// overwrite it, save under a new name, or keep the edited copy (at
    /// `kept`) here? Answered in `edit_actions.rs`.
    EditChanged { name: String, kept: String },
}

/// The target of a transfer exists: both sides, and the choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictPrompt {
    pub ask: AskId,
    pub name: String,
    pub direction: Direction,
    pub source: FileFacts,
    pub target: FileFacts,
    /// Index into `CONFLICT_CHOICES`.
    pub choice: usize,
    /// Apply the choice to the rest of the batch.
    pub for_all: bool,
}

/// The choices of the existing-target dialog, with their hot keys.
pub const CONFLICT_CHOICES: [(OnExisting, &str, char); 5] = [
    (OnExisting::Overwrite, "Overwrite", 'o'),
    (OnExisting::OverwriteIfNewer, "If newer", 'n'),
    (OnExisting::Resume, "Resume", 'r'),
    (OnExisting::Rename, "Rename", 'e'),
    (OnExisting::Skip, "Skip", 's'),
];

/// The server's certificate is not trusted: what it says, and the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPrompt {
    /// The connection that was refused (a newer one makes this moot).
    pub conn: ConnId,
    pub cert: UntrustedCertificate,
    /// Index into `CERT_CHOICES`; it starts on Cancel.
    pub choice: usize,
}

/// What the user can do with an untrusted certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertChoice {
    Cancel,
    TrustOnce,
    TrustAlways,
}

/// The choices of the certificate dialog, with their hot keys. Cancel is
/// first: Enter on a dialog nobody read must not trust anything.
pub const CERT_CHOICES: [(CertChoice, &str, char); 3] = [
    (CertChoice::Cancel, "Cancel", 'c'),
    (CertChoice::TrustOnce, "Trust once", 'o'),
    (CertChoice::TrustAlways, "Trust always", 'a'),
];

/// A shell pattern to mark (`+`) or unmark (`-`) entries with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternPrompt {
    pub mark: bool,
    pub input: String,
    pub error: Option<String>,
}

/// The quick-connect form: host, port, user, password, and the security
/// (a choice, not typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectForm {
    pub fields: [String; 4],
    /// A text field (`HOST`…`PASSWORD`) or `SECURITY`.
    pub focus: usize,
    pub error: Option<String>,
    pub mode: DataMode,
    pub security: Security,
}

pub const HOST: usize = 0;
pub const PORT: usize = 1;
pub const USER: usize = 2;
pub const PASSWORD: usize = 3;
/// The security choice, after the text fields.
pub const SECURITY: usize = 4;
/// Places the focus can be.
pub const FOCUS_PLACES: usize = 5;
pub const FIELD_NAMES: [&str; 4] = ["Host", "Port", "User", "Password"];

/// The security choices in the order Left/Right cycle them, with their words.
pub const SECURITY_CHOICES: [(Security, &str); 3] = [
    (Security::Plain, "plain FTP"),
    (Security::Explicit, "explicit TLS (ftpes, AUTH TLS)"),
    (Security::Implicit, "implicit TLS (ftps, port 990)"),
];

impl ConnectForm {
    pub fn new(from: Option<&ConnectProfile>, mode: DataMode) -> Self {
        let fields = match from {
            Some(p) => [
                p.host.clone(),
                p.port.to_string(),
                p.user.clone().unwrap_or_default(),
                String::new(),
            ],
            None => [String::new(), "21".into(), String::new(), String::new()],
        };
        ConnectForm {
            fields,
            focus: HOST,
            error: None,
            mode,
            security: from.map_or(Security::Plain, |p| p.security),
        }
    }

    /// The next (`step` 1) or previous (`step` -1) security choice. The port
    /// follows when it was the old choice's usual one (21 ⇄ 990).
    pub fn cycle_security(&mut self, step: isize) {
        let n = SECURITY_CHOICES.len() as isize;
        let at = SECURITY_CHOICES
            .iter()
            .position(|(s, _)| *s == self.security)
            .unwrap_or(0) as isize;
        let next = SECURITY_CHOICES[(at + step).rem_euclid(n) as usize].0;
        let usual = |s: Security| if s == Security::Implicit { "990" } else { "21" };
        if self.fields[PORT].trim() == usual(self.security) {
            self.fields[PORT] = usual(next).into();
        }
        self.security = next;
    }

    /// Validates the form into a profile. An empty user means anonymous.
    pub fn to_profile(&self, timeouts: Timeouts) -> Result<ConnectProfile, String> {
        let host = self.fields[HOST].trim();
        if host.is_empty() {
            return Err("Enter a host name or address".into());
        }
        if host.contains(char::is_whitespace) || host.contains('/') {
            return Err(format!("`{host}` is not a host name"));
        }
        let port = match self.fields[PORT].trim() {
            "" => 21,
            p => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(format!("Port must be 1–65535, not `{p}`")),
            },
        };
        let user = self.fields[USER].trim();
        let password = &self.fields[PASSWORD];
        Ok(ConnectProfile {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            user: (!user.is_empty()).then(|| user.to_string()),
            password: (!password.is_empty()).then(|| password.clone()),
            path: None,
            mode: self.mode,
            timeouts,
            security: self.security,
            tls_versions: Default::default(),
            listing: Default::default(),
        })
    }
}

/// Asks for the password of a profile that has a user but none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPrompt {
    pub profile: ConnectProfile,
    pub input: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_host_and_port() {
        let mut f = ConnectForm::new(None, DataMode::Passive);
        assert!(f.to_profile(Timeouts::default()).is_err());
        f.fields[HOST] = "ftp.example.org".into();
        f.fields[PORT] = "70000".into();
        let err = f.to_profile(Timeouts::default()).unwrap_err();
        assert!(err.contains("1–65535"), "{err}");
        f.fields[PORT] = "2121".into();
        let p = f.to_profile(Timeouts::default()).unwrap();
        assert_eq!((p.port, p.user.as_deref()), (2121, None));
    }
}
