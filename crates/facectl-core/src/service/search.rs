//! `search`: who is in these photos: for every face the best enrolled *person* (their best
//! face), the runner-up when it is close, names joined from the person table.

use super::bulk_import::plan;
use super::{Photo, DEFAULT_MAX_IMAGE_BYTES};
use crate::error::{BackendError, ServiceError};
use crate::model::{FaceDetail, FaceMatch, FaceSearchResult, FaceSelect};
use crate::naming::Naming;
use crate::ports::{Backend, SearchRequest};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Default minimum similarity (0-100), as Rekognition's FaceMatchThreshold (the 1:1 optimum of
/// LFW pairs; for galleries of thousands see the README, "Open-set identification").
pub const DEFAULT_THRESHOLD: f32 = 80.0;

/// A second person within this many similarity points of the best is reported as the
/// runner-up: the answer is a close call between two enrolled people.
pub const RUNNER_UP_MARGIN: f32 = 5.0;

/// Faces asked of the collection per wanted person: one person may have many faces, and only
/// the best face of each person counts.
const FACES_PER_PERSON: u32 = 8;

/// Options for a search.
#[derive(Clone, Copy, Debug)]
pub struct SearchOptions {
    pub select: FaceSelect,
    pub threshold: f32,
    /// Persons reported per face (each with their best face), best first.
    pub max_matches: u32,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            select: FaceSelect::All,
            threshold: DEFAULT_THRESHOLD,
            max_matches: 5,
        }
    }
}

/// One face of a searched photo and who it is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaceAnswer {
    pub face: FaceDetail,
    /// Persons reaching the threshold, one entry each (their best face), best first. The first
    /// is the answer; faces the person table does not know count as persons of their own.
    pub matches: Vec<FaceMatch>,
    /// The second person when within [`RUNNER_UP_MARGIN`] of the first: a close call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up: Option<FaceMatch>,
}

impl FaceAnswer {
    /// The best person, if any reached the threshold.
    pub fn best(&self) -> Option<&FaceMatch> {
        self.matches.first()
    }
}

/// The result of searching one photo.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SearchReport {
    pub image: PathBuf,
    pub threshold: f32,
    pub faces: Vec<FaceAnswer>,
    /// Why this photo could not be searched (only in multi-photo searches; a single photo's
    /// failure is the command's error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl SearchReport {
    /// True when at least one face has a match.
    pub fn any_match(&self) -> bool {
        self.faces.iter().any(|f| !f.matches.is_empty())
    }
}

/// Validate a 0-100 similarity threshold.
pub fn check_threshold(t: f32) -> Result<f32, ServiceError> {
    if (0.0..=100.0).contains(&t) {
        Ok(t)
    } else {
        Err(ServiceError::InvalidInput(format!(
            "threshold {t} is outside 0-100"
        )))
    }
}

fn check_options(opts: &SearchOptions) -> Result<(), ServiceError> {
    check_threshold(opts.threshold)?;
    if !(1..=4096).contains(&opts.max_matches) {
        return Err(ServiceError::InvalidInput(
            "--max-matches must be between 1 and 4096".into(),
        ));
    }
    Ok(())
}

/// Search the collection for every face (or the largest) in the photo at `path`.
pub async fn search(
    backend: &Backend,
    path: &Path,
    opts: &SearchOptions,
) -> Result<SearchReport, ServiceError> {
    check_options(opts)?;
    let photo = Photo::read(path, DEFAULT_MAX_IMAGE_BYTES)?;
    search_photo(backend, &photo, opts).await
}

/// Search the collection for every face (or the largest) in a photo already in memory.
pub async fn search_photo(
    backend: &Backend,
    photo: &Photo,
    opts: &SearchOptions,
) -> Result<SearchReport, ServiceError> {
    check_options(opts)?;
    let req = SearchRequest {
        select: opts.select,
        threshold: opts.threshold,
        max_matches: opts
            .max_matches
            .saturating_mul(FACES_PER_PERSON)
            .clamp(16, 4096),
    };
    let mut faces = backend.collection.search_image(photo.input(), &req).await?;
    join_people(backend, &mut faces).await?;
    Ok(SearchReport {
        image: PathBuf::from(&photo.name),
        threshold: opts.threshold,
        faces: faces
            .into_iter()
            .map(|f| answer(f, opts.max_matches as usize))
            .collect(),
        error: None,
    })
}

/// The photos named by `paths`: files as given, folders walked like `bulk-import` does
/// (image files, sorted, hidden entries skipped). Walk problems come back as errors per path.
pub fn photos_in(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Option<String>)>, ServiceError> {
    let mut out = Vec::new();
    for p in paths {
        if std::fs::metadata(p).is_ok_and(|m| m.is_dir()) {
            for f in plan(p, &Naming::Folder)? {
                out.push((f.path, f.issue.map(|(_, reason)| reason)));
            }
        } else {
            out.push((p.clone(), None));
        }
    }
    Ok(out)
}

/// Search several photos (files or folders, see [`photos_in`]): one report per photo, in
/// order. A photo that cannot be searched gets a report with its `error`; backend failures
/// (the collection is unreachable, not provisioned) end the whole search.
pub async fn search_many(
    backend: &Backend,
    paths: &[PathBuf],
    opts: &SearchOptions,
) -> Result<Vec<SearchReport>, ServiceError> {
    check_options(opts)?;
    let mut out = Vec::new();
    for (path, issue) in photos_in(paths)? {
        let failed = |error: String| SearchReport {
            image: path.clone(),
            threshold: opts.threshold,
            faces: Vec::new(),
            error: Some(error),
        };
        if let Some(reason) = issue {
            out.push(failed(reason));
            continue;
        }
        match search(backend, &path, opts).await {
            Ok(r) => out.push(r),
            Err(
                e @ (ServiceError::InvalidInput(_)
                | ServiceError::Io { .. }
                | ServiceError::Backend(BackendError::InvalidImage { .. })),
            ) => out.push(failed(e.to_string())),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Collapse a face's matches (best first) to one per person and pick the runner-up.
fn answer(found: FaceSearchResult, max_persons: usize) -> FaceAnswer {
    let mut seen = std::collections::HashSet::new();
    let matches: Vec<FaceMatch> = found
        .matches
        .into_iter()
        .filter(|m| {
            let who = m
                .person
                .as_ref()
                .map_or_else(|| format!("face:{}", m.face_id), |p| p.person_id.clone());
            seen.insert(who)
        })
        .take(max_persons)
        .collect();
    let runner_up = match (matches.first(), matches.get(1)) {
        (Some(a), Some(b)) if a.similarity - b.similarity <= RUNNER_UP_MARGIN => Some(b.clone()),
        _ => None,
    };
    FaceAnswer {
        face: found.face,
        matches,
        runner_up,
    }
}

/// Fill in person and image key for every match, in one batched table read.
pub async fn join_people(
    backend: &Backend,
    faces: &mut [FaceSearchResult],
) -> Result<(), ServiceError> {
    let mut ids: Vec<String> = faces
        .iter()
        .flat_map(|f| f.matches.iter().map(|m| m.face_id.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let records: HashMap<String, _> = backend
        .table
        .faces(&ids)
        .await?
        .into_iter()
        .map(|r| (r.face_id.clone(), r))
        .collect();
    for m in faces.iter_mut().flat_map(|f| f.matches.iter_mut()) {
        if let Some(r) = records.get(&m.face_id) {
            m.person = Some(r.person.clone());
            m.image_key = Some(r.image_key.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PersonInfo;

    fn m(face: &str, person: Option<&str>, similarity: f32) -> FaceMatch {
        FaceMatch {
            face_id: face.into(),
            similarity,
            person: person.map(|p| PersonInfo {
                person_id: p.into(),
                name: p.into(),
                ..PersonInfo::default()
            }),
            image_key: None,
        }
    }

    #[test]
    fn one_entry_per_person_and_a_close_runner_up() {
        let found = FaceSearchResult {
            face: FaceDetail::default(),
            matches: vec![
                m("f1", Some("ann"), 97.0),
                m("f2", Some("ann"), 95.0),
                m("f3", Some("bob"), 93.0),
                m("f4", None, 90.0),
                m("f5", Some("bob"), 89.0),
                m("f6", Some("cid"), 85.0),
            ],
        };
        let a = answer(found.clone(), 5);
        let ids: Vec<&str> = a.matches.iter().map(|m| m.face_id.as_str()).collect();
        assert_eq!(ids, ["f1", "f3", "f4", "f6"]);
        assert_eq!(a.best().map(|m| m.face_id.as_str()), Some("f1"));
        assert_eq!(a.runner_up.as_ref().map(|m| m.face_id.as_str()), Some("f3"));
        let a = answer(found, 1);
        assert_eq!(a.matches.len(), 1);
        assert!(a.runner_up.is_none(), "one person asked for");
        let far = FaceSearchResult {
            face: FaceDetail::default(),
            matches: vec![m("f1", Some("ann"), 97.0), m("f3", Some("bob"), 91.9)],
        };
        assert!(answer(far, 5).runner_up.is_none(), "5.1 points apart");
    }
}
