//! The engine facade: model paths and configuration, loading, and the detect / analyze / embed
//! entry points that combine detector, alignment, quality and recognizer.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::decode::{DecodeLimits, DecodedImage};
use crate::detector::{merge_detections, DetectParams, Detection, Detector};
use crate::error::EngineError;
use crate::facecheck::{self, FaceCheck};
use crate::quality::{measure, quality_gate, Quality, QualityIssue, QualityThresholds};
use crate::recognizer::{align, AlignedFace, Embedding, Recognizer};
use crate::runtime::{LoadedModel, ModelCache, Runtime, RuntimeConfig, RuntimeInfo};

/// Environment variable naming the folder that holds the model files.
pub const MODEL_DIR_ENV: &str = "FACECTL_MODEL_DIR";
/// Default detector file name (block-quantized int8, OpenCV Zoo).
pub const DETECTOR_FILE: &str = "face_detection_yunet_2023mar_int8bq.onnx";
/// Default recognizer file name (block-quantized int8, OpenCV Zoo).
pub const RECOGNIZER_FILE: &str = "face_recognition_sface_2021dec_int8bq.onnx";
/// Full-precision detector file name.
pub const DETECTOR_FILE_FP32: &str = "face_detection_yunet_2023mar.onnx";
/// Full-precision recognizer file name.
pub const RECOGNIZER_FILE_FP32: &str = "face_recognition_sface_2021dec.onnx";
/// Most faces [`Engine::analyze`] returns with [`FaceSelect::All`].
pub const MAX_FACES: usize = 100;

/// Where the two model files are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelPaths {
    pub detector: PathBuf,
    pub recognizer: PathBuf,
}

impl ModelPaths {
    /// The default (int8 block-quantized) file names inside `dir`.
    pub fn in_dir(dir: &Path) -> ModelPaths {
        ModelPaths {
            detector: dir.join(DETECTOR_FILE),
            recognizer: dir.join(RECOGNIZER_FILE),
        }
    }

    /// Like [`ModelPaths::in_dir`] but falls back, per model, to the full-precision file name
    /// when only that one exists in `dir`.
    pub fn find_in_dir(dir: &Path) -> ModelPaths {
        let pick = |q: &str, f: &str| {
            let qp = dir.join(q);
            let fp = dir.join(f);
            if !qp.is_file() && fp.is_file() {
                fp
            } else {
                qp
            }
        };
        ModelPaths {
            detector: pick(DETECTOR_FILE, DETECTOR_FILE_FP32),
            recognizer: pick(RECOGNIZER_FILE, RECOGNIZER_FILE_FP32),
        }
    }

    /// Paths from the `FACECTL_MODEL_DIR` folder; errors name the variable when it is unset,
    /// not a folder, or lacks the files.
    pub fn from_env() -> Result<ModelPaths, EngineError> {
        let dir = std::env::var_os(MODEL_DIR_ENV).filter(|v| !v.is_empty()).ok_or_else(|| {
            EngineError::ModelDirUnset(format!(
                "{MODEL_DIR_ENV} is not set; point it at a folder containing {DETECTOR_FILE} and {RECOGNIZER_FILE} (e.g. ../shared/models)"
            ))
        })?;
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(EngineError::ModelDirUnset(format!(
                "{MODEL_DIR_ENV}={} is not a folder",
                dir.display()
            )));
        }
        let paths = ModelPaths::find_in_dir(&dir);
        for p in [&paths.detector, &paths.recognizer] {
            if !p.is_file() {
                return Err(EngineError::ModelDirUnset(format!(
                    "{MODEL_DIR_ENV}={} does not contain {}",
                    dir.display(),
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                )));
            }
        }
        Ok(paths)
    }
}

/// Engine settings. `Default` gives the values the accuracy figures were measured with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineConfig {
    /// Detector score threshold, 0-1 (default 0.6).
    pub score_threshold: f32,
    /// NMS IoU threshold (default 0.3).
    pub nms_iou: f32,
    /// Images are downscaled so their longer side is at most this before detection (default 640).
    pub max_side: u32,
    /// Worker threads that batch helpers ([`Engine::analyze_batch`]) use; one inference runs on
    /// one thread (default: available cores).
    pub threads: usize,
    /// Thresholds of the quality gate reported in [`FaceAnalysis::issues`].
    pub quality: QualityThresholds,
    /// Decoder limits callers should use for this engine's inputs.
    pub decode: DecodeLimits,
    /// Optional second detection pass for small faces in large photos: when the image's longer
    /// side exceeds `max_side`, detect again at up to this longer side and merge (NMS). 0 = off
    /// (default; see docs/engine.md for the measured trade-off).
    pub small_face_pass_max_side: u32,
    /// When the upright pass finds no face, also look at copies turned by these angles
    /// (degrees) and map what they find back ([`crate::rotate`]); empty turns it off.
    pub rotated_passes: Vec<f64>,
    /// The rotated passes also run when an upright face has confidence (0-100) below this, and
    /// may replace it by the same face seen more confidently turned (default 90; 0 = only when
    /// nothing is found upright).
    pub rotated_below_confidence: f32,
    /// ... but only for doubtful faces whose box is at least this many pixels on its shorter
    /// side (default 40: smaller faces are too small to recognise reliably, and crowd photos are
    /// full of them).
    pub rotated_min_side: f32,
    /// Drops less confident detections that colour and face print both say are not a human
    /// face (an animal's face); `None` turns it off ([`crate::facecheck`]).
    pub face_check: Option<FaceCheck>,
    /// Which runtime runs the models (default: ONNX Runtime when its library is given, else
    /// tract).
    #[serde(default)]
    pub runtime: RuntimeConfig,
    /// Where the start-up cache keeps the folded models (and ONNX Runtime's optimised
    /// graphs), keyed by the model files' SHA-256 and the runtime version; `None`: no cache
    /// (default), every load does the work.
    #[serde(default)]
    pub cache_dir: Option<std::path::PathBuf>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            score_threshold: 0.6,
            nms_iou: 0.3,
            max_side: 640,
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            quality: QualityThresholds::default(),
            decode: DecodeLimits::default(),
            small_face_pass_max_side: 0,
            rotated_passes: vec![45.0, -45.0],
            rotated_below_confidence: 90.0,
            rotated_min_side: 40.0,
            face_check: Some(FaceCheck::default()),
            runtime: RuntimeConfig::default(),
            cache_dir: None,
        }
    }
}

/// The face of `det` (in the original's pixels) aligned from `img`'s working pixels; `None`
/// when its landmarks are degenerate.
pub fn align_face(img: &DecodedImage, det: &Detection) -> Option<AlignedFace> {
    if img.is_reduced() {
        align(&img.rgb, &img.to_working(det).landmarks)
    } else {
        align(&img.rgb, &det.landmarks)
    }
}

/// Runs its closure when dropped (a log line at the end of a step, however it ends).
struct Finally<F: FnMut()>(F);

impl<F: FnMut()> Drop for Finally<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// Overlap at which a turned copy's detection counts as the same face as an upright one.
const RELOOK_IOU: f32 = 0.3;

/// Longer side at which a turned square around a doubtful face (twice the face's size, about
/// 2.8 times once turned) is detected: the face comes out at about 90 px.
const RELOOK_SIDE: u32 = 256;

/// Which faces [`Engine::analyze`] processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaceSelect {
    /// Only the face with the largest box.
    Largest,
    /// Every face, largest first, at most [`MAX_FACES`].
    All,
}

/// Everything the engine knows about one face.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaceAnalysis {
    pub detection: Detection,
    pub quality: Quality,
    /// Problems against `EngineConfig::quality` (empty = passes).
    pub issues: Vec<QualityIssue>,
    pub embedding: Embedding,
}

/// Face detector + recognizer. `Send + Sync`: share it with `Arc` and call it from several
/// threads at once (each call runs single-threaded).
#[derive(Debug)]
pub struct Engine {
    detector: Detector,
    recognizer: Recognizer,
    config: EngineConfig,
    fingerprint: String,
    runtime: RuntimeInfo,
    from_cache: bool,
}

impl Engine {
    /// Loads and checks both models (folding block-quantized weights), building the common plans.
    pub fn load(paths: &ModelPaths, config: EngineConfig) -> Result<Engine, EngineError> {
        if !(config.score_threshold.is_finite() && (0.0..=1.0).contains(&config.score_threshold)) {
            return Err(EngineError::InvalidInput(format!(
                "score_threshold must be within 0-1, got {}",
                config.score_threshold
            )));
        }
        if !(config.nms_iou.is_finite() && (0.0..=1.0).contains(&config.nms_iou)) {
            return Err(EngineError::InvalidInput(format!(
                "nms_iou must be within 0-1, got {}",
                config.nms_iou
            )));
        }
        let t0 = std::time::Instant::now();
        let (rt, runtime) = Runtime::select(&config.runtime)?;
        let cache = config.cache_dir.as_ref().map(ModelCache::new);
        // The detector takes any input size; the recognizer one.
        let det = LoadedModel::read_cached(&paths.detector, "detector", cache.as_ref(), &rt, true)?;
        let rec =
            LoadedModel::read_cached(&paths.recognizer, "recognizer", cache.as_ref(), &rt, false)?;
        let from_cache = det.from_cache && rec.from_cache;
        // Stored only once both models have passed their checks below.
        let mut entries: Vec<_> = [det.cache_entry(), rec.cache_entry()]
            .into_iter()
            .flatten()
            .collect();
        let detector = Detector::new(det, &rt)?;
        let recognizer = Recognizer::new(rec, &rt)?;
        entries.extend(detector.net().take_cache_entry());
        entries.extend(recognizer.net().take_cache_entry());
        for e in entries {
            e.store();
        }
        let fingerprint = format!("yunet-2023mar+sface-2021dec:{}", &recognizer.sha256()[..12]);
        tracing::info!(ms = t0.elapsed().as_millis() as u64, %fingerprint, from_cache, runtime = %runtime.name, version = %runtime.version, "face engine loaded");
        Ok(Engine {
            detector,
            recognizer,
            config,
            fingerprint,
            runtime,
            from_cache,
        })
    }

    /// Both models came from the start-up cache (`EngineConfig::cache_dir`).
    pub fn from_cache(&self) -> bool {
        self.from_cache
    }

    /// Identifies the model that makes embeddings (embeddings from different fingerprints are
    /// not comparable), e.g. `yunet-2023mar+sface-2021dec:fb143eea0783`.
    pub fn model_fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The runtime running the models (tract or ONNX Runtime, its version and library).
    pub fn runtime(&self) -> &RuntimeInfo {
        &self.runtime
    }

    /// The configuration this engine runs with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Model file paths.
    pub fn model_paths(&self) -> ModelPaths {
        ModelPaths {
            detector: self.detector.path().to_path_buf(),
            recognizer: self.recognizer.path().to_path_buf(),
        }
    }

    /// Direct access to the detector (plan cache, raw candidates).
    pub fn detector(&self) -> &Detector {
        &self.detector
    }

    fn params(&self) -> DetectParams {
        DetectParams {
            score_threshold: self.config.score_threshold,
            nms_iou: self.config.nms_iou,
            max_side: self.config.max_side,
        }
    }

    /// Detects faces, sorted by box area (largest first), without those the face check drops.
    /// The configured rotated passes (copies turned by +-45 degrees) run only when the upright
    /// pass finds no face or a doubtful one (below `rotated_below_confidence`, at least
    /// `rotated_min_side` pixels). With nothing upright they turn the whole photo and their
    /// faces are used; otherwise they turn only a square around each doubtful face, which may
    /// take the turned copy's landmarks (a face tilted ~45 degrees is often found upright with
    /// landmarks that miss the tilt). No face is added or removed by the re-look.
    /// Boxes and landmarks are in the original's pixels (see [`DecodedImage::scale`]).
    pub fn detect(&self, img: &DecodedImage) -> Result<Vec<Detection>, EngineError> {
        Ok(self
            .detect_working(img)?
            .into_iter()
            .map(|d| img.to_original(d))
            .collect())
    }

    /// [`Engine::detect`] in working pixels (of `img.rgb`).
    fn detect_working(&self, img: &DecodedImage) -> Result<Vec<Detection>, EngineError> {
        let params = self.params();
        let upright = self.checked(img, self.detect_with_working(img, &params)?, false)?;
        let gate = self.config.rotated_below_confidence;
        let min_side = self.config.rotated_min_side;
        let doubtful = upright.is_empty()
            || upright
                .iter()
                .any(|d| d.confidence < gate && d.bbox.width.min(d.bbox.height) >= min_side);
        let (w, h) = img.rgb.dimensions();
        if !doubtful || self.config.rotated_passes.is_empty() || w < 2 || h < 2 {
            return Ok(upright);
        }
        if upright.is_empty() {
            let turned = self.detect_turned(&img.rgb, &params)?;
            return self.checked(img, turned, true);
        }
        // Re-look at each doubtful face on turned copies of a square around it, scaled so the
        // face is about 90 px: a few milliseconds per face, whatever the photo's size.
        let around = DetectParams {
            max_side: RELOOK_SIDE,
            ..params
        };
        let mut turned: Vec<Detection> = Vec::new();
        for d in upright
            .iter()
            .filter(|d| d.confidence < gate && d.bbox.width.min(d.bbox.height) >= min_side)
        {
            let (cx, cy) = d.bbox.center();
            let half = d.bbox.width.max(d.bbox.height);
            let x0 = (cx - half).max(0.0).floor() as u32;
            let y0 = (cy - half).max(0.0).floor() as u32;
            let x1 = ((cx + half).ceil() as u32).min(w);
            let y1 = ((cy + half).ceil() as u32).min(h);
            if x1 <= x0 + 1 || y1 <= y0 + 1 {
                continue;
            }
            let crop = image::imageops::crop_imm(&img.rgb, x0, y0, x1 - x0, y1 - y0).to_image();
            for mut t in self.detect_turned(&crop, &around)? {
                t.bbox.x += x0 as f32;
                t.bbox.y += y0 as f32;
                for p in &mut t.landmarks {
                    p[0] += x0 as f32;
                    p[1] += y0 as f32;
                }
                turned.push(t);
            }
        }
        Ok(crate::rotate::relook(
            upright, &turned, gate, min_side, RELOOK_IOU,
        ))
    }

    /// What the detector finds on copies of `rgb` turned by the configured angles, in `rgb`'s
    /// pixels, merged (NMS).
    fn detect_turned(
        &self,
        rgb: &image::RgbImage,
        params: &DetectParams,
    ) -> Result<Vec<Detection>, EngineError> {
        // The detector looks at most `max_side` pixels wide, so turning more than twice that is
        // wasted work (a 9000x9000 photo would cost two 160-megapixel turned copies): turn a
        // box-averaged copy and scale what it finds back.
        let (small, scale) = crate::rotate::reduced(rgb, params.max_side.saturating_mul(2));
        let work = small.as_ref().unwrap_or(rgb);
        let mut found: Vec<Detection> = Vec::new();
        for &deg in &self.config.rotated_passes {
            let (copy, back) = crate::rotate::rotate(work, deg);
            let more: Vec<Detection> = self
                .detector
                .detect(&copy, params)?
                .iter()
                .map(|d| {
                    let d = crate::rotate::map_back(d, &back, work.width(), work.height());
                    crate::rotate::scale_back(d, scale, rgb.width(), rgb.height())
                })
                .collect();
            found = merge_detections(found, more, params.nms_iou);
        }
        Ok(found)
    }

    /// Keeps the detections the configured face check does not reject. Upright detections pay
    /// an embedding only below its confidence gate with skin colour off the human locus;
    /// `rotated` (fallback-pass) detections are all embedded and need a human face print.
    fn checked(
        &self,
        img: &DecodedImage,
        dets: Vec<Detection>,
        rotated: bool,
    ) -> Result<Vec<Detection>, EngineError> {
        let Some(check) = self.config.face_check else {
            return Ok(dets);
        };
        let mut keep = Vec::with_capacity(dets.len());
        for d in dets {
            if !rotated && d.confidence >= check.below_confidence {
                keep.push(d);
                continue;
            }
            let Some(face) = align(&img.rgb, &d.landmarks) else {
                keep.push(d);
                continue;
            };
            let chroma = facecheck::skin_chroma(&face.planar);
            let off_skin = chroma
                .is_some_and(|c| facecheck::BUILTIN.skin_distance(c) > check.min_skin_distance);
            if !rotated && !off_skin {
                keep.push(d);
                continue;
            }
            let print = self.recognizer.embed_aligned(&face)?;
            let ev = facecheck::BUILTIN.evidence(chroma, print.as_slice());
            let rejected = if rotated {
                check.rejects_rotated(d.confidence, &ev)
            } else {
                check.rejects(d.confidence, &ev)
            };
            if rejected {
                tracing::debug!(
                    confidence = d.confidence,
                    ?ev,
                    "face check: not a human face"
                );
            } else {
                keep.push(d);
            }
        }
        Ok(keep)
    }

    /// Detects with explicit parameters (e.g. a lower threshold for a fallback pass); applies
    /// the configured small-face pass. Boxes are in the original's pixels.
    pub fn detect_with(
        &self,
        img: &DecodedImage,
        params: &DetectParams,
    ) -> Result<Vec<Detection>, EngineError> {
        Ok(self
            .detect_with_working(img, params)?
            .into_iter()
            .map(|d| img.to_original(d))
            .collect())
    }

    fn detect_with_working(
        &self,
        img: &DecodedImage,
        params: &DetectParams,
    ) -> Result<Vec<Detection>, EngineError> {
        let dets = self.detector.detect(&img.rgb, params)?;
        let long = img.rgb.width().max(img.rgb.height());
        let second = self.config.small_face_pass_max_side;
        if params.max_side == 0 || second <= params.max_side || long <= params.max_side {
            return Ok(dets);
        }
        let p2 = DetectParams {
            max_side: second,
            ..*params
        };
        let more = self.detector.detect(&img.rgb, &p2)?;
        Ok(merge_detections(dets, more, params.nms_iou))
    }

    /// Aligns and embeds one detected face (a detection in the original's pixels).
    pub fn embed(&self, img: &DecodedImage, det: &Detection) -> Result<Embedding, EngineError> {
        let face = align_face(img, det).ok_or_else(|| {
            EngineError::InvalidInput("face landmarks are degenerate; cannot align".into())
        })?;
        self.recognizer.embed_aligned(&face)
    }

    /// Every face (largest first, at most [`MAX_FACES`]) with its measured quality, without
    /// embedding: what indexing needs to decide which faces to keep. Faces whose landmarks
    /// cannot be aligned are left out.
    pub fn assess(&self, img: &DecodedImage) -> Result<Vec<(Detection, Quality)>, EngineError> {
        let mut dets = self.detect(img)?;
        dets.truncate(MAX_FACES);
        Ok(dets
            .into_iter()
            .filter_map(|det| match align_face(img, &det) {
                Some(face) => {
                    let quality = measure(&det, &face.planar);
                    Some((det, quality))
                }
                None => {
                    tracing::debug!("skipping a face that cannot be aligned");
                    None
                }
            })
            .collect())
    }

    /// Quality, gate result and embedding for one detection.
    pub fn analyze_detection(
        &self,
        img: &DecodedImage,
        det: Detection,
    ) -> Result<FaceAnalysis, EngineError> {
        let face = align_face(img, &det).ok_or_else(|| {
            EngineError::InvalidInput("face landmarks are degenerate; cannot align".into())
        })?;
        let quality = measure(&det, &face.planar);
        let issues = quality_gate(&det, &quality, &self.config.quality);
        let embedding = self.recognizer.embed_aligned(&face)?;
        Ok(FaceAnalysis {
            detection: det,
            quality,
            issues,
            embedding,
        })
    }

    /// Detects, then measures quality and embeds the largest face or all faces (largest first,
    /// at most [`MAX_FACES`]). No face gives an empty vector.
    pub fn analyze(
        &self,
        img: &DecodedImage,
        want: FaceSelect,
    ) -> Result<Vec<FaceAnalysis>, EngineError> {
        let t0 = std::time::Instant::now();
        let mut dets = self.detect(img)?;
        tracing::debug!(
            faces = dets.len(),
            ms = t0.elapsed().as_secs_f64() * 1e3,
            "detected"
        );
        dets.truncate(match want {
            FaceSelect::Largest => 1,
            FaceSelect::All => MAX_FACES,
        });
        let t0 = std::time::Instant::now();
        let _embedded = Finally(move || {
            tracing::debug!(
                ms = t0.elapsed().as_secs_f64() * 1e3,
                "aligned, measured and embedded"
            );
        });
        let mut out = Vec::with_capacity(dets.len());
        for det in dets {
            match self.analyze_detection(img, det) {
                Ok(a) => out.push(a),
                Err(EngineError::InvalidInput(reason)) => {
                    tracing::debug!(%reason, "skipping face that cannot be aligned");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Runs [`Engine::analyze`] over many images on `config.threads` worker threads; results
    /// keep the input order.
    pub fn analyze_batch(
        &self,
        imgs: &[DecodedImage],
        want: FaceSelect,
    ) -> Vec<Result<Vec<FaceAnalysis>, EngineError>> {
        let workers = self.config.threads.clamp(1, imgs.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<Option<Result<Vec<FaceAnalysis>, EngineError>>> =
            (0..imgs.len()).map(|_| None).collect();
        let slots = std::sync::Mutex::new(&mut results);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(img) = imgs.get(i) else { break };
                    let r = self.analyze(img, want);
                    let mut guard = slots.lock().unwrap_or_else(|e| e.into_inner());
                    guard[i] = Some(r);
                });
            }
        });
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| Err(EngineError::InvalidInput("worker did not finish".into())))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn engine_is_send_sync() {
        assert_send_sync::<Engine>();
    }

    #[test]
    fn in_dir_uses_default_names() {
        let p = ModelPaths::in_dir(Path::new("/m"));
        assert_eq!(p.detector, Path::new("/m").join(DETECTOR_FILE));
        assert_eq!(p.recognizer, Path::new("/m").join(RECOGNIZER_FILE));
    }
}
