//! `facectl bulk-import`.

use super::enroll::{outcome_csv, outcome_table};
use crate::cli::BulkImportArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::{Context, Result};
use facectl_core::progress::CancelFlag;
use facectl_core::service::bulk_import::{bulk_import, BulkOptions, BulkReport};
use facectl_core::service::ingest::FileStatus;

pub async fn run(args: BulkImportArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let (naming, jobs, ingest) = super::folder_options(&args.folder, settings)?;
    let opts = BulkOptions {
        naming,
        jobs,
        limit: args.limit,
        ingest,
    };
    let cancel = CancelFlag::new();
    let on_signal = cancel.clone();
    let quiet = printer.quiet;
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            if !quiet {
                eprintln!("interrupted: finishing files in flight (Ctrl-C again to abort)");
            }
            on_signal.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
        }
    });
    let progress = printer.progress();
    let report = bulk_import(&backend, &args.dir, &opts, &progress, &cancel).await?;
    if let Some(path) = &args.report {
        let text = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, text).with_context(|| format!("writing report {}", path.display()))?;
    }
    match printer.output {
        OutputFormat::Table => print_summary(printer, &report)?,
        OutputFormat::Json => printer.json(&report)?,
        OutputFormat::Jsonl => printer.jsonl(&report.files)?,
        OutputFormat::Csv => outcome_csv(printer, &report.files)?,
    }
    Ok(if report.interrupted {
        exit::INTERRUPTED
    } else if report.counts.failed > 0 {
        exit::NEGATIVE
    } else {
        exit::OK
    })
}

fn print_summary(printer: &Printer, r: &BulkReport) -> Result<()> {
    let problems: Vec<_> = r
        .files
        .iter()
        .filter(|f| !matches!(f.status, FileStatus::Imported | FileStatus::Skipped))
        .cloned()
        .collect();
    if !problems.is_empty() && problems.len() <= 50 {
        printer.print_table(&outcome_table(printer, &problems))?;
    }
    let mut t = printer.table(&["outcome", "files"]);
    for (label, n) in [
        ("imported", r.counts.imported),
        ("skipped (already imported)", r.counts.skipped),
        ("no face", r.counts.no_face),
        ("several faces", r.counts.multiple_faces),
        ("failed", r.counts.failed),
    ] {
        t.add_row(vec![label.to_string(), n.to_string()]);
    }
    if r.not_attempted > 0 {
        t.add_row(vec![
            "not attempted (interrupted)".into(),
            r.not_attempted.to_string(),
        ]);
    }
    t.add_row(vec!["total".into(), r.files_found.to_string()]);
    printer.print_table(&t)?;
    printer.line(&format!(
        "{} face(s) indexed for {} person(s) in {:.1} s ({:.1} images/s)",
        r.faces_indexed, r.persons, r.elapsed_secs, r.images_per_sec
    ))?;
    if problems.len() > 50 {
        printer.line(&format!(
            "{} files were not imported; see --report FILE or --output json for each one",
            problems.len()
        ))?;
    }
    Ok(())
}
