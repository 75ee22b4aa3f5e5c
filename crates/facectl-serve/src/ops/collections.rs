//! CreateCollection, DescribeCollection, ListCollections, DeleteCollection.

use crate::error::RekError;
use crate::params::{collection_char, decode_token, encode_token, Params};
use crate::shapes;
use crate::State;
use facectl_collection::store::{self, CollectionRow};
use facectl_collection::users;
use serde_json::{json, Value};

pub(crate) fn collection_id<'a>(p: &Params<'a>) -> Result<&'a str, RekError> {
    p.pattern("CollectionId", 1, 255, collection_char)
}

pub(crate) async fn create(st: &State, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let model = st.model().to_string();
    let row = st.with_store(|s| Ok(store::create_collection(s.conn(), id, Some(&model))?))?;
    Ok(json!({
        "StatusCode": 200,
        "CollectionArn": st.collection_arn(&row.id),
        "FaceModelVersion": model_version(&row),
    }))
}

pub(crate) async fn describe(st: &State, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    let (row, users) = st.with_store(|s| {
        Ok((
            store::require(s.conn(), id)?,
            users::user_count(s.conn(), id)?,
        ))
    })?;
    Ok(json!({
        "FaceCount": row.faces,
        "UserCount": users,
        "FaceModelVersion": model_version(&row),
        "CollectionARN": st.collection_arn(&row.id),
        "CreationTimestamp": row.created,
    }))
}

pub(crate) async fn list(st: &State, p: Params<'_>) -> Result<Value, RekError> {
    let max = p.opt_int("MaxResults", 0, 4096)?.unwrap_or(1000) as usize;
    let after = match p.opt_str("NextToken")? {
        Some(t) => Some(decode_token("collections", t)?),
        None => None,
    };
    // One more than asked tells whether a next page exists.
    let mut rows = st.with_store(|s| {
        Ok(store::list_collections(
            s.conn(),
            after.as_deref(),
            max + 1,
        )?)
    })?;
    let more = rows.len() > max;
    rows.truncate(max);
    let mut out = json!({
        "CollectionIds": rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "FaceModelVersions": rows.iter().map(model_version).collect::<Vec<_>>(),
    });
    if more {
        if let Some(last) = rows.last() {
            out["NextToken"] = json!(encode_token("collections", &last.id));
        }
    }
    Ok(out)
}

pub(crate) async fn delete(st: &State, p: Params<'_>) -> Result<Value, RekError> {
    let id = collection_id(&p)?;
    st.with_store(|s| Ok(s.delete_collection(id)?))?;
    Ok(json!({"StatusCode": 200}))
}

/// The `FaceModelVersion` of a collection's model (serve pins every collection at creation).
pub(crate) fn model_version(row: &CollectionRow) -> String {
    shapes::face_model_version(row.model.as_deref().unwrap_or_default())
}
