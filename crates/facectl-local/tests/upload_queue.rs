//! The upload watch's rules, on the local backend with an in-memory queue: a message is
//! deleted only once its photo is committed, a backend failure leaves it for another receive,
//! a photo that cannot succeed is rejected with its reason, a slow photo keeps its message
//! hidden. Needs `FACECTL_MODEL_DIR`.

mod common;

use async_trait::async_trait;
use facectl_core::faults::{self, Fault, FaultPlan};
use facectl_core::model::ResourceStatus;
use facectl_core::ports::{BackendResult, QueuedUpload, UploadQueue, UploadSource, UploadedObject};
use facectl_core::progress::{CancelFlag, NoProgress};
use facectl_core::service::provision;
use facectl_core::service::watch_uploads::{watch_uploads, UploadWatchOptions};
use facectl_core::{Backend, BackendError};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A queue holding one message per object: a received message is hidden until it is done,
/// rejected, handed back (`extend` to 0) or its visibility timeout runs out ([`Self::expire`],
/// or by the clock with [`Self::visibility`], as SQS does: then a long-polling receive waits
/// for it).
#[derive(Default)]
struct MemQueue {
    objects: HashMap<String, UploadedObject>,
    waiting: Mutex<Vec<String>>,
    /// Hidden messages and when they come back (`None`: only by [`Self::expire`]).
    hidden: Mutex<Vec<(String, Option<Instant>)>>,
    done: Mutex<Vec<String>>,
    rejected: Mutex<Vec<(String, String)>>,
    extended: Mutex<usize>,
    receives: Mutex<HashMap<String, u32>>,
    timeout: Option<Duration>,
}

impl MemQueue {
    fn with(uploads: &[(&str, &Path, Option<&str>)]) -> MemQueue {
        let mut q = MemQueue::default();
        for (key, path, name) in uploads {
            let mut metadata = BTreeMap::new();
            if let Some(n) = name {
                metadata.insert("fullname".to_string(), n.to_string());
            }
            let bytes = common::read(path);
            q.objects
                .insert(key.to_string(), UploadedObject { bytes, metadata });
            q.waiting.lock().expect("lock").push(key.to_string());
        }
        q
    }
    /// Received messages come back after `timeout` unless settled or extended.
    fn visibility(mut self, timeout: Duration) -> MemQueue {
        self.timeout = Some(timeout);
        self
    }
    fn deadline(&self) -> Option<Instant> {
        self.timeout.map(|t| Instant::now() + t)
    }
    /// Hidden messages whose timeout ran out go back to waiting; the next such time, if any.
    fn come_back(&self) -> Option<Instant> {
        let now = Instant::now();
        let mut hidden = self.hidden.lock().expect("lock");
        let (back, still): (Vec<_>, Vec<_>) = hidden
            .drain(..)
            .partition(|(_, at)| at.is_some_and(|at| at <= now));
        *hidden = still;
        self.waiting
            .lock()
            .expect("lock")
            .extend(back.into_iter().map(|(k, _)| k));
        hidden.iter().filter_map(|(_, at)| *at).min()
    }
    fn done(&self) -> Vec<String> {
        self.done.lock().expect("lock").clone()
    }
    fn rejected(&self) -> Vec<(String, String)> {
        self.rejected.lock().expect("lock").clone()
    }
    fn finish(&self, receipt: &str) {
        self.hidden
            .lock()
            .expect("lock")
            .retain(|(k, _)| k != receipt);
    }
    /// Every hidden message's visibility timeout runs out.
    fn expire(&self) {
        let hidden = std::mem::take(&mut *self.hidden.lock().expect("lock"));
        self.waiting
            .lock()
            .expect("lock")
            .extend(hidden.into_iter().map(|(k, _)| k));
    }
}

#[async_trait]
impl UploadSource for MemQueue {
    async fn fetch(&self, key: &str, max_bytes: u64) -> BackendResult<UploadedObject> {
        let object = self
            .objects
            .get(key)
            .ok_or_else(|| BackendError::NotFound(key.into()))?;
        if object.bytes.len() as u64 > max_bytes {
            return Err(BackendError::InvalidImage {
                origin: key.into(),
                reason: "over the byte limit".into(),
            });
        }
        Ok(object.clone())
    }
}

#[async_trait]
impl UploadQueue for MemQueue {
    fn location(&self) -> String {
        "memory".into()
    }
    async fn provision(&self, _dry_run: bool) -> BackendResult<Vec<ResourceStatus>> {
        Ok(Vec::new())
    }
    async fn receive(&self, max: u32, wait_secs: u32) -> BackendResult<Vec<QueuedUpload>> {
        let until = Instant::now() + Duration::from_secs(u64::from(wait_secs));
        let taken: Vec<String> = loop {
            let next = self.come_back();
            {
                let mut waiting = self.waiting.lock().expect("lock");
                if !waiting.is_empty() {
                    let n = waiting.len().min(max as usize);
                    break waiting.drain(..n).collect();
                }
            }
            // Long polling: wait for a hidden message coming back within the wait.
            match next {
                Some(at) if at <= until => tokio::time::sleep_until(at.into()).await,
                _ => break Vec::new(),
            }
        };
        let deadline = self.deadline();
        self.hidden
            .lock()
            .expect("lock")
            .extend(taken.iter().map(|k| (k.clone(), deadline)));
        let mut receives = self.receives.lock().expect("lock");
        Ok(taken
            .into_iter()
            .map(|k| {
                let n = receives.entry(k.clone()).or_insert(0);
                *n += 1;
                QueuedUpload {
                    receipt: k.clone(),
                    keys: vec![k.clone()],
                    receives: *n,
                    body: k,
                }
            })
            .collect())
    }
    async fn done(&self, msg: &QueuedUpload) -> BackendResult<()> {
        self.finish(&msg.receipt);
        self.done.lock().expect("lock").push(msg.receipt.clone());
        Ok(())
    }
    async fn reject(&self, msg: &QueuedUpload, reason: &str) -> BackendResult<()> {
        self.finish(&msg.receipt);
        let r = (msg.receipt.clone(), reason.to_string());
        self.rejected.lock().expect("lock").push(r);
        Ok(())
    }
    async fn extend(&self, msg: &QueuedUpload, secs: u32) -> BackendResult<()> {
        if secs > 0 {
            *self.extended.lock().expect("lock") += 1;
            let deadline = self.deadline();
            for (k, at) in self.hidden.lock().expect("lock").iter_mut() {
                if *k == msg.receipt {
                    *at = deadline;
                }
            }
        } else {
            self.finish(&msg.receipt);
            self.waiting.lock().expect("lock").push(msg.receipt.clone());
        }
        Ok(())
    }
}

async fn provisioned(dir: &Path) -> Backend {
    let b = common::backend(dir, true);
    provision::provision(&b, false).await.expect("provision");
    b
}

fn once() -> UploadWatchOptions {
    UploadWatchOptions {
        once: true,
        ..UploadWatchOptions::default()
    }
}

#[tokio::test]
async fn a_backend_failure_leaves_the_message_and_a_later_run_commits_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = provisioned(tmp.path()).await;
    let obama = common::photo("obama.jpg");
    let queue = MemQueue::with(&[("uploads/a.jpg", &obama, Some("Barack Obama"))]);
    let plan = FaultPlan::new();
    plan.always("images.put", Fault::Fail("disk gone".into()));
    let failing = faults::wrap(&backend, &plan);
    let opts = UploadWatchOptions { jobs: 1, ..once() };
    let report = watch_uploads(&failing, &queue, &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(report.retried, 1, "{report:?}");
    // Hidden until `expire` here: not back before the run gave up waiting for it.
    assert_eq!(report.left, 1, "{report:?}");
    assert!(queue.done().is_empty() && queue.rejected().is_empty());
    assert_eq!(backend.table.all_faces().await.expect("faces").len(), 0);

    // The message comes back after its visibility timeout.
    queue.expire();
    let report = watch_uploads(&backend, &queue, &once(), &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(report.counts.imported, 1, "{report:?}");
    assert_eq!(queue.done(), ["uploads/a.jpg"]);
    let faces = backend.table.all_faces().await.expect("faces");
    assert_eq!(faces.len(), 1);
}

/// A failed try seen again by the same watch process (the message back from its visibility
/// timeout) is imported then. An earlier version remembered every content a run had started on
/// and skipped the second try as "a duplicate of another file in this run", deleting the
/// message: the photo was lost, and doctor could not tell (measured on moto, whose
/// TransactWriteItems answers 500 under load).
#[tokio::test]
async fn a_message_back_from_its_visibility_timeout_is_imported_by_the_same_watch() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = provisioned(tmp.path()).await;
    let obama = common::photo("obama.jpg");
    let queue = MemQueue::with(&[("uploads/a.jpg", &obama, Some("Barack Obama"))])
        .visibility(Duration::from_millis(300));
    // Every retry of the first commit fails (6 attempts); the next try's commit goes through.
    let plan = FaultPlan::new();
    plan.on(
        "table.commit_image",
        &[1, 2, 3, 4, 5, 6],
        Fault::Fail("HTTP 500".into()),
    );
    let failing = faults::wrap(&backend, &plan);
    let opts = UploadWatchOptions { jobs: 1, ..once() };
    let report = watch_uploads(&failing, &queue, &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(plan.count("table.commit_image"), 7, "{report:?}");
    assert_eq!(report.retried, 1, "{report:?}");
    assert_eq!(report.left, 0, "{report:?}");
    assert_eq!(report.counts.imported, 1, "{report:?}");
    assert_eq!(report.counts.skipped, 0, "{report:?}");
    assert_eq!(queue.done(), ["uploads/a.jpg"]);
    assert_eq!(queue.receives.lock().expect("lock")["uploads/a.jpg"], 2);
    let faces = backend.table.all_faces().await.expect("faces");
    assert_eq!(faces.len(), 1);
    assert_eq!(
        backend.collection.list_faces().await.expect("list").len(),
        1
    );
    let doctor = facectl_core::service::doctor::doctor(&backend, false)
        .await
        .expect("doctor");
    assert_eq!(doctor.problems(), 0, "{doctor:?}");
}

#[tokio::test]
async fn photos_that_cannot_succeed_are_rejected_with_their_reason() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = provisioned(tmp.path()).await;
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "not a photo").expect("write");
    let landscape = common::no_face_photo();
    let biden = common::photo("biden.jpg");
    let queue = MemQueue::with(&[
        ("uploads/notes.jpg", &text, Some("Jane Doe")),
        ("uploads/view.jpg", &landscape, Some("Jane Doe")),
        ("uploads/Joe_Biden/1.jpg", &biden, None),
    ]);
    let report = watch_uploads(&backend, &queue, &once(), &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(report.rejected, 2, "{report:?}");
    let rejected = queue.rejected();
    let reason = |k: &str| {
        rejected
            .iter()
            .find(|(r, _)| r == k)
            .map(|(_, why)| why.clone())
            .unwrap_or_else(|| panic!("{k} not rejected: {rejected:?}"))
    };
    assert!(reason("uploads/notes.jpg").contains("not a supported image"));
    assert!(reason("uploads/view.jpg").contains("uploads/view.jpg"));
    // Named by its folder.
    assert_eq!(queue.done(), ["uploads/Joe_Biden/1.jpg"]);
    let joe = backend
        .table
        .persons_named("Joe Biden")
        .await
        .expect("persons");
    assert_eq!(joe.len(), 1);
}

#[tokio::test]
async fn a_slow_photo_keeps_its_message_hidden() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = provisioned(tmp.path()).await;
    let obama = common::photo("obama.jpg");
    let queue = MemQueue::with(&[("uploads/a.jpg", &obama, Some("Barack Obama"))]);
    let plan = FaultPlan::new();
    plan.always(
        "collection.index_faces",
        Fault::Delay(Duration::from_secs(3)),
    );
    let slow = faults::wrap(&backend, &plan);
    let opts = UploadWatchOptions {
        visibility_secs: 2,
        ..once()
    };
    let report = watch_uploads(&slow, &queue, &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(report.counts.imported, 1, "{report:?}");
    assert!(*queue.extended.lock().expect("lock") >= 2);
    assert_eq!(queue.done(), ["uploads/a.jpg"]);
}

#[tokio::test]
async fn two_watchers_at_once_index_a_photo_uploaded_twice_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = provisioned(tmp.path()).await;
    let obama = common::photo("obama.jpg");
    let queue = MemQueue::with(&[
        ("uploads/a.jpg", &obama, Some("Barack Obama")),
        ("uploads/b.jpg", &obama, Some("Barack Obama")),
    ]);
    // Slow indexing, so the second watcher meets the first one's claim.
    let plan = FaultPlan::new();
    plan.always(
        "collection.index_faces",
        Fault::Delay(Duration::from_secs(2)),
    );
    let slow = faults::wrap(&backend, &plan);
    let opts = UploadWatchOptions { jobs: 1, ..once() };
    let (c1, c2) = (CancelFlag::new(), CancelFlag::new());
    let (one, two) = tokio::join!(
        watch_uploads(&slow, &queue, &opts, &NoProgress, &c1),
        watch_uploads(&slow, &queue, &opts, &NoProgress, &c2),
    );
    let (one, two) = (one.expect("watch"), two.expect("watch"));
    assert_eq!(
        one.counts.imported + two.counts.imported,
        1,
        "{one:?} {two:?}"
    );
    // The copy met an image still in work: its message is left, never deleted unstored.
    assert_eq!(one.retried + two.retried, 1, "{one:?} {two:?}");
    assert_eq!(queue.done().len(), 1);
    queue.expire();
    let again = watch_uploads(&backend, &queue, &once(), &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(again.counts.skipped, 1, "{again:?}");
    assert_eq!(queue.done().len(), 2);
    assert_eq!(backend.table.all_faces().await.expect("faces").len(), 1);
    assert!(queue.rejected().is_empty());
}

#[tokio::test]
async fn an_oversized_upload_is_rejected_unread() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = provisioned(tmp.path()).await;
    let obama = common::photo("obama.jpg");
    let queue = MemQueue::with(&[("uploads/big.jpg", &obama, Some("Barack Obama"))]);
    let mut opts = once();
    opts.ingest.max_bytes = 1000;
    let report = watch_uploads(&backend, &queue, &opts, &NoProgress, &CancelFlag::new())
        .await
        .expect("watch");
    assert_eq!(report.rejected, 1, "{report:?}");
    let rejected = queue.rejected();
    assert!(rejected[0].1.contains("byte limit"), "{rejected:?}");
    assert_eq!(backend.table.all_faces().await.expect("faces").len(), 0);
}
