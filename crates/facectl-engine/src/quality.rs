//! Face quality and pose: brightness and sharpness of the aligned crop, yaw/roll/pitch from the
//! five landmarks, and the quality gate that names problems in Rekognition's vocabulary.

use serde::{Deserialize, Serialize};

use crate::detector::Detection;
use crate::imgproc::{central_mean, laplacian_variance, planar_luma};
use crate::recognizer::CROP;

/// Measured quality of one face.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// Mean luma of the central face crop, 0 (black) - 100 (white).
    pub brightness: f32,
    /// `100 * (1 - exp(-v / SHARPNESS_SCALE))` where `v` is the variance of the Laplacian of the
    /// aligned 112x112 crop's luma (central 80 %), i.e. sharpness at the resolution the recognizer
    /// sees: 0 = flat, 50 at v = 139 (median lfw-dev face), ~95 for large sharp portraits.
    pub sharpness: f32,
    /// Head turn left/right in degrees; positive when the face turns towards the image's right
    /// (the subject's left), negative towards the image's left (InspireFace's sign convention).
    pub yaw: f32,
    /// In-plane tilt in degrees; positive when the eye on the image's right is lower.
    pub roll: f32,
    /// Nod in degrees; positive when the face looks up (coarse: landmark-based).
    pub pitch: f32,
    /// Shorter side of the face box in original image pixels.
    pub box_min_side: f32,
}

/// Laplacian variance that maps to sharpness 63.2 (1 - 1/e). Measured variances: lfw-dev faces
/// 52 / 134 / 322 (5th / 50th / 95th percentile); WIDER faces under 40 px tall ~5.
pub const SHARPNESS_SCALE: f32 = 200.0;
/// Nose protrusion relative to the eye distance (yaw model), average adult head.
const NOSE_DEPTH_PER_EYE_DIST: f32 = 0.55;
/// Nose protrusion relative to the eye-to-mouth distance (pitch model; fitted so the InspireFace
/// pose samples get the right sign).
const NOSE_DEPTH_PER_EYE_MOUTH: f32 = 0.3;
/// (nose - eyes) / (mouth - eyes) of a frontal face in YuNet's landmark convention: the median
/// over the 3,811 lfw-dev faces (0.5596; the ArcFace template's own ratio is 0.495).
const FRONTAL_NOSE_RATIO: f32 = 0.56;

/// A problem found by the quality gate (Rekognition's `Reasons` vocabulary).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QualityIssue {
    LowConfidence,
    SmallBoundingBox,
    LowSharpness,
    LowBrightness,
    ExtremePose,
}

impl QualityIssue {
    /// The Rekognition-style name, e.g. `LOW_SHARPNESS`.
    pub fn as_str(&self) -> &'static str {
        match self {
            QualityIssue::LowConfidence => "LOW_CONFIDENCE",
            QualityIssue::SmallBoundingBox => "SMALL_BOUNDING_BOX",
            QualityIssue::LowSharpness => "LOW_SHARPNESS",
            QualityIssue::LowBrightness => "LOW_BRIGHTNESS",
            QualityIssue::ExtremePose => "EXTREME_POSE",
        }
    }
}

impl std::fmt::Display for QualityIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Filter strictness, like Rekognition's `QualityFilter`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QualityLevel {
    /// Nothing is filtered.
    None,
    /// The engine's default (same as `Low`).
    #[default]
    Auto,
    Low,
    Medium,
    High,
}

impl std::str::FromStr for QualityLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(QualityLevel::None),
            "auto" => Ok(QualityLevel::Auto),
            "low" => Ok(QualityLevel::Low),
            "medium" => Ok(QualityLevel::Medium),
            "high" => Ok(QualityLevel::High),
            _ => Err(format!(
                "unknown quality level {s:?} (expected NONE, AUTO, LOW, MEDIUM or HIGH)"
            )),
        }
    }
}

impl std::fmt::Display for QualityLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QualityLevel::None => "NONE",
            QualityLevel::Auto => "AUTO",
            QualityLevel::Low => "LOW",
            QualityLevel::Medium => "MEDIUM",
            QualityLevel::High => "HIGH",
        })
    }
}

/// Limits of the quality gate. A face fails a check when its value is below a `min_*` or above
/// a `max_*`; roll is not gated (alignment removes it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct QualityThresholds {
    /// Detector confidence (0-100).
    pub min_confidence: f32,
    /// Shorter box side in original pixels.
    pub min_box_side: f32,
    /// Sharpness (0-100).
    pub min_sharpness: f32,
    /// Brightness (0-100).
    pub min_brightness: f32,
    /// Absolute yaw in degrees.
    pub max_yaw: f32,
    /// Absolute pitch in degrees.
    pub max_pitch: f32,
}

impl QualityThresholds {
    /// The documented thresholds of each level (see docs/engine.md).
    pub fn for_level(level: QualityLevel) -> Self {
        match level {
            QualityLevel::None => QualityThresholds {
                min_confidence: 0.0,
                min_box_side: 0.0,
                min_sharpness: 0.0,
                min_brightness: 0.0,
                max_yaw: f32::INFINITY,
                max_pitch: f32::INFINITY,
            },
            QualityLevel::Auto | QualityLevel::Low => QualityThresholds {
                min_confidence: 60.0,
                min_box_side: 20.0,
                min_sharpness: 5.0,
                min_brightness: 8.0,
                max_yaw: 60.0,
                max_pitch: 50.0,
            },
            QualityLevel::Medium => QualityThresholds {
                min_confidence: 75.0,
                min_box_side: 40.0,
                min_sharpness: 15.0,
                min_brightness: 15.0,
                max_yaw: 45.0,
                max_pitch: 35.0,
            },
            QualityLevel::High => QualityThresholds {
                min_confidence: 90.0,
                min_box_side: 64.0,
                min_sharpness: 30.0,
                min_brightness: 25.0,
                max_yaw: 30.0,
                max_pitch: 25.0,
            },
        }
    }
}

impl Default for QualityThresholds {
    fn default() -> Self {
        QualityThresholds::for_level(QualityLevel::Auto)
    }
}

/// Checks one face against the thresholds; returns every issue found (empty = passes).
pub fn quality_gate(det: &Detection, q: &Quality, t: &QualityThresholds) -> Vec<QualityIssue> {
    let mut issues = Vec::new();
    if det.confidence < t.min_confidence {
        issues.push(QualityIssue::LowConfidence);
    }
    if q.box_min_side < t.min_box_side {
        issues.push(QualityIssue::SmallBoundingBox);
    }
    if q.sharpness < t.min_sharpness {
        issues.push(QualityIssue::LowSharpness);
    }
    if q.brightness < t.min_brightness {
        issues.push(QualityIssue::LowBrightness);
    }
    if q.yaw.abs() > t.max_yaw
        || q.pitch.abs() > t.max_pitch
        || !q.yaw.is_finite()
        || !q.pitch.is_finite()
    {
        issues.push(QualityIssue::ExtremePose);
    }
    issues
}

/// Yaw, roll and pitch (degrees) estimated from the five landmarks with a simple head model:
/// roll is the angle of the eye line; after removing it, yaw comes from the nose's horizontal
/// offset from the face midline relative to the eye distance, pitch from the nose's vertical
/// position between the eye line and the mouth line.
pub fn pose_from_landmarks(l: &[[f32; 2]; 5]) -> (f32, f32, f32) {
    let (ex, ey) = (l[1][0] - l[0][0], l[1][1] - l[0][1]);
    let roll = ey.atan2(ex);
    let (c, s) = (roll.cos(), roll.sin());
    // Rotate by -roll around the origin (translation does not matter for differences).
    let rot = |p: [f32; 2]| [c * p[0] + s * p[1], -s * p[0] + c * p[1]];
    let p: Vec<[f32; 2]> = l.iter().map(|&q| rot(q)).collect();
    let eye_dist = (p[1][0] - p[0][0]).abs().max(1e-3);
    let eye_mid = [(p[0][0] + p[1][0]) / 2.0, (p[0][1] + p[1][1]) / 2.0];
    let mouth_mid = [(p[3][0] + p[4][0]) / 2.0, (p[3][1] + p[4][1]) / 2.0];
    let mid_x = (eye_mid[0] + mouth_mid[0]) / 2.0;
    let dx = (p[2][0] - mid_x) / eye_dist;
    // Nose right of the midline (image) = face turned towards the image's right => positive yaw.
    let yaw = (dx / NOSE_DEPTH_PER_EYE_DIST).atan();
    let v = (mouth_mid[1] - eye_mid[1]).max(1e-3);
    let r = (p[2][1] - eye_mid[1]) / v;
    let pitch = ((FRONTAL_NOSE_RATIO - r) / NOSE_DEPTH_PER_EYE_MOUTH).atan();
    (yaw.to_degrees(), roll.to_degrees(), pitch.to_degrees())
}

/// Full quality of a face from its detection and its aligned crop (planar RGB, 112x112).
pub fn measure(det: &Detection, aligned_planar: &[f32]) -> Quality {
    let luma = planar_luma(aligned_planar, CROP);
    let brightness = central_mean(&luma, CROP, 0.6) / 255.0 * 100.0;
    let var = laplacian_variance(&luma, CROP, 0.8);
    let sharpness = 100.0 * (1.0 - (-var / SHARPNESS_SCALE).exp());
    let (yaw, roll, pitch) = pose_from_landmarks(&det.landmarks);
    Quality {
        brightness,
        sharpness,
        yaw,
        roll,
        pitch,
        box_min_side: det.bbox.width.min(det.bbox.height),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::BoundingBox;
    use crate::recognizer::ARCFACE_TEMPLATE;

    #[test]
    fn frontal_template_has_zero_pose() {
        // The ArcFace template with the nose where YuNet puts it on frontal faces.
        let mut l = ARCFACE_TEMPLATE;
        l[2][1] = 51.6 + FRONTAL_NOSE_RATIO * 40.686;
        let (yaw, roll, pitch) = pose_from_landmarks(&l);
        assert!(
            yaw.abs() < 2.0 && roll.abs() < 1.0 && pitch.abs() < 1.0,
            "{yaw} {roll} {pitch}"
        );
    }

    #[test]
    fn roll_and_yaw_signs() {
        // Rotate the template by +20 degrees (image coordinates, y down => clockwise on screen).
        let a = 20f32.to_radians();
        let rot: Vec<[f32; 2]> = ARCFACE_TEMPLATE
            .iter()
            .map(|p| {
                [
                    a.cos() * p[0] - a.sin() * p[1],
                    a.sin() * p[0] + a.cos() * p[1],
                ]
            })
            .collect();
        let l: [[f32; 2]; 5] = [rot[0], rot[1], rot[2], rot[3], rot[4]];
        let (yaw, roll, _) = pose_from_landmarks(&l);
        assert!((roll - 20.0).abs() < 0.5 && yaw.abs() < 2.0);
        // Nose shifted towards the image's right => positive yaw.
        let mut l = ARCFACE_TEMPLATE;
        l[2][0] += 10.0;
        assert!(pose_from_landmarks(&l).0 > 15.0);
        // Nose moved up towards the eyes => looking up => positive pitch.
        let mut l = ARCFACE_TEMPLATE;
        l[2][1] = 51.6 + FRONTAL_NOSE_RATIO * 40.686 - 8.0;
        assert!(pose_from_landmarks(&l).2 > 10.0);
        l[2][1] += 16.0;
        assert!(pose_from_landmarks(&l).2 < -10.0);
    }

    #[test]
    fn gate_reports_reasons_and_levels_nest() {
        let det = Detection {
            bbox: BoundingBox {
                x: 0.0,
                y: 0.0,
                width: 30.0,
                height: 40.0,
            },
            landmarks: ARCFACE_TEMPLATE,
            confidence: 70.0,
        };
        let q = Quality {
            brightness: 50.0,
            sharpness: 50.0,
            yaw: 50.0,
            roll: 0.0,
            pitch: 0.0,
            box_min_side: 30.0,
        };
        let none = quality_gate(&det, &q, &QualityThresholds::for_level(QualityLevel::None));
        assert!(none.is_empty());
        let low = quality_gate(&det, &q, &QualityThresholds::for_level(QualityLevel::Low));
        assert!(low.is_empty(), "{low:?}");
        let high = quality_gate(&det, &q, &QualityThresholds::for_level(QualityLevel::High));
        assert_eq!(
            high,
            vec![
                QualityIssue::LowConfidence,
                QualityIssue::SmallBoundingBox,
                QualityIssue::ExtremePose
            ]
        );
        assert_eq!(
            serde_json::to_string(&QualityIssue::LowSharpness)
                .ok()
                .as_deref(),
            Some("\"LOW_SHARPNESS\"")
        );
        assert_eq!("medium".parse::<QualityLevel>(), Ok(QualityLevel::Medium));
        assert!("bogus".parse::<QualityLevel>().is_err());
    }
}
