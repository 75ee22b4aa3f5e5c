//! Builds the configured backend from settings (the CLI's only contact with backend crates).

use crate::settings::{BackendKind, Settings};
use anyhow::{bail, Context, Result};
use facectl_core::ports::UploadQueue;
use facectl_core::Backend;
use std::sync::Arc;

/// Default Rekognition collection of the aws backend.
pub const DEFAULT_COLLECTION: &str = "facectl";
/// Default key prefix of uploads for the aws upload trigger.
pub const DEFAULT_UPLOAD_PREFIX: &str = "uploads/";
/// Default DynamoDB table of the aws backend.
pub const DEFAULT_TABLE: &str = "facectl-faces";

/// Open the backend the settings name.
pub async fn open(settings: &Settings) -> Result<Backend> {
    match settings.backend {
        BackendKind::Local => {
            let config = facectl_local::LocalConfig {
                data_dir: settings.data_dir.clone(),
                model_dir: Some(settings.model_dir.clone()),
                engine: settings.engine_config(),
            };
            Ok(facectl_local::open(config)?)
        }
        BackendKind::Aws => Ok(facectl_aws::open(aws_config(settings)?).await?),
    }
}

/// The backend plus the aws upload queue (`provision --trigger`, `watch` without a folder).
pub async fn open_with_uploads(settings: &Settings) -> Result<(Backend, Arc<dyn UploadQueue>)> {
    match settings.backend {
        BackendKind::Local => bail!(
            "the upload trigger is an aws backend feature (S3 notifications to SQS); \
             for the local backend, watch a folder: `facectl watch DIR`"
        ),
        BackendKind::Aws => {
            let cfg = aws_config(settings)?;
            let trigger = trigger_config(settings, &cfg)?;
            Ok(facectl_aws::open_with_uploads(cfg, trigger).await?)
        }
    }
}

/// The upload trigger's names from the resolved settings.
pub fn trigger_config(
    settings: &Settings,
    cfg: &facectl_aws::AwsConfig,
) -> Result<facectl_aws::upload_queue::TriggerConfig> {
    let a = &settings.aws;
    let upload_prefix = a
        .upload_prefix
        .clone()
        .unwrap_or_else(|| DEFAULT_UPLOAD_PREFIX.into());
    let own = &cfg.prefix;
    let overlaps =
        !own.is_empty() && (upload_prefix.starts_with(own) || own.starts_with(&upload_prefix));
    if upload_prefix.is_empty() || upload_prefix.starts_with('/') || overlaps {
        // facectl's own stored images must not announce themselves as new uploads.
        bail!(
            "upload prefix `{upload_prefix}` must be a folder like `uploads/`, not empty, not \
             starting with `/`, and apart from facectl's own images (`{own}`)"
        );
    }
    let queue = a
        .queue
        .clone()
        .unwrap_or_else(|| format!("{}-uploads", cfg.bucket));
    Ok(facectl_aws::upload_queue::TriggerConfig {
        bucket: cfg.bucket.clone(),
        upload_prefix,
        queue,
    })
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
