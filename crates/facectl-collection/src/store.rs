//! SQL of the face collections: collections, faces (face prints as little-endian f32 blobs)
//! and the removal log the search index catches up from. Every function takes the caller's
//! connection, so a backend keeps its own file, pragmas and locking.

use crate::error::{CollectionError, CollectionResult};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Most ids bound in one `IN (...)` list.
const CHUNK: usize = 500;

/// A collection as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CollectionRow {
    pub id: String,
    /// Random per creation (see the schema).
    pub uid: String,
    /// Seconds since the epoch.
    pub created: f64,
    /// The model its face prints were made with (`None` while an unpinned one is empty).
    pub model: Option<String>,
    pub generation: i64,
    pub faces: u64,
    pub(crate) pruned: i64,
}

/// A face about to be stored. `bbox` is in pixels of the upright image of `image_size`.
#[derive(Clone, Debug, Default)]
pub struct NewFace {
    pub face_id: String,
    pub image_id: String,
    pub external_id: Option<String>,
    pub image_key: String,
    pub bbox: [f32; 4],
    pub image_size: (u32, u32),
    pub confidence: f32,
    /// JSON of the landmarks and of the measured quality, when known.
    pub landmarks: Option<String>,
    pub quality: Option<String>,
    pub embedding: Vec<f32>,
}

/// A stored face, without its face print.
#[derive(Clone, Debug, PartialEq)]
pub struct FaceRow {
    pub seq: i64,
    pub face_id: String,
    pub image_id: String,
    pub external_id: Option<String>,
    pub image_key: String,
    pub user_id: Option<String>,
    /// Pixels of the upright image of `image_size` ((0, 0) when unknown).
    pub bbox: [f32; 4],
    pub image_size: (u32, u32),
    pub confidence: f32,
}

impl FaceRow {
    /// The box as ratios `[left, top, width, height]` of the image (the pixels as they are
    /// when the image size is unknown).
    pub fn bbox_ratios(&self) -> [f32; 4] {
        let (w, h) = self.image_size;
        if w == 0 || h == 0 {
            return self.bbox;
        }
        let (w, h) = (w as f32, h as f32);
        let [x, y, bw, bh] = self.bbox;
        [x / w, y / h, bw / w, bh / h]
    }
}

/// A stored face print.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPrint {
    pub seq: i64,
    pub face_id: String,
    pub image_key: String,
    pub embedding: Vec<f32>,
}

pub fn embedding_to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The face print of a blob; `None` when its size is not a whole, non-zero number of f32s.
pub fn blob_to_embedding(b: &[u8]) -> Option<Vec<f32>> {
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
pub fn check_model(bound: Option<&str>, engine: &str) -> CollectionResult<()> {
    match bound {
        Some(model) if model != engine => Err(CollectionError::ModelMismatch {
            collection: model.to_string(),
            engine: engine.to_string(),
        }),
        _ => Ok(()),
    }
}

pub(crate) fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

const COLLECTION_COLS: &str = "id, uid, created, model, generation, faces, pruned";

fn collection_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CollectionRow> {
    Ok(CollectionRow {
        id: r.get(0)?,
        uid: r.get(1)?,
        created: r.get(2)?,
        model: r.get(3)?,
        generation: r.get(4)?,
        faces: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
        pruned: r.get(6)?,
    })
}

/// Creates a collection; `model` pins it to a model from the start (Rekognition's
/// CreateCollection), `None` binds it to the model of its first faces.
pub fn create_collection(
    conn: &Connection,
    id: &str,
    model: Option<&str>,
) -> CollectionResult<CollectionRow> {
    let uid = uuid::Uuid::new_v4().simple().to_string();
    let n = conn.execute(
        "INSERT OR IGNORE INTO fc_collections (id, uid, created, model, pinned) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, uid, now(), model, model.is_some()],
    )?;
    if n == 0 {
        return Err(CollectionError::AlreadyExists(id.to_string()));
    }
    collection(conn, id)?.ok_or_else(|| CollectionError::NotFound(id.to_string()))
}

/// Creates an unpinned collection unless it exists.
pub fn ensure_collection(conn: &Connection, id: &str) -> CollectionResult<()> {
    match create_collection(conn, id, None) {
        Ok(_) | Err(CollectionError::AlreadyExists(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn collection(conn: &Connection, id: &str) -> CollectionResult<Option<CollectionRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLLECTION_COLS} FROM fc_collections WHERE id = ?1"),
            [id],
            collection_from_row,
        )
        .optional()?)
}

/// The collection, or [`CollectionError::NotFound`].
pub fn require(conn: &Connection, id: &str) -> CollectionResult<CollectionRow> {
    collection(conn, id)?.ok_or_else(|| CollectionError::NotFound(id.to_string()))
}

/// Collections with ids after `after`, sorted, at most `limit`.
pub fn list_collections(
    conn: &Connection,
    after: Option<&str>,
    limit: usize,
) -> CollectionResult<Vec<CollectionRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLLECTION_COLS} FROM fc_collections WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = st.query_map(params![after.unwrap_or(""), limit], collection_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes a collection with its faces; returns the deleted collection's row.
pub fn delete_collection(conn: &mut Connection, id: &str) -> CollectionResult<CollectionRow> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = require(&tx, id)?;
    tx.execute("DELETE FROM fc_faces WHERE collection = ?1", [id])?;
    tx.execute("DELETE FROM fc_removed WHERE collection = ?1", [id])?;
    tx.execute("DELETE FROM fc_users WHERE collection = ?1", [id])?;
    tx.execute("DELETE FROM fc_collections WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(row)
}

/// Stores faces in one transaction, binding the collection to `model` if it is not yet
/// bound. Returns the new generation. Fails (storing nothing) when the collection is gone,
/// was created again since `uid` was read (when given), or is bound to another model.
pub fn insert_faces(
    conn: &mut Connection,
    collection_id: &str,
    uid: Option<&str>,
    model: &str,
    faces: &[NewFace],
) -> CollectionResult<i64> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Checked again under the write lock: another process may have changed the collection.
    let row = require(&tx, collection_id)?;
    if uid.is_some_and(|u| u != row.uid) {
        return Err(CollectionError::NotFound(collection_id.to_string()));
    }
    check_model(row.model.as_deref(), model)?;
    let created = now();
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO fc_faces (collection, face_id, image_id, external_id, image_key, bbox_x,
                 bbox_y, bbox_width, bbox_height, image_width, image_height, confidence,
                 landmarks, quality, embedding, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for f in faces {
            let [x, y, w, h] = f.bbox;
            stmt.execute(params![
                collection_id,
                f.face_id,
                f.image_id,
                f.external_id,
                f.image_key,
                x,
                y,
                w,
                h,
                f.image_size.0,
                f.image_size.1,
                f.confidence,
                f.landmarks,
                f.quality,
                embedding_to_blob(&f.embedding),
                created,
            ])?;
        }
    }
    let added = i64::try_from(faces.len()).unwrap_or(i64::MAX);
    tx.execute(
        "UPDATE fc_collections SET model = COALESCE(model, ?2), faces = faces + ?3,
             generation = generation + 1 WHERE id = ?1",
        params![collection_id, model, added],
    )?;
    let generation = require(&tx, collection_id)?.generation;
    tx.commit()?;
    Ok(generation)
}

/// Deletes faces; returns the ids that existed (in the order given, without repeats) and the
/// new generation (unchanged when nothing was deleted). An emptied unpinned collection is
/// unbound from its model.
pub fn delete_faces(
    conn: &mut Connection,
    collection_id: &str,
    ids: &[String],
) -> CollectionResult<(Vec<String>, i64)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let row = require(&tx, collection_id)?;
    let next = row.generation + 1;
    let mut deleted = Vec::new();
    {
        let mut find =
            tx.prepare_cached("SELECT seq FROM fc_faces WHERE collection = ?1 AND face_id = ?2")?;
        let mut remove = tx.prepare_cached("DELETE FROM fc_faces WHERE seq = ?1")?;
        let mut log = tx.prepare_cached(
            "INSERT INTO fc_removed (collection, generation, seq) VALUES (?1, ?2, ?3)",
        )?;
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            if !seen.insert(id.as_str()) {
                continue;
            }
            let seq: Option<i64> = find
                .query_row(params![collection_id, id], |r| r.get(0))
                .optional()?;
            if let Some(seq) = seq {
                remove.execute([seq])?;
                log.execute(params![collection_id, next, seq])?;
                deleted.push(id.clone());
            }
        }
    }
    if deleted.is_empty() {
        tx.commit()?;
        return Ok((deleted, row.generation));
    }
    let n = i64::try_from(deleted.len()).unwrap_or(i64::MAX);
    tx.execute(
        "UPDATE fc_collections SET faces = max(faces - ?2, 0), generation = ?3,
             model = CASE WHEN pinned = 0 AND faces - ?2 <= 0 THEN NULL ELSE model END
         WHERE id = ?1",
        params![collection_id, n, next],
    )?;
    tx.commit()?;
    Ok((deleted, next))
}

const FACE_COLS: &str = "seq, face_id, image_id, external_id, image_key, user_id, bbox_x, bbox_y,
    bbox_width, bbox_height, image_width, image_height, confidence";

fn face_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FaceRow> {
    Ok(FaceRow {
        seq: r.get(0)?,
        face_id: r.get(1)?,
        image_id: r.get(2)?,
        external_id: r.get(3)?,
        image_key: r.get(4)?,
        user_id: r.get(5)?,
        bbox: [r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?],
        image_size: (r.get(10)?, r.get(11)?),
        confidence: r.get(12)?,
    })
}

/// Faces after `after_seq`, in insertion order, at most `limit`.
pub fn list_faces(
    conn: &Connection,
    collection_id: &str,
    after_seq: i64,
    limit: usize,
) -> CollectionResult<Vec<FaceRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {FACE_COLS} FROM fc_faces WHERE collection = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    ))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = st.query_map(params![collection_id, after_seq, limit], face_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The faces with these ids in the collection, in insertion order (unknown ids left out).
pub fn faces_by_id(
    conn: &Connection,
    collection_id: &str,
    ids: &[String],
) -> CollectionResult<Vec<FaceRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT {FACE_COLS} FROM fc_faces WHERE collection = ? AND face_id IN ({marks})"
        );
        let mut st = conn.prepare(&sql)?;
        let binds = std::iter::once(collection_id).chain(chunk.iter().map(String::as_str));
        for row in st.query_map(rusqlite::params_from_iter(binds), face_from_row)? {
            out.push(row?);
        }
    }
    out.sort_by_key(|f| f.seq);
    out.dedup_by_key(|f| f.seq);
    Ok(out)
}

/// The faces with these sequence numbers (in the order given, unknown ones left out).
pub fn faces_by_seq(conn: &Connection, seqs: &[i64]) -> CollectionResult<Vec<FaceRow>> {
    let mut st =
        conn.prepare_cached(&format!("SELECT {FACE_COLS} FROM fc_faces WHERE seq = ?1"))?;
    let mut out = Vec::with_capacity(seqs.len());
    for seq in seqs {
        if let Some(f) = st.query_row([seq], face_from_row).optional()? {
            out.push(f);
        }
    }
    Ok(out)
}

fn decode_print(seq: i64, face_id: String, image_key: String, blob: &[u8]) -> Option<StoredPrint> {
    match blob_to_embedding(blob) {
        Some(embedding) => Some(StoredPrint {
            seq,
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
    }
}

/// Face prints of the given ids in the collection (missing ids and corrupt prints left out).
pub fn prints_of(
    conn: &Connection,
    collection_id: &str,
    ids: &[String],
) -> CollectionResult<Vec<StoredPrint>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT seq, face_id, image_key, embedding FROM fc_faces
             WHERE collection = ? AND face_id IN ({marks})"
        );
        let mut st = conn.prepare(&sql)?;
        let binds = std::iter::once(collection_id).chain(chunk.iter().map(String::as_str));
        let mut rows = st.query(rusqlite::params_from_iter(binds))?;
        while let Some(r) = rows.next()? {
            let blob: Vec<u8> = r.get(3)?;
            if let Some(p) = decode_print(r.get(0)?, r.get(1)?, r.get(2)?, &blob) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// The face print of one face of the collection (`None` when there is no such face or its
/// print is corrupt).
pub fn print_of(
    conn: &Connection,
    collection_id: &str,
    face_id: &str,
) -> CollectionResult<Option<Vec<f32>>> {
    Ok(prints_of(conn, collection_id, &[face_id.to_string()])?
        .pop()
        .map(|p| p.embedding))
}

/// Calls `f` with every face print of the collection after `after_seq`, in `seq` order,
/// without holding them all in memory (corrupt prints are skipped with a warning).
pub fn for_each_print(
    conn: &Connection,
    collection_id: &str,
    after_seq: i64,
    mut f: impl FnMut(StoredPrint) -> CollectionResult<()>,
) -> CollectionResult<()> {
    let mut st = conn.prepare_cached(
        "SELECT seq, face_id, image_key, embedding FROM fc_faces
         WHERE collection = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let mut rows = st.query(params![collection_id, after_seq])?;
    while let Some(r) = rows.next()? {
        // A print stored as something other than a blob is as corrupt as a short one.
        let blob = r.get_ref(3)?.as_blob().unwrap_or_default();
        if let Some(p) = decode_print(r.get(0)?, r.get(1)?, r.get(2)?, blob) {
            f(p)?;
        }
    }
    Ok(())
}

/// Sequence numbers removed from the collection after generation `since`.
pub fn removed_since(
    conn: &Connection,
    collection_id: &str,
    since: i64,
) -> CollectionResult<Vec<i64>> {
    let mut st = conn
        .prepare_cached("SELECT seq FROM fc_removed WHERE collection = ?1 AND generation > ?2")?;
    let rows = st.query_map(params![collection_id, since], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Forgets removals up to generation `upto` (a saved index reflects them), unless the
/// collection was created again meanwhile.
pub fn prune_removed(
    conn: &Connection,
    collection_id: &str,
    uid: &str,
    upto: i64,
) -> CollectionResult<()> {
    let n = conn.execute(
        "UPDATE fc_collections SET pruned = max(pruned, ?3) WHERE id = ?1 AND uid = ?2",
        params![collection_id, uid, upto],
    )?;
    if n > 0 {
        conn.execute(
            "DELETE FROM fc_removed WHERE collection = ?1 AND generation <= ?2",
            params![collection_id, upto],
        )?;
    }
    Ok(())
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
            Err(CollectionError::ModelMismatch { collection, engine }) if collection == "a" && engine == "b"
        ));
    }
}
