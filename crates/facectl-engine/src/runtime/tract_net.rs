//! The tract runtime: one optimized plan per concrete input shape (optimized plans are much
//! faster than symbolic ones), built on first use and cached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::*;

use super::{load_err, Output};
use crate::error::EngineError;

/// The tract release the engine is built with.
pub(super) const VERSION: &str = "0.23";

/// Most plans kept per model (one per padded image size seen).
const MAX_CACHED_PLANS: usize = 48;

type Plan = Arc<TypedRunnableModel>;

/// The ONNX reader with the settings these models need.
pub(super) fn onnx() -> tract_onnx::Onnx {
    tract_onnx::onnx()
        .with_ignore_value_info(true)
        .with_ignore_output_shapes(true)
}

pub(super) struct TractNet {
    model: InferenceModel,
    path: PathBuf,
    plans: Mutex<HashMap<[usize; 4], Plan>>,
}

impl TractNet {
    pub(super) fn new(proto: &ModelProto, path: &Path) -> Result<TractNet, EngineError> {
        let model = onnx()
            .model_for_proto_model(proto)
            .map_err(|e| load_err(path, format!("{e:#}")))?;
        Ok(TractNet {
            model,
            path: path.to_path_buf(),
            plans: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[usize; 4], Plan>> {
        // A panic while holding the lock cannot leave the map inconsistent; keep using it.
        self.plans.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn cached_plans(&self) -> usize {
        self.lock().len()
    }

    fn plan(&self, shape: [usize; 4]) -> Result<Plan, EngineError> {
        if let Some(p) = self.lock().get(&shape) {
            return Ok(p.clone());
        }
        // Built outside the lock so other shapes are not blocked meanwhile.
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
        let mut plans = self.lock();
        if plans.len() >= MAX_CACHED_PLANS {
            plans.clear();
        }
        Ok(plans.entry(shape).or_insert(plan).clone())
    }

    pub(super) fn run(
        &self,
        shape: [usize; 4],
        input: &[f32],
        model: &str,
    ) -> Result<Vec<Output>, EngineError> {
        let fail = |e: TractError| EngineError::Inference {
            model: model.to_string(),
            reason: format!("{e:#}"),
        };
        let plan = self.plan(shape)?;
        let tensor = Tensor::from_shape(&shape, input).map_err(fail)?;
        let outputs = plan.run(tvec!(tensor.into())).map_err(fail)?;
        outputs
            .iter()
            .map(|t| {
                let data = t
                    .try_as_plain_ram()
                    .and_then(|v| v.as_slice::<f32>())
                    .map_err(fail)?;
                Ok(Output {
                    data: data.to_vec(),
                })
            })
            .collect()
    }
}
