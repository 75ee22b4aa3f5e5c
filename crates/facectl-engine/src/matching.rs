//! Matching: cosine similarity, the calibrated 0-100 similarity scale, and an in-memory
//! top-k index over stored embeddings whose search scores account for the gallery.

use crate::error::EngineError;
use crate::normal;

// The similarity scale: 80 is the cosine with the best 1:1 accuracy on lfw-dev pairs (about 1 in
// 300 different-person pairs reach it), 90 the cosine that 1 in 10,000 different-person pairs reach
// (all 7.26 M cross-identity pairs of the 3,811 lfw-dev images). A face search compares the photo
// with every enrolled face, so [`EmbeddingIndex::top_k`] reports each face's score as the 1:1
// score a stranger reaches as rarely as some stranger reaches this one somewhere in the gallery:
// 80 means the same confidence for one comparison and for a search of millions of faces.

/// Cosine with the best accuracy over all 3,000 lfw-dev pairs (99.33 %; the per-fold
/// thresholds average 0.3215 +- 0.0059; see docs/engine.md).
pub const LFW_BEST_COSINE: f32 = 0.3244;
/// Similarity at which two faces are considered the same person by default, for one comparison
/// and for a search alike. The mapping puts [`LFW_BEST_COSINE`] exactly here.
pub const DEFAULT_MATCH_SIMILARITY: f32 = 80.0;
/// Cosine at which 1 in 10,000 different-person pairs match; similarity 90.
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

/// Population statistics of different-person cosines (all lfw-dev cross-identity pairs): the
/// prior of the cohort normalisation in [`EmbeddingIndex::top_k`].
pub const STRANGER_MEAN_COSINE: f32 = 0.0857;
/// Standard deviation that goes with [`STRANGER_MEAN_COSINE`].
pub const STRANGER_SD_COSINE: f32 = 0.0888;
/// Weight (in enrolled faces) of the population prior against the probe's own cohort: with a
/// handful of enrolled faces the search scores are the plain pairwise ones.
const COHORT_PRIOR_FACES: f64 = 100.0;

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
    ///
    /// Two corrections turn the probe's cosines into scores that mean what a 1:1 score means:
    ///
    /// - **Cohort normalisation.** The probe's cosines against every row are its own sample of
    ///   stranger scores (nearly all rows are other people); each cosine is re-expressed as the
    ///   same number of spreads above the population of stranger pairs
    ///   ([`STRANGER_MEAN_COSINE`], [`STRANGER_SD_COSINE`]), the probe's median and spread being
    ///   shrunk towards the population's with a weight of [`COHORT_PRIOR_FACES`] faces. A photo
    ///   that resembles everybody (blur, odd light) no longer reaches the threshold on its
    ///   nearest stranger.
    /// - **Gallery calibration.** A stranger compared with `n` faces gets `n` chances: the
    ///   normalised cosine `c` is reported as the cosine `c'` that one stranger comparison
    ///   reaches as rarely as the best of `n` reaches `c` (`Φ(z') = Φ(z)^n` under the normal model
    ///   of stranger cosines). With one enrolled face the score is the pairwise one; on a
    ///   gallery of thousands, 80 asks for about cosine 0.5.
    pub fn top_k(&self, query: &[f32], k: usize, min_similarity: f32) -> Vec<(String, f32)> {
        if query.len() != self.dim || k == 0 || self.dim == 0 {
            return Vec::new();
        }
        let qn = query.iter().map(|x| x * x).sum::<f32>().sqrt();
        if !(qn > 0.0 && qn.is_finite()) {
            return Vec::new();
        }
        let cosines: Vec<f32> = self
            .rows
            .chunks_exact(self.dim)
            .map(|row| row.iter().zip(query).map(|(a, b)| a * b).sum::<f32>() / qn)
            .collect();
        let scorer = GalleryScorer::new(&cosines, cosines.len());
        let min_similarity = min_similarity.max(0.0);
        let min_cos = scorer.min_cosine(min_similarity);
        let mut hits: Vec<(usize, f32)> = cosines
            .iter()
            .enumerate()
            .filter(|(_, c)| **c >= min_cos)
            .map(|(i, c)| (i, *c))
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1));
        hits.into_iter()
            .map(|(i, c)| (i, scorer.score(c)))
            .filter(|(_, s)| *s >= min_similarity)
            .take(k)
            .map(|(i, s)| (self.ids[i].clone(), s))
            .collect()
    }
}

/// The scores of one probe's search of a gallery (see [`EmbeddingIndex::top_k`]): cohort
/// normalisation from the probe's cosines against the gallery (all of them, or a sample of a
/// big gallery) and the calibration for the gallery's size. Increasing in the raw cosine, so
/// the best raw cosines are the best scores.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GalleryScorer {
    norm: CohortNorm,
    gallery: GalleryCalibration,
}

impl GalleryScorer {
    /// `cohort`: the probe's cosines against the gallery's faces (or a uniform sample of
    /// them); `gallery_faces`: how many faces the gallery holds.
    pub fn new(cohort: &[f32], gallery_faces: usize) -> GalleryScorer {
        GalleryScorer {
            norm: CohortNorm::of(cohort),
            gallery: GalleryCalibration::of(gallery_faces),
        }
    }

    /// The 0-100 search score of a raw cosine between the probe and one gallery face.
    pub fn score(&self, cosine: f32) -> f32 {
        similarity(self.gallery.effective(self.norm.apply(cosine)))
    }

    /// The smallest raw cosine that can reach `min_similarity` (minus a rounding margin);
    /// negative infinity when `min_similarity` is 0 or less.
    pub fn min_cosine(&self, min_similarity: f32) -> f32 {
        // NaN counts as no threshold.
        if min_similarity.is_nan() || min_similarity <= 0.0 {
            return f32::NEG_INFINITY;
        }
        let c = self
            .gallery
            .pairwise_for(cosine_for_similarity(min_similarity));
        self.norm.invert(c) - 1e-5
    }
}

/// The gallery-size correction of search scores (see [`EmbeddingIndex::top_k`]).
#[derive(Clone, Copy, Debug, PartialEq)]
struct GalleryCalibration {
    faces: f64,
}

impl GalleryCalibration {
    fn of(faces: usize) -> GalleryCalibration {
        GalleryCalibration {
            faces: faces.max(1) as f64,
        }
    }

    fn z(c: f32) -> f64 {
        (c as f64 - STRANGER_MEAN_COSINE as f64) / STRANGER_SD_COSINE as f64
    }

    fn cosine(z: f64) -> f32 {
        (STRANGER_MEAN_COSINE as f64 + STRANGER_SD_COSINE as f64 * z).clamp(-1.0, 1.0) as f32
    }

    /// The 1:1-equivalent cosine of the best of `faces` comparisons reaching `c`.
    fn effective(&self, c: f32) -> f32 {
        if self.faces <= 1.0 {
            return c;
        }
        Self::cosine(normal::from_ln_cdf(self.faces * normal::ln_cdf(Self::z(c))))
    }

    /// Inverse of [`Self::effective`]: the per-face cosine whose gallery score is `c_eff`.
    fn pairwise_for(&self, c_eff: f32) -> f32 {
        if self.faces <= 1.0 {
            return c_eff;
        }
        Self::cosine(normal::from_ln_cdf(
            normal::ln_cdf(Self::z(c_eff)) / self.faces,
        ))
    }
}

/// Median of a non-empty sample (reorders it).
fn median_of(v: &mut [f32]) -> f64 {
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    *m as f64
}

/// The linear map that re-expresses a probe's cosines relative to its own cohort.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CohortNorm {
    mean: f64,
    sd: f64,
}

impl CohortNorm {
    /// Robust centre and spread of the probe's cosines (median, 1.4826 x median absolute
    /// deviation: the probe's own mates, even many photos of one person, barely move them),
    /// shrunk towards the population's.
    fn of(cosines: &[f32]) -> CohortNorm {
        let n = cosines.len() as f64;
        let (mu0, sd0) = (STRANGER_MEAN_COSINE as f64, STRANGER_SD_COSINE as f64);
        let (median, spread) = if cosines.is_empty() {
            (mu0, sd0)
        } else {
            let mut v = cosines.to_vec();
            let m = median_of(&mut v);
            v.iter_mut().for_each(|c| *c = (*c - m as f32).abs());
            (m, 1.4826 * median_of(&mut v))
        };
        let w = COHORT_PRIOR_FACES;
        let mean = (n * median + w * mu0) / (n + w);
        let sd = ((n * spread * spread + w * sd0 * sd0) / (n + w))
            .max(1e-6)
            .sqrt();
        CohortNorm { mean, sd }
    }

    fn apply(&self, c: f32) -> f32 {
        let (mu0, sd0) = (STRANGER_MEAN_COSINE as f64, STRANGER_SD_COSINE as f64);
        (mu0 + sd0 * (c as f64 - self.mean) / self.sd).clamp(-1.0, 1.0) as f32
    }

    /// The raw cosine that [`Self::apply`] maps to `normalised` (unclamped, so a bound
    /// computed from it never drops a face that reaches it).
    fn invert(&self, normalised: f32) -> f32 {
        let (mu0, sd0) = (STRANGER_MEAN_COSINE as f64, STRANGER_SD_COSINE as f64);
        if normalised <= -1.0 {
            return f32::NEG_INFINITY;
        }
        (self.mean + (normalised as f64 - mu0) * self.sd / sd0) as f32
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
        // The identical print ranks first; its score is discounted a little because this
        // probe resembles the whole (three-face) gallery.
        assert!(hits[0].1 > 95.0, "{}", hits[0].1);
        // min_similarity filters: cos(b) = 0 -> about 50.
        let hits = idx.top_k(&[1.0, 0.0, 0.0], 10, 60.0);
        assert_eq!(hits.len(), 2);
        assert_eq!(idx.remove("a"), 1);
        assert_eq!(idx.len(), 2);
        let hits = idx.top_k(&[1.0, 0.0, 0.0], 10, 0.0);
        assert_eq!(hits[0].0, "c");
        assert_eq!(idx.remove("zzz"), 0);
    }

    /// A gallery of `n` unit vectors whose cosines with the probe `e0` are spread like a normal
    /// sample of `mean` and `sd` (sums of 12 deterministic uniforms).
    fn gallery_at(n: usize, mean: f32, sd: f32, dim: usize) -> EmbeddingIndex {
        let mut idx = EmbeddingIndex::new(dim);
        let mut state: u64 = 42;
        let mut uniform = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        for i in 0..n {
            let z: f32 = (0..12).map(|_| uniform()).sum::<f32>() - 6.0;
            let c = (mean + sd * z).clamp(-0.99, 0.99);
            let mut v = vec![0.0; dim];
            v[0] = c;
            v[1 + i % (dim - 2)] = (1.0 - c * c).sqrt();
            idx.push(format!("p{i}"), &v).expect("push");
        }
        idx
    }

    /// `idx` with one more row at cosine `c` to the probe `e0`.
    fn with_row_at(mut idx: EmbeddingIndex, id: &str, c: f32) -> EmbeddingIndex {
        let dim = idx.dim();
        let mut v = vec![0.0; dim];
        v[0] = c;
        v[dim - 1] = (1.0 - c * c).sqrt();
        idx.push(id, &v).expect("push");
        idx
    }

    fn unit(dim: usize) -> Vec<f32> {
        let mut probe = vec![0.0; dim];
        probe[0] = 1.0;
        probe
    }

    #[test]
    fn cohort_normalisation_discounts_a_probe_that_resembles_everybody() {
        let dim = 64;
        let probe = unit(dim);
        // A handful of faces: about the pairwise score, whatever their cosines.
        let small = gallery_at(3, 0.5, 0.0, dim);
        let pairwise = similarity(0.5);
        let got = small.top_k(&probe, 1, 0.0)[0].1;
        assert!((got - pairwise).abs() < 5.0, "{got} vs {pairwise}");
        // 2,000 faces that all score 0.45 against the probe, and one that scores 0.5: the probe
        // resembles everybody, so 0.5 is weak evidence and must not reach the default match.
        let big = with_row_at(gallery_at(2000, 0.45, 0.01, dim), "odd", 0.5);
        let hits = big.top_k(&probe, 1, 0.0);
        assert_eq!(hits[0].0, "odd");
        assert!(hits[0].1 < DEFAULT_MATCH_SIMILARITY, "{}", hits[0].1);
        assert!(big.top_k(&probe, 5, DEFAULT_MATCH_SIMILARITY).is_empty());
        let typical = gallery_at(2000, STRANGER_MEAN_COSINE, STRANGER_SD_COSINE, dim);
        // Among typical strangers the same 0.5 is about the default match (see below) and 0.6
        // well above it.
        let typical = with_row_at(typical, "odd", 0.6);
        let hit = typical.top_k(&probe, 1, 0.0)[0].1;
        assert!(hit > DEFAULT_MATCH_SIMILARITY + 5.0, "{hit}");
    }

    #[test]
    fn search_scores_account_for_the_gallery_size() {
        let dim = 64;
        let probe = unit(dim);
        // One enrolled face: the pairwise score.
        let one = with_row_at(EmbeddingIndex::new(dim), "x", 0.5);
        let got = one.top_k(&probe, 1, 0.0)[0].1;
        assert!((got - similarity(0.5)).abs() < 0.5, "{got}");
        // The same cosine scores lower the more strangers it was picked from.
        let mut prev = f32::INFINITY;
        for n in [10, 100, 1000, 5000] {
            let idx = with_row_at(
                gallery_at(n, STRANGER_MEAN_COSINE, STRANGER_SD_COSINE, dim),
                "x",
                0.45,
            );
            let hit = idx.top_k(&probe, 1, 0.0);
            assert_eq!(hit[0].0, "x");
            assert!(hit[0].1 < prev, "{n} faces: {} after {prev}", hit[0].1);
            prev = hit[0].1;
        }
        // Among 3,000 typical strangers, cosine 0.5 (1 in ~400,000 stranger pairs) is about
        // the default match and 0.45 well below it; the threshold filter agrees with the
        // scores it returns.
        let base = gallery_at(3000, STRANGER_MEAN_COSINE, STRANGER_SD_COSINE, dim);
        let idx = with_row_at(with_row_at(base, "hi", 0.5), "lo", 0.45);
        let all = idx.top_k(&probe, usize::MAX, 0.0);
        assert_eq!(all.len(), idx.len());
        let score = |id: &str| all.iter().find(|h| h.0 == id).map(|h| h.1);
        let hi = score("hi").unwrap_or_default();
        assert!((hi - DEFAULT_MATCH_SIMILARITY).abs() < 5.0, "{hi}");
        assert!(score("lo").unwrap_or_default() < DEFAULT_MATCH_SIMILARITY - 5.0);
        for t in [50.0, 70.0, 78.0, 79.0] {
            let want: Vec<_> = all.iter().filter(|h| h.1 >= t).cloned().collect();
            assert_eq!(idx.top_k(&probe, usize::MAX, t), want, "threshold {t}");
        }
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1));
    }
}
