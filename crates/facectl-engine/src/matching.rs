//! Matching: cosine similarity, the calibrated 0-100 similarity scale, and an in-memory
//! top-k index over stored embeddings.

use crate::error::EngineError;

/// Cosine threshold with the best accuracy over all 3,000 lfw-dev pairs (99.33 %; the per-fold
/// thresholds average 0.3215 +- 0.0059; see docs/engine.md).
pub const LFW_BEST_COSINE: f32 = 0.3244;
/// Similarity at which two faces are considered the same person by default. The mapping puts
/// [`LFW_BEST_COSINE`] exactly here.
pub const DEFAULT_MATCH_SIMILARITY: f32 = 80.0;

/// Cosine at which 1 in 10,000 different-person pairs match (all 7.26 M cross-identity pairs of
/// the lfw-dev images); similarity 90.
pub const LFW_FAR_1E4_COSINE: f32 = 0.4150;
/// Similarity of [`LFW_FAR_1E4_COSINE`].
pub const FAR_1E4_SIMILARITY: f32 = 90.0;

/// Knots of the piecewise-linear cosine -> similarity mapping (cosine ascending).
const KNOTS: [(f32, f32); 5] = [
    (-1.0, 0.0),
    (0.0, 50.0),
    (LFW_BEST_COSINE, DEFAULT_MATCH_SIMILARITY),
    (LFW_FAR_1E4_COSINE, FAR_1E4_SIMILARITY),
    (1.0, 100.0),
];

/// Cosine similarity of two vectors (0 when either has zero length or they differ in length).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0f64, 0f64, 0f64);
    for (x, y) in a.iter().zip(b) {
        dot += (*x as f64) * (*y as f64);
        na += (*x as f64) * (*x as f64);
        nb += (*y as f64) * (*y as f64);
    }
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    (dot / (na.sqrt() * nb.sqrt())).clamp(-1.0, 1.0) as f32
}

/// Maps a cosine to the 0-100 similarity scale: piecewise linear through (-1, 0), (0, 50),
/// (LFW best-accuracy threshold 0.3244, 80), (LFW FAR 1e-4 threshold 0.4150, 90), (1, 100).
/// Strictly increasing; inputs are clamped to [-1, 1].
pub fn similarity(cosine: f32) -> f32 {
    let c = if cosine.is_nan() {
        -1.0
    } else {
        cosine.clamp(-1.0, 1.0)
    };
    for w in KNOTS.windows(2) {
        let ((c0, s0), (c1, s1)) = (w[0], w[1]);
        if c <= c1 {
            return s0 + (c - c0) * (s1 - s0) / (c1 - c0);
        }
    }
    100.0
}

/// Inverse of [`similarity`]: the cosine that maps to `sim` (clamped to 0-100).
pub fn cosine_for_similarity(sim: f32) -> f32 {
    let s = if sim.is_nan() {
        0.0
    } else {
        sim.clamp(0.0, 100.0)
    };
    for w in KNOTS.windows(2) {
        let ((c0, s0), (c1, s1)) = (w[0], w[1]);
        if s <= s1 {
            return c0 + (s - s0) * (c1 - c0) / (s1 - s0);
        }
    }
    1.0
}

/// Stored embeddings (one row each, with a string id) searchable by cosine.
#[derive(Clone, Debug, Default)]
pub struct EmbeddingIndex {
    dim: usize,
    ids: Vec<String>,
    rows: Vec<f32>,
}

impl EmbeddingIndex {
    /// An empty index for vectors of length `dim`.
    pub fn new(dim: usize) -> Self {
        EmbeddingIndex {
            dim,
            ids: Vec::new(),
            rows: Vec::new(),
        }
    }
    pub fn dim(&self) -> usize {
        self.dim
    }
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Adds a row (stored L2-normalised). Ids need not be unique (one person, several faces).
    pub fn push(&mut self, id: impl Into<String>, v: &[f32]) -> Result<(), EngineError> {
        if v.len() != self.dim {
            return Err(EngineError::InvalidInput(format!(
                "embedding has {} values, index holds {}",
                v.len(),
                self.dim
            )));
        }
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if !(n > 0.0 && n.is_finite()) {
            return Err(EngineError::InvalidInput(
                "embedding is zero or not finite".into(),
            ));
        }
        self.ids.push(id.into());
        self.rows.extend(v.iter().map(|x| x / n));
        Ok(())
    }

    /// Removes every row with this id; returns how many were removed.
    pub fn remove(&mut self, id: &str) -> usize {
        let mut removed = 0;
        let mut i = 0;
        while i < self.ids.len() {
            if self.ids[i] == id {
                let last = self.ids.len() - 1;
                self.ids.swap_remove(i);
                if i != last {
                    let (head, tail) = self.rows.split_at_mut(last * self.dim);
                    head[i * self.dim..(i + 1) * self.dim].copy_from_slice(&tail[..self.dim]);
                }
                self.rows.truncate(last * self.dim);
                removed += 1;
            } else {
                i += 1;
            }
        }
        removed
    }

    /// The `k` best rows by similarity that reach `min_similarity`, best first, as
    /// (id, similarity 0-100). Rows sharing an id are reported separately.
    pub fn top_k(&self, query: &[f32], k: usize, min_similarity: f32) -> Vec<(String, f32)> {
        if query.len() != self.dim || k == 0 || self.dim == 0 {
            return Vec::new();
        }
        let qn = query.iter().map(|x| x * x).sum::<f32>().sqrt();
        if !(qn > 0.0 && qn.is_finite()) {
            return Vec::new();
        }
        let min_cos = cosine_for_similarity(min_similarity);
        let mut hits: Vec<(usize, f32)> = self
            .rows
            .chunks_exact(self.dim)
            .enumerate()
            .filter_map(|(i, row)| {
                let c = row.iter().zip(query).map(|(a, b)| a * b).sum::<f32>() / qn;
                (c >= min_cos).then_some((i, c))
            })
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1));
        hits.truncate(k);
        hits.into_iter()
            .map(|(i, c)| (self.ids[i].clone(), similarity(c)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_basics() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[1.0], &[1.0, 2.0]), 0.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn similarity_is_monotonic_calibrated_and_invertible() {
        assert_eq!(similarity(LFW_BEST_COSINE), DEFAULT_MATCH_SIMILARITY);
        assert_eq!(similarity(-1.0), 0.0);
        assert_eq!(similarity(1.0), 100.0);
        assert_eq!(similarity(5.0), 100.0);
        let mut prev = -1.0;
        for i in 0..=2000 {
            let c = -1.0 + i as f32 / 1000.0;
            let s = similarity(c);
            assert!(s > prev || i == 0, "not increasing at {c}");
            prev = s;
            assert!(
                (cosine_for_similarity(s) - c).abs() < 1e-4,
                "inverse at {c}"
            );
        }
        assert!((cosine_for_similarity(DEFAULT_MATCH_SIMILARITY) - LFW_BEST_COSINE).abs() < 1e-6);
        assert_eq!(similarity(LFW_FAR_1E4_COSINE), FAR_1E4_SIMILARITY);
    }

    #[test]
    fn index_top_k_and_remove() {
        let mut idx = EmbeddingIndex::new(3);
        idx.push("a", &[1.0, 0.0, 0.0]).expect("push");
        idx.push("b", &[0.0, 1.0, 0.0]).expect("push");
        idx.push("c", &[0.8, 0.6, 0.0]).expect("push");
        assert!(idx.push("bad", &[1.0, 0.0]).is_err());
        let hits = idx.top_k(&[2.0, 0.0, 0.0], 2, 0.0);
        assert_eq!(
            hits.iter().map(|h| h.0.as_str()).collect::<Vec<_>>(),
            vec!["a", "c"]
        );
        assert!((hits[0].1 - 100.0).abs() < 1e-3);
        // min_similarity filters: cos(b) = 0 -> 50.
        let hits = idx.top_k(&[1.0, 0.0, 0.0], 10, 60.0);
        assert_eq!(hits.len(), 2);
        assert_eq!(idx.remove("a"), 1);
        assert_eq!(idx.len(), 2);
        let hits = idx.top_k(&[1.0, 0.0, 0.0], 10, 0.0);
        assert_eq!(hits[0].0, "c");
        assert_eq!(idx.remove("zzz"), 0);
    }
}
