//! `bulk-import`: walk a folder, work out each file's person, ingest concurrently, summarise.

use super::ingest::{self, FileOutcome, FileStatus, InFlight, IngestOptions, RecoveryReport};
use crate::error::ServiceError;
use crate::model::PersonInfo;
use crate::naming::{self, CsvMapping, Naming};
use crate::ports::Backend;
use crate::progress::{CancelFlag, Progress, ProgressEvent};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// File extensions bulk-import picks up (the content decides the format afterwards).
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"];

/// Options for a bulk import.
#[derive(Clone, Debug)]
pub struct BulkOptions {
    pub naming: Naming,
    pub jobs: usize,
    pub ingest: IngestOptions,
    /// Stop after this many files (for trials).
    pub limit: Option<usize>,
}

/// Counts per outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkCounts {
    pub imported: usize,
    pub skipped: usize,
    pub no_face: usize,
    pub multiple_faces: usize,
    pub failed: usize,
}

/// The result of a bulk import.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BulkReport {
    pub root: PathBuf,
    pub files_found: usize,
    pub persons: usize,
    pub counts: BulkCounts,
    pub faces_indexed: usize,
    /// Files not attempted because the run was interrupted (Ctrl-C).
    pub not_attempted: usize,
    pub interrupted: bool,
    pub elapsed_secs: f64,
    pub images_per_sec: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoveryReport>,
    pub files: Vec<FileOutcome>,
}

/// One planned file.
#[derive(Clone, Debug)]
pub struct PlannedFile {
    pub path: PathBuf,
    pub person: Option<PersonInfo>,
    /// Found while walking: the file is reported with this status and reason, not imported
    /// (an unreadable folder, a symlink loop, a FIFO named like a photo...).
    pub issue: Option<(FileStatus, String)>,
}

fn has_image_extension(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    IMAGE_EXTENSIONS.contains(&ext.as_str())
}

/// A walk error as a failed row; `None` for the root itself (the whole run cannot start).
fn walk_issue(e: &walkdir::Error) -> Option<PlannedFile> {
    let path = e.path()?.to_path_buf();
    if e.depth() == 0 {
        return None;
    }
    let reason = if let Some(ancestor) = e.loop_ancestor() {
        format!("symbolic link loop (back to {})", ancestor.display())
    } else if let Some(io) = e.io_error() {
        let dangling = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
            && std::fs::metadata(&path).is_err();
        if dangling {
            format!("dangling symbolic link ({io})")
        } else {
            format!("cannot read: {io}")
        }
    } else {
        e.to_string()
    };
    Some(PlannedFile {
        path,
        person: None,
        issue: Some((FileStatus::Failed, reason)),
    })
}

/// Find image files under `root` (sorted, hidden entries skipped) and their persons.
pub fn plan(root: &Path, naming: &Naming) -> Result<Vec<PlannedFile>, ServiceError> {
    let meta = std::fs::metadata(root).map_err(|e| ServiceError::io(root, e))?;
    if !meta.is_dir() {
        return Err(ServiceError::InvalidInput(format!(
            "{}: not a directory",
            root.display()
        )));
    }
    let mapping = match naming {
        Naming::Csv(csv) => Some(CsvMapping::load(csv, root)?),
        _ => None,
    };
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => match walk_issue(&e) {
                Some(issue) => {
                    files.push(issue);
                    continue;
                }
                None => {
                    let path = e.path().unwrap_or(root);
                    return Err(ServiceError::InvalidInput(format!(
                        "{}: {e}",
                        path.display()
                    )));
                }
            },
        };
        let path = entry.path();
        if !has_image_extension(path) || entry.depth() == 0 {
            continue;
        }
        let kind = entry.file_type();
        if !kind.is_file() {
            files.push(PlannedFile {
                path: path.to_path_buf(),
                person: None,
                issue: Some((
                    FileStatus::Skipped,
                    format!("{}, not an image file", super::special_kind(&kind)),
                )),
            });
            continue;
        }
        let in_subfolder = entry.depth() > 1;
        let folder_name = || {
            path.parent()
                .and_then(Path::file_name)
                .map(|n| naming::name_from_folder(&n.to_string_lossy()))
        };
        let stem_name = || {
            path.file_stem()
                .map(|s| naming::name_from_stem(&s.to_string_lossy()))
        };
        let person = match naming {
            Naming::Csv(_) => mapping.as_ref().and_then(|m| m.person_for(path)).cloned(),
            Naming::Folder => folder_name().map(|n| naming::person_named(&n)),
            Naming::Stem => stem_name().map(|n| naming::person_named(&n)),
            Naming::Auto => if in_subfolder {
                folder_name()
            } else {
                stem_name()
            }
            .map(|n| naming::person_named(&n)),
        }
        .filter(|p| !p.name.is_empty());
        files.push(PlannedFile {
            path: path.to_path_buf(),
            person,
            issue: None,
        });
    }
    if let Some(mapping) = &mapping {
        let found: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        for (line, path) in mapping.unmatched(&found) {
            files.push(PlannedFile {
                path,
                person: None,
                issue: Some((
                    FileStatus::Failed,
                    format!("named on line {line} of the CSV mapping, but no such image file under the folder"),
                )),
            });
        }
    }
    Ok(files)
}

/// Import one planned file (or report why it is not imported). `Err` is a backend failure that
/// should stop the run.
pub(crate) async fn import_planned(
    backend: &Backend,
    file: &PlannedFile,
    opts: &IngestOptions,
    in_flight: &InFlight,
) -> Result<FileOutcome, ServiceError> {
    let not_imported = |status: FileStatus, reason: String| FileOutcome {
        path: file.path.clone(),
        status,
        person_id: None,
        name: None,
        image_hash: None,
        face_ids: vec![],
        unindexed: vec![],
        reason: Some(reason),
        retryable: false,
    };
    Ok(match (&file.issue, &file.person) {
        (Some((status, reason)), _) => not_imported(*status, reason.clone()),
        (None, Some(person)) => {
            ingest::ingest_file(backend, &file.path, person, opts, in_flight).await?
        }
        (None, None) => not_imported(
            FileStatus::Failed,
            "no person for this file (not in the CSV mapping)".into(),
        ),
    })
}

/// A finished file as a progress event (failures carry their reason).
pub(crate) fn done_event(outcome: &FileOutcome) -> ProgressEvent {
    ProgressEvent::ItemDone {
        item: outcome.path.display().to_string(),
        outcome: match &outcome.reason {
            Some(r) if outcome.status == FileStatus::Failed => r.clone(),
            _ => outcome.status.as_str().to_string(),
        },
        ok: !matches!(outcome.status, FileStatus::Failed),
    }
}

/// Import every planned file with `opts.jobs` files in flight; per-file problems never stop the run.
pub async fn bulk_import(
    backend: &Backend,
    root: &Path,
    opts: &BulkOptions,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<BulkReport, ServiceError> {
    let started = Instant::now();
    let mut planned = plan(root, &opts.naming)?;
    if let Some(limit) = opts.limit {
        planned.truncate(limit);
    }
    let recovery = ingest::recover(backend, progress).await?;
    let persons: BTreeMap<&str, ()> = planned
        .iter()
        .filter_map(|p| p.person.as_ref().map(|p| (p.person_id.as_str(), ())))
        .collect();
    let persons = persons.len();
    progress.event(ProgressEvent::Started {
        total: planned.len() as u64,
        label: "importing".into(),
    });
    let in_flight = InFlight::default();
    let jobs = opts.jobs.max(1);
    let mut results = stream::iter(planned.iter().map(|file| {
        let in_flight = &in_flight;
        async move {
            if cancel.is_cancelled() {
                return Ok(None);
            }
            let outcome = import_planned(backend, file, &opts.ingest, in_flight).await?;
            progress.event(done_event(&outcome));
            Ok::<_, ServiceError>(Some(outcome))
        }
    }))
    .buffer_unordered(jobs);

    let mut files = Vec::with_capacity(planned.len());
    let mut fatal = None;
    while let Some(result) = results.next().await {
        match result {
            Ok(Some(outcome)) => files.push(outcome),
            Ok(None) => {}
            Err(e) => {
                // Stop starting new files; let the ones in flight finish.
                cancel.cancel();
                fatal.get_or_insert(e);
            }
        }
    }
    drop(results);
    progress.event(ProgressEvent::Finished);
    if let Some(e) = fatal {
        return Err(e);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut counts = BulkCounts::default();
    for f in &files {
        match f.status {
            FileStatus::Imported => counts.imported += 1,
            FileStatus::Skipped => counts.skipped += 1,
            FileStatus::NoFace => counts.no_face += 1,
            FileStatus::MultipleFaces => counts.multiple_faces += 1,
            FileStatus::Failed => counts.failed += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let processed = counts.imported + counts.no_face + counts.multiple_faces + counts.failed;
    Ok(BulkReport {
        root: root.to_path_buf(),
        files_found: planned.len(),
        persons,
        faces_indexed: files.iter().map(|f| f.face_ids.len()).sum(),
        not_attempted: planned.len() - files.len(),
        interrupted: cancel.is_cancelled(),
        elapsed_secs: elapsed,
        images_per_sec: if elapsed > 0.0 {
            processed as f64 / elapsed
        } else {
            0.0
        },
        recovery: (recovery.pending_images > 0).then_some(recovery),
        counts,
        files,
    })
}
