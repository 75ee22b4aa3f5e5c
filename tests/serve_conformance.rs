//! `facectl serve` over HTTP, as applications use it: the boto3 conformance suite of the
//! Rekognition endpoint (tests/rekognition_conformance/conformance.py) and the REST API suite on
//! both backends (tests/rest_api/rest_api.py), each run with the moto venv's python, which starts
//! its own moto_server and `facectl serve` processes from this build's binary.
//!
//! Needs FACECTL_MODEL_DIR (fails, never skips, without it) and the venv from
//! `scripts/moto.sh install` (run here; idempotent, needs python3 and PyPI the first time).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn venv() -> PathBuf {
    std::env::var_os("FACECTL_MOTO_VENV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/facectl-moto-venv"))
        })
        .expect("neither FACECTL_MOTO_VENV nor HOME is set: cannot find the moto venv")
}

#[test]
fn boto3_conformance_suite_passes() {
    run_suite("tests/rekognition_conformance/conformance.py");
}

#[test]
fn rest_api_suite_passes_on_both_backends() {
    run_suite("tests/rest_api/rest_api.py");
}

/// Runs one unittest suite with the venv's python; fails (never skips) when anything is off.
fn run_suite(script: &str) {
    let models = common::model_dir();
    let root = repo_root();
    // Both suites share the venv: one install at a time.
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    let install = Command::new(root.join("scripts/moto.sh"))
        .arg("install")
        .current_dir(&root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run scripts/moto.sh install: {e}"));
    assert!(
        install.status.success(),
        "scripts/moto.sh install failed ({}); it needs python3 and PyPI the first time.\nstdout:\n{}\nstderr:\n{}",
        install.status,
        String::from_utf8_lossy(&install.stdout),
        String::from_utf8_lossy(&install.stderr)
    );
    drop(guard);
    let python = venv().join("bin/python");
    assert!(
        python.exists(),
        "{} is missing after scripts/moto.sh install",
        python.display()
    );
    let script = root.join(script);
    let out = Command::new(&python)
        .arg(&script)
        .arg("-v")
        .current_dir(&root)
        .env("FACECTL_BIN", env!("CARGO_BIN_EXE_facectl"))
        .env("FACECTL_MODEL_DIR", &models)
        .env("FACECTL_SHARED_DATA", common::shared_data())
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} {}: {e}", python.display(), script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr (unittest output) ---\n{stderr}",
        out.status,
        script = script.display()
    );
    // unittest reports on stderr; make sure tests really ran.
    assert!(
        stderr.contains("\nOK"),
        "no unittest OK line in the output:\n{stderr}"
    );
    assert!(
        !stderr.contains("skipped="),
        "conformance tests were skipped (they must run):\n{stderr}"
    );
    eprintln!("{stderr}");
}
