//! Builds the configured backend from settings (the CLI's only contact with backend crates).

use crate::settings::{BackendKind, Settings};
use anyhow::{Context, Result};
use facectl_core::Backend;

/// Default Rekognition collection of the aws backend.
pub const DEFAULT_COLLECTION: &str = "facectl";
/// Default DynamoDB table of the aws backend.
pub const DEFAULT_TABLE: &str = "facectl-faces";

/// Open the backend the settings name.
pub async fn open(settings: &Settings) -> Result<Backend> {
    match settings.backend {
        BackendKind::Local => {
            let config = facectl_local::LocalConfig {
                data_dir: settings.data_dir.clone(),
                model_dir: Some(settings.model_dir.clone()),
                engine: facectl_engine::EngineConfig::default(),
            };
            Ok(facectl_local::open(config)?)
        }
        BackendKind::Aws => Ok(facectl_aws::open(aws_config(settings)?).await?),
    }
}

/// The aws backend's configuration from the resolved settings.
pub fn aws_config(settings: &Settings) -> Result<facectl_aws::AwsConfig> {
    let a = &settings.aws;
    let bucket = a.bucket.clone().context(
        "the aws backend needs a bucket: set --bucket, FACECTL_AWS_BUCKET or `bucket` under [aws] in the config file",
    )?;
    let mut cfg = facectl_aws::AwsConfig::new(
        bucket,
        a.collection
            .clone()
            .unwrap_or_else(|| DEFAULT_COLLECTION.into()),
        a.table.clone().unwrap_or_else(|| DEFAULT_TABLE.into()),
    );
    cfg.profile = a.profile.clone();
    cfg.region = a.region.clone();
    cfg.endpoint_url = a.endpoint_url.clone();
    cfg.s3_endpoint = a.s3_endpoint_url.clone();
    cfg.rekognition_endpoint = a.rekognition_endpoint_url.clone();
    cfg.dynamodb_endpoint = a.dynamodb_endpoint_url.clone();
    if let Some(p) = &a.prefix {
        cfg.prefix = p.clone();
    }
    if let Some(t) = a.tps {
        cfg.tps = t;
    }
    if let Some(k) = &a.hash_key {
        cfg.schema.hash_key = k.clone();
    }
    if let Some(n) = &a.name_attrs {
        cfg.schema.name_attrs = n.clone();
    }
    cfg.force_path_style = a.force_path_style.unwrap_or(false);
    cfg.validate()?;
    Ok(cfg)
}
