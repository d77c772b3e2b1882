//! A local entry's owner and group by name (`FileOp::Details`): its uid
//! and gid (`lstat`: a link's own), named from `/etc/passwd` and
//! `/etc/group` as `ls -l` does for local accounts; the number when the
//! files do not name it (accounts from LDAP or NIS are not looked up:
//! that would take libc's `getpwuid`, and `unsafe`). Blocking.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// `(owner, group)` of `path`.
pub fn owner_of(path: &Path) -> io::Result<(String, String)> {
    let m = std::fs::symlink_metadata(path)?;
    let named = |file: &str, id: u32| {
        std::fs::read_to_string(file)
            .ok()
            .and_then(|text| name_of(&text, id))
            .unwrap_or_else(|| id.to_string())
    };
    Ok((named("/etc/passwd", m.uid()), named("/etc/group", m.gid())))
}

/// The name of `id` in a `passwd` or `group` file's text: the first
/// field of the first line whose third field is `id`.
pub fn name_of(text: &str, id: u32) -> Option<String> {
    text.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        let mut fields = l.split(':');
        let name = fields.next()?;
        let listed = fields.nth(1)?.trim().parse::<u32>().ok()?;
        (listed == id && !name.is_empty()).then(|| name.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_third_field() {
        let passwd = "# comment\nroot:x:0:0:root:/root:/bin/bash\n\
                      alice:x:1000:1000::/home/alice:/bin/sh\nbroken line\n";
        assert_eq!(name_of(passwd, 0).as_deref(), Some("root"));
        assert_eq!(name_of(passwd, 1000).as_deref(), Some("alice"));
        assert_eq!(name_of(passwd, 4242), None);
        let group = "wheel:x:10:alice,bob\nstaff:x:50:\n";
        assert_eq!(name_of(group, 50).as_deref(), Some("staff"));
    }
}
