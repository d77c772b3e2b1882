//! One entry of a folder listing, local or remote. Both panes hold these,
//! a million of them in a big folder: an entry is 64 bytes, its name inside
//! them when it is short (see [`Name`]), a link's target boxed (rare).

use super::path::Name;
use super::time::ModTime;

/// What kind of thing an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    File,
    Dir,
    /// A symbolic link; `Entry::link_target` holds its target when known.
    Symlink,
    /// Devices, sockets, pipes: shown, never transferred.
    Other,
}

/// Unix permissions, `ls -l` style, in four bytes: the type letter and the
/// mode bits (the nine `rwx` and setuid, setgid, sticky).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Perms {
    letter: u8,
    mode: u16,
}

impl Perms {
    /// From a mode and the letter `ls` shows for its type (`-`, `d`, `l`…).
    pub fn new(letter: u8, mode: u32) -> Perms {
        Perms {
            letter,
            mode: (mode & 0o7777) as u16,
        }
    }

    /// From a mode with its file type bits (`0o100644`); `kind` decides
    /// when the type bits are missing.
    pub fn from_mode(mode: u32, kind: EntryKind) -> Perms {
        let letter = match mode & 0o170000 {
            0o020000 => b'c',
            0o060000 => b'b',
            0o010000 => b'p',
            0o140000 => b's',
            0o040000 => b'd',
            0o120000 => b'l',
            0o100000 => b'-',
            _ => match kind {
                EntryKind::File => b'-',
                EntryKind::Dir => b'd',
                EntryKind::Symlink => b'l',
                EntryKind::Other => b'?',
            },
        };
        Perms::new(letter, mode)
    }

    /// Reads the nine permission letters after a type letter (`rwxr-xr-x`,
    /// `rwsr-S--T`; `l`/`L`, mandatory locking, read as setgid).
    pub fn parse(letter: u8, nine: &[u8]) -> Option<Perms> {
        let [ur, uw, ux, gr, gw, gx, or, ow, ox] = nine else {
            return None;
        };
        let flag = |c: u8, want: u8| match c {
            b'-' => Some(false),
            c if c == want => Some(true),
            _ => None,
        };
        let mut mode = 0u32;
        for (c, want, bit) in [
            (*ur, b'r', 0o400),
            (*uw, b'w', 0o200),
            (*gr, b'r', 0o040),
            (*gw, b'w', 0o020),
            (*or, b'r', 0o004),
            (*ow, b'w', 0o002),
        ] {
            if flag(c, want)? {
                mode |= bit;
            }
        }
        // The execute column also carries the special bits.
        let exec = |c: u8, special: &[u8; 4], x: u32, s: u32| -> Option<u32> {
            Some(match c {
                b'-' => 0,
                b'x' => x,
                c if c == special[0] => x | s,
                c if c == special[1] || c == special[2] || c == special[3] => s,
                _ => return None,
            })
        };
        mode |= exec(*ux, b"sSSS", 0o100, 0o4000)?;
        mode |= exec(*gx, b"sSlL", 0o010, 0o2000)?;
        mode |= exec(*ox, b"tTTT", 0o001, 0o1000)?;
        Some(Perms::new(letter, mode))
    }

    /// From `ls` text (`drwxr-xr-x`).
    pub fn from_text(text: &str) -> Option<Perms> {
        let (&letter, nine) = text.as_bytes().split_first()?;
        Perms::parse(letter, nine)
    }

    pub fn mode(&self) -> u32 {
        u32::from(self.mode)
    }

    pub fn letter(&self) -> u8 {
        self.letter
    }

    /// `drwxr-xr-x`.
    pub fn text(&self) -> String {
        let mode = u32::from(self.mode);
        let mut s = [b'-'; 10];
        s[0] = if self.letter.is_ascii_graphic() {
            self.letter
        } else {
            b'?'
        };
        for i in 0..9 {
            if mode & (0o400 >> i) != 0 {
                s[1 + i] = b"rwx"[i % 3];
            }
        }
        if mode & 0o4000 != 0 {
            s[3] = if s[3] == b'x' { b's' } else { b'S' };
        }
        if mode & 0o2000 != 0 {
            s[6] = if s[6] == b'x' { b's' } else { b'S' };
        }
        if mode & 0o1000 != 0 {
            s[9] = if s[9] == b'x' { b't' } else { b'T' };
        }
        s.iter().map(|&b| char::from(b)).collect()
    }
}

/// A folder entry as the panes show it.
///
/// Names (and link targets) are kept exactly as the server (or the local
/// file system) gave them, as bytes; they are decoded, and control
/// characters escaped, only when drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: Name,
    /// Size in bytes (0 when the listing does not say).
    pub size: u64,
    /// Modification time, as precise as the listing gave it.
    pub modified: Option<ModTime>,
    /// For symlinks: the target when the listing shows it (`a -> b`);
    /// boxed, as few entries have one.
    pub link_target: Option<Box<Name>>,
    /// Unix permissions, when the listing gives them.
    pub permissions: Option<Perms>,
    pub kind: EntryKind,
}

impl Entry {
    /// An entry with a name and a kind, nothing else known.
    pub fn new(name: Name, kind: EntryKind) -> Entry {
        Entry {
            name,
            size: 0,
            modified: None,
            link_target: None,
            permissions: None,
            kind,
        }
    }

    pub fn is_dir(&self) -> bool {
        self.kind == EntryKind::Dir
    }

    /// Hidden as `ls` means it: the name starts with a dot.
    pub fn is_hidden(&self) -> bool {
        self.name.is_hidden()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_stays_small() {
        assert!(
            std::mem::size_of::<Entry>() <= 64,
            "{}",
            std::mem::size_of::<Entry>()
        );
    }

    /// A typical name costs nothing beyond the entry's 64 bytes.
    #[test]
    fn a_short_name_needs_no_allocation_of_its_own() {
        let names: Vec<Name> = (0..1000)
            .map(|i| Name::from(format!("IMG_{i:06}-holiday.jpg")))
            .collect();
        let inside = |n: &Name| {
            let start = n as *const Name as usize;
            let p = n.as_bytes().as_ptr() as usize;
            (start..start + std::mem::size_of::<Name>()).contains(&p)
        };
        assert!(names.iter().all(inside));
    }

    #[test]
    fn permissions_read_and_print_like_ls() {
        let p = |s: &str| {
            let b = s.as_bytes();
            Perms::parse(b[0], &b[1..]).map(|p| p.text())
        };
        for s in [
            "drwxr-xr-x",
            "-rwsr-xr-x",
            "-rwSr-Sr--",
            "drwxrwxrwt",
            "drwxrwxrwT",
            "crw--w----",
        ] {
            assert_eq!(p(s).as_deref(), Some(s));
        }
        assert_eq!(p("-rw-r-lr--").as_deref(), Some("-rw-r-Sr--"));
        assert_eq!(p("-rw-q--r--"), None);
        assert_eq!(
            Perms::from_mode(0o100644, EntryKind::Other).text(),
            "-rw-r--r--"
        );
        assert_eq!(
            Perms::from_mode(0o060660, EntryKind::Other).text(),
            "brw-rw----"
        );
        assert_eq!(Perms::from_mode(0o755, EntryKind::Dir).text(), "drwxr-xr-x");
        assert_eq!(
            Perms::from_mode(0o644, EntryKind::Other).text(),
            "?rw-r--r--"
        );
        assert_eq!(
            Perms::from_mode(0o7777, EntryKind::Symlink).text(),
            "lrwsrwsrwt"
        );
    }
}
