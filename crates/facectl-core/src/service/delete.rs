//! `delete`: forget a person, a face or an image everywhere (collection, table, image store).
//!
//! Order: collection first (search stops returning the faces), then table records, then stored
//! objects no record uses any more. An interruption leaves at worst records whose face is gone
//! or unused objects, both of which `doctor --fix` repairs.

use super::sha256_hex;
use super::verify::{find_person, PersonRef};
use crate::error::ServiceError;
use crate::model::FaceRecord;
use crate::ports::Backend;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What to delete.
#[derive(Clone, Debug)]
pub enum DeleteTarget {
    Person(PersonRef),
    Face(String),
    /// An image by content hash, store key, or a local file whose content is hashed.
    Image(String),
}

/// What a delete removed (or, with `dry_run`, would remove).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DeleteReport {
    pub dry_run: bool,
    pub persons: Vec<String>,
    pub face_ids: Vec<String>,
    pub images: Vec<String>,
    pub faces_deleted_from_collection: usize,
    pub records_deleted: usize,
    pub objects_deleted: usize,
}

impl DeleteReport {
    pub fn is_empty(&self) -> bool {
        self.face_ids.is_empty() && self.images.is_empty()
    }
}

/// Work out what `target` covers, without changing anything.
pub async fn plan(backend: &Backend, target: &DeleteTarget) -> Result<DeleteReport, ServiceError> {
    let (records, image_hashes): (Vec<FaceRecord>, Vec<String>) = match target {
        DeleteTarget::Person(who) => {
            let person = find_person(backend, who).await?;
            let recs = backend.table.faces_of_person(&person.person_id).await?;
            (recs, vec![])
        }
        DeleteTarget::Face(id) => {
            let recs = backend.table.faces(std::slice::from_ref(id)).await?;
            if recs.is_empty() {
                let in_collection = backend
                    .collection
                    .list_faces()
                    .await?
                    .into_iter()
                    .any(|f| &f.face_id == id);
                if !in_collection {
                    return Err(ServiceError::InvalidInput(format!(
                        "no face with id `{id}`"
                    )));
                }
                let report = DeleteReport {
                    face_ids: vec![id.clone()],
                    ..DeleteReport::default()
                };
                return Ok(report);
            }
            (recs, vec![])
        }
        DeleteTarget::Image(what) => {
            let hash = resolve_image(backend, what).await?;
            let recs = backend.table.faces_of_image(&hash).await?;
            (recs, vec![hash])
        }
    };
    let mut persons = BTreeSet::new();
    let mut images: BTreeMap<String, ()> = image_hashes.into_iter().map(|h| (h, ())).collect();
    for r in &records {
        persons.insert(r.person.name.clone());
        images.insert(r.image_hash.clone(), ());
    }
    Ok(DeleteReport {
        persons: persons.into_iter().collect(),
        face_ids: records.iter().map(|r| r.face_id.clone()).collect(),
        images: images.into_keys().collect(),
        ..DeleteReport::default()
    })
}

async fn resolve_image(backend: &Backend, what: &str) -> Result<String, ServiceError> {
    let is_hash = what.len() == 64 && what.chars().all(|c| c.is_ascii_hexdigit());
    if is_hash {
        return Ok(what.to_ascii_lowercase());
    }
    let path = PathBuf::from(what);
    if path.is_file() {
        let bytes = std::fs::read(&path).map_err(|e| ServiceError::io(&path, e))?;
        return Ok(sha256_hex(&bytes));
    }
    // A store key `ab/<hash>.ext`.
    let stem = std::path::Path::new(what)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if stem.len() == 64 && backend.table.image(&stem).await?.is_some() {
        return Ok(stem);
    }
    Err(ServiceError::InvalidInput(format!(
        "`{what}` is neither an image hash, a stored key nor a readable file"
    )))
}

/// Delete what [`plan`] found. Images are deleted only when no remaining face uses them.
pub async fn execute(backend: &Backend, plan: &DeleteReport) -> Result<DeleteReport, ServiceError> {
    let mut done = plan.clone();
    done.dry_run = false;
    for chunk in plan.face_ids.chunks(1000) {
        let deleted = backend.collection.delete_faces(chunk).await?;
        done.faces_deleted_from_collection += deleted.len();
        done.records_deleted += backend.table.delete_faces(chunk).await?;
    }
    for hash in &plan.images {
        if !backend.table.faces_of_image(hash).await?.is_empty() {
            continue;
        }
        if let Some(image) = backend.table.image(hash).await? {
            if backend.images.delete(&image.image_key).await? {
                done.objects_deleted += 1;
            }
        }
        backend.table.delete_image(hash).await?;
    }
    Ok(done)
}
