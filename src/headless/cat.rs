//! `wharf cat URL`: the file's bytes to stdout as they arrive (memory
//! stays flat whatever its size).

use super::op::{Server, shown};
use super::shared::{EXIT_FAILED, EXIT_OK};
use super::wording::remote_failure;
use crate::engine::fileops::remote::cat as stream;
use crate::engine::protocol::ConnectProfile;
use crate::engine::session::{Connector, TransferError};

/// Standard output as an async file (its writes run on blocking threads,
/// as tokio's own stdout does).
fn stdout() -> std::io::Result<tokio::fs::File> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned()?;
    Ok(tokio::fs::File::from_std(std::fs::File::from(fd)))
}

pub async fn cat(connector: Connector, url: ConnectProfile, verbose: bool) -> i32 {
    let mut s = match Server::open(&connector, &url, 1, verbose).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let path = s.path_of(&url);
    let mut session = match s.conns.one().await {
        Ok(x) => x,
        Err(e) => {
            eprintln!("wharf: {}: {e}", shown(&path));
            return EXIT_FAILED;
        }
    };
    let mut out = match stdout() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("wharf: stdout: {e}");
            return EXIT_FAILED;
        }
    };
    let code = match stream(&mut session, &path, &mut out).await {
        Ok(_) => EXIT_OK,
        Err(TransferError::Remote(e)) => {
            eprintln!(
                "wharf: {}",
                remote_failure(&path.display(), "file", &e.failure())
            );
            EXIT_FAILED
        }
        // stdout closed (`wharf cat … | head`): not the server's fault.
        Err(TransferError::Local(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(TransferError::Local(e)) => {
            eprintln!("wharf: writing: {e}");
            EXIT_FAILED
        }
    };
    s.conns.put_back(session);
    s.close().await;
    code
}
