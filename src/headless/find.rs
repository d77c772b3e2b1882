//! `wharf find URL [--name GLOB]`: every path under URL whose name matches
//! (a glob, or a substring; case-insensitive), one a line, printed as the
//! folders are listed (several at once, on several connections).

use std::io::Write;

use super::op::{Server, status};
use crate::engine::protocol::{ConnectProfile, Event, FileOp, Location, NamePattern};
use crate::engine::session::Connector;
use crate::text::sanitize;

pub async fn find(
    connector: Connector,
    url: ConnectProfile,
    name: Option<String>,
    connections: usize,
    verbose: bool,
) -> i32 {
    let mut s = match Server::open(&connector, &url, connections, verbose).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let root = s.path_of(&url);
    let op = FileOp::Find {
        root: Location::Remote(root),
        pattern: NamePattern::new(name.unwrap_or_default()),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let counts = s
        .run(op, "folder", |ev| {
            if let Event::Found { hits, .. } = ev {
                for (path, _) in hits {
                    let _ = writeln!(out, "{}", sanitize(&path.display()));
                }
                let _ = out.flush();
            }
        })
        .await;
    drop(out);
    s.close().await;
    status(counts.failed)
}
