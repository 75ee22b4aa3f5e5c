//! S3 and Rekognition request shapes, pagination and error mapping, with `aws-smithy-mocks`
//! answering the SDK clients (no network). DynamoDB: `mocks_dynamodb.rs`.

mod common;

use aws_sdk_rekognition::operation::delete_faces::DeleteFacesOutput;
use aws_sdk_rekognition::operation::detect_faces::DetectFacesOutput;
use aws_sdk_rekognition::operation::index_faces::IndexFacesOutput;
use aws_sdk_rekognition::operation::list_faces::ListFacesOutput;
use aws_sdk_rekognition::operation::search_faces_by_image::SearchFacesByImageOutput;
use aws_sdk_rekognition::types as rk;
use aws_sdk_s3::operation::create_bucket::CreateBucketOutput;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::operation::put_bucket_encryption::PutBucketEncryptionOutput;
use aws_sdk_s3::operation::put_object::PutObjectOutput;
use aws_sdk_s3::operation::put_public_access_block::PutPublicAccessBlockOutput;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use common::fake_rekognition::{photo, BLUE, RED};
use facectl_aws::ratelimit::RateLimiter;
use facectl_aws::{RekognitionCollection, S3ImageStore};
use facectl_core::model::*;
use facectl_core::ports::SearchRequest;
use facectl_core::ports::{FaceCollection, ImageInput, ImageStore, IndexRequest};
use facectl_core::BackendError;
use std::sync::Arc;

fn limiter() -> Arc<RateLimiter> {
    Arc::new(RateLimiter::new(1000.0))
}

fn collection(client: aws_sdk_rekognition::Client) -> RekognitionCollection {
    RekognitionCollection::new(client, "faces", "bucket", "faces/", limiter())
}

#[tokio::test]
async fn put_object_carries_prefix_content_type_and_metadata() {
    let put = mock!(aws_sdk_s3::Client::put_object)
        .match_requests(|r| {
            r.bucket() == Some("bucket")
                && r.key() == Some("faces/ab/abc.jpg")
                && r.content_type() == Some("image/jpeg")
                && r.metadata()
                    .and_then(|m| m.get("person-name"))
                    .map(String::as_str)
                    == Some("Jos%C3%A9 Doe")
                && r.metadata()
                    .and_then(|m| m.get("content-sha256"))
                    .map(String::as_str)
                    == Some("abc")
        })
        .then_output(|| PutObjectOutput::builder().build());
    let client = mock_client!(aws_sdk_s3, RuleMode::Sequential, [&put]);
    let store = S3ImageStore::new(client, "bucket", "faces/", "eu-west-1");
    let meta = ObjectMeta {
        content_type: "image/jpeg".into(),
        image_hash: "abc".into(),
        person_name: "José Doe".into(),
    };
    store.put("ab/abc.jpg", b"jpeg", &meta).await.expect("put");
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn list_keys_follows_continuation_tokens() {
    let obj = |k: &str, size: i64| {
        aws_sdk_s3::types::Object::builder()
            .key(k)
            .size(size)
            .build()
    };
    let first = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.prefix() == Some("faces/") && r.continuation_token().is_none())
        .then_output(move || {
            ListObjectsV2Output::builder()
                .contents(obj("faces/ab/1.jpg", 10))
                .contents(obj("faces/", 0))
                .is_truncated(true)
                .next_continuation_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_s3::Client::list_objects_v2)
        .match_requests(|r| r.continuation_token() == Some("page-2"))
        .then_output(move || {
            ListObjectsV2Output::builder()
                .contents(obj("faces/cd/2.png", 5))
                .is_truncated(false)
                .build()
        });
    let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&first, &second]);
    let store = S3ImageStore::new(client, "bucket", "faces/", "eu-west-1");
    assert_eq!(
        store.list_keys().await.expect("list"),
        ["ab/1.jpg", "cd/2.png"]
    );
    assert_eq!(
        store.usage().await.expect("usage"),
        StoreUsage {
            objects: 2,
            bytes: 15
        }
    );
    assert_eq!((first.num_calls(), second.num_calls()), (2, 2));
}

#[tokio::test]
async fn bucket_provision_sets_location_public_access_block_and_encryption() {
    let head = mock!(aws_sdk_s3::Client::head_bucket).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(404).expect("status"),
            aws_smithy_types::body::SdkBody::empty(),
        )
    });
    let create = mock!(aws_sdk_s3::Client::create_bucket)
        .match_requests(|r| {
            r.create_bucket_configuration()
                .and_then(|c| c.location_constraint())
                .map(|l| l.as_str())
                == Some("eu-west-1")
        })
        .then_output(|| CreateBucketOutput::builder().build());
    let pab = mock!(aws_sdk_s3::Client::put_public_access_block)
        .match_requests(|r| {
            r.public_access_block_configuration().is_some_and(|c| {
                c.block_public_acls() == Some(true)
                    && c.ignore_public_acls() == Some(true)
                    && c.block_public_policy() == Some(true)
                    && c.restrict_public_buckets() == Some(true)
            })
        })
        .then_output(|| PutPublicAccessBlockOutput::builder().build());
    let enc = mock!(aws_sdk_s3::Client::put_bucket_encryption)
        .match_requests(|r| {
            r.server_side_encryption_configuration()
                .and_then(|c| c.rules().first())
                .and_then(|r| r.apply_server_side_encryption_by_default())
                .map(|d| d.sse_algorithm().as_str())
                == Some("AES256")
        })
        .then_output(|| PutBucketEncryptionOutput::builder().build());
    let client = mock_client!(
        aws_sdk_s3,
        RuleMode::Sequential,
        [&head, &create, &pab, &enc]
    );
    let store = S3ImageStore::new(client, "bucket", "faces/", "eu-west-1");
    let status = store.provision(false).await.expect("provision");
    assert_eq!(status.state, ResourceState::Created);
    assert_eq!(
        (create.num_calls(), pab.num_calls(), enc.num_calls()),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn forbidden_bucket_is_access_denied_with_action() {
    let head = mock!(aws_sdk_s3::Client::head_bucket).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(403).expect("status"),
            aws_smithy_types::body::SdkBody::empty(),
        )
    });
    let client = mock_client!(aws_sdk_s3, RuleMode::Sequential, [&head]);
    let store = S3ImageStore::new(client, "someone-elses", "faces/", "eu-west-1");
    match store.provision(true).await {
        Err(BackendError::AccessDenied { action, resource }) => {
            assert_eq!(action, "s3:ListBucket");
            assert_eq!(resource, "s3://someone-elses");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn index_faces_reads_from_s3_and_converts_boxes_to_pixels() {
    let index = mock!(aws_sdk_rekognition::Client::index_faces)
        .match_requests(|r| {
            let s3 = r.image().and_then(|i| i.s3_object());
            r.collection_id() == Some("faces")
                && s3.and_then(|o| o.bucket()) == Some("bucket")
                && s3.and_then(|o| o.name()) == Some("faces/ab/abc.png")
                && r.image().and_then(|i| i.bytes()).is_none()
                && r.external_image_id() == Some("Ann_Lee")
                && r.max_faces() == Some(1)
                && r.quality_filter() == Some(&rk::QualityFilter::Auto)
                && r.detection_attributes() == [rk::Attribute::Default]
        })
        .then_output(|| {
            let bbox = |l, t| {
                rk::BoundingBox::builder()
                    .left(l)
                    .top(t)
                    .width(0.25)
                    .height(0.5)
                    .build()
            };
            IndexFacesOutput::builder()
                .face_model_version("7.0")
                .face_records(
                    rk::FaceRecord::builder()
                        .face(rk::Face::builder().face_id("face-1").build())
                        .face_detail(
                            rk::FaceDetail::builder()
                                .bounding_box(bbox(0.5, 0.25))
                                .confidence(99.0)
                                .build(),
                        )
                        .build(),
                )
                .unindexed_faces(
                    rk::UnindexedFace::builder()
                        .reasons(rk::Reason::ExceedsMaxFaces)
                        .reasons(rk::Reason::LowSharpness)
                        .face_detail(
                            rk::FaceDetail::builder()
                                .bounding_box(bbox(0.0, 0.0))
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let client = mock_client!(aws_sdk_rekognition, RuleMode::Sequential, [&index]);
    let bytes = photo(&[(RED, 10, 10, 90)], 0);
    let out = collection(client)
        .index_faces(
            ImageInput {
                bytes: &bytes,
                key: "ab/abc.png",
                origin: "a.png",
            },
            &IndexRequest {
                external_id: "Ann_Lee".into(),
                max_faces: Some(1),
                quality: QualityFilter::Auto,
            },
        )
        .await
        .expect("index");
    assert_eq!(out.model, "7.0");
    assert_eq!(out.indexed.len(), 1);
    assert_eq!(out.indexed[0].face_id, "face-1");
    // 320x240 photo.
    assert_eq!(
        out.indexed[0].detail.bbox,
        BoundingBox {
            x: 160.0,
            y: 60.0,
            width: 80.0,
            height: 120.0
        }
    );
    assert_eq!(
        out.unindexed[0].reasons,
        ["EXCEEDS_MAX_FACES", "LOW_SHARPNESS"]
    );
}

#[tokio::test]
async fn images_rekognition_cannot_read_are_sent_as_jpeg_bytes() {
    let index = mock!(aws_sdk_rekognition::Client::index_faces)
        .match_requests(|r| {
            r.image().and_then(|i| i.s3_object()).is_none()
                && r.image()
                    .and_then(|i| i.bytes())
                    .is_some_and(|b| b.as_ref().starts_with(&[0xFF, 0xD8, 0xFF]))
        })
        .then_output(|| IndexFacesOutput::builder().build());
    let client = mock_client!(aws_sdk_rekognition, RuleMode::Sequential, [&index]);
    let img = image::load_from_memory(&photo(&[(RED, 10, 10, 90)], 0)).expect("decode");
    let mut bmp = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bmp, image::ImageFormat::Bmp)
        .expect("bmp");
    let bmp = bmp.into_inner();
    collection(client)
        .index_faces(
            ImageInput {
                bytes: &bmp,
                key: "ab/abc.bmp",
                origin: "a.bmp",
            },
            &IndexRequest {
                external_id: "x".into(),
                max_faces: None,
                quality: QualityFilter::None,
            },
        )
        .await
        .expect("index");
    assert_eq!(index.num_calls(), 1);
}

#[tokio::test]
async fn list_faces_follows_next_token() {
    let page = |ids: &[&str], next: Option<&str>| {
        let faces: Vec<rk::Face> = ids
            .iter()
            .map(|id| {
                rk::Face::builder()
                    .face_id(*id)
                    .external_image_id("p")
                    .build()
            })
            .collect();
        ListFacesOutput::builder()
            .set_faces(Some(faces))
            .set_next_token(next.map(str::to_string))
            .build()
    };
    let first = mock!(aws_sdk_rekognition::Client::list_faces)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(4096))
        .then_output(move || page(&["a", "b"], Some("t2")));
    let second = mock!(aws_sdk_rekognition::Client::list_faces)
        .match_requests(|r| r.next_token() == Some("t2"))
        .then_output(move || page(&["c"], Some("t3")));
    let third = mock!(aws_sdk_rekognition::Client::list_faces)
        .match_requests(|r| r.next_token() == Some("t3"))
        .then_output(move || page(&[], None));
    let client = mock_client!(
        aws_sdk_rekognition,
        RuleMode::Sequential,
        [&first, &second, &third]
    );
    let faces = collection(client).list_faces().await.expect("list");
    let ids: Vec<&str> = faces.iter().map(|f| f.face_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(faces[0].external_id.as_deref(), Some("p"));
}

#[tokio::test]
async fn delete_faces_goes_in_batches_of_4096() {
    let rule = mock!(aws_sdk_rekognition::Client::delete_faces)
        .match_requests(|r| r.face_ids().len() <= 4096)
        .then_compute_output(|r| {
            DeleteFacesOutput::builder()
                .set_deleted_faces(Some(r.face_ids().to_vec()))
                .build()
        });
    let client = mock_client!(aws_sdk_rekognition, RuleMode::MatchAny, [&rule]);
    let ids: Vec<String> = (0..5000).map(|i| format!("f{i}")).collect();
    let deleted = collection(client).delete_faces(&ids).await.expect("delete");
    assert_eq!(deleted.len(), 5000);
    assert_eq!(rule.num_calls(), 2);
}

#[tokio::test]
async fn search_all_faces_crops_each_detected_face() {
    let detect = mock!(aws_sdk_rekognition::Client::detect_faces).then_output(|| {
        let face = |l: f32| {
            rk::FaceDetail::builder()
                .bounding_box(
                    rk::BoundingBox::builder()
                        .left(l)
                        .top(0.25)
                        .width(0.25)
                        .height(0.25)
                        .build(),
                )
                .confidence(99.0)
                .build()
        };
        DetectFacesOutput::builder()
            .face_details(face(0.0))
            .face_details(face(0.5))
            .build()
    });
    // Each crop is a JPEG far smaller than the photo.
    let search = mock!(aws_sdk_rekognition::Client::search_faces_by_image)
        .match_requests(|r| {
            r.face_match_threshold() == Some(90.0)
                && r.max_faces() == Some(3)
                && r.image()
                    .and_then(|i| i.bytes())
                    .and_then(|b| image::load_from_memory(b.as_ref()).ok())
                    .is_some_and(|img| img.width() < 320 && img.height() < 240)
        })
        .then_output(|| {
            SearchFacesByImageOutput::builder()
                .face_matches(
                    rk::FaceMatch::builder()
                        .similarity(97.5)
                        .face(rk::Face::builder().face_id("known").build())
                        .build(),
                )
                .build()
        });
    let client = mock_client!(aws_sdk_rekognition, RuleMode::MatchAny, [&detect, &search]);
    let bytes = photo(&[(RED, 10, 60, 80), (BLUE, 170, 60, 80)], 0);
    let found = collection(client)
        .search_image(
            ImageInput {
                bytes: &bytes,
                key: "",
                origin: "two.png",
            },
            &SearchRequest {
                select: FaceSelect::All,
                threshold: 90.0,
                max_matches: 3,
            },
        )
        .await
        .expect("search");
    assert_eq!(found.len(), 2);
    assert_eq!(search.num_calls(), 2);
    assert_eq!(found[0].face.bbox.width, 80.0);
    assert!(found.iter().all(|f| f.matches[0].face_id == "known"));
}

#[tokio::test]
async fn missing_collection_maps_to_not_provisioned() {
    let describe = mock!(aws_sdk_rekognition::Client::list_faces).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(400).expect("status"),
            aws_smithy_types::body::SdkBody::from(
                r#"{"__type":"ResourceNotFoundException","Message":"The collection id: faces does not exist"}"#,
            ),
        )
    });
    let client = mock_client!(aws_sdk_rekognition, RuleMode::Sequential, [&describe]);
    let err = collection(client).list_faces().await.expect_err("missing");
    assert!(
        matches!(&err, BackendError::NotProvisioned { resource } if resource == "collection faces"),
        "{err:?}"
    );
}
