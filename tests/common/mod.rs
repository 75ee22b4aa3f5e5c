//! Shared helpers for the CLI tests: a facectl command in a fresh data folder with real models.

#![allow(dead_code)]

pub mod aws;
pub mod lambda_api;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The model folder from FACECTL_MODEL_DIR; tests fail (never skip) without it.
pub fn model_dir() -> PathBuf {
    let dir = std::env::var_os("FACECTL_MODEL_DIR").map(PathBuf::from).unwrap_or_else(|| {
        panic!("FACECTL_MODEL_DIR is not set: point it at a folder with the YuNet and SFace ONNX models (e.g. ../shared/models), or run scripts/test.sh")
    });
    assert!(
        dir.join("face_recognition_sface_2021dec_int8bq.onnx")
            .is_file(),
        "FACECTL_MODEL_DIR={} does not hold face_recognition_sface_2021dec_int8bq.onnx",
        dir.display()
    );
    dir
}

/// `../shared/data` beside the checkout.
pub fn shared_data() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    assert!(p.is_dir(), "evaluation data not found at {}", p.display());
    p
}

pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/images")
        .join(name)
}

/// The top match's name of every face in a `search --output json` report, sorted
/// (`(none)` for a face without a match).
pub fn top_names(report: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = report["faces"]
        .as_array()
        .map(|faces| {
            faces
                .iter()
                .map(|f| {
                    f["matches"][0]["person"]["name"]
                        .as_str()
                        .unwrap_or("(none)")
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A sandbox: its own data folder and config home, so nothing of the user's leaks in.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The whole environment facectl runs with here (nothing of the user's but the model
    /// runtime the test run chose: `ORT_DYLIB_PATH` and `FACECTL_RUNTIME`, from scripts/test.sh).
    pub fn env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        let mut env = self.env_without_runtime();
        for var in ["ORT_DYLIB_PATH", "FACECTL_RUNTIME"] {
            if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
                env.push((var, v));
            }
        }
        env
    }

    /// [`Sandbox::env`] without the runtime variables (what a fresh install sees).
    pub fn env_without_runtime(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("HOME", self.dir.path().into()),
            ("XDG_CONFIG_HOME", self.dir.path().join("config").into()),
            ("XDG_DATA_HOME", self.dir.path().join("xdg-data").into()),
            ("FACECTL_DATA_DIR", self.data_dir().into()),
            ("FACECTL_MODEL_DIR", model_dir().into()),
            ("NO_COLOR", "1".into()),
        ]
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("facectl").expect("facectl binary");
        cmd.env_clear().envs(self.env());
        cmd
    }

    /// Start facectl in the background with the sandbox's environment; stdout and stderr piped.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("facectl"))
            .args(args)
            .env_clear()
            .envs(self.env())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start facectl")
    }

    /// (person id, image hash) of every face on record, sorted: what two runs are compared by.
    pub fn face_pairs(&self) -> Vec<(String, String)> {
        let faces = self.json(&["list", "faces"], 0);
        let mut pairs: Vec<(String, String)> = faces
            .as_array()
            .expect("list faces gives an array")
            .iter()
            .map(|f| {
                (
                    f["person"]["person_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    f["image_hash"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    }

    /// Run and parse stdout as JSON, asserting the exit code.
    pub fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let out = self
            .cmd()
            .args(args)
            .args(["--output", "json"])
            .output()
            .expect("run facectl");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(code),
            "facectl {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("facectl {args:?}: stdout is not JSON ({e}):\n{stdout}"))
    }
}
