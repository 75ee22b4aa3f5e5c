//! Model runtime: reads an ONNX file, folds block-quantized weights, and builds tract plans
//! with concrete input shapes (optimized plans are much faster than symbolic ones).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tract_onnx::prelude::*;

use crate::error::EngineError;
use crate::onnx_fold::fold_dequantize;

/// An optimized, runnable tract plan for one concrete input shape. Safe to share across threads.
pub type Plan = Arc<TypedRunnableModel>;

/// A parsed (and folded) model that can be specialised to concrete input shapes.
#[derive(Clone)]
pub struct LoadedModel {
    pub path: PathBuf,
    pub sha256: String,
    model: InferenceModel,
    /// Declared input shape in the file, where known (may be stale for dynamic models).
    pub declared_input: Vec<Option<usize>>,
    pub output_names: Vec<String>,
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

fn load_err(path: &Path, reason: impl std::fmt::Display) -> EngineError {
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
        let sha256 = sha256_hex(&bytes);
        let onnx = tract_onnx::onnx()
            .with_ignore_value_info(true)
            .with_ignore_output_shapes(true);
        let mut proto = onnx
            .proto_model_for_read(&mut &bytes[..])
            .map_err(|e| load_err(path, format!("not a valid ONNX file: {e}")))?;
        drop(bytes);
        let graph = proto
            .graph
            .as_mut()
            .ok_or_else(|| load_err(path, "ONNX file has no graph"))?;
        let stats = fold_dequantize(graph).map_err(|e| load_err(path, e))?;
        tracing::debug!(path = %path.display(), folded = stats.folded, dropped = stats.inputs_dropped, "folded DequantizeLinear");
        let graph = proto
            .graph
            .as_ref()
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
        let model = onnx
            .model_for_proto_model(&proto)
            .map_err(|e| load_err(path, format!("{e:#}")))?;
        Ok(LoadedModel {
            path: path.to_path_buf(),
            sha256,
            model,
            declared_input,
            output_names,
        })
    }

    /// Builds an optimized plan for a concrete NCHW float input shape.
    pub fn plan_for(&self, shape: [usize; 4]) -> Result<Plan, EngineError> {
        let t0 = std::time::Instant::now();
        let plan = self
            .model
            .clone()
            .with_input_fact(0, f32::fact(shape).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| EngineError::ModelShape {
                path: self.path.clone(),
                reason: format!("cannot build a plan for input {shape:?}: {e:#}"),
            })?;
        tracing::debug!(path = %self.path.display(), ?shape, ms = t0.elapsed().as_millis() as u64, "built plan");
        Ok(plan)
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

/// Runs a plan on one input tensor, mapping errors to [`EngineError::Inference`].
pub fn run_plan(plan: &Plan, input: Tensor, model: &str) -> Result<TVec<TValue>, EngineError> {
    plan.run(tvec!(input.into()))
        .map_err(|e| EngineError::Inference {
            model: model.to_string(),
            reason: format!("{e:#}"),
        })
}

/// Borrows a float output of a plan as a slice.
pub fn output_f32<'a>(t: &'a TValue, model: &str) -> Result<&'a [f32], EngineError> {
    t.try_as_plain_ram()
        .and_then(|v| v.as_slice::<f32>())
        .map_err(|e| EngineError::Inference {
            model: model.to_string(),
            reason: format!("{e:#}"),
        })
}
