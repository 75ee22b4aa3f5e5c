//! facectl's local backend: images in a folder, face prints and person records in SQLite,
//! faces found and embedded by the on-device engine (offline stand-in for S3 + Rekognition +
//! DynamoDB).
//!
//! Layout of a data folder:
//!
//! ```text
//! <data_dir>/images/ab/<sha256>.jpg   image store (keys chosen by the service)
//! <data_dir>/facectl.db               SQLite: faces (fc_* tables, collection `default`) and
//!                                     persons / face_records / images
//! <data_dir>/index/                   saved search index of the faces (rebuilt when missing)
//! <data_dir>/models/                  default model folder
//! ```
//!
//! [`open`] does no I/O; each port fails with [`BackendError::NotProvisioned`] until its
//! `provision` has run, and only `provision` creates files.

mod collection;
mod db;
mod engine;
mod error;
mod image_store;
use facectl_collection::private;
mod schema;
mod table;

pub use collection::LocalCollection;
pub use image_store::FolderImageStore;
pub use table::LocalTable;

use facectl_core::model::StoreUsage;
use facectl_core::{Backend, BackendError};
use facectl_engine::EngineConfig;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Name of the SQLite file inside the data folder.
pub const DB_FILE: &str = "facectl.db";
/// Name of the image folder inside the data folder.
pub const IMAGES_DIR: &str = "images";
/// Name of the search index folder inside the data folder.
pub const INDEX_DIR: &str = "index";
/// Name of the default model folder inside the data folder.
pub const MODELS_DIR: &str = "models";
/// Schema version this build writes (`PRAGMA user_version` of `facectl.db`).
pub const SCHEMA_VERSION: i64 = schema::LATEST;

/// Where the local backend keeps its data and finds its models.
#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub data_dir: PathBuf,
    /// Folder with the model files; `None` means `data_dir/models`. (`FACECTL_MODEL_DIR` is
    /// resolved by the caller.)
    pub model_dir: Option<PathBuf>,
    pub engine: EngineConfig,
}

impl LocalConfig {
    /// Default engine settings and model folder for `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        LocalConfig {
            data_dir: data_dir.into(),
            model_dir: None,
            engine: EngineConfig::default(),
        }
    }

    /// The model folder in effect.
    pub fn model_dir(&self) -> PathBuf {
        self.model_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join(MODELS_DIR))
    }
}

/// Path of the SQLite database in a data folder.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE)
}

/// Path of the saved search index in a data folder.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(INDEX_DIR)
}

/// Path of the image folder in a data folder.
pub fn images_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(IMAGES_DIR)
}

/// The local backend over `config.data_dir`. Nothing is read or created here; the engine is
/// loaded on the first call that needs it.
pub fn open(config: LocalConfig) -> Result<Backend, BackendError> {
    if config.data_dir.as_os_str().is_empty() {
        return Err(BackendError::Other("the data folder path is empty".into()));
    }
    if config.data_dir.exists() && !config.data_dir.is_dir() {
        return Err(BackendError::Other(format!(
            "data folder {} exists but is not a folder",
            config.data_dir.display()
        )));
    }
    let db = db_path(&config.data_dir);
    let engine = Arc::new(engine::EngineSlot::new(config.model_dir(), config.engine));
    tracing::debug!(data_dir = %config.data_dir.display(), model_dir = %engine.model_dir().display(), "opened local backend");
    let collection = LocalCollection::new(
        db::Db::new(db.clone(), schema::COLLECTION_RESOURCE),
        engine,
        index_dir(&config.data_dir),
    );
    let table = LocalTable::new(db::Db::new(db, schema::TABLE_RESOURCE));
    Ok(Backend {
        kind: "local".into(),
        images: Arc::new(FolderImageStore::new(images_dir(&config.data_dir))),
        collection: Arc::new(collection),
        table: Arc::new(table),
    })
}

/// Sizes and locations of a local data folder, for `status`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorageReport {
    pub data_dir: PathBuf,
    pub db_path: PathBuf,
    /// Bytes of the database including its WAL and shared-memory files (0 when absent).
    pub db_bytes: u64,
    pub images_dir: PathBuf,
    /// Stored images (zero when the folder is absent).
    pub images: StoreUsage,
    pub model_dir: PathBuf,
}

/// Measures a data folder without opening the database. Walks the image folder.
pub fn storage_report(config: &LocalConfig) -> Result<StorageReport, BackendError> {
    let db = db_path(&config.data_dir);
    let mut db_bytes = 0;
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.clone().into_os_string();
        name.push(suffix);
        match std::fs::metadata(&name) {
            Ok(m) => db_bytes += m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(error::io_error(Path::new(&name), e)),
        }
    }
    let images = images_dir(&config.data_dir);
    Ok(StorageReport {
        data_dir: config.data_dir.clone(),
        images: image_store::folder_usage(&images)?,
        db_path: db,
        db_bytes,
        images_dir: images,
        model_dir: config.model_dir(),
    })
}
