//! The approximate part of a saved search index for big collections: an HNSW graph
//! (`usearch`) over i8 copies of the face prints, keyed by face `seq`. It only proposes
//! candidates; their scores come from the exact rows.

use crate::error::{CollectionError, CollectionResult};
use std::path::Path;
use usearch::{Index, IndexOptions, MetricKind, ScalarKind};

/// Graph links per node (the base layer has twice as many): ~16 is usearch's default and
/// keeps a face at about 128 (vector) + 140 (links, key) bytes.
const CONNECTIVITY: usize = 16;
/// Candidate list while building: higher builds slower and finds better links.
const EXPANSION_ADD: usize = 128;
/// Default candidate list while searching (raised to the number of results asked for).
pub(crate) const EXPANSION_SEARCH: usize = 512;

fn err(path: &str, e: impl std::fmt::Display) -> CollectionError {
    CollectionError::Index {
        path: path.to_string(),
        reason: e.to_string(),
    }
}

/// The i8 copy of a unit-length print: scaled so its largest value is 127 (cosine does not
/// care about scale, and this keeps ~8 bits for every print instead of usearch's fixed
/// [-1, 1] range that leaves face prints ~4).
pub(crate) fn quantise(v: &[f32]) -> Vec<i8> {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    if max.is_nan() || max <= 0.0 {
        return vec![0; v.len()];
    }
    let s = 127.0 / max;
    v.iter()
        .map(|x| (x * s).round().clamp(-127.0, 127.0) as i8)
        .collect()
}

/// An HNSW graph, in memory or memory-mapped from its file.
pub(crate) struct Ann {
    index: Index,
}

impl Ann {
    fn options(dim: usize) -> IndexOptions {
        IndexOptions {
            dimensions: dim,
            metric: MetricKind::Cos,
            quantization: ScalarKind::I8,
            connectivity: CONNECTIVITY,
            expansion_add: EXPANSION_ADD,
            expansion_search: EXPANSION_SEARCH,
            multi: false,
        }
    }

    /// An empty graph with room for `capacity` faces added by up to `threads` threads.
    pub(crate) fn new(dim: usize, capacity: usize, threads: usize) -> CollectionResult<Ann> {
        let index = Index::new(&Self::options(dim)).map_err(|e| err("(new)", e))?;
        index
            .reserve_capacity_and_threads(capacity.max(16), threads.max(1))
            .map_err(|e| err("(new)", e))?;
        Ok(Ann { index })
    }

    /// Maps a saved graph read-only (searches only).
    pub(crate) fn view(path: &Path, dim: usize) -> CollectionResult<Ann> {
        let p = path.display().to_string();
        let index = Index::new(&Self::options(dim)).map_err(|e| err(&p, e))?;
        index.view(&p).map_err(|e| err(&p, e))?;
        Ok(Ann { index })
    }

    /// Loads a saved graph into memory (to change it), with room for `extra` more faces.
    pub(crate) fn load(
        path: &Path,
        dim: usize,
        extra: usize,
        threads: usize,
    ) -> CollectionResult<Ann> {
        let p = path.display().to_string();
        let index = Index::new(&Self::options(dim)).map_err(|e| err(&p, e))?;
        index.load(&p).map_err(|e| err(&p, e))?;
        index
            .reserve_capacity_and_threads(index.size() + extra.max(16), threads.max(1))
            .map_err(|e| err(&p, e))?;
        Ok(Ann { index })
    }

    pub(crate) fn len(&self) -> usize {
        self.index.size()
    }

    pub(crate) fn add(&self, seq: i64, unit: &[f32]) -> CollectionResult<()> {
        let key = u64::try_from(seq).map_err(|_| err("(add)", "negative seq"))?;
        self.index
            .add::<i8>(key, &quantise(unit))
            .map_err(|e| err("(add)", e))
    }

    pub(crate) fn remove(&self, seq: i64) -> CollectionResult<()> {
        if let Ok(key) = u64::try_from(seq) {
            self.index.remove(key).map_err(|e| err("(remove)", e))?;
        }
        Ok(())
    }

    pub(crate) fn save(&self, path: &Path) -> CollectionResult<()> {
        let p = path.display().to_string();
        self.index.save(&p).map_err(|e| err(&p, e))
    }

    /// The `count` nearest faces' `seq`s, nearest first.
    pub(crate) fn search(
        &self,
        unit: &[f32],
        count: usize,
        expansion: usize,
    ) -> CollectionResult<Vec<i64>> {
        self.index.change_expansion_search(expansion.max(count));
        let found = self
            .index
            .search::<i8>(&quantise(unit), count)
            .map_err(|e| err("(search)", e))?;
        Ok(found
            .keys
            .into_iter()
            .filter_map(|k| i64::try_from(k).ok())
            .collect())
    }

    pub(crate) fn memory_usage(&self) -> usize {
        self.index.memory_usage()
    }
}
