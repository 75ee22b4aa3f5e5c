//! The image store port over an S3 bucket: keys live under the configured prefix.
//!
//! Objects carry their content type and user metadata `person-name` (percent-encoded, as S3
//! metadata must be ASCII) and `content-sha256`. `provision` creates the bucket with a location
//! constraint outside us-east-1, turns Block Public Access on and sets default encryption (SSE-S3).

use crate::error::{code_of, map_sdk_error, Call};
use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use aws_sdk_s3::Client;
use facectl_core::model::{ObjectMeta, ResourceState, ResourceStatus, StoreUsage};
use facectl_core::ports::{BackendResult, ImageStore};
use facectl_core::BackendError;

/// Metadata key holding the person's name (percent-encoded UTF-8).
pub const META_PERSON_NAME: &str = "person-name";
/// Metadata key holding the SHA-256 of the bytes.
pub const META_CONTENT_SHA256: &str = "content-sha256";
/// The person's name as the Rekognition tutorials' `putimages.py` stores it (`FullName`).
pub const META_TUTORIAL_NAME: &str = "fullname";

/// Images in `s3://bucket/prefix`.
pub struct S3ImageStore {
    client: Client,
    bucket: String,
    prefix: String,
    region: String,
}

impl S3ImageStore {
    pub fn new(client: Client, bucket: &str, prefix: &str, region: &str) -> Self {
        S3ImageStore {
            client,
            bucket: bucket.into(),
            prefix: prefix.into(),
            region: region.into(),
        }
    }

    /// The S3 key of an image-store key.
    pub fn object_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn uri(&self, key: &str) -> String {
        format!("s3://{}/{}", self.bucket, self.object_key(key))
    }

    fn bucket_uri(&self) -> String {
        format!("s3://{}", self.bucket)
    }

    /// Every object under the prefix: (image-store key, size).
    async fn list(&self) -> BackendResult<Vec<(String, u64)>> {
        let uri = format!("s3://{}/{}", self.bucket, self.prefix);
        let call = Call::new("s3:ListBucket", &uri);
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&self.prefix)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| map_sdk_error(e, &call))?;
            for obj in page.contents() {
                let Some(key) = obj.key() else { continue };
                let Some(rel) = key.strip_prefix(&self.prefix) else {
                    continue;
                };
                if rel.is_empty() || rel.ends_with('/') {
                    continue;
                }
                out.push((rel.to_string(), obj.size().unwrap_or(0).max(0) as u64));
            }
        }
        out.sort();
        Ok(out)
    }

    async fn bucket_exists(&self) -> BackendResult<bool> {
        let uri = self.bucket_uri();
        match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error().is_some_and(|s| s.is_not_found())
                    || code_of(&e) == Some("NoSuchBucket")
                    || e.raw_response().is_some_and(|r| r.status().as_u16() == 404) =>
            {
                Ok(false)
            }
            Err(e) => Err(map_sdk_error(e, &Call::new("s3:ListBucket", &uri))),
        }
    }

    async fn create_bucket(&self) -> BackendResult<ResourceState> {
        let uri = self.bucket_uri();
        let mut req = self.client.create_bucket().bucket(&self.bucket);
        if self.region != "us-east-1" {
            req = req.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(self.region.as_str()))
                    .build(),
            );
        }
        match req.send().await {
            Ok(_) => {}
            Err(e) if code_of(&e) == Some("BucketAlreadyOwnedByYou") => {
                return Ok(ResourceState::Existed)
            }
            Err(e) if code_of(&e) == Some("BucketAlreadyExists") => {
                return Err(BackendError::Conflict(format!(
                    "bucket name `{}` is taken by another AWS account; choose another --bucket",
                    self.bucket
                )))
            }
            Err(e) => return Err(map_sdk_error(e, &Call::new("s3:CreateBucket", &uri))),
        }
        self.client
            .put_public_access_block()
            .bucket(&self.bucket)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("s3:PutBucketPublicAccessBlock", &uri)))?;
        let rule = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .map_err(|e| BackendError::Other(format!("encryption settings: {e}")))?;
        let config = ServerSideEncryptionConfiguration::builder()
            .rules(
                ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(rule)
                    .build(),
            )
            .build()
            .map_err(|e| BackendError::Other(format!("encryption settings: {e}")))?;
        self.client
            .put_bucket_encryption()
            .bucket(&self.bucket)
            .server_side_encryption_configuration(config)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("s3:PutEncryptionConfiguration", &uri)))?;
        tracing::info!(bucket = %self.bucket, region = %self.region, "created bucket");
        Ok(ResourceState::Created)
    }
}

/// Percent-encodes everything but printable ASCII (and `%` itself), for S3 user metadata.
pub fn encode_meta(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if (0x20..0x7f).contains(&b) && b != b'%' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Inverse of [`encode_meta`].
pub fn decode_meta(value: &str) -> String {
    let raw = value.as_bytes();
    let mut bytes = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' {
            if let Some(b) = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[async_trait]
impl ImageStore for S3ImageStore {
    fn location(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        let state = if self.bucket_exists().await? {
            ResourceState::Existed
        } else if dry_run {
            ResourceState::WouldCreate
        } else {
            self.create_bucket().await?
        };
        Ok(ResourceStatus {
            kind: "image store".into(),
            name: self.location(),
            state,
            detail: match state {
                ResourceState::Existed => None,
                _ => Some(format!(
                    "region {}, Block Public Access on, default encryption SSE-S3",
                    self.region
                )),
            },
        })
    }

    async fn put(&self, key: &str, bytes: &[u8], meta: &ObjectMeta) -> BackendResult<()> {
        let uri = self.uri(key);
        let mut req = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .body(ByteStream::from(bytes.to_vec()));
        if !meta.content_type.is_empty() {
            req = req.content_type(&meta.content_type);
        }
        if !meta.person_name.is_empty() {
            req = req.metadata(META_PERSON_NAME, encode_meta(&meta.person_name));
        }
        if !meta.image_hash.is_empty() {
            req = req.metadata(META_CONTENT_SHA256, &meta.image_hash);
        }
        req.send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("s3:PutObject", &uri)))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> BackendResult<Vec<u8>> {
        let uri = self.uri(key);
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .send()
            .await
            .map_err(
                |e| match map_sdk_error(e, &Call::new("s3:GetObject", &uri)) {
                    BackendError::NotFound(_) => BackendError::NotFound(format!("image {uri}")),
                    other => other,
                },
            )?;
        let body = out
            .body
            .collect()
            .await
            .map_err(|e| BackendError::Unavailable(format!("reading {uri}: {e}")))?;
        Ok(body.into_bytes().to_vec())
    }

    async fn object_meta(&self, key: &str) -> BackendResult<Option<ObjectMeta>> {
        let uri = self.uri(key);
        let head = match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .send()
            .await
        {
            Ok(h) => h,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => return Ok(None),
            Err(e) => {
                return match map_sdk_error(e, &Call::new("s3:GetObject", &uri)) {
                    BackendError::NotFound(_) => Ok(None),
                    other => Err(other),
                }
            }
        };
        let meta = head.metadata();
        // S3 lower-cases user metadata keys: the tutorials' putimages.py writes `FullName`.
        let get = |k: &str| {
            meta.and_then(|m| {
                m.iter()
                    .find(|(mk, _)| mk.eq_ignore_ascii_case(k))
                    .map(|(_, v)| v.clone())
            })
        };
        Ok(Some(ObjectMeta {
            content_type: head.content_type().unwrap_or_default().to_string(),
            image_hash: get(META_CONTENT_SHA256).unwrap_or_default(),
            person_name: get(META_PERSON_NAME)
                .map(|v| decode_meta(&v))
                .or_else(|| get(META_TUTORIAL_NAME))
                .unwrap_or_default(),
        }))
    }

    async fn exists(&self, key: &str) -> BackendResult<bool> {
        Ok(self.object_meta(key).await?.is_some())
    }

    async fn delete(&self, key: &str) -> BackendResult<bool> {
        // S3 deletes are idempotent and do not say whether something was there: ask first.
        if !self.exists(key).await? {
            return Ok(false);
        }
        let uri = self.uri(key);
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.object_key(key))
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("s3:DeleteObject", &uri)))?;
        Ok(true)
    }

    async fn list_keys(&self) -> BackendResult<Vec<String>> {
        Ok(self.list().await?.into_iter().map(|(k, _)| k).collect())
    }

    async fn usage(&self) -> BackendResult<StoreUsage> {
        let objects = self.list().await?;
        Ok(StoreUsage {
            objects: objects.len() as u64,
            bytes: objects.iter().map(|(_, size)| size).sum(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_round_trips_non_ascii() {
        for name in ["Jane Doe", "José Müller", "100% Ünicode 李", "%zz"] {
            let enc = encode_meta(name);
            assert!(enc.bytes().all(|b| (0x20..0x7f).contains(&b)), "{enc}");
            assert_eq!(decode_meta(&enc), name);
        }
        assert_eq!(encode_meta("José"), "Jos%C3%A9");
    }
}
