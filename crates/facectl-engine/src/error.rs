//! Error types of the engine: [`EngineError`] (models, inference, install) and [`ImageError`] (decoding).
//!
//! Every error that concerns a file names that file; every image error names its origin (path or label).

use std::path::PathBuf;

/// Errors while decoding an image. `origin` is the file path or the label the caller gave.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The input has zero bytes.
    #[error("{origin}: empty file (0 bytes), not an image")]
    Empty { origin: String },
    /// The input is larger than the configured limits (decompression bomb guard).
    #[error("{origin}: image too large: {what} (limit {limit})")]
    TooLarge {
        origin: String,
        /// What exceeded the limit, e.g. "80000000 bytes" or "20000x20000 = 400000000 pixels".
        what: String,
        /// The limit that applied, in the same unit.
        limit: String,
    },
    /// The content is not in a supported image format (detected by content, not extension).
    #[error("{origin}: unsupported or unrecognised image format (supported: JPEG, PNG, WebP, BMP, GIF, TIFF, ICO)")]
    Unsupported { origin: String },
    /// The content looked like an image but could not be decoded.
    #[error("{origin}: corrupt image: {reason}")]
    Corrupt { origin: String, reason: String },
    /// The file could not be read.
    #[error("{origin}: cannot read: {source}")]
    Io {
        origin: String,
        #[source]
        source: std::io::Error,
    },
}

impl ImageError {
    /// The path or label of the image this error is about.
    pub fn origin(&self) -> &str {
        match self {
            ImageError::Empty { origin }
            | ImageError::TooLarge { origin, .. }
            | ImageError::Unsupported { origin }
            | ImageError::Corrupt { origin, .. }
            | ImageError::Io { origin, .. } => origin,
        }
    }

    /// What went wrong, without the origin in front (for errors that carry it separately).
    pub fn reason(&self) -> String {
        let full = self.to_string();
        match full
            .strip_prefix(self.origin())
            .and_then(|r| r.strip_prefix(": "))
        {
            Some(reason) => reason.to_string(),
            None => full,
        }
    }
}

/// Errors from model loading, inference, configuration and model installation.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// `FACECTL_MODEL_DIR` is unset, or points at a folder that lacks the model files.
    #[error("model directory not configured: {0}")]
    ModelDirUnset(String),
    /// A model file is missing.
    #[error("model file not found: {path} ({hint})")]
    ModelMissing { path: PathBuf, hint: String },
    /// A model file could not be read or parsed, or has the wrong structure.
    #[error("cannot load model {path}: {reason}")]
    ModelLoad { path: PathBuf, reason: String },
    /// A model's input or output shape is not what the engine expects.
    #[error("model {path} has an unexpected shape: {reason}")]
    ModelShape { path: PathBuf, reason: String },
    /// The runtime asked for (ONNX Runtime) cannot be used.
    #[error("ONNX Runtime not available: {0}")]
    RuntimeUnavailable(String),
    /// Running a model failed.
    #[error("inference failed in {model}: {reason}")]
    Inference { model: String, reason: String },
    /// An image could not be decoded.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// A caller passed an invalid argument (e.g. embedding of the wrong length).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A downloaded or imported model file has the wrong SHA-256.
    #[error("refusing {path}: SHA-256 mismatch (expected {expected}, got {actual}); the file is corrupt, truncated or not the expected model")]
    Checksum {
        path: String,
        expected: String,
        actual: String,
    },
    /// Downloading a model failed.
    #[error("download of {url} failed: {reason}")]
    Download { url: String, reason: String },
    /// A filesystem operation failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl EngineError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EngineError::Io {
            path: path.into(),
            source,
        }
    }
}
