//! Model runtime seam: reads an ONNX file once (hash, fold block-quantized weights, check its
//! inputs), then runs it on tract (pure Rust, always there) or ONNX Runtime (when its library
//! is found) behind one [`Net`] type. No tract or ort type leaves this module.

mod cache;
mod loaded;
mod ort_net;
mod tract_net;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EngineError;

pub use cache::ModelCache;
pub(crate) use loaded::{CacheEntry, LoadedModel};
pub use ort_net::{onnxruntime_version, ONNXRUNTIME_API_MINOR};

/// The cache entry of a folded model: bump when folding or its output changes.
const FOLD_KIND: &str = "fold-v1";

/// Environment variable naming the ONNX Runtime library (the one `ort` and its users know).
pub const ORT_LIBRARY_ENV: &str = "ORT_DYLIB_PATH";

/// Which runtime runs the models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuntimePreference {
    /// ONNX Runtime when its library is configured and loads, tract otherwise (default).
    #[default]
    Auto,
    /// Always tract.
    Tract,
    /// ONNX Runtime, or an error naming why it cannot be used.
    OnnxRuntime,
}

impl RuntimePreference {
    pub fn as_str(&self) -> &'static str {
        match self {
            RuntimePreference::Auto => "auto",
            RuntimePreference::Tract => "tract",
            RuntimePreference::OnnxRuntime => "onnxruntime",
        }
    }
}

impl std::str::FromStr for RuntimePreference {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(RuntimePreference::Auto),
            "tract" => Ok(RuntimePreference::Tract),
            "onnxruntime" | "ort" => Ok(RuntimePreference::OnnxRuntime),
            other => Err(format!(
                "unknown runtime {other:?} (expected auto, tract or onnxruntime)"
            )),
        }
    }
}

/// How the engine picks its runtime.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeConfig {
    pub prefer: RuntimePreference,
    /// The ONNX Runtime shared library (`libonnxruntime.so.*`), from `ORT_DYLIB_PATH` or the
    /// model folder; `None` means tract under `Auto`.
    pub onnxruntime_library: Option<PathBuf>,
}

/// The runtime an engine ended up with, for `facectl status` and logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeInfo {
    /// `tract` or `onnxruntime`.
    pub name: String,
    pub version: String,
    /// The shared library, for ONNX Runtime.
    pub library: Option<PathBuf>,
    /// Why `Auto` fell back to tract, if it did.
    pub fallback_reason: Option<String>,
}

/// The runtime chosen for one engine.
#[derive(Clone, Debug)]
pub(crate) enum Runtime {
    Tract,
    Onnx(ort_net::OrtEnv),
}

impl Runtime {
    /// Picks the runtime `config` asks for; `Auto` falls back to tract (saying why) when the
    /// library is not configured or does not load.
    pub(crate) fn select(config: &RuntimeConfig) -> Result<(Runtime, RuntimeInfo), EngineError> {
        let tract = |fallback_reason: Option<String>| {
            (
                Runtime::Tract,
                RuntimeInfo {
                    name: "tract".into(),
                    version: tract_net::VERSION.into(),
                    library: None,
                    fallback_reason,
                },
            )
        };
        let library = config.onnxruntime_library.as_deref();
        match (config.prefer, library) {
            (RuntimePreference::Tract, _) => Ok(tract(None)),
            (RuntimePreference::Auto, None) => Ok(tract(None)),
            (RuntimePreference::OnnxRuntime, None) => Err(EngineError::RuntimeUnavailable(
                "the onnxruntime runtime needs its library: install it with `facectl models install --onnxruntime` or set ORT_DYLIB_PATH".into(),
            )),
            (prefer, Some(lib)) => match ort_net::OrtEnv::load(lib) {
                Ok(env) => {
                    let info = RuntimeInfo {
                        name: "onnxruntime".into(),
                        version: env.version().to_string(),
                        library: Some(lib.to_path_buf()),
                        fallback_reason: None,
                    };
                    Ok((Runtime::Onnx(env), info))
                }
                Err(reason) if prefer == RuntimePreference::Auto => {
                    tracing::warn!(library = %lib.display(), %reason, "ONNX Runtime not usable; running on tract");
                    Ok(tract(Some(format!("{}: {reason}", lib.display()))))
                }
                Err(reason) => Err(EngineError::RuntimeUnavailable(format!(
                    "{}: {reason}",
                    lib.display()
                ))),
            },
        }
    }
}

/// One output of a run: its values, row-major.
#[derive(Clone, Debug)]
pub struct Output {
    pub data: Vec<f32>,
}

/// A model ready to run on its runtime. `Send + Sync`: runs may come from several threads.
pub struct Net {
    inner: NetInner,
    path: PathBuf,
    /// A form of the model made while putting it on its runtime, for the start-up cache.
    pending: Mutex<Option<CacheEntry>>,
}

enum NetInner {
    Tract(tract_net::TractNet),
    Onnx(ort_net::OrtNet),
}

impl Net {
    /// Runs the model on one NCHW float input; outputs in the file's order.
    pub fn run(
        &self,
        shape: [usize; 4],
        input: &[f32],
        model: &str,
    ) -> Result<Vec<Output>, EngineError> {
        if input.len() != shape.iter().product::<usize>() {
            return Err(EngineError::Inference {
                model: model.to_string(),
                reason: format!("input has {} values for shape {shape:?}", input.len()),
            });
        }
        match &self.inner {
            NetInner::Tract(n) => n.run(shape, input, model),
            NetInner::Onnx(n) => n.run(shape, input, model),
        }
    }

    /// Input shapes prepared so far (tract builds one plan per shape; ONNX Runtime takes any).
    pub fn prepared_shapes(&self) -> usize {
        match &self.inner {
            NetInner::Tract(n) => n.cached_plans(),
            NetInner::Onnx(n) => n.shapes_seen(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What putting the model on its runtime made for the start-up cache (ONNX Runtime's
    /// optimised model), to store once the model has passed its checks; taken once.
    pub(crate) fn take_cache_entry(&self) -> Option<CacheEntry> {
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

pub(crate) fn load_err(path: &Path, reason: impl std::fmt::Display) -> EngineError {
    EngineError::ModelLoad {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// SHA-256 of a byte slice as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
