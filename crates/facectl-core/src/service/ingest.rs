//! Ingest one image: claim it, store it, index its faces, record them.
//!
//! Write order (each step idempotent): image record `pending`, created atomically as this run's
//! claim (see [`super::claims`]) -> object in the image store -> faces in the collection ->
//! face records + image record `indexed` in one table commit that only succeeds while the run
//! still holds the claim. A crash before the commit leaves a `pending` record; [`recover`]
//! (in [`super::recovery`]) cleans up after runs that are gone, never after live ones.

use super::claims::{is_abandoned, Writer};
use super::{image_key, recovery, sha256_hex, sniff_format, with_retry, Photo};
use crate::error::{BackendError, ServiceError};
use crate::model::*;
use crate::ports::{Backend, ImageInput, IndexRequest};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use super::recovery::{recover, RecoveryReport};

/// Attempts for a retryable backend call before the file counts as failed.
pub(crate) const RETRY_ATTEMPTS: u32 = 6;

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
    /// The failure was the backend's passing state (throttled, a conflicting writer): the same
    /// photo may well succeed later.
    #[serde(skip)]
    pub retryable: bool,
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
            retryable: false,
        }
    }
    /// A file that could not be read (or was refused before any work).
    pub fn failed(path: &Path, person: &PersonInfo, reason: String) -> Self {
        FileOutcome::new(path, person, FileStatus::Failed).with_reason(reason)
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

/// The writer of one run and the contents it is working on right now, so two copies of one
/// photo in a run are never indexed twice. A content leaves the set when its attempt ends,
/// whatever the outcome: a long-running `watch` that sees it again (a retried message, a photo
/// dropped again after a delete) looks at the table afresh instead of skipping it.
#[derive(Default)]
pub struct InFlight {
    writer: Writer,
    /// Contents with an attempt in work.
    working: Mutex<HashSet<String>>,
    /// Contents this run has started on at least once (for the skip's wording only).
    seen: Mutex<HashSet<String>>,
}

impl InFlight {
    /// The owner id this run's claims carry.
    pub fn owner(&self) -> &str {
        self.writer.owner()
    }

    /// Starts an attempt on `hash`; `None` while another attempt of this run works on it.
    fn begin(&self, hash: &str) -> Option<Attempt<'_>> {
        let fresh = self
            .working
            .lock()
            .map(|mut s| s.insert(hash.to_string()))
            .unwrap_or(false);
        if !fresh {
            return None;
        }
        let again = self
            .seen
            .lock()
            .map(|mut s| !s.insert(hash.to_string()))
            .unwrap_or(false);
        Some(Attempt {
            in_flight: self,
            hash: hash.to_string(),
            again,
        })
    }

    /// True while an attempt of this run works on `hash`.
    pub fn is_working(&self, hash: &str) -> bool {
        self.working
            .lock()
            .map(|s| s.contains(hash))
            .unwrap_or(false)
    }
}

/// One attempt on one content; ends (leaves [`InFlight`]) when dropped.
struct Attempt<'a> {
    in_flight: &'a InFlight,
    hash: String,
    /// This run started on the same content before (an earlier copy or try).
    again: bool,
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.in_flight.working.lock() {
            s.remove(&self.hash);
        }
    }
}

/// Claim `record` (pending, carrying this run's claim) for this run. `None`: held now;
/// `Some(reason)`: someone else has it (processed, or in flight elsewhere) and the file is
/// skipped. An abandoned claim is taken over and the faces its work left are removed.
async fn claim(
    backend: &Backend,
    record: &ImageRecord,
    in_flight: &InFlight,
    attempt: &Attempt<'_>,
) -> Result<Option<String>, ServiceError> {
    let hash = &record.image_hash;
    let me = in_flight.owner();
    for _ in 0..4 {
        let existing =
            match with_retry(RETRY_ATTEMPTS, || backend.table.claim_image(record)).await? {
                None => return Ok(None),
                Some(existing) => existing,
            };
        if existing.status != ImageStatus::Pending {
            return Ok(Some(if attempt.again {
                "duplicate of another file in this run (same content)".into()
            } else {
                format!(
                    "already processed ({}) from {}",
                    existing.status.as_str(),
                    existing.source
                )
            }));
        }
        let holder = existing.claim.as_ref().map(|c| c.owner.as_str());
        if holder == Some(me) {
            // Our own claim: no other attempt of this run works on this content (the caller
            // holds the only [`Attempt`]), so it was written by a call whose answer was lost
            // and retried, or left by an earlier attempt of this run that could not release it
            // (whose faces, if it indexed any, go now).
            if attempt.again {
                recovery::clean_orphan_faces(backend, std::slice::from_ref(&existing)).await?;
            }
            return Ok(None);
        }
        if !is_abandoned(existing.claim.as_ref(), now_epoch()) {
            return Ok(Some(format!(
                "being imported by another writer ({}); left to it",
                holder.unwrap_or_default()
            )));
        }
        let mine = record
            .claim
            .clone()
            .unwrap_or_else(|| in_flight.writer.claim());
        let from = holder.unwrap_or_default();
        if with_retry(RETRY_ATTEMPTS, || {
            backend.table.take_over_image(hash, from, &mine)
        })
        .await?
        {
            recovery::clean_orphan_faces(backend, std::slice::from_ref(&existing)).await?;
            return Ok(None);
        }
    }
    Ok(Some(format!(
        "image {hash}: claim contended by other writers; a later run picks it up"
    )))
}

/// True while this run still holds `record`'s image.
async fn still_held(backend: &Backend, record: &ImageRecord, owner: &str) -> bool {
    matches!(
        backend.table.image(&record.image_hash).await,
        Ok(Some(r)) if r.status == ImageStatus::Pending
            && r.claim.as_ref().is_some_and(|c| c.owner == owner)
    )
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
    let photo = match Photo::read(path, opts.max_bytes) {
        Ok(p) => p,
        Err(e) => return Ok(FileOutcome::failed(path, person, e.to_string())),
    };
    ingest_photo(backend, &photo, person, opts, in_flight).await
}

/// Ingest one photo already in memory (an upload) for `person`, as [`ingest_file`] does; the
/// outcome's `path` is the photo's name.
pub async fn ingest_photo(
    backend: &Backend,
    photo: &Photo,
    person: &PersonInfo,
    opts: &IngestOptions,
    in_flight: &InFlight,
) -> Result<FileOutcome, ServiceError> {
    let path = Path::new(&photo.name);
    let bytes = &photo.bytes;
    let mut out = ingest_bytes(backend, path, bytes, person, opts, in_flight).await?;
    if out.status != FileStatus::Failed && is_truncated_jpeg(bytes) {
        let warning = "warning: truncated JPEG (the end of the image data is missing; \
                       the part that is there was used)";
        out.reason = Some(match out.reason.take() {
            Some(r) => format!("{r}; {warning}"),
            None => warning.to_string(),
        });
    }
    Ok(out)
}

/// True for a JPEG whose last scan has no end-of-image marker: the file was cut short.
/// (`FF D9` cannot occur inside entropy-coded data, which stuffs every `FF`.)
pub fn is_truncated_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return false;
    }
    let marker = |m: u8| bytes.windows(2).rposition(|w| w == [0xFF, m]);
    match (marker(0xDA), marker(0xD9)) {
        (Some(sos), Some(eoi)) => eoi < sos,
        (Some(_), None) => true,
        _ => false,
    }
}

async fn ingest_bytes(
    backend: &Backend,
    path: &Path,
    bytes: &[u8],
    person: &PersonInfo,
    opts: &IngestOptions,
    in_flight: &InFlight,
) -> Result<FileOutcome, ServiceError> {
    let origin = path.display().to_string();
    let hash = sha256_hex(bytes);
    let mut out = FileOutcome::new(path, person, FileStatus::Imported);
    out.image_hash = Some(hash.clone());
    let Some((ext, content_type)) = sniff_format(bytes) else {
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
        claim: Some(in_flight.writer.claim()),
    };
    // The first copy of this content in the run reserves it before any database call, so a
    // second copy can never mistake the first copy's fresh claim for its own.
    let Some(attempt) = in_flight.begin(&hash) else {
        out.status = FileStatus::Skipped;
        out.reason = Some("duplicate of another file in this run (same content)".into());
        return Ok(out);
    };
    if let Some(reason) = claim(backend, &record, in_flight, &attempt).await? {
        out.status = FileStatus::Skipped;
        out.reason = Some(reason);
        return Ok(out);
    }
    in_flight.writer.keep_alive(backend);
    let owner = in_flight.owner();
    let meta = ObjectMeta {
        content_type: content_type.into(),
        image_hash: hash.clone(),
        person_name: person.name.clone(),
    };
    if let Err(e) = with_retry(RETRY_ATTEMPTS, || backend.images.put(&key, bytes, &meta)).await {
        return fail_and_forget(backend, &record, out, e, false, owner).await;
    }
    let req = IndexRequest {
        external_id: person.person_id.clone(),
        max_faces: if opts.all_faces { None } else { Some(1) },
        quality: opts.quality,
    };
    let input = ImageInput {
        bytes,
        key: &key,
        origin: &origin,
    };
    let indexed = match with_retry(RETRY_ATTEMPTS, || {
        backend.collection.index_faces(input, &req)
    })
    .await
    {
        Ok(o) => o,
        Err(e) => return fail_and_forget(backend, &record, out, e, true, owner).await,
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
        if let Err(e) =
            with_retry(RETRY_ATTEMPTS, || backend.table.commit_image(&record, &[])).await
        {
            return fail_and_forget(backend, &record, out, e, false, owner).await;
        }
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
        if matches!(e, BackendError::Conflict(_)) && !still_held(backend, &record, owner).await {
            // Taken over (or deleted) meanwhile: the object and record are someone else's now.
            return Ok(out_failed(out, e.to_string()));
        }
        return fail_and_forget(backend, &record, out, e, true, owner).await;
    }
    out.face_ids = face_ids;
    Ok(out)
}

fn out_failed(mut out: FileOutcome, reason: String) -> FileOutcome {
    out.status = FileStatus::Failed;
    out.reason = Some(reason);
    out
}

/// Undo a started image (object and pending record, which this run holds) and turn the error
/// into an outcome, or return it when it is fatal for the run.
async fn fail_and_forget(
    backend: &Backend,
    record: &ImageRecord,
    out: FileOutcome,
    err: BackendError,
    stored: bool,
    owner: &str,
) -> Result<FileOutcome, ServiceError> {
    if stored {
        let _ = backend.images.delete(&record.image_key).await;
    }
    let _ = backend.table.release_image(&record.image_hash, owner).await;
    if is_fatal(&err) {
        return Err(err.into());
    }
    let retryable = matches!(err, BackendError::Throttled(_) | BackendError::Conflict(_));
    let mut out = out_failed(out, err.to_string());
    out.retryable = retryable;
    Ok(out)
}
