//! `wharf chmod [-R] MODE URL…`: `SITE CHMOD` (octal MODE) on each URL;
//! with `-R`, on everything below a folder too (links left alone). A
//! server without SITE CHMOD says so, and the exit status is 1.

use super::op::{Server, by_server, status};
use crate::engine::protocol::{Below, ConnectProfile, FileOp, Location};
use crate::engine::session::Connector;

/// MODE as octal digits (`755`, `0644`); `None` when it is not one.
pub fn parse_mode(text: &str) -> Option<u32> {
    let ok =
        !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| (b'0'..=b'7').contains(&b));
    ok.then(|| u32::from_str_radix(text, 8).ok())
        .flatten()
        .filter(|m| *m <= 0o7777)
}

pub async fn chmod(
    connector: Connector,
    mode: u32,
    urls: Vec<ConnectProfile>,
    recursive: bool,
    connections: usize,
    verbose: bool,
) -> i32 {
    let mut failed = 0;
    for (server, urls) in by_server(urls) {
        let mut s = match Server::open(&connector, &server, connections, verbose).await {
            Ok(s) => s,
            Err(code) => return code,
        };
        let targets = urls
            .iter()
            .map(|u| Location::Remote(s.path_of(u)))
            .collect();
        let below = if recursive {
            Below::all()
        } else {
            Below::default()
        };
        let op = FileOp::Chmod {
            targets,
            mode,
            below,
        };
        failed += s.run(op, "file or folder", |_| {}).await.failed;
        s.close().await;
    }
    status(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_octal() {
        assert_eq!(parse_mode("755"), Some(0o755));
        assert_eq!(parse_mode("0644"), Some(0o644));
        assert_eq!(parse_mode("4755"), Some(0o4755));
        assert_eq!(parse_mode("8"), None);
        assert_eq!(parse_mode("u+x"), None);
        assert_eq!(parse_mode(""), None);
        assert_eq!(parse_mode("77777"), None);
    }
}
