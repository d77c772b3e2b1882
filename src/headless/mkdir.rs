//! `wharf mkdir [-p] URL…`: a folder for each URL; with `-p` the folders
//! above it too, and an existing folder is fine.

use super::op::{Server, by_server, status};
use crate::engine::protocol::{ConnectProfile, FileOp, Location};
use crate::engine::session::Connector;

pub async fn mkdir(
    connector: Connector,
    urls: Vec<ConnectProfile>,
    parents: bool,
    verbose: bool,
) -> i32 {
    let mut failed = 0;
    for (server, urls) in by_server(urls) {
        let mut s = match Server::open(&connector, &server, 1, verbose).await {
            Ok(s) => s,
            Err(code) => return code,
        };
        for url in urls {
            let path = s.path_of(&url);
            let op = FileOp::MakeDir {
                path: Location::Remote(path),
                parents,
            };
            failed += s.run(op, "folder", |_| {}).await.failed;
        }
        s.close().await;
    }
    status(failed)
}
