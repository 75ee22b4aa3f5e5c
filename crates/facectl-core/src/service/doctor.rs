//! `doctor`: find (and with `fix`, repair) disagreements between collection, table and store,
//! in every direction, without ever touching what live writers are doing or what facectl did
//! not write.
//!
//! Reads run in an order that keeps concurrent writers from looking broken: face records, then
//! stored keys, then the collection, then image records, then face records again (a writer
//! claims its image before storing the object, stores it before indexing, indexes before it
//! commits). Objects outside facectl's key layout (`ab/<sha256>.<ext>`) are reported as
//! foreign and never deleted.

use super::claims::is_abandoned;
use super::{ingest, read_image_file, sha256_hex, sniff_format, DEFAULT_MAX_IMAGE_BYTES};
use crate::error::ServiceError;
use crate::model::{now_epoch, ImageRecord, ImageStatus, ObjectMeta};
use crate::ports::Backend;
use crate::progress::NoProgress;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// Extensions facectl stores images under.
const STORED_EXTENSIONS: &[&str] = &["jpg", "png", "webp", "gif", "bmp", "tiff"];

/// What doctor found and fixed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DoctorReport {
    /// Faces in the collection with no table record.
    pub orphan_faces: Vec<String>,
    /// Table records whose face is gone from the collection.
    pub dangling_records: Vec<String>,
    /// Stored objects under facectl's key layout that no image record points at.
    pub orphan_objects: Vec<String>,
    /// Keys of indexed images whose stored object is missing.
    #[serde(default)]
    pub missing_objects: Vec<String>,
    /// Images left pending by an interrupted run (their writer is gone).
    pub pending_images: Vec<String>,
    /// Images a live writer is working on right now (not a problem; left alone).
    #[serde(default)]
    pub in_flight_images: Vec<String>,
    /// Objects outside facectl's key layout: not facectl's, reported and never deleted.
    #[serde(default)]
    pub foreign_objects: Vec<String>,
    /// What `--fix` could not repair, with the reason.
    #[serde(default)]
    pub unfixed: Vec<String>,
    pub fixed: bool,
}

impl DoctorReport {
    pub fn problems(&self) -> usize {
        self.orphan_faces.len()
            + self.dangling_records.len()
            + self.orphan_objects.len()
            + self.missing_objects.len()
            + self.pending_images.len()
    }
}

/// True for keys facectl writes: `ab/<sha256>.<ext>` with `ab` the hash's first two digits.
pub fn is_facectl_key(key: &str) -> bool {
    let Some((dir, file)) = key.split_once('/') else {
        return false;
    };
    let Some((hash, ext)) = file.split_once('.') else {
        return false;
    };
    let hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    hash.len() == 64
        && hex(hash)
        && hash.starts_with(dir)
        && dir.len() == 2
        && STORED_EXTENSIONS.contains(&ext)
}

pub async fn doctor(backend: &Backend, fix: bool) -> Result<DoctorReport, ServiceError> {
    let records_before = backend.table.all_faces().await?;
    let keys = backend.images.list_keys().await?;
    let collection = backend.collection.list_faces().await?;
    let images = backend.table.images(None).await?;
    let records = backend.table.all_faces().await?;

    let now = now_epoch();
    let (abandoned, live): (Vec<&ImageRecord>, Vec<&ImageRecord>) = images
        .iter()
        .filter(|i| i.status == ImageStatus::Pending)
        .partition(|i| is_abandoned(i.claim.as_ref(), now));
    let busy: HashSet<&str> = live.iter().filter_map(|i| i.person_id.as_deref()).collect();
    let in_collection: HashSet<&str> = collection.iter().map(|f| f.face_id.as_str()).collect();
    let recorded: HashSet<&str> = records.iter().map(|r| r.face_id.as_str()).collect();
    let mut report = DoctorReport {
        orphan_faces: collection
            .iter()
            .filter(|f| !recorded.contains(f.face_id.as_str()))
            .filter(|f| !f.external_id.as_deref().is_some_and(|e| busy.contains(e)))
            .map(|f| f.face_id.clone())
            .collect(),
        dangling_records: records_before
            .iter()
            .filter(|r| !in_collection.contains(r.face_id.as_str()))
            .map(|r| r.face_id.clone())
            .collect(),
        pending_images: abandoned.iter().map(|i| i.image_hash.clone()).collect(),
        in_flight_images: live.iter().map(|i| i.image_hash.clone()).collect(),
        ..DoctorReport::default()
    };
    let known_keys: HashSet<&str> = images
        .iter()
        .filter(|i| i.status == ImageStatus::Indexed || i.status == ImageStatus::Pending)
        .map(|i| i.image_key.as_str())
        .collect();
    let (ours, foreign): (Vec<String>, Vec<String>) =
        keys.iter().cloned().partition(|k| is_facectl_key(k));
    report.foreign_objects = foreign;
    report.orphan_objects = ours
        .into_iter()
        .filter(|k| !known_keys.contains(k.as_str()))
        .collect();
    let stored: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let mut missing = Vec::new();
    for image in images.iter().filter(|i| i.status == ImageStatus::Indexed) {
        // Listed before the image was read: confirm, the object may have come since.
        if !image.image_key.is_empty()
            && !stored.contains(image.image_key.as_str())
            && !backend.images.exists(&image.image_key).await?
        {
            missing.push(image);
        }
    }
    report.missing_objects = missing.iter().map(|i| i.image_key.clone()).collect();

    if fix && report.problems() > 0 {
        ingest::recover(backend, &NoProgress).await?;
        if !report.orphan_faces.is_empty() {
            backend
                .collection
                .delete_faces(&report.orphan_faces)
                .await?;
        }
        if !report.dangling_records.is_empty() {
            backend.table.delete_faces(&report.dangling_records).await?;
            // An image whose last face went with the records is forgotten too.
            let dangling: HashSet<&str> =
                report.dangling_records.iter().map(String::as_str).collect();
            let hashes: HashSet<&str> = records_before
                .iter()
                .filter(|r| dangling.contains(r.face_id.as_str()))
                .map(|r| r.image_hash.as_str())
                .filter(|h| !h.is_empty())
                .collect();
            for hash in hashes {
                if backend.table.faces_of_image(hash).await?.is_empty() {
                    if let Some(img) = backend.table.image(hash).await? {
                        if img.status == ImageStatus::Indexed {
                            backend.images.delete(&img.image_key).await?;
                            backend.table.delete_image(hash).await?;
                        }
                    }
                }
            }
        }
        for key in &report.orphan_objects {
            backend.images.delete(key).await?;
        }
        for image in missing {
            if let Err(why) = restore(backend, image).await? {
                report.unfixed.push(format!("{}: {why}", image.image_key));
            }
        }
        report.fixed = true;
    }
    Ok(report)
}

/// Put a missing object back from the file it was imported from, when that file still has
/// the same content. `Ok(Err(why))` when it cannot be restored.
async fn restore(
    backend: &Backend,
    image: &ImageRecord,
) -> Result<Result<(), String>, ServiceError> {
    let source = Path::new(&image.source);
    let bytes = match read_image_file(source, DEFAULT_MAX_IMAGE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            return Ok(Err(format!(
                "stored image missing and its source cannot be read ({e}); \
                 re-import the photo after `facectl delete --image {}`",
                image.image_hash
            )))
        }
    };
    if sha256_hex(&bytes) != image.image_hash {
        return Ok(Err(format!(
            "stored image missing and {} has changed since it was imported",
            image.source
        )));
    }
    let content_type = sniff_format(&bytes).map(|(_, t)| t).unwrap_or_default();
    let person_name = backend
        .table
        .faces_of_image(&image.image_hash)
        .await?
        .into_iter()
        .next()
        .map(|f| f.person.name)
        .unwrap_or_default();
    let meta = ObjectMeta {
        content_type: content_type.into(),
        image_hash: image.image_hash.clone(),
        person_name,
    };
    backend.images.put(&image.image_key, &bytes, &meta).await?;
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::is_facectl_key;

    #[test]
    fn only_content_addressed_keys_are_facectls() {
        let hash = "ab".repeat(32);
        assert!(is_facectl_key(&format!("ab/{hash}.jpg")));
        assert!(!is_facectl_key(&format!("cd/{hash}.jpg")), "wrong folder");
        assert!(
            !is_facectl_key(&format!("ab/{hash}.txt")),
            "not an image ext"
        );
        assert!(!is_facectl_key(&format!("x/ab/{hash}.jpg")), "deeper");
        assert!(!is_facectl_key("images/jane_doe.jpg"), "tutorial layout");
        assert!(!is_facectl_key("zz/orphan.png"));
        assert!(
            !is_facectl_key(&format!("AB/{}.jpg", "AB".repeat(32))),
            "upper case"
        );
    }
}
