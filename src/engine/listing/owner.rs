//! Who owns one entry, for `i` (`FileOp::Details`): the listing's
//! entries do not keep it (an `Entry` stays 64 bytes), so it is asked
//! for on demand and read here from what the server answers — the facts
//! of an MLST reply (`mlsd::owner_facts`) or the `ls -l` line of a STAT or
//! LIST of that path (`unix::owner_group`), whose columns are found as a
//! listing's are. Names keep the server's bytes.

use chrono::NaiveDate;

use super::outcome::Owner;
use super::{mlsd, unix};

/// The reply's text lines, without their `213-`/`213 ` code prefixes and
/// the space a server puts before each listed line.
fn bodies(lines: &[Vec<u8>]) -> impl Iterator<Item = &[u8]> {
    lines.iter().map(|l| {
        let coded =
            l.len() >= 4 && l[..3].iter().all(u8::is_ascii_digit) && matches!(l[3], b'-' | b' ');
        let body = if coded { &l[4..] } else { &l[..] };
        let start = body.iter().position(|&c| c != b' ').unwrap_or(body.len());
        &body[start..]
    })
}

/// From the lines of an MLST reply (`250-…`, the fact line, `250 End`):
/// the facts of the first line that has owner or group facts.
pub fn from_mlst(lines: &[Vec<u8>]) -> Owner {
    bodies(lines)
        .map(mlsd::owner_facts)
        .find(Owner::is_known)
        .unwrap_or_default()
}

/// From the `ls -l` lines of a STAT or LIST of `path` (the server's
/// bytes): the line that is `path` itself — its name, the whole path
/// (proftpd writes that), or `.` (the folder itself, when the reply lists
/// a folder's contents).
pub fn from_ls_lines(lines: &[Vec<u8>], path: &[u8], today: NaiveDate) -> Owner {
    let name = path.rsplit(|&c| c == b'/').find(|s| !s.is_empty());
    bodies(lines)
        .filter_map(|l| unix::owner_group(l, today))
        .find(|(listed, _)| {
            *listed == path
                || *listed == b"."
                || name.is_some_and(|n| {
                    *listed == n
                        || (listed.ends_with(n) && listed[..listed.len() - n.len()].ends_with(b"/"))
                })
        })
        .map(|(_, owner)| owner)
        .filter(Owner::is_known)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()
    }

    fn lines(text: &str) -> Vec<Vec<u8>> {
        text.lines().map(|l| l.as_bytes().to_vec()).collect()
    }

    fn said(owner: Option<&str>, group: Option<&str>) -> Owner {
        Owner {
            owner: owner.map(|s| s.as_bytes().to_vec()),
            group: group.map(|s| s.as_bytes().to_vec()),
        }
    }

    #[test]
    fn mlst_names_before_numbers_in_any_case() {
        let reply = lines(
            "250-Start of list for /home/u/a.txt\n \
             modify=20240102030405;size=12;type=file;UNIX.group=1001;UNIX.groupname=staff;\
             UNIX.mode=0644;UNIX.owner=1001;UNIX.ownername=alice; /home/u/a.txt\n\
             250 End of list",
        );
        assert_eq!(from_mlst(&reply), said(Some("alice"), Some("staff")));
        // Lower case fact names, numbers only.
        let numeric = lines("250-x\n type=file;unix.owner=0;unix.group=50; a\n250 End");
        assert_eq!(from_mlst(&numeric), said(Some("0"), Some("50")));
        // pure-ftpd: UNIX.uid and UNIX.gid.
        let pure =
            lines("250-Begin\n type=file;UNIX.mode=0644;UNIX.uid=1001;UNIX.gid=7; /a\n250 End.");
        assert_eq!(from_mlst(&pure), said(Some("1001"), Some("7")));
    }

    #[test]
    fn mlst_without_unix_facts_tells_nothing() {
        let reply = lines("250-x\n modify=20240102030405;size=3;type=file; /a\n250 End");
        assert_eq!(from_mlst(&reply), Owner::default());
        assert!(!from_mlst(&reply).is_known());
        // A name after the facts that looks like a fact is not one.
        let tricky = lines("250-x\n type=file; UNIX.owner=evil\n250 End");
        assert_eq!(from_mlst(&tricky), Owner::default());
    }

    #[test]
    fn stat_lines_of_vsftpd_and_proftpd() {
        // vsftpd: numbers, the name alone.
        let vsftpd = lines(
            "213-Status follows:\n\
             -rw-r--r--    1 1001     1001           12 Jan 02  2024 hello.txt\n\
             213 End of status",
        );
        assert_eq!(
            from_ls_lines(&vsftpd, b"/home/u/hello.txt", today()),
            said(Some("1001"), Some("1001"))
        );
        // proftpd: names, the whole path, a space before the line.
        let proftpd = lines(
            "213-Status of /home/u/hello.txt:\n \
             -rw-r--r--   1 wharftest staff       12 Jan  2  2024 /home/u/hello.txt\n\
             213 End of status",
        );
        assert_eq!(
            from_ls_lines(&proftpd, b"/home/u/hello.txt", today()),
            said(Some("wharftest"), Some("staff"))
        );
    }

    #[test]
    fn a_folder_is_its_dot_line_and_a_link_its_name() {
        let folder = lines(
            "213-Status follows:\n\
             drwxr-xr-x    3 1001     1001         4096 Dec 03 16:01 .\n\
             drwxr-xr-x    6 0        0            4096 Dec 03 20:07 ..\n\
             -rw-r--r--    1 1001     1001           14 Jan 02  2024 readme.txt\n\
             213 End of status",
        );
        assert_eq!(
            from_ls_lines(&folder, b"/home/u/nested", today()),
            said(Some("1001"), Some("1001"))
        );
        let link = lines("lrwxrwxrwx 1 bob wheel 7 Dec 03 16:01 latest -> v1.2.3");
        assert_eq!(
            from_ls_lines(&link, b"/srv/latest", today()),
            said(Some("bob"), Some("wheel"))
        );
    }

    #[test]
    fn missing_columns_and_other_names() {
        // No group column (links owner size).
        let no_group = lines("-rw-r--r-- 1 ftp 5 Dec 03 16:01 a.txt");
        assert_eq!(
            from_ls_lines(&no_group, b"/a.txt", today()),
            said(Some("ftp"), None)
        );
        // A group of two words: the columns up to the size.
        let spaced = lines("-rw-r--r-- 1 bob Domain Users 5 Dec 03 16:01 a.txt");
        assert_eq!(
            from_ls_lines(&spaced, b"/a.txt", today()),
            said(Some("bob"), Some("Domain Users"))
        );
        // Another entry's line, an empty reply, a refusal: nothing.
        let other = lines("-rw-r--r-- 1 bob staff 5 Dec 03 16:01 b.txt");
        assert_eq!(from_ls_lines(&other, b"/a.txt", today()), Owner::default());
        let empty = lines("213-Status follows:\n213 End of status");
        assert_eq!(from_ls_lines(&empty, b"/a.txt", today()), Owner::default());
        // `xa.txt` is not `a.txt`.
        let near = lines("-rw-r--r-- 1 bob staff 5 Dec 03 16:01 /xa.txt");
        assert_eq!(from_ls_lines(&near, b"/a.txt", today()), Owner::default());
    }
}
