//! `facectl serve`: the local Rekognition-compatible endpoint (settings in, address out).

use crate::cli::ServeArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::{Context, Result};
use facectl_serve::{ServeConfig, Server};
use std::io::Write;

pub async fn run(args: ServeArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let aws = &settings.aws;
    let require_signature = if args.require_signature {
        let key = std::env::var("AWS_ACCESS_KEY_ID")
            .ok()
            .filter(|v| !v.is_empty())
            .context("--require-signature needs AWS_ACCESS_KEY_ID (and AWS_SECRET_ACCESS_KEY) to verify against")?;
        let secret = std::env::var("AWS_SECRET_ACCESS_KEY")
            .ok()
            .filter(|v| !v.is_empty())
            .context("--require-signature needs AWS_SECRET_ACCESS_KEY")?;
        Some((key, secret))
    } else {
        None
    };
    let defaults = ServeConfig::default();
    let cfg = ServeConfig {
        addr: args.listen,
        store_path: (!args.in_memory).then(|| settings.data_dir.join("rekognition.sqlite")),
        model_dir: settings.model_dir.clone(),
        region: aws
            .region
            .clone()
            .unwrap_or_else(|| defaults.region.clone()),
        account: args.account,
        s3_endpoint: aws.s3_endpoint_url.clone().or(aws.endpoint_url.clone()),
        s3_enabled: true,
        s3_credentials: None,
        latency: std::time::Duration::from_millis(args.latency_ms),
        tps: aws.tps,
        require_signature,
        allow_unsigned_payload: args.allow_unsigned_payload,
        workers: args.workers.unwrap_or(defaults.workers),
        max_body: defaults.max_body,
    };
    let server = Server::bind(cfg.clone(), None).await?;
    let url = format!("http://{}", server.local_addr());
    // The address is data (scripts read it); the rest is for people.
    match printer.output {
        OutputFormat::Json | OutputFormat::Jsonl => {
            printer.json(&serde_json::json!({"endpoint": url, "model": server.model(), "face_model_version": server.face_model_version()}))?
        }
        _ => printer.line(&url)?,
    }
    std::io::stdout().flush()?;
    printer.note(&format!(
        "facectl serve: Rekognition-compatible endpoint on {url} (model {}, FaceModelVersion {}, store {}{}{}); Ctrl-C stops",
        server.model(),
        server.face_model_version(),
        cfg.store_path
            .as_ref()
            .map_or("in memory".into(), |p| p.display().to_string()),
        cfg.tps.map_or(String::new(), |t| format!(", quota {t} TPS per operation")),
        if cfg.latency.is_zero() {
            String::new()
        } else {
            format!(", +{} ms per request", cfg.latency.as_millis())
        },
    ));
    server.run(stop_signal()).await;
    printer.note("facectl serve: stopped");
    Ok(exit::OK)
}

/// Ctrl-C or SIGTERM (what service managers and `kill` send): stop accepting, let requests in
/// flight finish.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
