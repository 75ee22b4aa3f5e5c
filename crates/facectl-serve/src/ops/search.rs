//! SearchFaces (by a stored FaceId) and SearchFacesByImage (largest face of a photo).

use super::collections::collection_id;
use super::{assess, embed, largest_passing, quality_filter};
use crate::error::RekError;
use crate::params::{check_face_id, Params};
use crate::shapes;
use crate::State;
use serde_json::{json, Value};
use std::sync::Arc;

/// Rekognition's default FaceMatchThreshold.
pub const DEFAULT_THRESHOLD: f64 = 80.0;

fn matches(
    st: &State,
    collection: &str,
    query: &[f32],
    max: usize,
    threshold: f32,
    exclude: Option<&str>,
) -> Result<(String, Vec<Value>), RekError> {
    st.with_store(|s| {
        let row = s.collection(collection)?;
        st.check_model(&row)?;
        let extra = usize::from(exclude.is_some());
        let hits: Vec<(String, f32)> = s
            .index(collection)?
            .top_k(query, max + extra, threshold)
            .into_iter()
            .filter(|(id, _)| Some(id.as_str()) != exclude)
            .take(max)
            .collect();
        let ids: Vec<String> = hits.iter().map(|(id, _)| id.clone()).collect();
        let rows = s.faces_by_id(collection, &ids)?;
        let out = hits
            .iter()
            .filter_map(|(id, sim)| {
                rows.iter().find(|r| &r.face_id == id).map(|r| {
                    json!({"Similarity": shapes::num(*sim), "Face": shapes::face(r, &row.model)})
                })
            })
            .collect();
        Ok((row.model, out))
    })
}

pub(crate) async fn by_image(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?.to_string();
    let max = p.opt_int("MaxFaces", 1, 4096)?.unwrap_or(4096) as usize;
    let threshold = p
        .opt_float("FaceMatchThreshold", 0.0, 100.0)?
        .unwrap_or(DEFAULT_THRESHOLD) as f32;
    let gate = quality_filter(&p, "NONE")?;
    // Fail fast on a missing collection, before any image work.
    st.with_store(|s| s.collection(&id))?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let (face, bbox, embedding) = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, gate.as_ref())?;
            let face = largest_passing(found, &raw.origin)?;
            let e = embed(engine, &img, &face.det)?;
            Ok((face.det.confidence, shapes::ratios(&face.det, &img), e))
        })
        .await?;
    let (model, hits) = matches(st, &id, &embedding, max, threshold, None)?;
    Ok(json!({
        "SearchedFaceBoundingBox": shapes::bounding_box(bbox),
        "SearchedFaceConfidence": shapes::num(face),
        "FaceMatches": hits,
        "FaceModelVersion": shapes::face_model_version(&model),
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
            s.collection(id)?;
            s.embedding(id, face_id)
        })?
        .ok_or_else(|| {
            RekError::invalid_parameter(format!(
                "Face id {face_id} does not exist in collection {id}"
            ))
        })?;
    let (model, hits) = matches(st, id, &embedding, max, threshold, Some(face_id))?;
    Ok(json!({
        "SearchedFaceId": face_id,
        "FaceMatches": hits,
        "FaceModelVersion": shapes::face_model_version(&model),
    }))
}
