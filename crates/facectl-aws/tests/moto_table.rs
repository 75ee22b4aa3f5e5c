//! The DynamoDB table against moto: atomic commits, batched reads, GSIs, an adopted tutorial
//! table. Run: `cargo test -p facectl-aws --test moto_table` (see `moto.rs` for the server).

mod common;

use common::fake_rekognition::FakeRekognition;
use common::{backend, face, image, Moto};
use facectl_core::model::*;
use facectl_core::BackendError;

#[tokio::test]
async fn table_commits_atomically_and_reads_in_batches() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "ddb");
    let backend = backend(&cfg, &fake).await;
    let table = &backend.table;
    table.provision(false).await.expect("provision");

    let faces: Vec<FaceRecord> = (0..120)
        .map(|i| face(&format!("f{i:03}"), "Ann Lee", "aa11"))
        .collect();
    let img = image("aa11", ImageStatus::Indexed, 120);
    common::commit(&**table, &img, &faces)
        .await
        .expect("commit 120 faces");
    // A face that is already recorded makes the whole commit fail, writing nothing.
    let other = image("bb22", ImageStatus::Indexed, 2);
    let dup = [
        face("new-1", "Bo Chen", "bb22"),
        face("f005", "Bo Chen", "bb22"),
    ];
    let err = common::commit(&**table, &other, &dup)
        .await
        .expect_err("duplicate");
    assert!(matches!(err, BackendError::Conflict(_)), "{err:?}");
    let left = table
        .image("bb22")
        .await
        .expect("image")
        .expect("claim kept");
    assert_eq!(
        (left.status, left.claim),
        (ImageStatus::Pending, Some(common::test_claim()))
    );
    assert!(table
        .release_image("bb22", &common::test_claim().owner)
        .await
        .expect("release"));
    assert!(table
        .faces(&["new-1".into()])
        .await
        .expect("faces")
        .is_empty());

    let mut ids: Vec<String> = (0..120).map(|i| format!("f{i:03}")).collect();
    ids.push("missing".into());
    let mut got = table.faces(&ids).await.expect("batch get");
    got.sort_by(|a, b| a.face_id.cmp(&b.face_id));
    assert_eq!(got, faces);
    assert_eq!(
        table
            .faces_of_person("Ann_Lee")
            .await
            .expect("person")
            .len(),
        120
    );
    assert_eq!(
        table.faces_of_image("aa11").await.expect("image").len(),
        120
    );
    assert_eq!(table.all_faces().await.expect("all").len(), 120);
    let named = table.persons_named("ANN LEE").await.expect("named");
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].person_id, "Ann_Lee");
    assert_eq!(
        table
            .person("Ann_Lee")
            .await
            .expect("person")
            .map(|p| p.name),
        Some("Ann Lee".into())
    );

    table
        .put_image(&image("cc33", ImageStatus::Pending, 0))
        .await
        .expect("pending");
    let pending = table
        .images(Some(ImageStatus::Pending))
        .await
        .expect("pending");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].image_hash, "cc33");
    assert_eq!(table.images(None).await.expect("all images").len(), 2);
    assert!(table.delete_image("cc33").await.expect("delete"));
    assert!(!table.delete_image("cc33").await.expect("delete again"));
    let gone = table
        .delete_faces(&["f000".into(), "f001".into(), "nope".into()])
        .await
        .expect("delete faces");
    assert_eq!(gone, 2);
}

#[tokio::test]
async fn table_keeps_the_claim_rules() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "claims");
    let backend = backend(&cfg, &fake).await;
    backend.table.provision(false).await.expect("provision");
    if let Err(broken) = facectl_core::contract::run_claims(&*backend.table).await {
        panic!("claim contract: {broken}");
    }
}

#[tokio::test]
async fn adopts_a_tutorial_table_without_indexes() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let mut cfg = common::config(&moto, "adopt");
    cfg.schema.hash_key = "RekognitionId".into();
    let clients = common::clients(&cfg, &fake).await;
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType,
    };
    clients
        .dynamodb
        .create_table()
        .table_name(&cfg.table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("RekognitionId")
                .key_type(KeyType::Hash)
                .build()
                .expect("key"),
        )
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("RekognitionId")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .expect("attr"),
        )
        .send()
        .await
        .expect("create tutorial table");
    clients
        .dynamodb
        .put_item()
        .table_name(&cfg.table)
        .item("RekognitionId", AttributeValue::S("tutorial-face-1".into()))
        .item("FullName", AttributeValue::S("Jane Doe".into()))
        .send()
        .await
        .expect("tutorial item");
    let backend = backend(&cfg, &fake).await;
    let status = backend.table.provision(false).await.expect("provision");
    assert_eq!(status.state, ResourceState::Existed);
    assert!(
        status
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("person_id-index")),
        "{status:?}"
    );
    let jane = backend
        .table
        .persons_named("jane doe")
        .await
        .expect("named");
    assert_eq!(jane.len(), 1);
    assert_eq!(jane[0].person_id, "Jane_Doe");
    let faces = backend
        .table
        .faces_of_person("Jane_Doe")
        .await
        .expect("faces");
    assert_eq!(faces.len(), 1);
    assert_eq!(faces[0].face_id, "tutorial-face-1");

    // A mismatched hash key name is refused with the right name.
    let mut wrong = cfg.clone();
    wrong.schema.hash_key = "FaceId".into();
    let b = common::backend(&wrong, &fake).await;
    let err = b.table.provision(false).await.expect_err("wrong key");
    assert!(err.to_string().contains("`RekognitionId`"), "{err}");
}
