//! The `Image` request member: base64 `Bytes` or an `S3Object` fetched from the configured
//! S3-compatible endpoint, checked against Rekognition's limits, then decoded by the engine.

use crate::error::RekError;
use crate::params::Params;
use facectl_engine::{DecodeLimits, DecodedImage, ImageError};

/// Largest `Image.Bytes` Rekognition accepts (after base64 decoding).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Largest S3 object Rekognition accepts.
pub const MAX_S3_BYTES: u64 = 15 * 1024 * 1024;

/// Where `Image.S3Object` images come from.
#[derive(Clone, Debug)]
pub struct S3Source {
    client: aws_sdk_s3::Client,
}

impl S3Source {
    /// A client from the AWS configuration chain, with an optional endpoint (path-style
    /// addressing, for S3-compatible servers) and region.
    pub async fn new(
        endpoint: Option<&str>,
        region: Option<&str>,
        credentials: Option<(String, String)>,
    ) -> S3Source {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some((key, secret)) = credentials {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                key,
                secret,
                None,
                None,
                "facectl-serve",
            ));
        }
        if let Some(r) = region {
            loader = loader.region(aws_config::Region::new(r.to_string()));
        }
        let shared = loader.load().await;
        let mut b = aws_sdk_s3::config::Builder::from(&shared);
        if shared.region().is_none() {
            b = b.region(aws_config::Region::new("us-east-1"));
        }
        if let Some(url) = endpoint {
            b = b.endpoint_url(url).force_path_style(true);
        }
        S3Source {
            client: aws_sdk_s3::Client::from_conf(b.build()),
        }
    }

    async fn fetch(
        &self,
        bucket: &str,
        key: &str,
        version: Option<&str>,
    ) -> Result<Vec<u8>, RekError> {
        let unable = |why: String| {
            RekError::invalid_s3_object(format!(
                "Unable to get object metadata from S3. Check object key, region and/or access permissions. (s3://{bucket}/{key}: {why})"
            ))
        };
        let mut req = self.client.get_object().bucket(bucket).key(key);
        if let Some(v) = version {
            req = req.version_id(v);
        }
        let out = req.send().await.map_err(|e| {
            use std::error::Error;
            let mut msg = e.to_string();
            let mut src = e.source();
            while let Some(s) = src {
                msg = format!("{msg}: {s}");
                src = s.source();
            }
            unable(msg)
        })?;
        if out
            .content_length()
            .is_some_and(|n| n as u64 > MAX_S3_BYTES)
        {
            return Err(RekError::image_too_large(format!(
                "Image size is too large: s3://{bucket}/{key} is over {MAX_S3_BYTES} bytes"
            )));
        }
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| unable(e.to_string()))?
            .into_bytes();
        if bytes.len() as u64 > MAX_S3_BYTES {
            return Err(RekError::image_too_large(format!(
                "Image size is too large: s3://{bucket}/{key} is over {MAX_S3_BYTES} bytes"
            )));
        }
        Ok(bytes.to_vec())
    }
}

/// Raw image bytes and a name for messages.
pub struct RawImage {
    pub bytes: Vec<u8>,
    pub origin: String,
}

/// Reads the `name` member (an `Image` structure).
pub async fn read(
    params: &Params<'_>,
    name: &str,
    s3: Option<&S3Source>,
) -> Result<RawImage, RekError> {
    let image = params.object(name)?;
    let bytes = image.opt_str("Bytes")?;
    let s3obj = image.opt_object("S3Object")?;
    let raw = match (bytes, s3obj) {
        (Some(b64), None) => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| {
                    RekError::serialization(format!("{name}.Bytes is not valid base64: {e}"))
                })?;
            if bytes.len() > MAX_BYTES {
                return Err(RekError::image_too_large(format!(
                    "Image size is too large: {} bytes (the limit for {name}.Bytes is {MAX_BYTES}; use S3Object for up to 15 MB)",
                    bytes.len()
                )));
            }
            RawImage {
                bytes,
                origin: format!("{name}.Bytes"),
            }
        }
        (None, Some(o)) => {
            let bucket = o.pattern("Bucket", 3, 255, |c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
            })?;
            let key = o.str("Name")?;
            if key.is_empty() || key.len() > 1024 {
                return Err(RekError::invalid_parameter(format!(
                    "{name}.S3Object.Name must be 1-1024 characters"
                )));
            }
            let version = o.opt_str("Version")?;
            let s3 = s3.ok_or_else(|| {
                RekError::invalid_s3_object(
                    "Unable to get object metadata from S3: this endpoint has no S3 source configured (start it with --s3-endpoint-url)",
                )
            })?;
            RawImage {
                bytes: s3.fetch(bucket, key, version).await?,
                origin: format!("s3://{bucket}/{key}"),
            }
        }
        (Some(_), Some(_)) => {
            return Err(RekError::invalid_parameter(format!(
                "{name} must have either Bytes or S3Object, not both"
            )))
        }
        (None, None) => {
            return Err(RekError::invalid_parameter(format!(
                "{name} must have Bytes or S3Object"
            )))
        }
    };
    if raw.bytes.is_empty() {
        return Err(RekError::invalid_parameter(format!(
            "{}: image is empty (0 bytes)",
            raw.origin
        )));
    }
    Ok(raw)
}

/// Decodes an image the way Rekognition accepts it: JPEG or PNG only (by content), EXIF
/// orientation applied (boxes are relative to the upright image).
pub fn decode(raw: &RawImage, limits: &DecodeLimits) -> Result<DecodedImage, RekError> {
    let b = &raw.bytes;
    let jpeg = b.starts_with(&[0xFF, 0xD8, 0xFF]);
    let png = b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]);
    if !jpeg && !png {
        return Err(RekError::invalid_image_format(format!(
            "Request has invalid image format: {} is not a JPEG or PNG image",
            raw.origin
        )));
    }
    facectl_engine::decode_image(b, &raw.origin, limits).map_err(|e| match e {
        ImageError::TooLarge { .. } => {
            RekError::image_too_large(format!("Image size is too large: {e}"))
        }
        other => {
            RekError::invalid_image_format(format!("Request has invalid image format: {other}"))
        }
    })
}
