//! The least-privilege IAM policy for the configured resources (`provision --print-iam-policy`).
//!
//! It names exactly the bucket (and the objects under the prefix), the collection and the table
//! (and its indexes), and exactly the actions facectl calls. DetectFaces and CompareFaces work on
//! images, not on a resource, so IAM only accepts `*` for them.

use crate::upload_queue::TriggerConfig;
use crate::AwsConfig;
use serde_json::{json, Value};

/// S3 actions on the bucket itself.
pub const S3_BUCKET_ACTIONS: &[&str] = &[
    "s3:CreateBucket",
    "s3:ListBucket",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutEncryptionConfiguration",
];
/// S3 actions on objects under the prefix (Rekognition's IndexFaces reads with the caller's
/// s3:GetObject).
pub const S3_OBJECT_ACTIONS: &[&str] = &["s3:PutObject", "s3:GetObject", "s3:DeleteObject"];
/// Rekognition actions on the collection.
pub const REKOGNITION_COLLECTION_ACTIONS: &[&str] = &[
    "rekognition:CreateCollection",
    "rekognition:DescribeCollection",
    "rekognition:IndexFaces",
    "rekognition:SearchFacesByImage",
    "rekognition:ListFaces",
    "rekognition:DeleteFaces",
];
/// Rekognition actions that take no resource.
pub const REKOGNITION_IMAGE_ACTIONS: &[&str] =
    &["rekognition:DetectFaces", "rekognition:CompareFaces"];
/// DynamoDB actions on the table (TransactWriteItems is authorised as PutItem per item).
pub const DYNAMODB_TABLE_ACTIONS: &[&str] = &[
    "dynamodb:CreateTable",
    "dynamodb:DescribeTable",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Scan",
    "dynamodb:Query",
];
/// DynamoDB actions on the table's indexes.
pub const DYNAMODB_INDEX_ACTIONS: &[&str] = &["dynamodb:Query"];

/// The policy document. `account` and `region` default to `*` (and `region` to the configured
/// one) in the ARNs that need them; bucket ARNs have neither.
pub fn iam_policy(cfg: &AwsConfig, account: Option<&str>, region: Option<&str>) -> Value {
    let account = account.unwrap_or("*");
    let region = region.or(cfg.region.as_deref()).unwrap_or("*");
    let bucket = format!("arn:aws:s3:::{}", cfg.bucket);
    let objects = format!("arn:aws:s3:::{}/{}*", cfg.bucket, cfg.prefix);
    let collection = format!(
        "arn:aws:rekognition:{region}:{account}:collection/{}",
        cfg.collection
    );
    let table = format!("arn:aws:dynamodb:{region}:{account}:table/{}", cfg.table);
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FacectlBucket",
                "Effect": "Allow",
                "Action": S3_BUCKET_ACTIONS,
                "Resource": [bucket],
            },
            {
                "Sid": "FacectlImages",
                "Effect": "Allow",
                "Action": S3_OBJECT_ACTIONS,
                "Resource": [objects],
            },
            {
                "Sid": "FacectlCollection",
                "Effect": "Allow",
                "Action": REKOGNITION_COLLECTION_ACTIONS,
                "Resource": [collection],
            },
            {
                "Sid": "FacectlDetectCompare",
                "Effect": "Allow",
                "Action": REKOGNITION_IMAGE_ACTIONS,
                "Resource": "*",
            },
            {
                "Sid": "FacectlTable",
                "Effect": "Allow",
                "Action": DYNAMODB_TABLE_ACTIONS,
                "Resource": [table.clone()],
            },
            {
                "Sid": "FacectlTableIndexes",
                "Effect": "Allow",
                "Action": DYNAMODB_INDEX_ACTIONS,
                "Resource": [format!("{table}/index/*")],
            },
        ]
    })
}

/// SQS actions on the upload queue (`provision --trigger`, `watch`).
pub const SQS_QUEUE_ACTIONS: &[&str] = &[
    "sqs:CreateQueue",
    "sqs:GetQueueUrl",
    "sqs:GetQueueAttributes",
    "sqs:SetQueueAttributes",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
];
/// SQS actions on the dead-letter queue (`watch` moves rejected uploads there).
pub const SQS_DEAD_LETTER_ACTIONS: &[&str] = &[
    "sqs:CreateQueue",
    "sqs:GetQueueUrl",
    "sqs:GetQueueAttributes",
    "sqs:SendMessage",
];
/// S3 actions on the bucket for its notification rule.
pub const S3_NOTIFICATION_ACTIONS: &[&str] =
    &["s3:GetBucketNotification", "s3:PutBucketNotification"];

/// `policy` with the statements the upload trigger needs: its two queues, the bucket's
/// notification rule and reading the uploads.
pub fn with_trigger(
    mut policy: Value,
    trigger: &TriggerConfig,
    account: Option<&str>,
    region: Option<&str>,
) -> Value {
    let account = account.unwrap_or("*");
    let region = region.unwrap_or("*");
    let queue = |name: &str| format!("arn:aws:sqs:{region}:{account}:{name}");
    let extra = [
        json!({
            "Sid": "FacectlUploadQueue",
            "Effect": "Allow",
            "Action": SQS_QUEUE_ACTIONS,
            "Resource": [queue(&trigger.queue)],
        }),
        json!({
            "Sid": "FacectlUploadDeadLetters",
            "Effect": "Allow",
            "Action": SQS_DEAD_LETTER_ACTIONS,
            "Resource": [queue(&trigger.dead_letter_queue())],
        }),
        json!({
            "Sid": "FacectlUploadNotifications",
            "Effect": "Allow",
            "Action": S3_NOTIFICATION_ACTIONS,
            "Resource": [format!("arn:aws:s3:::{}", trigger.bucket)],
        }),
        json!({
            "Sid": "FacectlUploads",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [format!("arn:aws:s3:::{}/{}*", trigger.bucket, trigger.upload_prefix)],
        }),
    ];
    if let Some(statements) = policy["Statement"].as_array_mut() {
        statements.extend(extra);
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statements(policy: &Value) -> &Vec<Value> {
        policy["Statement"].as_array().expect("statements")
    }

    #[test]
    fn policy_is_valid_json_and_scoped() {
        let cfg = AwsConfig::new("facectl-images", "facectl-faces", "facectl-persons");
        let policy = iam_policy(&cfg, Some("123456789012"), Some("eu-west-1"));
        let text = serde_json::to_string_pretty(&policy).expect("serialise");
        let back: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back["Version"], "2012-10-17");
        let mut resources = Vec::new();
        for st in statements(&back) {
            assert_eq!(st["Effect"], "Allow");
            let actions: Vec<&str> = st["Action"]
                .as_array()
                .expect("actions")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(actions.iter().all(|a| !a.contains('*')), "{actions:?}");
            match &st["Resource"] {
                Value::String(r) => {
                    assert_eq!(r, "*");
                    // Only actions without resource-level permissions get `*`.
                    assert_eq!(actions, REKOGNITION_IMAGE_ACTIONS);
                }
                Value::Array(rs) => {
                    resources.extend(rs.iter().filter_map(Value::as_str).map(str::to_string))
                }
                other => panic!("resource {other:?}"),
            }
        }
        assert_eq!(
            resources,
            [
                "arn:aws:s3:::facectl-images",
                "arn:aws:s3:::facectl-images/faces/*",
                "arn:aws:rekognition:eu-west-1:123456789012:collection/facectl-faces",
                "arn:aws:dynamodb:eu-west-1:123456789012:table/facectl-persons",
                "arn:aws:dynamodb:eu-west-1:123456789012:table/facectl-persons/index/*",
            ]
        );
    }

    #[test]
    fn unknown_account_and_region_are_wildcards_inside_the_arn() {
        let cfg = AwsConfig::new("b", "c", "t");
        let policy = iam_policy(&cfg, None, None);
        let text = policy.to_string();
        assert!(
            text.contains("arn:aws:rekognition:*:*:collection/c"),
            "{text}"
        );
        assert!(text.contains("arn:aws:dynamodb:*:*:table/t\""), "{text}");
    }

    #[test]
    fn the_trigger_adds_its_queues_notifications_and_uploads() {
        let cfg = AwsConfig::new("b", "c", "t");
        let trigger = TriggerConfig {
            bucket: "b".into(),
            upload_prefix: "uploads/".into(),
            queue: "b-uploads".into(),
        };
        let policy = with_trigger(iam_policy(&cfg, None, None), &trigger, Some("1"), Some("r"));
        let sts = statements(&policy);
        let res = |sid: &str| {
            sts.iter()
                .find(|s| s["Sid"] == sid)
                .map(|s| s["Resource"][0].clone())
                .unwrap_or_else(|| panic!("no {sid}"))
        };
        assert_eq!(res("FacectlUploadQueue"), "arn:aws:sqs:r:1:b-uploads");
        assert_eq!(
            res("FacectlUploadDeadLetters"),
            "arn:aws:sqs:r:1:b-uploads-dlq"
        );
        assert_eq!(res("FacectlUploadNotifications"), "arn:aws:s3:::b");
        assert_eq!(res("FacectlUploads"), "arn:aws:s3:::b/uploads/*");
        // The base statements are all still there.
        assert_eq!(
            sts.len(),
            statements(&iam_policy(&cfg, None, None)).len() + 4
        );
    }
}
