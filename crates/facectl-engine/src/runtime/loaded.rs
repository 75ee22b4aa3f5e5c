//! A model file read for one engine: read and hashed, its folded form parsed here or taken
//! from the start-up cache (the folded ONNX graph, or ONNX Runtime's optimised form of it), and
//! what the engine checks before running it (the input's declared shape, the outputs' names),
//! then handed to its runtime as a [`Net`].

use std::path::{Path, PathBuf};
use std::time::Instant;

use prost::Message;
use serde::{Deserialize, Serialize};
use tract_onnx::pb::{ModelProto, ValueInfoProto};
use tract_onnx::prelude::Framework;

use super::cache::ModelCache;
use super::ort_net::{self, OrtModel, OrtNet};
use super::{load_err, tract_net, Net, NetInner, Runtime, FOLD_KIND};
use crate::error::EngineError;
use crate::onnx_fold::fold_dequantize;

/// What the engine checks in a model before running it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Head {
    declared_input: Vec<Option<usize>>,
    output_names: Vec<String>,
}

/// The part of an ONNX model naming its inputs and outputs: decoding only this skips the
/// weights (prost jumps over the fields it does not know).
#[derive(Clone, PartialEq, prost::Message)]
struct ModelHeadProto {
    #[prost(message, optional, tag = "7")]
    graph: Option<GraphHeadProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct GraphHeadProto {
    #[prost(message, repeated, tag = "11")]
    input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    output: Vec<ValueInfoProto>,
}

/// The form the model is in.
enum Form {
    /// Parsed and folded by this process; `encoded` when it is to go into the cache.
    Parsed {
        proto: Box<ModelProto>,
        encoded: Option<Vec<u8>>,
    },
    /// The folded model from the cache, still encoded (decoded only if the runtime needs it).
    Folded(Vec<u8>),
    /// ONNX Runtime's optimised form of the folded model, from the cache.
    Optimised(Vec<u8>),
}

/// A form of a model waiting to be stored in the start-up cache.
pub(crate) struct CacheEntry {
    cache: ModelCache,
    sha256: String,
    kind: String,
    bytes: Vec<u8>,
}

impl CacheEntry {
    pub(crate) fn store(self) {
        self.cache.put(&self.sha256, &self.kind, &self.bytes);
    }
}

/// A model file read (and folded), before it is given to a runtime.
pub struct LoadedModel {
    pub path: PathBuf,
    pub sha256: String,
    /// Declared input shape in the file, where known (may be stale for dynamic models).
    pub declared_input: Vec<Option<usize>>,
    pub output_names: Vec<String>,
    /// Taken from the start-up cache: this exact file was loaded and checked before.
    pub from_cache: bool,
    form: Form,
    role: String,
    dynamic_hw: bool,
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

/// The ONNX Runtime cache entry: the optimised model, then the head as JSON, then the head's
/// length (u32 LE), so that cutting the head off leaves the model where it was read.
fn optimised_entry(model: &[u8], head: &Head) -> Vec<u8> {
    let json = serde_json::to_vec(head).unwrap_or_default();
    let mut out = Vec::with_capacity(model.len() + json.len() + 4);
    out.extend_from_slice(model);
    out.extend_from_slice(&json);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out
}

fn split_optimised_entry(mut payload: Vec<u8>) -> Result<(Vec<u8>, Head), String> {
    let n = payload.len();
    let len = payload
        .get(n.saturating_sub(4)..)
        .filter(|t| t.len() == 4)
        .map(|t| u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as usize)
        .ok_or("shorter than its head")?;
    let start = n
        .checked_sub(4 + len)
        .filter(|s| *s > 0)
        .ok_or("head longer than the entry")?;
    let head: Head = serde_json::from_slice(&payload[start..n - 4]).map_err(|e| e.to_string())?;
    payload.truncate(start);
    Ok((payload, head))
}

fn head_of(
    path: &Path,
    input: &[ValueInfoProto],
    output: &[ValueInfoProto],
) -> Result<Head, EngineError> {
    if input.len() != 1 {
        return Err(EngineError::ModelShape {
            path: path.to_path_buf(),
            reason: format!(
                "expected exactly one image input, found {} ({})",
                input.len(),
                input
                    .iter()
                    .map(|i| i.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(Head {
        declared_input: declared_shape(&input[0]),
        output_names: output.iter().map(|o| o.name.clone()).collect(),
    })
}

/// The head of an encoded (folded) model, from its inputs and outputs alone.
fn head_of_encoded(path: &Path, bytes: &[u8]) -> Result<Head, String> {
    let proto = ModelHeadProto::decode(bytes).map_err(|e| e.to_string())?;
    let graph = proto.graph.ok_or("no graph")?;
    head_of(path, &graph.input, &graph.output).map_err(|e| e.to_string())
}

impl LoadedModel {
    /// Reads, hashes, parses and folds an ONNX model file (no cache; for checking a file).
    pub fn read(path: &Path, role: &str) -> Result<LoadedModel, EngineError> {
        LoadedModel::read_cached(path, role, None, &Runtime::Tract, false)
    }

    /// [`LoadedModel::read`] for running on `runtime`, taking the model's form from `cache`
    /// when it holds this file's (the file is still read and hashed: the key is its SHA-256):
    /// on ONNX Runtime its optimised form, else the folded model. A miss is filled from
    /// [`LoadedModel::cache_entry`] and [`Net::take_cache_entry`] once the model has passed
    /// its checks. `dynamic_hw`: the input's height and width change from run to run (the
    /// detector).
    pub(crate) fn read_cached(
        path: &Path,
        role: &str,
        cache: Option<&ModelCache>,
        runtime: &Runtime,
        dynamic_hw: bool,
    ) -> Result<LoadedModel, EngineError> {
        LoadedModel::read_inner(path, role, cache, runtime, dynamic_hw, true)
    }

    fn read_inner(
        path: &Path,
        role: &str,
        cache: Option<&ModelCache>,
        runtime: &Runtime,
        dynamic_hw: bool,
        optimised: bool,
    ) -> Result<LoadedModel, EngineError> {
        let t_read = Instant::now();
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
        let t0 = Instant::now();
        let sha256 = super::sha256_hex(&bytes);
        let hashed_ms = t0.elapsed().as_secs_f64() * 1e3;
        let model = |form, head: Head, from_cache| LoadedModel {
            path: path.to_path_buf(),
            sha256: sha256.clone(),
            declared_input: head.declared_input,
            output_names: head.output_names,
            from_cache,
            form,
            role: role.to_string(),
            dynamic_hw,
            cache: cache.cloned(),
        };
        let took = |form: &str| {
            let read_cache_ms = t0.elapsed().as_secs_f64() * 1e3 - hashed_ms;
            tracing::debug!(path = %path.display(), read_ms, hashed_ms, read_cache_ms, form, "model file read");
        };
        if let (Some(c), Runtime::Onnx(env), true) = (cache, runtime, optimised) {
            let kind = ort_net::cache_kind(env, dynamic_hw);
            if let Some(payload) = c.get(&sha256, &kind) {
                match split_optimised_entry(payload) {
                    Ok((ort, head)) => {
                        took("optimised (cache)");
                        return Ok(model(Form::Optimised(ort), head, true));
                    }
                    Err(why) => {
                        tracing::warn!(path = %path.display(), why, "cached optimised model unreadable (rebuilt)")
                    }
                }
            }
        }
        if let Some(folded) = cache.and_then(|c| c.get(&sha256, FOLD_KIND)) {
            match head_of_encoded(path, &folded) {
                Ok(head) => {
                    took("folded (cache)");
                    return Ok(model(Form::Folded(folded), head, true));
                }
                Err(why) => {
                    tracing::warn!(path = %path.display(), why, "cached folded model unreadable (rebuilt)")
                }
            }
        }
        let mut proto = tract_net::onnx()
            .proto_model_for_read(&mut &bytes[..])
            .map_err(|e| load_err(path, format!("not a valid ONNX file: {e}")))?;
        drop(bytes);
        let graph = proto
            .graph
            .as_mut()
            .ok_or_else(|| load_err(path, "ONNX file has no graph"))?;
        let stats = fold_dequantize(graph).map_err(|e| load_err(path, e))?;
        tracing::debug!(path = %path.display(), folded = stats.folded, dropped = stats.inputs_dropped, "folded DequantizeLinear");
        let head = head_of(path, &graph.input, &graph.output)?;
        let encoded = cache.map(|_| proto.encode_to_vec());
        took("parsed and folded");
        Ok(model(
            Form::Parsed {
                proto: Box::new(proto),
                encoded,
            },
            head,
            false,
        ))
    }

    fn head(&self) -> Head {
        Head {
            declared_input: self.declared_input.clone(),
            output_names: self.output_names.clone(),
        }
    }

    /// The folded model to store in the cache once it has passed its checks (nothing when it
    /// came from there or there is no cache).
    pub(crate) fn cache_entry(&self) -> Option<CacheEntry> {
        match (&self.cache, &self.form) {
            (
                Some(cache),
                Form::Parsed {
                    encoded: Some(bytes),
                    ..
                },
            ) => Some(CacheEntry {
                cache: cache.clone(),
                sha256: self.sha256.clone(),
                kind: FOLD_KIND.into(),
                bytes: bytes.clone(),
            }),
            _ => None,
        }
    }

    /// Hands the model to `runtime` (the one it was read for).
    pub(crate) fn into_net(self, runtime: &Runtime) -> Result<Net, EngineError> {
        let path = self.path.clone();
        let decode = |bytes: &[u8]| {
            ModelProto::decode(bytes)
                .map_err(|e| load_err(&path, format!("cached folded model unreadable: {e}")))
        };
        let head = self.head();
        let (inner, pending) = match (runtime, self.form) {
            (Runtime::Tract, Form::Parsed { proto, .. }) => (
                NetInner::Tract(tract_net::TractNet::new(&proto, &path)?),
                None,
            ),
            (Runtime::Tract, Form::Folded(bytes)) => (
                NetInner::Tract(tract_net::TractNet::new(&decode(&bytes)?, &path)?),
                None,
            ),
            (Runtime::Tract, Form::Optimised(_)) => {
                return Err(load_err(
                    &path,
                    "ONNX Runtime's form of the model cannot run on tract",
                ))
            }
            (Runtime::Onnx(env), Form::Optimised(ort)) => {
                match OrtNet::new(env, OrtModel::Optimised(ort), &path, None) {
                    Ok((net, _)) => (NetInner::Onnx(net), None),
                    Err(e) => {
                        // Whole (its checksum held) yet refused: made by another build of the
                        // same release, say. Do the work again and replace it.
                        tracing::warn!(path = %path.display(), error = %e, "cached optimised model refused (rebuilt)");
                        let cache = self.cache.as_ref();
                        let again = LoadedModel::read_inner(
                            &path,
                            &self.role,
                            cache,
                            runtime,
                            self.dynamic_hw,
                            false,
                        )?;
                        return again.into_net(runtime);
                    }
                }
            }
            (Runtime::Onnx(env), form) => {
                let dynamic = self.dynamic_hw;
                let onnx = match form {
                    Form::Folded(bytes) if !dynamic => bytes,
                    Form::Parsed {
                        encoded: Some(bytes),
                        ..
                    } if !dynamic => bytes,
                    Form::Folded(bytes) => {
                        let mut proto = decode(&bytes)?;
                        ort_net::make_hw_dynamic(&mut proto);
                        proto.encode_to_vec()
                    }
                    Form::Parsed { mut proto, .. } => {
                        if dynamic {
                            ort_net::make_hw_dynamic(&mut proto);
                        }
                        proto.encode_to_vec()
                    }
                    Form::Optimised(_) => unreachable_form(&path)?,
                };
                let save = self.cache.as_ref().and_then(ModelCache::temp);
                let (net, optimised) = OrtNet::new(
                    env,
                    OrtModel::Onnx(onnx),
                    &path,
                    save.as_ref().map(|t| t.path.as_path()),
                )?;
                let pending = match (self.cache, optimised) {
                    (Some(cache), Some(ort)) => Some(CacheEntry {
                        cache,
                        sha256: self.sha256,
                        kind: ort_net::cache_kind(env, dynamic),
                        bytes: optimised_entry(&ort, &head),
                    }),
                    _ => None,
                };
                (NetInner::Onnx(net), pending)
            }
        };
        Ok(Net {
            inner,
            path,
            pending: std::sync::Mutex::new(pending),
        })
    }
}

fn unreachable_form(path: &Path) -> Result<Vec<u8>, EngineError> {
    Err(load_err(path, "internal: optimised form handled above"))
}

fn declared_shape(vi: &ValueInfoProto) -> Vec<Option<usize>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optimised_entries_split_back_and_bad_heads_are_refused() {
        let head = Head {
            declared_input: vec![Some(1), Some(3), None, None],
            output_names: vec!["cls_8".into(), "obj_8".into()],
        };
        let model: Vec<u8> = (0..1000u32).map(|i| (i * 13) as u8).collect();
        let entry = optimised_entry(&model, &head);
        let (back, h) = split_optimised_entry(entry.clone()).unwrap();
        assert_eq!((back, h), (model.clone(), head));
        // A length pointing past the start, a head that is not JSON, no room for a model.
        let mut long = entry.clone();
        let n = long.len();
        long[n - 4..].copy_from_slice(&(n as u32).to_le_bytes());
        assert!(split_optimised_entry(long).is_err());
        let mut garbled = entry.clone();
        garbled[model.len() + 1] = b'#';
        assert!(split_optimised_entry(garbled).is_err());
        assert!(split_optimised_entry(entry[model.len()..].to_vec()).is_err());
        assert!(split_optimised_entry(vec![1, 2]).is_err());
    }

    #[test]
    fn the_head_of_an_encoded_model_matches_the_parsed_one() {
        // The detector: small, and its head has twelve outputs. Fails (never skips) without
        // the models, like the engine's other model tests.
        let file = crate::ModelPaths::from_env()
            .expect("set FACECTL_MODEL_DIR to the face models (e.g. ../shared/models)")
            .detector;
        let bytes = std::fs::read(&file).unwrap();
        let proto = tract_net::onnx()
            .proto_model_for_read(&mut &bytes[..])
            .unwrap();
        let graph = proto.graph.as_ref().unwrap();
        let parsed = head_of(&file, &graph.input, &graph.output).unwrap();
        let quick = head_of_encoded(&file, &proto.encode_to_vec()).unwrap();
        assert_eq!(parsed, quick);
        assert_eq!(parsed.output_names.len(), 12);
        assert_eq!(parsed.declared_input.len(), 4);
    }
}
