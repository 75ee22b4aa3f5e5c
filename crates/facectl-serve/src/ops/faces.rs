//! IndexFaces, ListFaces, DeleteFaces.

use super::collections::collection_id;
use super::{assess, embed, quality_filter};
use crate::error::RekError;
use crate::params::{decode_token, encode_token, external_id_char, Params};
use crate::shapes;
use crate::store::NewFace;
use crate::State;
use serde_json::{json, Value};
use std::sync::Arc;

/// Attribute names DetectFaces / IndexFaces accept.
pub(crate) const ATTRIBUTES: &[&str] = &[
    "DEFAULT",
    "ALL",
    "AGE_RANGE",
    "BEARD",
    "EMOTIONS",
    "EYE_DIRECTION",
    "EYEGLASSES",
    "EYES_OPEN",
    "GENDER",
    "MOUTH_OPEN",
    "MUSTACHE",
    "FACE_OCCLUDED",
    "SMILE",
    "SUNGLASSES",
];

pub(crate) fn check_attributes(p: &Params<'_>, name: &str) -> Result<(), RekError> {
    for a in p.opt_str_list(name)?.unwrap_or_default() {
        if !ATTRIBUTES.contains(&a) {
            return Err(RekError::invalid_parameter(format!(
                "1 validation error detected: Value '{a}' at '{name}' failed to satisfy constraint: Member must satisfy enum value set"
            )));
        }
    }
    Ok(())
}

pub(crate) async fn index(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?.to_string();
    let external = p
        .opt_pattern("ExternalImageId", 1, 255, external_id_char)?
        .map(str::to_string);
    let max_faces = p.opt_int("MaxFaces", 1, i64::MAX)?.map(|n| n as usize);
    let gate = quality_filter(&p, "AUTO")?;
    check_attributes(&p, "DetectionAttributes")?;
    let model = st.model().to_string();
    let row = st.with_store(|s| s.collection(&id))?;
    st.check_model(&row)?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let (records, unindexed, new_faces) = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, gate.as_ref())?;
            let image_id = uuid::Uuid::new_v4().to_string();
            let mut records = Vec::new();
            let mut unindexed = Vec::new();
            let mut new_faces = Vec::new();
            for f in found {
                let detail = shapes::face_detail(&f.det, &f.quality, &img);
                if !f.issues.is_empty() {
                    let reasons: Vec<&str> = f.issues.iter().map(|i| i.as_str()).collect();
                    unindexed.push(json!({"Reasons": reasons, "FaceDetail": detail}));
                    continue;
                }
                if max_faces.is_some_and(|m| new_faces.len() >= m) {
                    unindexed.push(json!({"Reasons": ["EXCEEDS_MAX_FACES"], "FaceDetail": detail}));
                    continue;
                }
                let face = NewFace {
                    face_id: uuid::Uuid::new_v4().to_string(),
                    image_id: image_id.clone(),
                    external_image_id: external.clone(),
                    bbox: shapes::ratios(&f.det, &img),
                    confidence: f.det.confidence,
                    embedding: embed(engine, &img, &f.det)?,
                };
                let mut face_json = json!({
                    "FaceId": face.face_id,
                    "BoundingBox": shapes::bounding_box(face.bbox),
                    "ImageId": face.image_id,
                    "Confidence": shapes::num(face.confidence),
                });
                if let Some(x) = &face.external_image_id {
                    face_json["ExternalImageId"] = json!(x);
                }
                records.push(json!({"Face": face_json, "FaceDetail": detail}));
                new_faces.push(face);
            }
            Ok((records, unindexed, new_faces))
        })
        .await?;
    // The collection may have been deleted while the engine worked, or deleted and created
    // again under the same id: the faces belong to the collection this request started on,
    // so either way nothing is inserted (checked and inserted under one store lock).
    st.with_store(|s| {
        let now = s.collection(&id)?;
        if now.created != row.created {
            return Err(RekError::not_found(format!(
                "The collection id: {id} was deleted while the image was being indexed"
            )));
        }
        s.insert_faces(&id, &new_faces)
    })?;
    Ok(json!({
        "FaceRecords": records,
        "FaceModelVersion": shapes::face_model_version(&model),
        "UnindexedFaces": unindexed,
    }))
}

pub(crate) async fn list(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let max = p.opt_int("MaxResults", 0, 4096)?.unwrap_or(1000) as usize;
    let after: i64 = match p.opt_str("NextToken")? {
        Some(t) => decode_token(&format!("faces/{id}"), t)?
            .parse()
            .map_err(|_| RekError::invalid_token(format!("Invalid pagination token: {t}")))?,
        None => 0,
    };
    let user = p.opt_pattern("UserId", 1, 128, external_id_char)?;
    let mut only: Option<Vec<String>> = p
        .opt_str_list("FaceIds")?
        .map(|v| v.into_iter().map(str::to_string).collect());
    if let Some(u) = user {
        // The user's faces (within FaceIds when both are given).
        let faces = st.with_store(|s| {
            s.collection(id)?;
            s.user_faces(id, u)
        })?;
        only = Some(match only {
            Some(ids) => faces.into_iter().filter(|f| ids.contains(f)).collect(),
            None => faces,
        });
    }
    let (row, mut faces) = st.with_store(|s| {
        let row = s.collection(id)?;
        let faces = s.list_faces(id, after, max + 1, only.as_deref())?;
        Ok((row, faces))
    })?;
    let more = faces.len() > max;
    faces.truncate(max);
    let mut out = json!({
        "Faces": faces.iter().map(|f| shapes::face(f, &row.model)).collect::<Vec<_>>(),
        "FaceModelVersion": shapes::face_model_version(&row.model),
    });
    if more {
        if let Some(last) = faces.last() {
            out["NextToken"] = json!(encode_token(&format!("faces/{id}"), &last.seq.to_string()));
        }
    }
    Ok(out)
}

pub(crate) async fn delete(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let ids = p.face_ids(4096)?;
    // Faces associated to a user stay (Rekognition: disassociate them first).
    let (deleted, held) = st.with_store(|s| {
        s.collection(id)?;
        let held: Vec<(String, String)> = s
            .faces_by_id(id, &ids)?
            .into_iter()
            .filter_map(|r| r.user_id.map(|u| (r.face_id, u)))
            .collect();
        let free: Vec<String> = ids
            .iter()
            .filter(|i| !held.iter().any(|(f, _)| f == *i))
            .cloned()
            .collect();
        Ok((s.delete_faces(id, &free)?, held))
    })?;
    let mut failed: Vec<Value> = held
        .iter()
        .map(|(f, u)| json!({"FaceId": f, "UserId": u, "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]}))
        .collect();
    let mut missing: Vec<&String> = ids
        .iter()
        .filter(|i| !deleted.contains(i) && !held.iter().any(|(f, _)| f == *i))
        .collect();
    missing.dedup();
    failed.extend(
        missing
            .iter()
            .map(|f| json!({"FaceId": f, "Reasons": ["FACE_NOT_FOUND"]})),
    );
    Ok(json!({
        "DeletedFaces": deleted,
        "UnsuccessfulFaceDeletions": failed,
    }))
}
