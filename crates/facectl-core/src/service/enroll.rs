//! `enroll`: index faces of one person from a few photos.

use super::ingest::{self, FileOutcome, FileStatus, InFlight, IngestOptions, RecoveryReport};
use super::search::{search_photo, SearchOptions, DEFAULT_THRESHOLD};
use super::Photo;
use crate::error::ServiceError;
use crate::model::{FaceSelect, PersonInfo};
use crate::naming::{is_valid_person_id, person_id_for};
use crate::ports::Backend;
use crate::progress::{Progress, ProgressEvent};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Who to enroll: a new or existing person by name, or an existing person by id.
#[derive(Clone, Debug)]
pub struct EnrollTarget {
    pub name: Option<String>,
    pub person_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub meta: std::collections::BTreeMap<String, String>,
}

/// The result of `enroll`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrollReport {
    pub person: PersonInfo,
    pub files: Vec<FileOutcome>,
    pub faces_indexed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoveryReport>,
    /// Photos whose face already matches a *different* enrolled person confidently (at the
    /// default threshold): likely the same person enrolled twice, or the wrong photo.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub likely_duplicates: Vec<LikelyDuplicate>,
}

/// A photo being enrolled for one person that confidently matches another.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LikelyDuplicate {
    pub path: PathBuf,
    pub other: PersonInfo,
    pub similarity: f32,
    pub face_id: String,
}

impl EnrollReport {
    /// True when every file was imported or already known.
    pub fn all_ok(&self) -> bool {
        self.files
            .iter()
            .all(|f| matches!(f.status, FileStatus::Imported | FileStatus::Skipped))
    }
}

/// Resolve the person for an enrollment: by id (must exist unless a name is given too) or by name.
pub async fn resolve_person(
    backend: &Backend,
    target: &EnrollTarget,
) -> Result<PersonInfo, ServiceError> {
    let mut person = match (&target.person_id, &target.name) {
        (Some(id), name) => {
            if !is_valid_person_id(id) {
                return Err(ServiceError::InvalidInput(format!(
                    "person id `{id}` must match [a-zA-Z0-9_.-:]+ (at most 255 characters)"
                )));
            }
            match backend.table.person(id).await? {
                Some(p) => p,
                None => match name {
                    Some(n) => PersonInfo {
                        person_id: id.clone(),
                        name: n.trim().to_string(),
                        ..PersonInfo::default()
                    },
                    None => {
                        return Err(ServiceError::InvalidInput(format!(
                            "no person with id `{id}`; give --name to create one"
                        )))
                    }
                },
            }
        }
        (None, Some(name)) => {
            let name = name.trim();
            if name.is_empty() {
                return Err(ServiceError::InvalidInput(
                    "--name must not be empty".into(),
                ));
            }
            let id = person_id_for(name);
            match backend.table.person(&id).await? {
                Some(p) => p,
                None => PersonInfo {
                    person_id: id,
                    name: name.to_string(),
                    ..PersonInfo::default()
                },
            }
        }
        (None, None) => {
            return Err(ServiceError::InvalidInput(
                "give --name or --person-id".into(),
            ))
        }
    };
    if let Some(name) = &target.name {
        person.name = name.trim().to_string();
    }
    if target.first_name.is_some() {
        person.first_name = target.first_name.clone();
    }
    if target.last_name.is_some() {
        person.last_name = target.last_name.clone();
    }
    person
        .meta
        .extend(target.meta.iter().map(|(k, v)| (k.clone(), v.clone())));
    Ok(person)
}

/// Enroll `files` as one person, one after the other.
pub async fn enroll(
    backend: &Backend,
    target: &EnrollTarget,
    files: &[PathBuf],
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<EnrollReport, ServiceError> {
    let sources: Vec<Source> = files.iter().map(|p| Source::File(p)).collect();
    enroll_sources(backend, target, &sources, opts, progress).await
}

/// Enroll photos already in memory (uploads) as one person, one after the other.
pub async fn enroll_photos(
    backend: &Backend,
    target: &EnrollTarget,
    photos: &[Photo],
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<EnrollReport, ServiceError> {
    let sources: Vec<Source> = photos.iter().map(Source::Photo).collect();
    enroll_sources(backend, target, &sources, opts, progress).await
}

/// A photo to enroll: a file, read when its turn comes, or one in memory.
enum Source<'a> {
    File(&'a Path),
    Photo(&'a Photo),
}

impl Source<'_> {
    fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Photo(p) => p.name.clone(),
        }
    }
}

async fn enroll_sources(
    backend: &Backend,
    target: &EnrollTarget,
    sources: &[Source<'_>],
    opts: &IngestOptions,
    progress: &dyn Progress,
) -> Result<EnrollReport, ServiceError> {
    if sources.is_empty() {
        return Err(ServiceError::InvalidInput("no image given".into()));
    }
    let person = resolve_person(backend, target).await?;
    let recovery = ingest::recover(backend, progress).await?;
    progress.event(ProgressEvent::Started {
        total: sources.len() as u64,
        label: format!("enrolling {}", person.name),
    });
    let in_flight = InFlight::default();
    let mut outcomes = Vec::with_capacity(sources.len());
    let mut likely_duplicates = Vec::new();
    for source in sources {
        let read;
        let photo = match source {
            Source::Photo(p) => Ok(*p),
            Source::File(path) => match Photo::read(path, opts.max_bytes) {
                Ok(p) => {
                    read = p;
                    Ok(&read)
                }
                Err(e) => Err(e),
            },
        };
        let outcome = match photo {
            Err(e) => FileOutcome::failed(Path::new(&source.name()), &person, e.to_string()),
            Ok(photo) => {
                if let Some(dup) = other_person(backend, photo, &person).await {
                    tracing::debug!(
                        file = %photo.name,
                        other = %dup.other.name,
                        similarity = dup.similarity,
                        "this face already matches another enrolled person"
                    );
                    likely_duplicates.push(dup);
                }
                ingest::ingest_photo(backend, photo, &person, opts, &in_flight).await?
            }
        };
        progress.event(ProgressEvent::ItemDone {
            item: source.name(),
            outcome: outcome.status.as_str().to_string(),
            ok: matches!(outcome.status, FileStatus::Imported | FileStatus::Skipped),
        });
        outcomes.push(outcome);
    }
    progress.event(ProgressEvent::Finished);
    Ok(EnrollReport {
        faces_indexed: outcomes.iter().map(|o| o.face_ids.len()).sum(),
        person,
        files: outcomes,
        recovery: (recovery.pending_images > 0).then_some(recovery),
        likely_duplicates,
    })
}

/// The best person for the photo's largest face at the default threshold, when that is not
/// `person`. Advisory: a photo that cannot be searched is left to the ingest to report.
async fn other_person(
    backend: &Backend,
    photo: &Photo,
    person: &PersonInfo,
) -> Option<LikelyDuplicate> {
    let opts = SearchOptions {
        select: FaceSelect::Largest,
        threshold: DEFAULT_THRESHOLD,
        max_matches: 2,
    };
    let report = search_photo(backend, photo, &opts).await.ok()?;
    let face = report.faces.into_iter().next()?;
    // Only when the best person is somebody else: more photos of the same person often match
    // lookalikes below them too.
    let m = face.matches.into_iter().next()?;
    if m.person.as_ref()?.person_id == person.person_id {
        return None;
    }
    Some(LikelyDuplicate {
        path: PathBuf::from(&photo.name),
        other: m.person?,
        similarity: m.similarity,
        face_id: m.face_id,
    })
}
