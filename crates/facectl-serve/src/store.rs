//! The endpoint's state: collections and indexed faces in SQLite (`rekognition.sqlite` in the
//! data dir), with an in-memory embedding index per collection for search.

use crate::error::RekError;
use facectl_engine::EmbeddingIndex;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    model TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS faces (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    face_id TEXT NOT NULL UNIQUE,
    image_id TEXT NOT NULL,
    external_image_id TEXT,
    user_id TEXT,
    bbox_left REAL NOT NULL,
    bbox_top REAL NOT NULL,
    bbox_width REAL NOT NULL,
    bbox_height REAL NOT NULL,
    confidence REAL NOT NULL,
    embedding BLOB NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS faces_by_collection ON faces(collection, seq);
CREATE TABLE IF NOT EXISTS users (
    collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    created REAL NOT NULL,
    token TEXT,
    PRIMARY KEY (collection, user_id)
);
";

mod users;

/// A collection's row.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionRow {
    pub id: String,
    /// Seconds since the epoch.
    pub created: f64,
    /// The engine fingerprint that made its embeddings (reported as FaceModelVersion).
    pub model: String,
    pub face_count: i64,
}

/// An indexed face (bounding box as ratios of the image size).
#[derive(Debug, Clone, PartialEq)]
pub struct FaceRow {
    pub seq: i64,
    pub face_id: String,
    pub image_id: String,
    pub external_image_id: Option<String>,
    pub user_id: Option<String>,
    pub bbox: [f32; 4],
    pub confidence: f32,
}

/// A face to insert.
pub struct NewFace {
    pub face_id: String,
    pub image_id: String,
    pub external_image_id: Option<String>,
    pub bbox: [f32; 4],
    pub confidence: f32,
    pub embedding: Vec<f32>,
}

/// SQLite plus a search index per collection (built on first search, kept up to date).
pub struct Store {
    pub(crate) conn: Connection,
    indexes: HashMap<String, EmbeddingIndex>,
}

pub(crate) fn db_err(e: rusqlite::Error) -> RekError {
    RekError::internal(format!("store: {e}"))
}

pub(crate) fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn unblob(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn face_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FaceRow> {
    Ok(FaceRow {
        seq: r.get(0)?,
        face_id: r.get(1)?,
        image_id: r.get(2)?,
        external_image_id: r.get(3)?,
        user_id: r.get(4)?,
        bbox: [
            r.get::<_, f64>(5)? as f32,
            r.get::<_, f64>(6)? as f32,
            r.get::<_, f64>(7)? as f32,
            r.get::<_, f64>(8)? as f32,
        ],
        confidence: r.get::<_, f64>(9)? as f32,
    })
}

/// Creates `dir` (and missing parents) readable by the owner only, whatever the umask.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates the database file owner-only unless it exists (SQLite gives its `-wal` and `-shm`
/// files the same mode): stored face prints are nobody else's business.
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

const FACE_COLS: &str = "seq, face_id, image_id, external_image_id, user_id, bbox_left, bbox_top, bbox_width, bbox_height, confidence";

impl Store {
    /// Opens (creating) the store at `path`; `None` keeps everything in memory.
    pub fn open(path: Option<&Path>) -> Result<Store, String> {
        let conn = match path {
            Some(p) => {
                if let Some(dir) = p.parent() {
                    private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                private_file(p).map_err(|e| format!("{}: {e}", p.display()))?;
                Connection::open(p)
            }
            None => Connection::open_in_memory(),
        }
        .map_err(|e| e.to_string())?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
        )
        .map_err(|e| e.to_string())?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if version > SCHEMA_VERSION {
            return Err(format!(
                "schema version {version} is newer than this facectl understands ({SCHEMA_VERSION})"
            ));
        }
        conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
        conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
            .map_err(|e| e.to_string())?;
        Ok(Store {
            conn,
            indexes: HashMap::new(),
        })
    }

    pub fn create_collection(&mut self, id: &str, model: &str) -> Result<CollectionRow, RekError> {
        let created = now();
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO collections (id, created, model) VALUES (?1, ?2, ?3)",
                params![id, created, model],
            )
            .map_err(db_err)?;
        if n == 0 {
            return Err(RekError::already_exists(format!(
                "The collection id: {id} already exists"
            )));
        }
        Ok(CollectionRow {
            id: id.into(),
            created,
            model: model.into(),
            face_count: 0,
        })
    }

    pub fn collection(&self, id: &str) -> Result<CollectionRow, RekError> {
        self.conn
            .query_row(
                "SELECT id, created, model, (SELECT COUNT(*) FROM faces WHERE collection = c.id) FROM collections c WHERE id = ?1",
                params![id],
                |r| {
                    Ok(CollectionRow {
                        id: r.get(0)?,
                        created: r.get(1)?,
                        model: r.get(2)?,
                        face_count: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(db_err)?
            .ok_or_else(|| RekError::not_found(format!("The collection id: {id} does not exist")))
    }

    /// Collections with ids after `after`, sorted, at most `limit`.
    pub fn list_collections(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<CollectionRow>, RekError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, created, model, (SELECT COUNT(*) FROM faces WHERE collection = c.id) FROM collections c WHERE id > ?1 ORDER BY id LIMIT ?2",
            )
            .map_err(db_err)?;
        let rows = st
            .query_map(params![after.unwrap_or(""), limit as i64], |r| {
                Ok(CollectionRow {
                    id: r.get(0)?,
                    created: r.get(1)?,
                    model: r.get(2)?,
                    face_count: r.get(3)?,
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    pub fn delete_collection(&mut self, id: &str) -> Result<(), RekError> {
        self.collection(id)?;
        let tx = self.conn.transaction().map_err(db_err)?;
        tx.execute("DELETE FROM faces WHERE collection = ?1", params![id])
            .map_err(db_err)?;
        tx.execute("DELETE FROM users WHERE collection = ?1", params![id])
            .map_err(db_err)?;
        tx.execute("DELETE FROM collections WHERE id = ?1", params![id])
            .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
        self.indexes.remove(id);
        Ok(())
    }

    /// Inserts faces in one transaction.
    pub fn insert_faces(&mut self, collection: &str, faces: &[NewFace]) -> Result<(), RekError> {
        let created = now();
        let tx = self.conn.transaction().map_err(db_err)?;
        for f in faces {
            tx.execute(
                "INSERT INTO faces (collection, face_id, image_id, external_image_id, bbox_left, bbox_top, bbox_width, bbox_height, confidence, embedding, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    collection,
                    f.face_id,
                    f.image_id,
                    f.external_image_id,
                    f.bbox[0] as f64,
                    f.bbox[1] as f64,
                    f.bbox[2] as f64,
                    f.bbox[3] as f64,
                    f.confidence as f64,
                    blob(&f.embedding),
                    created
                ],
            )
            .map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        if let Some(index) = self.indexes.get_mut(collection) {
            for f in faces {
                index
                    .push(f.face_id.clone(), &f.embedding)
                    .map_err(|e| RekError::internal(format!("index: {e}")))?;
            }
        }
        Ok(())
    }

    /// Faces after sequence number `after`, in insertion order, at most `limit`; optionally
    /// only those with the given ids.
    pub fn list_faces(
        &self,
        collection: &str,
        after: i64,
        limit: usize,
        only: Option<&[String]>,
    ) -> Result<Vec<FaceRow>, RekError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {FACE_COLS} FROM faces WHERE collection = ?1 AND seq > ?2 ORDER BY seq"
            ))
            .map_err(db_err)?;
        let rows = st
            .query_map(params![collection, after], face_from_row)
            .map_err(db_err)?;
        let mut out = Vec::new();
        for r in rows {
            let r = r.map_err(db_err)?;
            if only.is_some_and(|ids| !ids.contains(&r.face_id)) {
                continue;
            }
            out.push(r);
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// The faces with these ids in the collection (unknown ids are left out).
    pub fn faces_by_id(&self, collection: &str, ids: &[String]) -> Result<Vec<FaceRow>, RekError> {
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT {FACE_COLS} FROM faces WHERE collection = ?1 AND face_id = ?2"
            ))
            .map_err(db_err)?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(f) = st
                .query_row(params![collection, id], face_from_row)
                .optional()
                .map_err(db_err)?
            {
                out.push(f);
            }
        }
        Ok(out)
    }

    pub fn embedding(&self, collection: &str, face_id: &str) -> Result<Option<Vec<f32>>, RekError> {
        let b: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT embedding FROM faces WHERE collection = ?1 AND face_id = ?2",
                params![collection, face_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        Ok(b.map(|b| unblob(&b)))
    }

    /// Deletes the faces that exist; returns the ids deleted.
    pub fn delete_faces(
        &mut self,
        collection: &str,
        ids: &[String],
    ) -> Result<Vec<String>, RekError> {
        let tx = self.conn.transaction().map_err(db_err)?;
        let mut deleted = Vec::new();
        for id in ids {
            let n = tx
                .execute(
                    "DELETE FROM faces WHERE collection = ?1 AND face_id = ?2",
                    params![collection, id],
                )
                .map_err(db_err)?;
            if n > 0 && !deleted.contains(id) {
                deleted.push(id.clone());
            }
        }
        tx.commit().map_err(db_err)?;
        if let Some(index) = self.indexes.get_mut(collection) {
            for id in &deleted {
                index.remove(id);
            }
        }
        Ok(deleted)
    }

    /// The collection's search index, built from the database on first use.
    pub fn index(&mut self, collection: &str) -> Result<&EmbeddingIndex, RekError> {
        if !self.indexes.contains_key(collection) {
            let mut st = self
                .conn
                .prepare("SELECT face_id, embedding FROM faces WHERE collection = ?1 ORDER BY seq")
                .map_err(db_err)?;
            let rows = st
                .query_map(params![collection], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .map_err(db_err)?;
            let mut index = EmbeddingIndex::new(facectl_engine::EMBEDDING_DIM);
            for row in rows {
                let (id, b) = row.map_err(db_err)?;
                index
                    .push(id, &unblob(&b))
                    .map_err(|e| RekError::internal(format!("index: {e}")))?;
            }
            drop(st);
            self.indexes.insert(collection.to_string(), index);
        }
        self.indexes
            .get(collection)
            .ok_or_else(|| RekError::internal("index vanished"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(id: &str, v: f32) -> NewFace {
        let mut e = vec![0.0; facectl_engine::EMBEDDING_DIM];
        e[0] = v;
        e[1] = 1.0 - v;
        NewFace {
            face_id: id.into(),
            image_id: "img".into(),
            external_image_id: Some("x".into()),
            bbox: [0.1, 0.2, 0.3, 0.4],
            confidence: 99.0,
            embedding: e,
        }
    }

    #[test]
    fn collections_faces_and_index_stay_consistent() {
        let mut s = Store::open(None).unwrap();
        s.create_collection("a", "m").unwrap();
        assert_eq!(
            s.create_collection("a", "m").unwrap_err().kind,
            "ResourceAlreadyExistsException"
        );
        s.insert_faces("a", &[face("f1", 1.0)]).unwrap();
        assert_eq!(s.index("a").unwrap().len(), 1);
        s.insert_faces("a", &[face("f2", 0.0), face("f3", 0.9)])
            .unwrap();
        assert_eq!(s.index("a").unwrap().len(), 3, "index follows inserts");
        assert_eq!(s.collection("a").unwrap().face_count, 3);
        let page = s.list_faces("a", 0, 2, None).unwrap();
        assert_eq!(page.len(), 2);
        let rest = s.list_faces("a", page[1].seq, 10, None).unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].face_id, "f3");
        let del = s
            .delete_faces("a", &["f1".into(), "nope".into(), "f1".into()])
            .unwrap();
        assert_eq!(del, vec!["f1".to_string()]);
        assert_eq!(s.index("a").unwrap().len(), 2, "index follows deletes");
        assert!(s.embedding("a", "f2").unwrap().is_some());
        s.delete_collection("a").unwrap();
        assert_eq!(
            s.collection("a").unwrap_err().kind,
            "ResourceNotFoundException"
        );
        assert!(s.list_faces("a", 0, 10, None).unwrap().is_empty());
    }

    #[test]
    fn store_persists_across_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.sqlite");
        {
            let mut s = Store::open(Some(&path)).unwrap();
            s.create_collection("c", "m").unwrap();
            s.insert_faces("c", &[face("f1", 1.0)]).unwrap();
        }
        let mut s = Store::open(Some(&path)).unwrap();
        assert_eq!(s.collection("c").unwrap().face_count, 1);
        assert_eq!(s.index("c").unwrap().len(), 1);
    }
}
