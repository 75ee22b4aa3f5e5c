//! The Users API: CreateUser, DeleteUser, ListUsers, AssociateFaces, DisassociateFaces,
//! SearchUsers, SearchUsersByImage. A user's similarity to a face is the best similarity of
//! the user's faces to it.

use super::collections::{collection_id, model_version};
use super::{assess, embed, largest_passing, quality_filter};
use crate::error::RekError;
use crate::params::{check_face_id, decode_token, encode_token, external_id_char, Params};
use crate::shapes;
use crate::State;
use facectl_collection::store;
use facectl_collection::users;
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
    st.with_store(|s| Ok(users::require_user(s.conn(), collection, user)?))
}

pub(crate) async fn create(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let user = user_id(&p)?;
    let token = token(&p)?;
    st.with_store(|s| Ok(users::create_user(s.conn_mut(), id, user, token)?))?;
    Ok(json!({}))
}

pub(crate) async fn delete(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let user = user_id(&p)?;
    token(&p)?;
    st.with_store(|s| Ok(users::delete_user(s.conn_mut(), id, user)?))?;
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
        store::require(s.conn(), id)?;
        Ok(users::list_users(s.conn(), id, after.as_deref(), max + 1)?)
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
        let rows = store::faces_by_id(s.conn(), id, &ids)?;
        let existing = users::user_prints(s.conn(), id, user)?;
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
                let emb = store::print_of(s.conn(), id, fid)?.unwrap_or_default();
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
        users::set_face_user(s.conn_mut(), id, &associated, Some(user))?;
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
        let rows = store::faces_by_id(s.conn(), id, &ids)?;
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
        users::set_face_user(s.conn_mut(), id, &done, None)?;
        Ok(json!({
            "DisassociatedFaces": done.iter().map(|f| json!({"FaceId": f})).collect::<Vec<_>>(),
            "UnsuccessfulFaceDisassociations": failed,
            "UserStatus": "ACTIVE",
        }))
    })
}

/// Users ranked by their best face similarity to any of `queries`, at least `threshold`
/// (on a blocking thread: every face of the collection may be scored).
async fn user_matches(
    st: &Arc<State>,
    collection: &str,
    queries: Vec<Vec<f32>>,
    threshold: f32,
    max: usize,
    exclude: Option<&str>,
) -> Result<(String, Vec<Value>), RekError> {
    let (collection, exclude) = (collection.to_string(), exclude.map(str::to_string));
    let check = Arc::clone(st);
    st.with_store_blocking(move |s| {
        let row = store::require(s.conn(), &collection)?;
        check.check_model(&row)?;
        // Every face reaching the threshold counts: a user's best face may rank anywhere.
        let n = usize::try_from(row.faces).unwrap_or(usize::MAX).max(1);
        let mut best: HashMap<String, f32> = HashMap::new();
        for q in &queries {
            for m in s.search(&collection, q, n, threshold, None)? {
                let Some(u) = m.face.user_id else { continue };
                if Some(u.as_str()) == exclude.as_deref() {
                    continue;
                }
                let e = best.entry(u).or_insert(m.similarity);
                *e = e.max(m.similarity);
            }
        }
        let mut ranked: Vec<(String, f32)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(max);
        Ok((
            model_version(&row),
            ranked
                .into_iter()
                .map(|(u, sim)| {
                    json!({"Similarity": shapes::num(sim), "User": {"UserId": u, "UserStatus": "ACTIVE"}})
                })
                .collect(),
        ))
    })
    .await
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
            let embs = st.with_store(|s| Ok(users::user_prints(s.conn(), id, u)?))?;
            (embs, Some(u), json!({"SearchedUser": {"UserId": u}}))
        }
        (None, Some(f)) => {
            check_face_id("faceId", f)?;
            let e = st
                .with_store(|s| {
                    store::require(s.conn(), id)?;
                    Ok(store::print_of(s.conn(), id, f)?)
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
    let (version, matches) = user_matches(st, id, queries, threshold, max, exclude).await?;
    let mut out = json!({
        "UserMatches": matches,
        "FaceModelVersion": version,
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
    st.with_store(|s| Ok(store::require(s.conn(), &id)?))?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let (detail, others, embedding) = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, gate.as_ref(), None)?;
            let details: Vec<(Value, Vec<String>)> = found
                .iter()
                .map(|f| {
                    (
                        shapes::face_detail(&f.detection, &f.quality, &img),
                        f.reasons.clone(),
                    )
                })
                .collect();
            let face = largest_passing(&found, &raw.origin)?;
            let searched = shapes::face_detail(&face.detection, &face.quality, &img);
            let e = embed(engine, &img, &face.detection)?;
            let others: Vec<Value> = details
                .into_iter()
                .filter(|(d, _)| *d != searched)
                .map(|(d, issues)| {
                    let reasons = if issues.is_empty() {
                        vec!["FACE_NOT_LARGEST".to_string()]
                    } else {
                        issues
                    };
                    json!({"FaceDetails": d, "Reasons": reasons})
                })
                .collect();
            Ok((searched, others, e))
        })
        .await?;
    let (version, matches) = user_matches(st, &id, vec![embedding], threshold, max, None).await?;
    Ok(json!({
        "UserMatches": matches,
        "FaceModelVersion": version,
        "SearchedFace": {"FaceDetail": detail},
        "UnsearchedFaces": others,
    }))
}
