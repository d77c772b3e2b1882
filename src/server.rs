//! An FTP server that runs inside the wharf process, on 127.0.0.1.
//!
//! wharf needs a real FTP server in two places: `wharf --demo`, which lets someone try the
//! client without having a server of their own, and the integration tests, which run many
//! tests in parallel threads of one process, each against its own server. Both want a server
//! that starts in milliseconds, needs no configuration file and no fixed port, and goes away
//! with the value that owns it. This module wraps [libunftp] with the local-disk storage back
//! end of [unftp_sbe_fs] to give exactly that: [`EmbeddedServer::start`] serves one folder and
//! tells you the address it is listening on.
//!
//! # How it is put together
//!
//! * **Control port.** libunftp's `Server::listen(addr)` does not report the port it bound, so
//!   we accept connections ourselves on a tokio [`TcpListener`] bound to `127.0.0.1:0` (the
//!   kernel picks a free port; no reserve-then-rebind race) and hand each accepted socket to
//!   `Server::service`. That method consumes the `Server`, so a fresh one is built for every
//!   connection from the same settings (building one is cheap: no I/O but opening the root).
//! * **Passive ports.** For PASV/EPSV libunftp 0.24 normally picks a *random* port from the
//!   configured range and tries `bind` up to nine times; two servers sharing a range can
//!   therefore collide, and a run of collisions ends in `425`. Instead we install a
//!   [`Binder`] that binds the data listener to port 0 on the control connection's local
//!   address, so the kernel hands out a port that is free at that moment. Every server and
//!   every PASV in the process gets a distinct port by construction, with no range to hand out
//!   and nothing to retry. (The PASV reply carries the port the socket actually got.)
//! * **Active mode** (PORT) is refused with `502` unless [`ServerOptions::allow_active`] is
//!   set. libunftp 0.24 implements PORT but not EPRT (EPRT gets `500`).
//! * **Logins.** With no credentials libunftp's anonymous authenticator accepts any user name
//!   and password. With credentials, [`SingleUserAuthenticator`] accepts exactly that pair and
//!   everything else gets `530`.
//! * **Stopping.** The accept loop runs in one task that owns a [`JoinSet`] of per-connection
//!   tasks. Aborting it drops the listener (the port is free again) and the set, which aborts
//!   each connection task; dropping `Server::service`'s future drops libunftp's per-connection
//!   shutdown notifier, which makes the control loop close the control connection.
//!
//! The storage back end supports upload (STOR/APPE), MKD, RMD, DELE, RNFR/RNTO, REST, SIZE,
//! MDTM, MLST and MLSD; `FEAT` lists `MDTM`, `MLSD`, `MLST`, `REST STREAM`, `SIZE` and `UTF8`.
//! Symbolic links are followed only while they stay inside the root (unftp-sbe-fs works
//! through cap-std; a link out of it gets `550` on RETR). Links are reported as links, not as
//! their targets: LIST shows `lrwxrwxrwx ... name -> target`, MLSD says `type=file` with the
//! size of the link itself (also for a link to a folder), and so does SIZE, while RETR sends
//! the target's bytes and CWD into a link to a folder works.
//!
//! libunftp logs through the `log` crate (via slog-stdlog), under targets starting with
//! `libunftp`.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libunftp::options::{ActivePassiveMode, Binder, FtpsRequired, TlsFlags};
use libunftp::{Server, ServerBuilder};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use unftp_core::auth::{AuthenticationError, Authenticator, Credentials, DefaultUser, Principal};
use unftp_sbe_fs::Filesystem;

/// The text of the `220` reply a client sees on connecting.
pub const GREETING: &str = "wharf embedded server";

/// How long a control connection may sit idle before the server closes it.
const IDLE_SESSION_TIMEOUT_SECS: u64 = 600;

/// What [`EmbeddedServer::start`] should serve and to whom.
#[derive(Clone)]
pub struct ServerOptions {
    /// The folder the client sees as `/`. Must exist.
    pub root: PathBuf,
    /// Some((user, password)): only that login works (others get 530). None: anonymous (any user name, any password).
    pub credentials: Option<(String, String)>,
    /// Allow active mode (PORT/EPRT) as well as passive.
    pub allow_active: bool,
    /// FTPS, required on control and data connections (explicit: `AUTH
    /// TLS`), with this PEM certificate chain and key; TLS 1.2 and 1.3.
    pub tls: Option<TlsFiles>,
}

/// Where a server's certificate and key are (PEM files).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOptions")
            .field("root", &self.root)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|(user, _)| (user, "***")),
            )
            .field("allow_active", &self.allow_active)
            .field("tls", &self.tls)
            .finish()
    }
}

/// Why the embedded server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The root folder is missing or cannot be opened.
    #[error("cannot serve {}: {source}", path.display())]
    Root {
        /// The folder that was asked for.
        path: PathBuf,
        /// What went wrong opening it.
        #[source]
        source: io::Error,
    },
    /// No port could be bound on 127.0.0.1.
    #[error("cannot listen on 127.0.0.1: {0}")]
    Bind(#[source] io::Error),
    /// libunftp rejected the configuration.
    #[error("cannot start the FTP server: {0}")]
    Start(String),
}

/// Whether the served folder is ready: `None` while it is still being
/// written, then `Ok`, or `Err` with why it never will be. A server started
/// with one ([`EmbeddedServer::start_when_ready`]) takes connections at
/// once but greets them only when the folder is ready (`--demo` writes its
/// tree behind the first screen), or turns them away with a 421 and the
/// reason.
pub type Ready = tokio::sync::watch::Receiver<Option<Result<(), String>>>;

/// A running FTP server on 127.0.0.1. Stops when [`stop`](Self::stop)ped or dropped.
#[derive(Debug)]
pub struct EmbeddedServer {
    addr: SocketAddr,
    root: PathBuf,
    /// The accept loop; `None` once stopped.
    task: Option<JoinHandle<()>>,
}

impl EmbeddedServer {
    /// Starts serving `opts.root` on a free port of 127.0.0.1.
    ///
    /// Returns once the server is accepting connections: a client may connect to
    /// [`addr`](Self::addr) as soon as this returns. Must be called within a tokio runtime.
    pub async fn start(opts: ServerOptions) -> Result<EmbeddedServer, ServerError> {
        Self::start_gated(opts, None).await
    }

    /// Like [`start`](Self::start), but each connection is greeted only
    /// once `ready` says the folder is ready (see [`Ready`]).
    pub async fn start_when_ready(
        opts: ServerOptions,
        ready: Ready,
    ) -> Result<EmbeddedServer, ServerError> {
        Self::start_gated(opts, Some(ready)).await
    }

    async fn start_gated(
        opts: ServerOptions,
        ready: Option<Ready>,
    ) -> Result<EmbeddedServer, ServerError> {
        let ServerOptions {
            root,
            credentials,
            allow_active,
            tls,
        } = opts;
        let root_error = |source| ServerError::Root {
            path: root.clone(),
            source,
        };
        // Serve an absolute path so a later change of the working directory does not matter.
        let serve_root = std::fs::canonicalize(&root).map_err(root_error)?;
        let probe = Filesystem::new(serve_root.clone()).map_err(root_error)?;

        let settings = Arc::new(Settings {
            root: serve_root,
            authenticator: credentials
                .map(|(user, password)| Arc::new(SingleUserAuthenticator { user, password })),
            mode: if allow_active {
                ActivePassiveMode::ActiveAndPassive
            } else {
                ActivePassiveMode::PassiveOnly
            },
            tls,
            ready,
        });
        // Build (and throw away) one server now so that a configuration error shows up here
        // rather than on every connection.
        settings
            .build(probe)
            .map_err(|e| ServerError::Start(e.to_string()))?;

        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(ServerError::Bind)?;
        let addr = listener.local_addr().map_err(ServerError::Bind)?;
        let task = tokio::spawn(accept_loop(listener, settings));
        Ok(EmbeddedServer {
            addr,
            root,
            task: Some(task),
        })
    }

    /// The address clients connect to (always 127.0.0.1 and a port chosen at start).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The folder being served, as given in [`ServerOptions::root`].
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stops listening and closes the open sessions. When this returns the port is free; the
    /// control connections of open sessions are closed by the server shortly after.
    pub async fn stop(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            // Resolves once the task's future (listener and sessions included) has been dropped.
            let _ = task.await;
        }
    }
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        // Best effort: the runtime drops the accept loop (and with it the listener and the
        // sessions) at its next chance. Works without a runtime context too.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Everything needed to build a libunftp `Server` for one connection.
struct Settings {
    root: PathBuf,
    authenticator: Option<Arc<SingleUserAuthenticator>>,
    mode: ActivePassiveMode,
    tls: Option<TlsFiles>,
    /// Connections wait for this before they are served.
    ready: Option<Ready>,
}

impl Settings {
    /// Builds a server that serves `storage`.
    ///
    /// libunftp asks for storage through a generator closure, which has no way to report an
    /// error, and `Filesystem` cannot be cloned. So the caller opens the root (and handles the
    /// error), and the generator hands out that one value. libunftp 0.24 calls the generator
    /// exactly once per `Server::service`; should a later version call it again, it reopens
    /// the root.
    fn build(
        &self,
        storage: Filesystem,
    ) -> Result<Server<Filesystem, DefaultUser>, libunftp::ServerError> {
        let slot = Mutex::new(Some(storage));
        let root = self.root.clone();
        let generator = move || -> Filesystem {
            let taken = slot.lock().ok().and_then(|mut slot| slot.take());
            match taken {
                Some(fs) => fs,
                None => match Filesystem::new(root.clone()) {
                    Ok(fs) => fs,
                    // Unreachable with libunftp 0.24 (see above); a panic here ends only this
                    // connection's task.
                    Err(e) => panic!("cannot reopen FTP root {}: {e}", root.display()),
                },
            }
        };
        let builder = match &self.authenticator {
            Some(auth) => ServerBuilder::with_authenticator(Box::new(generator), auth.clone()),
            None => ServerBuilder::new(Box::new(generator)),
        };
        let mut builder = builder
            .greeting(GREETING)
            .binder(EphemeralPortBinder)
            .active_passive_mode(self.mode)
            .idle_session_timeout(IDLE_SESSION_TIMEOUT_SECS);
        if let Some(tls) = &self.tls {
            builder = builder
                .ftps(tls.cert.clone(), tls.key.clone())
                .ftps_required(FtpsRequired::All, FtpsRequired::All)
                .ftps_tls_flags(
                    TlsFlags::LATEST_VERSIONS
                        | TlsFlags::RESUMPTION_SESS_ID
                        | TlsFlags::RESUMPTION_TICKETS,
                );
        }
        builder.build()
    }
}

/// Accepts control connections until aborted; each is served in a task of its own.
async fn accept_loop(listener: TcpListener, settings: Arc<Settings>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    sessions.spawn(serve_connection(stream, settings.clone()));
                }
                Err(e) => {
                    // E.g. out of file descriptors, or a connection reset before accept:
                    // keep serving, but don't spin.
                    tracing::warn!("embedded FTP server: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished sessions so the set does not grow without bound.
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// Runs one FTP session on an accepted control connection (once the
/// folder is ready, when the server was told to wait for it).
async fn serve_connection(mut stream: TcpStream, settings: Arc<Settings>) {
    if let Some(mut ready) = settings.ready.clone() {
        let refusal = match ready.wait_for(Option::is_some).await {
            Ok(state) => match &*state {
                Some(Err(why)) => Some(why.clone()),
                _ => None,
            },
            Err(_) => Some("the server's folder was never made".to_string()),
        };
        if let Some(why) = refusal {
            let line = format!(
                "421 Service not available: {}\r\n",
                why.replace(['\r', '\n'], " ")
            );
            let _ = stream.write_all(line.as_bytes()).await;
            return;
        }
    }
    let storage = match Filesystem::new(settings.root.clone()) {
        Ok(fs) => fs,
        Err(e) => {
            tracing::warn!(
                "embedded FTP server: cannot open {}: {e}",
                settings.root.display()
            );
            let _ = stream
                .write_all(b"421 Service not available: cannot open the server's folder\r\n")
                .await;
            return;
        }
    };
    let server = match settings.build(storage) {
        Ok(server) => server,
        Err(e) => {
            tracing::warn!("embedded FTP server: {e}");
            let _ = stream.write_all(b"421 Service not available\r\n").await;
            return;
        }
    };
    if let Err(e) = server.service(stream).await {
        tracing::debug!("embedded FTP server: session ended with an error: {e}");
    }
}

/// The boxed future an `#[async_trait]` method returns.
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Binds passive data listeners to port 0 so the kernel picks a free port (see module docs).
///
/// `Binder` is an `#[async_trait]` trait; this is its expanded form, written out so that wharf
/// does not need the `async-trait` crate.
#[derive(Debug)]
struct EphemeralPortBinder;

impl Binder for EphemeralPortBinder {
    fn bind<'life0, 'async_trait>(
        &'life0 mut self,
        local_addr: IpAddr,
        _passive_ports: RangeInclusive<u16>,
    ) -> BoxFuture<'async_trait, io::Result<TcpSocket>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let bound = (|| {
            let socket = match local_addr {
                IpAddr::V4(_) => TcpSocket::new_v4()?,
                IpAddr::V6(_) => TcpSocket::new_v6()?,
            };
            socket.bind(SocketAddr::new(local_addr, 0))?;
            Ok(socket)
        })();
        Box::pin(std::future::ready(bound))
    }
}

/// Accepts exactly one user name and password.
struct SingleUserAuthenticator {
    user: String,
    password: String,
}

impl SingleUserAuthenticator {
    fn check(&self, username: &str, creds: &Credentials) -> Result<Principal, AuthenticationError> {
        if username != self.user {
            return Err(AuthenticationError::BadUser);
        }
        match creds.password.as_deref() {
            Some(password) if password == self.password => Ok(Principal {
                username: username.to_string(),
            }),
            _ => Err(AuthenticationError::BadPassword),
        }
    }
}

impl std::fmt::Debug for SingleUserAuthenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SingleUserAuthenticator")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// `Authenticator` is an `#[async_trait]` trait; this is its expanded form (see
/// [`EphemeralPortBinder`]). The default `cert_auth_sufficient` (false) and `name` are kept.
impl Authenticator for SingleUserAuthenticator {
    fn authenticate<'life0, 'life1, 'life2, 'async_trait>(
        &'life0 self,
        username: &'life1 str,
        creds: &'life2 Credentials,
    ) -> BoxFuture<'async_trait, Result<Principal, AuthenticationError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        'life2: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(std::future::ready(self.check(username, creds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
    use tokio::time::timeout;

    const STEP: Duration = Duration::from_secs(10);

    /// A minimal FTP control connection for the tests.
    struct Control {
        reader: BufReader<OwnedReadHalf>,
        writer: OwnedWriteHalf,
    }

    impl Control {
        async fn connect(addr: SocketAddr) -> Control {
            let stream = timeout(STEP, TcpStream::connect(addr))
                .await
                .expect("connect timed out")
                .expect("connect");
            let (read, writer) = stream.into_split();
            Control {
                reader: BufReader::new(read),
                writer,
            }
        }

        /// Reads one reply (following multi-line replies to their end): (code, full text).
        async fn reply(&mut self) -> (u16, String) {
            let mut text = String::new();
            loop {
                let mut line = String::new();
                let n = timeout(STEP, self.reader.read_line(&mut line))
                    .await
                    .expect("reply timed out")
                    .expect("read");
                assert!(n > 0, "connection closed; got so far: {text:?}");
                text.push_str(&line);
                // Done at a single-line reply, or at the closing "NNN " line of a multi-line one.
                let code = text.get(..3).unwrap_or_default();
                if line.get(..3) == Some(code) && line.as_bytes().get(3) == Some(&b' ') {
                    break;
                }
            }
            let code = text[..3].parse().expect("reply code");
            (code, text)
        }

        async fn cmd(&mut self, line: &str) -> (u16, String) {
            self.writer
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .expect("write");
            self.reply().await
        }

        async fn login(&mut self, user: &str, password: &str) -> u16 {
            let (code, text) = self.cmd(&format!("USER {user}")).await;
            assert_eq!(code, 331, "{text}");
            self.cmd(&format!("PASS {password}")).await.0
        }

        /// Opens a passive data connection (EPSV, then PASV to check both work).
        async fn passive(&mut self, addr: SocketAddr, use_epsv: bool) -> TcpStream {
            let port = if use_epsv {
                let (code, text) = self.cmd("EPSV").await;
                assert_eq!(code, 229, "{text}");
                let inner = text
                    .split('(')
                    .nth(1)
                    .and_then(|s| s.split(')').next())
                    .expect("EPSV reply");
                inner.trim_matches('|').parse::<u16>().expect("EPSV port")
            } else {
                let (code, text) = self.cmd("PASV").await;
                assert_eq!(code, 227, "{text}");
                let inner = text
                    .split('(')
                    .nth(1)
                    .and_then(|s| s.split(')').next())
                    .expect("PASV reply");
                let nums: Vec<u16> = inner
                    .split(',')
                    .map(|n| n.trim().parse().expect("PASV number"))
                    .collect();
                assert_eq!(&nums[..4], &[127, 0, 0, 1], "{text}");
                nums[4] * 256 + nums[5]
            };
            timeout(STEP, TcpStream::connect((addr.ip(), port)))
                .await
                .expect("data connect timed out")
                .expect("data connect")
        }
    }

    async fn read_all(mut data: TcpStream) -> Vec<u8> {
        let mut buf = Vec::new();
        timeout(STEP, data.read_to_end(&mut buf))
            .await
            .expect("data read timed out")
            .expect("data read");
        buf
    }

    fn opts(root: &Path, credentials: Option<(&str, &str)>, allow_active: bool) -> ServerOptions {
        ServerOptions {
            root: root.to_path_buf(),
            credentials: credentials.map(|(u, p)| (u.to_string(), p.to_string())),
            allow_active,
            tls: None,
        }
    }

    #[tokio::test]
    async fn two_servers_greet_and_check_credentials() {
        let dir_a = tempfile::tempdir().expect("tempdir");
        let dir_b = tempfile::tempdir().expect("tempdir");
        let (a, b) = tokio::join!(
            EmbeddedServer::start(opts(dir_a.path(), Some(("alice", "s3cret")), false)),
            EmbeddedServer::start(opts(dir_b.path(), Some(("bob", "hunter2")), false)),
        );
        let (a, b) = (a.expect("start a"), b.expect("start b"));
        assert_ne!(a.addr(), b.addr());
        assert!(a.addr().ip().is_loopback());
        assert_eq!(a.root(), dir_a.path());

        for (server, user, password) in [(&a, "alice", "s3cret"), (&b, "bob", "hunter2")] {
            let mut good = Control::connect(server.addr()).await;
            let (code, text) = good.reply().await;
            assert_eq!(code, 220);
            assert!(text.contains(GREETING), "{text}");
            assert_eq!(good.login(user, password).await, 230);

            let mut bad = Control::connect(server.addr()).await;
            assert_eq!(bad.reply().await.0, 220);
            assert_eq!(bad.login(user, "wrong").await, 530, "bad password");
            assert_eq!(bad.login("mallory", password).await, 530, "unknown user");
            // The other server's login does not work here.
            let other = if user == "alice" {
                ("bob", "hunter2")
            } else {
                ("alice", "s3cret")
            };
            assert_eq!(
                bad.login(other.0, other.1).await,
                530,
                "other server's login"
            );
            // A failed login does not block a good one on the same connection.
            assert_eq!(bad.login(user, password).await, 230);
        }
        tokio::join!(a.stop(), b.stop());
    }

    #[tokio::test]
    async fn anonymous_accepts_anyone_and_serves_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("hello.txt"), b"hello, wharf\n").expect("write");
        let server = EmbeddedServer::start(opts(dir.path(), None, false))
            .await
            .expect("start");

        let mut c = Control::connect(server.addr()).await;
        assert_eq!(c.reply().await.0, 220);
        assert_eq!(c.login("anonymous", "guest@example.com").await, 230);

        let (code, feat) = c.cmd("FEAT").await;
        assert_eq!(code, 211);
        for feature in [
            "MDTM",
            "MLSD",
            "MLST",
            "REST STREAM",
            "SIZE",
            "UTF8",
            "EPSV",
        ] {
            assert!(
                feat.lines().any(|l| l.trim() == feature),
                "FEAT lacks {feature}: {feat}"
            );
        }
        assert_eq!(c.cmd("TYPE I").await.0, 200);
        let (code, text) = c.cmd("SIZE hello.txt").await;
        assert_eq!((code, text.trim_end()), (213, "213 13"));
        assert_eq!(c.cmd("MDTM hello.txt").await.0, 213);

        // MLSD over EPSV.
        let data = c.passive(server.addr(), true).await;
        assert_eq!(c.cmd("MLSD").await.0, 150);
        let listing = String::from_utf8(read_all(data).await).expect("utf-8 listing");
        assert_eq!(c.reply().await.0, 226);
        assert!(
            listing.contains("type=file;size=13;") && listing.trim_end().ends_with("; hello.txt"),
            "{listing}"
        );

        // REST + RETR over PASV.
        let data = c.passive(server.addr(), false).await;
        assert_eq!(c.cmd("REST 7").await.0, 350);
        assert_eq!(c.cmd("RETR hello.txt").await.0, 150);
        assert_eq!(read_all(data).await, b"wharf\n");
        assert_eq!(c.reply().await.0, 226);

        // Upload, mkdir, rename, delete.
        let mut data = c.passive(server.addr(), true).await;
        assert_eq!(c.cmd("STOR up.bin").await.0, 150);
        data.write_all(b"uploaded").await.expect("upload");
        drop(data);
        assert_eq!(c.reply().await.0, 226);
        assert_eq!(
            std::fs::read(dir.path().join("up.bin")).expect("uploaded file"),
            b"uploaded"
        );
        assert_eq!(c.cmd("MKD new dir").await.0, 257);
        assert_eq!(c.cmd("RNFR up.bin").await.0, 350);
        assert_eq!(c.cmd("RNTO new dir/moved.bin").await.0, 250);
        assert!(dir.path().join("new dir/moved.bin").is_file());
        assert_eq!(c.cmd("DELE new dir/moved.bin").await.0, 250);
        assert_eq!(c.cmd("RMD new dir").await.0, 250);
        assert!(!dir.path().join("new dir").exists());

        // Active mode is off by default.
        assert_eq!(c.cmd("PORT 127,0,0,1,4,1").await.0, 502);

        // Any other name works too.
        let mut c2 = Control::connect(server.addr()).await;
        assert_eq!(c2.reply().await.0, 220);
        assert_eq!(c2.login("whoever", "").await, 230);
        server.stop().await;
    }

    #[tokio::test]
    async fn active_mode_when_allowed() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), b"active").expect("write");
        let server = EmbeddedServer::start(opts(dir.path(), None, true))
            .await
            .expect("start");
        let mut c = Control::connect(server.addr()).await;
        assert_eq!(c.reply().await.0, 220);
        assert_eq!(c.login("anonymous", "x").await, 230);

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (code, text) = c
            .cmd(&format!("PORT 127,0,0,1,{},{}", port >> 8, port & 0xff))
            .await;
        assert_eq!(code, 200, "{text}");
        let (accepted, reply) = tokio::join!(timeout(STEP, listener.accept()), c.cmd("RETR a.txt"));
        assert_eq!(reply.0, 150);
        let (data, _) = accepted.expect("accept timed out").expect("accept");
        assert_eq!(read_all(data).await, b"active");
        assert_eq!(c.reply().await.0, 226);
        server.stop().await;
    }

    #[tokio::test]
    async fn stop_frees_the_port_and_closes_sessions() {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = EmbeddedServer::start(opts(dir.path(), None, false))
            .await
            .expect("start");
        let addr = server.addr();
        let mut c = Control::connect(addr).await;
        assert_eq!(c.reply().await.0, 220);
        assert_eq!(c.login("anonymous", "x").await, 230);

        server.stop().await;
        // Nobody listens there any more: the port can be bound again.
        let rebound = std::net::TcpListener::bind(addr).expect("port is free after stop");
        drop(rebound);
        // The open session is closed by the server.
        let mut rest = String::new();
        let n = timeout(STEP, c.reader.read_line(&mut rest))
            .await
            .expect("session not closed")
            .unwrap_or(0);
        assert_eq!(n, 0, "expected EOF, got {rest:?}");
    }

    #[tokio::test]
    async fn drop_stops_the_server() {
        let dir = tempfile::tempdir().expect("tempdir");
        let server = EmbeddedServer::start(opts(dir.path(), None, false))
            .await
            .expect("start");
        let addr = server.addr();
        drop(server);
        let deadline = tokio::time::Instant::now() + STEP;
        loop {
            if std::net::TcpListener::bind(addr).is_ok() {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "port still taken after drop"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn missing_root_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope");
        match EmbeddedServer::start(opts(&missing, None, false)).await {
            Err(ServerError::Root { path, .. }) => assert_eq!(path, missing),
            other => panic!("expected a Root error, got {other:?}"),
        }
    }
}
