//! The events a facectl Lambda function is invoked with: S3 event notifications straight from
//! the bucket (the tutorials' layout), or batches of the upload queue's messages (an SQS event
//! source mapping on the queue `provision --trigger` makes), each carrying such a notification.

use super::{created_keys, created_keys_of, TriggerConfig};
use facectl_core::ports::QueuedUpload;
use serde_json::Value;

/// What an invocation announces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadEvent {
    /// Straight from the bucket: the created objects' keys under the upload prefix (none for
    /// S3's test event).
    Bucket(Vec<String>),
    /// From the upload queue: each message by its id, as `watch` would have received it.
    Queue(Vec<(String, QueuedUpload)>),
}

/// Reads an invocation's payload. Records for another bucket or outside the upload prefix
/// announce nothing; a batch from a queue other than the configured one is an error (its
/// rejections would go to the wrong dead-letter queue), as is a payload of neither kind.
pub fn parse_lambda_event(payload: &Value, cfg: &TriggerConfig) -> Result<UploadEvent, String> {
    if payload.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        return Ok(UploadEvent::Bucket(Vec::new()));
    }
    let Some(records) = payload.get("Records").and_then(Value::as_array) else {
        return Err(
            "not an S3 event notification or an SQS batch (no \"Records\" list)".to_string(),
        );
    };
    let source = |r: &Value| {
        r.get("eventSource")
            .or_else(|| r.get("EventSource"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let sources: Vec<String> = records.iter().map(source).collect();
    if sources.iter().all(|s| s == "aws:s3") {
        return Ok(UploadEvent::Bucket(created_keys_of(
            records,
            &cfg.bucket,
            &cfg.upload_prefix,
        )));
    }
    if !sources.iter().all(|s| s == "aws:sqs") {
        return Err(format!(
            "records from {sources:?}: facectl handles S3 notifications (aws:s3) or upload queue batches (aws:sqs)"
        ));
    }
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let field = |name: &str| r.get(name).and_then(Value::as_str).unwrap_or_default();
        let queue = field("eventSourceARN")
            .rsplit(':')
            .next()
            .unwrap_or_default();
        if queue != cfg.queue {
            return Err(format!(
                "a message from queue {queue:?}, but facectl is set up for queue {:?} (--queue / FACECTL_AWS_QUEUE)",
                cfg.queue
            ));
        }
        let (id, receipt, body) = (field("messageId"), field("receiptHandle"), field("body"));
        if id.is_empty() || receipt.is_empty() {
            return Err("an SQS record without messageId or receiptHandle".into());
        }
        let receives = r
            .pointer("/attributes/ApproximateReceiveCount")
            .and_then(Value::as_str)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        out.push((
            id.to_string(),
            QueuedUpload {
                receipt: receipt.to_string(),
                keys: created_keys(body, &cfg.bucket, &cfg.upload_prefix),
                receives,
                body: body.to_string(),
            },
        ));
    }
    Ok(UploadEvent::Queue(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg() -> TriggerConfig {
        TriggerConfig {
            bucket: "photos".into(),
            upload_prefix: "uploads/".into(),
            queue: "photos-uploads".into(),
        }
    }

    fn s3_record(bucket: &str, key: &str) -> Value {
        json!({
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
            "eventTime": "2026-12-03T09:00:00.000Z", "eventName": "ObjectCreated:Put",
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "facectl-uploads",
                   "bucket": {"name": bucket, "arn": format!("arn:aws:s3:::{bucket}")},
                   "object": {"key": key, "size": 1024, "eTag": "0123456789abcdef"}}
        })
    }

    #[test]
    fn bucket_notifications_give_their_keys_under_the_prefix() {
        let event = json!({"Records": [
            s3_record("photos", "uploads/Jane+Doe/1.jpg"),
            s3_record("other", "uploads/x.jpg"),
            s3_record("photos", "faces/y.jpg"),
        ]});
        assert_eq!(
            parse_lambda_event(&event, &cfg()),
            Ok(UploadEvent::Bucket(vec!["uploads/Jane Doe/1.jpg".into()]))
        );
        let test = json!({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "photos"});
        assert_eq!(
            parse_lambda_event(&test, &cfg()),
            Ok(UploadEvent::Bucket(vec![]))
        );
    }

    #[test]
    fn queue_batches_give_messages_and_refuse_another_queue() {
        let body = json!({"Records": [s3_record("photos", "uploads/a.jpg")]}).to_string();
        let record = |arn: &str| {
            json!({"messageId": "m-1", "receiptHandle": "r-1", "body": body,
                   "attributes": {"ApproximateReceiveCount": "3"}, "messageAttributes": {},
                   "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "eu-west-1"})
        };
        let event = json!({"Records": [record("arn:aws:sqs:eu-west-1:1:photos-uploads")]});
        let Ok(UploadEvent::Queue(msgs)) = parse_lambda_event(&event, &cfg()) else {
            panic!("a queue batch");
        };
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].0, "m-1");
        assert_eq!(msgs[0].1.keys, vec!["uploads/a.jpg".to_string()]);
        assert_eq!((msgs[0].1.receipt.as_str(), msgs[0].1.receives), ("r-1", 3));
        let wrong = json!({"Records": [record("arn:aws:sqs:eu-west-1:1:elsewhere")]});
        let err = parse_lambda_event(&wrong, &cfg()).expect_err("another queue");
        assert!(err.contains("elsewhere"), "{err}");
    }

    #[test]
    fn other_payloads_are_refused() {
        for bad in [
            json!({"hello": "world"}),
            json!([1, 2]),
            json!({"Records": [{"eventSource": "aws:sns"}]}),
            json!({"Records": [s3_record("photos", "uploads/a.jpg"), {"eventSource": "aws:sqs"}]}),
        ] {
            assert!(parse_lambda_event(&bad, &cfg()).is_err(), "{bad}");
        }
    }
}
