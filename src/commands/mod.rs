//! One module per subcommand; `dispatch` routes a parsed command to it.

mod bulk_import;
mod compare;
mod completions;
mod delete;
mod doctor;
mod enroll;
mod lambda;
mod list;
mod models;
mod provision;
mod search;
mod serve;
mod status;
mod verify;
mod watch;

use crate::cli::{Command, IndexArgs};
use crate::printer::Printer;
use crate::settings::Settings;
use anyhow::Result;
use facectl_core::model::QualityFilter;

/// Run one command; returns the exit code.
pub async fn dispatch(command: Command, settings: Settings) -> Result<u8> {
    let printer = Printer::new(&settings);
    match command {
        Command::Provision(a) => provision::run(a, &settings, &printer).await,
        Command::Enroll(a) => enroll::run(a, &settings, &printer).await,
        Command::BulkImport(a) => bulk_import::run(a, &settings, &printer).await,
        Command::Watch(a) => watch::run(a, &settings, &printer).await,
        Command::Search(a) => search::run(a, &settings, &printer).await,
        Command::Verify(a) => verify::run(a, &settings, &printer).await,
        Command::Compare(a) => compare::run(a, &settings, &printer).await,
        Command::Delete(a) => delete::run(a, &settings, &printer).await,
        Command::List(a) => list::run(a, &settings, &printer).await,
        Command::Status => status::run(&settings, &printer).await,
        Command::Doctor(a) => doctor::run(a, &settings, &printer).await,
        Command::Models(a) => models::run(a, &settings, &printer),
        Command::Serve(a) => serve::run(a, &settings, &printer).await,
        Command::Lambda(a) => lambda::run(a, &settings).await,
        Command::Completions(a) => completions::run(a),
        Command::Manpage => completions::manpage(),
    }
}

/// The quality filter named by `--quality-filter` (validated by clap).
fn quality(args: &IndexArgs) -> Result<QualityFilter> {
    args.quality_filter.parse().map_err(anyhow::Error::msg)
}

/// Ctrl-C or SIGTERM (what service managers and `kill` send): long-running commands stop
/// accepting work and finish what is in flight.
pub(crate) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Naming, jobs and ingest options of a folder import (bulk-import and watch).
pub(crate) fn folder_options(
    args: &crate::cli::FolderImportArgs,
    settings: &Settings,
) -> Result<(
    facectl_core::naming::Naming,
    usize,
    facectl_core::service::ingest::IngestOptions,
)> {
    use crate::cli::NameFrom;
    use facectl_core::naming::Naming;
    let naming = match (&args.mapping, args.name_from) {
        (Some(csv), _) => Naming::Csv(csv.clone()),
        (None, NameFrom::Auto) => Naming::Auto,
        (None, NameFrom::Folder) => Naming::Folder,
        (None, NameFrom::Stem) => Naming::Stem,
    };
    let ingest = ingest_options(
        args.index.all_faces,
        &args.index.quality_filter,
        args.multiple,
    )?;
    Ok((naming, args.jobs.unwrap_or(settings.jobs).max(1), ingest))
}

/// How each photo is ingested (bulk-import, watch, lambda): `--all-faces`, `--quality-filter`
/// (validated by clap), `--multiple`.
pub(crate) fn ingest_options(
    all_faces: bool,
    quality_filter: &str,
    multiple: crate::cli::MultipleArg,
) -> Result<facectl_core::service::ingest::IngestOptions> {
    use crate::cli::MultipleArg;
    use facectl_core::service::ingest::{IngestOptions, MultiplePolicy};
    Ok(IngestOptions {
        all_faces,
        quality: quality_filter.parse().map_err(anyhow::Error::msg)?,
        multiple: match multiple {
            MultipleArg::Largest => MultiplePolicy::Largest,
            MultipleArg::Skip => MultiplePolicy::Skip,
        },
        ..IngestOptions::default()
    })
}
