//! Drawing one frame of a 100,000-entry pane (target: ≤ 2 ms), plus the
//! update work around it: sorting the view and moving the cursor.

use std::hint::black_box;
use std::path::PathBuf;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wharf::app::keymap::Keymap;
use wharf::app::pane::SortKey;
use wharf::app::state::AppState;
use wharf::engine::protocol::{
    Entry, EntryKind, Location, ModTime, Perms, Precision, RemotePath, Side,
};

fn entries(n: usize) -> Vec<Entry> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("date");
    (0..n)
        .map(|i| Entry {
            name: format!("file_{:06}_{}.dat", (i * 7919) % n, i % 13).into(),
            kind: if i % 50 == 0 {
                EntryKind::Dir
            } else {
                EntryKind::File
            },
            size: (i as u64 * 104_729) % 10_000_000,
            modified: Some(ModTime::server_local(
                base + chrono::Duration::minutes(i as i64),
                Precision::Minute,
            )),
            permissions: Perms::from_text("-rw-r--r--"),
            link_target: None,
        })
        .collect()
}

fn remote(path: &str) -> Location {
    Location::Remote(RemotePath::from(path))
}

fn state_with(n: usize) -> AppState {
    let mut s = AppState::new(PathBuf::from("/home/bench"), Keymap::default(), 200, 60);
    s.remote.set_listing(remote("/big"), entries(n), None);
    s.focus = Side::Remote;
    s
}

fn bench(c: &mut Criterion) {
    let mut s = state_with(100_000);
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    c.bench_function("draw frame, 100k-entry pane (200x60)", |b| {
        b.iter(|| {
            // Move a little each frame so the drawn rows change.
            s.remote.move_cursor(7, 50);
            term.draw(|f| wharf::ui::draw(f, black_box(&s), 2026))
                .expect("draw");
        })
    });
    let mut s = state_with(100_000);
    c.bench_function("re-sort 100k entries by size", |b| {
        b.iter(|| {
            s.remote.sort = if s.remote.sort == SortKey::Size {
                SortKey::Name
            } else {
                SortKey::Size
            };
            s.remote.rebuild_view(None);
        })
    });
    c.bench_function("set_listing 100k entries (keys, view, sort)", |b| {
        let list = entries(100_000);
        b.iter_batched(
            || list.clone(),
            |l| {
                let mut p = wharf::app::pane::PaneState::new(remote("/"));
                p.set_listing(remote("/big"), l, None);
                black_box(p.view.len())
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
