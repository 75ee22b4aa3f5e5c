//! `verify` (a photo against one person's faces) and `compare` (two photos).

use super::search::check_threshold;
use super::{Photo, DEFAULT_MAX_IMAGE_BYTES};
use crate::error::ServiceError;
use crate::model::{FaceDetail, PersonInfo};
use crate::ports::Backend;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Which person to verify against.
#[derive(Clone, Debug)]
pub enum PersonRef {
    Name(String),
    Id(String),
}

/// The result of `verify`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VerifyReport {
    pub image: PathBuf,
    pub person: PersonInfo,
    pub matched: bool,
    /// Best similarity against the person's faces (0-100); absent when the photo has no face.
    pub similarity: Option<f32>,
    pub threshold: f32,
    /// The person's face that matched best.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub face: Option<FaceDetail>,
    pub faces_compared: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Look a person up by name (must be unique) or id.
pub async fn find_person(backend: &Backend, who: &PersonRef) -> Result<PersonInfo, ServiceError> {
    match who {
        PersonRef::Id(id) => backend
            .table
            .person(id)
            .await?
            .ok_or_else(|| ServiceError::InvalidInput(format!("no person with id `{id}`"))),
        PersonRef::Name(name) => {
            let mut found = backend.table.persons_named(name).await?;
            match found.len() {
                0 => Err(ServiceError::InvalidInput(format!(
                    "no person named `{name}`"
                ))),
                1 => Ok(found.remove(0)),
                n => Err(ServiceError::InvalidInput(format!(
                    "{n} persons are named `{name}` ({}); use --person-id",
                    found
                        .iter()
                        .map(|p| p.person_id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        }
    }
}

/// Verify the largest face in `path` against every enrolled face of one person.
pub async fn verify(
    backend: &Backend,
    path: &Path,
    who: &PersonRef,
    threshold: f32,
) -> Result<VerifyReport, ServiceError> {
    check_threshold(threshold)?;
    let person = find_person(backend, who).await?;
    let face_ids = enrolled_faces(backend, &person).await?;
    let photo = Photo::read(path, DEFAULT_MAX_IMAGE_BYTES)?;
    verify_against(backend, &photo, person, face_ids, threshold).await
}

/// Verify the largest face of a photo in memory against every enrolled face of one person.
pub async fn verify_photo(
    backend: &Backend,
    photo: &Photo,
    who: &PersonRef,
    threshold: f32,
) -> Result<VerifyReport, ServiceError> {
    check_threshold(threshold)?;
    let person = find_person(backend, who).await?;
    let face_ids = enrolled_faces(backend, &person).await?;
    verify_against(backend, photo, person, face_ids, threshold).await
}

/// The person's face ids; a person without faces cannot be verified against.
async fn enrolled_faces(
    backend: &Backend,
    person: &PersonInfo,
) -> Result<Vec<String>, ServiceError> {
    let face_ids: Vec<String> = backend
        .table
        .faces_of_person(&person.person_id)
        .await?
        .into_iter()
        .map(|f| f.face_id)
        .collect();
    if face_ids.is_empty() {
        return Err(ServiceError::InvalidInput(format!(
            "`{}` has no enrolled faces",
            person.name
        )));
    }
    Ok(face_ids)
}

async fn verify_against(
    backend: &Backend,
    photo: &Photo,
    person: PersonInfo,
    face_ids: Vec<String>,
    threshold: f32,
) -> Result<VerifyReport, ServiceError> {
    let result = backend
        .collection
        .match_faces(photo.input(), &face_ids)
        .await?;
    let mut report = VerifyReport {
        image: PathBuf::from(&photo.name),
        person,
        matched: false,
        similarity: None,
        threshold,
        face_id: None,
        face: None,
        faces_compared: face_ids.len(),
        reason: None,
    };
    match result {
        None => report.reason = Some(format!("{}: no face found", photo.name)),
        Some(r) => {
            report.face = Some(r.face);
            if let Some(best) = r.matches.first() {
                report.similarity = Some(best.similarity);
                report.face_id = Some(best.face_id.clone());
                report.matched = best.similarity >= threshold;
            }
        }
    }
    Ok(report)
}

/// The result of `compare`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CompareReport {
    pub source: PathBuf,
    pub target: PathBuf,
    pub matched: bool,
    pub similarity: Option<f32>,
    pub threshold: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_face: Option<FaceDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_face: Option<FaceDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Compare the largest faces of two photos.
pub async fn compare(
    backend: &Backend,
    source: &Path,
    target: &Path,
    threshold: f32,
) -> Result<CompareReport, ServiceError> {
    check_threshold(threshold)?;
    let a = Photo::read(source, DEFAULT_MAX_IMAGE_BYTES)?;
    let b = Photo::read(target, DEFAULT_MAX_IMAGE_BYTES)?;
    compare_photos(backend, &a, &b, threshold).await
}

/// Compare the largest faces of two photos in memory.
pub async fn compare_photos(
    backend: &Backend,
    source: &Photo,
    target: &Photo,
    threshold: f32,
) -> Result<CompareReport, ServiceError> {
    check_threshold(threshold)?;
    let outcome = backend
        .collection
        .compare(source.input(), target.input())
        .await?;
    let (source, target) = (PathBuf::from(&source.name), PathBuf::from(&target.name));
    Ok(match outcome {
        Some(o) => CompareReport {
            source,
            target,
            matched: o.similarity >= threshold,
            similarity: Some(o.similarity),
            threshold,
            source_face: Some(o.source_face),
            target_face: Some(o.target_face),
            reason: None,
        },
        None => CompareReport {
            source,
            target,
            matched: false,
            similarity: None,
            threshold,
            source_face: None,
            target_face: None,
            reason: Some("no face found in one of the images".into()),
        },
    })
}
