//! YuNet face detector: input preparation, decoding of the stride 8/16/32 heads, score
//! threshold, NMS, and mapping back to original image pixels.

use image::RgbImage;
use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::geometry::{nms, BoundingBox, Letterbox};
use crate::imgproc::detector_input;
use crate::runtime::{LoadedModel, Net, Output, Runtime};

/// YuNet's strides, in the order of its output heads.
pub const STRIDES: [usize; 3] = [8, 16, 32];
/// Network input sides must be multiples of this.
pub const PAD_MULTIPLE: u32 = 32;
/// Candidates kept before NMS (as OpenCV's FaceDetectorYN top_k).
const PRE_NMS_TOP_K: usize = 5000;

/// One detected face, in original image pixels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Face box, clipped to the image.
    pub bbox: BoundingBox,
    /// Subject's right eye, left eye, nose tip, right mouth corner, left mouth corner (YuNet order;
    /// the subject's right eye is the one on the image's left). Not clipped: a point may lie
    /// slightly outside the image for a face cut by the border.
    pub landmarks: [[f32; 2]; 5],
    /// Detector confidence, 0-100 (YuNet score x 100).
    pub confidence: f32,
}

/// Parameters of one detection run.
#[derive(Clone, Copy, Debug)]
pub struct DetectParams {
    pub score_threshold: f32,
    pub nms_iou: f32,
    pub max_side: u32,
}

/// Output slot indices for one stride: (cls, obj, bbox, kps).
type Heads = [(usize, usize, usize, usize); 3];

/// The YuNet model on its runtime (which takes any padded input size).
pub struct Detector {
    net: Net,
    heads: Heads,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("path", &self.net.path())
            .finish()
    }
}

fn shape_err(path: &std::path::Path, reason: String) -> EngineError {
    EngineError::ModelShape {
        path: path.to_path_buf(),
        reason,
    }
}

impl Detector {
    /// Puts a loaded YuNet model on `runtime`, checking it has YuNet's outputs.
    pub(crate) fn new(model: LoadedModel, runtime: &Runtime) -> Result<Detector, EngineError> {
        let d = &model.declared_input;
        if d.len() != 4 || d[1].is_some_and(|c| c != 3) {
            return Err(shape_err(
                &model.path,
                format!("detector input must be 1x3xHxW, the file declares {d:?}"),
            ));
        }
        let find = |name: String| -> Result<usize, EngineError> {
            model
                .output_names
                .iter()
                .position(|n| *n == name)
                .ok_or_else(|| {
                    shape_err(
                        &model.path,
                        format!(
                            "detector output {name} missing (outputs: {}); is this a YuNet 2023mar model?",
                            model.output_names.join(", ")
                        ),
                    )
                })
        };
        let mut heads: Heads = [(0, 0, 0, 0); 3];
        for (i, s) in STRIDES.iter().enumerate() {
            heads[i] = (
                find(format!("cls_{s}"))?,
                find(format!("obj_{s}"))?,
                find(format!("bbox_{s}"))?,
                find(format!("kps_{s}"))?,
            );
        }
        // The output names are checked above and the output sizes on every run; no blank run
        // at load (it cost a plan and a run for a size most photos do not have).
        Ok(Detector {
            net: model.into_net(runtime)?,
            heads,
        })
    }

    /// Path of the model file.
    pub fn path(&self) -> &std::path::Path {
        self.net.path()
    }

    pub(crate) fn net(&self) -> &Net {
        &self.net
    }

    fn check_outputs(&self, outputs: &[Output], pw: usize, ph: usize) -> Result<(), EngineError> {
        for (i, s) in STRIDES.iter().enumerate() {
            let n = (pw / s) * (ph / s);
            let (c, o, b, k) = self.heads[i];
            for (idx, width, name) in [(c, 1, "cls"), (o, 1, "obj"), (b, 4, "bbox"), (k, 10, "kps")]
            {
                let len = outputs.get(idx).map(|t| t.data.len()).unwrap_or(0);
                if len != n * width {
                    return Err(shape_err(
                        self.net.path(),
                        format!(
                            "output {name}_{s} has {len} values for a {pw}x{ph} input, expected {}",
                            n * width
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Input sizes prepared so far (tract: one plan each; for diagnostics and tests).
    pub fn cached_plans(&self) -> usize {
        self.net.prepared_shapes()
    }

    /// Detects faces; results in original pixels, sorted by box area (largest first).
    pub fn detect(&self, rgb: &RgbImage, p: &DetectParams) -> Result<Vec<Detection>, EngineError> {
        if rgb.width() == 0 || rgb.height() == 0 {
            return Ok(Vec::new());
        }
        let lb = Letterbox::new(rgb.width(), rgb.height(), p.max_side, PAD_MULTIPLE);
        let raw = self.detect_raw(rgb, &lb, p.score_threshold)?;
        Ok(finish(
            raw,
            &lb,
            p.nms_iou,
            rgb.width() as f32,
            rgb.height() as f32,
        ))
    }

    /// Runs the network on the letterboxed image and decodes candidates above `threshold`,
    /// in network-input coordinates (before NMS).
    pub fn detect_raw(
        &self,
        rgb: &RgbImage,
        lb: &Letterbox,
        threshold: f32,
    ) -> Result<Vec<Candidate>, EngineError> {
        let data = detector_input(rgb, lb);
        let (pw, ph) = (lb.padded_w as usize, lb.padded_h as usize);
        let outputs = self.net.run([1, 3, ph, pw], &data, "detector")?;
        self.check_outputs(&outputs, pw, ph)?;
        let mut cands = Vec::new();
        for (i, &s) in STRIDES.iter().enumerate() {
            let (c, o, b, k) = self.heads[i];
            let view = |idx: usize| outputs[idx].data.as_slice();
            decode_stride(
                view(c),
                view(o),
                view(b),
                view(k),
                s,
                pw / s,
                threshold,
                &mut cands,
            );
        }
        if cands.len() > PRE_NMS_TOP_K {
            cands.sort_by(|a, b| b.score.total_cmp(&a.score));
            cands.truncate(PRE_NMS_TOP_K);
        }
        Ok(cands)
    }
}

/// A decoded detector candidate in network-input coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub bbox: BoundingBox,
    pub landmarks: [[f32; 2]; 5],
    pub score: f32,
}

/// Decodes one stride's heads: score = sqrt(clip01(cls) * clip01(obj)); box centre
/// ((col + b0) s, (row + b1) s), size (e^b2 s, e^b3 s); landmark k = ((kx + col) s, (ky + row) s).
#[allow(clippy::too_many_arguments)]
pub fn decode_stride(
    cls: &[f32],
    obj: &[f32],
    bbox: &[f32],
    kps: &[f32],
    stride: usize,
    cols: usize,
    threshold: f32,
    out: &mut Vec<Candidate>,
) {
    let s = stride as f32;
    let n = cls
        .len()
        .min(obj.len())
        .min(bbox.len() / 4)
        .min(kps.len() / 10);
    for i in 0..n {
        let score = (cls[i].clamp(0.0, 1.0) * obj[i].clamp(0.0, 1.0)).sqrt();
        if score < threshold || !score.is_finite() {
            continue;
        }
        let (row, col) = ((i / cols.max(1)) as f32, (i % cols.max(1)) as f32);
        let b = &bbox[i * 4..i * 4 + 4];
        let cx = (col + b[0]) * s;
        let cy = (row + b[1]) * s;
        let w = b[2].exp() * s;
        let h = b[3].exp() * s;
        let k = &kps[i * 10..i * 10 + 10];
        let mut landmarks = [[0f32; 2]; 5];
        for (j, l) in landmarks.iter_mut().enumerate() {
            *l = [(k[2 * j] + col) * s, (k[2 * j + 1] + row) * s];
        }
        out.push(Candidate {
            bbox: BoundingBox {
                x: cx - w / 2.0,
                y: cy - h / 2.0,
                width: w,
                height: h,
            },
            landmarks,
            score,
        });
    }
}

/// NMS in network coordinates, then maps boxes and landmarks back to original pixels, clips
/// boxes to the image, drops empty boxes and sorts by area (largest first).
pub fn finish(
    cands: Vec<Candidate>,
    lb: &Letterbox,
    nms_iou: f32,
    img_w: f32,
    img_h: f32,
) -> Vec<Detection> {
    let boxes: Vec<BoundingBox> = cands.iter().map(|c| c.bbox).collect();
    let scores: Vec<f32> = cands.iter().map(|c| c.score).collect();
    let keep = nms(&boxes, &scores, nms_iou);
    let mut dets: Vec<Detection> = keep
        .into_iter()
        .filter_map(|i| {
            let c = &cands[i];
            let (x1, y1) = lb.inverse(c.bbox.x, c.bbox.y);
            let (x2, y2) = lb.inverse(c.bbox.right(), c.bbox.bottom());
            let bbox = BoundingBox::from_corners(x1, y1, x2, y2).clip(img_w, img_h);
            if bbox.width < 1.0 || bbox.height < 1.0 {
                return None;
            }
            let mut landmarks = [[0f32; 2]; 5];
            for (o, l) in landmarks.iter_mut().zip(&c.landmarks) {
                let (x, y) = lb.inverse(l[0], l[1]);
                *o = [x, y];
            }
            Some(Detection {
                bbox,
                landmarks,
                confidence: (c.score * 100.0).min(100.0),
            })
        })
        .collect();
    sort_by_area(&mut dets);
    dets
}

/// Merges the detections of two passes (original pixels): NMS over the union keeping the
/// higher confidence, then sorted by area.
pub fn merge_detections(a: Vec<Detection>, b: Vec<Detection>, nms_iou: f32) -> Vec<Detection> {
    let all: Vec<Detection> = a.into_iter().chain(b).collect();
    let boxes: Vec<BoundingBox> = all.iter().map(|d| d.bbox).collect();
    let scores: Vec<f32> = all.iter().map(|d| d.confidence).collect();
    let keep = nms(&boxes, &scores, nms_iou);
    let mut out: Vec<Detection> = keep.into_iter().map(|i| all[i].clone()).collect();
    sort_by_area(&mut out);
    out
}

/// Sorts detections by box area, largest first (ties: higher confidence first).
pub fn sort_by_area(dets: &mut [Detection]) {
    dets.sort_by(|a, b| {
        b.bbox
            .area()
            .total_cmp(&a.bbox.area())
            .then(b.confidence.total_cmp(&a.confidence))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_single_cell() {
        // 2x2 grid at stride 8; only cell (row 1, col 0) fires.
        let cls = [0.0, 0.0, 0.81, 0.0];
        let obj = [0.0, 0.0, 1.0, 0.0];
        let mut bbox = [0f32; 16];
        bbox[8..12].copy_from_slice(&[0.5, 0.25, 0.0, (2.0f32).ln()]);
        let mut kps = [0f32; 40];
        for j in 0..5 {
            kps[20 + 2 * j] = j as f32 * 0.1;
            kps[20 + 2 * j + 1] = 0.5;
        }
        let mut out = Vec::new();
        decode_stride(&cls, &obj, &bbox, &kps, 8, 2, 0.6, &mut out);
        assert_eq!(out.len(), 1);
        let c = out[0];
        assert!((c.score - 0.9).abs() < 1e-6);
        // centre (4, 10), size 8 x 16
        assert!((c.bbox.x - 0.0).abs() < 1e-5 && (c.bbox.y - 2.0).abs() < 1e-5);
        assert!((c.bbox.width - 8.0).abs() < 1e-5 && (c.bbox.height - 16.0).abs() < 1e-4);
        assert!((c.landmarks[2][0] - 1.6).abs() < 1e-5 && (c.landmarks[2][1] - 12.0).abs() < 1e-5);
    }

    #[test]
    fn finish_maps_back_and_clips() {
        let lb = Letterbox::new(1280, 960, 640, 32); // scale 0.5
        let c = Candidate {
            bbox: BoundingBox {
                x: -10.0,
                y: 100.0,
                width: 110.0,
                height: 100.0,
            },
            landmarks: [
                [20.0, 120.0],
                [60.0, 120.0],
                [40.0, 140.0],
                [25.0, 170.0],
                [55.0, 170.0],
            ],
            score: 0.9,
        };
        let weaker = Candidate { score: 0.7, ..c };
        let d = finish(vec![weaker, c], &lb, 0.3, 1280.0, 960.0);
        assert_eq!(d.len(), 1);
        assert!((d[0].confidence - 90.0).abs() < 1e-4);
        assert_eq!(d[0].bbox.x, 0.0);
        assert!((d[0].bbox.right() - 200.0).abs() < 1e-3);
        assert!((d[0].bbox.y - 200.0).abs() < 1e-3);
        assert!(
            (d[0].landmarks[2][0] - 80.0).abs() < 1e-3
                && (d[0].landmarks[2][1] - 280.0).abs() < 1e-3
        );
    }
}
