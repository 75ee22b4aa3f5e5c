//! Builds the configured backend from settings (the CLI's only contact with backend crates).

use crate::settings::{BackendKind, Settings};
use anyhow::{bail, Result};
use facectl_core::Backend;

/// Open the backend the settings name.
pub fn open(settings: &Settings) -> Result<Backend> {
    match settings.backend {
        BackendKind::Local => {
            let config = facectl_local::LocalConfig {
                data_dir: settings.data_dir.clone(),
                model_dir: Some(settings.model_dir.clone()),
                engine: facectl_engine::EngineConfig::default(),
            };
            Ok(facectl_local::open(config)?)
        }
        BackendKind::Aws => bail!("the aws backend is not built into this version of facectl"),
    }
}
