//! The tutorials' routes, so a front end written for them can point at facectl:
//! `POST /register` (a name and photos) and `POST /verify` (a photo: who is it, or is it this
//! person). Same uploads as the REST API (multipart, raw image, or JSON with base64 images).

use super::api;
use super::error::ApiError;
use super::upload::Upload;
use super::WebState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use facectl_core::model::FaceSelect;
use facectl_core::service::enroll::EnrollTarget;
use facectl_core::service::search::{self, SearchOptions};
use facectl_core::service::verify;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `POST /register`: `name` (or `firstName` + `lastName`) and one or more photos.
pub async fn register(State(st): State<Arc<WebState>>, up: Upload) -> Result<Response, ApiError> {
    let first = up
        .field("firstName")
        .or(up.field("first_name"))
        .map(str::to_string);
    let last = up
        .field("lastName")
        .or(up.field("last_name"))
        .map(str::to_string);
    let name = up
        .field("name")
        .or(up.field("fullName"))
        .map(str::to_string)
        .or_else(|| match (&first, &last) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(n), None) | (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                "name_missing",
                "give `name` (or `firstName` and `lastName`)",
            )
        })?;
    let target = EnrollTarget {
        name: Some(name),
        person_id: None,
        first_name: first,
        last_name: last,
        meta: BTreeMap::new(),
    };
    api::register(&st, target, up).await
}

/// `POST /verify`: with `name` or `person_id`, whether the photo's largest face is that person;
/// without, who the largest face is.
pub async fn verify(State(st): State<Arc<WebState>>, up: Upload) -> Result<Response, ApiError> {
    let q = api::Opts::default();
    let threshold = api::threshold(&up, &q)?;
    let who = api::person_ref(&up, &q);
    let photo = up.one_photo()?;
    let _permit = st.work().await?;
    if let Some(who) = who {
        let r = verify::verify_photo(&st.backend, &photo, &who, threshold).await?;
        return Ok(Json(json!({
            "verified": r.matched,
            "person_id": r.person.person_id,
            "name": r.person.name,
            "similarity": r.similarity,
            "threshold": r.threshold,
            "message": if r.matched { format!("Verified: {}", r.person.name) } else { r.reason.clone().unwrap_or_else(|| format!("Not {}", r.person.name)) },
        }))
        .into_response());
    }
    let opts = SearchOptions {
        select: FaceSelect::Largest,
        threshold,
        max_matches: 1,
    };
    let report = search::search_photo(&st.backend, &photo, &opts).await?;
    let Some(face) = report.faces.first() else {
        return Ok(Json(
            json!({"recognized": false, "faces": 0, "message": "No face found in the photo"}),
        )
        .into_response());
    };
    Ok(Json(match face.best() {
        Some(m) => {
            let name = m
                .person
                .as_ref()
                .map(|p| p.name.clone())
                .unwrap_or_default();
            json!({
                "recognized": true,
                "person_id": m.person.as_ref().map(|p| p.person_id.clone()),
                "name": name,
                "similarity": m.similarity,
                "threshold": threshold,
                "message": format!("Recognized: {name}"),
            })
        }
        None => {
            json!({"recognized": false, "threshold": threshold, "message": "Person not recognized"})
        }
    })
    .into_response())
}
