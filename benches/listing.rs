//! Throughput of the listing parser: 100,000 lines each of Unix LIST and
//! MLSD, and of the other families (DOS, VMS, MVS, IBM i, EPLF, OS/2,
//! NetWare) for the slowest one.
//!
//! Run with `cargo bench --bench listing`; criterion reports elements/s, i.e.
//! lines per second.

use std::fmt::Write as _;
use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wharf::engine::listing::{ListFormat, parse_listing, parse_listing_from};

const LINES: usize = 100_000;

const STEMS: &[&str] = &[
    "report",
    "IMG_2041",
    "backup-2024-11-27",
    "My Documents",
    "index",
    "node_modules",
    "a b c",
    "ü ñ 日本 файл",
    "README",
    "Makefile",
    ".bashrc",
    "very_long_file_name_with_many_parts_v2.final",
    "photo (1)",
    "data;set=3",
    "src",
    "Cargo",
    "résumé",
    "build output",
    "x",
    "archive.tar",
];
const EXTS: &[&str] = &[
    "", ".txt", ".jpg", ".gz", ".rs", ".toml", ".pdf", ".iso", ".log", ".json",
];
const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A small deterministic generator so both inputs are the same every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn name(rng: &mut Rng, i: usize) -> String {
    format!("{}_{i}{}", rng.pick(STEMS), rng.pick(EXTS))
}

fn size(rng: &mut Rng) -> u64 {
    // Mostly small files, some large ones.
    match rng.next() % 10 {
        0 => rng.next() % 10_000_000_000,
        1..=3 => rng.next() % 1_000_000,
        _ => rng.next() % 50_000,
    }
}

fn list_data() -> Vec<u8> {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut out = String::with_capacity(LINES * 80);
    for i in 0..LINES {
        let month = rng.pick(MONTHS);
        let day = rng.next() % 28 + 1;
        let when = if rng.next().is_multiple_of(3) {
            format!("{month} {day:>2}  {}", 2015 + rng.next() % 10)
        } else {
            format!(
                "{month} {day:>2} {:02}:{:02}",
                rng.next() % 24,
                rng.next() % 60
            )
        };
        let name = name(&mut rng, i);
        match rng.next() % 10 {
            // vsftpd style
            0..=3 => writeln!(
                out,
                "-rw-r--r--    1 1000     1000     {:>8} {when} {name}\r",
                size(&mut rng)
            ),
            // pure-ftpd style folder
            4..=5 => writeln!(
                out,
                "drwxr-xr-x    2 user       group          4096 {when} {name}\r"
            ),
            // proftpd style symlink
            6 => writeln!(
                out,
                "lrwxrwxrwx   1 user     group         12 {when} {name} -> ../target/{name}\r"
            ),
            // libunftp style
            _ => writeln!(
                out,
                "-rw-r--r-- {:>12} {:>12} {:>12} {:>14} {when} {name}\r",
                1,
                1000,
                1000,
                size(&mut rng)
            ),
        }
        .unwrap();
    }
    out.into_bytes()
}

fn mlsd_data() -> Vec<u8> {
    let mut rng = Rng(0x0fed_cba9_8765_4321);
    let mut out = String::with_capacity(LINES * 140);
    for i in 0..LINES {
        let modify = format!(
            "{}{:02}{:02}{:02}{:02}{:02}",
            2015 + rng.next() % 10,
            rng.next() % 12 + 1,
            rng.next() % 28 + 1,
            rng.next() % 24,
            rng.next() % 60,
            rng.next() % 60
        );
        let name = name(&mut rng, i);
        match rng.next() % 10 {
            // proftpd
            0..=3 => writeln!(
                out,
                "modify={modify};perm=adfr;size={};type=file;unique=FD00U{i:X};UNIX.group=1000;UNIX.groupname=user;UNIX.mode=0644;UNIX.owner=1000;UNIX.ownername=user; {name}\r",
                size(&mut rng)
            ),
            // pure-ftpd folder and symlink
            4..=5 => writeln!(
                out,
                "type=dir;sizd=4096;modify={modify};UNIX.mode=0755;UNIX.uid=1000;UNIX.gid=1000;unique=801g{i:x}; {name}\r"
            ),
            6 => writeln!(
                out,
                "type=OS.unix=slink:/srv/data/{name};size=12;modify={modify};UNIX.mode=0777;UNIX.uid=0;UNIX.gid=0; {name}\r"
            ),
            // libunftp
            _ => writeln!(
                out,
                "type=file;size={};modify={modify};unix.uid=1000;unix.gid=1000; {name}\r",
                size(&mut rng)
            ),
        }
        .unwrap();
    }
    out.into_bytes()
}

/// `LINES` lines of one family: `line(i)` for each.
fn family_data(line: impl Fn(usize) -> String) -> Vec<u8> {
    let mut out = String::with_capacity(LINES * 80);
    for i in 0..LINES {
        out.push_str(&line(i));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The other families, each with the SYST reply its servers send.
#[allow(clippy::type_complexity)]
fn families() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    vec![
        (
            "dos_100k",
            Some("Windows_NT"),
            family_data(|i| {
                format!(
                    "11-27-2024  02:03PM              1,{:03} report_{i}.txt",
                    i % 1000
                )
            }),
        ),
        (
            "vms_100k",
            Some("VMS OpenVMS V8.4"),
            family_data(|i| {
                format!(
                    "FILE_{i}.TXT;1          2/3      27-NOV-2024 14:03:05  [GROUP,OWNER]  (RWED,RWED,RE,)"
                )
            }),
        ),
        (
            "mvs_100k",
            Some("MVS is the operating system of this server."),
            family_data(|i| {
                format!("WYNF01 3390   2024/11/27  1   15  FB      80  6160  PS  USER.DATA{i}")
            }),
        ),
        (
            "ibmi_100k",
            Some("OS/400 is the remote operating system."),
            family_data(|i| {
                format!("MYUSER         12345 11/27/24 14:03:05 *STMF      file_{i}.txt")
            }),
        ),
        (
            "eplf_100k",
            None,
            family_data(|i| format!("+i8388621.{i},m824255902,r,s10376,\tfile_{i}")),
        ),
        (
            "os2_100k",
            None,
            family_data(|i| format!(" 12345      A          11-27-24   14:03  file_{i}.txt")),
        ),
        (
            "netware_100k",
            Some("NETWARE Type: L8"),
            family_data(|i| {
                format!("- [R----F--] rhesus             214059       Oct 20 15:27    file_{i}.exe")
            }),
        ),
        (
            "unix_localized_100k",
            None,
            family_data(|i| format!("-rw-r--r--   1 user group 12 févr. 10  2023 fichier_{i}.txt")),
        ),
    ]
}

fn bench_listing(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2025, 3, 15).unwrap();
    let list = list_data();
    let mlsd = mlsd_data();
    // The inputs must parse completely, or the numbers mean nothing.
    for (data, format) in [(&list, ListFormat::List), (&mlsd, ListFormat::Mlsd)] {
        let parsed = parse_listing(data, format, today);
        assert_eq!(
            parsed.entries.len(),
            LINES,
            "{format:?}: {:?}",
            parsed.unreadable.first()
        );
    }

    let mut group = c.benchmark_group("parse_listing");
    group.throughput(Throughput::Elements(LINES as u64));
    group.sample_size(20);
    group.bench_function("list_100k", |b| {
        b.iter(|| parse_listing(black_box(&list), ListFormat::List, today))
    });
    group.bench_function("mlsd_100k", |b| {
        b.iter(|| parse_listing(black_box(&mlsd), ListFormat::Mlsd, today))
    });
    for (name, syst, data) in families() {
        let parsed = parse_listing_from(&data, ListFormat::List, syst, today);
        assert_eq!(
            parsed.entries.len(),
            LINES,
            "{name}: {:?}",
            parsed.unreadable.first()
        );
        group.bench_function(name, |b| {
            b.iter(|| parse_listing_from(black_box(&data), ListFormat::List, syst, today))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_listing);
criterion_main!(benches);
