//! `current.json` in a collection's index folder: which saved files hold which generation.
//! Files are written under fresh names and synced, then the pointer is replaced by a rename,
//! so a reader sees either the old base or the new one, never half of one.

use super::ann::Ann;
use super::flat::Flat;
use crate::error::{CollectionError, CollectionResult};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const CURRENT: &str = "current.json";

/// The saved base of one collection.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Pointer {
    pub generation: i64,
    pub max_seq: i64,
    pub faces: usize,
    pub flat: String,
    pub ann: Option<String>,
    /// Size of the graph file: a graph is mapped without reading it, so a cut file is caught
    /// here rather than by the graph library.
    #[serde(default)]
    pub ann_bytes: u64,
}

fn io(path: &Path, e: std::io::Error) -> CollectionError {
    CollectionError::Index {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// The folder of one collection (by its creation uid) under the index folder.
pub(crate) fn collection_dir(dir: &Path, uid: &str) -> PathBuf {
    dir.join(uid)
}

impl Pointer {
    /// The pointer, `None` when nothing was saved yet.
    pub(crate) fn read(dir: &Path, uid: &str) -> CollectionResult<Option<Pointer>> {
        let path = collection_dir(dir, uid).join(CURRENT);
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| CollectionError::Index {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path, e)),
        }
    }

    pub(crate) fn ann_path(&self, dir: &Path, uid: &str) -> PathBuf {
        collection_dir(dir, uid).join(self.ann.as_deref().unwrap_or("-"))
    }

    /// Maps the saved files.
    pub(crate) fn open(
        &self,
        dir: &Path,
        uid: &str,
        dim: usize,
    ) -> CollectionResult<(Flat, Option<Ann>)> {
        let d = collection_dir(dir, uid);
        let flat = Flat::open(&d.join(&self.flat), dim)?;
        if flat.len() != self.faces {
            return Err(CollectionError::Index {
                path: d.join(&self.flat).display().to_string(),
                reason: format!("{} rows, the pointer says {}", flat.len(), self.faces),
            });
        }
        let ann = match &self.ann {
            Some(name) => {
                let path = d.join(name);
                let bytes = std::fs::metadata(&path).map_err(|e| io(&path, e))?.len();
                if bytes != self.ann_bytes {
                    return Err(CollectionError::Index {
                        path: path.display().to_string(),
                        reason: format!("{bytes} bytes, the pointer says {}", self.ann_bytes),
                    });
                }
                let ann = Ann::view(&path, dim)?;
                if ann.len() != self.faces {
                    return Err(CollectionError::Index {
                        path: d.join(name).display().to_string(),
                        reason: format!("{} faces, the pointer says {}", ann.len(), self.faces),
                    });
                }
                Some(ann)
            }
            None => None,
        };
        Ok((flat, ann))
    }

    /// Saves a base and points `current.json` at it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write<'a>(
        dir: &Path,
        uid: &str,
        generation: i64,
        max_seq: i64,
        dim: usize,
        faces: usize,
        rows: impl Iterator<Item = (i64, &'a [f32])> + Clone,
        ann: Option<&Ann>,
    ) -> CollectionResult<Pointer> {
        let d = collection_dir(dir, uid);
        crate::private::create_dir_all(&d).map_err(|e| io(&d, e))?;
        let stem = format!("g{generation}-{}", uuid::Uuid::new_v4().simple());
        let flat = format!("{stem}.flat");
        Flat::write(&d.join(&flat), dim, faces, rows)?;
        let (ann_name, ann_bytes) = match ann {
            Some(a) => {
                let name = format!("{stem}.usearch");
                let path = d.join(&name);
                a.save(&path)?;
                let f = std::fs::File::open(&path).map_err(|e| io(&path, e))?;
                f.sync_all().map_err(|e| io(&path, e))?;
                let bytes = f.metadata().map_err(|e| io(&path, e))?.len();
                (Some(name), bytes)
            }
            None => (None, 0),
        };
        let p = Pointer {
            generation,
            max_seq,
            faces,
            flat,
            ann: ann_name,
            ann_bytes,
        };
        let tmp = d.join(format!("{stem}.json.tmp"));
        let json = serde_json::to_vec(&p).map_err(|e| CollectionError::Index {
            path: tmp.display().to_string(),
            reason: e.to_string(),
        })?;
        std::fs::write(&tmp, json).map_err(|e| io(&tmp, e))?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, d.join(CURRENT)).map_err(|e| io(&d, e))?;
        Ok(p)
    }

    /// Deletes the files of older generations than this base's (processes that mapped them
    /// keep reading them; a process writing a newer base is not touched).
    pub(crate) fn remove_older_files(&self, dir: &Path, uid: &str) {
        let d = collection_dir(dir, uid);
        let Ok(entries) = std::fs::read_dir(&d) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name == self.flat || Some(name) == self.ann.as_deref() {
                continue;
            }
            let generation = name
                .strip_prefix('g')
                .and_then(|r| r.split('-').next())
                .and_then(|g| g.parse::<i64>().ok());
            if generation.is_some_and(|g| g < self.generation) {
                if let Err(e) = std::fs::remove_file(entry.path()) {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        tracing::debug!(file = name, error = %e, "could not remove an old index file");
                    }
                }
            }
        }
    }
}
