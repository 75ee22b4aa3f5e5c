//! The upload trigger: an SQS queue (with a dead-letter queue and a redrive policy) that the
//! bucket's `s3:ObjectCreated:*` notifications for the upload prefix are sent to, its
//! provisioning (`provision --trigger`, idempotent, `--dry-run`), and the [`UploadQueue`] port
//! `watch` reads it through. Provisioning is in [`provision`].

mod lambda_event;
mod provision;
pub use lambda_event::{parse_lambda_event, UploadEvent};
pub use provision::queue_policy;

use crate::error::{code_of, map_sdk_error, Call};
use aws_sdk_sqs::types::{MessageAttributeValue, MessageSystemAttributeName};
use facectl_core::model::ResourceStatus;
use facectl_core::ports::{BackendResult, QueuedUpload, UploadQueue, UploadSource, UploadedObject};
use facectl_core::BackendError;
use serde_json::Value;
use tokio::sync::OnceCell;

/// Id of facectl's notification rule in the bucket's notification configuration.
pub const NOTIFICATION_ID: &str = "facectl-uploads";
/// Receives after which the queue moves a message to the dead-letter queue.
pub const MAX_RECEIVES: u32 = 5;
/// How long a received message stays hidden from other receivers (extended while in work).
pub const VISIBILITY_SECS: u32 = 60;
/// Message attribute carrying why `watch` gave a message up.
pub const REASON_ATTRIBUTE: &str = "facectl-reason";

/// Names of the trigger's resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerConfig {
    pub bucket: String,
    /// Key prefix of uploads (`uploads/`).
    pub upload_prefix: String,
    pub queue: String,
}

impl TriggerConfig {
    /// The dead-letter queue's name.
    pub fn dead_letter_queue(&self) -> String {
        format!("{}-dlq", self.queue)
    }
}

/// The SQS side of the trigger plus the S3 reads of announced objects.
pub struct SqsUploadQueue {
    sqs: aws_sdk_sqs::Client,
    s3: aws_sdk_s3::Client,
    cfg: TriggerConfig,
    urls: OnceCell<(String, String)>,
}

impl SqsUploadQueue {
    pub fn new(sqs: aws_sdk_sqs::Client, s3: aws_sdk_s3::Client, cfg: TriggerConfig) -> Self {
        SqsUploadQueue {
            sqs,
            s3,
            cfg,
            urls: OnceCell::new(),
        }
    }

    async fn url_of(&self, name: &str) -> BackendResult<Option<String>> {
        match self.sqs.get_queue_url().queue_name(name).send().await {
            Ok(out) => Ok(out.queue_url().map(str::to_string)),
            // The JSON protocol's QueueDoesNotExist, or the query protocol's legacy code.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_queue_does_not_exist())
                    || code_of(&e) == Some("AWS.SimpleQueueService.NonExistentQueue") =>
            {
                Ok(None)
            }
            Err(e) => match map_sdk_error(e, &Call::new("sqs:GetQueueUrl", name)) {
                BackendError::NotFound(_) => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Main and dead-letter queue URLs (looked up once).
    async fn urls(&self) -> BackendResult<&(String, String)> {
        self.urls
            .get_or_try_init(|| async {
                let missing = |name: &str| {
                    BackendError::NotFound(format!(
                        "queue {name}: run `facectl provision --trigger` first"
                    ))
                };
                let main = self
                    .url_of(&self.cfg.queue)
                    .await?
                    .ok_or_else(|| missing(&self.cfg.queue))?;
                let dlq_name = self.cfg.dead_letter_queue();
                let dlq = self
                    .url_of(&dlq_name)
                    .await?
                    .ok_or_else(|| missing(&dlq_name))?;
                Ok((main, dlq))
            })
            .await
    }
}

/// Object keys of created objects under `prefix` in an S3 event notification body (keys
/// URL-decoded: `+` is a space). S3's test event and other events give none.
pub fn created_keys(body: &str, bucket: &str, prefix: &str) -> Vec<String> {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        return Vec::new();
    };
    let Some(records) = v.get("Records").and_then(Value::as_array) else {
        return Vec::new();
    };
    created_keys_of(records, bucket, prefix)
}

/// Object keys of created objects under `prefix` among S3 event records.
fn created_keys_of(records: &[Value], bucket: &str, prefix: &str) -> Vec<String> {
    records
        .iter()
        .filter(|r| {
            r.get("eventName")
                .and_then(Value::as_str)
                .is_some_and(|n| n.starts_with("ObjectCreated:"))
        })
        .filter(|r| r.pointer("/s3/bucket/name").and_then(Value::as_str) == Some(bucket))
        .filter_map(|r| r.pointer("/s3/object/key").and_then(Value::as_str))
        .map(url_decode_key)
        .filter(|k| k.starts_with(prefix) && !k.ends_with('/'))
        .collect()
}

/// S3 event keys are URL-encoded with `+` for spaces; a malformed escape is kept as it is.
fn url_decode_key(key: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16).map(|d| d as u8);
    let bytes = key.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[async_trait::async_trait]
impl UploadSource for SqsUploadQueue {
    async fn fetch(&self, key: &str, max_bytes: u64) -> BackendResult<UploadedObject> {
        let uri = format!("s3://{}/{key}", self.cfg.bucket);
        let out = self
            .s3
            .get_object()
            .bucket(&self.cfg.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("s3:GetObject", &uri)))?;
        // Refused from its length, before the body is read: an upload may be any size.
        let len = out.content_length().and_then(|n| u64::try_from(n).ok());
        if let Some(len) = len.filter(|n| *n > max_bytes) {
            return Err(BackendError::InvalidImage {
                origin: uri,
                reason: format!("object is {len} bytes, over the {max_bytes} byte limit"),
            });
        }
        let metadata = out
            .metadata()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| BackendError::Unavailable(format!("reading {uri}: {e}")))?
            .into_bytes()
            .to_vec();
        Ok(UploadedObject { bytes, metadata })
    }
}

#[async_trait::async_trait]
impl UploadQueue for SqsUploadQueue {
    fn location(&self) -> String {
        format!(
            "sqs:{} (s3://{}/{})",
            self.cfg.queue, self.cfg.bucket, self.cfg.upload_prefix
        )
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<Vec<ResourceStatus>> {
        self.provision_resources(dry_run).await
    }

    async fn receive(&self, max: u32, wait_secs: u32) -> BackendResult<Vec<QueuedUpload>> {
        let (url, _) = self.urls().await?;
        let out = self
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .wait_time_seconds(wait_secs.min(20) as i32)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("sqs:ReceiveMessage", &self.cfg.queue)))?;
        Ok(out
            .messages()
            .iter()
            .filter_map(|m| {
                let receipt = m.receipt_handle()?.to_string();
                let body = m.body().unwrap_or_default().to_string();
                let receives = m
                    .attributes()
                    .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                Some(QueuedUpload {
                    receipt,
                    keys: created_keys(&body, &self.cfg.bucket, &self.cfg.upload_prefix),
                    body,
                    receives,
                })
            })
            .collect())
    }

    async fn done(&self, msg: &QueuedUpload) -> BackendResult<()> {
        let (url, _) = self.urls().await?;
        self.sqs
            .delete_message()
            .queue_url(url)
            .receipt_handle(&msg.receipt)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("sqs:DeleteMessage", &self.cfg.queue)))?;
        Ok(())
    }

    async fn reject(&self, msg: &QueuedUpload, reason: &str) -> BackendResult<()> {
        let (_, dlq) = self.urls().await?;
        let dlq_name = self.cfg.dead_letter_queue();
        let attr = MessageAttributeValue::builder()
            .data_type("String")
            .string_value(reason)
            .build()
            .map_err(|e| BackendError::Other(format!("message attribute: {e}")))?;
        self.sqs
            .send_message()
            .queue_url(dlq)
            .message_body(&msg.body)
            .message_attributes(REASON_ATTRIBUTE, attr)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("sqs:SendMessage", &dlq_name)))?;
        self.done(msg).await
    }

    async fn extend(&self, msg: &QueuedUpload, secs: u32) -> BackendResult<()> {
        let (url, _) = self.urls().await?;
        self.sqs
            .change_message_visibility()
            .queue_url(url)
            .receipt_handle(&msg.receipt)
            .visibility_timeout(secs.min(43_200) as i32)
            .send()
            .await
            .map_err(|e| {
                map_sdk_error(
                    e,
                    &Call::new("sqs:ChangeMessageVisibility", &self.cfg.queue),
                )
            })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn created_keys_are_decoded_and_filtered() {
        let body = json!({"Records": [
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "uploads/Jane+Doe/a%2Bb.jpg"}}},
            {"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "uploads/x.jpg"}}},
            {"eventName": "ObjectCreated:Copy", "s3": {"bucket": {"name": "other"}, "object": {"key": "uploads/y.jpg"}}},
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "faces/z.jpg"}}},
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "uploads/folder/"}}}
        ]})
        .to_string();
        assert_eq!(
            created_keys(&body, "b", "uploads/"),
            vec!["uploads/Jane Doe/a+b.jpg"]
        );
        let test_event = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}"#;
        assert!(created_keys(test_event, "b", "uploads/").is_empty());
        assert!(created_keys("not json", "b", "uploads/").is_empty());
        assert_eq!(url_decode_key("a%zz%4"), "a%zz%4");
        assert_eq!(url_decode_key("%C3%A9t%C3%A9"), "été");
    }
}
