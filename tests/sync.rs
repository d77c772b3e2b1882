//! Synchronising through the engine's messages, as the TUI does it:
//! `PlanSync` walks both folders and answers with the plan; its transfer
//! requests and deletions run on the queue and the file operations; then
//! `RecordSync` keeps the record, and the next `PlanSync` finds the two in
//! step. Against the in-process server (libunftp, which cannot set a
//! file's time: the record is what makes the second plan empty after an
//! upload). Files compared by hash.

#[path = "common/events.rs"]
mod events;
#[path = "common/server.rs"]
mod server;
#[path = "common/tree.rs"]
mod tree;

use std::path::Path;
use std::time::Duration;

use events::{Engine, no_answers};
use server::TestServer;
use tree::tree_hashes;
use wharf::engine::EngineConfig;
use wharf::engine::protocol::{
    Action, BatchId, Command, DataMode, Event, FileOp, RequestId, Side, SyncDirection, SyncOptions,
    SyncPlan, SyncRoots, Why,
};

fn write(path: &Path, data: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, data).expect("write");
}

/// A day ago, to the second: older than anything the server stamps now.
fn age(path: &Path) {
    let t = std::time::SystemTime::now() - Duration::from_secs(86_400);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(t))
        .expect("set time");
}

struct Setup {
    server: TestServer,
    local: tempfile::TempDir,
    records: tempfile::TempDir,
    engine: Engine,
    next: u64,
}

impl Setup {
    async fn new() -> Setup {
        let server = TestServer::start(None, false).await;
        let records = tempfile::tempdir().expect("tempdir");
        let mut engine = Engine::new(wharf::engine::spawn_configured(EngineConfig {
            sync_records: Some(records.path().to_path_buf()),
            ..EngineConfig::default()
        }))
        .waiting(Duration::from_secs(30));
        engine
            .connect(1, server.profile(None, DataMode::Passive))
            .await
            .expect("connect");
        Setup {
            server,
            local: tempfile::tempdir().expect("tempdir"),
            records,
            engine,
            next: 100,
        }
    }

    fn roots(&self, local: &str, remote: &str) -> SyncRoots {
        SyncRoots {
            local: self.local.path().join(local),
            remote: wharf::engine::protocol::RemotePath::from_bytes(
                format!("/{remote}").into_bytes(),
            ),
        }
    }

    async fn plan(&mut self, roots: &SyncRoots, options: SyncOptions) -> SyncPlan {
        self.next += 1;
        let req = RequestId(self.next);
        self.engine.send(Command::PlanSync {
            req,
            roots: roots.clone(),
            options,
        });
        let wait = self.engine.wait;
        self.engine
            .wait_for(wait, |ev| match ev {
                Event::SyncPlanned { req: r, result } if r == req => Some(*result.expect("a plan")),
                _ => None,
            })
            .await
    }

    /// Runs the plan as the TUI does: copies, then (all copied) the
    /// deletions, then the record.
    async fn apply(&mut self, plan: &SyncPlan) {
        let mut batches = self.next * 10;
        let requests = plan.transfer_requests(
            || {
                batches += 1;
                BatchId(batches)
            },
            true,
        );
        for req in requests {
            let r = self.engine.batch(req, no_answers).await;
            assert_eq!((r.failed, r.cancelled), (0, 0), "{:?}", r.states);
        }
        for side in [Side::Local, Side::Remote] {
            let targets = plan.delete_targets(side);
            if !targets.is_empty() {
                self.next += 1;
                let r = self.engine.op(self.next, FileOp::Delete { targets }).await;
                assert!(r.failures.is_empty(), "{:?}", r.failures);
            }
        }
        self.engine.send(Command::RecordSync {
            plan: Box::new(plan.clone()),
        });
        let wait = self.engine.wait;
        let error = self
            .engine
            .wait_for(wait, |ev| match ev {
                Event::SyncRecorded { error } => Some(error),
                _ => None,
            })
            .await;
        assert_eq!(error, None);
    }
}

fn paths(plan: &SyncPlan) -> Vec<(String, Action, bool)> {
    plan.lines
        .iter()
        .map(|l| (l.path.display().into_owned(), l.action, l.ticked))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_sync_plans_new_changed_and_deleted_then_only_an_unticked_line_is_left() {
    let mut s = Setup::new().await;
    let (l, r) = (s.local.path().join("site"), s.server.path("site"));
    write(&l.join("new.txt"), b"new");
    write(&l.join("dir/inner.txt"), b"inner");
    write(&l.join("changed.txt"), b"changed locally");
    write(&l.join("same.txt"), b"same");
    write(&r.join("changed.txt"), b"old");
    write(&r.join("same.txt"), b"same");
    write(&r.join("extra/x.txt"), b"x");
    // The server's copy of same.txt is newer than the local one.
    age(&l.join("same.txt"));
    let roots = s.roots("site", "site");
    let options = SyncOptions {
        direction: SyncDirection::LocalToRemote,
        delete_extras: true,
        ..SyncOptions::default()
    };
    let plan = s.plan(&roots, options).await;
    let up = |why| Action::Copy {
        from: Side::Local,
        why,
    };
    let del = Action::Delete { on: Side::Remote };
    assert_eq!(
        paths(&plan),
        vec![
            ("changed.txt".into(), up(Why::SizeDiffers), true),
            ("dir".into(), up(Why::New), true),
            ("dir/inner.txt".into(), up(Why::New), true),
            ("extra".into(), del, true),
            ("extra/x.txt".into(), del, true),
            ("new.txt".into(), up(Why::New), true),
            // Equal, but the server's copy is newer: listed, not ticked.
            ("same.txt".into(), up(Why::OtherNewer), false),
        ]
    );
    s.apply(&plan).await;
    assert_eq!(tree_hashes(&l), tree_hashes(&r));

    // Only the line left unticked comes back.
    let again = s.plan(&roots, options).await;
    assert_eq!(
        paths(&again),
        vec![("same.txt".into(), up(Why::OtherNewer), false)]
    );
    assert!(
        std::fs::read_dir(s.records.path())
            .expect("records")
            .count()
            == 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_sync_with_a_flipped_line_sends_that_file_back_up() {
    let mut s = Setup::new().await;
    let (l, r) = (s.local.path().join("copy"), s.server.path("site"));
    write(&r.join("a.txt"), b"from the server");
    write(&r.join("sub/b.txt"), b"b");
    write(&l.join("mine.txt"), b"only here");
    let roots = s.roots("copy", "site");
    let options = SyncOptions {
        direction: SyncDirection::RemoteToLocal,
        delete_extras: true,
        ..SyncOptions::default()
    };
    let mut plan = s.plan(&roots, options).await;
    let i = plan
        .lines
        .iter()
        .position(|l| l.path.display() == "mine.txt")
        .expect("mine.txt is planned");
    assert_eq!(plan.lines[i].action, Action::Delete { on: Side::Local });
    // The user keeps it: flipped, the delete becomes a copy up.
    assert!(plan.flip(i));
    s.apply(&plan).await;
    assert_eq!(
        std::fs::read(r.join("mine.txt")).expect("uploaded"),
        b"only here"
    );
    assert_eq!(
        std::fs::read(l.join("sub/b.txt")).expect("downloaded"),
        b"b"
    );
    assert!(l.join("mine.txt").exists(), "not deleted");
    let again = s.plan(&roots, options).await;
    assert!(again.is_in_sync(), "{:?}", paths(&again));
    assert!(again.lines.is_empty(), "{:?}", paths(&again));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_source_fails_the_plan_and_unreadable_folders_are_left_out() {
    let mut s = Setup::new().await;
    let roots = s.roots("nowhere", "site");
    s.next += 1;
    let req = RequestId(s.next);
    s.engine.send(Command::PlanSync {
        req,
        roots,
        options: SyncOptions::default(),
    });
    let wait = s.engine.wait;
    let result = s
        .engine
        .wait_for(wait, |ev| match ev {
            Event::SyncPlanned { req: r, result } if r == req => Some(result),
            _ => None,
        })
        .await;
    let failure = result.expect_err("no plan without a source");
    assert!(failure.message.contains("no such folder"), "{failure:?}");

    // A local folder that cannot be read: its remote copy is not deleted.
    let (l, r) = (s.local.path().join("up"), s.server.path("up"));
    write(&l.join("locked/a.txt"), b"a");
    write(&r.join("locked/a.txt"), b"a");
    write(&r.join("locked/b.txt"), b"b");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(l.join("locked"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    let readable = std::fs::read_dir(l.join("locked")).is_ok();
    let plan = s
        .plan(
            &s.roots("up", "up"),
            SyncOptions {
                delete_extras: true,
                ..SyncOptions::default()
            },
        )
        .await;
    std::fs::set_permissions(l.join("locked"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    if readable {
        eprintln!("skipping the unreadable folder: root reads a 000 folder");
        return;
    }
    assert!(plan.lines.is_empty(), "{:?}", paths(&plan));
}
