//! A scripted FTP server for hostile and broken behaviour that no real
//! server shows on purpose: oversized or malformed replies, refused EPSV,
//! lying PASV addresses, silence. It speaks just enough FTP for a client
//! to log in and list; `Script` says where to misbehave.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use wharf::address::parse_url;
use wharf::engine::protocol::{ConnectProfile, DataMode, Timeouts};
use wharf::engine::session::{Connector, Session};
use wharf::engine::wire_log::WireSink;

/// Makes line `i` of a generated listing.
pub type LineMaker = std::sync::Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>;

/// How the server answers. Each field is a deviation from a well-behaved server.
#[derive(Clone, Default)]
pub struct Script {
    /// Sent instead of the normal 220 greeting.
    pub banner: Option<Vec<u8>>,
    /// EPSV is answered with this (e.g. "500 no") instead of 229.
    pub epsv_reply: Option<String>,
    /// The PASV reply, with `{p1}` and `{p2}` replaced by the real port.
    pub pasv_reply: Option<String>,
    /// Never answer this command (by its first word), to trigger timeouts.
    pub silent_on: Option<String>,
    /// Only the first connection is silent; later ones behave.
    pub silent_once: bool,
    /// Answer this command (first word) with this reply. (Uploads, STOR
    /// and APPE, are read to their end and dropped; SITE is refused with
    /// 502 unless this says otherwise.)
    pub override_reply: Option<(String, String)>,
    /// More commands (first word) answered with these replies (a reply
    /// may be several lines, joined by `\r\n`).
    pub replies: Vec<(String, String)>,
    /// The LIST payload.
    pub listing: Vec<u8>,
    /// What RETR sends for any file (None: RETR is refused).
    pub file_content: Option<Vec<u8>>,
    /// When this command (first word) arrives with the next one already
    /// behind it, its reply goes out after the next one's, as from a
    /// server that answers some commands from tasks of their own.
    pub reorder_when_pipelined: Option<String>,
    /// Command lines (this first word, or `*` for any) that arrive before
    /// the reply to the one in front of them are thrown away unanswered, as
    /// by a server that reads one command at a time and discards whatever
    /// else its buffer held.
    pub drop_pipelined: Option<String>,
    /// At most this many connections at once; more are greeted with 421
    /// and closed, as vsftpd's `max_per_ip` does.
    pub max_connections: Option<usize>,
    /// Features FEAT lists besides EPSV (`MDTM`, `SIZE`…).
    pub features: Vec<String>,
    /// The reply that ends a listing (default `226 done`).
    pub list_reply: Option<String>,
    /// The MDTM reply for any file (default: 550).
    pub mdtm_reply: Option<String>,
    /// A listing made line by line as it is sent (`count` lines, line `i`
    /// from the function), instead of `listing`: a big one costs the
    /// server no memory.
    pub generated: Option<(usize, LineMaker)>,
    /// RETR sends `file_content` in these pieces (byte counts), each after
    /// its wait: a slow, bursty server. The rest follows at once.
    pub file_pieces: Vec<(usize, Duration)>,
}

pub struct FakeServer {
    pub addr: SocketAddr,
    /// Control connections accepted so far.
    pub connections: Arc<AtomicUsize>,
    /// Every command line received, in order.
    pub commands: Arc<std::sync::Mutex<Vec<String>>>,
    /// Command lines that arrived before the reply to the one in front of
    /// them had been sent: written ahead by the client.
    pub ahead: Arc<std::sync::Mutex<Vec<String>>>,
    /// Every command line received, as the bytes that came.
    pub raw: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    pub async fn start(script: Script) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        let commands = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = commands.clone();
        let ahead = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen_ahead = ahead.clone();
        let raw = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen_raw = raw.clone();
        let open = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                if script
                    .max_connections
                    .is_some_and(|max| open.load(Ordering::SeqCst) >= max)
                {
                    let _ = stream
                        .write_all(
                            b"421 There are too many connections from your internet address.\r\n",
                        )
                        .await;
                    continue;
                }
                let n = count.fetch_add(1, Ordering::SeqCst);
                open.fetch_add(1, Ordering::SeqCst);
                let open = open.clone();
                let script = script.clone();
                let seen = seen.clone();
                let seen_ahead = seen_ahead.clone();
                let seen_raw = seen_raw.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, script, n, seen, seen_ahead, seen_raw).await;
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        FakeServer {
            addr,
            connections,
            commands,
            ahead,
            raw,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("ftp://user:pass@{}/", self.addr)
    }

    /// A profile that logs in to this server as `url()` says, passively,
    /// waiting up to `reply` for each reply.
    pub fn profile(&self, reply: Duration) -> ConnectProfile {
        let timeouts = Timeouts {
            connect: Duration::from_secs(5),
            reply,
        };
        parse_url(&self.url(), DataMode::Passive, timeouts).expect("url")
    }

    /// A session logged in to this server (a connector of its own), its
    /// protocol log going to `sink`.
    pub async fn session(&self, reply: Duration, sink: WireSink) -> Session {
        Connector::new()
            .open(self.profile(reply), sink)
            .await
            .expect("login")
    }
}

async fn serve(
    stream: TcpStream,
    script: Script,
    conn_index: usize,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
    seen_ahead: Arc<std::sync::Mutex<Vec<String>>>,
    seen_raw: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    // Command lines are bytes: a name need not be UTF-8.
    let mut lines = BufReader::new(read);
    match &script.banner {
        Some(b) => write.write_all(b).await?,
        None => write.write_all(b"220 fake server\r\n").await?,
    }
    let mut data: Option<TcpListener> = None;
    let mut next_was_ahead = false;
    let mut held: Option<String> = None;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if lines.read_until(b'\n', &mut buf).await? == 0 {
            break;
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        if let Ok(mut raw) = seen_raw.lock() {
            raw.push(buf.clone());
        }
        let line = String::from_utf8_lossy(&buf).into_owned();
        if let Ok(mut seen) = seen.lock() {
            seen.push(line.clone());
        }
        let this_was_ahead = next_was_ahead;
        if this_was_ahead && let Ok(mut a) = seen_ahead.lock() {
            a.push(line.clone());
        }
        // More is waiting already: the next command came before our reply.
        next_was_ahead = !lines.buffer().is_empty();
        let word = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
        if this_was_ahead
            && script
                .drop_pipelined
                .as_deref()
                .is_some_and(|w| w == "*" || w == word)
        {
            continue;
        }
        if script.silent_on.as_deref() == Some(word.as_str())
            && (!script.silent_once || conn_index == 0)
        {
            // Say nothing, keep the connection open.
            futures::future::pending::<()>().await;
        }
        if let Some((_, reply)) = script
            .override_reply
            .as_ref()
            .filter(|(cmd, _)| *cmd == word)
        {
            write.write_all(format!("{reply}\r\n").as_bytes()).await?;
            continue;
        }
        if let Some((_, reply)) = script.replies.iter().find(|(cmd, _)| *cmd == word) {
            write.write_all(format!("{reply}\r\n").as_bytes()).await?;
            continue;
        }
        let reply: String = match word.as_str() {
            "USER" => "331 password please".into(),
            "PASS" => "230 welcome".into(),
            "SYST" => "215 UNIX Type: L8".into(),
            "FEAT" => {
                let mut f = String::from("211-Features:\r\n EPSV\r\n");
                for x in &script.features {
                    f.push_str(&format!(" {x}\r\n"));
                }
                f + "211 End"
            }
            "MDTM" => script
                .mdtm_reply
                .clone()
                .unwrap_or_else(|| "550 no time".into()),
            "RNFR" => "350 ready for the new name".into(),
            "RNTO" => "250 renamed".into(),
            "DELE" => "250 deleted".into(),
            "TYPE" => "200 ok".into(),
            "PWD" => "257 \"/\" is cwd".into(),
            "CWD" => "250 ok".into(),
            "NOOP" => "200 ok".into(),
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            "EPSV" => match &script.epsv_reply {
                Some(r) => r.clone(),
                None => {
                    let l = TcpListener::bind("127.0.0.1:0").await?;
                    let port = l.local_addr()?.port();
                    data = Some(l);
                    format!("229 Entering Extended Passive Mode (|||{port}|)")
                }
            },
            "PASV" => {
                let l = TcpListener::bind("127.0.0.1:0").await?;
                let port = l.local_addr()?.port();
                data = Some(l);
                script
                    .pasv_reply
                    .clone()
                    .unwrap_or_else(|| "227 Entering Passive Mode (127,0,0,1,{p1},{p2})".into())
                    .replace("{p1}", &(port / 256).to_string())
                    .replace("{p2}", &(port % 256).to_string())
            }
            "RETR" => match (data.take(), &script.file_content) {
                (Some(l), Some(content)) => {
                    write.write_all(b"150 sending\r\n").await?;
                    let (mut d, _) = l.accept().await?;
                    let mut rest = &content[..];
                    for (n, wait) in &script.file_pieces {
                        tokio::time::sleep(*wait).await;
                        let (piece, after) = rest.split_at((*n).min(rest.len()));
                        d.write_all(piece).await?;
                        d.flush().await?;
                        rest = after;
                    }
                    d.write_all(rest).await?;
                    d.shutdown().await?;
                    drop(d);
                    "226 done".into()
                }
                (None, _) => "425 use PASV first".into(),
                (_, None) => "550 no such file".into(),
            },
            // Uploads are read to their end and dropped.
            "STOR" | "APPE" => match data.take() {
                None => "425 use PASV first".into(),
                Some(l) => {
                    write.write_all(b"150 send it\r\n").await?;
                    let (mut d, _) = l.accept().await?;
                    let mut sink = Vec::new();
                    tokio::io::AsyncReadExt::read_to_end(&mut d, &mut sink).await?;
                    "226 stored".into()
                }
            },
            "SIZE" => match &script.file_content {
                Some(c) => format!("213 {}", c.len()),
                None => "550 no such file".into(),
            },
            "LIST" | "MLSD" => match data.take() {
                None => "425 use PASV first".into(),
                Some(l) => {
                    write.write_all(b"150 here it comes\r\n").await?;
                    let (mut d, _) = l.accept().await?;
                    match &script.generated {
                        None => d.write_all(&script.listing).await?,
                        Some((count, line)) => {
                            let mut chunk = Vec::with_capacity(256 * 1024);
                            for i in 0..*count {
                                chunk.extend_from_slice(&line(i));
                                if chunk.len() >= 250 * 1024 {
                                    // A client that stopped listening ends it.
                                    if d.write_all(&chunk).await.is_err() {
                                        break;
                                    }
                                    chunk.clear();
                                }
                            }
                            let _ = d.write_all(&chunk).await;
                        }
                    }
                    let _ = d.shutdown().await;
                    drop(d);
                    script
                        .list_reply
                        .clone()
                        .unwrap_or_else(|| "226 done".into())
                }
            },
            _ => "502 not implemented".into(),
        };
        if next_was_ahead && script.reorder_when_pipelined.as_deref() == Some(word.as_str()) {
            held = Some(reply);
            continue;
        }
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
        if let Some(h) = held.take() {
            write.write_all(format!("{h}\r\n").as_bytes()).await?;
        }
    }
    Ok(())
}
