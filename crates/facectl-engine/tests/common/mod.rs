//! Shared test helpers: the engine loaded from FACECTL_MODEL_DIR (tests fail, never skip, when it
//! is missing) and paths into the shared evaluation data.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use facectl_engine::{
    decode_file, DecodeLimits, DecodedImage, Engine, EngineConfig, ModelPaths, RuntimeConfig,
    MODEL_DIR_ENV,
};

/// Model paths from FACECTL_MODEL_DIR; panics with a message naming the variable otherwise.
pub fn model_paths() -> ModelPaths {
    match ModelPaths::from_env() {
        Ok(p) => p,
        Err(e) => panic!(
            "this test needs the face models: set {MODEL_DIR_ENV} to a folder holding them \
             (e.g. FACECTL_MODEL_DIR=../shared/models, or run `facectl models install`): {e}"
        ),
    }
}

/// The ONNX Runtime library the tests use (`ORT_DYLIB_PATH`, which scripts/test.sh sets).
pub fn ort_library() -> Option<PathBuf> {
    std::env::var_os("ORT_DYLIB_PATH")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Like [`ort_library`], for tests that compare the runtimes: fails (never skips) without it.
pub fn require_ort_library() -> PathBuf {
    ort_library().unwrap_or_else(|| {
        panic!(
            "this test needs the ONNX Runtime library: set ORT_DYLIB_PATH to libonnxruntime.so.{} \
             (scripts/test.sh fetches it)",
            facectl_engine::models::ONNXRUNTIME_VERSION
        )
    })
}

/// Default settings on the runtime the test run asks for: `FACECTL_RUNTIME` (auto, tract,
/// onnxruntime; default auto) with the library from `ORT_DYLIB_PATH`, so the same tests run on
/// either runtime.
pub fn test_config() -> EngineConfig {
    let prefer = std::env::var("FACECTL_RUNTIME")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap_or_else(|e| panic!("FACECTL_RUNTIME: {e}")))
        .unwrap_or_default();
    EngineConfig {
        runtime: RuntimeConfig {
            prefer,
            onnxruntime_library: ort_library(),
        },
        ..EngineConfig::default()
    }
}

/// The engine with default settings on the test run's runtime, loaded once per test binary.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| match Engine::load(&model_paths(), test_config()) {
        Ok(e) => e,
        Err(e) => panic!("cannot load the engine from {MODEL_DIR_ENV}: {e}"),
    })
}

/// An engine of its own with settings changed from the defaults by `change`.
pub fn engine_with(change: impl FnOnce(&mut EngineConfig)) -> Engine {
    let mut config = test_config();
    change(&mut config);
    Engine::load(&model_paths(), config)
        .unwrap_or_else(|e| panic!("cannot load the engine from {MODEL_DIR_ENV}: {e}"))
}

/// The shared data folder: FACECTL_DATA_DIR, else ../shared/data next to the repository.
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("FACECTL_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(
        dir.join("peers").is_dir(),
        "evaluation data not found at {} (set FACECTL_DATA_DIR to the shared data folder)",
        dir.display()
    );
    dir
}

/// A file under `peers/`.
pub fn peer(rel: &str) -> PathBuf {
    let p = data_dir().join("peers").join(rel);
    assert!(p.is_file(), "missing test file {}", p.display());
    p
}

/// Decodes a peer image with default limits, panicking with the error message.
pub fn decode(rel: &str) -> DecodedImage {
    let p = peer(rel);
    decode_file(&p, &DecodeLimits::default()).unwrap_or_else(|e| panic!("{e}"))
}

pub const HOPPER: &str = "pillow_hopper/Tests/images";
pub const COMPREFACE: &str = "compreface/embedding-calculator/sample_images";
pub const IMGTOOLS: &str = "compreface/embedding-calculator/src/services/imgtools/test/files";
pub const INSPIRE: &str = "insightface/cpp-package/inspireface/test_res/data";
pub const AGEITGEY: &str = "ageitgey_face_recognition";
