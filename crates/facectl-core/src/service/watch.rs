//! `watch DIR`: import photos as they land in a folder. Each pass walks the folder like
//! bulk-import; a file is imported once its size and modification time have stayed the same
//! for the settle time (so a photo still being copied is never read half-written), and again
//! only when it changes. Content already imported is skipped by its hash, as everywhere.

use super::bulk_import::{done_event, import_planned, plan, BulkCounts, PlannedFile};
use super::ingest::{self, FileOutcome, FileStatus, InFlight, IngestOptions};
use crate::error::ServiceError;
use crate::naming::Naming;
use crate::ports::Backend;
use crate::progress::{CancelFlag, Progress, ProgressEvent};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::Notify;

/// Options for watching a folder.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    pub naming: Naming,
    pub jobs: usize,
    pub ingest: IngestOptions,
    /// Longest wait between two passes (a file-system event starts one sooner).
    pub interval: Duration,
    /// How long a file must stay unchanged before it is imported.
    pub settle: Duration,
    /// Import what is there (waiting for files still growing), then return.
    pub once: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            naming: Naming::Auto,
            jobs: 2,
            ingest: IngestOptions::default(),
            interval: Duration::from_secs(2),
            settle: Duration::from_secs(1),
            once: false,
        }
    }
}

/// What a watch did, when it stops.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WatchReport {
    pub root: PathBuf,
    pub passes: u64,
    pub counts: BulkCounts,
    pub faces_indexed: usize,
    /// Files seen but still changing when the watch stopped (imported by the next run).
    pub still_settling: usize,
    pub elapsed_secs: f64,
}

/// A file's size and modification time: when both stay put, it is done being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// A file's outcome and the stamp it was imported at (none for reported problems).
type Done = (FileOutcome, Option<Stamp>);

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// Watch `root` until `cancel` is set (or, with `opts.once`, until nothing is left to do).
/// `wake` starts a pass early (the CLI notifies it on file-system events); every outcome goes
/// to `progress` as it happens.
pub async fn watch(
    backend: &Backend,
    root: &Path,
    opts: &WatchOptions,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    wake: &Notify,
) -> Result<WatchReport, ServiceError> {
    let started = Instant::now();
    // Fails early on a missing folder or a bad mapping.
    plan(root, &opts.naming)?;
    ingest::recover(backend, progress).await?;
    let in_flight = InFlight::default();
    let mut done: HashMap<PathBuf, Stamp> = HashMap::new();
    let mut settling: HashMap<PathBuf, (Stamp, Instant)> = HashMap::new();
    let mut issues: HashMap<PathBuf, String> = HashMap::new();
    let mut report = WatchReport {
        root: root.to_path_buf(),
        ..WatchReport::default()
    };
    loop {
        if cancel.is_cancelled() {
            break;
        }
        report.passes += 1;
        let planned = plan(root, &opts.naming)?;
        let now = Instant::now();
        let mut ready: Vec<(PlannedFile, Option<Stamp>)> = Vec::new();
        let mut present = std::collections::HashSet::new();
        for file in planned {
            present.insert(file.path.clone());
            if let Some((_, reason)) = &file.issue {
                // Reported once (again only if the reason changes), never imported.
                if issues.get(&file.path) != Some(reason) {
                    issues.insert(file.path.clone(), reason.clone());
                    ready.push((file, None));
                }
                continue;
            }
            let Some(st) = stamp(&file.path) else {
                continue;
            };
            if done.get(&file.path) == Some(&st) {
                continue;
            }
            match settling.get(&file.path) {
                Some((seen, since)) if *seen == st => {
                    if now.duration_since(*since) >= opts.settle {
                        settling.remove(&file.path);
                        ready.push((file, Some(st)));
                    }
                }
                _ => {
                    settling.insert(file.path.clone(), (st, now));
                }
            }
        }
        // Files that went away before settling are forgotten.
        settling.retain(|p, _| present.contains(p));
        done.retain(|p, _| present.contains(p));
        issues.retain(|p, _| present.contains(p));
        let outcomes: Vec<Result<Option<Done>, ServiceError>> =
            stream::iter(ready.into_iter().map(|(file, st)| {
                let in_flight = &in_flight;
                async move {
                    // Once stopping, photos not yet started are left to the next run.
                    if cancel.is_cancelled() {
                        return Ok(None);
                    }
                    let outcome = import_planned(backend, &file, &opts.ingest, in_flight).await?;
                    progress.event(done_event(&outcome));
                    Ok(Some((outcome, st)))
                }
            }))
            .buffer_unordered(opts.jobs.max(1))
            .collect()
            .await;
        for result in outcomes {
            let Some((outcome, st)) = result? else {
                continue;
            };
            count(&mut report, &outcome);
            if let Some(st) = st {
                done.insert(outcome.path.clone(), st);
            }
        }
        if opts.once && settling.is_empty() && report.passes > 1 {
            break;
        }
        let pause = if opts.once || !settling.is_empty() {
            // Come back as soon as the settling files may be ready.
            opts.settle.min(opts.interval)
        } else {
            opts.interval
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = wake.notified() => {
                // Let a burst of events (a copy in progress) pass before walking again.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            _ = cancelled(cancel) => {}
        }
    }
    report.still_settling = settling.len();
    report.elapsed_secs = started.elapsed().as_secs_f64();
    progress.event(ProgressEvent::Finished);
    Ok(report)
}

fn count(report: &mut WatchReport, outcome: &FileOutcome) {
    tally(&mut report.counts, &mut report.faces_indexed, outcome);
}

/// Adds one file's outcome to a run's counts.
pub(crate) fn tally(c: &mut BulkCounts, faces_indexed: &mut usize, outcome: &FileOutcome) {
    match outcome.status {
        FileStatus::Imported => c.imported += 1,
        FileStatus::Skipped => c.skipped += 1,
        FileStatus::NoFace => c.no_face += 1,
        FileStatus::MultipleFaces => c.multiple_faces += 1,
        FileStatus::Failed => c.failed += 1,
    }
    *faces_indexed += outcome.face_ids.len();
}

/// Resolves once `cancel` is set (checked every 100 ms).
pub(crate) async fn cancelled(cancel: &CancelFlag) {
    while !cancel.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
