//! The face collection port over a Rekognition collection.
//!
//! Every Rekognition call first takes a token from the shared [`RateLimiter`]. Indexing reads
//! the image from S3 (bucket + key) when Rekognition can (JPEG/PNG up to 15 MB); otherwise, and
//! for searches, it sends bytes, converted to JPEG and downscaled under 5 MB when needed. Boxes
//! come back as ratios and are turned into pixels of the original image (its size is read from
//! the header).

pub mod convert;

use crate::error::{code_of, map_sdk_error, Call};
use crate::imageprep::{self, crop_faces, dimensions, is_jpeg_or_png, prepare};
use crate::ratelimit::RateLimiter;
use async_trait::async_trait;
use aws_sdk_rekognition::primitives::Blob;
use aws_sdk_rekognition::types::{Attribute, Image, S3Object};
use aws_sdk_rekognition::Client;
use facectl_core::model::*;
use facectl_core::ports::{
    BackendResult, CompareOutcome, FaceCollection, ImageInput, IndexRequest, SearchRequest,
};
use facectl_core::BackendError;
use std::collections::HashSet;
use std::sync::Arc;

/// Most face ids DeleteFaces takes per call.
pub const DELETE_BATCH: usize = 4096;
/// Most faces SearchFacesByImage and ListFaces return per call.
pub const MAX_RESULTS: i32 = 4096;
/// Margin around a face when cropping it for a per-face search (fraction of the box).
const CROP_MARGIN: f32 = 0.4;

/// Faces in a Rekognition collection.
pub struct RekognitionCollection {
    client: Client,
    collection: String,
    bucket: String,
    prefix: String,
    limiter: Arc<RateLimiter>,
}

/// True when Rekognition said the image holds no face (it answers InvalidParameterException).
fn is_no_face<E: aws_sdk_rekognition::error::ProvideErrorMetadata>(
    err: &aws_sdk_rekognition::error::SdkError<E, aws_sdk_rekognition::config::http::HttpResponse>,
    any_invalid_parameter: bool,
) -> bool {
    if code_of(err) != Some("InvalidParameterException") {
        return false;
    }
    any_invalid_parameter
        || err
            .as_service_error()
            .and_then(|e| e.message())
            .is_some_and(|m| m.to_ascii_lowercase().contains("no faces"))
}

impl RekognitionCollection {
    pub fn new(
        client: Client,
        collection: &str,
        bucket: &str,
        prefix: &str,
        limiter: Arc<RateLimiter>,
    ) -> Self {
        RekognitionCollection {
            client,
            collection: collection.into(),
            bucket: bucket.into(),
            prefix: prefix.into(),
            limiter,
        }
    }

    fn resource(&self) -> String {
        format!("collection {}", self.collection)
    }

    /// `None` when the collection does not exist.
    async fn describe(&self) -> BackendResult<Option<(u64, String)>> {
        self.limiter.acquire().await;
        let resource = self.resource();
        match self
            .client
            .describe_collection()
            .collection_id(&self.collection)
            .send()
            .await
        {
            Ok(out) => Ok(Some((
                out.face_count().unwrap_or(0).max(0) as u64,
                out.face_model_version().unwrap_or_default().to_string(),
            ))),
            Err(e) if code_of(&e) == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(map_sdk_error(
                e,
                &Call::new("rekognition:DescribeCollection", &resource),
            )),
        }
    }

    /// SearchFacesByImage on prepared bytes: (searched face, matches); `None` when no face.
    async fn search_bytes(
        &self,
        bytes: &[u8],
        size: (u32, u32),
        threshold: f32,
        max_faces: i32,
        origin: &str,
    ) -> BackendResult<Option<FaceSearchResult>> {
        self.limiter.acquire().await;
        let resource = self.resource();
        let image = Image::builder().bytes(Blob::new(bytes.to_vec())).build();
        let out = match self
            .client
            .search_faces_by_image()
            .collection_id(&self.collection)
            .image(image)
            .face_match_threshold(threshold)
            .max_faces(max_faces)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if is_no_face(&e, false) => return Ok(None),
            Err(e) => {
                return Err(map_sdk_error(
                    e,
                    &Call::new("rekognition:SearchFacesByImage", &resource).with_image(origin),
                ))
            }
        };
        let face = FaceDetail {
            bbox: convert::bbox(out.searched_face_bounding_box(), size.0, size.1),
            confidence: out.searched_face_confidence().unwrap_or(0.0),
            pose: None,
            quality: None,
        };
        let mut matches: Vec<FaceMatch> = out
            .face_matches()
            .iter()
            .filter_map(|m| {
                Some(FaceMatch {
                    face_id: m.face()?.face_id()?.to_string(),
                    similarity: m.similarity().unwrap_or(0.0),
                    person: None,
                    image_key: None,
                })
            })
            .collect();
        matches.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        Ok(Some(FaceSearchResult { face, matches }))
    }
}

#[async_trait]
impl FaceCollection for RekognitionCollection {
    fn name(&self) -> String {
        self.collection.clone()
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        let status = |state, model: &str| ResourceStatus {
            kind: "collection".into(),
            name: self.collection.clone(),
            state,
            detail: (!model.is_empty()).then(|| format!("face model version {model}")),
        };
        if let Some((_, model)) = self.describe().await? {
            return Ok(status(ResourceState::Existed, &model));
        }
        if dry_run {
            return Ok(status(ResourceState::WouldCreate, ""));
        }
        self.limiter.acquire().await;
        let resource = self.resource();
        match self
            .client
            .create_collection()
            .collection_id(&self.collection)
            .send()
            .await
        {
            Ok(out) => {
                let model = out.face_model_version().unwrap_or_default();
                tracing::info!(collection = %self.collection, model, "created collection");
                Ok(status(ResourceState::Created, model))
            }
            Err(e) if code_of(&e) == Some("ResourceAlreadyExistsException") => {
                let model = self.describe().await?.map(|d| d.1).unwrap_or_default();
                Ok(status(ResourceState::Existed, &model))
            }
            Err(e) => Err(map_sdk_error(
                e,
                &Call::new("rekognition:CreateCollection", &resource),
            )),
        }
    }

    async fn info(&self) -> BackendResult<CollectionInfo> {
        match self.describe().await? {
            Some((faces, model)) => Ok(CollectionInfo {
                name: self.collection.clone(),
                faces,
                model,
            }),
            None => Err(BackendError::NotProvisioned {
                resource: self.resource(),
            }),
        }
    }

    async fn index_faces(
        &self,
        input: ImageInput<'_>,
        req: &IndexRequest,
    ) -> BackendResult<IndexOutcome> {
        let from_s3 = !input.key.is_empty()
            && is_jpeg_or_png(input.bytes)
            && input.bytes.len() <= imageprep::MAX_S3_BYTES;
        // Boxes come back as ratios of the image Rekognition saw: the stored object, or the
        // conversion (whose size is the upright one).
        let (image, (width, height)) = if from_s3 {
            let size = dimensions(input.bytes, input.origin)?;
            let object = S3Object::builder()
                .bucket(&self.bucket)
                .name(format!("{}{}", self.prefix, input.key))
                .build();
            (Image::builder().s3_object(object).build(), size)
        } else {
            let prepared = prepare(input.bytes, input.origin, imageprep::MAX_BYTES)?;
            let size = (prepared.width, prepared.height);
            let bytes = Blob::new(prepared.bytes.into_owned());
            (Image::builder().bytes(bytes).build(), size)
        };
        self.limiter.acquire().await;
        let resource = self.resource();
        let out = self
            .client
            .index_faces()
            .collection_id(&self.collection)
            .image(image)
            .external_image_id(&req.external_id)
            .max_faces(req.max_faces.unwrap_or(100).clamp(1, 100) as i32)
            .quality_filter(convert::quality_filter(req.quality))
            .detection_attributes(Attribute::Default)
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &Call::new("rekognition:IndexFaces", &resource).with_image(input.origin),
                )
            })?;
        let indexed = out
            .face_records()
            .iter()
            .filter_map(|r| {
                Some(IndexedFace {
                    face_id: r.face()?.face_id()?.to_string(),
                    detail: convert::face_detail(r.face_detail(), width, height),
                })
            })
            .collect();
        let unindexed = out
            .unindexed_faces()
            .iter()
            .map(|u| UnindexedFace {
                detail: convert::face_detail(u.face_detail(), width, height),
                reasons: u.reasons().iter().map(|r| r.as_str().to_string()).collect(),
            })
            .collect();
        Ok(IndexOutcome {
            indexed,
            unindexed,
            model: out.face_model_version().unwrap_or_default().to_string(),
        })
    }

    async fn detect_faces(&self, input: ImageInput<'_>) -> BackendResult<Vec<FaceDetail>> {
        let prepared = prepare(input.bytes, input.origin, imageprep::MAX_BYTES)?;
        self.limiter.acquire().await;
        let out = self
            .client
            .detect_faces()
            .image(
                Image::builder()
                    .bytes(Blob::new(prepared.bytes.to_vec()))
                    .build(),
            )
            .attributes(Attribute::Default)
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &Call::new("rekognition:DetectFaces", "*").with_image(input.origin),
                )
            })?;
        let mut faces: Vec<FaceDetail> = out
            .face_details()
            .iter()
            .map(|d| convert::face_detail(Some(d), prepared.width, prepared.height))
            .collect();
        convert::largest_first(&mut faces);
        Ok(faces)
    }

    async fn search_image(
        &self,
        input: ImageInput<'_>,
        req: &SearchRequest,
    ) -> BackendResult<Vec<FaceSearchResult>> {
        let max = req.max_matches.clamp(1, MAX_RESULTS as u32) as i32;
        match req.select {
            FaceSelect::Largest => {
                let prepared = prepare(input.bytes, input.origin, imageprep::MAX_BYTES)?;
                let size = (prepared.width, prepared.height);
                Ok(self
                    .search_bytes(&prepared.bytes, size, req.threshold, max, input.origin)
                    .await?
                    .into_iter()
                    .collect())
            }
            FaceSelect::All => {
                let faces = self.detect_faces(input).await?;
                if faces.is_empty() {
                    return Ok(Vec::new());
                }
                let boxes: Vec<BoundingBox> = faces.iter().map(|f| f.bbox).collect();
                let crops = crop_faces(input.bytes, &boxes, CROP_MARGIN, input.origin)?;
                let mut out = Vec::with_capacity(faces.len());
                for (face, crop) in faces.into_iter().zip(crops) {
                    let prepared = prepare(&crop, input.origin, imageprep::MAX_BYTES)?;
                    let size = (prepared.width, prepared.height);
                    let found = self
                        .search_bytes(&prepared.bytes, size, req.threshold, max, input.origin)
                        .await?;
                    out.push(FaceSearchResult {
                        face,
                        matches: found.map(|f| f.matches).unwrap_or_default(),
                    });
                }
                Ok(out)
            }
        }
    }

    async fn match_faces(
        &self,
        input: ImageInput<'_>,
        face_ids: &[String],
    ) -> BackendResult<Option<FaceSearchResult>> {
        let prepared = prepare(input.bytes, input.origin, imageprep::MAX_BYTES)?;
        let size = (prepared.width, prepared.height);
        let wanted: HashSet<&str> = face_ids.iter().map(String::as_str).collect();
        let found = self
            .search_bytes(&prepared.bytes, size, 0.0, MAX_RESULTS, input.origin)
            .await?;
        Ok(found.map(|mut f| {
            f.matches.retain(|m| wanted.contains(m.face_id.as_str()));
            f
        }))
    }

    async fn compare(
        &self,
        source: ImageInput<'_>,
        target: ImageInput<'_>,
    ) -> BackendResult<Option<CompareOutcome>> {
        let src = prepare(source.bytes, source.origin, imageprep::MAX_BYTES)?;
        let tgt = prepare(target.bytes, target.origin, imageprep::MAX_BYTES)?;
        self.limiter.acquire().await;
        let origins = format!("{} / {}", source.origin, target.origin);
        let out = match self
            .client
            .compare_faces()
            .source_image(
                Image::builder()
                    .bytes(Blob::new(src.bytes.to_vec()))
                    .build(),
            )
            .target_image(
                Image::builder()
                    .bytes(Blob::new(tgt.bytes.to_vec()))
                    .build(),
            )
            .similarity_threshold(0.0)
            .send()
            .await
        {
            Ok(out) => out,
            // No face in the source image.
            Err(e) if is_no_face(&e, true) => return Ok(None),
            Err(e) => {
                return Err(map_sdk_error(
                    e,
                    &Call::new("rekognition:CompareFaces", "*").with_image(&origins),
                ))
            }
        };
        let Some(source_face) = out.source_image_face() else {
            return Ok(None);
        };
        let source_face = FaceDetail {
            bbox: convert::bbox(source_face.bounding_box(), src.width, src.height),
            confidence: source_face.confidence().unwrap_or(0.0),
            pose: None,
            quality: None,
        };
        // The target's largest face, matched or not.
        let candidates = out
            .face_matches()
            .iter()
            .filter_map(|m| Some((m.face()?, m.similarity().unwrap_or(0.0))))
            .chain(out.unmatched_faces().iter().map(|f| (f, 0.0)))
            .map(|(f, sim)| (convert::compared_face(f, tgt.width, tgt.height), sim));
        let best = candidates.max_by(|a, b| a.0.bbox.area().total_cmp(&b.0.bbox.area()));
        Ok(best.map(|(target_face, similarity)| CompareOutcome {
            source_face,
            target_face,
            similarity,
        }))
    }

    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<Vec<String>> {
        let resource = self.resource();
        let mut deleted = Vec::new();
        for chunk in face_ids.chunks(DELETE_BATCH) {
            self.limiter.acquire().await;
            let out = self
                .client
                .delete_faces()
                .collection_id(&self.collection)
                .set_face_ids(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| map_sdk_error(e, &Call::new("rekognition:DeleteFaces", &resource)))?;
            deleted.extend(out.deleted_faces().iter().cloned());
        }
        Ok(deleted)
    }

    async fn list_faces(&self) -> BackendResult<Vec<CollectionFace>> {
        let resource = self.resource();
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.limiter.acquire().await;
            let page = self
                .client
                .list_faces()
                .collection_id(&self.collection)
                .max_results(MAX_RESULTS)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map_sdk_error(e, &Call::new("rekognition:ListFaces", &resource)))?;
            out.extend(page.faces().iter().filter_map(|f| {
                Some(CollectionFace {
                    face_id: f.face_id()?.to_string(),
                    external_id: f.external_image_id().map(str::to_string),
                })
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}
