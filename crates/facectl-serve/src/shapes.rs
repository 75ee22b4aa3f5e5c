//! Response structures in Rekognition's shapes: BoundingBox and Landmarks as ratios of the
//! (upright) image size, Pose in degrees, Quality 0-100, Face records of a collection.

use facectl_collection::store::FaceRow;
use facectl_engine::{DecodedImage, Detection, Quality};
use serde_json::{json, Value};

/// Rounds to 6 decimals so f32 values print cleanly.
pub fn num(x: f32) -> f64 {
    (x as f64 * 1e6).round() / 1e6
}

/// Box as ratios `[left, top, width, height]`.
pub fn ratios(det: &Detection, img: &DecodedImage) -> [f32; 4] {
    let (w, h) = (img.width().max(1) as f32, img.height().max(1) as f32);
    [
        det.bbox.x / w,
        det.bbox.y / h,
        det.bbox.width / w,
        det.bbox.height / h,
    ]
}

pub fn bounding_box(r: [f32; 4]) -> Value {
    json!({"Width": num(r[2]), "Height": num(r[3]), "Left": num(r[0]), "Top": num(r[1])})
}

/// Rekognition's names for YuNet's five points. YuNet lists the subject's right eye first,
/// which is the eye on the image's left: Rekognition's `eyeLeft` (image-left, as its samples show).
const LANDMARK_TYPES: [&str; 5] = ["eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight"];

pub fn landmarks(det: &Detection, img: &DecodedImage) -> Value {
    let (w, h) = (img.width().max(1) as f32, img.height().max(1) as f32);
    Value::Array(
        det.landmarks
            .iter()
            .zip(LANDMARK_TYPES)
            .map(|(p, t)| json!({"Type": t, "X": num(p[0] / w), "Y": num(p[1] / h)}))
            .collect(),
    )
}

pub fn pose(q: &Quality) -> Value {
    json!({"Roll": num(q.roll), "Yaw": num(q.yaw), "Pitch": num(q.pitch)})
}

pub fn quality(q: &Quality) -> Value {
    json!({"Brightness": num(q.brightness), "Sharpness": num(q.sharpness)})
}

/// `FaceDetail` with the DEFAULT attributes (box, confidence, landmarks, pose, quality).
/// `ALL` gives the same: age, emotions and the like are not estimated by facectl's models.
pub fn face_detail(det: &Detection, q: &Quality, img: &DecodedImage) -> Value {
    json!({
        "BoundingBox": bounding_box(ratios(det, img)),
        "Landmarks": landmarks(det, img),
        "Pose": pose(q),
        "Quality": quality(q),
        "Confidence": num(det.confidence),
    })
}

/// `ComparedFace` (CompareFaces): the same members as the DEFAULT FaceDetail.
pub fn compared_face(det: &Detection, q: &Quality, img: &DecodedImage) -> Value {
    face_detail(det, q, img)
}

/// The `FaceModelVersion` reported for an engine fingerprint. Rekognition's model requires
/// `[0-9\.]+` ("7.0"), so the fingerprint (`yunet-2023mar+sface-2021dec:<sha>`) is reported as
/// `1.<n>`, `n` taken from its SHA-256: stable per model, different between models.
pub fn face_model_version(fingerprint: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(fingerprint.as_bytes());
    format!("1.{}", u32::from_be_bytes([0, d[0], d[1], d[2]]))
}

/// A collection's `Face`; `model_version` is its collection's `FaceModelVersion`.
pub fn face(f: &FaceRow, model_version: &str) -> Value {
    let mut v = json!({
        "FaceId": f.face_id,
        "BoundingBox": bounding_box(f.bbox_ratios()),
        "ImageId": f.image_id,
        "Confidence": num(f.confidence),
        "IndexFacesModelVersion": model_version,
    });
    if let Some(x) = &f.external_id {
        v["ExternalImageId"] = json!(x);
    }
    if let Some(u) = &f.user_id {
        v["UserId"] = json!(u);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::face_model_version;

    #[test]
    fn model_versions_are_numeric_stable_and_distinct() {
        let a = face_model_version("yunet-2023mar+sface-2021dec:fb143eea0783");
        assert!(a.chars().all(|c| c.is_ascii_digit() || c == '.'), "{a}");
        assert!(a.starts_with("1."));
        assert_eq!(
            a,
            face_model_version("yunet-2023mar+sface-2021dec:fb143eea0783")
        );
        assert_ne!(
            a,
            face_model_version("yunet-2023mar+sface-2021dec:000000000000")
        );
    }
}
