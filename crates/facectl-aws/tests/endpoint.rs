//! The aws backend end to end against real protocol peers on loopback: moto for S3 and
//! DynamoDB, `facectl serve` (the Rekognition-compatible endpoint, with the real face engine)
//! for Rekognition. Nothing is faked: IndexFaces reads the uploaded object back from moto.
//!
//! Needs FACECTL_MODEL_DIR (the tests fail, never skip, without it) and moto (see `common`).

mod common;

use common::kill_after::KillAfter;
use common::Moto;
use facectl_aws::AwsConfig;
use facectl_core::contract::{run_story, Fixtures};
use facectl_core::naming::Naming;
use facectl_core::progress::{CancelFlag, NoProgress};
use facectl_core::service::bulk_import::{bulk_import, BulkOptions};
use facectl_core::service::ingest::IngestOptions;
use facectl_core::service::search::{search, SearchOptions};
use facectl_core::service::{doctor, provision};
use facectl_core::Backend;
use facectl_engine::{Engine, EngineConfig, ModelPaths};
use facectl_serve::{ServeConfig, Server};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// One engine for every test of this binary (loading takes seconds).
fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(ENGINE.get_or_init(|| {
        let paths = ModelPaths::from_env().unwrap_or_else(|e| {
            panic!("FACECTL_MODEL_DIR must point at the YuNet and SFace models: {e}")
        });
        Arc::new(
            Engine::load(&paths, EngineConfig::default()).unwrap_or_else(|e| panic!("engine: {e}")),
        )
    }))
}

/// moto + a `facectl serve` on a free port, for one test.
struct Stack {
    moto: Moto,
    rekognition: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn stack() -> Stack {
    let moto = Moto::start();
    let cfg = ServeConfig {
        addr: "127.0.0.1:0".parse().expect("addr"),
        region: "eu-west-1".into(),
        s3_endpoint: Some(moto.endpoint.clone()),
        s3_credentials: Some(("test".into(), "test".into())),
        ..ServeConfig::default()
    };
    let server = Server::bind(cfg, Some(engine()))
        .await
        .unwrap_or_else(|e| panic!("facectl serve: {e}"));
    let rekognition = format!("http://{}", server.local_addr());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    Stack {
        moto,
        rekognition,
        _stop: tx,
    }
}

fn config(stack: &Stack, tag: &str) -> AwsConfig {
    let mut cfg = common::config(&stack.moto, tag);
    cfg.rekognition_endpoint = Some(stack.rekognition.clone());
    cfg
}

async fn backend(cfg: &AwsConfig) -> Backend {
    facectl_aws::from_clients(cfg, common::real_clients(cfg).await)
        .unwrap_or_else(|e| panic!("backend: {e}"))
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/images")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_story_passes_on_moto_and_facectl_serve() {
    let stack = stack().await;
    let cfg = config(&stack, "e2e-story");
    let backend = backend(&cfg).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let not_an_image = dir.path().join("notes.txt");
    std::fs::write(&not_an_image, b"these are not pixels").expect("write");
    let blank = dir.path().join("blank.png");
    image::RgbImage::from_pixel(320, 240, image::Rgb([128, 128, 128]))
        .save(&blank)
        .expect("blank png");
    let fixtures = Fixtures {
        alice: [example("obama.jpg"), example("obama2.jpg")],
        bob: example("biden.jpg"),
        no_face: blank,
        not_an_image,
    };
    if let Err(broken) = run_story(&backend, &fixtures).await {
        panic!("contract story failed: {broken}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_names_every_face_of_a_group_photo() {
    let stack = stack().await;
    let cfg = config(&stack, "e2e-group");
    let backend = backend(&cfg).await;
    provision::provision(&backend, false)
        .await
        .expect("provision");
    for (name, file) in [("Barack Obama", "obama.jpg"), ("Joe Biden", "biden.jpg")] {
        facectl_core::service::enroll::enroll(
            &backend,
            &facectl_core::service::enroll::EnrollTarget {
                name: Some(name.into()),
                person_id: None,
                first_name: None,
                last_name: None,
                meta: Default::default(),
            },
            &[example(file)],
            &IngestOptions::default(),
            &NoProgress,
        )
        .await
        .expect("enroll");
    }
    let found = search(
        &backend,
        &example("two_people.jpg"),
        &SearchOptions::default(),
    )
    .await
    .expect("search");
    let mut names: Vec<&str> = found
        .faces
        .iter()
        .filter_map(|f| f.matches.first())
        .filter_map(|m| m.person.as_ref().map(|p| p.name.as_str()))
        .collect();
    names.sort();
    assert_eq!(names, ["Barack Obama", "Joe Biden"], "{found:#?}");
}

/// `n` people with `per` photos each from lfw-dev, copied into `dir/<Person>/`.
fn lfw_people(dir: &Path, n: usize, per: usize) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lfw-dev/images");
    let mut people: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    people.sort();
    let mut copied = 0;
    for person in people {
        if copied == n * per {
            break;
        }
        let mut photos: Vec<PathBuf> = std::fs::read_dir(&person)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        if photos.len() < per {
            continue;
        }
        photos.sort();
        let name = person.file_name().expect("name");
        std::fs::create_dir_all(dir.join(name)).expect("mkdir");
        for p in &photos[..per] {
            std::fs::copy(p, dir.join(name).join(p.file_name().expect("file"))).expect("copy");
            copied += 1;
        }
    }
    copied
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_import_killed_midway_resumes_and_doctor_repairs_orphans() {
    let stack = stack().await;
    let cfg = config(&stack, "e2e-bulk");
    let backend = backend(&cfg).await;
    provision::provision(&backend, false)
        .await
        .expect("provision");
    let dir = tempfile::tempdir().expect("tempdir");
    let total = lfw_people(dir.path(), 3, 3);
    assert_eq!(total, 9);
    let opts = BulkOptions {
        naming: Naming::Folder,
        jobs: 2,
        ingest: IngestOptions::default(),
        limit: None,
    };
    let killing = Backend {
        table: Arc::new(KillAfter {
            inner: Arc::clone(&backend.table),
            commits: AtomicUsize::new(3),
        }),
        ..backend.clone()
    };
    let cancel = CancelFlag::new();
    let run = bulk_import(&killing, dir.path(), &opts, &NoProgress, &cancel);
    assert!(
        tokio::time::timeout(Duration::from_secs(20), run)
            .await
            .is_err(),
        "the first run hangs at the fourth commit and is killed"
    );
    let resumed = bulk_import(&backend, dir.path(), &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("resume");
    assert!(resumed.recovery.is_some(), "recovery ran");
    assert_eq!(resumed.counts.failed, 0, "{:?}", resumed.files);
    assert_eq!(resumed.counts.skipped, 3, "committed images are skipped");
    assert_eq!(
        resumed.counts.imported + resumed.counts.no_face + resumed.counts.multiple_faces,
        total - 3,
        "{:?}",
        resumed.files
    );
    let health = doctor::doctor(&backend, false).await.expect("doctor");
    assert_eq!(health.problems(), 0, "{health:?}");
    let faces = backend.table.all_faces().await.expect("faces");
    let in_collection = backend.collection.list_faces().await.expect("collection");
    assert_eq!(
        faces.len(),
        in_collection.len(),
        "one record per indexed face"
    );

    // An orphan face: indexed straight into the collection, bypassing facectl.
    let c = common::real_clients(&cfg).await;
    let bytes = std::fs::read(example("grace_hopper.jpg")).expect("read");
    let indexed = c
        .rekognition
        .index_faces()
        .collection_id(&cfg.collection)
        .image(
            aws_sdk_rekognition::types::Image::builder()
                .bytes(aws_sdk_rekognition::primitives::Blob::new(bytes))
                .build(),
        )
        .external_image_id("Grace_Hopper")
        .send()
        .await
        .expect("index orphan");
    let orphan = indexed.face_records()[0]
        .face()
        .and_then(|f| f.face_id())
        .expect("face id")
        .to_string();
    let report = doctor::doctor(&backend, false).await.expect("doctor");
    assert_eq!(
        report.orphan_faces,
        std::slice::from_ref(&orphan),
        "{report:?}"
    );
    let fixed = doctor::doctor(&backend, true).await.expect("doctor --fix");
    assert!(fixed.fixed);
    let after = doctor::doctor(&backend, false).await.expect("doctor");
    assert_eq!(after.problems(), 0, "{after:?}");
    let listed = backend.collection.list_faces().await.expect("collection");
    assert!(listed.iter().all(|f| f.face_id != orphan));
}
