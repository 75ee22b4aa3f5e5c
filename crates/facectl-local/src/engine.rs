//! The face engine as the local backend uses it: loaded lazily on first use and shared,
//! with decoding, detection, quality and analysis results turned into port types.

use facectl_core::model::{BoundingBox, FaceDetail, FaceQuality, Pose, QualityFilter};
use facectl_core::ports::BackendResult;
use facectl_core::BackendError;
use facectl_engine::{
    DecodedImage, Detection, Engine, EngineConfig, EngineError, FaceAnalysis, FaceSelect,
    ImageError, ModelPaths, Quality, QualityLevel, QualityThresholds, MODEL_DIR_ENV,
};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The engine, loaded on first use from `model_dir`.
pub(crate) struct EngineSlot {
    model_dir: PathBuf,
    config: EngineConfig,
    loaded: Mutex<Option<Arc<Engine>>>,
}

impl EngineSlot {
    pub(crate) fn new(model_dir: PathBuf, config: EngineConfig) -> Self {
        EngineSlot {
            model_dir,
            config,
            loaded: Mutex::new(None),
        }
    }

    pub(crate) fn model_dir(&self) -> &Path {
        &self.model_dir
    }

    /// The engine, loading it if this is the first use. Blocking (loading takes a while);
    /// concurrent first callers wait for one load. A failed load is retried on the next call.
    pub(crate) fn get(&self) -> BackendResult<Arc<Engine>> {
        let mut guard = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(engine) = guard.as_ref() {
            return Ok(Arc::clone(engine));
        }
        let paths = ModelPaths::find_in_dir(&self.model_dir);
        let engine = Engine::load(&paths, self.config.clone()).map_err(|e| {
            BackendError::Other(format!(
                "cannot load the face engine from {}: {e} (put the model files there or point {MODEL_DIR_ENV} at them)",
                self.model_dir.display()
            ))
        })?;
        let engine = Arc::new(engine);
        *guard = Some(Arc::clone(&engine));
        Ok(engine)
    }
}

/// The port error for an undecodable image; the reason does not repeat the origin.
fn invalid_image(e: ImageError) -> BackendError {
    BackendError::InvalidImage {
        origin: e.origin().to_string(),
        reason: e.reason(),
    }
}

/// The port error for an engine failure while working on one image.
pub(crate) fn engine_failure(origin: &str, e: EngineError) -> BackendError {
    match e {
        EngineError::Image(e) => invalid_image(e),
        e @ (EngineError::InvalidInput(_) | EngineError::Inference { .. }) => {
            BackendError::InvalidImage {
                origin: origin.to_string(),
                reason: format!("face engine failed on this image: {e}"),
            }
        }
        other => BackendError::Other(format!("face engine: {other}")),
    }
}

/// Decodes with the engine's limits.
pub(crate) fn decode(engine: &Engine, bytes: &[u8], origin: &str) -> BackendResult<DecodedImage> {
    facectl_engine::decode_image(bytes, origin, &engine.config().decode).map_err(invalid_image)
}

/// Quality and embedding of the largest face or all faces, largest first.
pub(crate) fn analyze(
    engine: &Engine,
    img: &DecodedImage,
    origin: &str,
    select: FaceSelect,
) -> BackendResult<Vec<FaceAnalysis>> {
    engine
        .analyze(img, select)
        .map_err(|e| engine_failure(origin, e))
}

/// Every face (largest first, at most [`facectl_engine::MAX_FACES`]) with its measured
/// quality, without embedding (see [`Engine::assess`]).
pub(crate) fn assess(
    engine: &Engine,
    img: &DecodedImage,
    origin: &str,
) -> BackendResult<Vec<(Detection, Quality)>> {
    engine.assess(img).map_err(|e| engine_failure(origin, e))
}

/// The face as the ports describe it.
pub(crate) fn detail(det: &Detection, q: &Quality) -> FaceDetail {
    FaceDetail {
        bbox: BoundingBox {
            x: det.bbox.x,
            y: det.bbox.y,
            width: det.bbox.width,
            height: det.bbox.height,
        },
        confidence: det.confidence,
        pose: Some(Pose {
            yaw: q.yaw,
            roll: q.roll,
            pitch: q.pitch,
        }),
        quality: Some(FaceQuality {
            brightness: q.brightness,
            sharpness: q.sharpness,
        }),
    }
}

/// [`detail`] of an analysed face.
pub(crate) fn analysis_detail(a: &FaceAnalysis) -> FaceDetail {
    detail(&a.detection, &a.quality)
}

/// The gate thresholds of a Rekognition-style filter; `None` for no gate.
pub(crate) fn gate_thresholds(filter: QualityFilter) -> Option<QualityThresholds> {
    let level = match filter {
        QualityFilter::None => return None,
        QualityFilter::Auto => QualityLevel::Auto,
        QualityFilter::Low => QualityLevel::Low,
        QualityFilter::Medium => QualityLevel::Medium,
        QualityFilter::High => QualityLevel::High,
    };
    Some(QualityThresholds::for_level(level))
}
