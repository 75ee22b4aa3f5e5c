//! Settings resolved once per run: flags > environment > config file > defaults.
//!
//! Every environment variable facectl reads is declared here.

use crate::cli::GlobalArgs;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Backend: `local` or `aws`.
pub const ENV_BACKEND: &str = "FACECTL_BACKEND";
/// Local backend data folder (images, SQLite database, models).
pub const ENV_DATA_DIR: &str = "FACECTL_DATA_DIR";
/// Folder holding the ONNX models (overrides `<data dir>/models`).
pub const ENV_MODEL_DIR: &str = facectl_engine::MODEL_DIR_ENV;
/// Config file path.
pub const ENV_CONFIG: &str = "FACECTL_CONFIG";
/// Model runtime: auto, tract or onnxruntime.
pub const ENV_RUNTIME: &str = "FACECTL_RUNTIME";
/// The ONNX Runtime shared library (the variable the `ort` crate and its users know).
pub const ENV_ORT_DYLIB: &str = facectl_engine::ORT_LIBRARY_ENV;
/// Output format: table, json, jsonl, csv.
pub const ENV_OUTPUT: &str = "FACECTL_OUTPUT";
/// Log filter for `tracing` (e.g. `debug`, `facectl_local=trace`).
pub const ENV_LOG: &str = "FACECTL_LOG";
/// Disables colours when set to anything (https://no-color.org).
pub const ENV_NO_COLOR: &str = "NO_COLOR";
/// aws backend: S3 bucket for images.
pub const ENV_AWS_BUCKET: &str = "FACECTL_AWS_BUCKET";
/// aws backend: key prefix in the bucket.
pub const ENV_AWS_PREFIX: &str = "FACECTL_AWS_PREFIX";
/// aws backend: key prefix uploads arrive under (`provision --trigger`, `watch`).
pub const ENV_AWS_UPLOAD_PREFIX: &str = "FACECTL_AWS_UPLOAD_PREFIX";
/// aws backend: SQS queue the bucket's upload notifications go to.
pub const ENV_AWS_QUEUE: &str = "FACECTL_AWS_QUEUE";
/// aws backend: Rekognition collection id.
pub const ENV_AWS_COLLECTION: &str = "FACECTL_AWS_COLLECTION";
/// aws backend: DynamoDB table name.
pub const ENV_AWS_TABLE: &str = "FACECTL_AWS_TABLE";
/// aws backend: client-side limit on Rekognition calls per second.
pub const ENV_AWS_TPS: &str = "FACECTL_AWS_TPS";
/// `serve`: access token for the web console and the REST API (same as `--token`).
pub const ENV_SERVE_TOKEN: &str = "FACECTL_SERVE_TOKEN";
/// `lambda`: what to do with a photo of several faces of similar size (`--multiple`).
pub const ENV_MULTIPLE: &str = "FACECTL_MULTIPLE";
/// `lambda`: quality gate before indexing (`--quality-filter`).
pub const ENV_QUALITY_FILTER: &str = "FACECTL_QUALITY_FILTER";
/// aws backend: standard AWS variables read by the AWS SDK itself (credentials chain).
pub const ENV_AWS_STANDARD: &str =
    "AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL[_S3|_REKOGNITION|_DYNAMODB|_SQS], AWS_ACCESS_KEY_ID, ...";

/// Set by the Lambda service for a function's runtime (`facectl lambda` needs all of them).
pub const LAMBDA_RUNTIME_ENV: &[&str] = &[
    "AWS_LAMBDA_RUNTIME_API",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
];

/// Every variable, for `--help` and the README.
pub const ENV_VARS: &[(&str, &str)] = &[
    (ENV_BACKEND, "backend: local (default) or aws"),
    (
        ENV_DATA_DIR,
        "local data folder (default: $XDG_DATA_HOME/facectl)",
    ),
    (
        ENV_MODEL_DIR,
        "folder with the ONNX models (default: <data dir>/models)",
    ),
    (
        ENV_CONFIG,
        "config file (default: $XDG_CONFIG_HOME/facectl/config.toml)",
    ),
    (
        ENV_RUNTIME,
        "model runtime: auto (default: ONNX Runtime when its library is found, else tract), tract, onnxruntime",
    ),
    (
        ENV_ORT_DYLIB,
        "ONNX Runtime library file (default: the one `facectl models install --onnxruntime` put in the model folder)",
    ),
    (ENV_OUTPUT, "output format: table, json, jsonl, csv"),
    (ENV_LOG, "log filter, e.g. debug or facectl_local=trace"),
    (ENV_NO_COLOR, "disable colours"),
    (
        ENV_AWS_BUCKET,
        "aws: S3 bucket for images (required for --backend aws)",
    ),
    (
        ENV_AWS_PREFIX,
        "aws: key prefix in the bucket (default faces/)",
    ),
    (
        ENV_AWS_UPLOAD_PREFIX,
        "aws: key prefix of uploads watched by `watch` (default uploads/)",
    ),
    (
        ENV_AWS_QUEUE,
        "aws: SQS queue of upload notifications (default <bucket>-uploads)",
    ),
    (
        ENV_AWS_COLLECTION,
        "aws: Rekognition collection (default facectl)",
    ),
    (ENV_AWS_TABLE, "aws: DynamoDB table (default facectl-faces)"),
    (
        ENV_AWS_TPS,
        "aws: Rekognition calls per second, client side (default 5)",
    ),
    (
        ENV_SERVE_TOKEN,
        "serve: access token for the console and REST API (--token)",
    ),
    (
        ENV_MULTIPLE,
        "lambda: photos with several faces of similar size: skip (default) or largest",
    ),
    (
        ENV_QUALITY_FILTER,
        "lambda: quality gate: none, auto (default), low, medium, high",
    ),
    (
        ENV_AWS_STANDARD,
        "aws: read by the AWS SDK (profile, region, endpoints, credentials)",
    ),
];

/// The config file's `[aws]` section.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsFile {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub s3_endpoint_url: Option<String>,
    pub rekognition_endpoint_url: Option<String>,
    pub dynamodb_endpoint_url: Option<String>,
    pub bucket: Option<String>,
    pub prefix: Option<String>,
    /// Key prefix of uploads (`provision --trigger`, `watch`; default uploads/).
    pub upload_prefix: Option<String>,
    /// SQS queue of upload notifications (default `<bucket>-uploads`).
    pub queue: Option<String>,
    pub collection: Option<String>,
    pub table: Option<String>,
    pub tps: Option<f64>,
    /// Hash key attribute of an adopted table (default FaceId).
    pub hash_key: Option<String>,
    /// Name attribute(s) of an adopted table (default ["FullName"]).
    pub name_attrs: Option<Vec<String>>,
    pub force_path_style: Option<bool>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Table,
    Json,
    Jsonl,
    Csv,
}

/// Backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Local,
    Aws,
}

/// The config file (TOML). Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub backend: Option<BackendKind>,
    pub data_dir: Option<PathBuf>,
    pub model_dir: Option<PathBuf>,
    pub runtime: Option<facectl_engine::RuntimePreference>,
    pub onnxruntime_library: Option<PathBuf>,
    pub output: Option<OutputFormat>,
    pub threshold: Option<f32>,
    pub jobs: Option<usize>,
    #[serde(default)]
    pub aws: AwsFile,
}

/// The settings every command sees.
#[derive(Debug, Clone)]
pub struct Settings {
    pub backend: BackendKind,
    pub data_dir: PathBuf,
    pub model_dir: PathBuf,
    /// Which runtime runs the face models, and the ONNX Runtime library if one is found.
    pub runtime: facectl_engine::RuntimeConfig,
    pub output: OutputFormat,
    /// Default match threshold (0-100) when a command's flag is absent.
    pub threshold: f32,
    /// Default `--jobs`.
    pub jobs: usize,
    pub quiet: bool,
    pub progress: bool,
    pub color: bool,
    pub config_file: Option<PathBuf>,
    /// aws backend settings (flags > env > `[aws]` in the config file); unused by `local`.
    pub aws: AwsFile,
}

fn default_config_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("facectl").join("config.toml"))
}

fn load_config(path: &Path, explicit: bool) -> Result<Option<ConfigFile>> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let cfg: ConfigFile =
                toml::from_str(&text).with_context(|| format!("config file {}", path.display()))?;
            Ok(Some(cfg))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(None),
        Err(e) => Err(e).with_context(|| format!("config file {}", path.display())),
    }
}

impl Settings {
    /// The engine configuration commands run with (defaults plus the runtime choice, and the
    /// start-up cache of folded models under the data dir).
    pub fn engine_config(&self) -> facectl_engine::EngineConfig {
        facectl_engine::EngineConfig {
            runtime: self.runtime.clone(),
            cache_dir: Some(self.data_dir.join("cache").join("models")),
            ..facectl_engine::EngineConfig::default()
        }
    }

    /// Resolve from parsed flags (clap already merged flags with their env vars).
    pub fn resolve(g: &GlobalArgs) -> Result<Settings> {
        let (config_path, explicit) = match &g.config {
            Some(p) => (Some(p.clone()), true),
            None => (default_config_path(), false),
        };
        let cfg = match &config_path {
            Some(p) => load_config(p, explicit)?,
            None => None,
        };
        let loaded_from = cfg.as_ref().and(config_path.clone());
        let cfg = cfg.unwrap_or_default();
        let data_dir = match g.data_dir.clone().or(cfg.data_dir) {
            Some(d) => d,
            None => dirs::data_dir()
                .map(|d| d.join("facectl"))
                .context("cannot find a data folder: set --data-dir or FACECTL_DATA_DIR")?,
        };
        let model_dir = g
            .model_dir
            .clone()
            .or(cfg.model_dir)
            .unwrap_or_else(|| data_dir.join("models"));
        let runtime = facectl_engine::RuntimeConfig {
            prefer: g.runtime.or(cfg.runtime).unwrap_or_default(),
            onnxruntime_library: std::env::var_os(ENV_ORT_DYLIB)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or(cfg.onnxruntime_library)
                .or_else(|| facectl_engine::models::installed_onnxruntime(&model_dir)),
        };
        let threshold = cfg
            .threshold
            .unwrap_or(facectl_core::service::search::DEFAULT_THRESHOLD);
        if !(0.0..=100.0).contains(&threshold) {
            bail!("config file: threshold {threshold} is outside 0-100");
        }
        let a = &g.aws;
        let f = cfg.aws.clone();
        let aws = AwsFile {
            profile: a.profile.clone().or(f.profile),
            region: a.region.clone().or(f.region),
            endpoint_url: a.endpoint_url.clone().or(f.endpoint_url),
            s3_endpoint_url: a.s3_endpoint_url.clone().or(f.s3_endpoint_url),
            rekognition_endpoint_url: a
                .rekognition_endpoint_url
                .clone()
                .or(f.rekognition_endpoint_url),
            dynamodb_endpoint_url: a.dynamodb_endpoint_url.clone().or(f.dynamodb_endpoint_url),
            bucket: a.bucket.clone().or(f.bucket),
            prefix: a.prefix.clone().or(f.prefix),
            upload_prefix: a.upload_prefix.clone().or(f.upload_prefix),
            queue: a.queue.clone().or(f.queue),
            collection: a.collection.clone().or(f.collection),
            table: a.table.clone().or(f.table),
            tps: a.tps.or(f.tps),
            hash_key: a.hash_key.clone().or(f.hash_key),
            name_attrs: if a.name_attr.is_empty() {
                f.name_attrs
            } else {
                Some(a.name_attr.clone())
            },
            force_path_style: Some(a.force_path_style || f.force_path_style.unwrap_or(false)),
        };
        let stderr_tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Ok(Settings {
            backend: g.backend.or(cfg.backend).unwrap_or(BackendKind::Local),
            data_dir,
            model_dir,
            runtime,
            output: g.output.or(cfg.output).unwrap_or(OutputFormat::Table),
            threshold,
            jobs: cfg.jobs.unwrap_or(2).max(1),
            quiet: g.quiet,
            progress: stderr_tty && !g.quiet && !g.no_progress,
            color: std::env::var_os(ENV_NO_COLOR).is_none_or(|v| v.is_empty()) && stderr_tty,
            config_file: loaded_from,
            aws,
        })
    }
}
