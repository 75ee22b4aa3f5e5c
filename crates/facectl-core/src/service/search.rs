//! `search`: who is in this photo, with names joined from the person table.

use super::{read_image_file, DEFAULT_MAX_IMAGE_BYTES};
use crate::error::ServiceError;
use crate::model::{FaceSearchResult, FaceSelect};
use crate::ports::{Backend, ImageInput, SearchRequest};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Default minimum similarity (0-100), as Rekognition's FaceMatchThreshold.
pub const DEFAULT_THRESHOLD: f32 = 80.0;

/// Options for a search.
#[derive(Clone, Copy, Debug)]
pub struct SearchOptions {
    pub select: FaceSelect,
    pub threshold: f32,
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

/// The result of a search.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SearchReport {
    pub image: PathBuf,
    pub threshold: f32,
    pub faces: Vec<FaceSearchResult>,
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

/// Search the collection for every face (or the largest) in `path`.
pub async fn search(
    backend: &Backend,
    path: &Path,
    opts: &SearchOptions,
) -> Result<SearchReport, ServiceError> {
    check_threshold(opts.threshold)?;
    if !(1..=4096).contains(&opts.max_matches) {
        return Err(ServiceError::InvalidInput(
            "--max-matches must be between 1 and 4096".into(),
        ));
    }
    let bytes = read_image_file(path, DEFAULT_MAX_IMAGE_BYTES)?;
    let origin = path.display().to_string();
    let req = SearchRequest {
        select: opts.select,
        threshold: opts.threshold,
        max_matches: opts.max_matches,
    };
    let input = ImageInput {
        bytes: &bytes,
        key: "",
        origin: &origin,
    };
    let mut faces = backend.collection.search_image(input, &req).await?;
    join_people(backend, &mut faces).await?;
    Ok(SearchReport {
        image: path.to_path_buf(),
        threshold: opts.threshold,
        faces,
    })
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
