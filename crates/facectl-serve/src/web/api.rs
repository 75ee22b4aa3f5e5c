//! The REST API, version 1 (`/api/v1`): persons, search, verify, compare, status, health.
//! Every handler calls facectl's service layer, so it works the same on either backend.
//! Described by `assets/openapi.json`, served at `/api/v1/openapi.json`.

use super::error::ApiError;
use super::upload::Upload;
use super::WebState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use facectl_core::model::FaceSelect;
use facectl_core::progress::NoProgress;
use facectl_core::service::delete::{self, DeleteTarget};
use facectl_core::service::enroll::{self, EnrollReport, EnrollTarget};
use facectl_core::service::ingest::{FileStatus, IngestOptions};
use facectl_core::service::inventory;
use facectl_core::service::search::{self, SearchOptions, DEFAULT_THRESHOLD};
use facectl_core::service::verify::{self, PersonRef};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type St = State<Arc<WebState>>;

/// Options any call may give in the query string (form fields win).
#[derive(Debug, Default, Deserialize)]
pub struct Opts {
    pub threshold: Option<String>,
    pub max_matches: Option<String>,
    pub largest: Option<String>,
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub size: Option<u32>,
}

/// A form field, else the query parameter.
fn opt<'a>(up: &'a Upload, q: &'a Option<String>, name: &str) -> Option<&'a str> {
    up.field(name)
        .or(q.as_deref().map(str::trim).filter(|v| !v.is_empty()))
}

fn number<T: std::str::FromStr>(name: &str, v: Option<&str>) -> Result<Option<T>, ApiError> {
    v.map(|s| {
        s.parse::<T>().map_err(|_| {
            ApiError::bad_request(
                "invalid_request",
                format!("`{name}` must be a number, got `{s}`"),
            )
        })
    })
    .transpose()
}

/// The similarity threshold asked for (default 80).
pub(super) fn threshold(up: &Upload, q: &Opts) -> Result<f32, ApiError> {
    Ok(
        number::<f32>("threshold", opt(up, &q.threshold, "threshold"))?
            .unwrap_or(DEFAULT_THRESHOLD),
    )
}

/// The person named by `person_id` (first) or `name`.
pub(super) fn person_ref(up: &Upload, q: &Opts) -> Option<PersonRef> {
    match (opt(up, &q.person_id, "person_id"), opt(up, &q.name, "name")) {
        (Some(id), _) => Some(PersonRef::Id(id.to_string())),
        (None, Some(name)) => Some(PersonRef::Name(name.to_string())),
        (None, None) => None,
    }
}

fn no_person(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "person_not_found",
        format!("no person with id `{id}`"),
    )
}

fn flag(v: Option<&str>) -> bool {
    matches!(v, Some("1" | "true" | "yes" | "on"))
}

pub async fn health(State(st): St) -> Json<Value> {
    Json(json!({"status": "ok", "backend": st.backend.kind}))
}

pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../../assets/openapi.json"),
    )
        .into_response()
}

pub async fn status(State(st): St) -> Result<Json<Value>, ApiError> {
    let report = inventory::status(&st.backend).await?;
    Ok(Json(json!(report)))
}

/// Every person with counts and up to 6 face ids (newest last) for thumbnails.
pub async fn list_persons(State(st): St) -> Result<Json<Value>, ApiError> {
    let persons: Vec<Value> = inventory::list_persons_with_faces(&st.backend, 6)
        .await?
        .into_iter()
        .map(|(p, ids)| {
            let mut v = json!(p);
            v["face_ids"] = json!(ids);
            v
        })
        .collect();
    Ok(Json(json!({"persons": persons})))
}

pub async fn show_person(State(st): St, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let faces = inventory::list_faces(&st.backend, Some(&id)).await?;
    let person = match st.backend.table.person(&id).await? {
        Some(p) => p,
        None => return Err(no_person(&id)),
    };
    let images: std::collections::BTreeSet<&str> =
        faces.iter().map(|f| f.image_hash.as_str()).collect();
    Ok(Json(json!({
        "person": person,
        "faces": faces.len(),
        "images": images.len(),
        "face_records": faces,
    })))
}

/// Register a person from one or more photos (new by `name`, or more photos for `person_id`).
pub async fn create_person(State(st): St, up: Upload) -> Result<Response, ApiError> {
    let target = EnrollTarget {
        name: up.field("name").map(str::to_string),
        person_id: up.field("person_id").map(str::to_string),
        first_name: up.field("first_name").map(str::to_string),
        last_name: up.field("last_name").map(str::to_string),
        meta: BTreeMap::new(),
    };
    if target.name.is_none() && target.person_id.is_none() {
        return Err(ApiError::bad_request(
            "name_missing",
            "give the person's `name` (or the `person_id` of an existing person)",
        ));
    }
    register(&st, target, up).await
}

/// More photos for an existing person.
pub async fn add_photos(
    State(st): St,
    Path(id): Path<String>,
    up: Upload,
) -> Result<Response, ApiError> {
    if st.backend.table.person(&id).await?.is_none() {
        return Err(no_person(&id));
    }
    let target = EnrollTarget {
        name: None,
        person_id: Some(id),
        first_name: None,
        last_name: None,
        meta: BTreeMap::new(),
    };
    register(&st, target, up).await
}

/// Enrolls the upload's photos; 201 when at least one face is on record for the person
/// afterwards, else 422 with what happened to each photo.
pub(super) async fn register(
    st: &WebState,
    target: EnrollTarget,
    up: Upload,
) -> Result<Response, ApiError> {
    let all_faces = flag(up.field("all_faces"));
    let photos = up.all_photos();
    if photos.is_empty() {
        return Err(ApiError::bad_request(
            "photo_missing",
            "no photo in the request: send one or more files (multipart field `photo`)",
        ));
    }
    let opts = IngestOptions {
        all_faces,
        max_bytes: st.max_photo_bytes,
        ..IngestOptions::default()
    };
    let report = {
        let _permit = st.work().await?;
        enroll::enroll_photos(&st.backend, &target, &photos, &opts, &NoProgress).await?
    };
    let known = report
        .files
        .iter()
        .any(|f| !f.face_ids.is_empty() || f.status == FileStatus::Skipped)
        && !st
            .backend
            .table
            .faces_of_person(&report.person.person_id)
            .await?
            .is_empty();
    if known {
        Ok((StatusCode::CREATED, Json(json!(report))).into_response())
    } else {
        Err(nothing_enrolled(&report))
    }
}

fn nothing_enrolled(report: &EnrollReport) -> ApiError {
    let why: Vec<String> = report
        .files
        .iter()
        .map(|f| {
            let name = f.path.display().to_string();
            match f.reason.as_deref() {
                Some(r) if r.contains(&name) => r.to_string(),
                Some(r) => format!("{name}: {r}"),
                None => format!("{name}: {}", f.status.as_str()),
            }
        })
        .collect();
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_enrolled",
        format!(
            "no face of {} was enrolled ({})",
            report.person.name,
            why.join("; ")
        ),
    )
    .with_detail(json!(report))
}

pub async fn delete_person(State(st): St, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    if st.backend.table.person(&id).await?.is_none() {
        return Err(no_person(&id));
    }
    let plan = delete::plan(&st.backend, &DeleteTarget::Person(PersonRef::Id(id))).await?;
    let done = delete::execute(&st.backend, &plan).await?;
    Ok(Json(json!(done)))
}

/// Who is in the photo: every face with its best person (or none).
pub async fn search(
    State(st): St,
    Query(q): Query<Opts>,
    up: Upload,
) -> Result<Json<Value>, ApiError> {
    let threshold = threshold(&up, &q)?;
    let max_matches =
        number::<u32>("max_matches", opt(&up, &q.max_matches, "max_matches"))?.unwrap_or(3);
    let select = if flag(opt(&up, &q.largest, "largest")) {
        FaceSelect::Largest
    } else {
        FaceSelect::All
    };
    let photo = up.one_photo()?;
    let opts = SearchOptions {
        select,
        threshold,
        max_matches,
    };
    let _permit = st.work().await?;
    let report = search::search_photo(&st.backend, &photo, &opts).await?;
    Ok(Json(json!(report)))
}

/// Is the photo's largest face this person?
pub async fn verify(
    State(st): St,
    Query(q): Query<Opts>,
    up: Upload,
) -> Result<Json<Value>, ApiError> {
    let threshold = threshold(&up, &q)?;
    let who = person_ref(&up, &q).ok_or_else(|| {
        ApiError::bad_request(
            "person_missing",
            "give `person_id` or `name` of the person to verify against",
        )
    })?;
    let photo = up.one_photo()?;
    let _permit = st.work().await?;
    let report = verify::verify_photo(&st.backend, &photo, &who, threshold).await?;
    Ok(Json(json!(report)))
}

/// How alike are the largest faces of two photos (`source`, `target`)?
pub async fn compare(
    State(st): St,
    Query(q): Query<Opts>,
    mut up: Upload,
) -> Result<Json<Value>, ApiError> {
    let threshold = threshold(&up, &q)?;
    let (a, b) = match (up.take("source"), up.take("target")) {
        (Some(a), Some(b)) => (a, b),
        (first, second) => {
            // Two photos under other names, in the order sent.
            let mut all: Vec<_> = first
                .into_iter()
                .chain(second)
                .chain(up.all_photos())
                .collect();
            match (all.len(), all.pop(), all.pop()) {
                (2, Some(b), Some(a)) => (a, b),
                _ => {
                    return Err(ApiError::bad_request(
                        "photo_missing",
                        "compare takes two photos: fields `source` and `target`",
                    ))
                }
            }
        }
    };
    let _permit = st.work().await?;
    let report = verify::compare_photos(&st.backend, &a, &b, threshold).await?;
    Ok(Json(json!(report)))
}

/// A square JPEG of one enrolled face, cut from its stored photo.
pub async fn thumbnail(
    State(st): St,
    Path(face_id): Path<String>,
    Query(q): Query<Opts>,
) -> Result<Response, ApiError> {
    let face = st
        .backend
        .table
        .faces(std::slice::from_ref(&face_id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found(format!("no face with id `{face_id}`")))?;
    if face.image_key.is_empty() {
        return Err(ApiError::not_found(format!(
            "face `{face_id}` has no stored photo"
        )));
    }
    let bytes = st.backend.images.get(&face.image_key).await?;
    let side = q.size.unwrap_or(160);
    let b = face.bbox;
    let _permit = st.work().await?;
    let key = face.image_key.clone();
    let jpeg = tokio::task::spawn_blocking(move || {
        facectl_engine::face_thumbnail(&bytes, &key, (b.x, b.y, b.width, b.height), side)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_image",
            e.to_string(),
        )
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        jpeg,
    )
        .into_response())
}
