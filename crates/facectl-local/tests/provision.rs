//! Provisioning, the not-provisioned guard and the schema (no models needed).

mod common;

use facectl_core::model::ResourceState;
use facectl_core::BackendError;
use facectl_local::{db_path, images_dir, storage_report, LocalConfig, SCHEMA_VERSION};
use rusqlite::Connection;

fn assert_not_provisioned<T: std::fmt::Debug>(r: Result<T, BackendError>, path: &std::path::Path) {
    match r {
        Err(BackendError::NotProvisioned { resource }) => {
            assert_eq!(resource, path.display().to_string())
        }
        other => panic!(
            "expected NotProvisioned for {}, got {other:?}",
            path.display()
        ),
    }
}

#[tokio::test]
async fn provision_creates_then_finds_everything() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let b = common::backend(&data, false);
    let first = common::provision_all(&b, ResourceState::Created).await;
    assert_eq!(
        first.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
        ["image store", "collection", "table"]
    );
    assert!(images_dir(&data).is_dir());
    assert!(db_path(&data).is_file());
    common::provision_all(&b, ResourceState::Existed).await;
    // A second backend over the same folder (another process) finds it all too.
    let again = common::backend(&data, false);
    common::provision_all(&again, ResourceState::Existed).await;
}

#[tokio::test]
async fn dry_run_creates_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let b = common::backend(&data, false);
    for r in [
        b.images.provision(true).await,
        b.collection.provision(true).await,
        b.table.provision(true).await,
    ] {
        assert_eq!(r.expect("dry run").state, ResourceState::WouldCreate);
    }
    assert!(!data.exists(), "dry run created {}", data.display());
    common::provision_all(&b, ResourceState::Created).await;
    for r in [
        b.images.provision(true).await,
        b.collection.provision(true).await,
        b.table.provision(true).await,
    ] {
        assert_eq!(r.expect("dry run").state, ResourceState::Existed);
    }
}

#[tokio::test]
async fn every_port_refuses_to_work_before_provision() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    let b = common::backend(&data, false);
    let db = db_path(&data);
    assert_not_provisioned(b.collection.info().await, &db);
    assert_not_provisioned(b.collection.list_faces().await, &db);
    assert_not_provisioned(b.collection.delete_faces(&["x".into()]).await, &db);
    assert_not_provisioned(b.table.all_faces().await, &db);
    assert_not_provisioned(b.table.image("abc").await, &db);
    assert_not_provisioned(b.table.persons_named("x").await, &db);
    let images = images_dir(&data);
    assert_not_provisioned(b.images.list_keys().await, &images);
    assert_not_provisioned(
        b.images.put("ab/x.jpg", b"x", &Default::default()).await,
        &images,
    );
    assert!(!data.exists(), "a read created {}", data.display());

    // Each port is its own resource: provisioning the collection leaves the table missing.
    let made = b
        .collection
        .provision(false)
        .await
        .expect("provision collection");
    assert_eq!(made.state, ResourceState::Created);
    assert_eq!(b.collection.info().await.expect("info").faces, 0);
    assert_not_provisioned(b.table.all_faces().await, &db);
    assert_eq!(
        b.table
            .provision(false)
            .await
            .expect("provision table")
            .state,
        ResourceState::Created
    );
    assert!(b.table.all_faces().await.expect("faces").is_empty());
}

#[tokio::test]
async fn schema_version_wal_and_tables_are_set() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = common::backend(tmp.path(), false);
    common::provision_all(&b, ResourceState::Created).await;
    let conn = Connection::open(db_path(tmp.path())).expect("open db");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("prepare");
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for t in [
        "fc_collections",
        "fc_faces",
        "fc_removed",
        "face_records",
        "images",
        "persons",
    ] {
        assert!(
            tables.iter().any(|n| n == t),
            "table {t} missing: {tables:?}"
        );
    }
}

#[tokio::test]
async fn a_database_from_a_newer_facectl_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = common::backend(tmp.path(), false);
    common::provision_all(&b, ResourceState::Created).await;
    let conn = Connection::open(db_path(tmp.path())).expect("open db");
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("bump version");
    drop(conn);
    let fresh = common::backend(tmp.path(), false);
    let err = fresh
        .table
        .all_faces()
        .await
        .expect_err("newer schema accepted");
    assert!(err.to_string().contains("newer"), "{err}");
    let err = fresh
        .collection
        .provision(false)
        .await
        .expect_err("newer schema provisioned");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[tokio::test]
async fn storage_report_measures_the_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = LocalConfig::new(tmp.path());
    let empty = storage_report(&config).expect("report");
    assert_eq!(empty.db_bytes, 0);
    assert_eq!(empty.images.objects, 0);
    assert_eq!(empty.model_dir, tmp.path().join("models"));
    let b = facectl_local::open(config.clone()).expect("open");
    common::provision_all(&b, ResourceState::Created).await;
    b.images
        .put("ab/abc.jpg", &[7u8; 1000], &Default::default())
        .await
        .expect("put");
    let report = storage_report(&config).expect("report");
    assert!(report.db_bytes > 0);
    assert_eq!(report.images.objects, 1);
    assert_eq!(report.images.bytes, 1000);
    assert_eq!(report.db_path, db_path(tmp.path()));
}

#[test]
fn open_refuses_a_file_as_data_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("f");
    std::fs::write(&file, b"x").expect("write");
    assert!(facectl_local::open(LocalConfig::new(&file)).is_err());
}
