//! The Users API: CreateUser, DeleteUser, ListUsers, AssociateFaces, DisassociateFaces,
//! SearchUsers, SearchUsersByImage. A user's similarity to a face is the best similarity of
//! the user's faces to it.

use super::collections::collection_id;
use super::{assess, embed, largest_passing, quality_filter};
use crate::error::RekError;
use crate::params::{check_face_id, decode_token, encode_token, external_id_char, Params};
use crate::shapes;
use crate::State;
use facectl_engine::{cosine, similarity};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

fn user_id<'a>(p: &Params<'a>) -> Result<&'a str, RekError> {
    p.pattern("UserId", 1, 128, external_id_char)
}

fn token<'a>(p: &Params<'a>) -> Result<Option<&'a str>, RekError> {
    p.opt_pattern("ClientRequestToken", 1, 64, |c| {
        c.is_ascii_alphanumeric() || c == '-' || c == '_'
    })
}

fn require_user(st: &State, collection: &str, user: &str) -> Result<(), RekError> {
    st.with_store(|s| {
        s.collection(collection)?;
        if s.user_exists(collection, user)? {
            Ok(())
        } else {
            Err(RekError::not_found(format!(
                "The user id: {user} does not exist in collection {collection}"
            )))
        }
    })
}

pub(crate) async fn create(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let user = user_id(&p)?;
    let token = token(&p)?;
    st.with_store(|s| s.create_user(id, user, token))?;
    Ok(json!({}))
}

pub(crate) async fn delete(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let user = user_id(&p)?;
    token(&p)?;
    st.with_store(|s| s.delete_user(id, user))?;
    Ok(json!({}))
}

pub(crate) async fn list(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let max = p.opt_int("MaxResults", 1, 500)?.unwrap_or(500) as usize;
    let kind = format!("users/{id}");
    let after = match p.opt_str("NextToken")? {
        Some(t) => Some(decode_token(&kind, t)?),
        None => None,
    };
    let mut users = st.with_store(|s| {
        s.collection(id)?;
        s.list_users(id, after.as_deref(), max + 1)
    })?;
    let more = users.len() > max;
    users.truncate(max);
    let mut out = json!({
        "Users": users.iter().map(|u| json!({"UserId": u, "UserStatus": "ACTIVE"})).collect::<Vec<_>>(),
    });
    if more {
        if let Some(last) = users.last() {
            out["NextToken"] = json!(encode_token(&kind, last));
        }
    }
    Ok(out)
}

pub(crate) async fn associate(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let user = user_id(&p)?;
    token(&p)?;
    let ids = p.face_ids(100)?;
    let threshold = p
        .opt_float("UserMatchThreshold", 0.0, 100.0)?
        .unwrap_or(75.0) as f32;
    require_user(st, id, user)?;
    st.with_store(|s| {
        let rows = s.faces_by_id(id, &ids)?;
        let existing: Vec<Vec<f32>> = s
            .user_faces(id, user)?
            .iter()
            .filter_map(|f| s.embedding(id, f).ok().flatten())
            .collect();
        let mut associated = Vec::new();
        let mut failed = Vec::new();
        for fid in &ids {
            let Some(row) = rows.iter().find(|r| &r.face_id == fid) else {
                failed.push(json!({"FaceId": fid, "Reasons": ["FACE_NOT_FOUND"]}));
                continue;
            };
            match row.user_id.as_deref() {
                Some(u) if u == user => {
                    associated.push(fid.clone());
                    continue;
                }
                Some(other) => {
                    failed.push(json!({"FaceId": fid, "UserId": other, "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}));
                    continue;
                }
                None => {}
            }
            if !existing.is_empty() {
                let emb = s.embedding(id, fid)?.unwrap_or_default();
                let best = existing
                    .iter()
                    .map(|e| similarity(cosine(e, &emb)))
                    .fold(0.0f32, f32::max);
                if best < threshold {
                    failed.push(json!({
                        "FaceId": fid,
                        "Confidence": shapes::num(best),
                        "Reasons": ["LOW_MATCH_CONFIDENCE"],
                    }));
                    continue;
                }
            }
            associated.push(fid.clone());
        }
        s.set_face_user(id, &associated, Some(user))?;
        Ok(json!({
            "AssociatedFaces": associated.iter().map(|f| json!({"FaceId": f})).collect::<Vec<_>>(),
            "UnsuccessfulFaceAssociations": failed,
            "UserStatus": "ACTIVE",
        }))
    })
}

pub(crate) async fn disassociate(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let user = user_id(&p)?;
    token(&p)?;
    let ids = p.face_ids(100)?;
    require_user(st, id, user)?;
    st.with_store(|s| {
        let rows = s.faces_by_id(id, &ids)?;
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for fid in &ids {
            match rows.iter().find(|r| &r.face_id == fid) {
                None => failed.push(json!({"FaceId": fid, "Reasons": ["FACE_NOT_FOUND"]})),
                Some(r) if r.user_id.as_deref() == Some(user) => done.push(fid.clone()),
                Some(r) => {
                    let mut v =
                        json!({"FaceId": fid, "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]});
                    if let Some(u) = &r.user_id {
                        v["UserId"] = json!(u);
                    }
                    failed.push(v)
                }
            }
        }
        s.set_face_user(id, &done, None)?;
        Ok(json!({
            "DisassociatedFaces": done.iter().map(|f| json!({"FaceId": f})).collect::<Vec<_>>(),
            "UnsuccessfulFaceDisassociations": failed,
            "UserStatus": "ACTIVE",
        }))
    })
}

/// Users ranked by their best face similarity to any of `queries`, at least `threshold`.
fn user_matches(
    st: &State,
    collection: &str,
    queries: &[Vec<f32>],
    threshold: f32,
    max: usize,
    exclude: Option<&str>,
) -> Result<(String, Vec<Value>), RekError> {
    st.with_store(|s| {
        let row = s.collection(collection)?;
        st.check_model(&row)?;
        let n = row.face_count.max(1) as usize;
        let mut hits: Vec<(String, f32)> = Vec::new();
        for q in queries {
            hits.extend(s.index(collection)?.top_k(q, n, threshold));
        }
        let ids: Vec<String> = hits.iter().map(|(f, _)| f.clone()).collect();
        let rows = s.faces_by_id(collection, &ids)?;
        let mut best: HashMap<String, f32> = HashMap::new();
        for (fid, sim) in hits {
            let Some(u) = rows
                .iter()
                .find(|r| r.face_id == fid)
                .and_then(|r| r.user_id.clone())
            else {
                continue;
            };
            if Some(u.as_str()) == exclude {
                continue;
            }
            let e = best.entry(u).or_insert(sim);
            *e = e.max(sim);
        }
        let mut ranked: Vec<(String, f32)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(max);
        Ok((
            row.model,
            ranked
                .into_iter()
                .map(|(u, sim)| {
                    json!({"Similarity": shapes::num(sim), "User": {"UserId": u, "UserStatus": "ACTIVE"}})
                })
                .collect(),
        ))
    })
}

pub(crate) async fn search(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let threshold = p
        .opt_float("UserMatchThreshold", 0.0, 100.0)?
        .unwrap_or(80.0) as f32;
    let max = p.opt_int("MaxUsers", 1, 500)?.unwrap_or(500) as usize;
    let user = p.opt_pattern("UserId", 1, 128, external_id_char)?;
    let face = p.opt_str("FaceId")?;
    let (queries, exclude, searched) = match (user, face) {
        (Some(u), None) => {
            require_user(st, id, u)?;
            let embs = st.with_store(|s| {
                let faces = s.user_faces(id, u)?;
                Ok(faces
                    .iter()
                    .filter_map(|f| s.embedding(id, f).ok().flatten())
                    .collect::<Vec<_>>())
            })?;
            (embs, Some(u), json!({"SearchedUser": {"UserId": u}}))
        }
        (None, Some(f)) => {
            check_face_id("faceId", f)?;
            let e = st
                .with_store(|s| {
                    s.collection(id)?;
                    s.embedding(id, f)
                })?
                .ok_or_else(|| {
                    RekError::invalid_parameter(format!(
                        "Face id {f} does not exist in collection {id}"
                    ))
                })?;
            (vec![e], None, json!({"SearchedFace": {"FaceId": f}}))
        }
        _ => {
            return Err(RekError::invalid_parameter(
                "SearchUsers needs exactly one of UserId and FaceId",
            ))
        }
    };
    let (model, matches) = user_matches(st, id, &queries, threshold, max, exclude)?;
    let mut out = json!({
        "UserMatches": matches,
        "FaceModelVersion": shapes::face_model_version(&model),
    });
    if let (Value::Object(o), Value::Object(extra)) = (&mut out, searched) {
        o.extend(extra);
    }
    Ok(out)
}

pub(crate) async fn search_by_image(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?.to_string();
    let threshold = p
        .opt_float("UserMatchThreshold", 0.0, 100.0)?
        .unwrap_or(80.0) as f32;
    let max = p.opt_int("MaxUsers", 1, 500)?.unwrap_or(500) as usize;
    let gate = quality_filter(&p, "NONE")?;
    st.with_store(|s| s.collection(&id))?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let (detail, others, embedding) = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, gate.as_ref())?;
            let details: Vec<(Value, Vec<&'static str>)> = found
                .iter()
                .map(|f| {
                    (
                        shapes::face_detail(&f.det, &f.quality, &img),
                        f.issues.iter().map(|i| i.as_str()).collect(),
                    )
                })
                .collect();
            let face = largest_passing(found, &raw.origin)?;
            let searched = shapes::face_detail(&face.det, &face.quality, &img);
            let e = embed(engine, &img, &face.det)?;
            let others: Vec<Value> = details
                .into_iter()
                .filter(|(d, _)| *d != searched)
                .map(|(d, issues)| {
                    let reasons = if issues.is_empty() {
                        vec!["FACE_NOT_LARGEST"]
                    } else {
                        issues
                    };
                    json!({"FaceDetails": d, "Reasons": reasons})
                })
                .collect();
            Ok((searched, others, e))
        })
        .await?;
    let (model, matches) = user_matches(st, &id, &[embedding], threshold, max, None)?;
    Ok(json!({
        "UserMatches": matches,
        "FaceModelVersion": shapes::face_model_version(&model),
        "SearchedFace": {"FaceDetail": detail},
        "UnsearchedFaces": others,
    }))
}
