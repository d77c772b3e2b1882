//! What the file-operation commands (`mkdir`, `rm`, `mv`, `chmod`, `cat`,
//! `find`) share: the URLs of one server run on one set of connections
//! (one login for `wharf rm -r URL…`), a URL's path made absolute against
//! the login folder, an engine file operation run to its end with each
//! failure printed as it comes (the path and the server's reply), and
//! the exit status: 0 only when everything asked for was done.

use tokio::sync::mpsc;

use super::shared::{EXIT_FAILED, EXIT_OK, connect_failed, stderr_sink};
use super::wording::remote_failure;
use crate::engine::fileops::{Connections, Reporter, run_remote};
use crate::engine::protocol::{ConnectProfile, Event, FileOp, OpCounts, RemotePath, RequestId};
use crate::engine::session::{Connector, resolve_start_path_in};
use crate::text::sanitize;

/// The connections of one server, and the path each URL names there.
pub struct Server {
    pub conns: Connections,
    pub max: usize,
    /// The login folder, which URL paths are relative to.
    home: RemotePath,
}

impl Server {
    /// Logs in (the first connection; the rest open as work needs them).
    /// On failure the reason is printed and the exit status returned.
    pub async fn open(
        connector: &Connector,
        profile: &ConnectProfile,
        max: usize,
        verbose: bool,
    ) -> Result<Server, i32> {
        let mut conns = Connections::new(
            connector.clone(),
            profile.clone(),
            max,
            Box::new(move |_| stderr_sink(verbose)),
        );
        let s = match conns.one().await {
            Ok(s) => s,
            Err(e) => return Err(connect_failed(&profile.authority(), &e)),
        };
        let home = s.info().home.clone();
        conns.put_back(s);
        Ok(Server { conns, max, home })
    }

    /// The absolute path `profile`'s URL names on this server.
    pub fn path_of(&self, profile: &ConnectProfile) -> RemotePath {
        resolve_start_path_in(
            &self.home,
            profile.path.as_deref(),
            profile.listing.encoding,
        )
    }

    /// Runs `op` to its end; `each` sees every event (failures are printed
    /// here, `what` naming the sort of path: "file", "folder"…). Returns
    /// the counts.
    pub async fn run(&mut self, op: FileOp, what: &str, mut each: impl FnMut(&Event)) -> OpCounts {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let rep = Reporter::new(RequestId(0), tx);
        let mut print = |ev: Event| {
            if let Event::OpEntryFailed { path, error, .. } = &ev {
                eprintln!("wharf: {}", remote_failure(&path.display(), what, error));
            }
            each(&ev);
        };
        {
            let work = run_remote(op, &mut self.conns, self.max, &rep);
            tokio::pin!(work);
            loop {
                tokio::select! {
                    _ = &mut work => break,
                    Some(ev) = rx.recv() => print(ev),
                }
            }
        }
        let counts = rep.counts();
        drop(rep);
        while let Ok(ev) = rx.try_recv() {
            print(ev);
        }
        counts
    }

    pub async fn close(self) {
        self.conns.close().await;
    }
}

/// Groups the URLs by server (in their order), so each server logs in
/// once.
pub fn by_server(profiles: Vec<ConnectProfile>) -> Vec<(ConnectProfile, Vec<ConnectProfile>)> {
    let mut groups: Vec<(ConnectProfile, Vec<ConnectProfile>)> = Vec::new();
    for p in profiles {
        let key = ConnectProfile {
            path: None,
            ..p.clone()
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(p),
            None => groups.push((key, vec![p])),
        }
    }
    groups
}

/// The exit status for `failed` failures.
pub fn status(failed: usize) -> i32 {
    if failed == 0 { EXIT_OK } else { EXIT_FAILED }
}

/// A remote path as printed.
pub fn shown(path: &RemotePath) -> String {
    sanitize(&path.display()).into_owned()
}
