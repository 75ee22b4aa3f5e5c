//! `doctor`: find (and with `fix`, repair) disagreements between collection, table and store.

use super::ingest;
use crate::error::ServiceError;
use crate::model::ImageStatus;
use crate::ports::Backend;
use crate::progress::NoProgress;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What doctor found and fixed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DoctorReport {
    /// Faces in the collection with no table record.
    pub orphan_faces: Vec<String>,
    /// Table records whose face is gone from the collection.
    pub dangling_records: Vec<String>,
    /// Stored objects no image record points at.
    pub orphan_objects: Vec<String>,
    /// Images left pending by an interrupted run.
    pub pending_images: Vec<String>,
    pub fixed: bool,
}

impl DoctorReport {
    pub fn problems(&self) -> usize {
        self.orphan_faces.len()
            + self.dangling_records.len()
            + self.orphan_objects.len()
            + self.pending_images.len()
    }
}

pub async fn doctor(backend: &Backend, fix: bool) -> Result<DoctorReport, ServiceError> {
    let collection: Vec<String> = backend
        .collection
        .list_faces()
        .await?
        .into_iter()
        .map(|f| f.face_id)
        .collect();
    let records = backend.table.all_faces().await?;
    let in_collection: HashSet<&str> = collection.iter().map(String::as_str).collect();
    let recorded: HashSet<&str> = records.iter().map(|r| r.face_id.as_str()).collect();
    let mut report = DoctorReport {
        orphan_faces: collection
            .iter()
            .filter(|id| !recorded.contains(id.as_str()))
            .cloned()
            .collect(),
        dangling_records: records
            .iter()
            .filter(|r| !in_collection.contains(r.face_id.as_str()))
            .map(|r| r.face_id.clone())
            .collect(),
        ..DoctorReport::default()
    };
    let images = backend.table.images(None).await?;
    report.pending_images = images
        .iter()
        .filter(|i| i.status == ImageStatus::Pending)
        .map(|i| i.image_hash.clone())
        .collect();
    let known_keys: HashSet<&str> = images
        .iter()
        .filter(|i| i.status == ImageStatus::Indexed || i.status == ImageStatus::Pending)
        .map(|i| i.image_key.as_str())
        .collect();
    report.orphan_objects = backend
        .images
        .list_keys()
        .await?
        .into_iter()
        .filter(|k| !known_keys.contains(k.as_str()))
        .collect();
    if fix && report.problems() > 0 {
        ingest::recover(backend, &NoProgress).await?;
        if !report.orphan_faces.is_empty() {
            backend
                .collection
                .delete_faces(&report.orphan_faces)
                .await?;
        }
        if !report.dangling_records.is_empty() {
            let dangling: Vec<_> = records
                .iter()
                .filter(|r| !in_collection.contains(r.face_id.as_str()))
                .collect();
            backend.table.delete_faces(&report.dangling_records).await?;
            // An image whose last face went with the records is forgotten too.
            let hashes: HashSet<&str> = dangling.iter().map(|r| r.image_hash.as_str()).collect();
            for hash in hashes {
                if backend.table.faces_of_image(hash).await?.is_empty() {
                    if let Some(img) = backend.table.image(hash).await? {
                        backend.images.delete(&img.image_key).await?;
                    }
                    backend.table.delete_image(hash).await?;
                }
            }
        }
        for key in &report.orphan_objects {
            backend.images.delete(key).await?;
        }
        report.fixed = true;
    }
    Ok(report)
}
