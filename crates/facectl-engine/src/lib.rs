//! facectl-engine: on-device face detection (YuNet), alignment, quality and embedding (SFace)
//! on tract or ONNX Runtime, plus matching helpers and model installation. No CLI, storage or AWS knowledge.
//!
//! ```no_run
//! use facectl_engine::{decode_file, Engine, EngineConfig, FaceSelect, ModelPaths};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = Engine::load(&ModelPaths::from_env()?, EngineConfig::default())?;
//! let img = decode_file("photo.jpg".as_ref(), &engine.config().decode)?;
//! for face in engine.analyze(&img, FaceSelect::All)? {
//!     println!("{:?} {:?}", face.detection.bbox, face.issues);
//! }
//! # Ok(()) }
//! ```

mod decode;
mod decode_jpeg;
mod decode_png;
pub mod detector;
mod engine;
mod error;
pub mod facecheck;
mod facecheck_model;
pub mod geometry;
mod imgproc;
mod matching;
pub mod models;
mod models_runtime;
mod normal;
pub mod onnx_fold;
pub mod quality;
pub mod recognizer;
pub mod rotate;
mod runtime;
mod thumbnail;

pub use decode::{decode_file, decode_image, DecodeLimits, DecodedImage, ImageFormatName};
pub use detector::{DetectParams, Detection};
pub use engine::{
    align_face, Engine, EngineConfig, FaceAnalysis, FaceSelect, ModelPaths, DETECTOR_FILE,
    DETECTOR_FILE_FP32, MAX_FACES, MODEL_DIR_ENV, RECOGNIZER_FILE, RECOGNIZER_FILE_FP32,
};
pub use error::{EngineError, ImageError};
pub use facecheck::{FaceCheck, FaceEvidence};
pub use geometry::BoundingBox;
pub use matching::{
    cosine, cosine_for_similarity, similarity, EmbeddingIndex, GalleryScorer,
    DEFAULT_MATCH_SIMILARITY, FAR_1E4_SIMILARITY, LFW_BEST_COSINE, LFW_FAR_1E4_COSINE,
};
pub use models::{install, InstalledModels, ModelSource};
pub use quality::{quality_gate, Quality, QualityIssue, QualityLevel, QualityThresholds};
pub use recognizer::{Embedding, ARCFACE_TEMPLATE, EMBEDDING_DIM};
pub use runtime::{
    onnxruntime_version, sha256_hex, RuntimeConfig, RuntimeInfo, RuntimePreference,
    ONNXRUNTIME_API_MINOR, ORT_LIBRARY_ENV,
};
pub use thumbnail::face_thumbnail;
