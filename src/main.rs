//! facectl's binary edge: parse flags, resolve settings, run one command, map errors to exit codes.

mod backend;
mod cli;
mod commands;
mod exit;
mod printer;
mod settings;

use clap::FromArgMatches;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = match cli::command().try_get_matches_from(args()) {
        Ok(m) => m,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(exit::ERROR);
        }
    };
    init_logging(&parsed.global);
    let code = match run(parsed) {
        Ok(code) => code,
        Err(err) if exit::is_broken_pipe(&err) => exit::OK,
        Err(err) => {
            let (code, msg) = exit::classify(&err);
            eprintln!("error: {msg}");
            code
        }
    };
    ExitCode::from(code)
}

/// The command line; run as `bootstrap` (a Lambda custom runtime's entry point, which Lambda
/// starts without arguments) it means `facectl lambda`.
fn args() -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let name = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_os_string());
    if name.as_deref() == Some(std::ffi::OsStr::new("bootstrap")) {
        args.insert(1, "lambda".into());
    }
    args
}

fn init_logging(g: &cli::GlobalArgs) {
    // tract warns about every model whose opset is newer than it was tested with, and ONNX
    // Runtime about graph details of the folded models; the engine checks the models itself,
    // so those are only shown with -vv.
    let default = match (g.quiet, g.verbose) {
        (true, _) => "error",
        (_, 0) => "warn,tract_onnx=error,ort=error",
        (_, 1) => "info,tract_onnx=error,ort=error",
        (_, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env(settings::ENV_LOG)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os(settings::ENV_NO_COLOR).is_none_or(|v| v.is_empty()),
        );
    // From -vv on, each line says when it happened since the start (where the time goes).
    let _ = if g.verbose >= 2 {
        fmt.with_timer(tracing_subscriber::fmt::time::uptime())
            .try_init()
    } else {
        fmt.without_time().try_init()
    };
}

fn run(cli: cli::Cli) -> anyhow::Result<u8> {
    let settings = settings::Settings::resolve(&cli.global)?;
    tracing::debug!(config = ?settings.config_file, backend = ?settings.backend, data_dir = %settings.data_dir.display(), "settings");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(commands::dispatch(cli.command, settings))
}
