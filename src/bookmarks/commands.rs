//! `wharf bookmark list | add | remove`, as functions that return the text
//! to print. The caller loads the [`Store`] (`Store::load_default()`) and
//! prints [`Store::problem`] first when there is one.

use unicode_width::UnicodeWidthStr;

use super::bookmark::{Bookmark, Invalid, Mode, PasswordMode};
use super::secret::{self, SecretError};
use super::store::{EditError, Store};
use crate::address::UrlError;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(
        "the URL holds a password, but --ask-password keeps none: \
         leave the password out of the URL"
    )]
    PasswordWithAsk,
    #[error("the URL holds a password but no user name")]
    PasswordWithoutUser,
    #[error(
        "the password cannot be kept: {0}. Nothing was saved. Leave the \
         password out of the URL (wharf asks for it when connecting), or use \
         --ask-password"
    )]
    Keyring(SecretError),
}

/// A table: name, URL (never a password), mode, remote and local folders.
pub fn list(store: &Store) -> String {
    if store.bookmarks().is_empty() {
        return format!("no bookmarks in {}\n", store.path().display());
    }
    let mut rows = vec![[
        "NAME".to_string(),
        "URL".to_string(),
        "MODE".to_string(),
        "REMOTE".to_string(),
        "LOCAL".to_string(),
    ]];
    for b in store.bookmarks() {
        rows.push([
            b.name.clone(),
            b.url(),
            b.mode.to_string(),
            b.remote_dir.clone().unwrap_or_else(|| "-".into()),
            b.local_dir.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(w - cell.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Adds a bookmark from a URL (`ftp://`, `ftpes://`, `ftps://`).
/// `remote_dir` replaces the URL's path when given. Unless `ask_password`,
/// the bookmark keeps its password in the keyring, and a password in the URL
/// is stored there first; when the keyring does not work that fails, and
/// nothing is written anywhere. Returns the line to print.
pub fn add(
    store: &mut Store,
    name: &str,
    url: &str,
    active: bool,
    remote_dir: Option<&str>,
    local_dir: Option<&str>,
    ask_password: bool,
) -> Result<String, CommandError> {
    let (mut bookmark, password) = Bookmark::from_url(name, url)?;
    if active {
        bookmark.mode = Mode::Active;
    }
    if let Some(dir) = remote_dir {
        bookmark.remote_dir = Some(dir.to_string());
    }
    bookmark.local_dir = local_dir.map(str::to_string);
    bookmark.password = if ask_password || bookmark.user.is_none() {
        PasswordMode::Ask
    } else {
        PasswordMode::Keyring
    };
    if password.is_some() {
        if bookmark.user.is_none() {
            return Err(CommandError::PasswordWithoutUser);
        }
        if ask_password {
            return Err(CommandError::PasswordWithAsk);
        }
    }
    // Everything that can be checked is checked before the keyring is
    // touched; `Store::add` checks again.
    store.writable().map_err(EditError::from)?;
    bookmark.normalize();
    bookmark.validate_new_name().map_err(EditError::from)?;
    if let Some(other) = store.get(&bookmark.name) {
        return Err(EditError::Invalid(Invalid::DuplicateName(other.name.clone())).into());
    }
    let stored = match &password {
        Some(p) => {
            secret::store(&bookmark, p).map_err(CommandError::Keyring)?;
            true
        }
        None => false,
    };
    if let Err(e) = store.add(bookmark.clone()) {
        if stored && !account_in_use(store, &bookmark) {
            let _ = secret::delete(&bookmark);
        }
        return Err(e.into());
    }
    let how = match (bookmark.user.is_some(), bookmark.password, stored) {
        (false, _, _) => "anonymous",
        (true, PasswordMode::Ask, _) => "password asked at every connect",
        (true, PasswordMode::Keyring, true) => "password kept in the system keyring",
        (true, PasswordMode::Keyring, false) => {
            "password asked at the first connect, then kept in the system keyring"
        }
    };
    Ok(format!(
        "added \"{}\": {} ({how})\n",
        bookmark.name,
        bookmark.url()
    ))
}

/// Removes a bookmark and, unless another bookmark uses the same account,
/// its keyring password. Returns the line to print.
pub fn remove(store: &mut Store, name: &str) -> Result<String, CommandError> {
    let removed = store.remove(name)?;
    let mut line = format!("removed \"{}\"", removed.name);
    if removed.password == PasswordMode::Keyring
        && removed.user.is_some()
        && !account_in_use(store, &removed)
    {
        match secret::delete(&removed) {
            Ok(()) => {}
            Err(e) => line.push_str(&format!(
                " (its password, if one was kept, is still in the keyring: {e})"
            )),
        }
    }
    line.push('\n');
    Ok(line)
}

/// Whether a bookmark in the store keeps its password under `b`'s account.
pub fn account_in_use(store: &Store, b: &Bookmark) -> bool {
    let account = b.account();
    store.bookmarks().iter().any(|o| {
        o.name.to_lowercase() != b.name.to_lowercase()
            && o.password == PasswordMode::Keyring
            && o.account() == account
    })
}
