//! SFace recognizer: 5-point alignment onto the ArcFace 112x112 template and the L2-normalised
//! 128-d embedding.

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::geometry::{umeyama, Affine};
use crate::imgproc::warp_to_planar_rgb;
use crate::runtime::{LoadedModel, Net, Runtime};

/// Side of the aligned face crop.
pub const CROP: usize = 112;
/// Length of an embedding.
pub const EMBEDDING_DIM: usize = 128;

/// The standard ArcFace 112x112 five-point template, in the detector's landmark order
/// (subject's right eye = image-left eye, left eye, nose tip, right mouth corner, left mouth corner).
pub const ARCFACE_TEMPLATE: [[f32; 2]; 5] = [
    [38.2946, 51.6963],
    [73.5318, 51.5014],
    [56.0252, 71.7366],
    [41.5493, 92.3655],
    [70.7299, 92.2041],
];

/// A face embedding: 128 floats, L2-normalised (compare with [`crate::cosine`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Embedding(pub Vec<f32>);

impl Embedding {
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An aligned 112x112 face crop as planar RGB floats (0..255), plus the transform used.
#[derive(Clone, Debug)]
pub struct AlignedFace {
    pub planar: Vec<f32>,
    /// Image -> crop transform.
    pub transform: Affine,
}

/// Aligns a face given its five landmarks (image pixels), or `None` if they are degenerate.
pub fn align(rgb: &RgbImage, landmarks: &[[f32; 2]; 5]) -> Option<AlignedFace> {
    let m = umeyama(landmarks, &ARCFACE_TEMPLATE)?;
    let inv = m.invert()?;
    Some(AlignedFace {
        planar: warp_to_planar_rgb(rgb, &inv, CROP),
        transform: m,
    })
}

/// The SFace model on its runtime (input 1x3x112x112).
pub struct Recognizer {
    net: Net,
    sha256: String,
}

impl std::fmt::Debug for Recognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recognizer")
            .field("path", &self.net.path())
            .finish()
    }
}

impl Recognizer {
    /// Puts a loaded SFace model on `runtime`, checking it takes 1x3x112x112 and returns 128
    /// values.
    pub(crate) fn new(model: LoadedModel, runtime: &Runtime) -> Result<Recognizer, EngineError> {
        let d = &model.declared_input;
        let ok = d.len() == 4 && dim_ok(d[1], 3) && dim_ok(d[2], CROP) && dim_ok(d[3], CROP);
        if !ok {
            return Err(EngineError::ModelShape {
                path: model.path.clone(),
                reason: format!("recognizer input must be Nx3x112x112, the file declares {d:?}"),
            });
        }
        let sha256 = model.sha256.clone();
        // A model from the start-up cache passed this check when it was stored.
        let checked = model.from_cache;
        let r = Recognizer {
            net: model.into_net(runtime)?,
            sha256,
        };
        if checked {
            return Ok(r);
        }
        let out = r.run(&vec![0f32; 3 * CROP * CROP])?;
        if out.len() != EMBEDDING_DIM {
            return Err(EngineError::ModelShape {
                path: r.net.path().to_path_buf(),
                reason: format!(
                    "recognizer output has {} values, expected {EMBEDDING_DIM}",
                    out.len()
                ),
            });
        }
        Ok(r)
    }

    /// Path of the model file.
    pub fn path(&self) -> &std::path::Path {
        self.net.path()
    }

    pub(crate) fn net(&self) -> &Net {
        &self.net
    }
    /// SHA-256 of the model file.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    fn run(&self, planar: &[f32]) -> Result<Vec<f32>, EngineError> {
        let out = self.net.run([1, 3, CROP, CROP], planar, "recognizer")?;
        out.into_iter()
            .next()
            .map(|o| o.data)
            .ok_or_else(|| EngineError::Inference {
                model: "recognizer".into(),
                reason: "no output".into(),
            })
    }

    /// Embeds an aligned crop; the output is L2-normalised.
    pub fn embed_aligned(&self, face: &AlignedFace) -> Result<Embedding, EngineError> {
        let mut v = self.run(&face.planar)?;
        l2_normalise(&mut v);
        Ok(Embedding(v))
    }
}

/// A declared dimension matches when it is unknown (dynamic) or equal.
fn dim_ok(declared: Option<usize>, want: usize) -> bool {
    match declared {
        None => true,
        Some(v) => v == want,
    }
}

/// Scales a vector to unit length (left unchanged if it is all zeros or not finite).
pub fn l2_normalise(v: &mut [f32]) {
    let n = v
        .iter()
        .map(|x| (*x as f64) * (*x as f64))
        .sum::<f64>()
        .sqrt();
    if n > 0.0 && n.is_finite() {
        v.iter_mut().for_each(|x| *x = (*x as f64 / n) as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_order_eyes_then_nose_then_mouth() {
        let t = ARCFACE_TEMPLATE;
        // First eye is on the image's left, eyes above nose above mouth, mouth corners ordered like eyes.
        assert!(t[0][0] < t[1][0]);
        assert!(t[2][1] > t[0][1] && t[2][1] > t[1][1]);
        assert!(t[3][1] > t[2][1] && t[4][1] > t[2][1]);
        assert!(t[3][0] < t[4][0]);
    }

    #[test]
    fn aligning_template_points_is_identity() {
        let img = RgbImage::from_pixel(112, 112, image::Rgb([1, 2, 3]));
        let a = align(&img, &ARCFACE_TEMPLATE).expect("aligns");
        let m = a.transform.0;
        assert!((m[0][0] - 1.0).abs() < 1e-6 && m[0][1].abs() < 1e-6 && m[0][2].abs() < 1e-4);
        assert_eq!(a.planar[50 * 112 + 50], 1.0);
        assert_eq!(
            a.planar[2 * 112 * 112 + 50 * 112 + 50],
            3.0,
            "planar RGB order"
        );
    }

    #[test]
    fn normalise() {
        let mut v = vec![3.0, 4.0];
        l2_normalise(&mut v);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        let mut z = vec![0.0, 0.0];
        l2_normalise(&mut z);
        assert_eq!(z, vec![0.0, 0.0]);
    }
}
