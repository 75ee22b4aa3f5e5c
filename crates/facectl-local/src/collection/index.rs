//! The in-memory search index over the collection's face prints: loaded once from SQLite,
//! kept up to date by this process's writes, reloaded when another process changed the faces
//! (detected by the generation counter in `collection_meta`).

use super::store::{self, StoredPrint};
use crate::db::Db;
use facectl_core::ports::BackendResult;
use facectl_engine::{EmbeddingIndex, EMBEDDING_DIM};
use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Face prints of one generation of the collection.
pub(crate) struct SearchIndex {
    generation: i64,
    index: EmbeddingIndex,
    /// Image key of every face id in the index.
    keys: HashMap<String, String>,
}

impl SearchIndex {
    fn build(generation: i64, prints: Vec<StoredPrint>) -> Self {
        let mut idx = SearchIndex {
            generation,
            index: EmbeddingIndex::new(EMBEDDING_DIM),
            keys: HashMap::with_capacity(prints.len()),
        };
        for p in prints {
            idx.add(p.face_id, p.image_key, &p.embedding);
        }
        idx
    }

    fn add(&mut self, face_id: String, image_key: String, embedding: &[f32]) {
        match self.index.push(face_id.clone(), embedding) {
            Ok(()) => {
                self.keys.insert(face_id, image_key);
            }
            Err(e) => {
                tracing::warn!(face_id, error = %e, "face print left out of the search index")
            }
        }
    }

    fn remove(&mut self, face_id: &str) {
        self.index.remove(face_id);
        self.keys.remove(face_id);
    }

    /// The `k` best faces reaching `min_similarity`: (face id, image key, similarity), best first.
    pub(crate) fn top_k(
        &self,
        query: &[f32],
        k: usize,
        min_similarity: f32,
    ) -> Vec<(String, String, f32)> {
        self.index
            .top_k(query, k, min_similarity)
            .into_iter()
            .map(|(id, sim)| {
                let key = self.keys.get(&id).cloned().unwrap_or_default();
                (id, key, sim)
            })
            .collect()
    }
}

/// A change this process made to the faces, to apply to a loaded index.
pub(crate) enum Change<'a> {
    Added(Vec<(String, String, &'a [f32])>),
    Removed(&'a [String]),
}

/// The index, loaded lazily and shared by the collection's calls.
#[derive(Default)]
pub(crate) struct IndexCache {
    slot: RwLock<Option<SearchIndex>>,
}

impl IndexCache {
    fn read(&self) -> RwLockReadGuard<'_, Option<SearchIndex>> {
        self.slot.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Option<SearchIndex>> {
        self.slot.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on an index that reflects the database now. Blocking.
    pub(crate) fn with_current<T>(
        &self,
        db: &Db,
        f: impl FnOnce(&SearchIndex) -> T,
    ) -> BackendResult<T> {
        let current = db.call_blocking(|c| store::generation(c))?;
        {
            let guard = self.read();
            if let Some(idx) = guard.as_ref().filter(|i| i.generation == current) {
                return Ok(f(idx));
            }
        }
        let mut guard = self.write();
        let fresh = guard.as_ref().is_some_and(|i| i.generation >= current);
        if !fresh {
            let (generation, prints) = db.call_blocking(store::all_prints)?;
            tracing::debug!(generation, faces = prints.len(), "loaded search index");
            *guard = Some(SearchIndex::build(generation, prints));
        }
        match guard.as_ref() {
            Some(idx) => Ok(f(idx)),
            None => Ok(f(&SearchIndex::build(current, Vec::new()))),
        }
    }

    /// Applies this process's own write, which moved the database to `generation`. If other
    /// writes happened in between, the index is dropped and reloaded on next use.
    pub(crate) fn apply(&self, generation: i64, change: Change<'_>) {
        let mut guard = self.write();
        let Some(idx) = guard.as_mut() else {
            return;
        };
        if idx.generation + 1 != generation {
            *guard = None;
            return;
        }
        match change {
            Change::Added(faces) => {
                for (id, key, embedding) in faces {
                    idx.add(id, key, embedding);
                }
            }
            Change::Removed(ids) => {
                for id in ids {
                    idx.remove(id);
                }
            }
        }
        idx.generation = generation;
    }
}
