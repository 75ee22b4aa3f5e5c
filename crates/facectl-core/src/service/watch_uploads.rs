//! `watch` on the aws backend: index photos as they are uploaded to the bucket. The bucket's
//! `s3:ObjectCreated:*` notifications arrive on a queue ([`UploadQueue`]); each announced
//! object is ingested through the same code as bulk-import (quality gate, idempotent by content
//! hash), its person named by the tutorials' object metadata or by its key. A message is
//! deleted only once its images are committed; a photo that cannot succeed (no face, not an
//! image, no name) goes to the dead-letter queue with its reason; a backend failure leaves the
//! message to be received again (the queue's redrive policy moves it to the dead-letter queue
//! after a few receives). Visibility is extended while a slow photo is worked on.

use super::bulk_import::{done_event, BulkCounts};
use super::ingest::RETRY_ATTEMPTS;
use super::ingest::{self, FileOutcome, FileStatus, InFlight, IngestOptions};
use super::watch::{cancelled, tally};
use super::{with_retry, Photo};
use crate::error::{BackendError, ServiceError};
use crate::model::{ImageStatus, PersonInfo};
use crate::naming::{name_from_folder, name_from_stem, person_named};
use crate::ports::{Backend, QueuedUpload, UploadQueue, UploadSource};
use crate::progress::{CancelFlag, Progress, ProgressEvent};
use futures::stream::{FuturesUnordered, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Options for watching the upload queue.
#[derive(Clone, Debug)]
pub struct UploadWatchOptions {
    pub jobs: usize,
    pub ingest: IngestOptions,
    /// Key prefix uploads arrive under (`uploads/`): stripped before naming by the key.
    pub upload_prefix: String,
    /// Long-polling wait per receive, seconds (at most 20).
    pub wait_secs: u32,
    /// How long a received message stays hidden; extended every half of it while in work.
    pub visibility_secs: u32,
    /// Drain the queue (until a receive comes back empty), then return.
    pub once: bool,
}

impl Default for UploadWatchOptions {
    fn default() -> Self {
        UploadWatchOptions {
            jobs: 2,
            ingest: IngestOptions::default(),
            upload_prefix: "uploads/".into(),
            wait_secs: 20,
            visibility_secs: 60,
            once: false,
        }
    }
}

/// What a watch of the upload queue did, when it stops.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UploadWatchReport {
    pub queue: String,
    pub messages: u64,
    pub counts: BulkCounts,
    pub faces_indexed: usize,
    /// Messages moved to the dead-letter queue with a reason.
    pub rejected: u64,
    /// Tries left for another receive after a backend failure (a message may count twice).
    pub retried: u64,
    /// Messages left for another try that this run did not see again before it stopped (still
    /// on the queue, or gone to the dead-letter queue after too many receives).
    #[serde(default)]
    pub left: u64,
    pub elapsed_secs: f64,
}

/// The person an upload is for: the tutorials' metadata (`fullname`, or `first_name` +
/// `last_name`, or `name`), else the first folder of the key under the upload prefix
/// (`uploads/Jane_Doe/x.jpg`), else the file name (`uploads/Jane_Doe_0001.jpg`).
pub fn person_for_upload(
    key: &str,
    prefix: &str,
    metadata: &BTreeMap<String, String>,
) -> Option<PersonInfo> {
    let meta = |k: &str| metadata.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let from_meta = meta("fullname")
        .map(str::to_string)
        .or_else(|| match (meta("first_name"), meta("last_name")) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
            (None, None) => None,
        })
        .or_else(|| meta("name").map(str::to_string));
    if let Some(name) = from_meta {
        return Some(person_named(&name));
    }
    let rel = key.strip_prefix(prefix).unwrap_or(key);
    let mut parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let file = parts.pop()?;
    let name = match parts.first() {
        Some(folder) => name_from_folder(folder),
        None => {
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
            name_from_stem(stem)
        }
    };
    (!name.is_empty()).then(|| person_named(&name))
}

/// How one message (or one upload event) ended.
pub(super) enum Handled {
    /// Every key done (or nothing to do): delete the message.
    Done(Vec<FileOutcome>),
    /// A key cannot succeed: to the dead-letter queue with this reason.
    Rejected(Vec<FileOutcome>, String),
    /// A backend failure: leave the message for another receive.
    Retry(String),
}

/// Watch the upload queue until `cancel` is set (or, with `opts.once`, until it is empty).
pub async fn watch_uploads(
    backend: &Backend,
    queue: &dyn UploadQueue,
    opts: &UploadWatchOptions,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<UploadWatchReport, ServiceError> {
    let started = Instant::now();
    ingest::recover(backend, progress).await?;
    let in_flight = InFlight::default();
    let mut report = UploadWatchReport {
        queue: queue.location(),
        ..UploadWatchReport::default()
    };
    // Messages are received while others are in work, up to `jobs` at once (no batch waits
    // for its slowest photo); each is settled (deleted, rejected, left) as soon as it ends.
    let jobs = opts.jobs.max(1);
    let mut work = FuturesUnordered::new();
    let mut failure: Option<ServiceError> = None;
    // Messages left for another try, by their keys, and when they are due back.
    let mut due: HashMap<String, Instant> = HashMap::new();
    // Of those, how many `once` stopped waiting for.
    let mut gave_up = 0u64;
    loop {
        let stopping = cancel.is_cancelled() || failure.is_some();
        let room = jobs.saturating_sub(work.len());
        if !stopping && room > 0 {
            // With work in flight a receive must not hold up settling it: poll without
            // waiting. Draining (`once`) polls briefly: an empty answer then means empty.
            let wait = if !work.is_empty() {
                0
            } else if opts.once {
                2
            } else {
                opts.wait_secs.min(20)
            };
            let max = u32::try_from(room.min(10)).unwrap_or(10);
            let received = tokio::select! {
                r = with_retry(RETRY_ATTEMPTS, || queue.receive(max, wait)) => r,
                _ = cancelled(cancel) => Ok(Vec::new()),
            };
            match received {
                Ok(msgs) if !msgs.is_empty() => {
                    report.messages += msgs.len() as u64;
                    for msg in msgs {
                        due.remove(&msg.keys.join("\n"));
                        work.push(run_one(
                            backend, queue, msg, opts, &in_flight, progress, cancel,
                        ));
                    }
                    continue;
                }
                Ok(_) if work.is_empty() => {
                    if opts.once {
                        // Drained, but for messages this run left for another try: wait for
                        // those due back soon (one not back a few seconds after its time went
                        // to another receiver or to the dead-letter queue).
                        let now = Instant::now();
                        let before = due.len();
                        due.retain(|_, at| *at + DUE_GRACE > now);
                        gave_up += (before - due.len()) as u64;
                        match due.values().min() {
                            Some(&at) => {
                                // Not before it is due, nor in a tight loop once it is.
                                let wake = at.max(now + Duration::from_millis(500));
                                tokio::select! {
                                    _ = tokio::time::sleep_until(wake.into()) => {}
                                    _ = cancelled(cancel) => {}
                                }
                                continue;
                            }
                            None => break,
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                // Finish what is in work, then report the failure.
                Err(e) => failure = Some(e.into()),
            }
        }
        match work.next().await {
            Some((msg, h)) => {
                if let Some(back) = settle(queue, &msg, h, &mut report, progress).await {
                    due.insert(msg.keys.join("\n"), Instant::now() + back);
                }
            }
            None if stopping => break,
            None => {}
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    report.left = gave_up + due.len() as u64;
    report.elapsed_secs = started.elapsed().as_secs_f64();
    progress.event(ProgressEvent::Finished);
    Ok(report)
}

/// Works on one message, keeping it hidden meanwhile; `None` when stopping before it began.
async fn run_one<'a>(
    backend: &'a Backend,
    queue: &'a dyn UploadQueue,
    msg: QueuedUpload,
    opts: &'a UploadWatchOptions,
    in_flight: &'a InFlight,
    progress: &'a dyn Progress,
    cancel: &'a CancelFlag,
) -> (QueuedUpload, Option<Handled>) {
    // Once stopping, messages not yet started go back to the queue at once.
    if cancel.is_cancelled() {
        return (msg, None);
    }
    let work = handle(backend, queue, &msg.keys, opts, in_flight, progress);
    let h = with_visibility(queue, &msg, opts.visibility_secs, work).await;
    (msg, Some(h))
}

/// How long a message left for another try stays hidden: 2 s after its first receive,
/// doubling with each receive up to 30 s (the queue's redrive policy ends the series).
pub fn retry_backoff(receives: u32) -> Duration {
    Duration::from_secs((1u64 << receives.clamp(1, 5)).min(30))
}

/// How long after its time a retried message may take to come back before `once` stops
/// waiting for it.
const DUE_GRACE: Duration = Duration::from_secs(5);

/// Deletes, rejects or leaves a message by how it ended, and counts it. For a message left
/// for another try: after how long it comes back.
async fn settle(
    queue: &dyn UploadQueue,
    msg: &QueuedUpload,
    h: Option<Handled>,
    report: &mut UploadWatchReport,
    progress: &dyn Progress,
) -> Option<Duration> {
    let mut back = None;
    let mut count = |outcomes: &[FileOutcome]| {
        for o in outcomes {
            tally(&mut report.counts, &mut report.faces_indexed, o);
        }
    };
    let result = match h {
        None => queue.extend(msg, 0).await,
        Some(Handled::Done(outcomes)) => {
            count(&outcomes);
            queue.done(msg).await
        }
        Some(Handled::Rejected(outcomes, reason)) => {
            count(&outcomes);
            report.rejected += 1;
            queue.reject(msg, &reason).await
        }
        Some(Handled::Retry(reason)) => {
            report.retried += 1;
            let wait = retry_backoff(msg.receives);
            progress.event(ProgressEvent::Note(format!(
                "{}: left on the queue for another try in {} s (receive {}): {reason}",
                msg.keys.join(", "),
                wait.as_secs(),
                msg.receives
            )));
            // Back after a backoff rather than the whole visibility timeout.
            back = Some(wait);
            queue
                .extend(msg, u32::try_from(wait.as_secs()).unwrap_or(30))
                .await
        }
    };
    if let Err(e) = result {
        // The message comes back after its visibility timeout; its images are skipped by
        // their content hash then.
        progress.event(ProgressEvent::Note(format!(
            "{}: could not update the queue: {e}",
            msg.keys.join(", ")
        )));
    }
    back
}

/// Ingests every key of one message (or one upload event), read from `source`.
pub(super) async fn handle(
    backend: &Backend,
    source: &dyn UploadSource,
    keys: &[String],
    opts: &UploadWatchOptions,
    in_flight: &InFlight,
    progress: &dyn Progress,
) -> Handled {
    let mut outcomes = Vec::new();
    let mut rejected = Vec::new();
    for key in keys {
        let max = opts.ingest.max_bytes;
        let object = match with_retry(RETRY_ATTEMPTS, || source.fetch(key, max)).await {
            Ok(o) => o,
            Err(e @ BackendError::InvalidImage { .. }) => {
                rejected.push(e.to_string());
                continue;
            }
            Err(BackendError::NotFound(_)) => {
                // Deleted since it was uploaded: nothing left to index.
                progress.event(ProgressEvent::Note(format!(
                    "{key}: gone before it was read"
                )));
                continue;
            }
            Err(e) => return Handled::Retry(format!("{key}: {e}")),
        };
        let Some(person) = person_for_upload(key, &opts.upload_prefix, &object.metadata) else {
            rejected.push(format!(
                "{key}: no person name (metadata fullname or first_name/last_name, or a folder under {})",
                opts.upload_prefix
            ));
            continue;
        };
        let photo = match Photo::upload(key, object.bytes, max) {
            Ok(p) => p,
            Err(e) => {
                rejected.push(e.to_string());
                continue;
            }
        };
        match ingest::ingest_photo(backend, &photo, &person, &opts.ingest, in_flight).await {
            Ok(outcome) => {
                if let Some(why) = held_elsewhere(backend, &outcome, in_flight).await {
                    // Another writer (or one that died moments ago, whose lease has not run out
                    // yet) holds this image: deleting the message now could lose the photo.
                    return Handled::Retry(format!("{key}: {why}"));
                }
                if outcome.retryable {
                    let why = outcome.reason.clone().unwrap_or_default();
                    return Handled::Retry(format!("{key}: {why}"));
                }
                progress.event(done_event(&outcome));
                if matches!(outcome.status, FileStatus::Failed | FileStatus::NoFace) {
                    let why = outcome.reason.as_deref().unwrap_or(outcome.status.as_str());
                    let why = why.trim();
                    rejected.push(if why.starts_with(key.as_str()) {
                        why.to_string()
                    } else {
                        format!("{key}: {why}")
                    });
                }
                outcomes.push(outcome);
            }
            Err(e) => return Handled::Retry(format!("{key}: {e}")),
        }
    }
    if rejected.is_empty() {
        Handled::Done(outcomes)
    } else {
        Handled::Rejected(outcomes, rejected.join("; "))
    }
}

/// Why a skipped photo is not done yet: its image is still pending under another writer's
/// claim, or not recorded at all (the message must come back until that image is committed or
/// taken over). A copy that this run is importing under another key is waited for instead.
async fn held_elsewhere(
    backend: &Backend,
    outcome: &FileOutcome,
    in_flight: &InFlight,
) -> Option<String> {
    if outcome.status != FileStatus::Skipped {
        return None;
    }
    let hash = outcome.image_hash.as_deref()?;
    let me = in_flight.owner();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        // Read before the record: an attempt that ends in between has written it already.
        let working = in_flight.is_working(hash);
        let holder = match backend.table.image(hash).await {
            Ok(Some(r)) if r.status == ImageStatus::Pending => r.claim.map(|c| c.owner),
            Ok(Some(_)) => return None,
            Ok(None) if working => Some(me.to_string()),
            Ok(None) => {
                return Some(format!(
                    "image {hash} is not recorded (the attempt on its other copy did not commit)"
                ))
            }
            Err(e) => return Some(format!("image {hash}: cannot check its state: {e}")),
        };
        match holder {
            Some(owner) if owner == me && working && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            owner => {
                return Some(format!(
                    "image {hash} is still being imported by {}",
                    owner.unwrap_or_else(|| "another writer".into())
                ))
            }
        }
    }
}

/// Runs `work`, extending `msg`'s visibility every half of `secs` until it ends.
async fn with_visibility<T>(
    queue: &dyn UploadQueue,
    msg: &QueuedUpload,
    secs: u32,
    work: impl std::future::Future<Output = T>,
) -> T {
    let every = Duration::from_secs(u64::from(secs.max(2) / 2));
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = tokio::time::sleep(every) => {
                if let Err(e) = queue.extend(msg, secs).await {
                    tracing::warn!(keys = ?msg.keys, error = %e, "could not extend message visibility");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn name(key: &str, m: &[(&str, &str)]) -> Option<String> {
        person_for_upload(key, "uploads/", &meta(m)).map(|p| p.name)
    }

    #[test]
    fn uploads_are_named_by_metadata_then_folder_then_file_name() {
        let tutorial = [("fullname", "Jane Doe")];
        assert_eq!(
            name("uploads/x.jpg", &tutorial).as_deref(),
            Some("Jane Doe")
        );
        let split = [("first_name", " Ada "), ("last_name", "Lovelace")];
        assert_eq!(
            name("uploads/x.jpg", &split).as_deref(),
            Some("Ada Lovelace")
        );
        // Metadata wins over the key; an empty value does not count.
        assert_eq!(
            name("uploads/John_Smith/x.jpg", &[("fullname", " ")]).as_deref(),
            Some("John Smith")
        );
        assert_eq!(
            name("uploads/John_Smith/x.jpg", &tutorial).as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            name("uploads/Jane_Doe_0003.jpg", &[]).as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(name("uploads/", &[]), None);
        let a = person_for_upload("uploads/Jane_Doe/1.jpg", "uploads/", &meta(&[]));
        let b = person_for_upload("uploads/2.jpg", "uploads/", &meta(&tutorial));
        assert_eq!(
            a.map(|p| p.person_id),
            b.map(|p| p.person_id),
            "one person either way"
        );
    }
}
