//! `list persons|faces` and `status`: what the backend holds.

use crate::error::ServiceError;
use crate::model::{CollectionInfo, FaceRecord, ImageStatus, PersonInfo, StoreUsage};
use crate::ports::Backend;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One person with counts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonSummary {
    #[serde(flatten)]
    pub person: PersonInfo,
    pub faces: usize,
    pub images: usize,
}

/// Every person with at least one face, sorted by name.
pub async fn list_persons(backend: &Backend) -> Result<Vec<PersonSummary>, ServiceError> {
    Ok(summarize(&backend.table.all_faces().await?))
}

/// [`list_persons`], each with up to `n` of their face ids (oldest first), from one read of
/// the table.
pub async fn list_persons_with_faces(
    backend: &Backend,
    n: usize,
) -> Result<Vec<(PersonSummary, Vec<String>)>, ServiceError> {
    let mut faces = backend.table.all_faces().await?;
    faces.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then(a.face_id.cmp(&b.face_id))
    });
    let mut ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in &faces {
        let v = ids.entry(f.person.person_id.as_str()).or_default();
        if v.len() < n {
            v.push(f.face_id.clone());
        }
    }
    Ok(summarize(&faces)
        .into_iter()
        .map(|p| {
            let face_ids = ids
                .get(p.person.person_id.as_str())
                .cloned()
                .unwrap_or_default();
            (p, face_ids)
        })
        .collect())
}

fn summarize(faces: &[FaceRecord]) -> Vec<PersonSummary> {
    let mut by_id: BTreeMap<String, (PersonInfo, usize, BTreeSet<String>)> = BTreeMap::new();
    for f in faces {
        let e = by_id
            .entry(f.person.person_id.clone())
            .or_insert_with(|| (f.person.clone(), 0, BTreeSet::new()));
        e.1 += 1;
        // A face another tool indexed may not say which photo it came from: then it counts as
        // a photo of its own (the tutorials index one face per photo).
        let image = [&f.image_hash, &f.image_key]
            .into_iter()
            .find(|v| !v.is_empty())
            .map_or_else(|| format!("face:{}", f.face_id), |v| v.clone());
        e.2.insert(image);
    }
    let mut out: Vec<PersonSummary> = by_id
        .into_values()
        .map(|(person, faces, images)| PersonSummary {
            person,
            faces,
            images: images.len(),
        })
        .collect();
    out.sort_by(|a, b| {
        a.person
            .name
            .to_lowercase()
            .cmp(&b.person.name.to_lowercase())
            .then(a.person.person_id.cmp(&b.person.person_id))
    });
    out
}

/// Every face record, optionally of one person, sorted by person then time.
pub async fn list_faces(
    backend: &Backend,
    person_id: Option<&str>,
) -> Result<Vec<FaceRecord>, ServiceError> {
    let mut faces = match person_id {
        Some(id) => backend.table.faces_of_person(id).await?,
        None => backend.table.all_faces().await?,
    };
    faces.sort_by(|a, b| {
        a.person
            .name
            .cmp(&b.person.name)
            .then(a.created_at.cmp(&b.created_at))
            .then(a.face_id.cmp(&b.face_id))
    });
    Ok(faces)
}

/// Counts and locations.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatusReport {
    pub backend: String,
    pub image_store: String,
    pub collection: CollectionInfo,
    pub table: String,
    pub persons: usize,
    pub face_records: usize,
    pub images_by_status: BTreeMap<String, usize>,
    pub store: StoreUsage,
}

pub async fn status(backend: &Backend) -> Result<StatusReport, ServiceError> {
    let collection = backend.collection.info().await?;
    let faces = backend.table.all_faces().await?;
    let persons: BTreeSet<&str> = faces.iter().map(|f| f.person.person_id.as_str()).collect();
    let mut images_by_status = BTreeMap::new();
    for s in [
        ImageStatus::Indexed,
        ImageStatus::NoFace,
        ImageStatus::MultipleFaces,
        ImageStatus::Pending,
    ] {
        let n = backend.table.images(Some(s)).await?.len();
        images_by_status.insert(s.as_str().to_string(), n);
    }
    Ok(StatusReport {
        backend: backend.kind.clone(),
        image_store: backend.images.location(),
        table: backend.table.name(),
        persons: persons.len(),
        face_records: faces.len(),
        images_by_status,
        store: backend.images.usage().await?,
        collection,
    })
}
