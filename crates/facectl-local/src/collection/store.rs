//! SQL of the face collection: `collection_faces` rows (face prints as little-endian f32
//! blobs) and `collection_meta` (bound model, change generation).

use crate::error::{LocalError, LocalResult};
use facectl_core::model::CollectionFace;
use facectl_core::BackendError;
use facectl_engine::{Detection, Quality};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Most ids bound in one `IN (...)` list.
const CHUNK: usize = 500;

/// A face about to be stored.
pub(crate) struct NewFace {
    pub face_id: String,
    pub external_id: Option<String>,
    pub image_key: String,
    pub embedding: Vec<f32>,
    pub detection: Detection,
    pub quality: Quality,
    pub created_at: i64,
}

/// A stored face print.
pub(crate) struct StoredPrint {
    pub face_id: String,
    pub image_key: String,
    pub embedding: Vec<f32>,
}

pub(crate) fn embedding_to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub(crate) fn blob_to_embedding(b: &[u8]) -> Option<Vec<f32>> {
    let chunks = b.chunks_exact(4);
    if b.is_empty() || !chunks.remainder().is_empty() {
        return None;
    }
    Some(
        chunks
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Refuses to mix face prints of different models.
pub(crate) fn check_model(bound: Option<&str>, engine: &str) -> Result<(), BackendError> {
    match bound {
        Some(model) if model != engine => Err(BackendError::ModelMismatch {
            collection: model.to_string(),
            engine: engine.to_string(),
        }),
        _ => Ok(()),
    }
}

/// The model the collection's face prints were made with, if it holds any.
pub(crate) fn bound_model(conn: &Connection) -> LocalResult<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM collection_meta WHERE key = 'model'",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Bumped by every change to the faces, so other connections' caches can tell they are stale.
pub(crate) fn generation(conn: &Connection) -> LocalResult<i64> {
    Ok(conn
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM collection_meta WHERE key = 'generation'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

fn bump_generation(conn: &Connection) -> LocalResult<i64> {
    conn.execute(
        "INSERT INTO collection_meta (key, value) VALUES ('generation', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        [],
    )?;
    generation(conn)
}

pub(crate) fn count(conn: &Connection) -> LocalResult<u64> {
    let n: i64 = conn.query_row("SELECT count(*) FROM collection_faces", [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Stores faces in one transaction, binding the collection to `model` if it is not yet
/// bound. Returns the new generation.
pub(crate) fn insert_faces(
    conn: &mut Connection,
    model: &str,
    faces: &[NewFace],
) -> LocalResult<i64> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Checked again under the write lock: another process may have bound the collection.
    check_model(bound_model(&tx)?.as_deref(), model)?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO collection_faces (face_id, external_id, image_key, embedding, bbox_x,
                 bbox_y, bbox_width, bbox_height, confidence, landmarks, quality, model, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for f in faces {
            let landmarks = serde_json::to_string(&f.detection.landmarks)
                .map_err(|e| LocalError::Corrupt(format!("landmarks: {e}")))?;
            let quality = serde_json::to_string(&f.quality)
                .map_err(|e| LocalError::Corrupt(format!("quality: {e}")))?;
            let b = &f.detection.bbox;
            stmt.execute(params![
                f.face_id,
                f.external_id,
                f.image_key,
                embedding_to_blob(&f.embedding),
                b.x,
                b.y,
                b.width,
                b.height,
                f.detection.confidence,
                landmarks,
                quality,
                model,
                f.created_at,
            ])?;
        }
    }
    tx.execute(
        "INSERT OR IGNORE INTO collection_meta (key, value) VALUES ('model', ?1)",
        [model],
    )?;
    let generation = bump_generation(&tx)?;
    tx.commit()?;
    Ok(generation)
}

/// Deletes faces; returns the ids that existed (in the order given, without repeats) and the
/// new generation (unchanged when nothing was deleted). An emptied collection is unbound from
/// its model.
pub(crate) fn delete_faces(
    conn: &mut Connection,
    ids: &[String],
) -> LocalResult<(Vec<String>, i64)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut deleted = Vec::new();
    {
        let mut stmt = tx.prepare("DELETE FROM collection_faces WHERE face_id = ?1")?;
        for id in ids {
            if deleted.contains(id) {
                continue;
            }
            if stmt.execute([id])? > 0 {
                deleted.push(id.clone());
            }
        }
    }
    let generation = if deleted.is_empty() {
        generation(&tx)?
    } else {
        if count(&tx)? == 0 {
            tx.execute("DELETE FROM collection_meta WHERE key = 'model'", [])?;
        }
        bump_generation(&tx)?
    };
    tx.commit()?;
    Ok((deleted, generation))
}

pub(crate) fn list(conn: &Connection) -> LocalResult<Vec<CollectionFace>> {
    let mut stmt = conn.prepare(
        "SELECT face_id, external_id FROM collection_faces ORDER BY created_at, face_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CollectionFace {
            face_id: r.get(0)?,
            external_id: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn print_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, Vec<u8>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn decode_prints(rows: Vec<(String, String, Vec<u8>)>) -> Vec<StoredPrint> {
    rows.into_iter()
        .filter_map(
            |(face_id, image_key, blob)| match blob_to_embedding(&blob) {
                Some(embedding) => Some(StoredPrint {
                    face_id,
                    image_key,
                    embedding,
                }),
                None => {
                    tracing::warn!(
                        face_id,
                        bytes = blob.len(),
                        "skipping face with a corrupt face print"
                    );
                    None
                }
            },
        )
        .collect()
}

/// Every face print with the generation it belongs to, read consistently.
pub(crate) fn all_prints(conn: &mut Connection) -> LocalResult<(i64, Vec<StoredPrint>)> {
    let tx = conn.transaction()?;
    let generation = generation(&tx)?;
    let rows = {
        let mut stmt = tx.prepare("SELECT face_id, image_key, embedding FROM collection_faces")?;
        let rows = stmt.query_map([], print_from_row)?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    tx.commit()?;
    Ok((generation, decode_prints(rows)))
}

/// Face prints of the given ids (missing ids left out).
pub(crate) fn prints_of(conn: &Connection, ids: &[String]) -> LocalResult<Vec<StoredPrint>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT face_id, image_key, embedding FROM collection_faces WHERE face_id IN ({marks})"
        );
        let mut stmt = conn.prepare(&sql)?;
        let found = stmt.query_map(rusqlite::params_from_iter(chunk), print_from_row)?;
        for row in found {
            rows.push(row?);
        }
    }
    Ok(decode_prints(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_blob_round_trip() {
        let v = vec![0.5f32, -1.25, 3.0e-8, f32::MAX];
        let blob = embedding_to_blob(&v);
        assert_eq!(blob.len(), 16);
        assert_eq!(&blob[..4], &0.5f32.to_le_bytes());
        assert_eq!(blob_to_embedding(&blob), Some(v));
        assert_eq!(blob_to_embedding(&blob[..3]), None);
        assert_eq!(blob_to_embedding(&[]), None);
    }

    #[test]
    fn model_check() {
        assert!(check_model(None, "a").is_ok());
        assert!(check_model(Some("a"), "a").is_ok());
        assert!(matches!(
            check_model(Some("a"), "b"),
            Err(BackendError::ModelMismatch { collection, engine }) if collection == "a" && engine == "b"
        ));
    }
}
