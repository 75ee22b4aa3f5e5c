//! Model runtime seam: reads an ONNX file once (hash, fold block-quantized weights, check its
//! inputs), then runs it on tract (pure Rust, always there) or ONNX Runtime (when its library
//! is found) behind one [`Net`] type. No tract or ort type leaves this module.

mod cache;
mod ort_net;
mod tract_net;

use std::path::{Path, PathBuf};

use prost::Message;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::Framework;

use crate::error::EngineError;
use crate::onnx_fold::fold_dequantize;

pub use cache::ModelCache;
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
}

/// A folded model waiting to be stored in the start-up cache.
pub(crate) struct CacheEntry {
    cache: ModelCache,
    sha256: String,
    bytes: Vec<u8>,
}

impl CacheEntry {
    pub(crate) fn store(self) {
        self.cache.put(&self.sha256, FOLD_KIND, &self.bytes);
    }
}

/// A parsed (and folded) model file, before it is given to a runtime.
pub struct LoadedModel {
    pub path: PathBuf,
    pub sha256: String,
    proto: ModelProto,
    /// Declared input shape in the file, where known (may be stale for dynamic models).
    pub declared_input: Vec<Option<usize>>,
    pub output_names: Vec<String>,
    /// The folded model, encoded, when it came from the cache or is about to go into it.
    encoded: Option<Vec<u8>>,
    /// Taken from the start-up cache: this exact file was loaded and checked before.
    pub from_cache: bool,
    cache: Option<ModelCache>,
}

impl std::fmt::Debug for LoadedModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedModel")
            .field("path", &self.path)
            .field("sha256", &self.sha256)
            .field("outputs", &self.output_names)
            .finish()
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

impl LoadedModel {
    /// Reads, hashes, parses and folds an ONNX model file.
    pub fn read(path: &Path, role: &str) -> Result<LoadedModel, EngineError> {
        LoadedModel::read_cached(path, role, None)
    }

    /// [`LoadedModel::read`], taking the folded form from `cache` when it holds this file's
    /// (the file is still read and hashed: the key is its SHA-256). A miss is filled by
    /// [`LoadedModel::remember`] once the model has passed its checks.
    pub fn read_cached(
        path: &Path,
        role: &str,
        cache: Option<&ModelCache>,
    ) -> Result<LoadedModel, EngineError> {
        let t_read = std::time::Instant::now();
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                EngineError::ModelMissing {
                    path: path.to_path_buf(),
                    hint: format!(
                        "the {role} model; install it with `facectl models install` or set {}",
                        crate::MODEL_DIR_ENV
                    ),
                }
            } else {
                EngineError::io(path, e)
            }
        })?;
        let read_ms = t_read.elapsed().as_secs_f64() * 1e3;
        let t0 = std::time::Instant::now();
        let sha256 = sha256_hex(&bytes);
        let hashed_ms = t0.elapsed().as_secs_f64() * 1e3;
        let cached = cache.and_then(|c| {
            let folded = c.get(&sha256, FOLD_KIND)?;
            match ModelProto::decode(&folded[..]) {
                Ok(proto) => Some((proto, folded)),
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "cached folded model unreadable (rebuilt)");
                    None
                }
            }
        });
        let from_cache = cached.is_some();
        tracing::debug!(path = %path.display(), read_ms, hashed_ms, read_cache_ms = t0.elapsed().as_secs_f64() * 1e3 - hashed_ms, from_cache, "model file hashed");
        let (mut proto, encoded) = match cached {
            Some((proto, folded)) => (proto, Some(folded)),
            None => {
                let mut proto = tract_net::onnx()
                    .proto_model_for_read(&mut &bytes[..])
                    .map_err(|e| load_err(path, format!("not a valid ONNX file: {e}")))?;
                let graph = proto
                    .graph
                    .as_mut()
                    .ok_or_else(|| load_err(path, "ONNX file has no graph"))?;
                let stats = fold_dequantize(graph).map_err(|e| load_err(path, e))?;
                tracing::debug!(path = %path.display(), folded = stats.folded, dropped = stats.inputs_dropped, "folded DequantizeLinear");
                let encoded = cache.map(|_| proto.encode_to_vec());
                (proto, encoded)
            }
        };
        drop(bytes);
        let graph = proto
            .graph
            .as_mut()
            .ok_or_else(|| load_err(path, "ONNX file has no graph"))?;
        if graph.input.len() != 1 {
            return Err(EngineError::ModelShape {
                path: path.to_path_buf(),
                reason: format!(
                    "expected exactly one image input, found {} ({})",
                    graph.input.len(),
                    graph
                        .input
                        .iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        let declared_input = declared_shape(&graph.input[0]);
        let output_names = graph.output.iter().map(|o| o.name.clone()).collect();
        Ok(LoadedModel {
            path: path.to_path_buf(),
            sha256,
            proto,
            declared_input,
            output_names,
            encoded,
            from_cache,
            cache: cache.cloned(),
        })
    }

    /// What to store in the cache for this model once it has passed its checks (nothing when
    /// it came from there or there is no cache).
    pub(crate) fn cache_entry(&self) -> Option<CacheEntry> {
        match (&self.cache, &self.encoded, self.from_cache) {
            (Some(cache), Some(bytes), false) => Some(CacheEntry {
                cache: cache.clone(),
                sha256: self.sha256.clone(),
                bytes: bytes.clone(),
            }),
            _ => None,
        }
    }

    /// Hands the model to `runtime`. `dynamic_hw`: the input's height and width may change
    /// from run to run (the detector); otherwise the declared shape is used as is.
    pub(crate) fn into_net(self, runtime: &Runtime, dynamic_hw: bool) -> Result<Net, EngineError> {
        let path = self.path.clone();
        let inner = match runtime {
            Runtime::Tract => NetInner::Tract(tract_net::TractNet::new(&self.proto, &path)?),
            Runtime::Onnx(env) => {
                let bytes = match self.encoded {
                    Some(bytes) if !dynamic_hw => bytes,
                    _ => {
                        let mut proto = self.proto;
                        if dynamic_hw {
                            ort_net::make_hw_dynamic(&mut proto);
                        }
                        proto.encode_to_vec()
                    }
                };
                NetInner::Onnx(ort_net::OrtNet::new(env, bytes, &path)?)
            }
        };
        Ok(Net { inner, path })
    }
}

fn declared_shape(vi: &tract_onnx::pb::ValueInfoProto) -> Vec<Option<usize>> {
    use tract_onnx::pb::tensor_shape_proto::dimension::Value;
    use tract_onnx::pb::type_proto::Value as TV;
    let Some(TV::TensorType(tt)) = vi.r#type.as_ref().and_then(|t| t.value.as_ref()) else {
        return vec![];
    };
    let Some(shape) = tt.shape.as_ref() else {
        return vec![];
    };
    shape
        .dim
        .iter()
        .map(|d| match d.value {
            Some(Value::DimValue(v)) if v > 0 => Some(v as usize),
            _ => None,
        })
        .collect()
}
