//! The image store port over a folder (`data_dir/images/`): keys are relative paths,
//! writes are atomic (temp file in the same folder, fsync, rename).

use crate::error::{blocking, io_error};
use async_trait::async_trait;
use facectl_core::model::{ObjectMeta, ResourceState, ResourceStatus, StoreUsage};
use facectl_core::ports::{BackendResult, ImageStore};
use facectl_core::BackendError;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Marker in the names of files being written; such files are never listed.
const TEMP_MARKER: &str = ".facectl-tmp-";

/// Images kept as files under one folder.
pub struct FolderImageStore {
    root: Arc<PathBuf>,
}

impl FolderImageStore {
    pub fn new(root: PathBuf) -> Self {
        FolderImageStore {
            root: Arc::new(root),
        }
    }

    /// The folder holding the images.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// Checks that `key` is a plain relative path and returns its file path under `root`.
fn resolve(root: &Path, key: &str) -> BackendResult<PathBuf> {
    let bad = |why: &str| BackendError::Other(format!("invalid image key `{key}`: {why}"));
    if key.is_empty() {
        return Err(bad("empty"));
    }
    if key.contains('\\') || key.contains('\0') {
        return Err(bad("backslashes and NUL are not allowed"));
    }
    if key.starts_with('/') {
        return Err(bad("absolute keys are not allowed"));
    }
    if key
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(bad("empty, `.` and `..` segments are not allowed"));
    }
    let rel = Path::new(key);
    let mut path = root.to_path_buf();
    for component in rel.components() {
        match component {
            Component::Normal(part) => {
                if part.to_string_lossy().contains(TEMP_MARKER) {
                    return Err(bad("reserved name"));
                }
                path.push(part);
            }
            Component::CurDir => return Err(bad("`.` segments are not allowed")),
            Component::ParentDir => return Err(bad("`..` segments are not allowed")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(bad("absolute keys are not allowed"))
            }
        }
    }
    if key.ends_with('/') || path == root {
        return Err(bad("names a folder"));
    }
    Ok(path)
}

fn require_root(root: &Path) -> BackendResult<()> {
    if root.is_dir() {
        Ok(())
    } else {
        Err(BackendError::NotProvisioned {
            resource: root.display().to_string(),
        })
    }
}

/// Writes `bytes` to `path` so that readers see the old file, the whole new file, or nothing.
fn write_atomic(path: &Path, bytes: &[u8]) -> BackendResult<()> {
    let dir = path
        .parent()
        .ok_or_else(|| BackendError::Other(format!("{}: no parent folder", path.display())))?;
    crate::private::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}{TEMP_MARKER}{}",
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut file = crate::private::new_file_options()
            .open(&tmp)
            .map_err(|e| io_error(&tmp, e))?;
        file.write_all(bytes).map_err(|e| io_error(&tmp, e))?;
        file.sync_all().map_err(|e| io_error(&tmp, e))?;
        drop(file);
        fs::rename(&tmp, path).map_err(|e| io_error(path, e))
    })();
    if result.is_err() {
        // Best effort: the temp file is invisible to readers anyway.
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Make the rename durable. Not every platform can open a folder for syncing.
    if let Ok(d) = fs::File::open(dir) {
        if let Err(e) = d.sync_all() {
            tracing::debug!(dir = %dir.display(), error = %e, "could not sync folder");
        }
    }
    Ok(())
}

/// Every stored file under `root`: (key with `/` separators, size in bytes), sorted by key.
fn walk(root: &Path) -> BackendResult<Vec<(String, u64)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            // A folder removed meanwhile (concurrent delete) holds nothing.
            Err(e) if e.kind() == ErrorKind::NotFound && dir != root => continue,
            Err(e) => return Err(io_error(&dir, e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&dir, e))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|e| io_error(&path, e))?;
            if file_type.is_dir() {
                stack.push(path);
                continue;
            }
            if !file_type.is_file() || entry.file_name().to_string_lossy().contains(TEMP_MARKER) {
                continue;
            }
            let size = match entry.metadata() {
                Ok(m) => m.len(),
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error(&path, e)),
            };
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let key = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((key, size));
        }
    }
    out.sort();
    Ok(out)
}

/// Files and bytes under `root` (zero when it does not exist).
pub(crate) fn folder_usage(root: &Path) -> BackendResult<StoreUsage> {
    if !root.is_dir() {
        return Ok(StoreUsage::default());
    }
    let files = walk(root)?;
    Ok(StoreUsage {
        objects: files.len() as u64,
        bytes: files.iter().map(|(_, size)| size).sum(),
    })
}

#[async_trait]
impl ImageStore for FolderImageStore {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        let root = Arc::clone(&self.root);
        let state = blocking(move || {
            if root.is_dir() {
                return Ok(ResourceState::Existed);
            }
            if dry_run {
                return Ok(ResourceState::WouldCreate);
            }
            crate::private::create_dir_all(root.as_path()).map_err(|e| io_error(&root, e))?;
            tracing::info!(root = %root.display(), "created image folder");
            Ok(ResourceState::Created)
        })
        .await?;
        Ok(ResourceStatus {
            kind: "image store".into(),
            name: self.location(),
            state,
            detail: None,
        })
    }

    async fn put(&self, key: &str, bytes: &[u8], _meta: &ObjectMeta) -> BackendResult<()> {
        require_root(&self.root)?;
        let path = resolve(&self.root, key)?;
        let bytes = bytes.to_vec();
        blocking(move || write_atomic(&path, &bytes)).await
    }

    async fn get(&self, key: &str) -> BackendResult<Vec<u8>> {
        require_root(&self.root)?;
        let path = resolve(&self.root, key)?;
        let key = key.to_string();
        blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(bytes),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                Err(BackendError::NotFound(format!("image {key}")))
            }
            Err(e) => Err(io_error(&path, e)),
        })
        .await
    }

    /// A folder keeps no metadata beside the bytes: the content hash is the file name's
    /// (facectl's layout), the person name is left empty.
    async fn object_meta(&self, key: &str) -> BackendResult<Option<ObjectMeta>> {
        if !self.exists(key).await? {
            return Ok(None);
        }
        let stem = Path::new(key)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let hashed = stem.len() == 64 && stem.chars().all(|c| c.is_ascii_hexdigit());
        Ok(Some(ObjectMeta {
            content_type: String::new(),
            image_hash: if hashed { stem } else { String::new() },
            person_name: String::new(),
        }))
    }

    async fn exists(&self, key: &str) -> BackendResult<bool> {
        require_root(&self.root)?;
        let path = resolve(&self.root, key)?;
        blocking(move || Ok(path.is_file())).await
    }

    async fn delete(&self, key: &str) -> BackendResult<bool> {
        require_root(&self.root)?;
        let path = resolve(&self.root, key)?;
        let root = Arc::clone(&self.root);
        blocking(move || {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(io_error(&path, e)),
            }
            // Remove folders the deletion left empty, up to (not including) the root.
            let mut dir = path.parent();
            while let Some(d) = dir {
                if d == root.as_path() || !d.starts_with(root.as_path()) {
                    break;
                }
                // Fails when the folder is not empty (or another writer just used it): stop.
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
            Ok(true)
        })
        .await
    }

    async fn list_keys(&self) -> BackendResult<Vec<String>> {
        require_root(&self.root)?;
        let root = Arc::clone(&self.root);
        blocking(move || Ok(walk(&root)?.into_iter().map(|(key, _)| key).collect())).await
    }

    async fn usage(&self) -> BackendResult<StoreUsage> {
        require_root(&self.root)?;
        let root = Arc::clone(&self.root);
        blocking(move || folder_usage(&root)).await
    }
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use std::path::Path;

    #[test]
    fn keys_must_be_plain_relative_paths() {
        let root = Path::new("/data/images");
        assert_eq!(
            resolve(root, "ab/abcdef.jpg").ok(),
            Some(root.join("ab").join("abcdef.jpg"))
        );
        for bad in [
            "",
            "../x.jpg",
            "ab/../../x.jpg",
            "/etc/passwd",
            "./x.jpg",
            "ab/",
            "a\\b.jpg",
            "ab//x.jpg",
            "ab/./x.jpg",
            "ab/.x.jpg.facectl-tmp-1",
        ] {
            assert!(resolve(root, bad).is_err(), "key {bad:?} accepted");
        }
    }
}
