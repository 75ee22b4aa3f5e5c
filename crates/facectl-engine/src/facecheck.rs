//! Face check: tells a human face from a face-like non-human (an animal's face, a pattern) among
//! the detector's less confident detections, from two independent cues on the aligned crop:
//! skin colour (distance of the cheeks' and forehead's chroma from the human skin locus) and a
//! linear "faceness" score on the face print. A detection is dropped only when all three say so:
//! detector confidence below a gate, colour far from skin, and a face print unlike a human face.
//! The model constants come from `facectl-eval facecheck-train` (see docs/engine.md).

use serde::{Deserialize, Serialize};

use crate::facecheck_model as model;
use crate::recognizer::CROP;

/// When the face check drops a detection. Defaults were chosen on held-out data (docs/engine.md).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceCheck {
    /// Only detections with confidence (0-100) below this are checked (default 90).
    pub below_confidence: f32,
    /// Colour cue: the skin-chroma Mahalanobis distance must exceed this (default 3.5).
    pub min_skin_distance: f32,
    /// Face-print cue: the faceness score (log-odds) must be below this (default 0).
    pub max_faceness: f32,
    /// Detections of the rotated passes (a fallback that looks at turned copies when nothing is
    /// upright) are kept only with at least this faceness, whatever their colour (default -1.5).
    pub rotated_min_faceness: f32,
}

impl Default for FaceCheck {
    fn default() -> Self {
        FaceCheck {
            below_confidence: 90.0,
            min_skin_distance: 3.5,
            max_faceness: 0.0,
            rotated_min_faceness: -1.5,
        }
    }
}

/// What the face check measured on one detection.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaceEvidence {
    /// Mahalanobis distance of the skin region's mean (Cb, Cr) from the human skin locus;
    /// `None` for a grey (colourless) crop, where colour says nothing.
    pub skin_distance: Option<f32>,
    /// Log-odds that the face print is a human face.
    pub faceness: f32,
}

impl FaceCheck {
    /// True when the evidence says a detection of a rotated pass is not a human face.
    pub fn rejects_rotated(&self, confidence: f32, ev: &FaceEvidence) -> bool {
        ev.faceness < self.rotated_min_faceness || self.rejects(confidence, ev)
    }

    /// True when the evidence says the detection is not a human face.
    pub fn rejects(&self, confidence: f32, ev: &FaceEvidence) -> bool {
        let Some(skin) = ev.skin_distance else {
            return false;
        };
        confidence < self.below_confidence
            && skin > self.min_skin_distance
            && ev.faceness < self.max_faceness
    }
}

/// Rectangles `(x0, y0, x1, y1)` of the aligned 112x112 crop that show skin on a human face:
/// both cheeks (beside the nose, below the eyes) and the forehead above the nose bridge.
pub const SKIN_REGIONS: [(usize, usize, usize, usize); 3] =
    [(28, 63, 49, 84), (70, 63, 91, 84), (42, 28, 70, 42)];

/// Mean (Cb, Cr) (BT.601, 0-255) of [`SKIN_REGIONS`] on an aligned planar RGB crop, or `None`
/// when the crop is grey (mean chroma within 3 levels of neutral).
pub fn skin_chroma(planar: &[f32]) -> Option<[f32; 2]> {
    let plane = CROP * CROP;
    if planar.len() < 3 * plane {
        return None;
    }
    let mut sum = [0.0f64; 3];
    let mut n = 0.0f64;
    for &(x0, y0, x1, y1) in &SKIN_REGIONS {
        for y in y0..y1 {
            for x in x0..x1 {
                for (c, s) in sum.iter_mut().enumerate() {
                    *s += planar[c * plane + y * CROP + x] as f64;
                }
                n += 1.0;
            }
        }
    }
    let [r, g, b] = sum.map(|s| s / n);
    let cb = 128.0 - 0.168736 * r - 0.331264 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.418688 * g - 0.081312 * b;
    if (cb - 128.0).abs() < 3.0 && (cr - 128.0).abs() < 3.0 {
        return None;
    }
    Some([cb as f32, cr as f32])
}

/// The face check's learned constants (see [`BUILTIN`]).
#[derive(Clone, Copy, Debug)]
pub struct FaceCheckModel<'a> {
    /// Mean (Cb, Cr) of human skin.
    pub skin_mean: [f32; 2],
    /// Inverse covariance of human skin (Cb, Cr).
    pub skin_inv_cov: [[f32; 2]; 2],
    /// Faceness weights on the L2-normalised face print, and bias.
    pub faceness_w: &'a [f32],
    pub faceness_b: f32,
}

/// The model shipped with the engine (`src/facecheck_model.rs`).
pub const BUILTIN: FaceCheckModel<'static> = FaceCheckModel {
    skin_mean: model::SKIN_MEAN,
    skin_inv_cov: model::SKIN_INV_COV,
    faceness_w: &model::FACENESS_W,
    faceness_b: model::FACENESS_B,
};

impl FaceCheckModel<'_> {
    /// Mahalanobis distance of a (Cb, Cr) pair from the human skin locus.
    pub fn skin_distance(&self, cbcr: [f32; 2]) -> f32 {
        let d = [cbcr[0] - self.skin_mean[0], cbcr[1] - self.skin_mean[1]];
        let m = self.skin_inv_cov;
        let q = d[0] * (m[0][0] * d[0] + m[0][1] * d[1]) + d[1] * (m[1][0] * d[0] + m[1][1] * d[1]);
        q.max(0.0).sqrt()
    }

    /// Log-odds that an L2-normalised face print shows a human face.
    pub fn faceness(&self, embedding: &[f32]) -> f32 {
        self.faceness_w
            .iter()
            .zip(embedding)
            .map(|(w, x)| w * x)
            .sum::<f32>()
            + self.faceness_b
    }

    /// Both cues from a crop's skin chroma ([`skin_chroma`]) and its face print.
    pub fn evidence(&self, chroma: Option<[f32; 2]>, embedding: &[f32]) -> FaceEvidence {
        FaceEvidence {
            skin_distance: chroma.map(|c| self.skin_distance(c)),
            faceness: self.faceness(embedding),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crop(rgb: [f32; 3]) -> Vec<f32> {
        let plane = CROP * CROP;
        let mut v = vec![0.0; 3 * plane];
        for (c, val) in rgb.iter().enumerate() {
            v[c * plane..(c + 1) * plane].fill(*val);
        }
        v
    }

    #[test]
    fn grey_crop_has_no_colour_evidence() {
        assert_eq!(skin_chroma(&crop([90.0, 90.0, 90.0])), None);
        let ev = BUILTIN.evidence(skin_chroma(&crop([90.0, 90.0, 90.0])), &[0.0; 128]);
        assert!(
            !FaceCheck::default().rejects(10.0, &ev),
            "grey is never rejected"
        );
    }

    #[test]
    fn skin_tone_is_near_the_locus_and_saturated_orange_or_blue_is_far() {
        // A typical skin tone (light and dark) and two non-skin colours.
        let light =
            BUILTIN.skin_distance(skin_chroma(&crop([224.0, 172.0, 145.0])).unwrap_or([0.0; 2]));
        let dark =
            BUILTIN.skin_distance(skin_chroma(&crop([120.0, 80.0, 60.0])).unwrap_or([0.0; 2]));
        let orange =
            BUILTIN.skin_distance(skin_chroma(&crop([230.0, 150.0, 40.0])).unwrap_or([0.0; 2]));
        let blue =
            BUILTIN.skin_distance(skin_chroma(&crop([60.0, 90.0, 200.0])).unwrap_or([0.0; 2]));
        assert!(light < 2.5 && dark < 2.5, "skin: {light} {dark}");
        assert!(orange > 4.0 && blue > 4.0, "non-skin: {orange} {blue}");
    }

    #[test]
    fn all_three_cues_are_needed_to_reject() {
        let check = FaceCheck::default();
        let far = FaceEvidence {
            skin_distance: Some(5.0),
            faceness: -3.0,
        };
        assert!(check.rejects(85.0, &far));
        assert!(!check.rejects(95.0, &far), "confident detections are kept");
        let skin = FaceEvidence {
            skin_distance: Some(1.0),
            ..far
        };
        assert!(!check.rejects(85.0, &skin), "skin-coloured faces are kept");
        let human_print = FaceEvidence {
            faceness: 2.0,
            ..far
        };
        assert!(
            !check.rejects(85.0, &human_print),
            "human face prints are kept"
        );
        // Rotated-pass detections also need a human-looking face print, whatever the colour.
        let unlike = FaceEvidence {
            skin_distance: Some(1.0),
            faceness: -3.0,
        };
        assert!(!check.rejects(70.0, &unlike));
        assert!(check.rejects_rotated(70.0, &unlike));
        assert!(!check.rejects_rotated(
            70.0,
            &FaceEvidence {
                faceness: 0.5,
                ..unlike
            }
        ));
        assert!(check.rejects_rotated(85.0, &far));
    }

    #[test]
    fn region_means_use_only_the_skin_rectangles() {
        // Orange everywhere except the skin rectangles, which are skin-coloured: near the locus.
        let plane = CROP * CROP;
        let mut v = crop([230.0, 150.0, 40.0]);
        for &(x0, y0, x1, y1) in &SKIN_REGIONS {
            for y in y0..y1 {
                for x in x0..x1 {
                    for (c, val) in [224.0, 172.0, 145.0].iter().enumerate() {
                        v[c * plane + y * CROP + x] = *val;
                    }
                }
            }
        }
        let d = BUILTIN.skin_distance(skin_chroma(&v).unwrap_or([0.0; 2]));
        assert!(d < 2.5, "{d}");
    }
}
