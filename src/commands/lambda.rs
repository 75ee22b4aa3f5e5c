//! `facectl lambda`: the upload handler as an AWS Lambda function (the tutorials' serverless
//! layout). Each invocation's photos go through the same ingest as `watch`. Invoked straight by
//! the bucket's notifications, an invocation fails when a photo must be tried again (the Lambda
//! service retries it; committed photos are skipped by their hash) and succeeds with the
//! rejected photos logged. Invoked with batches of the upload queue (an event source mapping
//! with ReportBatchItemFailures), rejected messages go to the dead-letter queue with their
//! reason and the ones to try again are reported as batch item failures.

use crate::cli::LambdaArgs;
use crate::printer::{LiveLog, Printer};
use crate::settings::{Settings, LAMBDA_RUNTIME_ENV};
use anyhow::{bail, Result};
use facectl_aws::upload_queue::{parse_lambda_event, TriggerConfig, UploadEvent};
use facectl_core::ports::UploadQueue;
use facectl_core::service::upload_event::{index_upload_event, UploadEventReport, UploadItem};
use facectl_core::service::watch_uploads::UploadWatchOptions;
use facectl_core::Backend;
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde_json::{json, Value};
use std::sync::Arc;

/// What every invocation of this function instance shares.
struct Handler {
    backend: Backend,
    queue: Arc<dyn UploadQueue>,
    trigger: TriggerConfig,
    opts: UploadWatchOptions,
    log: LiveLog,
}

pub async fn run(args: LambdaArgs, settings: &Settings) -> Result<u8> {
    let missing: Vec<&str> = LAMBDA_RUNTIME_ENV
        .iter()
        .copied()
        .filter(|v| std::env::var_os(v).is_none_or(|s| s.is_empty()))
        .collect();
    if !missing.is_empty() {
        bail!(
            "facectl lambda runs inside AWS Lambda (or a local runtime API emulator): {} not set",
            missing.join(", ")
        );
    }
    let ingest = super::ingest_options(args.all_faces, &args.quality_filter, args.multiple)?;
    let (backend, queue) = crate::backend::open_with_uploads(settings).await?;
    let cfg = crate::backend::aws_config(settings)?;
    let trigger = crate::backend::trigger_config(settings, &cfg)?;
    let handler = Arc::new(Handler {
        opts: UploadWatchOptions {
            jobs: args.jobs.unwrap_or(settings.jobs).max(1),
            ingest,
            upload_prefix: trigger.upload_prefix.clone(),
            ..UploadWatchOptions::default()
        },
        backend,
        queue,
        trigger,
        // CloudWatch gets one line per photo: never a status line, whatever stderr is.
        log: Printer {
            progress: false,
            ..Printer::new(settings)
        }
        .live_log("lambda"),
    });
    tracing::info!(queue = %handler.queue.location(), "facectl lambda: waiting for invocations");
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let handler = Arc::clone(&handler);
        async move { handler.invoke(event.payload).await }
    }))
    .await
    .map_err(|e| anyhow::anyhow!("Lambda runtime: {e}"))?;
    Ok(crate::exit::OK)
}

impl Handler {
    async fn invoke(&self, payload: Value) -> Result<Value, Diagnostic> {
        let event = parse_lambda_event(&payload, &self.trigger)
            .map_err(|e| diagnostic("facectl.UnknownEvent", e))?;
        match event {
            UploadEvent::Bucket(keys) => {
                let items = keys
                    .into_iter()
                    .map(|k| UploadItem {
                        id: k.clone(),
                        keys: vec![k],
                    })
                    .collect();
                let report = self.index(items).await;
                let retry: Vec<String> =
                    report.to_retry().map(|(_, why)| why.to_string()).collect();
                if !retry.is_empty() {
                    // The whole event comes back; what was committed is skipped then.
                    return Err(diagnostic("facectl.Retry", retry.join("; ")));
                }
                serde_json::to_value(&report).map_err(|e| diagnostic("facectl.Internal", e))
            }
            UploadEvent::Queue(messages) => {
                let items = messages
                    .iter()
                    .map(|(id, m)| UploadItem {
                        id: id.clone(),
                        keys: m.keys.clone(),
                    })
                    .collect();
                let report = self.index(items).await;
                let mut failures = Vec::new();
                for (id, why) in report.to_retry().map(|(i, why)| (&i.id, why)) {
                    tracing::warn!(message = %id, reason = why, "left on the queue for another try");
                    failures.push(json!({ "itemIdentifier": id }));
                }
                for (item, why) in report.rejected() {
                    let Some((_, msg)) = messages.iter().find(|(id, _)| *id == item.id) else {
                        continue;
                    };
                    if let Err(e) = self.queue.reject(msg, why).await {
                        // Left on the queue: its redrive policy sets it aside after a few tries.
                        tracing::warn!(message = %item.id, error = %e, "could not move to the dead-letter queue");
                        failures.push(json!({ "itemIdentifier": item.id }));
                    }
                }
                Ok(json!({ "batchItemFailures": failures }))
            }
        }
    }

    async fn index(&self, items: Vec<UploadItem>) -> UploadEventReport {
        let report = index_upload_event(
            &self.backend,
            self.queue.as_ref(),
            items,
            &self.opts,
            &self.log,
        )
        .await;
        for (item, why) in report.rejected() {
            tracing::warn!(item = %item.id, reason = why, "upload rejected");
        }
        let c = &report.counts;
        tracing::info!(
            imported = c.imported,
            skipped = c.skipped,
            no_face = c.no_face,
            multiple_faces = c.multiple_faces,
            failed = c.failed,
            faces_indexed = report.faces_indexed,
            "invocation done"
        );
        report
    }
}

fn diagnostic(kind: &str, message: impl std::fmt::Display) -> Diagnostic {
    Diagnostic {
        error_type: kind.to_string(),
        error_message: message.to_string(),
    }
}
