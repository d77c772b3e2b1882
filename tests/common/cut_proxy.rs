//! A control-connection proxy that puts its own data-connection proxy in
//! front of every passive data connection (it rewrites 229/227 replies), so
//! tests can cut a transfer after N bytes — as when a link dies — or slow
//! it down enough to cancel it halfway.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Copy, Default)]
pub struct Faults {
    /// Reset each data connection once this many bytes have crossed it…
    pub cut_after: Option<u64>,
    /// …for the first this many data connections (0 = all of them).
    pub cut_first: usize,
    /// Bytes per second per data connection (0 = unlimited).
    pub rate: u64,
}

pub struct CutProxy {
    pub addr: SocketAddr,
    /// Data connections proxied so far.
    pub data_connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CutProxy {
    pub async fn start(server: SocketAddr, faults: Faults) -> CutProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let data_connections = Arc::new(AtomicUsize::new(0));
        let count = data_connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let _ = control(client, server, faults, count).await;
                });
            }
        });
        CutProxy {
            addr,
            data_connections,
            task,
        }
    }
}

async fn control(
    client: TcpStream,
    server: SocketAddr,
    faults: Faults,
    count: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let upstream = TcpStream::connect(server).await?;
    let (client_r, mut client_w) = client.into_split();
    let (up_r, mut up_w) = upstream.into_split();
    // Client → server: copied as is.
    let to_server = tokio::spawn(async move {
        let mut r = client_r;
        let _ = tokio::io::copy(&mut r, &mut up_w).await;
        let _ = up_w.shutdown().await;
    });
    // Server → client: passive replies rewritten to point at our data proxy.
    let mut lines = BufReader::new(up_r);
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            break;
        }
        let out = if let Some(port) = epsv_port(&line) {
            let mine =
                data_proxy(SocketAddr::new(server.ip(), port), faults, count.clone()).await?;
            format!("229 Entering Extended Passive Mode (|||{mine}|)\r\n")
        } else if let Some(port) = pasv_port(&line) {
            let mine =
                data_proxy(SocketAddr::new(server.ip(), port), faults, count.clone()).await?;
            format!(
                "227 Entering Passive Mode (127,0,0,1,{},{})\r\n",
                mine / 256,
                mine % 256
            )
        } else {
            line.clone()
        };
        client_w.write_all(out.as_bytes()).await?;
    }
    to_server.abort();
    Ok(())
}

fn epsv_port(line: &str) -> Option<u16> {
    if !line.starts_with("229 ") {
        return None;
    }
    let inner = line.split("(|||").nth(1)?.split('|').next()?;
    inner.parse().ok()
}

fn pasv_port(line: &str) -> Option<u16> {
    if !line.starts_with("227 ") {
        return None;
    }
    let inner = line.split('(').nth(1)?.split(')').next()?;
    let n: Vec<u16> = inner
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect();
    (n.len() == 6).then(|| n[4] * 256 + n[5])
}

/// Listens for the client's data connection and relays it to `target`,
/// applying the faults. Returns the port to announce.
async fn data_proxy(
    target: SocketAddr,
    faults: Faults,
    count: Arc<AtomicUsize>,
) -> std::io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let Ok(server) = TcpStream::connect(target).await else {
            return;
        };
        let n = count.fetch_add(1, Ordering::SeqCst);
        let cut = faults
            .cut_after
            .filter(|_| faults.cut_first == 0 || n < faults.cut_first);
        relay(client, server, cut, faults.rate).await;
    });
    Ok(port)
}

/// Copies both ways; after `cut` bytes in total, both ends get a reset.
// SO_LINGER 0 is how a reset is sent; with a zero timeout the close does
// not block, which is what the deprecation warns about.
#[allow(deprecated)]
async fn relay(client: TcpStream, server: TcpStream, cut: Option<u64>, rate: u64) {
    let budget = Arc::new(std::sync::atomic::AtomicU64::new(cut.unwrap_or(u64::MAX)));
    let _ = client.set_linger(Some(Duration::ZERO));
    let _ = server.set_linger(Some(Duration::ZERO));
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    let a = pump(cr, sw, budget.clone(), rate);
    let b = pump(sr, cw, budget, rate);
    // Whichever side ends (or hits the cut) ends both: dropping the halves
    // with linger 0 sends a reset.
    tokio::select! {
        _ = a => {},
        _ = b => {},
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    budget: Arc<std::sync::atomic::AtomicU64>,
    rate: u64,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let left = budget.load(Ordering::SeqCst);
        if left == 0 {
            return;
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match from.read(&mut buf[..want]).await {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                // Keep the other direction going until it ends by itself.
                std::future::pending::<()>().await;
                return;
            }
            Ok(n) => n,
        };
        budget.fetch_sub(n as u64, Ordering::SeqCst);
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
        if rate > 0 {
            tokio::time::sleep(Duration::from_secs_f64(n as f64 / rate as f64)).await;
        }
    }
}
