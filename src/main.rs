use std::process::ExitCode;

use clap::Parser;

use wharf::app::keymap::Keymap;
use wharf::app::state::AppState;
use wharf::cli::{Cli, Sub, parse_url};
use wharf::engine::protocol::ConnectProfile;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wharf: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async_main(cli))
}

async fn async_main(cli: Cli) -> ExitCode {
    let mode = cli.net.mode();
    let timeouts = cli.net.timeouts();
    let parse = |url: &str| match parse_url(url, mode, timeouts) {
        Ok(p) => Ok(p),
        Err(e) => {
            eprintln!("wharf: {e}");
            Err(ExitCode::from(2))
        }
    };
    match cli.command {
        Some(Sub::Ls { url, verbose }) => {
            let profile = match parse(&url) {
                Ok(p) => p,
                Err(code) => return code,
            };
            exit(wharf::headless::ls(profile, verbose).await)
        }
        Some(Sub::Get { url, local, copy }) => {
            let profile = match parse(&url) {
                Ok(p) => p,
                Err(code) => return code,
            };
            exit(wharf::headless::get(profile, local, copy).await)
        }
        Some(Sub::Put { local, url, copy }) => {
            let profile = match parse(&url) {
                Ok(p) => p,
                Err(code) => return code,
            };
            exit(wharf::headless::put(profile, local, copy).await)
        }
        None => {
            if cli.demo {
                let demo = match wharf::demo::start_demo().await {
                    Ok(d) => d,
                    Err(e) => {
                        eprintln!("wharf: cannot start the demo server: {e}");
                        return ExitCode::FAILURE;
                    }
                };
                let addr = demo.server.addr();
                let profile = ConnectProfile {
                    host: addr.ip().to_string(),
                    port: addr.port(),
                    user: None,
                    password: None,
                    path: None,
                    mode,
                    timeouts,
                };
                let code = tui(Some(profile), mode, timeouts).await;
                demo.server.stop().await;
                code
            } else {
                let profile = match cli.url.as_deref().map(parse).transpose() {
                    Ok(p) => p,
                    Err(code) => return code,
                };
                tui(profile, mode, timeouts).await
            }
        }
    }
}

fn exit(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

async fn tui(
    profile: Option<ConnectProfile>,
    mode: wharf::engine::protocol::DataMode,
    timeouts: wharf::engine::protocol::Timeouts,
) -> ExitCode {
    let local = std::env::current_dir().unwrap_or_else(|_| "/".into());
    let mut terminal = match wharf::terminal::enter() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("wharf: cannot set up the terminal: {e}");
            return ExitCode::FAILURE;
        }
    };
    let size = terminal.size().unwrap_or_default();
    let mut state = AppState::new(local, Keymap::default(), size.width, size.height);
    state.default_mode = mode;
    state.timeouts = timeouts;
    let engine = wharf::engine::spawn();
    let result = wharf::app::run(&mut terminal, state, engine, profile).await;
    wharf::terminal::restore();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wharf: {e:#}");
            ExitCode::FAILURE
        }
    }
}
