//! The ports: traits a backend implements (image store, face collection, person table).
//!
//! Backends (local: folder + SQLite + on-device engine; aws: S3 + Rekognition + DynamoDB)
//! implement these; the service layer only talks to them.

use crate::error::BackendError;
use crate::model::*;
use async_trait::async_trait;
use std::sync::Arc;

pub type BackendResult<T> = Result<T, BackendError>;

/// An image handed to a collection: the bytes, and the key under which the image store holds it.
#[derive(Clone, Copy, Debug)]
pub struct ImageInput<'a> {
    pub bytes: &'a [u8],
    /// Key in the image store (S3 key for the aws backend); empty for photos not stored.
    pub key: &'a str,
    /// Where the image came from, for error messages.
    pub origin: &'a str,
}

/// How to index an image.
#[derive(Clone, Debug)]
pub struct IndexRequest {
    /// Stored with each face (the person id).
    pub external_id: String,
    /// `Some(1)` for the largest face only; `None` for every face (up to 100).
    pub max_faces: Option<u32>,
    pub quality: QualityFilter,
}

/// How to search.
#[derive(Clone, Copy, Debug)]
pub struct SearchRequest {
    pub select: FaceSelect,
    /// Minimum similarity, 0-100.
    pub threshold: f32,
    pub max_matches: u32,
}

/// Result of comparing two photos' largest faces.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompareOutcome {
    pub source_face: FaceDetail,
    pub target_face: FaceDetail,
    pub similarity: f32,
}

/// Where images are kept (a folder, an S3 bucket and prefix).
#[async_trait]
pub trait ImageStore: Send + Sync {
    /// Human-readable location, e.g. `/home/u/.local/share/facectl/images` or `s3://bucket/prefix`.
    fn location(&self) -> String;
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus>;
    /// Write atomically: a reader sees the whole object or none.
    async fn put(&self, key: &str, bytes: &[u8], meta: &ObjectMeta) -> BackendResult<()>;
    async fn get(&self, key: &str) -> BackendResult<Vec<u8>>;
    async fn exists(&self, key: &str) -> BackendResult<bool>;
    /// What the store keeps about an object (content type, content hash, person name: facectl's
    /// own metadata or, for photos other tools uploaded, the tutorials' `FullName`); `None` when
    /// there is no such object.
    async fn object_meta(&self, key: &str) -> BackendResult<Option<ObjectMeta>>;
    /// Returns whether something was deleted.
    async fn delete(&self, key: &str) -> BackendResult<bool>;
    async fn list_keys(&self) -> BackendResult<Vec<String>>;
    async fn usage(&self) -> BackendResult<StoreUsage>;
}

/// Where face prints live and are searched (a local index, a Rekognition collection).
#[async_trait]
pub trait FaceCollection: Send + Sync {
    fn name(&self) -> String;
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus>;
    async fn info(&self) -> BackendResult<CollectionInfo>;
    async fn index_faces(
        &self,
        image: ImageInput<'_>,
        req: &IndexRequest,
    ) -> BackendResult<IndexOutcome>;
    /// Faces in a photo, largest first.
    async fn detect_faces(&self, image: ImageInput<'_>) -> BackendResult<Vec<FaceDetail>>;
    /// Faces in a photo and, for each, matching faces of the collection (best first).
    async fn search_image(
        &self,
        image: ImageInput<'_>,
        req: &SearchRequest,
    ) -> BackendResult<Vec<FaceSearchResult>>;
    /// The photo's largest face scored against the given faces only (1:1 verification).
    /// `None` when the photo has no face. Matches carry every given face found, best first.
    async fn match_faces(
        &self,
        image: ImageInput<'_>,
        face_ids: &[String],
    ) -> BackendResult<Option<FaceSearchResult>>;
    /// Largest face of `source` against largest face of `target`; `None` when either has no face.
    async fn compare(
        &self,
        source: ImageInput<'_>,
        target: ImageInput<'_>,
    ) -> BackendResult<Option<CompareOutcome>>;
    /// Returns the ids actually deleted.
    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<Vec<String>>;
    async fn list_faces(&self) -> BackendResult<Vec<CollectionFace>>;
}

/// Person and image metadata (SQLite tables, a DynamoDB table).
#[async_trait]
pub trait PersonTable: Send + Sync {
    fn name(&self) -> String;
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus>;
    /// Record faces and move their image out of `pending` (to `image.status`, usually
    /// `indexed`; `no_face` / `multiple_faces` with no faces), all or nothing, clearing its
    /// claim. `image.claim` names the committing writer: the commit fails with
    /// [`BackendError::Conflict`] unless the stored record is still `pending` and held by that
    /// owner (taken over, finished or deleted meanwhile), or if a face id is already recorded.
    async fn commit_image(&self, image: &ImageRecord, faces: &[FaceRecord]) -> BackendResult<()>;
    /// Create or replace an image record unconditionally (repairs and tests; writers use
    /// [`PersonTable::claim_image`] and [`PersonTable::commit_image`]).
    async fn put_image(&self, image: &ImageRecord) -> BackendResult<()>;
    /// Create `image` (status `pending`, `image.claim` set) atomically if no record of its hash
    /// exists. `Ok(None)`: the caller now holds the image; `Ok(Some(existing))`: someone else
    /// recorded it first (any status), nothing was written.
    async fn claim_image(&self, image: &ImageRecord) -> BackendResult<Option<ImageRecord>>;
    /// Hand a `pending` image from `from` (its abandoned owner; empty for a record with no
    /// claim) to `claim`, atomically. `false` when the record is gone, no longer pending, or
    /// held by someone else now.
    async fn take_over_image(
        &self,
        image_hash: &str,
        from: &str,
        claim: &ImageClaim,
    ) -> BackendResult<bool>;
    /// Extend to `lease_until` every `pending` claim held by `owner`; returns how many.
    async fn renew_claims(&self, owner: &str, lease_until: i64) -> BackendResult<usize>;
    /// Delete a `pending` image record only while `owner` holds it; returns whether it went.
    async fn release_image(&self, image_hash: &str, owner: &str) -> BackendResult<bool>;
    async fn image(&self, image_hash: &str) -> BackendResult<Option<ImageRecord>>;
    async fn images(&self, status: Option<ImageStatus>) -> BackendResult<Vec<ImageRecord>>;
    async fn delete_image(&self, image_hash: &str) -> BackendResult<bool>;
    /// Records for the given face ids (missing ids are left out), in one batched read.
    async fn faces(&self, face_ids: &[String]) -> BackendResult<Vec<FaceRecord>>;
    async fn faces_of_person(&self, person_id: &str) -> BackendResult<Vec<FaceRecord>>;
    async fn faces_of_image(&self, image_hash: &str) -> BackendResult<Vec<FaceRecord>>;
    async fn all_faces(&self) -> BackendResult<Vec<FaceRecord>>;
    /// Persons whose name matches exactly (case-insensitive).
    async fn persons_named(&self, name: &str) -> BackendResult<Vec<PersonInfo>>;
    async fn person(&self, person_id: &str) -> BackendResult<Option<PersonInfo>>;
    /// Returns how many records were deleted.
    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<usize>;
}

/// One backend: the three ports together, plus its name for reports.
#[derive(Clone)]
pub struct Backend {
    pub kind: String,
    pub images: Arc<dyn ImageStore>,
    pub collection: Arc<dyn FaceCollection>,
    pub table: Arc<dyn PersonTable>,
}

/// One uploaded object announced by the bucket's notifications, as received from the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedUpload {
    /// Handle to delete, reject or extend this delivery of the message.
    pub receipt: String,
    /// Object keys the message announces (created objects under the upload prefix); empty for
    /// messages that announce nothing to import (S3's test event, other event types).
    pub keys: Vec<String>,
    /// How many times the message has been received, this time included.
    pub receives: u32,
    /// The message as received (passed on to the dead-letter queue on rejection).
    pub body: String,
}

/// An uploaded object's bytes and the user metadata it was stored with (`x-amz-meta-*`, names
/// lower-case without the prefix).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UploadedObject {
    pub bytes: Vec<u8>,
    pub metadata: std::collections::BTreeMap<String, String>,
}

/// Where uploaded objects are read from (the aws backend: the bucket).
#[async_trait]
pub trait UploadSource: Send + Sync {
    /// The object behind an announced key; `InvalidImage` without reading it when it is larger
    /// than `max_bytes`.
    async fn fetch(&self, key: &str, max_bytes: u64) -> BackendResult<UploadedObject>;
}

/// Where new uploads are announced (the aws backend: an SQS queue fed by the bucket's
/// `s3:ObjectCreated:*` notifications, with a dead-letter queue).
#[async_trait]
pub trait UploadQueue: UploadSource {
    /// `queue-name` for reports.
    fn location(&self) -> String;
    /// Creates what is missing (queues, their policies, the bucket's notification rule).
    async fn provision(&self, dry_run: bool) -> BackendResult<Vec<ResourceStatus>>;
    /// Up to `max` messages, waiting up to `wait_secs` for the first (long polling).
    async fn receive(&self, max: u32, wait_secs: u32) -> BackendResult<Vec<QueuedUpload>>;
    /// The message is done with (its images committed, or nothing to do): delete it.
    async fn done(&self, msg: &QueuedUpload) -> BackendResult<()>;
    /// The message cannot succeed: move it to the dead-letter queue with `reason`.
    async fn reject(&self, msg: &QueuedUpload, reason: &str) -> BackendResult<()>;
    /// Keep the message hidden from other receivers for `secs` more seconds.
    async fn extend(&self, msg: &QueuedUpload, secs: u32) -> BackendResult<()>;
}
