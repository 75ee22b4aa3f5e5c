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

/// The model an [`OrtNet`] makes its sessions from.
pub(super) enum OrtModel {
    /// An ONNX graph, optimised by each session.
    Onnx(Vec<u8>),
    /// ONNX Runtime's own (ORT format) form of it, already optimised for this CPU: sessions
    /// read it in place, weights included.
    Optimised(Vec<u8>),
}

/// The start-up cache kind of ONNX Runtime's optimised form of a folded model: it depends on
/// the runtime's release, the CPU (layouts and kernels are chosen for its features), how the
/// session is set up and whether the input size is left open.
pub(super) fn cache_kind(env: &OrtEnv, dynamic_hw: bool) -> String {
    format!(
        "ort{}-{}-{}-{}-{}",
        SESSION_SETUP,
        super::FOLD_KIND,
        env.version,
        cpu_key(),
        if dynamic_hw { "anysize" } else { "fixed" }
    )
}

/// Bump when [`OrtNet::session`] sets sessions up differently.
const SESSION_SETUP: u32 = 1;

/// The CPU's architecture and a short hash of the features ONNX Runtime's kernels look for.
fn cpu_key() -> String {
    #[allow(unused_mut)]
    let mut found: Vec<&str> = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! probe {
            ($($f:tt),*) => {$(
                if std::arch::is_x86_feature_detected!($f) {
                    found.push($f);
                }
            )*};
        }
        probe!(
            "sse4.1",
            "sse4.2",
            "avx",
            "avx2",
            "fma",
            "f16c",
            "avx512f",
            "avx512bw",
            "avx512vl",
            "avx512dq",
            "avx512vnni",
            "avx512bf16",
            "avx512fp16",
            "avxvnni"
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        macro_rules! probe {
            ($($f:tt),*) => {$(
                if std::arch::is_aarch64_feature_detected!($f) {
                    found.push($f);
                }
            )*};
        }
        probe!("neon", "dotprod", "i8mm", "fp16", "bf16", "sve", "sve2");
    }
    let hash = super::sha256_hex(found.join(",").as_bytes());
    format!("{}-{}", std::env::consts::ARCH, &hash[..8])
}

pub(super) struct OrtNet {
    // Declared first so it is dropped first: sessions of an optimised model read its bytes.
    idle: Mutex<Vec<Session>>,
    env: OrtEnv,
    model: OrtModel,
    path: PathBuf,
    shapes: Mutex<HashSet<[usize; 4]>>,
}

impl OrtNet {
    /// Takes the model and makes its first session, which also checks it. With `save_to`, an
    /// ONNX graph's first session also writes its optimised form there, returned for the
    /// start-up cache (`None` if that failed: it only costs the work next time).
    pub(super) fn new(
        env: &OrtEnv,
        model: OrtModel,
        path: &Path,
        save_to: Option<&Path>,
    ) -> Result<(OrtNet, Option<Vec<u8>>), EngineError> {
        let net = OrtNet {
            idle: Mutex::new(Vec::new()),
            env: env.clone(),
            model,
            path: path.to_path_buf(),
            shapes: Mutex::new(HashSet::new()),
        };
        let save_to = save_to.filter(|_| matches!(net.model, OrtModel::Onnx(_)));
        let first = net.session(save_to)?;
        net.give_back(first);
        let saved = save_to.and_then(|p| match std::fs::read(p) {
            Ok(bytes) if !bytes.is_empty() => Some(bytes),
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(path = %p.display(), error = %e, "ONNX Runtime wrote no optimised model");
                None
            }
        });
        Ok((net, saved))
    }

    fn session(&self, save_to: Option<&Path>) -> Result<Session, EngineError> {
        let t0 = std::time::Instant::now();
        let fail = |e: ort::Error| load_err(&self.path, format!("ONNX Runtime: {e}"));
        let mut builder = Session::builder(&self.env.env)
            .map_err(fail)?
            .with_intra_threads(1)
            .map_err(|e| fail(e.into()))?
            .with_inter_threads(1)
            .map_err(|e| fail(e.into()))?;
        let (level, bytes) = match &self.model {
            OrtModel::Onnx(b) => (GraphOptimizationLevel::All, b),
            OrtModel::Optimised(b) => (GraphOptimizationLevel::Disable, b),
        };
        builder = builder
            .with_optimization_level(level)
            .map_err(|e| fail(e.into()))?;
        let mut config = Vec::new();
        if let OrtModel::Optimised(_) = self.model {
            // Sessions read the weights where they lie: `self.model` outlives them.
            config.extend([
                ("session.load_model_format", "ORT"),
                ("session.use_ort_model_bytes_directly", "1"),
                ("session.use_ort_model_bytes_for_initializers", "1"),
            ]);
        }
        if let Some(p) = save_to {
            builder = builder
                .with_optimized_model_path(p)
                .map_err(|e| fail(e.into()))?;
            config.push(("session.save_model_format", "ORT"));
        }
        for (key, value) in config {
            builder = builder
                .with_config_entry(key, value)
                .map_err(|e| fail(e.into()))?;
        }
        let session = builder.commit_from_memory(bytes).map_err(fail)?;
        tracing::debug!(path = %self.path.display(), ms = t0.elapsed().as_millis() as u64, optimised = matches!(self.model, OrtModel::Optimised(_)), "ONNX Runtime session");
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
            None => self.session(None)?,
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
