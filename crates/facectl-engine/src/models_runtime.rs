//! Installation of the ONNX Runtime library (the engine's optional faster runtime), the same
//! way as the models: the official release archive, a mirror, or a local archive or library
//! file, checked against pinned SHA-256 values before it is renamed into the model folder.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::EngineError;
use crate::models::{
    download, hash_file, write_temp, InstalledModel, ModelSource, TempFile, MAX_MODEL_BYTES,
};

/// The ONNX Runtime release the engine is built and measured against.
pub const ONNXRUNTIME_VERSION: &str = "1.31.1";
/// The library's file name in the model folder (Linux x86-64).
pub const ONNXRUNTIME_FILE: &str = "libonnxruntime.so.1.31.1";
/// The official release archive.
pub const ONNXRUNTIME_URL: &str =
    "https://github.com/microsoft/onnxruntime/releases/download/v1.31.1/onnxruntime-linux-x64-1.31.1.tgz";
/// The archive's file name (what a mirror given by base URL serves).
const ARCHIVE_FILE: &str = "onnxruntime-linux-x64-1.31.1.tgz";
/// Pinned SHA-256 of the library builds accepted: Microsoft's CPU build of 1.31.1 as its
/// Python package (`onnxruntime==1.31.1`, manylinux_2_28 x86-64) ships it.
pub const ONNXRUNTIME_SHA256: &[&str] =
    &["fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3"];

/// The library installed in `dir`, if there is one.
pub fn installed_onnxruntime(dir: &Path) -> Option<PathBuf> {
    let p = dir.join(ONNXRUNTIME_FILE);
    p.is_file().then_some(p)
}

/// Installs the ONNX Runtime library into `dest_dir` from `source`: the official archive, a
/// base URL serving the archive, or a local `.tgz` archive, library file, or folder holding one.
/// The library must match a pinned SHA-256; anything else is refused and nothing is left.
pub fn install_onnxruntime(
    dest_dir: &Path,
    source: &ModelSource,
) -> Result<InstalledModel, EngineError> {
    std::fs::create_dir_all(dest_dir).map_err(|e| EngineError::io(dest_dir, e))?;
    let dest = dest_dir.join(ONNXRUNTIME_FILE);
    let origin = match source {
        ModelSource::Official => ONNXRUNTIME_URL.to_string(),
        ModelSource::Url(base) => format!("{}/{ARCHIVE_FILE}", base.trim_end_matches('/')),
        ModelSource::Path(p) if p.is_dir() => {
            let candidates = [p.join(ONNXRUNTIME_FILE), p.join(ARCHIVE_FILE)];
            candidates
                .iter()
                .find(|c| c.is_file())
                .ok_or_else(|| EngineError::ModelMissing {
                    path: p.clone(),
                    hint: format!("the folder has neither {ONNXRUNTIME_FILE} nor {ARCHIVE_FILE}"),
                })?
                .display()
                .to_string()
        }
        ModelSource::Path(p) => p.display().to_string(),
    };
    if let Ok((hash, _)) = hash_file(&dest) {
        if ONNXRUNTIME_SHA256.contains(&hash.as_str()) {
            tracing::info!(
                file = ONNXRUNTIME_FILE,
                "already installed with a pinned SHA-256"
            );
            return Ok(installed(dest, hash, &origin));
        }
    }
    let (fetched, hash) = match source {
        ModelSource::Official | ModelSource::Url(_) => download(dest_dir, ARCHIVE_FILE, &origin)?,
        ModelSource::Path(_) => {
            let path = Path::new(&origin);
            let mut f = std::fs::File::open(path).map_err(|e| EngineError::io(path, e))?;
            write_temp(dest_dir, ONNXRUNTIME_FILE, &mut f, &origin)?
        }
    };
    // An archive (gzip magic) holds the library under `<top>/lib/`; else it is the library.
    let (mut lib, hash) = if is_gzip(&fetched.path)? {
        extract_library(dest_dir, &fetched.path, &origin)?
    } else {
        (fetched, hash)
    };
    if !ONNXRUNTIME_SHA256.contains(&hash.as_str()) {
        return Err(EngineError::Checksum {
            path: format!("{ONNXRUNTIME_FILE} (from {origin})"),
            expected: ONNXRUNTIME_SHA256.join(" or "),
            actual: hash,
        });
    }
    std::fs::rename(&lib.path, &dest).map_err(|e| EngineError::io(&dest, e))?;
    lib.keep = true;
    tracing::info!(file = ONNXRUNTIME_FILE, %origin, "installed ONNX Runtime");
    Ok(installed(dest, hash, &origin))
}

fn installed(path: PathBuf, sha256: String, origin: &str) -> InstalledModel {
    InstalledModel {
        file_name: ONNXRUNTIME_FILE.to_string(),
        path,
        sha256,
        hash_pinned: true,
        source: origin.to_string(),
    }
}

fn is_gzip(p: &Path) -> Result<bool, EngineError> {
    let mut magic = [0u8; 2];
    let mut f = std::fs::File::open(p).map_err(|e| EngineError::io(p, e))?;
    let n = f.read(&mut magic).map_err(|e| EngineError::io(p, e))?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Copies the archive's `*/lib/<library>` into a temp file; an archive without it is refused.
fn extract_library(
    dest_dir: &Path,
    archive: &Path,
    origin: &str,
) -> Result<(TempFile, String), EngineError> {
    let bad = |reason: String| EngineError::ModelLoad {
        path: PathBuf::from(origin),
        reason,
    };
    let f = std::fs::File::open(archive).map_err(|e| EngineError::io(archive, e))?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let entries = tar
        .entries()
        .map_err(|e| bad(format!("not a readable .tgz archive: {e}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| bad(format!("not a readable .tgz archive: {e}")))?;
        let wanted = entry.header().entry_type().is_file()
            && entry.path().is_ok_and(|p| {
                p.file_name().is_some_and(|n| n == ONNXRUNTIME_FILE)
                    && p.parent()
                        .and_then(|d| d.file_name())
                        .is_some_and(|d| d == "lib")
            });
        if wanted {
            if entry.size() > MAX_MODEL_BYTES {
                return Err(bad(format!(
                    "{ONNXRUNTIME_FILE} in the archive is too large"
                )));
            }
            let mut reader = entry.take(MAX_MODEL_BYTES);
            return write_temp(dest_dir, ONNXRUNTIME_FILE, &mut reader, origin);
        }
    }
    Err(bad(format!("the archive has no lib/{ONNXRUNTIME_FILE}")))
}
