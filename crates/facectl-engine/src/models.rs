//! Model installation: the table of known model files (official URL, SHA-256), download or
//! import with checksum verification, and atomic placement (temporary file + rename).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::engine::{
    ModelPaths, DETECTOR_FILE, DETECTOR_FILE_FP32, RECOGNIZER_FILE, RECOGNIZER_FILE_FP32,
};
use crate::error::EngineError;
use crate::runtime::{LoadedModel, Runtime};

/// Largest model file accepted from any source.
pub const MAX_MODEL_BYTES: u64 = 512 * 1024 * 1024;

/// What a model file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelRole {
    Detector,
    Recognizer,
}

/// A model file the engine knows by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KnownModel {
    pub file_name: &'static str,
    pub role: ModelRole,
    /// Official download URL (OpenCV Zoo).
    pub url: &'static str,
    /// Pinned SHA-256; `None` means the file is accepted after a structural check instead.
    pub sha256: Option<&'static str>,
    /// Installed by default by [`ModelSource::Official`] and [`ModelSource::Url`].
    pub default: bool,
}

/// The known model files. Only the int8 block-quantized files have pinned hashes (measured on
/// the shared copies, identical to the OpenCV Zoo files); the full-precision files are checked
/// by loading them.
pub const KNOWN_MODELS: &[KnownModel] = &[
    KnownModel {
        file_name: DETECTOR_FILE,
        role: ModelRole::Detector,
        url: "https://github.com/opencv/opencv_zoo/raw/main/models/face_detection_yunet/face_detection_yunet_2023mar_int8bq.onnx",
        sha256: Some("49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10"),
        default: true,
    },
    KnownModel {
        file_name: RECOGNIZER_FILE,
        role: ModelRole::Recognizer,
        url: "https://github.com/opencv/opencv_zoo/raw/main/models/face_recognition_sface/face_recognition_sface_2021dec_int8bq.onnx",
        sha256: Some("fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee"),
        default: true,
    },
    KnownModel {
        file_name: DETECTOR_FILE_FP32,
        role: ModelRole::Detector,
        url: "https://github.com/opencv/opencv_zoo/raw/main/models/face_detection_yunet/face_detection_yunet_2023mar.onnx",
        sha256: None,
        default: false,
    },
    KnownModel {
        file_name: RECOGNIZER_FILE_FP32,
        role: ModelRole::Recognizer,
        url: "https://github.com/opencv/opencv_zoo/raw/main/models/face_recognition_sface/face_recognition_sface_2021dec.onnx",
        sha256: None,
        default: false,
    },
];

pub use crate::models_runtime::{
    install_onnxruntime, installed_onnxruntime, ONNXRUNTIME_FILE, ONNXRUNTIME_SHA256,
    ONNXRUNTIME_URL, ONNXRUNTIME_VERSION,
};

/// Looks a model up by file name.
pub fn known_model(file_name: &str) -> Option<&'static KnownModel> {
    KNOWN_MODELS.iter().find(|m| m.file_name == file_name)
}

/// Where [`install`] gets the files from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelSource {
    /// The official OpenCV Zoo URLs of the default files.
    Official,
    /// A base URL; each default file is fetched from `<base>/<file name>` (mirrors, tests).
    Url(String),
    /// A local model file (known name, or a pinned hash) or a folder holding known files.
    Path(PathBuf),
}

/// One installed file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledModel {
    pub file_name: String,
    pub path: PathBuf,
    pub sha256: String,
    /// True when the SHA-256 matched a pinned value; false when a structural check was used.
    pub hash_pinned: bool,
    /// URL or path it came from.
    pub source: String,
}

/// Result of [`install`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledModels {
    pub dir: PathBuf,
    pub files: Vec<InstalledModel>,
}

impl InstalledModels {
    /// Paths the engine should load from the destination folder.
    pub fn paths(&self) -> ModelPaths {
        ModelPaths::find_in_dir(&self.dir)
    }
}

/// Installs model files into `dest_dir` (created if needed). Every file is verified (pinned
/// SHA-256, or a load check for unpinned full-precision files) before it is atomically renamed
/// into place; a corrupt or wrong file is refused and nothing is left behind.
pub fn install(dest_dir: &Path, source: ModelSource) -> Result<InstalledModels, EngineError> {
    std::fs::create_dir_all(dest_dir).map_err(|e| EngineError::io(dest_dir, e))?;
    let mut files = Vec::new();
    match source {
        ModelSource::Official => {
            for m in KNOWN_MODELS.iter().filter(|m| m.default) {
                files.push(install_url(dest_dir, m, m.url)?);
            }
        }
        ModelSource::Url(base) => {
            for m in KNOWN_MODELS.iter().filter(|m| m.default) {
                let url = format!("{}/{}", base.trim_end_matches('/'), m.file_name);
                files.push(install_url(dest_dir, m, &url)?);
            }
        }
        ModelSource::Path(p) if p.is_dir() => {
            let found: Vec<&KnownModel> = KNOWN_MODELS
                .iter()
                .filter(|m| p.join(m.file_name).is_file())
                .collect();
            for role in [ModelRole::Detector, ModelRole::Recognizer] {
                if !found.iter().any(|m| m.role == role) {
                    let names: Vec<&str> = KNOWN_MODELS
                        .iter()
                        .filter(|m| m.role == role)
                        .map(|m| m.file_name)
                        .collect();
                    return Err(EngineError::ModelMissing {
                        path: p.clone(),
                        hint: format!(
                            "the folder has no {role:?} model; expected one of {}",
                            names.join(", ")
                        ),
                    });
                }
            }
            for m in found {
                files.push(install_file(dest_dir, m, &p.join(m.file_name))?);
            }
        }
        ModelSource::Path(p) => {
            let m = identify_file(&p)?;
            files.push(install_file(dest_dir, m, &p)?);
        }
    }
    Ok(InstalledModels {
        dir: dest_dir.to_path_buf(),
        files,
    })
}

fn identify_file(p: &Path) -> Result<&'static KnownModel, EngineError> {
    if let Some(m) = p.file_name().and_then(|n| n.to_str()).and_then(known_model) {
        return Ok(m);
    }
    // Unknown name: accept it if its content matches a pinned hash.
    let (hash, _) = hash_file(p)?;
    KNOWN_MODELS
        .iter()
        .find(|m| m.sha256 == Some(hash.as_str()))
        .ok_or_else(|| EngineError::ModelLoad {
            path: p.to_path_buf(),
            reason: format!(
                "not a known model file (name not one of {} and SHA-256 {hash} matches none)",
                KNOWN_MODELS
                    .iter()
                    .map(|m| m.file_name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

pub(crate) fn hash_file(p: &Path) -> Result<(String, u64), EngineError> {
    let mut f = std::fs::File::open(p).map_err(|e| EngineError::io(p, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| EngineError::io(p, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex::encode(h.finalize()), n))
}

/// A temporary file in the destination folder, removed on drop unless persisted.
pub(crate) struct TempFile {
    pub(crate) path: PathBuf,
    pub(crate) keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A fresh temporary path in `dest_dir` (process id, a per-process counter and the time: two
/// threads or processes never get the same one).
pub(crate) fn temp_in(dest_dir: &Path, name: &str) -> TempFile {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    TempFile {
        path: dest_dir.join(format!(
            ".{name}.partial-{}-{n}-{nanos}",
            std::process::id()
        )),
        keep: false,
    }
}

/// Copies `reader` into a temp file in `dest_dir` while hashing; returns (temp, sha256).
pub(crate) fn write_temp(
    dest_dir: &Path,
    name: &str,
    reader: &mut dyn Read,
    origin: &str,
) -> Result<(TempFile, String), EngineError> {
    let tmp = temp_in(dest_dir, name);
    let mut f = std::fs::File::create(&tmp.path).map_err(|e| EngineError::io(&tmp.path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let k = reader.read(&mut buf).map_err(|e| EngineError::Download {
            url: origin.to_string(),
            reason: format!("read failed after {total} bytes: {e}"),
        })?;
        if k == 0 {
            break;
        }
        total += k as u64;
        if total > MAX_MODEL_BYTES {
            return Err(EngineError::Download {
                url: origin.to_string(),
                reason: format!("larger than {MAX_MODEL_BYTES} bytes; refusing"),
            });
        }
        h.update(&buf[..k]);
        f.write_all(&buf[..k])
            .map_err(|e| EngineError::io(&tmp.path, e))?;
    }
    f.sync_all().map_err(|e| EngineError::io(&tmp.path, e))?;
    Ok((tmp, hex::encode(h.finalize())))
}

/// Verifies a temp file against the model entry, then renames it into place.
fn verify_and_place(
    dest_dir: &Path,
    m: &KnownModel,
    mut tmp: TempFile,
    hash: String,
    origin: &str,
) -> Result<InstalledModel, EngineError> {
    let hash_pinned = match m.sha256 {
        Some(expected) if expected != hash => {
            return Err(EngineError::Checksum {
                path: format!("{} (from {origin})", m.file_name),
                expected: expected.to_string(),
                actual: hash,
            })
        }
        Some(_) => true,
        None => {
            // No pinned hash: the file must at least load as the right kind of model.
            let loaded =
                LoadedModel::read(&tmp.path, m.file_name).map_err(|e| EngineError::ModelLoad {
                    path: PathBuf::from(origin),
                    reason: format!("refusing {}: {e}", m.file_name),
                })?;
            let check = match m.role {
                ModelRole::Detector => {
                    crate::detector::Detector::new(loaded, &Runtime::Tract).map(|_| ())
                }
                ModelRole::Recognizer => {
                    crate::recognizer::Recognizer::new(loaded, &Runtime::Tract).map(|_| ())
                }
            };
            check.map_err(|e| EngineError::ModelLoad {
                path: PathBuf::from(origin),
                reason: format!("refusing {}: {e}", m.file_name),
            })?;
            false
        }
    };
    let dest = dest_dir.join(m.file_name);
    std::fs::rename(&tmp.path, &dest).map_err(|e| EngineError::io(&dest, e))?;
    tmp.keep = true;
    tracing::info!(file = m.file_name, %origin, "installed model");
    Ok(InstalledModel {
        file_name: m.file_name.to_string(),
        path: dest,
        sha256: hash,
        hash_pinned,
        source: origin.to_string(),
    })
}

fn already_installed(dest_dir: &Path, m: &KnownModel, origin: &str) -> Option<InstalledModel> {
    let dest = dest_dir.join(m.file_name);
    let expected = m.sha256?;
    let (hash, _) = hash_file(&dest).ok()?;
    (hash == expected).then(|| InstalledModel {
        file_name: m.file_name.to_string(),
        path: dest,
        sha256: hash,
        hash_pinned: true,
        source: origin.to_string(),
    })
}

fn install_url(dest_dir: &Path, m: &KnownModel, url: &str) -> Result<InstalledModel, EngineError> {
    if let Some(done) = already_installed(dest_dir, m, url) {
        tracing::info!(
            file = m.file_name,
            "already installed with the expected SHA-256"
        );
        return Ok(done);
    }
    let (tmp, hash) = download(dest_dir, m.file_name, url)?;
    verify_and_place(dest_dir, m, tmp, hash, url)
}

/// Downloads `url` into a temp file in `dest_dir` (at most [`MAX_MODEL_BYTES`]); returns it
/// with its SHA-256.
pub(crate) fn download(
    dest_dir: &Path,
    name: &str,
    url: &str,
) -> Result<(TempFile, String), EngineError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into();
    let resp = agent.get(url).call().map_err(|e| EngineError::Download {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    let mut reader = resp
        .into_body()
        .into_with_config()
        .limit(MAX_MODEL_BYTES)
        .reader();
    write_temp(dest_dir, name, &mut reader, url)
}

fn install_file(
    dest_dir: &Path,
    m: &KnownModel,
    src: &Path,
) -> Result<InstalledModel, EngineError> {
    let origin = src.display().to_string();
    let mut f = std::fs::File::open(src).map_err(|e| EngineError::io(src, e))?;
    let (tmp, hash) = write_temp(dest_dir, m.file_name, &mut f, &origin)?;
    verify_and_place(dest_dir, m, tmp, hash, &origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_both_defaults_with_pins() {
        let defaults: Vec<_> = KNOWN_MODELS.iter().filter(|m| m.default).collect();
        assert_eq!(defaults.len(), 2);
        assert!(defaults
            .iter()
            .all(|m| m.sha256.is_some_and(|h| h.len() == 64)));
        assert!(defaults
            .iter()
            .all(|m| m.url.starts_with("https://github.com/opencv/opencv_zoo/")));
        assert_eq!(
            known_model(RECOGNIZER_FILE).map(|m| m.role),
            Some(ModelRole::Recognizer)
        );
    }

    #[test]
    fn unknown_file_is_refused_and_nothing_is_left() {
        let src = tempfile::tempdir().expect("tmp");
        let dest = tempfile::tempdir().expect("tmp");
        let bogus = src.path().join("model.onnx");
        std::fs::write(&bogus, b"not a model").expect("write");
        let e = install(dest.path(), ModelSource::Path(bogus)).unwrap_err();
        assert!(e.to_string().contains("not a known model file"), "{e}");
        // A corrupt file under a pinned name is refused by checksum.
        let named = src.path().join(DETECTOR_FILE);
        std::fs::write(&named, b"corrupt").expect("write");
        let e = install(dest.path(), ModelSource::Path(named)).unwrap_err();
        assert!(matches!(e, EngineError::Checksum { .. }), "{e}");
        assert_eq!(std::fs::read_dir(dest.path()).expect("ls").count(), 0);
    }
}
