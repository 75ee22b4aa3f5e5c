//! Helpers shared by the integration tests: temporary backends, model and data locations.
#![allow(dead_code)]

use facectl_core::model::{ResourceState, ResourceStatus};
use facectl_core::Backend;
use facectl_local::LocalConfig;
use std::path::{Path, PathBuf};

/// The model folder from `FACECTL_MODEL_DIR`; tests that need models fail without it.
pub fn model_dir() -> PathBuf {
    let dir = std::env::var_os("FACECTL_MODEL_DIR").unwrap_or_else(|| {
        panic!(
            "FACECTL_MODEL_DIR is not set: these tests need the face models; \
             run with FACECTL_MODEL_DIR=/path/to/models (e.g. ../shared/models)"
        )
    });
    let dir = PathBuf::from(dir);
    assert!(
        dir.is_dir(),
        "FACECTL_MODEL_DIR={} is not a folder",
        dir.display()
    );
    dir
}

/// The shared evaluation data (`FACECTL_TEST_DATA`, default `../shared/data` beside the repository).
pub fn data_dir() -> PathBuf {
    let dir = std::env::var_os("FACECTL_TEST_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(
        dir.is_dir(),
        "test data folder {} is missing; set FACECTL_TEST_DATA to the shared data folder",
        dir.display()
    );
    dir
}

/// A photo from face_recognition's examples (obama.jpg, obama2.jpg, biden.jpg, two_people.jpg).
pub fn photo(name: &str) -> PathBuf {
    let p = data_dir()
        .join("peers/ageitgey_face_recognition/examples")
        .join(name);
    assert!(p.is_file(), "test photo {} is missing", p.display());
    p
}

/// A landscape photo without people.
pub fn no_face_photo() -> PathBuf {
    let p =
        data_dir().join("peers/insightface/cpp-package/inspireface/test_res/data/bulk/view.jpg");
    assert!(p.is_file(), "test photo {} is missing", p.display());
    p
}

pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A backend over a fresh temporary folder (models from `FACECTL_MODEL_DIR` when `models`).
pub fn backend(dir: &Path, models: bool) -> Backend {
    let mut config = LocalConfig::new(dir);
    if models {
        config.model_dir = Some(model_dir());
    }
    facectl_local::open(config).expect("open local backend")
}

/// Provisions all three ports and checks they report `expect`.
pub async fn provision_all(backend: &Backend, expect: ResourceState) -> Vec<ResourceStatus> {
    let all = vec![
        backend
            .images
            .provision(false)
            .await
            .expect("provision images"),
        backend
            .collection
            .provision(false)
            .await
            .expect("provision collection"),
        backend
            .table
            .provision(false)
            .await
            .expect("provision table"),
    ];
    for r in &all {
        assert_eq!(r.state, expect, "{r:?}");
    }
    all
}
