//! IndexFaces, ListFaces, DeleteFaces.

use super::collections::{collection_id, model_version};
use super::{assess, embed, quality_filter};
use crate::error::RekError;
use crate::params::{decode_token, encode_token, external_id_char, Params};
use crate::shapes;
use crate::State;
use facectl_collection::store::{self, NewFace};
use facectl_collection::users;
use facectl_collection::CollectionError;
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
    let row = st.with_store(|s| Ok(store::require(s.conn(), &id)?))?;
    st.check_model(&row)?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let (records, unindexed, new_faces) = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, gate.as_ref(), max_faces)?;
            let image_id = uuid::Uuid::new_v4().to_string();
            let mut records = Vec::new();
            let mut unindexed = Vec::new();
            let mut new_faces = Vec::new();
            for f in found {
                let detail = shapes::face_detail(&f.detection, &f.quality, &img);
                if !f.is_chosen() {
                    unindexed.push(json!({"Reasons": f.reasons, "FaceDetail": detail}));
                    continue;
                }
                let b = &f.detection.bbox;
                let face = NewFace {
                    face_id: uuid::Uuid::new_v4().to_string(),
                    image_id: image_id.clone(),
                    external_id: external.clone(),
                    bbox: [b.x, b.y, b.width, b.height],
                    image_size: (img.width(), img.height()),
                    confidence: f.detection.confidence,
                    embedding: embed(engine, &img, &f.detection)?,
                    ..NewFace::default()
                };
                let mut face_json = json!({
                    "FaceId": face.face_id,
                    "BoundingBox": shapes::bounding_box(shapes::ratios(&f.detection, &img)),
                    "ImageId": face.image_id,
                    "Confidence": shapes::num(face.confidence),
                });
                if let Some(x) = &face.external_id {
                    face_json["ExternalImageId"] = json!(x);
                }
                records.push(json!({"Face": face_json, "FaceDetail": detail}));
                new_faces.push(face);
            }
            Ok((records, unindexed, new_faces))
        })
        .await?;
    if !new_faces.is_empty() {
        // The collection may have been deleted while the engine worked, or deleted and created
        // again under the same id: the faces belong to the collection this request started on
        // (its uid), so either way nothing is inserted.
        let (id2, uid, model2) = (id.clone(), row.uid.clone(), model.clone());
        st.with_store_blocking(move |s| {
            store::insert_faces(s.conn_mut(), &id2, Some(&uid), &model2, &new_faces).map_err(|e| {
                match e {
                    CollectionError::NotFound(_) => RekError::not_found(format!(
                        "The collection id: {id2} was deleted while the image was being indexed"
                    )),
                    e => e.into(),
                }
            })
        })
        .await?;
    }
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
    let only: Option<Vec<String>> = p
        .opt_str_list("FaceIds")?
        .map(|v| v.into_iter().map(str::to_string).collect());
    let (row, mut faces) = st.with_store(|s| {
        let c = s.conn();
        let row = store::require(c, id)?;
        let faces = match (user, &only) {
            (None, None) => store::list_faces(c, id, after, max + 1)?,
            // The user's faces (within FaceIds when both are given), or the given ones.
            (user, only) => {
                let mut ids = match user {
                    Some(u) => users::user_faces(c, id, u)?,
                    None => Vec::new(),
                };
                if let Some(only) = only {
                    ids = match user {
                        Some(_) => ids.into_iter().filter(|f| only.contains(f)).collect(),
                        None => only.clone(),
                    };
                }
                let mut rows = store::faces_by_id(c, id, &ids)?;
                rows.retain(|r| r.seq > after);
                rows.truncate(max + 1);
                rows
            }
        };
        Ok((row, faces))
    })?;
    let more = faces.len() > max;
    faces.truncate(max);
    let version = model_version(&row);
    let mut out = json!({
        "Faces": faces.iter().map(|f| shapes::face(f, &version)).collect::<Vec<_>>(),
        "FaceModelVersion": version,
    });
    if more {
        if let Some(last) = faces.last() {
            out["NextToken"] = json!(encode_token(&format!("faces/{id}"), &last.seq.to_string()));
        }
    }
    Ok(out)
}

pub(crate) async fn delete(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?.to_string();
    let ids = p.face_ids(4096)?;
    // Faces associated to a user stay (Rekognition: disassociate them first).
    let asked = ids.clone();
    let (deleted, held) = st
        .with_store_blocking(move |s| {
            store::require(s.conn(), &id)?;
            let held: Vec<(String, String)> = store::faces_by_id(s.conn(), &id, &asked)?
                .into_iter()
                .filter_map(|r| r.user_id.map(|u| (r.face_id, u)))
                .collect();
            let held_ids: std::collections::HashSet<&str> =
                held.iter().map(|(f, _)| f.as_str()).collect();
            let free: Vec<String> = asked
                .iter()
                .filter(|i| !held_ids.contains(i.as_str()))
                .cloned()
                .collect();
            let (deleted, _) = store::delete_faces(s.conn_mut(), &id, &free)?;
            Ok((deleted, held))
        })
        .await?;
    let done: std::collections::HashSet<&str> = deleted
        .iter()
        .map(String::as_str)
        .chain(held.iter().map(|(f, _)| f.as_str()))
        .collect();
    let mut failed: Vec<Value> = held
        .iter()
        .map(|(f, u)| json!({"FaceId": f, "UserId": u, "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]}))
        .collect();
    let mut seen = std::collections::HashSet::new();
    failed.extend(
        ids.iter()
            .filter(|i| !done.contains(i.as_str()) && seen.insert(i.as_str()))
            .map(|f| json!({"FaceId": f, "Reasons": ["FACE_NOT_FOUND"]})),
    );
    Ok(json!({
        "DeletedFaces": deleted,
        "UnsuccessfulFaceDeletions": failed,
    }))
}
