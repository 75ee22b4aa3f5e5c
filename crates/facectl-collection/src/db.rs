//! A database of face collections only (what `facectl serve` keeps in `rekognition.sqlite`):
//! opening it private, its pragmas and schema version, the import of serve's first layout,
//! and its search indexes saved beside it. Also the search that both this and a backend's own
//! database use: index hits joined with their face rows.

use crate::error::{CollectionError, CollectionResult};
use crate::index::{IndexConfig, SearchIndexes};
use crate::schema::{ADOPT_SERVE_V1, SCHEMA_V1};
use crate::store::{self, CollectionRow, FaceRow};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Version 1 was serve's first layout (`collections`, `faces`, `users`).
const VERSION: i64 = 2;

/// How long a write waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A face found by a search, with its score (0-100).
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub face: FaceRow,
    pub similarity: f32,
}

/// The `k` best faces of the collection reaching `min_similarity`, best first, leaving out
/// the face `exclude` (a search by a stored face does not find itself).
pub fn search_faces(
    conn: &Connection,
    indexes: &SearchIndexes,
    collection_id: &str,
    query: &[f32],
    k: usize,
    min_similarity: f32,
    exclude: Option<&str>,
) -> CollectionResult<Vec<Match>> {
    let ask = k.saturating_add(usize::from(exclude.is_some()));
    let hits = indexes.search(conn, collection_id, query, ask, min_similarity)?;
    let seqs: Vec<i64> = hits.iter().map(|h| h.seq).collect();
    let rows = store::faces_by_seq(conn, &seqs)?;
    Ok(hits
        .iter()
        .filter_map(|h| {
            let face = rows.iter().find(|r| r.seq == h.seq)?;
            (Some(face.face_id.as_str()) != exclude).then(|| Match {
                face: face.clone(),
                similarity: h.similarity,
            })
        })
        .take(k)
        .collect())
}

/// A database file of face collections with its search indexes.
pub struct CollectionDb {
    conn: Connection,
    indexes: SearchIndexes,
    path: Option<PathBuf>,
}

/// Where the saved search indexes of the database at `path` live.
pub fn index_dir_of(path: &Path) -> PathBuf {
    path.with_extension("index")
}

fn io(path: &Path, e: std::io::Error) -> CollectionError {
    CollectionError::Open {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

impl CollectionDb {
    /// Opens (creating, owner-only) the database at `path`, its indexes saved in
    /// [`index_dir_of`]; `None` keeps everything in memory. A database of serve's first
    /// layout is converted in place, in one transaction.
    pub fn open(path: Option<&Path>, mut config: IndexConfig) -> CollectionResult<CollectionDb> {
        let conn = match path {
            Some(p) => {
                if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                    crate::private::create_dir_all(dir).map_err(|e| io(dir, e))?;
                }
                crate::private::touch(p).map_err(|e| io(p, e))?;
                config.dir = Some(index_dir_of(p));
                Connection::open(p)?
            }
            None => {
                config.dir = None;
                Connection::open_in_memory()?
            }
        };
        let mut conn = conn;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")?;
        migrate(&mut conn, path)?;
        let dim = facectl_engine::EMBEDDING_DIM;
        Ok(CollectionDb {
            conn,
            indexes: SearchIndexes::new(config, dim),
            path: path.map(Path::to_path_buf),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn indexes(&self) -> &SearchIndexes {
        &self.indexes
    }

    /// Deletes a collection, its faces, users and saved index.
    pub fn delete_collection(&mut self, id: &str) -> CollectionResult<CollectionRow> {
        let row = store::delete_collection(&mut self.conn, id)?;
        self.indexes.forget(&row);
        Ok(row)
    }

    /// See [`search_faces`].
    pub fn search(
        &self,
        collection_id: &str,
        query: &[f32],
        k: usize,
        min_similarity: f32,
        exclude: Option<&str>,
    ) -> CollectionResult<Vec<Match>> {
        search_faces(
            &self.conn,
            &self.indexes,
            collection_id,
            query,
            k,
            min_similarity,
            exclude,
        )
    }
}

fn migrate(conn: &mut Connection, path: Option<&Path>) -> CollectionResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > VERSION {
        return Err(CollectionError::Open {
            path: path.map_or("(memory)".into(), |p| p.display().to_string()),
            reason: format!(
                "schema version {version} is newer than this facectl understands ({VERSION})"
            ),
        });
    }
    if version == VERSION {
        return Ok(());
    }
    tx.execute_batch(SCHEMA_V1)?;
    let first_layout = tx
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'collections'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if first_layout {
        tx.execute_batch(ADOPT_SERVE_V1)?;
        tracing::info!("moved the collections of the first layout into the fc_* tables");
    }
    tx.execute_batch(&format!("PRAGMA user_version = {VERSION}"))?;
    tx.commit()?;
    Ok(())
}
