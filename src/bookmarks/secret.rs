//! Bookmark passwords in the system keyring (the `keyring` crate: Secret
//! Service over D-Bus on Linux and the BSDs, Keychain on macOS, Credential
//! Manager on Windows).
//!
//! Service `wharf`, account `user@host:port` ([`Bookmark::account`]), so
//! bookmarks for the same login share one password.
//!
//! Where no keyring service runs (a bare server, CI, a session without
//! D-Bus) every function returns [`SecretError::Unavailable`]: say so once
//! and ask for the password at connect time. These calls can block for long
//! (a keyring may ask the user to unlock it): make them off the UI thread
//! (`spawn_blocking`). Passwords never appear in these errors.

use super::bookmark::Bookmark;

const SERVICE: &str = "wharf";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keyring service to talk to, or it refused access (locked, the
    /// unlock prompt dismissed). Ask for the password instead.
    #[error("the system keyring is unavailable ({0})")]
    Unavailable(String),
    /// The bookmark is anonymous: there is no account to keep a password for.
    #[error("an anonymous bookmark has no password to keep")]
    NoUser,
    /// The keyring answered with an error.
    #[error("the system keyring failed: {0}")]
    Failed(String),
}

/// Whether a keyring can be used at all. The first call connects to it
/// (once per process); call it at start to tell the user once.
pub fn available() -> Result<(), SecretError> {
    match keyring::Entry::store_status() {
        Ok(()) => Ok(()),
        Err(e) => Err(SecretError::Unavailable(e.to_string())),
    }
}

/// Keeps `password` for the bookmark's account, replacing any kept before.
pub fn store(bookmark: &Bookmark, password: &str) -> Result<(), SecretError> {
    entry(bookmark)?.set_password(password).map_err(convert)
}

/// The password kept for the bookmark's account; `Ok(None)` when none is
/// kept (or the bookmark is anonymous).
pub fn load(bookmark: &Bookmark) -> Result<Option<String>, SecretError> {
    if bookmark.user.is_none() {
        return Ok(None);
    }
    match entry(bookmark)?.get_password() {
        Ok(p) => Ok(Some(p)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(convert(e)),
    }
}

/// Forgets the bookmark's password; `Ok` when none was kept.
pub fn delete(bookmark: &Bookmark) -> Result<(), SecretError> {
    if bookmark.user.is_none() {
        return Ok(());
    }
    match entry(bookmark)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(convert(e)),
    }
}

/// Moves a kept password from `old`'s account to `new`'s after an edit
/// changed user, host or port. Nothing to do when the account is the same
/// or nothing was kept. `still_used` says whether another bookmark still
/// uses `old`'s account (then the old entry stays).
pub fn rekey(old: &Bookmark, new: &Bookmark, still_used: bool) -> Result<(), SecretError> {
    if old.account() == new.account() {
        return Ok(());
    }
    if let Some(password) = load(old)? {
        if new.user.is_some() {
            store(new, &password)?;
        }
        if !still_used {
            delete(old)?;
        }
    }
    Ok(())
}

fn entry(bookmark: &Bookmark) -> Result<keyring::Entry, SecretError> {
    let account = bookmark.account().ok_or(SecretError::NoUser)?;
    available()?;
    keyring::Entry::new(SERVICE, &account).map_err(convert)
}

/// Never includes secret bytes (`BadEncoding` and `BadDataFormat` carry
/// them).
fn convert(e: keyring::Error) -> SecretError {
    use keyring::Error as E;
    match e {
        E::NoDefaultStore => match available() {
            Err(u) => u,
            Ok(()) => SecretError::Unavailable(e.to_string()),
        },
        E::PlatformFailure(_) | E::NoStorageAccess(_) => SecretError::Unavailable(e.to_string()),
        E::BadEncoding(_) => SecretError::Failed("the kept password is not valid UTF-8".into()),
        E::BadDataFormat(..) => SecretError::Failed("the kept password is malformed".into()),
        other => SecretError::Failed(other.to_string()),
    }
}
