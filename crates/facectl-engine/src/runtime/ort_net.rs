//! The ONNX Runtime runtime (`ort`, library loaded at run time): one process-wide environment,
//! and per model a pool of single-threaded sessions so that concurrent callers each run on
//! their own (a session runs one inference at a time).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;
use tract_onnx::pb::tensor_shape_proto::dimension::Value as Dim;
use tract_onnx::pb::tensor_shape_proto::Dimension;
use tract_onnx::pb::type_proto::Value as TypeValue;
use tract_onnx::pb::ModelProto;

use super::{load_err, Output};
use crate::error::EngineError;

/// The ONNX Runtime API level the engine is built for: libraries of release 1.N with N at
/// least this load.
pub const ONNXRUNTIME_API_MINOR: u32 = ort::MINOR_VERSION;

/// The process's ONNX Runtime (only one environment may exist per process).
#[derive(Clone)]
pub(crate) struct OrtEnv {
    env: ort::environment::Environment,
    version: String,
}

impl std::fmt::Debug for OrtEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrtEnv")
            .field("version", &self.version)
            .finish()
    }
}

/// The library loaded in this process and the environment made from it (set on success only,
/// so a bad file asked for first does not spoil a good one asked for later).
static ENV: Mutex<Option<(PathBuf, OrtEnv)>> = Mutex::new(None);

impl OrtEnv {
    /// Loads `library` (once per process) and makes the environment; another library than the
    /// one already loaded is refused.
    pub(crate) fn load(library: &Path) -> Result<OrtEnv, String> {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let wanted = canonical(library);
        let mut guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((loaded, env)) = guard.as_ref() {
            return if *loaded == wanted {
                Ok(env.clone())
            } else {
                Err(format!(
                    "this process already runs ONNX Runtime from {}",
                    loaded.display()
                ))
            };
        }
        let env = open(library)?;
        *guard = Some((wanted, env.clone()));
        Ok(env)
    }

    pub(crate) fn version(&self) -> &str {
        &self.version
    }
}

fn open(library: &Path) -> Result<OrtEnv, String> {
    if !library.is_file() {
        return Err("no such file".into());
    }
    let builder = ort::init_from(library).map_err(|e| e.to_string())?;
    let env = builder
        .with_name("facectl")
        .with_telemetry(false)
        .build()
        .map_err(|e| e.to_string())?;
    Ok(OrtEnv {
        env,
        version: library_version(library),
    })
}

/// The loaded library's version (e.g. `1.31.1`), once a library is loaded.
pub fn onnxruntime_version() -> Option<String> {
    let guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
    guard.as_ref().map(|(_, env)| env.version.clone())
}

/// The release of a library: from its file name (`libonnxruntime.so.1.31.1`), else from the
/// build information it reports (`git-branch=rel-1.31.1`).
fn library_version(library: &Path) -> String {
    let from_name = library
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split_once(".so."))
        .map(|(_, v)| v.to_string())
        .filter(|v| {
            v.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
    from_name
        .or_else(|| {
            ort::info()
                .split([',', ' '])
                .find_map(|part| part.strip_prefix("git-branch=rel-"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("1.{}+", ort::MINOR_VERSION))
}

fn dims(vi: &mut tract_onnx::pb::ValueInfoProto) -> Option<&mut Vec<Dimension>> {
    match vi.r#type.as_mut().and_then(|t| t.value.as_mut()) {
        Some(TypeValue::TensorType(tt)) => tt.shape.as_mut().map(|s| &mut s.dim),
        _ => None,
    }
}

/// Marks the (single) input's height and width, and every output's dimensions, as symbolic, and
/// drops stale intermediate shapes, so ONNX Runtime takes any image size.
pub(super) fn make_hw_dynamic(proto: &mut ModelProto) {
    let Some(graph) = proto.graph.as_mut() else {
        return;
    };
    if let Some(input) = graph.input.first_mut() {
        if let Some(d) = dims(input) {
            for (i, name) in [(2, "h"), (3, "w")] {
                if let Some(dim) = d.get_mut(i) {
                    dim.value = Some(Dim::DimParam(name.into()));
                }
            }
        }
    }
    for (k, out) in graph.output.iter_mut().enumerate() {
        if let Some(d) = dims(out) {
            for (i, dim) in d.iter_mut().enumerate() {
                dim.value = Some(Dim::DimParam(format!("out{k}_{i}")));
            }
        }
    }
    graph.value_info.clear();
}

pub(super) struct OrtNet {
    env: OrtEnv,
    bytes: Vec<u8>,
    path: PathBuf,
    idle: Mutex<Vec<Session>>,
    shapes: Mutex<HashSet<[usize; 4]>>,
}

impl OrtNet {
    /// Takes the encoded (folded) model and makes its first session, which also checks it.
    pub(super) fn new(env: &OrtEnv, bytes: Vec<u8>, path: &Path) -> Result<OrtNet, EngineError> {
        let net = OrtNet {
            env: env.clone(),
            bytes,
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
            shapes: Mutex::new(HashSet::new()),
        };
        let first = net.session()?;
        net.give_back(first);
        Ok(net)
    }

    fn session(&self) -> Result<Session, EngineError> {
        let t0 = std::time::Instant::now();
        let fail = |e: ort::Error| load_err(&self.path, format!("ONNX Runtime: {e}"));
        let session = Session::builder(&self.env.env)
            .map_err(fail)?
            .with_optimization_level(GraphOptimizationLevel::All)
            .map_err(|e| fail(e.into()))?
            .with_intra_threads(1)
            .map_err(|e| fail(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| fail(e.into()))?
            .commit_from_memory(&self.bytes)
            .map_err(fail)?;
        tracing::debug!(path = %self.path.display(), ms = t0.elapsed().as_millis() as u64, "ONNX Runtime session");
        Ok(session)
    }

    fn give_back(&self, s: Session) {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(s);
    }

    pub(super) fn shapes_seen(&self) -> usize {
        self.shapes.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub(super) fn run(
        &self,
        shape: [usize; 4],
        input: &[f32],
        model: &str,
    ) -> Result<Vec<Output>, EngineError> {
        let fail = |e: ort::Error| EngineError::Inference {
            model: model.to_string(),
            reason: format!("ONNX Runtime: {e}"),
        };
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut session = match idle {
            Some(s) => s,
            // Every session is busy: this caller gets one of its own (kept for later).
            None => self.session()?,
        };
        self.shapes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(shape);
        let result = (|| {
            let tensor = TensorRef::from_array_view((shape, input)).map_err(fail)?;
            let outputs = session.run(ort::inputs![tensor]).map_err(fail)?;
            let mut all = Vec::with_capacity(outputs.len());
            for (_, value) in outputs.iter() {
                let (_, data) = value.try_extract_tensor::<f32>().map_err(fail)?;
                all.push(Output {
                    data: data.to_vec(),
                });
            }
            Ok(all)
        })();
        self.give_back(session);
        result
    }
}
