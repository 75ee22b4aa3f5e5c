//! facectl's aws backend: images in an S3 bucket, faces in a Rekognition collection, persons and
//! image records in a DynamoDB table, behind the same ports as the local backend.
//!
//! [`open`] builds the three SDK clients from the standard AWS configuration chain (profile,
//! region, credentials, `AWS_*` environment variables) plus the overrides in [`AwsConfig`]. It does
//! no network I/O: each port reports [`BackendError::NotProvisioned`] until `provision` has run.
//! No SDK type crosses the ports; SDK errors are mapped in [`error`].
//!
//! [`open_with_uploads`] adds the upload trigger's queue ([`upload_queue`]) for `watch`.
//!
//! The DynamoDB item layout is described in `docs/aws.md` and in [`table`].

pub mod collection;
pub mod error;
pub mod iam;
pub mod image_store;
pub mod imageprep;
pub mod ratelimit;
pub mod table;
pub mod upload_queue;

pub use collection::RekognitionCollection;
pub use iam::iam_policy;
pub use image_store::S3ImageStore;
pub use table::DynamoTable;

use aws_config::{BehaviorVersion, Region};
use facectl_core::ports::UploadQueue;
use facectl_core::{Backend, BackendError};
use ratelimit::RateLimiter;
use std::sync::Arc;

/// Default key prefix of stored images.
pub const DEFAULT_PREFIX: &str = "faces/";
/// Default client-side rate limit for Rekognition calls (transactions per second).
pub const DEFAULT_TPS: f64 = 5.0;

/// How facectl's items map onto the DynamoDB table (configurable to adopt an existing table).
#[derive(Clone, Debug, PartialEq)]
pub struct TableSchema {
    /// Name of the table's partition (hash) key attribute, a string: `FaceId`, `faceId`,
    /// `RekognitionId`...
    pub hash_key: String,
    /// Attribute(s) holding the person's name. One attribute holds the full name; two or more
    /// hold its parts (first, last...) joined with spaces for display.
    pub name_attrs: Vec<String>,
    /// GSI over the person id attribute.
    pub person_index: String,
    /// GSI over the image hash attribute.
    pub image_index: String,
    /// GSI over the lower-cased name attribute.
    pub name_index: String,
}

impl Default for TableSchema {
    fn default() -> Self {
        TableSchema {
            hash_key: "FaceId".into(),
            name_attrs: vec!["FullName".into()],
            person_index: "person_id-index".into(),
            image_index: "image_hash-index".into(),
            name_index: "name_lower-index".into(),
        }
    }
}

/// Settings of the aws backend. Unset options fall back to the AWS configuration chain.
#[derive(Clone, Debug, PartialEq)]
pub struct AwsConfig {
    /// Named profile (`--profile`, else `AWS_PROFILE`).
    pub profile: Option<String>,
    /// Region (`--region`, else `AWS_REGION` / profile).
    pub region: Option<String>,
    /// Endpoint for every service (`--endpoint-url`, else `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// Per-service endpoint overrides (else `AWS_ENDPOINT_URL_S3` and friends).
    pub s3_endpoint: Option<String>,
    pub rekognition_endpoint: Option<String>,
    pub dynamodb_endpoint: Option<String>,
    pub bucket: String,
    /// Key prefix of stored images (`faces/`); empty for the bucket root.
    pub prefix: String,
    pub collection: String,
    pub table: String,
    pub schema: TableSchema,
    /// Client-side limit on Rekognition calls per second, shared by all of them.
    pub tps: f64,
    /// Path-style S3 addressing (`http://host/bucket/key`), for S3-compatible servers.
    pub force_path_style: bool,
}

impl AwsConfig {
    /// Defaults for the given resource names.
    pub fn new(
        bucket: impl Into<String>,
        collection: impl Into<String>,
        table: impl Into<String>,
    ) -> Self {
        AwsConfig {
            profile: None,
            region: None,
            endpoint_url: None,
            s3_endpoint: None,
            rekognition_endpoint: None,
            dynamodb_endpoint: None,
            bucket: bucket.into(),
            prefix: DEFAULT_PREFIX.into(),
            collection: collection.into(),
            table: table.into(),
            schema: TableSchema::default(),
            tps: DEFAULT_TPS,
            force_path_style: false,
        }
    }

    /// Checks names and numbers before any client is built.
    pub fn validate(&self) -> Result<(), BackendError> {
        let bad = |why: String| Err(BackendError::Other(why));
        if self.bucket.is_empty() || self.collection.is_empty() || self.table.is_empty() {
            return bad("the aws backend needs a bucket, a collection and a table name".into());
        }
        if !(self.tps.is_finite() && self.tps > 0.0) {
            return bad(format!("--tps must be a positive number, got {}", self.tps));
        }
        if self.schema.hash_key.is_empty() || self.schema.name_attrs.is_empty() {
            return bad("the table schema needs a hash key and at least one name attribute".into());
        }
        if self.prefix.starts_with('/') {
            return bad(format!(
                "key prefix `{}` must not start with `/`",
                self.prefix
            ));
        }
        Ok(())
    }
}

/// The SDK clients the backend uses.
#[derive(Clone, Debug)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub rekognition: aws_sdk_rekognition::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// For the upload trigger (`provision --trigger`, `watch`).
    pub sqs: aws_sdk_sqs::Client,
    /// Region the clients use (for CreateBucket's location constraint).
    pub region: String,
}

/// Builds the SDK clients from the AWS configuration chain and `cfg`'s overrides.
pub async fn clients(cfg: &AwsConfig) -> Result<Clients, BackendError> {
    clients_from_loader(cfg, aws_config::defaults(BehaviorVersion::latest())).await
}

/// Like [`clients`], starting from a given loader (e.g. with test credentials or an HTTP client).
pub async fn clients_from_loader(
    cfg: &AwsConfig,
    mut loader: aws_config::ConfigLoader,
) -> Result<Clients, BackendError> {
    cfg.validate()?;
    if let Some(profile) = &cfg.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &cfg.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &cfg.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let shared = loader.load().await;
    let region = match shared.region() {
        Some(r) => r.to_string(),
        None => {
            return Err(BackendError::Credentials(
                "no AWS region: use --region, set AWS_REGION, or set a region in the profile"
                    .into(),
            ))
        }
    };
    let mut s3 = aws_sdk_s3::config::Builder::from(&shared).force_path_style(cfg.force_path_style);
    if let Some(url) = &cfg.s3_endpoint {
        s3 = s3.endpoint_url(url);
    }
    let mut rek = aws_sdk_rekognition::config::Builder::from(&shared);
    if let Some(url) = &cfg.rekognition_endpoint {
        rek = rek.endpoint_url(url);
    }
    let mut ddb = aws_sdk_dynamodb::config::Builder::from(&shared);
    if let Some(url) = &cfg.dynamodb_endpoint {
        ddb = ddb.endpoint_url(url);
    }
    Ok(Clients {
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        rekognition: aws_sdk_rekognition::Client::from_conf(rek.build()),
        dynamodb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
        sqs: aws_sdk_sqs::Client::new(&shared),
        region,
    })
}

/// The aws backend for `cfg`: S3 + Rekognition + DynamoDB. Does no network I/O.
pub async fn open(cfg: AwsConfig) -> Result<Backend, BackendError> {
    let clients = clients(&cfg).await?;
    from_clients(&cfg, clients)
}

/// The aws backend and its upload queue (`provision --trigger`, `watch`). Does no network I/O.
pub async fn open_with_uploads(
    cfg: AwsConfig,
    trigger: upload_queue::TriggerConfig,
) -> Result<(Backend, Arc<dyn UploadQueue>), BackendError> {
    let clients = clients(&cfg).await?;
    let queue = upload_queue::SqsUploadQueue::new(clients.sqs.clone(), clients.s3.clone(), trigger);
    Ok((from_clients(&cfg, clients)?, Arc::new(queue)))
}

/// The aws backend over clients built elsewhere (tests, custom HTTP clients).
pub fn from_clients(cfg: &AwsConfig, clients: Clients) -> Result<Backend, BackendError> {
    cfg.validate()?;
    let limiter = Arc::new(RateLimiter::new(cfg.tps));
    tracing::debug!(
        bucket = %cfg.bucket, prefix = %cfg.prefix, collection = %cfg.collection,
        table = %cfg.table, region = %clients.region, tps = cfg.tps, "opened aws backend"
    );
    Ok(Backend {
        kind: "aws".into(),
        images: Arc::new(S3ImageStore::new(
            clients.s3,
            &cfg.bucket,
            &cfg.prefix,
            &clients.region,
        )),
        collection: Arc::new(RekognitionCollection::new(
            clients.rekognition,
            &cfg.collection,
            &cfg.bucket,
            &cfg.prefix,
            limiter,
        )),
        table: Arc::new(DynamoTable::new(
            clients.dynamodb,
            &cfg.table,
            &cfg.bucket,
            cfg.schema.clone(),
        )),
    })
}
