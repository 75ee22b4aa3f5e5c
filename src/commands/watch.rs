//! `facectl watch DIR`: import photos as they land in a folder (file-system events wake the
//! walk; `--poll` walks on a timer only), or without a folder the aws backend's upload queue;
//! one line per photo on stderr (with running counts under them on a terminal), a summary
//! at the end.

use crate::cli::WatchArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::{bail, Result};
use facectl_core::progress::CancelFlag;
use facectl_core::service::watch::{watch, WatchOptions};
use facectl_core::service::watch_uploads::{watch_uploads, UploadWatchOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

pub async fn run(args: WatchArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let Some(dir) = args.dir.clone() else {
        return run_uploads(args, settings, printer).await;
    };
    let seconds = |name: &str, v: f64| -> Result<Duration> {
        if !(v.is_finite() && (0.0..=86_400.0).contains(&v)) {
            bail!("--{name} must be between 0 and 86400 seconds, got {v}");
        }
        Ok(Duration::from_secs_f64(v))
    };
    let (naming, jobs, ingest) = super::folder_options(&args.folder, settings)?;
    let opts = WatchOptions {
        naming,
        jobs,
        ingest,
        interval: seconds("interval", args.interval)?.max(Duration::from_millis(50)),
        settle: seconds("settle", args.settle)?,
        once: args.once,
    };
    let backend = crate::backend::open(settings).await?;
    let wake = Arc::new(Notify::new());
    // Events only start a walk early; the walk decides what to import. Without them (watch
    // limits reached, a network drive) the timer alone does it.
    let _watcher = if args.poll || args.once {
        None
    } else {
        match events(&dir, Arc::clone(&wake)) {
            Ok(w) => Some(w),
            Err(e) => {
                printer.note(&format!(
                    "facectl watch: no file-system events for {} ({e}); walking it every {} s",
                    dir.display(),
                    opts.interval.as_secs_f64()
                ));
                None
            }
        }
    };
    let cancel = stop_on_signal(printer.quiet);
    if !args.once {
        printer.note(&format!(
            "facectl watch: importing new photos under {} (Ctrl-C stops)",
            dir.display()
        ));
    }
    let log = printer.live_log(&format!("watching {}", dir.display()));
    let report = watch(&backend, &dir, &opts, &log, &cancel, &wake).await?;
    match printer.output {
        OutputFormat::Json | OutputFormat::Jsonl => printer.json(&report)?,
        _ => {
            let c = &report.counts;
            printer.line(&format!(
                "{} imported, {} skipped, {} without a face, {} with several faces, {} failed ({} faces indexed)",
                c.imported, c.skipped, c.no_face, c.multiple_faces, c.failed, report.faces_indexed
            ))?;
        }
    }
    Ok(if report.counts.failed > 0 {
        exit::NEGATIVE
    } else {
        exit::OK
    })
}

/// `facectl watch` without a folder: the aws backend's upload queue.
async fn run_uploads(args: WatchArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let (_, jobs, ingest) = super::folder_options(&args.folder, settings)?;
    let (backend, queue) = crate::backend::open_with_uploads(settings).await?;
    let cfg = crate::backend::aws_config(settings)?;
    let trigger = crate::backend::trigger_config(settings, &cfg)?;
    let opts = UploadWatchOptions {
        jobs,
        ingest,
        upload_prefix: trigger.upload_prefix,
        once: args.once,
        ..UploadWatchOptions::default()
    };
    let cancel = stop_on_signal(printer.quiet);
    if !args.once {
        printer.note(&format!(
            "facectl watch: indexing photos uploaded to {} (Ctrl-C stops)",
            queue.location()
        ));
    }
    let log = printer.live_log(&format!("watching {}", queue.location()));
    let report = watch_uploads(&backend, queue.as_ref(), &opts, &log, &cancel).await?;
    match printer.output {
        OutputFormat::Json | OutputFormat::Jsonl => printer.json(&report)?,
        _ => {
            let c = &report.counts;
            printer.line(&format!(
                "{} messages: {} imported, {} skipped, {} without a face, {} with several faces, {} failed ({} faces indexed); {} to the dead-letter queue, {} tries left for another, {} messages still left on the queue",
                report.messages, c.imported, c.skipped, c.no_face, c.multiple_faces, c.failed,
                report.faces_indexed, report.rejected, report.retried, report.left
            ))?;
        }
    }
    Ok(
        if report.counts.failed > 0 || report.rejected > 0 || report.left > 0 {
            exit::NEGATIVE
        } else {
            exit::OK
        },
    )
}

/// A flag set on SIGTERM / Ctrl-C: work in flight finishes, nothing new starts.
fn stop_on_signal(quiet: bool) -> CancelFlag {
    let cancel = CancelFlag::new();
    let on_signal = cancel.clone();
    tokio::spawn(async move {
        super::stop_signal().await;
        if !quiet {
            eprintln!("facectl watch: stopping after the photos in flight");
        }
        on_signal.cancel();
    });
    cancel
}

/// A recursive watcher that wakes the walk on any change under `dir`.
fn events(dir: &std::path::Path, wake: Arc<Notify>) -> notify::Result<notify::RecommendedWatcher> {
    use notify::Watcher;
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if res.is_ok() {
            wake.notify_one();
        }
    })?;
    watcher.watch(dir, notify::RecursiveMode::Recursive)?;
    Ok(watcher)
}
