//! SearchFaces (by a stored FaceId) and SearchFacesByImage (largest face of a photo).

use super::collections::{collection_id, model_version};
use super::{assess, embed, largest_passing, quality_filter};
use crate::error::RekError;
use crate::params::{check_face_id, Params};
use crate::shapes;
use crate::State;
use facectl_collection::store;
use serde_json::{json, Value};
use std::sync::Arc;

/// Rekognition's default FaceMatchThreshold.
pub const DEFAULT_THRESHOLD: f64 = 80.0;

/// The collection's faces most like `query`, as FaceMatches, with the collection's
/// FaceModelVersion (on a blocking thread: the search grows with the collection).
async fn matches(
    st: &Arc<State>,
    collection: &str,
    query: Vec<f32>,
    max: usize,
    threshold: f32,
    exclude: Option<&str>,
) -> Result<(String, Vec<Value>), RekError> {
    let (collection, exclude) = (collection.to_string(), exclude.map(str::to_string));
    let check = Arc::clone(st);
    st.with_store_blocking(move |s| {
        let row = store::require(s.conn(), &collection)?;
        check.check_model(&row)?;
        let version = model_version(&row);
        let found = s.search(&collection, &query, max, threshold, exclude.as_deref())?;
        let out = found
            .iter()
            .map(|m| {
                json!({"Similarity": shapes::num(m.similarity), "Face": shapes::face(&m.face, &version)})
            })
            .collect();
        Ok((version, out))
    })
    .await
}

pub(crate) async fn by_image(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?.to_string();
    let max = p.opt_int("MaxFaces", 1, 4096)?.unwrap_or(4096) as usize;
    let threshold = p
        .opt_float("FaceMatchThreshold", 0.0, 100.0)?
        .unwrap_or(DEFAULT_THRESHOLD) as f32;
    let gate = quality_filter(&p, "NONE")?;
    // Fail fast on a missing collection, before any image work.
    st.with_store(|s| Ok(store::require(s.conn(), &id)?))?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let (face, bbox, embedding) = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, gate.as_ref(), None)?;
            let face = largest_passing(&found, &raw.origin)?;
            let e = embed(engine, &img, &face.detection)?;
            Ok((
                face.detection.confidence,
                shapes::ratios(&face.detection, &img),
                e,
            ))
        })
        .await?;
    let (version, hits) = matches(st, &id, embedding, max, threshold, None).await?;
    Ok(json!({
        "SearchedFaceBoundingBox": shapes::bounding_box(bbox),
        "SearchedFaceConfidence": shapes::num(face),
        "FaceMatches": hits,
        "FaceModelVersion": version,
    }))
}

pub(crate) async fn by_face(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let face_id = p.str("FaceId")?;
    check_face_id("faceId", face_id)?;
    let max = p.opt_int("MaxFaces", 1, 4096)?.unwrap_or(4096) as usize;
    let threshold = p
        .opt_float("FaceMatchThreshold", 0.0, 100.0)?
        .unwrap_or(DEFAULT_THRESHOLD) as f32;
    let embedding = st
        .with_store(|s| {
            store::require(s.conn(), id)?;
            Ok(store::print_of(s.conn(), id, face_id)?)
        })?
        .ok_or_else(|| {
            RekError::invalid_parameter(format!(
                "Face id {face_id} does not exist in collection {id}"
            ))
        })?;
    let (version, hits) = matches(st, id, embedding, max, threshold, Some(face_id)).await?;
    Ok(json!({
        "SearchedFaceId": face_id,
        "FaceMatches": hits,
        "FaceModelVersion": version,
    }))
}
