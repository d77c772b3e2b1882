//! The wharf binary: reads the config, sets up the log file, and runs the
//! TUI or one of the headless commands. For the TUI it starts the engine
//! and the bookmark service, merges the terminal's events, theirs and the
//! signals into the app's one input stream, and stops them after the app.
//! Everything else is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::CommandFactory;
use futures::stream::{self, BoxStream, StreamExt};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::UnboundedReceiver;
use wharf::address::parse_url;
use wharf::app::input::receiver_stream;
use wharf::app::state::AppState;
use wharf::app::{Input, Senders};
use wharf::bookmarks::service::BookmarkEvent;
use wharf::bookmarks::{PasswordMode, Store, secret};
use wharf::cli::{BookmarkCmd, Cli, Sub};
use wharf::cli_docs;
use wharf::config::{self, Config};
use wharf::engine::EngineConfig;
use wharf::engine::protocol::{ConnectProfile, DataMode, Event, Timeouts};

fn main() -> ExitCode {
    let cli = Cli::parse_checked();
    if cli.print_default_config {
        print!("{}", config::DEFAULT_CONFIG);
        return ExitCode::SUCCESS;
    }
    // Made from the command-line definitions alone: no config, no log file.
    if let Some(code) = cli.command.as_ref().and_then(docs) {
        return code;
    }
    // The TUI: raw mode first thing, so that keys typed while wharf starts
    // wait for the app instead of being echoed (`^[[B`) and lost.
    if cli.command.is_none() {
        wharf::terminal::raw_early();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(format_args!("cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(async_main(cli));
    // Whatever way it ended, not in raw mode.
    wharf::terminal::leave_raw();
    code
}

/// Says something on stderr, in cooked mode again (start-up may have
/// entered raw mode, where a line end would not return the carriage).
fn say(message: std::fmt::Arguments<'_>) {
    wharf::terminal::leave_raw();
    eprintln!("wharf: {message}");
}

/// What start-up found that the user should hear about.
struct Startup {
    config: Config,
    config_dir: Option<PathBuf>,
    /// Config warnings and errors, one line each.
    notes: Vec<String>,
}

fn load_config() -> Startup {
    let config_dir = config::config_dir();
    let Some(dir) = config_dir.clone() else {
        return Startup {
            config: Config::default(),
            config_dir,
            notes: vec!["no config folder: using the defaults".into()],
        };
    };
    let loaded = config::load(&dir);
    let mut notes = loaded.warnings;
    if let Some(e) = loaded.error {
        notes.push(format!("{e} — using the defaults"));
    }
    Startup {
        config: loaded.config,
        config_dir,
        notes,
    }
}

async fn async_main(cli: Cli) -> ExitCode {
    let mut startup = load_config();
    // The guard flushes the log file when wharf ends.
    let _log = match wharf::logging::init(cli.log_level.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            say(format_args!("no log file: {e}"));
            None
        }
    };
    let connector = match wharf::connector_setup::connector(
        &startup.config,
        startup.config_dir.as_deref(),
        &cli.net,
    ) {
        Ok((connector, notes)) => {
            startup.notes.extend(notes);
            connector
        }
        Err(e) => {
            say(format_args!("{e}"));
            return ExitCode::from(2);
        }
    };
    let cfg = &startup.config;
    let mode = cli.net.mode_or(cfg.mode);
    let timeouts = cli.net.timeouts_or(cfg.timeouts());
    // A URL or `@bookmark[/path]`; bookmarks are read only when named.
    let store_dir = startup.config_dir.clone();
    let mut headless_store: Option<Store> = None;
    let mut parse_many = async |urls: &[String]| -> Result<Vec<ConnectProfile>, ExitCode> {
        let mut out = Vec::with_capacity(urls.len());
        for url in urls {
            if url.starts_with('@') && headless_store.is_none() {
                headless_store = store_dir.as_deref().map(Store::load);
            }
            out.push(headless_profile(url, headless_store.as_ref(), mode, timeouts).await?);
        }
        Ok(out)
    };
    let headless_notes = || {
        for n in &startup.notes {
            say(format_args!("{n}"));
        }
    };
    match cli.command {
        // main() prints these before start-up; here for completeness.
        Some(sub @ (Sub::Completions { .. } | Sub::Man { .. })) => {
            docs(&sub).unwrap_or(ExitCode::SUCCESS)
        }
        Some(Sub::Bookmarks { op }) => {
            bookmarks_command(op, startup.config_dir.as_deref(), cli.net.active)
        }
        Some(Sub::Ls {
            url,
            verbose,
            unsorted,
        }) => {
            headless_notes();
            match parse_many(&[url]).await {
                Ok(mut p) => {
                    exit(wharf::headless::ls(connector, p.remove(0), verbose, unsorted).await)
                }
                Err(code) => code,
            }
        }
        Some(Sub::Get { url, local, copy }) => {
            headless_notes();
            match parse_many(&[url]).await {
                Ok(mut p) => exit(wharf::headless::get(connector, p.remove(0), local, copy).await),
                Err(code) => code,
            }
        }
        Some(Sub::Put { local, url, copy }) => {
            headless_notes();
            match parse_many(&[url]).await {
                Ok(mut p) => exit(wharf::headless::put(connector, p.remove(0), local, copy).await),
                Err(code) => code,
            }
        }
        Some(Sub::Mkdir {
            parents,
            urls,
            verbose,
        }) => {
            headless_notes();
            match parse_many(&urls).await {
                Ok(p) => exit(wharf::headless::mkdir(connector, p, parents, verbose).await),
                Err(code) => code,
            }
        }
        Some(Sub::Rm {
            recursive,
            dry_run,
            urls,
            connections,
            verbose,
        }) => {
            headless_notes();
            let args = wharf::headless::RmArgs {
                recursive,
                dry_run,
                connections: usize::from(connections),
                verbose,
            };
            match parse_many(&urls).await {
                Ok(p) => exit(wharf::headless::rm(connector, p, args).await),
                Err(code) => code,
            }
        }
        Some(Sub::Mv {
            url,
            new,
            force,
            verbose,
        }) => {
            headless_notes();
            let from = match parse_many(&[url]).await {
                Ok(mut p) => p.remove(0),
                Err(code) => return code,
            };
            let to = match wharf::headless::new_name(&new) {
                Some(n) => n,
                None => match parse_many(&[new]).await {
                    Ok(mut p) => wharf::headless::NewName::Url(Box::new(p.remove(0))),
                    Err(code) => return code,
                },
            };
            exit(wharf::headless::mv(connector, from, to, force, verbose).await)
        }
        Some(Sub::Chmod {
            recursive,
            mode: text,
            urls,
            connections,
            verbose,
        }) => {
            headless_notes();
            let Some(bits) = wharf::headless::parse_mode(&text) else {
                say(format_args!(
                    "chmod: \"{text}\" is not an octal mode (755, 0644…)"
                ));
                return ExitCode::from(2);
            };
            match parse_many(&urls).await {
                Ok(p) => exit(
                    wharf::headless::chmod(
                        connector,
                        bits,
                        p,
                        recursive,
                        usize::from(connections),
                        verbose,
                    )
                    .await,
                ),
                Err(code) => code,
            }
        }
        Some(Sub::Cat { url, verbose }) => {
            headless_notes();
            match parse_many(&[url]).await {
                Ok(mut p) => exit(wharf::headless::cat(connector, p.remove(0), verbose).await),
                Err(code) => code,
            }
        }
        Some(Sub::Find {
            url,
            name,
            connections,
            verbose,
        }) => {
            headless_notes();
            match parse_many(&[url]).await {
                Ok(mut p) => exit(
                    wharf::headless::find(
                        connector,
                        p.remove(0),
                        name,
                        usize::from(connections),
                        verbose,
                    )
                    .await,
                ),
                Err(code) => code,
            }
        }
        Some(Sub::Mirror {
            source,
            target,
            dry_run,
            delete,
            max_delete,
            size_only,
            checksum,
            connections,
            verbose,
            quiet,
        }) => {
            headless_notes();
            let is_remote = |s: &str| s.starts_with('@') || s.contains("://");
            if is_remote(&source) == is_remote(&target) {
                say(format_args!(
                    "mirror: one side must be a URL (or @bookmark/path) and the other a local folder"
                ));
                return ExitCode::from(2);
            }
            let mut end = async |s: String| -> Result<wharf::headless::End, ExitCode> {
                Ok(if is_remote(&s) {
                    let mut p = parse_many(&[s]).await?;
                    wharf::headless::End::Remote(p.remove(0))
                } else {
                    wharf::headless::End::Local(PathBuf::from(s))
                })
            };
            let source = match end(source).await {
                Ok(e) => e,
                Err(code) => return code,
            };
            let target = match end(target).await {
                Ok(e) => e,
                Err(code) => return code,
            };
            let criteria = if checksum {
                wharf::engine::protocol::Criteria::Checksum
            } else if size_only {
                wharf::engine::protocol::Criteria::SizeOnly
            } else {
                wharf::engine::protocol::Criteria::SizeAndTime
            };
            let args = wharf::headless::MirrorArgs {
                dry_run,
                delete,
                max_delete,
                criteria,
                connections: usize::from(connections),
                verbose,
                quiet,
                records: config::data_dir().map(|d| d.join(wharf::engine::sync::record::FOLDER)),
            };
            exit(wharf::headless::mirror(connector, source, target, args).await)
        }
        None => {
            let bookmark_name = cli.bookmark.clone().or_else(|| {
                cli.url
                    .as_deref()
                    .and_then(|u| u.strip_prefix('@'))
                    .map(String::from)
            });
            let store = startup.config_dir.as_deref().map(Store::load);
            let mut local = None;
            let profile = if cli.demo {
                None
            } else if let Some(name) = bookmark_name {
                match bookmark_profile(store.as_ref(), &name, timeouts).await {
                    Ok((p, l)) => {
                        local = l;
                        Some(p)
                    }
                    Err(e) => {
                        say(format_args!("{e}"));
                        return ExitCode::from(2);
                    }
                }
            } else {
                match cli
                    .url
                    .as_deref()
                    .map(|u| parse_plain(u, mode, timeouts))
                    .transpose()
                {
                    Ok(p) => p,
                    Err(code) => return code,
                }
            };
            let mut engine_config = EngineConfig {
                transfer: cfg.transfer_config(),
                keepalive: cfg.keepalive,
                connector,
                // Unfinished transfers are kept beside the logs (not for
                // the demo, whose server is gone next time).
                saved_queue: (!cli.demo)
                    .then(config::data_dir)
                    .flatten()
                    .map(|d| d.join(wharf::engine::transfer::saved::FILE_NAME)),
                sync_records: config::data_dir()
                    .map(|d| d.join(wharf::engine::sync::record::FOLDER)),
            };
            if let Some(n) = cli.connections {
                engine_config.transfer.connections = usize::from(n);
            }
            let tui_args = TuiArgs {
                store,
                mode,
                timeouts,
                local,
                startup: &startup,
                demo: cli.demo,
            };
            if cli.demo {
                let demo = match wharf::demo::start_demo().await {
                    Ok(d) => d,
                    Err(e) => {
                        say(format_args!("cannot start the demo server: {e}"));
                        return ExitCode::FAILURE;
                    }
                };
                let addr = demo.server.addr();
                let profile = ConnectProfile {
                    mode,
                    timeouts,
                    ..ConnectProfile::new(addr.ip().to_string(), addr.port())
                };
                let code = tui(Some(profile), engine_config, tui_args).await;
                demo.server.stop().await;
                code
            } else {
                tui(profile, engine_config, tui_args).await
            }
        }
    }
}

/// A URL as typed, the login from ~/.netrc when it gives none.
fn parse_plain(url: &str, mode: DataMode, timeouts: Timeouts) -> Result<ConnectProfile, ExitCode> {
    match parse_url(url, mode, timeouts) {
        Ok(p) => Ok(with_netrc(p)),
        Err(e) => {
            say(format_args!("{e}"));
            Err(ExitCode::from(2))
        }
    }
}

/// A headless command's URL, or `@bookmark[/path]` (the path under the
/// bookmark's folder; the longest matching name wins).
async fn headless_profile(
    arg: &str,
    store: Option<&Store>,
    mode: DataMode,
    timeouts: Timeouts,
) -> Result<ConnectProfile, ExitCode> {
    if !arg.starts_with('@') {
        return parse_plain(arg, mode, timeouts);
    }
    let names = store.map(|s| s.bookmarks().iter().map(|b| b.name.as_str()));
    let Some((name, path)) = names.and_then(|n| wharf::address::split_bookmark(arg, n)) else {
        say(format_args!(
            "no bookmark named \"{}\" (wharf bookmarks list shows them)",
            arg.trim_start_matches('@')
        ));
        return Err(ExitCode::from(2));
    };
    match bookmark_profile(store, name, timeouts).await {
        Ok((mut p, _)) => {
            p.path = wharf::address::bookmark_path(p.path.as_deref(), path);
            Ok(p)
        }
        Err(e) => {
            say(format_args!("{e}"));
            Err(ExitCode::from(2))
        }
    }
}

/// The user and password from ~/.netrc, when the URL gives none.
fn with_netrc(mut p: ConnectProfile) -> ConnectProfile {
    if p.password.is_some() {
        return p;
    }
    if let Some(c) = wharf::netrc::lookup(&p.host, p.user.as_deref()) {
        if p.user.is_none() {
            p.user = c.login;
        }
        if p.user.is_some() {
            p.password = c.password;
        }
    }
    p
}

/// The profile (and local folder) of a saved bookmark; its password from
/// the keyring when it keeps one there, else the TUI asks.
async fn bookmark_profile(
    store: Option<&Store>,
    name: &str,
    timeouts: Timeouts,
) -> Result<(ConnectProfile, Option<PathBuf>), String> {
    let store = store.ok_or("there is no config folder, so no bookmarks")?;
    if let Some(problem) = store.problem() {
        say(format_args!("{problem}"));
    }
    let b = store
        .get(name)
        .cloned()
        .ok_or_else(|| format!("no bookmark named \"{name}\" (wharf bookmarks list shows them)"))?;
    let mut profile = b.to_profile(None, timeouts);
    if b.password == PasswordMode::Keyring && b.user.is_some() {
        let lookup = b.clone();
        // The keyring can block (D-Bus, an unlock prompt): not on a tokio worker.
        match tokio::task::spawn_blocking(move || secret::load(&lookup)).await {
            Ok(Ok(Some(p))) => profile.password = Some(p),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!("keyring: {e}"),
            Err(e) => tracing::warn!("keyring lookup stopped: {e}"),
        }
    }
    let home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    let local = b.local_folder(home.as_deref());
    Ok((profile, local))
}

fn bookmarks_command(op: BookmarkCmd, dir: Option<&std::path::Path>, active: bool) -> ExitCode {
    let Some(dir) = dir else {
        say(format_args!("no config folder (set WHARF_CONFIG_DIR)"));
        return ExitCode::FAILURE;
    };
    let mut store = Store::load(dir);
    if let Some(problem) = store.problem() {
        say(format_args!("{problem}"));
    }
    let result = match op {
        BookmarkCmd::List => Ok(wharf::bookmarks::commands::list(&store)),
        BookmarkCmd::Add {
            name,
            url,
            remote_dir,
            local_dir,
            ask_password,
        } => wharf::bookmarks::commands::add(
            &mut store,
            &name,
            &url,
            active,
            remote_dir.as_deref(),
            local_dir.as_deref(),
            ask_password,
        )
        .map_err(|e| e.to_string()),
        BookmarkCmd::Remove { name } => {
            wharf::bookmarks::commands::remove(&mut store, &name).map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(text) => {
            print!("{text}");
            if !text.ends_with('\n') && !text.is_empty() {
                println!();
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(format_args!("{e}"));
            ExitCode::FAILURE
        }
    }
}

/// `wharf completions SHELL` and `wharf man [COMMAND]`: their exit status,
/// or `None` for the other commands.
fn docs(sub: &Sub) -> Option<ExitCode> {
    match sub {
        Sub::Completions { shell } => Some(print_out(&cli_docs::completions(*shell))),
        Sub::Man { command } => Some(man_page(command.as_deref())),
        _ => None,
    }
}

/// Prints `text` on stdout; a closed pipe (`wharf man | head`) is no failure.
fn print_out(text: &[u8]) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            say(format_args!("{e}"));
            ExitCode::FAILURE
        }
    }
}

fn man_page(command: Option<&str>) -> ExitCode {
    match cli_docs::man_page(command) {
        Some(page) => print_out(&page),
        None => {
            let known = cli_docs::man_page_commands().join(", ");
            let e = Cli::command().error(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "no manual page for `{}` (commands: {known})",
                    command.unwrap_or("")
                ),
            );
            e.exit()
        }
    }
}

fn exit(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

struct TuiArgs<'a> {
    /// The bookmark file, when there is a config folder.
    store: Option<Store>,
    mode: DataMode,
    timeouts: Timeouts,
    /// The local folder to start in (a bookmark's), else the current one.
    local: Option<PathBuf>,
    startup: &'a Startup,
    /// Against the embedded demo server, which is not worth remembering.
    demo: bool,
}

async fn tui(
    profile: Option<ConnectProfile>,
    engine_config: EngineConfig,
    args: TuiArgs<'_>,
) -> ExitCode {
    let cfg = &args.startup.config;
    let local = args
        .local
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| "/".into());
    // The engine and the bookmark service run beside the app; the app gets
    // their channel ends, and this function stops them when it is done.
    let (engine_commands, engine_events, engine) =
        wharf::engine::spawn_configured(engine_config).split();
    let bookmarks_enabled = args.store.is_some();
    let (bookmark_ops, bookmark_events, bookmark_task) = match args.store {
        Some(store) => {
            let s = wharf::bookmarks::service::spawn(store);
            (Some(s.ops), Some(s.events), Some(s.task))
        }
        None => (None, None, None),
    };
    let (terminal_events, handover) = wharf::terminal::events();
    let senders = Senders {
        engine: engine_commands,
        bookmarks: bookmark_ops,
        handover: Some(Box::new(handover)),
    };
    let stop = async move |senders: Senders| {
        drop(senders);
        engine.shutdown().await;
        if let Some(task) = bookmark_task {
            wharf::bookmarks::service::finish(task).await;
        }
    };
    let input = match inputs(terminal_events, engine_events, bookmark_events) {
        Ok(i) => i,
        Err(e) => {
            say(format_args!("cannot listen for signals: {e}"));
            stop(senders).await;
            return ExitCode::FAILURE;
        }
    };
    let mut terminal = match wharf::terminal::enter() {
        Ok(t) => t,
        Err(e) => {
            say(format_args!("cannot set up the terminal: {e}"));
            stop(senders).await;
            return ExitCode::FAILURE;
        }
    };
    let size = terminal.size().unwrap_or_default();
    let mut state = AppState::new(local, cfg.keymap.clone(), size.width, size.height);
    state.theme = cfg.theme;
    state.default_mode = args.mode;
    state.timeouts = args.timeouts;
    state.on_existing = cfg.on_existing();
    state.confirm_copy = cfg.confirm_copy;
    state.confirm_delete = cfg.confirm_delete;
    state.pager = cfg.pager;
    state.bookmarks_enabled = bookmarks_enabled;
    state.keep_recent = !args.demo;
    state.data_dir = wharf::config::data_dir();
    state.home = directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    for pane in [&mut state.local, &mut state.remote] {
        pane.show_hidden = cfg.show_hidden;
        pane.sort = cfg.sort;
        // `sort_reverse` flips the order the key starts in.
        pane.descending = cfg.sort.starts_descending() != cfg.sort_reverse;
    }
    if !args.startup.notes.is_empty() {
        state.set_status(args.startup.notes.join(" · "), true);
    }
    let result = wharf::app::run(&mut terminal, state, profile, input, &senders).await;
    wharf::terminal::restore();
    stop(senders).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say(format_args!("{e}"));
            ExitCode::FAILURE
        }
    }
}

/// Everything the app hears, as one stream: the terminal's events, the
/// engine's and the bookmark service's, and the signals that stop wharf
/// (SIGTERM, SIGHUP, SIGINT). The terminal going away stops it too.
fn inputs(
    terminal: wharf::terminal::TerminalEvents,
    engine: UnboundedReceiver<Event>,
    bookmarks: Option<UnboundedReceiver<BookmarkEvent>>,
) -> std::io::Result<BoxStream<'static, Input>> {
    let terminal = terminal
        .map(|ev| match ev {
            Ok(ev) => Input::Terminal(ev),
            Err(_) => Input::Quit,
        })
        .chain(stream::once(async { Input::Quit }));
    let mut all = vec![
        terminal.boxed(),
        receiver_stream(engine).map(Input::Engine).boxed(),
    ];
    if let Some(b) = bookmarks {
        all.push(receiver_stream(b).map(Input::Bookmarks).boxed());
    }
    for kind in [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
    ] {
        let mut sig = signal(kind)?;
        let quits = stream::poll_fn(move |cx| sig.poll_recv(cx)).map(|()| Input::Quit);
        all.push(quits.boxed());
    }
    Ok(stream::select_all(all).boxed())
}
