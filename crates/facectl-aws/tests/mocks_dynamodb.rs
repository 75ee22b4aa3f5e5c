//! DynamoDB request shapes, pagination, error mapping and throttling retries, with
//! `aws-smithy-mocks` answering the SDK client (no network).

use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::scan::ScanOutput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsOutput;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use facectl_aws::{DynamoTable, TableSchema};
use facectl_core::model::*;
use facectl_core::ports::PersonTable;
use facectl_core::service::with_retry;
use facectl_core::BackendError;
use std::collections::HashMap;
use std::sync::Arc;

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn throttled_body() -> String {
    r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#.to_string()
}

#[tokio::test]
async fn sdk_retries_throttling_then_succeeds() {
    let get = mock!(aws_sdk_dynamodb::Client::get_item)
        .sequence()
        .http_status(400, Some(throttled_body()))
        .times(2)
        .output(|| {
            GetItemOutput::builder()
                .set_item(Some(HashMap::from([
                    ("FaceId".to_string(), s("image#abc")),
                    ("ImageKey".to_string(), s("ab/abc.jpg")),
                    ("Status".to_string(), s("indexed")),
                ])))
                .build()
        })
        .build();
    let client = mock_client!(
        aws_sdk_dynamodb,
        RuleMode::Sequential,
        [&get],
        |c: aws_sdk_dynamodb::config::Builder| c.retry_config(
            aws_sdk_dynamodb::config::retry::RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(std::time::Duration::from_millis(1))
        )
    );
    let table = DynamoTable::new(client, "t", "b", TableSchema::default());
    let image = table.image("abc").await.expect("retried");
    assert_eq!(image.map(|i| i.status), Some(ImageStatus::Indexed));
    assert_eq!(get.num_calls(), 3);
}

#[tokio::test]
async fn throttling_past_the_sdk_retries_is_retried_by_the_service() {
    // The SDK gives up after one attempt here; the error is Throttled, which `with_retry`
    // retries until the table answers.
    let get = mock!(aws_sdk_dynamodb::Client::get_item)
        .sequence()
        .http_status(400, Some(throttled_body()))
        .times(3)
        .output(|| GetItemOutput::builder().build())
        .build();
    let client = mock_client!(
        aws_sdk_dynamodb,
        RuleMode::Sequential,
        [&get],
        |c: aws_sdk_dynamodb::config::Builder| c
            .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
    );
    let table = DynamoTable::new(client, "t", "b", TableSchema::default());
    let first = table.image("abc").await;
    assert!(
        matches!(first, Err(BackendError::Throttled(_))),
        "{first:?}"
    );
    let got = with_retry(5, || table.image("abc")).await.expect("retried");
    assert!(got.is_none());
    assert_eq!(get.num_calls(), 4);
}

#[tokio::test]
async fn scan_follows_last_evaluated_key_with_a_filter() {
    let face = |id: &str| {
        HashMap::from([
            ("FaceId".to_string(), s(id)),
            ("FullName".to_string(), s("Ann Lee")),
            ("PersonId".to_string(), s("Ann_Lee")),
        ])
    };
    let first = mock!(aws_sdk_dynamodb::Client::scan)
        .match_requests(|r| {
            r.exclusive_start_key().is_none()
                && r.filter_expression() == Some("NOT begins_with(#k, :img)")
                && r.expression_attribute_names()
                    .and_then(|n| n.get("#k"))
                    .map(String::as_str)
                    == Some("FaceId")
        })
        .then_output(move || {
            ScanOutput::builder()
                .items(face("f1"))
                .last_evaluated_key("FaceId", s("f1"))
                .build()
        });
    let second = mock!(aws_sdk_dynamodb::Client::scan)
        .match_requests(|r| r.exclusive_start_key().and_then(|k| k.get("FaceId")) == Some(&s("f1")))
        .then_output(move || ScanOutput::builder().items(face("f2")).build());
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, [&first, &second]);
    let table = DynamoTable::new(client, "t", "b", TableSchema::default());
    let faces = table.all_faces().await.expect("scan");
    let ids: Vec<&str> = faces.iter().map(|f| f.face_id.as_str()).collect();
    assert_eq!(ids, ["f1", "f2"]);
}

#[tokio::test]
async fn batch_get_chunks_by_100_and_retries_unprocessed_keys() {
    let calls = Arc::new(std::sync::Mutex::new(Vec::<usize>::new()));
    let seen = Arc::clone(&calls);
    let rule = mock!(aws_sdk_dynamodb::Client::batch_get_item).then_compute_output(move |r| {
        let keys = r
            .request_items()
            .and_then(|m| m.get("t"))
            .map(|k| k.keys().to_vec())
            .unwrap_or_default();
        let mut seen = seen.lock().expect("lock");
        seen.push(keys.len());
        let first_call = seen.len() == 1;
        // The first call leaves its last key unprocessed.
        let (done, left) = if first_call {
            keys.split_at(keys.len() - 1)
        } else {
            keys.split_at(keys.len())
        };
        let items: Vec<HashMap<String, AttributeValue>> = done
            .iter()
            .map(|k| {
                let mut item = k.clone();
                item.insert("FullName".into(), s("X"));
                item
            })
            .collect();
        let mut out = BatchGetItemOutput::builder().responses("t", items);
        if !left.is_empty() {
            out = out.unprocessed_keys(
                "t",
                KeysAndAttributes::builder()
                    .set_keys(Some(left.to_vec()))
                    .build()
                    .expect("keys"),
            );
        }
        out.build()
    });
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&rule]);
    let table = DynamoTable::new(client, "t", "b", TableSchema::default());
    let ids: Vec<String> = (0..250).map(|i| format!("f{i:03}")).collect();
    let faces = table.faces(&ids).await.expect("faces");
    assert_eq!(faces.len(), 250);
    assert_eq!(*calls.lock().expect("lock"), [100, 1, 100, 50]);
}

#[tokio::test]
async fn commit_puts_faces_conditionally_and_maps_duplicates_to_conflict() {
    let ok = mock!(aws_sdk_dynamodb::Client::transact_write_items)
        .match_requests(|r| {
            let items = r.transact_items();
            items.len() == 2
                && items[0].put().is_some_and(|p| {
                    p.condition_expression() == Some("attribute_not_exists(#k)")
                        && p.item().get("FaceId") == Some(&s("f1"))
                })
                && items[1].put().is_some_and(|p| {
                    // The image is marked indexed only while this writer still holds it.
                    p.condition_expression() == Some("#st = :pending AND #ow = :owner")
                        && p.expression_attribute_values()
                            .and_then(|v| v.get(":owner"))
                            == Some(&s("test-host/1/mock"))
                        && p.item().get("FaceId") == Some(&s("image#abc"))
                })
        })
        .then_output(|| TransactWriteItemsOutput::builder().build());
    let dup = mock!(aws_sdk_dynamodb::Client::transact_write_items).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(400).expect("status"),
            aws_smithy_types::body::SdkBody::from(
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"}"#,
            ),
        )
    });
    let client = mock_client!(aws_sdk_dynamodb, RuleMode::Sequential, [&ok, &dup]);
    let table = DynamoTable::new(client, "t", "b", TableSchema::default());
    let image = ImageRecord {
        image_hash: "abc".into(),
        image_key: "ab/abc.jpg".into(),
        source: "a.jpg".into(),
        status: ImageStatus::Indexed,
        person_id: Some("Ann_Lee".into()),
        faces: 1,
        updated_at: 1,
        claim: Some(facectl_core::model::ImageClaim {
            owner: "test-host/1/mock".into(),
            lease_until: i64::MAX,
        }),
    };
    let face = FaceRecord {
        face_id: "f1".into(),
        person: facectl_core::naming::person_named("Ann Lee"),
        image_key: "ab/abc.jpg".into(),
        image_hash: "abc".into(),
        bbox: BoundingBox::default(),
        confidence: 99.0,
        model: String::new(),
        created_at: 1,
    };
    table
        .commit_image(&image, std::slice::from_ref(&face))
        .await
        .expect("commit");
    let err = table
        .commit_image(&image, std::slice::from_ref(&face))
        .await
        .expect_err("duplicate");
    assert!(matches!(err, BackendError::Conflict(_)), "{err:?}");
}
