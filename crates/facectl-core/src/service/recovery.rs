//! Start-up recovery: clean up after runs that died mid-image, and only after those.
//!
//! A `pending` image whose claim is abandoned (see [`super::claims::is_abandoned`]) is first
//! taken over atomically, so two recoveries (or a recovery and a writer) never both act on it;
//! then the faces its dead run left in the collection, its stored object (when no record uses
//! it) and its record are removed. Images held by live writers are never touched.

use super::claims::{is_abandoned, Writer};
use super::ingest::RETRY_ATTEMPTS;
use super::with_retry;
use crate::error::ServiceError;
use crate::model::{now_epoch, ImageRecord, ImageStatus};
use crate::ports::Backend;
use crate::progress::{Progress, ProgressEvent};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What crash recovery cleaned up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecoveryReport {
    pub pending_images: usize,
    pub orphan_faces_deleted: usize,
    pub objects_deleted: usize,
}

/// Clean up after interrupted runs: for every `pending` image whose owner is gone, delete the
/// collection faces of its person that have no record, its stored object (if no record uses it)
/// and the pending record.
pub async fn recover(
    backend: &Backend,
    progress: &dyn Progress,
) -> Result<RecoveryReport, ServiceError> {
    let pending = with_retry(RETRY_ATTEMPTS, || {
        backend.table.images(Some(ImageStatus::Pending))
    })
    .await?;
    let now = now_epoch();
    let abandoned: Vec<ImageRecord> = pending
        .into_iter()
        .filter(|i| is_abandoned(i.claim.as_ref(), now))
        .collect();
    let mut report = RecoveryReport::default();
    if abandoned.is_empty() {
        return Ok(report);
    }
    progress.event(ProgressEvent::Note(format!(
        "recovering {} image(s) left pending by an interrupted run",
        abandoned.len()
    )));
    let writer = Writer::new();
    let mut taken = Vec::with_capacity(abandoned.len());
    for image in abandoned {
        let from = image.claim.as_ref().map(|c| c.owner.as_str()).unwrap_or("");
        let claim = writer.claim();
        if with_retry(RETRY_ATTEMPTS, || {
            backend
                .table
                .take_over_image(&image.image_hash, from, &claim)
        })
        .await?
        {
            taken.push(image);
        }
    }
    writer.keep_alive(backend);
    report.orphan_faces_deleted = clean_orphan_faces(backend, &taken).await?;
    for image in &taken {
        let used = !with_retry(RETRY_ATTEMPTS, || {
            backend.table.faces_of_image(&image.image_hash)
        })
        .await?
        .is_empty();
        if !used && with_retry(RETRY_ATTEMPTS, || backend.images.delete(&image.image_key)).await? {
            report.objects_deleted += 1;
        }
        with_retry(RETRY_ATTEMPTS, || {
            backend
                .table
                .release_image(&image.image_hash, writer.owner())
        })
        .await?;
        report.pending_images += 1;
    }
    Ok(report)
}

/// Delete the faces that abandoned work on `images` (now held by the caller) left in the
/// collection: faces of their persons without a record. A person with another `pending` image
/// (a live writer may have indexed its faces and not yet committed them) is left alone; doctor
/// reports what remains once that writer is done. Returns how many faces went.
///
/// Order matters: the collection is listed first, then pending images, then records, so a
/// face indexed by a live writer is either covered by its pending image or already recorded.
pub(crate) async fn clean_orphan_faces(
    backend: &Backend,
    images: &[ImageRecord],
) -> Result<usize, ServiceError> {
    let persons: HashSet<&str> = images
        .iter()
        .filter_map(|i| i.person_id.as_deref())
        .collect();
    if persons.is_empty() {
        return Ok(0);
    }
    let listed = with_retry(RETRY_ATTEMPTS, || backend.collection.list_faces()).await?;
    let ours: HashSet<&str> = images.iter().map(|i| i.image_hash.as_str()).collect();
    let busy: HashSet<String> = with_retry(RETRY_ATTEMPTS, || {
        backend.table.images(Some(ImageStatus::Pending))
    })
    .await?
    .into_iter()
    .filter(|p| !ours.contains(p.image_hash.as_str()))
    .filter_map(|p| p.person_id)
    .collect();
    let candidates: Vec<String> = listed
        .into_iter()
        .filter(|f| {
            f.external_id
                .as_deref()
                .is_some_and(|e| persons.contains(e) && !busy.contains(e))
        })
        .map(|f| f.face_id)
        .collect();
    if candidates.is_empty() {
        return Ok(0);
    }
    let known: HashSet<String> = with_retry(RETRY_ATTEMPTS, || backend.table.faces(&candidates))
        .await?
        .into_iter()
        .map(|r| r.face_id)
        .collect();
    let orphans: Vec<String> = candidates
        .into_iter()
        .filter(|id| !known.contains(id))
        .collect();
    if orphans.is_empty() {
        return Ok(0);
    }
    let deleted = with_retry(RETRY_ATTEMPTS, || backend.collection.delete_faces(&orphans)).await?;
    Ok(deleted.len())
}
