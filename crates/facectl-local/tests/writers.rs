//! Writers that cannot hurt each other (issue 11, cases 1 and 2): a photo twice in one
//! bulk-import, two bulk-imports at once, an enroll during a bulk-import. Slow backend calls
//! come from the fault-injection wrapper so the overlaps happen every time. Needs
//! `FACECTL_MODEL_DIR`.

mod common;

use facectl_core::faults::{self, Fault, FaultPlan};
use facectl_core::model::ImageStatus;
use facectl_core::naming::Naming;
use facectl_core::progress::{CancelFlag, NoProgress};
use facectl_core::service::bulk_import::{bulk_import, BulkOptions, BulkReport};
use facectl_core::service::enroll::{enroll, EnrollTarget};
use facectl_core::service::ingest::{FileStatus, IngestOptions};
use facectl_core::service::{doctor, provision};
use facectl_core::Backend;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

fn opts(jobs: usize) -> BulkOptions {
    BulkOptions {
        naming: Naming::Folder,
        jobs,
        ingest: IngestOptions::default(),
        limit: None,
    }
}

/// `root/<Person>/<n>.jpg` from lfw-dev: `persons` people with two photos each.
fn people(root: &Path, persons: usize) -> usize {
    let images = common::data_dir().join("lfw-dev/images");
    let mut dirs: Vec<_> = std::fs::read_dir(&images)
        .expect("lfw-dev")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            std::fs::read_dir(p)
                .map(|d| d.count() >= 2)
                .unwrap_or(false)
        })
        .collect();
    dirs.sort();
    let mut n = 0;
    for dir in dirs.into_iter().take(persons) {
        let name = dir.file_name().expect("name").to_owned();
        std::fs::create_dir_all(root.join(&name)).expect("mkdir");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("person dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for f in files.into_iter().take(2) {
            std::fs::copy(&f, root.join(&name).join(f.file_name().expect("file"))).expect("copy");
            n += 1;
        }
    }
    n
}

/// Every indexed image has its stored object and exactly its own faces, the collection and the
/// records agree, and doctor finds nothing. Returns the number of indexed images.
async fn assert_whole(b: &Backend) -> usize {
    let indexed = b
        .table
        .images(Some(ImageStatus::Indexed))
        .await
        .expect("images");
    let mut per_image: HashMap<String, u32> = HashMap::new();
    let records = b.table.all_faces().await.expect("records");
    for r in &records {
        *per_image.entry(r.image_hash.clone()).or_default() += 1;
    }
    for image in &indexed {
        assert!(
            b.images.exists(&image.image_key).await.expect("exists"),
            "the stored image of {} is lost",
            image.source
        );
        assert_eq!(
            per_image.get(&image.image_hash).copied().unwrap_or(0),
            image.faces,
            "{} is indexed once, with its own faces",
            image.source
        );
    }
    let in_collection = b.collection.list_faces().await.expect("collection").len();
    assert_eq!(in_collection, records.len(), "collection and records agree");
    let health = doctor::doctor(b, false).await.expect("doctor");
    assert_eq!(health.problems(), 0, "{health:?}");
    assert!(health.in_flight_images.is_empty(), "{health:?}");
    indexed.len()
}

fn count(r: &BulkReport, status: FileStatus) -> usize {
    r.files.iter().filter(|f| f.status == status).count()
}

async fn provisioned(dir: &Path) -> Backend {
    let b = common::backend(dir, true);
    provision::provision(&b, false).await.expect("provision");
    b
}

#[tokio::test]
async fn a_photo_twice_in_one_run_keeps_its_stored_image() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    let obama = common::photo("obama.jpg");
    for (dir, file) in [("Barack_Obama", "a.jpg"), ("Barack_Obama", "b.jpg")] {
        std::fs::create_dir_all(src.join(dir)).expect("mkdir");
        std::fs::copy(&obama, src.join(dir).join(file)).expect("copy");
    }
    std::fs::create_dir_all(src.join("Joe_Biden")).expect("mkdir");
    std::fs::copy(common::photo("biden.jpg"), src.join("Joe_Biden/c.jpg")).expect("copy");
    let inner = provisioned(&tmp.path().join("data")).await;
    // The second copy looks while the first is being indexed.
    let plan = FaultPlan::new();
    plan.on(
        "table.image",
        &[2],
        Fault::Delay(Duration::from_millis(300)),
    )
    .always(
        "collection.index_faces",
        Fault::Delay(Duration::from_millis(800)),
    );
    let b = faults::wrap(&inner, &plan);
    let report = bulk_import(&b, &src, &opts(2), &NoProgress, &CancelFlag::new())
        .await
        .expect("bulk-import");
    assert_eq!(
        count(&report, FileStatus::Imported),
        2,
        "{:?}",
        report.files
    );
    let skipped: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.status == FileStatus::Skipped)
        .collect();
    assert_eq!(skipped.len(), 1, "{:?}", report.files);
    assert!(skipped[0].path.starts_with(src.join("Barack_Obama")));
    assert!(
        skipped[0]
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("duplicate"),
        "{:?}",
        skipped[0]
    );
    assert_eq!(assert_whole(&inner).await, 2);
    let again = bulk_import(&inner, &src, &opts(2), &NoProgress, &CancelFlag::new())
        .await
        .expect("again");
    assert_eq!(count(&again, FileStatus::Skipped), 3, "{:?}", again.files);
    assert_eq!(assert_whole(&inner).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_bulk_imports_at_once_index_every_photo_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    let total = people(&src, 3);
    let inner = provisioned(&tmp.path().join("data")).await;
    let plan = FaultPlan::new();
    plan.always(
        "collection.index_faces",
        Fault::Delay(Duration::from_millis(300)),
    );
    let b = faults::wrap(&inner, &plan);
    let (o, c1, c2) = (opts(2), CancelFlag::new(), CancelFlag::new());
    let (first, second) = tokio::join!(
        bulk_import(&b, &src, &o, &NoProgress, &c1),
        bulk_import(&b, &src, &o, &NoProgress, &c2),
    );
    let (first, second) = (first.expect("first"), second.expect("second"));
    for r in [&first, &second] {
        assert_eq!(count(r, FileStatus::Failed), 0, "{:?}", r.files);
    }
    let imported = count(&first, FileStatus::Imported) + count(&second, FileStatus::Imported);
    let indexed = assert_whole(&inner).await;
    assert_eq!(imported, indexed, "{:?} {:?}", first.files, second.files);
    let settled: usize = [&first, &second]
        .iter()
        .map(|r| r.files.len() - count(r, FileStatus::Skipped))
        .sum();
    assert_eq!(settled, total, "each photo handled by exactly one run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enroll_during_a_bulk_import_leaves_its_images_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("src");
    let total = people(&src, 2);
    let inner = provisioned(&tmp.path().join("data")).await;
    let plan = FaultPlan::new();
    plan.always(
        "collection.index_faces",
        Fault::Delay(Duration::from_millis(700)),
    );
    let b = faults::wrap(&inner, &plan);
    let (o, cancel) = (opts(1), CancelFlag::new());
    let bulk = bulk_import(&b, &src, &o, &NoProgress, &cancel);
    let enrolling = async {
        // Start once the bulk-import holds an image mid-way (stored, being indexed).
        tokio::time::sleep(Duration::from_millis(400)).await;
        let pending = inner
            .table
            .images(Some(ImageStatus::Pending))
            .await
            .expect("pending");
        assert!(!pending.is_empty(), "the bulk-import is mid-image");
        let target = EnrollTarget {
            name: Some("Joe Biden".into()),
            person_id: None,
            first_name: None,
            last_name: None,
            meta: Default::default(),
        };
        enroll(
            &inner,
            &target,
            &[common::photo("biden.jpg")],
            &IngestOptions::default(),
            &NoProgress,
        )
        .await
    };
    let (bulk, enrolled) = tokio::join!(bulk, enrolling);
    let (bulk, enrolled) = (bulk.expect("bulk-import"), enrolled.expect("enroll"));
    assert!(enrolled.recovery.is_none(), "enroll recovered live work");
    assert_eq!(count(&bulk, FileStatus::Failed), 0, "{:?}", bulk.files);
    let done = count(&bulk, FileStatus::Imported);
    assert_eq!(assert_whole(&inner).await, done + 1);
    assert!(done > 0 && bulk.files.len() == total);
}
