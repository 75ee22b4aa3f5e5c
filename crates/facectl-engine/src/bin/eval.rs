//! facectl-eval: reproducible accuracy and speed evaluation of the face engine.
//!
//! ```text
//! facectl-eval lfw   --data ../shared/data/lfw-dev   [--models DIR] [--threads 2] [--json OUT]
//! facectl-eval wider --data ../shared/data/wider-dev [--models DIR] [--max-side 640] [--json OUT]
//! facectl-eval bench --images DIR [--models DIR] [--seconds 10] [--json OUT]
//! facectl-eval bench-prepare --out DIR    (writes the single-face 640x480 bench photos)
//! facectl-eval facecheck-train --wider DIR --lfw DIR --out FILE   (fits the face check)
//! facectl-eval tilt --data ../shared/data/lfw-dev [--angles 0,15,30,45] [--images 300]
//! facectl-eval detect IMAGE... [--models DIR]   (prints faces as JSON lines)
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use facectl_engine::{
    Engine, EngineConfig, ModelPaths, RuntimeConfig, MODEL_DIR_ENV, ORT_LIBRARY_ENV,
};

#[path = "eval/bench.rs"]
mod bench;
#[path = "eval/embed.rs"]
mod embed;
#[path = "eval/facecheck.rs"]
mod facecheck;
#[path = "eval/lfw.rs"]
mod lfw;
#[path = "eval/tilt.rs"]
mod tilt;
#[path = "eval/wider.rs"]
mod wider;

/// Parsed `--key value` options and positional arguments.
pub struct Args {
    pub opts: HashMap<String, String>,
    pub flags: Vec<String>,
    pub positional: Vec<String>,
}

impl Args {
    fn parse(raw: &[String]) -> Args {
        let mut opts = HashMap::new();
        let mut flags = Vec::new();
        let mut positional = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let a = &raw[i];
            if let Some(k) = a.strip_prefix("--") {
                if let Some((k, v)) = k.split_once('=') {
                    opts.insert(k.to_string(), v.to_string());
                } else if i + 1 < raw.len() && !raw[i + 1].starts_with("--") {
                    opts.insert(k.to_string(), raw[i + 1].clone());
                    i += 1;
                } else {
                    flags.push(k.to_string());
                }
            } else {
                positional.push(a.clone());
            }
            i += 1;
        }
        Args {
            opts,
            flags,
            positional,
        }
    }
    pub fn get(&self, k: &str) -> Option<&str> {
        self.opts.get(k).map(String::as_str)
    }
    pub fn flag(&self, k: &str) -> bool {
        self.flags.iter().any(|f| f == k)
    }
    pub fn num<T: std::str::FromStr>(&self, k: &str, default: T) -> Result<T, String> {
        match self.get(k) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("--{k}: cannot parse {v:?}")),
        }
    }
    pub fn path(&self, k: &str) -> Result<PathBuf, String> {
        self.get(k)
            .map(PathBuf::from)
            .ok_or_else(|| format!("missing --{k} DIR"))
    }
}

/// Model paths from `--models DIR`, else `FACECTL_MODEL_DIR`.
pub fn model_paths(args: &Args) -> Result<ModelPaths, String> {
    match args.get("models") {
        Some(d) => Ok(ModelPaths::find_in_dir(Path::new(d))),
        None => ModelPaths::from_env().map_err(|e| {
            format!("{e} (or pass --models DIR; {MODEL_DIR_ENV} is the variable the tests use)")
        }),
    }
}

/// Loads the engine with `config`, on the runtime `--runtime auto|tract|onnxruntime` names
/// (default auto) with the ONNX Runtime library from `--ort-lib FILE`, else `ORT_DYLIB_PATH`.
pub fn load_engine(args: &Args, mut config: EngineConfig) -> Result<Engine, String> {
    let paths = model_paths(args)?;
    config.runtime = RuntimeConfig {
        prefer: args.get("runtime").unwrap_or("auto").parse()?,
        onnxruntime_library: args.get("ort-lib").map(PathBuf::from).or_else(|| {
            std::env::var_os(ORT_LIBRARY_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        }),
    };
    let engine = Engine::load(&paths, config).map_err(|e| e.to_string())?;
    let rt = engine.runtime();
    eprintln!("engine runtime: {} {}", rt.name, rt.version);
    Ok(engine)
}

/// Writes `value` as pretty JSON to `--json PATH` when given.
pub fn write_json(args: &Args, value: &serde_json::Value) -> Result<(), String> {
    if let Some(p) = args.get("json") {
        let s = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
        std::fs::write(p, s).map_err(|e| format!("{p}: {e}"))?;
        eprintln!("wrote {p}");
    }
    Ok(())
}

/// Median of a sample (0 for an empty one).
/// Every file under `dir` (recursively), sorted; unreadable folders are skipped.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Mean of a sample (0 for an empty one).
pub fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn detect_cmd(args: &Args) -> Result<(), String> {
    let engine = load_engine(args, EngineConfig::default())?;
    for p in &args.positional {
        let img = facectl_engine::decode_file(Path::new(p), &engine.config().decode)
            .map_err(|e| e.to_string())?;
        let faces = engine
            .analyze(&img, facectl_engine::FaceSelect::All)
            .map_err(|e| e.to_string())?;
        for f in faces {
            let chroma = facectl_engine::align_face(&img, &f.detection)
                .and_then(|a| facectl_engine::facecheck::skin_chroma(&a.planar));
            let evidence =
                facectl_engine::facecheck::BUILTIN.evidence(chroma, f.embedding.as_slice());
            let line = serde_json::json!({
                "image": p, "width": img.width(), "height": img.height(), "orientation": img.orientation,
                "bbox": f.detection.bbox, "landmarks": f.detection.landmarks,
                "confidence": f.detection.confidence, "quality": f.quality, "issues": f.issues,
                "face_check": evidence,
            });
            println!("{line}");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = raw.first().cloned() else {
        eprintln!(
            "usage: facectl-eval <lfw|wider|bench|bench-prepare|detect> [options]  (see --help)"
        );
        return ExitCode::from(2);
    };
    let args = Args::parse(&raw[1..]);
    let result = match cmd.as_str() {
        "lfw" => lfw::run(&args),
        "wider" => wider::run(&args),
        "bench" => bench::run(&args),
        "bench-prepare" => bench::prepare(&args),
        "detect" => detect_cmd(&args),
        "facecheck-train" => facecheck::train(&args),
        "tilt" => tilt::run(&args),
        "embed" => embed::run(&args),
        "-h" | "--help" | "help" => {
            println!("{}", include_str!("eval_usage.txt"));
            Ok(())
        }
        other => Err(format!("unknown command {other:?}; try --help")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("facectl-eval {cmd}: error: {e}");
            ExitCode::FAILURE
        }
    }
}
