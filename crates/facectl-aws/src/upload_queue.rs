//! The upload trigger: an SQS queue (with a dead-letter queue and a redrive policy) that the
//! bucket's `s3:ObjectCreated:*` notifications for the upload prefix are sent to, its
//! provisioning (`provision --trigger`, idempotent, `--dry-run`), and the [`UploadQueue`] port
//! `watch` reads it through.

use crate::error::{code_of, map_sdk_error, Call};
use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, NotificationConfiguration, NotificationConfigurationFilter,
    QueueConfiguration, S3KeyFilter,
};
use aws_sdk_sqs::types::{MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use facectl_core::model::{ResourceState, ResourceStatus};
use facectl_core::ports::{BackendResult, QueuedUpload, UploadQueue, UploadedObject};
use facectl_core::BackendError;
use serde_json::{json, Value};
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

    async fn arn_of(&self, url: &str, name: &str) -> BackendResult<String> {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("sqs:GetQueueAttributes", name)))?;
        out.attributes()
            .and_then(|a| a.get(&QueueAttributeName::QueueArn))
            .cloned()
            .ok_or_else(|| BackendError::Other(format!("queue {name}: no QueueArn attribute")))
    }

    async fn create(
        &self,
        name: &str,
        attrs: &[(QueueAttributeName, String)],
    ) -> BackendResult<String> {
        let mut req = self.sqs.create_queue().queue_name(name);
        for (k, v) in attrs {
            req = req.attributes(k.clone(), v);
        }
        let out = req
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("sqs:CreateQueue", name)))?;
        out.queue_url()
            .map(str::to_string)
            .ok_or_else(|| BackendError::Other(format!("queue {name}: CreateQueue gave no URL")))
    }

    /// Creates what is missing: the dead-letter queue, the queue (redrive to it after
    /// [`MAX_RECEIVES`], a policy letting exactly this bucket send), and the bucket's
    /// notification rule [`NOTIFICATION_ID`] for the upload prefix (other rules are kept).
    async fn provision_resources(&self, dry_run: bool) -> BackendResult<Vec<ResourceStatus>> {
        let c = &self.cfg;
        let dlq_name = c.dead_letter_queue();
        let status = |kind: &str, name: &str, state, detail: Option<String>| ResourceStatus {
            kind: kind.into(),
            name: name.into(),
            state,
            detail,
        };
        let mut out = Vec::new();
        let dlq_url = match self.url_of(&dlq_name).await? {
            Some(u) => {
                out.push(status(
                    "dead-letter queue",
                    &dlq_name,
                    ResourceState::Existed,
                    None,
                ));
                Some(u)
            }
            None if dry_run => {
                out.push(status(
                    "dead-letter queue",
                    &dlq_name,
                    ResourceState::WouldCreate,
                    Some("messages kept 14 days".into()),
                ));
                None
            }
            None => {
                let u = self
                    .create(
                        &dlq_name,
                        &[(QueueAttributeName::MessageRetentionPeriod, "1209600".into())],
                    )
                    .await?;
                out.push(status(
                    "dead-letter queue",
                    &dlq_name,
                    ResourceState::Created,
                    Some("messages kept 14 days".into()),
                ));
                Some(u)
            }
        };
        let bucket_arn = format!("arn:aws:s3:::{}", c.bucket);
        let detail = format!(
            "s3:ObjectCreated:* under s3://{}/{}, dead-letter queue after {MAX_RECEIVES} receives",
            c.bucket, c.upload_prefix
        );
        let main_url = self.url_of(&c.queue).await?;
        let (queue_state, main_url) = match (main_url, dlq_url) {
            (Some(u), _) => (ResourceState::Existed, Some(u)),
            (None, None) => (ResourceState::WouldCreate, None),
            (None, Some(_)) if dry_run => (ResourceState::WouldCreate, None),
            (None, Some(_)) => (
                ResourceState::Created,
                Some(
                    self.create(
                        &c.queue,
                        &[(
                            QueueAttributeName::VisibilityTimeout,
                            VISIBILITY_SECS.to_string(),
                        )],
                    )
                    .await?,
                ),
            ),
        };
        if let (Some(main), false) = (&main_url, dry_run) {
            // Policy and redrive are set every time, so a queue made by hand is brought in line.
            let dlq = self.urls_after_provision().await?;
            let dlq_arn = self.arn_of(&dlq.1, &dlq_name).await?;
            let arn = self.arn_of(main, &c.queue).await?;
            let policy = queue_policy(&arn, &bucket_arn);
            let redrive = json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES});
            self.sqs
                .set_queue_attributes()
                .queue_url(main)
                .attributes(QueueAttributeName::Policy, policy.to_string())
                .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
                .send()
                .await
                .map_err(|e| map_sdk_error(e, &Call::new("sqs:SetQueueAttributes", &c.queue)))?;
            out.push(status("upload queue", &c.queue, queue_state, Some(detail)));
            out.push(self.provision_notification(&arn, false).await?);
        } else {
            out.push(status("upload queue", &c.queue, queue_state, Some(detail)));
            let arn = match &main_url {
                Some(u) => Some(self.arn_of(u, &c.queue).await?),
                None => None,
            };
            out.push(match arn {
                Some(arn) => self.provision_notification(&arn, true).await?,
                None => status(
                    "bucket notification",
                    &format!("s3://{}/{}", c.bucket, c.upload_prefix),
                    ResourceState::WouldCreate,
                    Some(format!("rule {NOTIFICATION_ID} -> {}", c.queue)),
                ),
            });
        }
        Ok(out)
    }

    async fn urls_after_provision(&self) -> BackendResult<(String, String)> {
        let missing = || BackendError::Other("queue vanished while provisioning".into());
        let main = self.url_of(&self.cfg.queue).await?.ok_or_else(missing)?;
        let dlq = self
            .url_of(&self.cfg.dead_letter_queue())
            .await?
            .ok_or_else(missing)?;
        Ok((main, dlq))
    }

    /// Adds or updates the rule [`NOTIFICATION_ID`]; the bucket's other rules are kept.
    async fn provision_notification(
        &self,
        queue_arn: &str,
        dry_run: bool,
    ) -> BackendResult<ResourceStatus> {
        let c = &self.cfg;
        let name = format!("s3://{}/{}", c.bucket, c.upload_prefix);
        let call = Call::new("s3:GetBucketNotificationConfiguration", &c.bucket);
        let current = match self
            .s3
            .get_bucket_notification_configuration()
            .bucket(&c.bucket)
            .send()
            .await
        {
            Ok(out) => out,
            // Some S3-compatible servers (moto) answer a bucket without rules with an empty
            // `<GetBucketNotificationResponse/>`, which the SDK cannot parse; nothing to keep.
            Err(e) if is_empty_notification_answer(&e) => {
                aws_sdk_s3::operation::get_bucket_notification_configuration::GetBucketNotificationConfigurationOutput::builder().build()
            }
            Err(e) => return Err(map_sdk_error(e, &call)),
        };
        let wanted = QueueConfiguration::builder()
            .id(NOTIFICATION_ID)
            .queue_arn(queue_arn)
            .events(Event::S3ObjectCreated)
            .filter(
                NotificationConfigurationFilter::builder()
                    .key(
                        S3KeyFilter::builder()
                            .filter_rules(
                                FilterRule::builder()
                                    .name(FilterRuleName::Prefix)
                                    .value(&c.upload_prefix)
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build()
            .map_err(|e| BackendError::Other(format!("notification rule: {e}")))?;
        let mut queues: Vec<QueueConfiguration> = current.queue_configurations().to_vec();
        let existing = queues.iter().position(|q| q.id() == Some(NOTIFICATION_ID));
        let same = existing.is_some_and(|i| same_rule(&queues[i], &wanted));
        let state = match (existing, same) {
            (Some(_), true) => ResourceState::Existed,
            _ if dry_run => ResourceState::WouldCreate,
            (Some(_), false) | (None, _) => ResourceState::Created,
        };
        if state == ResourceState::Created {
            queues.retain(|q| q.id() != Some(NOTIFICATION_ID));
            queues.push(wanted);
            let config = NotificationConfiguration::builder()
                .set_queue_configurations(Some(queues))
                .set_topic_configurations(Some(current.topic_configurations().to_vec()))
                .set_lambda_function_configurations(Some(
                    current.lambda_function_configurations().to_vec(),
                ))
                .set_event_bridge_configuration(current.event_bridge_configuration().cloned())
                .build();
            self.s3
                .put_bucket_notification_configuration()
                .bucket(&c.bucket)
                .notification_configuration(config)
                .send()
                .await
                .map_err(|e| {
                    map_sdk_error(
                        e,
                        &Call::new("s3:PutBucketNotificationConfiguration", &c.bucket),
                    )
                })?;
        }
        Ok(ResourceStatus {
            kind: "bucket notification".into(),
            name,
            state,
            detail: Some(format!("rule {NOTIFICATION_ID} -> {}", c.queue)),
        })
    }
}

/// An unparseable answer whose body is only an empty `GetBucketNotificationResponse` element.
fn is_empty_notification_answer<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    let Some(body) = e.raw_response().and_then(|r| r.body().bytes()) else {
        return false;
    };
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let text = match text.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or("", |(_, r)| r.trim()),
        None => text,
    };
    text.starts_with("<GetBucketNotificationResponse")
        && text.ends_with("/>")
        && text.matches('<').count() == 1
}

/// Same queue, events and prefix.
fn same_rule(a: &QueueConfiguration, b: &QueueConfiguration) -> bool {
    let prefix = |q: &QueueConfiguration| {
        q.filter()
            .and_then(|f| f.key())
            .map(|k| {
                k.filter_rules()
                    .iter()
                    .filter(|r| r.name() == Some(&FilterRuleName::Prefix))
                    .filter_map(|r| r.value().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    a.queue_arn() == b.queue_arn() && a.events() == b.events() && prefix(a) == prefix(b)
}

/// Lets exactly `bucket_arn` send to the queue (S3 event notifications).
pub fn queue_policy(queue_arn: &str, bucket_arn: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "FacectlBucketNotifications",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": bucket_arn}}
        }]
    })
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

    async fn fetch(&self, key: &str) -> BackendResult<UploadedObject> {
        let uri = format!("s3://{}/{key}", self.cfg.bucket);
        let out = self
            .s3
            .get_object()
            .bucket(&self.cfg.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new("s3:GetObject", &uri)))?;
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

    #[test]
    fn the_queue_policy_names_exactly_the_bucket() {
        let p = queue_policy("arn:aws:sqs:r:1:q", "arn:aws:s3:::b");
        let s = &p["Statement"][0];
        assert_eq!(s["Action"], "sqs:SendMessage");
        assert_eq!(s["Resource"], "arn:aws:sqs:r:1:q");
        assert_eq!(
            s["Condition"]["ArnEquals"]["aws:SourceArn"],
            "arn:aws:s3:::b"
        );
    }
}
