//! `provision --trigger`: the dead-letter queue, the upload queue (redrive, a policy for exactly
//! this bucket) and the bucket's notification rule, created when missing and kept in line.

use super::{SqsUploadQueue, MAX_RECEIVES, NOTIFICATION_ID, VISIBILITY_SECS};
use crate::error::{map_sdk_error, Call};
use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, NotificationConfiguration, NotificationConfigurationFilter,
    QueueConfiguration, S3KeyFilter,
};
use aws_sdk_sqs::types::QueueAttributeName;
use facectl_core::model::{ResourceState, ResourceStatus};
use facectl_core::ports::BackendResult;
use facectl_core::BackendError;
use serde_json::{json, Value};

impl SqsUploadQueue {
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
    pub(super) async fn provision_resources(
        &self,
        dry_run: bool,
    ) -> BackendResult<Vec<ResourceStatus>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
