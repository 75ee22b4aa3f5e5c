//! One upload event handled once (the Lambda-on-upload layout): the photos an S3 event
//! notification (or a batch of upload-queue messages) announces are ingested exactly as
//! `watch` ingests them, and each item ends done, rejected with its reason, or to be tried
//! again. No queue is polled and no visibility is managed here: whoever delivered the event
//! (the Lambda service) owns redelivery; the caller reports each verdict back to it.

use super::bulk_import::BulkCounts;
use super::ingest::InFlight;
use super::watch::tally;
use super::watch_uploads::{handle, Handled, UploadWatchOptions};
use crate::ports::{Backend, UploadSource};
use crate::progress::Progress;
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Photos that arrived together: one S3 record, or one queue message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadItem {
    /// How the deliverer names it (the object key, or the queue message id).
    pub id: String,
    /// Object keys it announces (none for S3's test event).
    pub keys: Vec<String>,
}

/// How one item ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Its photos are committed (or were already, or it announced nothing).
    Done,
    /// It cannot succeed however often it is tried (not an image, no face, no name).
    Rejected { reason: String },
    /// A backend failure, or the photo is still pending under another writer: try it again.
    Retry { reason: String },
}

/// One item's verdict.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ItemReport {
    pub id: String,
    pub keys: Vec<String>,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// What handling one event did.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UploadEventReport {
    pub items: Vec<ItemReport>,
    pub counts: BulkCounts,
    pub faces_indexed: usize,
    pub elapsed_secs: f64,
}

impl UploadEventReport {
    /// Items to be delivered again, with why.
    pub fn to_retry(&self) -> impl Iterator<Item = (&ItemReport, &str)> {
        self.items.iter().filter_map(|i| match &i.verdict {
            Verdict::Retry { reason } => Some((i, reason.as_str())),
            _ => None,
        })
    }

    /// Items given up, with why.
    pub fn rejected(&self) -> impl Iterator<Item = (&ItemReport, &str)> {
        self.items.iter().filter_map(|i| match &i.verdict {
            Verdict::Rejected { reason } => Some((i, reason.as_str())),
            _ => None,
        })
    }
}

/// Ingests the photos of `items` (up to `opts.jobs` items at once), read from `source`, and
/// gives each its verdict, in the order given. A photo announced twice in one event is
/// indexed once. Claims left by a run that died (a timed-out invocation) are taken over once
/// their lease has run out, as in bulk-import.
pub async fn index_upload_event(
    backend: &Backend,
    source: &dyn UploadSource,
    items: Vec<UploadItem>,
    opts: &UploadWatchOptions,
    progress: &dyn Progress,
) -> UploadEventReport {
    let started = Instant::now();
    let in_flight = InFlight::default();
    let handled: Vec<(UploadItem, Handled)> = stream::iter(items)
        .map(|item| {
            let in_flight = &in_flight;
            async move {
                let h = handle(backend, source, &item.keys, opts, in_flight, progress).await;
                (item, h)
            }
        })
        .buffered(opts.jobs.max(1))
        .collect()
        .await;
    let mut report = UploadEventReport::default();
    for (item, h) in handled {
        let (outcomes, verdict) = match h {
            Handled::Done(o) => (o, Verdict::Done),
            Handled::Rejected(o, reason) => (o, Verdict::Rejected { reason }),
            Handled::Retry(reason) => (Vec::new(), Verdict::Retry { reason }),
        };
        for o in &outcomes {
            tally(&mut report.counts, &mut report.faces_indexed, o);
        }
        report.items.push(ItemReport {
            id: item.id,
            keys: item.keys,
            verdict,
        });
    }
    report.elapsed_secs = started.elapsed().as_secs_f64();
    report
}
