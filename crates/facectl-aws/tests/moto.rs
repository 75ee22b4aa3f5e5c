//! Integration tests of the aws backend against moto (real S3 and DynamoDB protocols on
//! loopback) with Rekognition answered by the in-memory fake (see `common`).
//!
//! Run: `cargo test -p facectl-aws --test moto --test moto_table` (starts `moto_server` from the venv of
//! `scripts/moto.sh install`, installing it when missing), or against a running server:
//! `FACECTL_TEST_MOTO_ENDPOINT=http://127.0.0.1:5000 cargo test -p facectl-aws --test moto`.

mod common;

use common::fake_rekognition::{photo, FakeRekognition, BLUE, GREEN, RED};
use common::kill_after::KillAfter;
use common::{backend, face, fixture, image, Moto};
use facectl_core::contract::{run_story, Fixtures};
use facectl_core::model::*;
use facectl_core::naming::Naming;
use facectl_core::progress::{CancelFlag, NoProgress};
use facectl_core::service::bulk_import::{bulk_import, BulkOptions};
use facectl_core::service::ingest::IngestOptions;
use facectl_core::service::search::{search, SearchOptions};
use facectl_core::service::{doctor, provision};
use facectl_core::{Backend, BackendError};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn contract_story_passes_on_moto_with_fake_rekognition() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "story");
    let backend = backend(&cfg, &fake).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let not_an_image = dir.path().join("notes.txt");
    std::fs::write(&not_an_image, b"these are not pixels").expect("write");
    let fixtures = Fixtures {
        alice: [
            fixture(
                dir.path(),
                "alice1.png",
                &photo(&[(RED, 100, 60, 90)], 1),
                &fake,
            ),
            fixture(
                dir.path(),
                "alice2.png",
                &photo(&[(RED, 150, 80, 80)], 2),
                &fake,
            ),
        ],
        bob: fixture(
            dir.path(),
            "bob.png",
            &photo(&[(BLUE, 90, 70, 100)], 3),
            &fake,
        ),
        no_face: fixture(dir.path(), "empty.png", &photo(&[], 4), &fake),
        not_an_image,
    };
    if let Err(broken) = run_story(&backend, &fixtures).await {
        panic!("contract story failed: {broken}");
    }
    // Indexing read the objects from S3; searching sent bytes.
    let calls = fake.calls();
    assert!(calls.iter().any(|c| c == "IndexFaces"), "{calls:?}");
    assert!(calls.iter().any(|c| c == "DetectFaces"), "{calls:?}");
}

#[tokio::test]
async fn provision_creates_locked_down_resources_once() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "prov");
    let backend = backend(&cfg, &fake).await;

    // Nothing exists yet: every port says so.
    for err in [
        backend.images.usage().await.err(),
        backend.collection.info().await.err(),
        backend.table.all_faces().await.err(),
    ] {
        assert!(
            matches!(err, Some(BackendError::NotProvisioned { .. })),
            "{err:?}"
        );
    }
    let dry = provision::provision(&backend, true).await.expect("dry run");
    assert!(
        dry.resources
            .iter()
            .all(|r| r.state == ResourceState::WouldCreate),
        "{:?}",
        dry.resources
    );
    assert!(
        backend.images.usage().await.is_err(),
        "dry run created nothing"
    );

    let first = provision::provision(&backend, false)
        .await
        .expect("provision");
    assert!(
        first
            .resources
            .iter()
            .all(|r| r.state == ResourceState::Created),
        "{:?}",
        first.resources
    );
    let collection = &first.resources[1];
    assert_eq!(
        collection.detail.as_deref(),
        Some("face model version fake-7.0")
    );
    let again = provision::provision(&backend, false).await.expect("again");
    assert!(
        again
            .resources
            .iter()
            .all(|r| r.state == ResourceState::Existed),
        "{:?}",
        again.resources
    );

    let clients = common::clients(&cfg, &fake).await;
    let location = clients
        .s3
        .get_bucket_location()
        .bucket(&cfg.bucket)
        .send()
        .await
        .expect("location");
    assert_eq!(
        location.location_constraint().map(|c| c.as_str()),
        Some("eu-west-1")
    );
    let pab = clients
        .s3
        .get_public_access_block()
        .bucket(&cfg.bucket)
        .send()
        .await
        .expect("public access block");
    let pab = pab.public_access_block_configuration().expect("configured");
    assert_eq!(
        (
            pab.block_public_acls(),
            pab.ignore_public_acls(),
            pab.block_public_policy(),
            pab.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    let enc = clients
        .s3
        .get_bucket_encryption()
        .bucket(&cfg.bucket)
        .send()
        .await
        .expect("encryption");
    let algo = enc
        .server_side_encryption_configuration()
        .and_then(|c| c.rules().first())
        .and_then(|r| r.apply_server_side_encryption_by_default())
        .map(|d| d.sse_algorithm().as_str().to_string());
    assert_eq!(algo.as_deref(), Some("AES256"));
    let table = clients
        .dynamodb
        .describe_table()
        .table_name(&cfg.table)
        .send()
        .await
        .expect("describe table");
    let table = table.table().expect("table");
    assert_eq!(
        table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str()),
        Some("PAY_PER_REQUEST")
    );
    let mut indexes: Vec<&str> = table
        .global_secondary_indexes()
        .iter()
        .filter_map(|g| g.index_name())
        .collect();
    indexes.sort();
    assert_eq!(
        indexes,
        ["image_hash-index", "name_lower-index", "person_id-index"]
    );
}

#[tokio::test]
async fn images_keep_metadata_and_list_under_the_prefix() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "s3");
    let backend = backend(&cfg, &fake).await;
    backend.images.provision(false).await.expect("provision");
    let meta = ObjectMeta {
        content_type: "image/png".into(),
        image_hash: "abc123".into(),
        person_name: "José Müller".into(),
    };
    for key in ["ab/one.png", "cd/two.png"] {
        backend
            .images
            .put(key, b"pixels", &meta)
            .await
            .expect("put");
    }
    // An object outside the prefix is not ours.
    let clients = common::clients(&cfg, &fake).await;
    clients
        .s3
        .put_object()
        .bucket(&cfg.bucket)
        .key("elsewhere/x.png")
        .body(b"other".to_vec().into())
        .send()
        .await
        .expect("put outside");
    let head = clients
        .s3
        .head_object()
        .bucket(&cfg.bucket)
        .key("faces/ab/one.png")
        .send()
        .await
        .expect("head");
    assert_eq!(head.content_type(), Some("image/png"));
    let m = head.metadata().expect("metadata");
    assert_eq!(
        m.get("person-name")
            .map(|v| facectl_aws::image_store::decode_meta(v)),
        Some("José Müller".to_string())
    );
    assert_eq!(m.get("content-sha256").map(String::as_str), Some("abc123"));

    assert_eq!(
        backend.images.list_keys().await.expect("list"),
        ["ab/one.png", "cd/two.png"]
    );
    assert_eq!(
        backend.images.usage().await.expect("usage"),
        StoreUsage {
            objects: 2,
            bytes: 12
        }
    );
    assert_eq!(
        backend.images.get("ab/one.png").await.expect("get"),
        b"pixels"
    );
    assert!(backend.images.exists("ab/one.png").await.expect("exists"));
    assert!(backend.images.delete("ab/one.png").await.expect("delete"));
    assert!(!backend
        .images
        .delete("ab/one.png")
        .await
        .expect("delete again"));
    assert!(!backend.images.exists("ab/one.png").await.expect("exists"));
    assert!(matches!(
        backend.images.get("ab/one.png").await,
        Err(BackendError::NotFound(_))
    ));
}

fn people_folder(dir: &std::path::Path, fake: &FakeRekognition) -> usize {
    let colours = [RED, GREEN, BLUE];
    let mut n = 0;
    for (p, name) in ["Ann_Lee", "Bo_Chen", "Cy_Young"].iter().enumerate() {
        for i in 0..4u32 {
            let bytes = photo(
                &[(colours[p], 40 + i * 20, 30 + i * 10, 80)],
                (p * 4) as u8 + i as u8,
            );
            fixture(dir, &format!("{name}/{i}.png"), &bytes, fake);
            n += 1;
        }
    }
    n
}

#[tokio::test]
async fn bulk_import_killed_midway_resumes_without_orphans() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "bulk");
    let backend = backend(&cfg, &fake).await;
    provision::provision(&backend, false)
        .await
        .expect("provision");
    let dir = tempfile::tempdir().expect("tempdir");
    let total = people_folder(dir.path(), &fake);
    let opts = BulkOptions {
        naming: Naming::Folder,
        jobs: 3,
        ingest: IngestOptions::default(),
        limit: None,
    };

    let killing = Backend {
        table: Arc::new(KillAfter {
            inner: Arc::clone(&backend.table),
            commits: AtomicUsize::new(5),
        }),
        ..backend.clone()
    };
    let cancel = CancelFlag::new();
    let run = bulk_import(&killing, dir.path(), &opts, &NoProgress, &cancel);
    assert!(
        tokio::time::timeout(Duration::from_secs(8), run)
            .await
            .is_err(),
        "the first run hangs at the sixth commit and is killed"
    );
    let pending = backend
        .table
        .images(Some(ImageStatus::Pending))
        .await
        .expect("pending");
    assert!(!pending.is_empty(), "the kill left pending images");
    let before = doctor::doctor(&backend, false).await.expect("doctor");
    assert!(before.problems() > 0, "{before:?}");

    let resumed = bulk_import(&backend, dir.path(), &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("resume");
    let recovery = resumed.recovery.as_ref().expect("recovery ran");
    assert_eq!(recovery.pending_images, pending.len());
    assert_eq!(resumed.counts.failed, 0, "{:?}", resumed.files);
    assert_eq!(resumed.counts.skipped, 5, "committed images are skipped");
    assert_eq!(resumed.counts.imported, total - 5);

    let health = doctor::doctor(&backend, false).await.expect("doctor");
    assert_eq!(health.problems(), 0, "{health:?}");
    assert_eq!(backend.table.all_faces().await.expect("faces").len(), total);
    assert_eq!(fake.faces(&cfg.collection).len(), total);
    assert_eq!(backend.images.list_keys().await.expect("keys").len(), total);
    let again = bulk_import(&backend, dir.path(), &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("third run");
    assert_eq!(again.counts.skipped, total);
}

#[tokio::test]
async fn doctor_finds_and_fixes_injected_orphans() {
    let moto = Moto::start();
    let fake = FakeRekognition::default();
    let cfg = common::config(&moto, "doctor");
    let backend = backend(&cfg, &fake).await;
    provision::provision(&backend, false)
        .await
        .expect("provision");
    let dir = tempfile::tempdir().expect("tempdir");
    let two = fixture(
        dir.path(),
        "two.png",
        &photo(&[(RED, 20, 20, 100), (BLUE, 180, 100, 90)], 9),
        &fake,
    );
    facectl_core::service::enroll::enroll(
        &backend,
        &facectl_core::service::enroll::EnrollTarget {
            name: Some("Ann Lee".into()),
            person_id: None,
            first_name: None,
            last_name: None,
            meta: Default::default(),
        },
        std::slice::from_ref(&two),
        &IngestOptions::default(),
        &NoProgress,
    )
    .await
    .expect("enroll");
    // Searching every face of the photo: the red one is Ann, the blue one nobody.
    let found = search(&backend, &two, &SearchOptions::default())
        .await
        .expect("search");
    assert_eq!(found.faces.len(), 2);
    assert_eq!(
        found.faces[0]
            .matches
            .first()
            .and_then(|m| m.person.as_ref())
            .map(|p| p.name.as_str()),
        Some("Ann Lee")
    );
    assert!(found.faces[1].matches.is_empty(), "{:?}", found.faces[1]);
    assert!(found.faces[0].face.bbox.x < 30.0 && found.faces[0].face.bbox.width > 90.0);

    let orphan_face = fake.inject_face(&cfg.collection, "Ghost");
    let clients = common::clients(&cfg, &fake).await;
    let orphan_key = format!("ff/{}.png", "f".repeat(64));
    for key in [
        format!("faces/{orphan_key}"),
        "faces/zz/tutorial.png".to_string(),
    ] {
        clients
            .s3
            .put_object()
            .bucket(&cfg.bucket)
            .key(key)
            .body(b"orphan".to_vec().into())
            .send()
            .await
            .expect("orphan object");
    }
    common::commit(
        &*backend.table,
        &image("dd44", ImageStatus::Indexed, 1),
        &[face("dangling-1", "Gone Person", "dd44")],
    )
    .await
    .expect("dangling record");

    let report = doctor::doctor(&backend, false).await.expect("doctor");
    assert_eq!(report.orphan_faces, [orphan_face]);
    assert_eq!(report.dangling_records, ["dangling-1"]);
    assert_eq!(report.orphan_objects, std::slice::from_ref(&orphan_key));
    assert_eq!(
        report.foreign_objects,
        ["zz/tutorial.png"],
        "outside the layout"
    );
    let fixed = doctor::doctor(&backend, true).await.expect("doctor --fix");
    assert!(fixed.fixed);
    let after = doctor::doctor(&backend, false).await.expect("doctor again");
    assert_eq!(after.problems(), 0, "{after:?}");
    assert!(
        backend
            .images
            .exists("zz/tutorial.png")
            .await
            .expect("exists"),
        "--fix keeps objects facectl did not write"
    );
    assert!(!backend.images.exists(&orphan_key).await.expect("exists"));
    assert_eq!(backend.table.all_faces().await.expect("faces").len(), 1);
}
