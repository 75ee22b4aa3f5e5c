//! `delete`: forget a person, a face or an image everywhere (collection, table, image store).
//!
//! Order: collection first (search stops returning the faces), then table records, then stored
//! objects no record uses any more. An interruption leaves at worst records whose face is gone
//! or unused objects, both of which `doctor --fix` repairs.
//!
//! Faces another tool indexed (the Rekognition tutorials' Lambda writes only the face id and the
//! name) have no image record: their photos are found among the objects outside facectl's key
//! layout by the person name in the object metadata (`FullName`, as the tutorials' `putimages.py`
//! uploads them) and deleted with the person, so the tutorial's trigger cannot enrol them again.

use super::claims::is_abandoned;
use super::doctor::is_facectl_key;
use super::sha256_hex;
use super::verify::{find_person, PersonRef};
use crate::error::ServiceError;
use crate::model::{now_epoch, FaceRecord, ImageStatus};
use crate::naming::person_id_for;
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
    /// Photos outside facectl's key layout that belong to the person (by the name in their
    /// metadata): deleted with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_objects: Vec<String>,
    pub faces_deleted_from_collection: usize,
    pub records_deleted: usize,
    pub objects_deleted: usize,
}

impl DeleteReport {
    pub fn is_empty(&self) -> bool {
        self.face_ids.is_empty() && self.images.is_empty() && self.foreign_objects.is_empty()
    }
}

/// Objects outside facectl's layout whose metadata names `name` (trimmed, any case).
async fn foreign_objects_of(backend: &Backend, name: &str) -> Result<Vec<String>, ServiceError> {
    let want = name.trim().to_lowercase();
    let mut found = Vec::new();
    for key in backend.images.list_keys().await? {
        if is_facectl_key(&key) {
            continue;
        }
        let meta = backend.images.object_meta(&key).await?;
        if meta.is_some_and(|m| m.person_name.trim().to_lowercase() == want) {
            found.push(key);
        }
    }
    Ok(found)
}

/// The person id `who` names: found by id or name, else the id a name maps to (image records
/// of a person without faces, e.g. only `multiple_faces` photos). Several persons of one name
/// are an error.
async fn person_id(backend: &Backend, who: &PersonRef) -> Result<(String, String), ServiceError> {
    let missing =
        |e: &ServiceError| matches!(e, ServiceError::InvalidInput(m) if m.starts_with("no person"));
    match find_person(backend, who).await {
        Ok(p) => Ok((p.person_id, p.name)),
        Err(e) if missing(&e) => Ok(match who {
            PersonRef::Id(id) => (id.clone(), id.clone()),
            PersonRef::Name(name) => (person_id_for(name), name.clone()),
        }),
        Err(e) => Err(e),
    }
}

/// Image records of `person_id` in every status, except images a live writer holds.
async fn images_of_person(backend: &Backend, person_id: &str) -> Result<Vec<String>, ServiceError> {
    let now = now_epoch();
    Ok(backend
        .table
        .images(None)
        .await?
        .into_iter()
        .filter(|i| i.person_id.as_deref() == Some(person_id))
        .filter(|i| i.status != ImageStatus::Pending || is_abandoned(i.claim.as_ref(), now))
        .map(|i| i.image_hash)
        .collect())
}

/// Work out what `target` covers, without changing anything. Nothing found is an empty plan.
pub async fn plan(backend: &Backend, target: &DeleteTarget) -> Result<DeleteReport, ServiceError> {
    let mut named = None;
    let mut foreign = Vec::new();
    let (records, image_hashes): (Vec<FaceRecord>, Vec<String>) = match target {
        DeleteTarget::Person(who) => {
            let (id, name) = person_id(backend, who).await?;
            let recs = backend.table.faces_of_person(&id).await?;
            let images = images_of_person(backend, &id).await?;
            if recs
                .iter()
                .any(|r| r.image_hash.is_empty() && r.image_key.is_empty())
            {
                foreign = foreign_objects_of(backend, &name).await?;
            }
            if !images.is_empty() || !foreign.is_empty() {
                named = Some(name);
            }
            (recs, images)
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
            let known = !recs.is_empty() || backend.table.image(&hash).await?.is_some();
            (recs, if known { vec![hash] } else { vec![] })
        }
    };
    let mut persons: BTreeSet<String> = named.into_iter().collect();
    let mut images: BTreeMap<String, ()> = image_hashes.into_iter().map(|h| (h, ())).collect();
    for r in &records {
        persons.insert(r.person.name.clone());
        if !r.image_hash.is_empty() {
            images.insert(r.image_hash.clone(), ());
        }
    }
    Ok(DeleteReport {
        persons: persons.into_iter().collect(),
        face_ids: records.iter().map(|r| r.face_id.clone()).collect(),
        images: images.into_keys().collect(),
        foreign_objects: foreign,
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
    for key in &plan.foreign_objects {
        if backend.images.delete(key).await? {
            done.objects_deleted += 1;
        }
    }
    Ok(done)
}
