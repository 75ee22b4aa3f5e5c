//! Domain types that cross the ports: persons, faces, images and their records.
//!
//! These are plain serialisable structs; no SDK, engine or database type appears here.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A face box in pixels of the upright (EXIF-applied) image.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl BoundingBox {
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }
}

/// Head pose in degrees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Pose {
    pub yaw: f32,
    pub roll: f32,
    pub pitch: f32,
}

/// Image quality of one face, 0-100 like Rekognition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceQuality {
    pub brightness: f32,
    pub sharpness: f32,
}

/// One detected face.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceDetail {
    #[serde(rename = "box")]
    pub bbox: BoundingBox,
    /// Detector confidence, 0-100.
    pub confidence: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pose: Option<Pose>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<FaceQuality>,
}

/// Rekognition-style quality filter for indexing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QualityFilter {
    None,
    #[default]
    Auto,
    Low,
    Medium,
    High,
}

impl QualityFilter {
    pub fn as_str(&self) -> &'static str {
        match self {
            QualityFilter::None => "none",
            QualityFilter::Auto => "auto",
            QualityFilter::Low => "low",
            QualityFilter::Medium => "medium",
            QualityFilter::High => "high",
        }
    }
}

impl FromStr for QualityFilter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(QualityFilter::None),
            "auto" => Ok(QualityFilter::Auto),
            "low" => Ok(QualityFilter::Low),
            "medium" => Ok(QualityFilter::Medium),
            "high" => Ok(QualityFilter::High),
            other => Err(format!(
                "unknown quality filter `{other}` (expected none, auto, low, medium or high)"
            )),
        }
    }
}

impl fmt::Display for QualityFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a face belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonInfo {
    /// Stable identifier, `[a-zA-Z0-9_.\-:]+` (usable as Rekognition ExternalImageId).
    pub person_id: String,
    /// Display name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Free-form metadata (`--meta key=value`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// One indexed face as recorded in the person table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceRecord {
    pub face_id: String,
    pub person: PersonInfo,
    /// Key of the source image in the image store.
    pub image_key: String,
    /// SHA-256 (hex) of the source image bytes.
    pub image_hash: String,
    #[serde(rename = "box")]
    pub bbox: BoundingBox,
    pub confidence: f32,
    /// Identifier of the model that made the face print (empty where the backend does not say).
    #[serde(default)]
    pub model: String,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
}

/// Where an image stands in the import pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageStatus {
    /// Work started; faces may exist in the collection without records (crash recovery cleans up).
    Pending,
    /// Faces indexed and recorded.
    Indexed,
    /// Processed; no usable face (recorded so re-runs skip it).
    NoFace,
    /// Processed; several faces of similar size, none indexed.
    MultipleFaces,
}

impl ImageStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ImageStatus::Pending => "pending",
            ImageStatus::Indexed => "indexed",
            ImageStatus::NoFace => "no_face",
            ImageStatus::MultipleFaces => "multiple_faces",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => ImageStatus::Pending,
            "indexed" => ImageStatus::Indexed,
            "no_face" => ImageStatus::NoFace,
            "multiple_faces" => ImageStatus::MultipleFaces,
            _ => return None,
        })
    }
}

/// What the table knows about one source image (by content hash).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageRecord {
    pub image_hash: String,
    pub image_key: String,
    /// Path or name the image came from.
    pub source: String,
    pub status: ImageStatus,
    pub person_id: Option<String>,
    pub faces: u32,
    pub updated_at: i64,
    /// The writer holding a `pending` image and until when; `None` in every other state (and on
    /// pending records written before claims existed, which count as abandoned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<ImageClaim>,
}

/// An exclusive claim on one image (by content hash) while a writer works on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageClaim {
    /// Who holds it: `<host>/<pid>/<run>` (see `service::claims`).
    pub owner: String,
    /// Seconds since the Unix epoch after which the claim counts as abandoned unless renewed.
    pub lease_until: i64,
}

/// A face the collection holds, as listed by the collection itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectionFace {
    pub face_id: String,
    pub external_id: Option<String>,
}

/// A face the collection indexed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexedFace {
    pub face_id: String,
    pub detail: FaceDetail,
}

/// A face the collection saw but did not index, with Rekognition-style reasons
/// (EXCEEDS_MAX_FACES, LOW_CONFIDENCE, SMALL_BOUNDING_BOX, LOW_SHARPNESS, LOW_BRIGHTNESS, EXTREME_POSE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnindexedFace {
    pub detail: FaceDetail,
    pub reasons: Vec<String>,
}

/// Result of indexing one image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexOutcome {
    pub indexed: Vec<IndexedFace>,
    pub unindexed: Vec<UnindexedFace>,
    /// Model that made the face prints.
    pub model: String,
}

/// One candidate for a searched face.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceMatch {
    pub face_id: String,
    /// 0-100.
    pub similarity: f32,
    /// Joined from the person table; `None` when the table has no item for the face.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_key: Option<String>,
}

/// One face found in a searched photo, with its matches (best first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceSearchResult {
    pub face: FaceDetail,
    pub matches: Vec<FaceMatch>,
}

/// Which faces of a photo to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaceSelect {
    Largest,
    #[default]
    All,
}

/// Facts about a collection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CollectionInfo {
    pub name: String,
    pub faces: u64,
    pub model: String,
}

/// Objects and bytes held by an image store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoreUsage {
    pub objects: u64,
    pub bytes: u64,
}

/// Outcome of provisioning one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceState {
    Existed,
    Created,
    WouldCreate,
}

/// One provisioned resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceStatus {
    /// `image store`, `collection`, `table`.
    pub kind: String,
    pub name: String,
    pub state: ResourceState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Metadata written with a stored image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectMeta {
    pub content_type: String,
    pub image_hash: String,
    pub person_name: String,
}

/// Seconds since the Unix epoch, now.
pub fn now_epoch() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
