//! Ingest one image: store it, index its faces, record them; plus crash recovery.
//!
//! Write order (each step idempotent): image record `pending` -> object in the image store ->
//! faces in the collection -> face records + image record `indexed` in one table commit.
//! A crash before the commit leaves a `pending` record; [`recover`] deletes the faces and the
//! object it left behind, so a re-run ends in the same state as an uninterrupted run.

use super::{image_key, read_image_file, sha256_hex, sniff_format, with_retry};
use crate::error::{BackendError, ServiceError};
use crate::model::*;
use crate::ports::{Backend, ImageInput, IndexRequest};
use crate::progress::{Progress, ProgressEvent};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Attempts for a retryable backend call before the file counts as failed.
const RETRY_ATTEMPTS: u32 = 6;

/// What to do when a photo holds several faces of similar size and only one is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MultiplePolicy {
    /// Index the largest face anyway.
    Largest,
    /// Index nothing and report `multiple_faces`.
    Skip,
}

/// Options for ingesting files.
#[derive(Clone, Debug)]
pub struct IngestOptions {
    /// Index every face (up to 100) instead of the largest.
    pub all_faces: bool,
    pub quality: QualityFilter,
    pub multiple: MultiplePolicy,
    /// A second face at least this fraction of the largest face's area makes the photo ambiguous.
    pub ambiguity_ratio: f32,
    pub max_bytes: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            all_faces: false,
            quality: QualityFilter::Auto,
            multiple: MultiplePolicy::Largest,
            ambiguity_ratio: 0.5,
            max_bytes: super::DEFAULT_MAX_IMAGE_BYTES,
        }
    }
}

/// How one file ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Imported,
    Skipped,
    NoFace,
    MultipleFaces,
    Failed,
}

impl FileStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            FileStatus::Imported => "imported",
            FileStatus::Skipped => "skipped",
            FileStatus::NoFace => "no_face",
            FileStatus::MultipleFaces => "multiple_faces",
            FileStatus::Failed => "failed",
        }
    }
}

/// The outcome of one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub status: FileStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_hash: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub face_ids: Vec<String>,
    /// Faces seen but not indexed, with reasons.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unindexed: Vec<UnindexedFace>,
    /// Why the file was skipped or failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FileOutcome {
    fn new(path: &Path, person: &PersonInfo, status: FileStatus) -> Self {
        FileOutcome {
            path: path.to_path_buf(),
            status,
            person_id: Some(person.person_id.clone()),
            name: Some(person.name.clone()),
            image_hash: None,
            face_ids: Vec::new(),
            unindexed: Vec::new(),
            reason: None,
        }
    }
    fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// Errors that end a whole run rather than one file.
fn is_fatal(e: &BackendError) -> bool {
    !matches!(
        e,
        BackendError::InvalidImage { .. } | BackendError::Throttled(_) | BackendError::Conflict(_)
    )
}

/// Hashes being worked on in this process, so duplicate files in one run are not indexed twice.
#[derive(Default)]
pub struct InFlight(Mutex<HashSet<String>>);

impl InFlight {
    fn claim(&self, hash: &str) -> bool {
        self.0
            .lock()
            .map(|mut s| s.insert(hash.to_string()))
            .unwrap_or(true)
    }
}

/// Ingest one file for `person`. `Ok` carries per-file problems (bad image, no face...);
/// `Err` means the backend itself failed and the run should stop.
pub async fn ingest_file(
    backend: &Backend,
    path: &Path,
    person: &PersonInfo,
    opts: &IngestOptions,
    in_flight: &InFlight,
) -> Result<FileOutcome, ServiceError> {
    let origin = path.display().to_string();
    let bytes = match read_image_file(path, opts.max_bytes) {
        Ok(b) => b,
        Err(ServiceError::Backend(e)) => {
            return Ok(FileOutcome::new(path, person, FileStatus::Failed).with_reason(e.to_string()))
        }
        Err(e) => {
            return Ok(FileOutcome::new(path, person, FileStatus::Failed).with_reason(e.to_string()))
        }
    };
    let hash = sha256_hex(&bytes);
    let mut out = FileOutcome::new(path, person, FileStatus::Imported);
    out.image_hash = Some(hash.clone());

    if let Some(existing) = with_retry(RETRY_ATTEMPTS, || backend.table.image(&hash)).await? {
        if existing.status != ImageStatus::Pending {
            out.status = FileStatus::Skipped;
            out.reason = Some(format!(
                "already processed ({}) from {}",
                existing.status.as_str(),
                existing.source
            ));
            return Ok(out);
        }
        // A pending record here means recovery has not run; clean this one up first.
        recover_image(backend, &existing).await?;
    }
    if !in_flight.claim(&hash) {
        out.status = FileStatus::Skipped;
        out.reason = Some("duplicate of another file in this run".into());
        return Ok(out);
    }
    let Some((ext, content_type)) = sniff_format(&bytes) else {
        return Ok(out_failed(
            out,
            format!("{origin}: not a supported image (JPEG, PNG, WebP, BMP, GIF, TIFF)"),
        ));
    };
    let key = image_key(&hash, ext);
    let mut record = ImageRecord {
        image_hash: hash.clone(),
        image_key: key.clone(),
        source: origin.clone(),
        status: ImageStatus::Pending,
        person_id: Some(person.person_id.clone()),
        faces: 0,
        updated_at: now_epoch(),
    };
    with_retry(RETRY_ATTEMPTS, || backend.table.put_image(&record)).await?;
    let meta = ObjectMeta {
        content_type: content_type.into(),
        image_hash: hash.clone(),
        person_name: person.name.clone(),
    };
    if let Err(e) = with_retry(RETRY_ATTEMPTS, || backend.images.put(&key, &bytes, &meta)).await {
        return fail_and_forget(backend, &record, out, e, false).await;
    }
    let req = IndexRequest {
        external_id: person.person_id.clone(),
        max_faces: if opts.all_faces { None } else { Some(1) },
        quality: opts.quality,
    };
    let input = ImageInput {
        bytes: &bytes,
        key: &key,
        origin: &origin,
    };
    let indexed = match with_retry(RETRY_ATTEMPTS, || {
        backend.collection.index_faces(input, &req)
    })
    .await
    {
        Ok(o) => o,
        Err(e) => return fail_and_forget(backend, &record, out, e, true).await,
    };
    out.unindexed = indexed.unindexed.clone();
    let face_ids: Vec<String> = indexed.indexed.iter().map(|f| f.face_id.clone()).collect();

    let ambiguous = !opts.all_faces
        && opts.multiple == MultiplePolicy::Skip
        && indexed.indexed.first().is_some_and(|top| {
            indexed.unindexed.iter().any(|u| {
                u.reasons.iter().any(|r| r == "EXCEEDS_MAX_FACES")
                    && u.detail.bbox.area() >= opts.ambiguity_ratio * top.detail.bbox.area()
            })
        });
    if face_ids.is_empty() || ambiguous {
        if !face_ids.is_empty() {
            with_retry(RETRY_ATTEMPTS, || {
                backend.collection.delete_faces(&face_ids)
            })
            .await?;
        }
        with_retry(RETRY_ATTEMPTS, || backend.images.delete(&key)).await?;
        record.status = if ambiguous {
            ImageStatus::MultipleFaces
        } else {
            ImageStatus::NoFace
        };
        record.updated_at = now_epoch();
        with_retry(RETRY_ATTEMPTS, || backend.table.put_image(&record)).await?;
        out.status = if ambiguous {
            FileStatus::MultipleFaces
        } else {
            FileStatus::NoFace
        };
        out.reason = Some(if ambiguous {
            format!(
                "{} faces of similar size; use --all-faces or --multiple largest",
                indexed.indexed.len() + indexed.unindexed.len()
            )
        } else if indexed.unindexed.is_empty() {
            "no face found".into()
        } else {
            let reasons: Vec<String> = indexed
                .unindexed
                .iter()
                .flat_map(|u| u.reasons.iter().cloned())
                .collect();
            format!("no face passed the quality filter ({})", reasons.join(", "))
        });
        return Ok(out);
    }

    let now = now_epoch();
    let faces: Vec<FaceRecord> = indexed
        .indexed
        .iter()
        .map(|f| FaceRecord {
            face_id: f.face_id.clone(),
            person: person.clone(),
            image_key: key.clone(),
            image_hash: hash.clone(),
            bbox: f.detail.bbox,
            confidence: f.detail.confidence,
            model: indexed.model.clone(),
            created_at: now,
        })
        .collect();
    record.status = ImageStatus::Indexed;
    record.faces = faces.len() as u32;
    record.updated_at = now;
    if let Err(e) = with_retry(RETRY_ATTEMPTS, || {
        backend.table.commit_image(&record, &faces)
    })
    .await
    {
        // Roll back so nothing is orphaned.
        let _ = backend.collection.delete_faces(&face_ids).await;
        return fail_and_forget(backend, &record, out, e, true).await;
    }
    out.face_ids = face_ids;
    Ok(out)
}

fn out_failed(mut out: FileOutcome, reason: String) -> FileOutcome {
    out.status = FileStatus::Failed;
    out.reason = Some(reason);
    out
}

/// Undo a started image (object and pending record) and turn the error into an outcome,
/// or return it when it is fatal for the run.
async fn fail_and_forget(
    backend: &Backend,
    record: &ImageRecord,
    out: FileOutcome,
    err: BackendError,
    stored: bool,
) -> Result<FileOutcome, ServiceError> {
    if stored {
        let _ = backend.images.delete(&record.image_key).await;
    }
    let _ = backend.table.delete_image(&record.image_hash).await;
    if is_fatal(&err) {
        return Err(err.into());
    }
    Ok(out_failed(out, err.to_string()))
}

/// What crash recovery cleaned up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecoveryReport {
    pub pending_images: usize,
    pub orphan_faces_deleted: usize,
    pub objects_deleted: usize,
}

/// Clean up after an interrupted run: for every `pending` image, delete collection faces of its
/// person that have no record, its stored object (if no record uses it) and the pending record.
pub async fn recover(
    backend: &Backend,
    progress: &dyn Progress,
) -> Result<RecoveryReport, ServiceError> {
    let pending = with_retry(RETRY_ATTEMPTS, || {
        backend.table.images(Some(ImageStatus::Pending))
    })
    .await?;
    let mut report = RecoveryReport::default();
    if pending.is_empty() {
        return Ok(report);
    }
    progress.event(ProgressEvent::Note(format!(
        "recovering {} image(s) left pending by an interrupted run",
        pending.len()
    )));
    let persons: HashSet<&str> = pending
        .iter()
        .filter_map(|p| p.person_id.as_deref())
        .collect();
    let listed = with_retry(RETRY_ATTEMPTS, || backend.collection.list_faces()).await?;
    let candidates: Vec<String> = listed
        .into_iter()
        .filter(|f| {
            f.external_id
                .as_deref()
                .is_some_and(|e| persons.contains(e))
        })
        .map(|f| f.face_id)
        .collect();
    if !candidates.is_empty() {
        let known: HashSet<String> =
            with_retry(RETRY_ATTEMPTS, || backend.table.faces(&candidates))
                .await?
                .into_iter()
                .map(|r| r.face_id)
                .collect();
        let orphans: Vec<String> = candidates
            .into_iter()
            .filter(|id| !known.contains(id))
            .collect();
        if !orphans.is_empty() {
            let deleted =
                with_retry(RETRY_ATTEMPTS, || backend.collection.delete_faces(&orphans)).await?;
            report.orphan_faces_deleted = deleted.len();
        }
    }
    for image in &pending {
        if recover_image(backend, image).await? {
            report.objects_deleted += 1;
        }
        report.pending_images += 1;
    }
    Ok(report)
}

/// Remove one pending image's object and record; returns whether an object was deleted.
async fn recover_image(backend: &Backend, image: &ImageRecord) -> Result<bool, ServiceError> {
    let used = !with_retry(RETRY_ATTEMPTS, || {
        backend.table.faces_of_image(&image.image_hash)
    })
    .await?
    .is_empty();
    let mut deleted = false;
    if !used {
        deleted = with_retry(RETRY_ATTEMPTS, || backend.images.delete(&image.image_key)).await?;
    }
    with_retry(RETRY_ATTEMPTS, || {
        backend.table.delete_image(&image.image_hash)
    })
    .await?;
    Ok(deleted)
}
