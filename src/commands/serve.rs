//! `facectl serve`: the Rekognition-compatible endpoint, the REST API and the web console
//! (settings in, addresses out).

use crate::cli::ServeArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{self, OutputFormat, Settings};
use anyhow::{Context, Result};
use facectl_serve::web::{generate_token, WebConfig};
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
        engine: settings.engine_config(),
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
    let token = args
        .token
        .clone()
        .or_else(|| std::env::var(settings::ENV_SERVE_TOKEN).ok())
        .filter(|t| !t.trim().is_empty());
    if let Some(t) = &token {
        if t.len() < 16
            || !t
                .chars()
                .all(|c| c.is_ascii_graphic() && c != ';' && c != ',')
        {
            anyhow::bail!(
                "--token must be at least 16 printable characters without spaces, `;` or `,`"
            );
        }
    }
    let loopback = args.listen.ip().is_loopback();
    let (token, generated) = match token {
        Some(t) => (Some(t), false),
        None if !loopback && !args.no_web => (Some(generate_token()), true),
        None => (None, false),
    };
    let mut server = Server::bind(cfg.clone(), None).await?;
    // With --in-memory nothing goes to the data folder: the console's local data lives in a
    // temporary folder, removed when the server stops.
    let scratch = if args.in_memory && settings.backend == settings::BackendKind::Local {
        Some(tempfile::tempdir().context("cannot create a temporary folder for --in-memory")?)
    } else {
        None
    };
    if !args.no_web {
        let backend = match &scratch {
            Some(dir) => {
                let mut s = settings.clone();
                s.data_dir = dir.path().to_path_buf();
                crate::backend::open(&s).await?
            }
            None => crate::backend::open(settings).await?,
        };
        if settings.backend == settings::BackendKind::Local {
            // Local resources are files in the data folder: a console user should not need a
            // separate `provision` first. (AWS resources are created only by `provision`.)
            facectl_core::service::provision::provision(&backend, false).await?;
        }
        server = server.with_web(WebConfig {
            backend,
            token: token.clone(),
            max_photo_bytes: 20 * 1024 * 1024,
            workers: cfg.workers,
        });
    }
    let url = format!("http://{}", server.local_addr());
    let console = (!args.no_web).then(|| format!("{url}/console/"));
    // The address is data (scripts read it); the rest is for people.
    match printer.output {
        OutputFormat::Json | OutputFormat::Jsonl => {
            let mut out = serde_json::json!({"endpoint": url, "model": server.model(), "face_model_version": server.face_model_version()});
            if let Some(c) = &console {
                out["console"] = c.clone().into();
                out["api"] = format!("{url}/api/v1").into();
            }
            if generated {
                out["token"] = token.clone().into();
            }
            printer.json(&out)?
        }
        _ => printer.line(&url)?,
    }
    std::io::stdout().flush()?;
    if let Some(c) = &console {
        match (&token, generated) {
            // Printed even with -q: without it nobody can use the console.
            (Some(t), true) => eprintln!(
                "facectl serve: web console on {c}?token={t} (access token generated for this run: {t}; set --token or {} to choose one)",
                settings::ENV_SERVE_TOKEN
            ),
            (Some(_), false) => printer.note(&format!("facectl serve: web console on {c} (access token required)")),
            (None, _) => printer.note(&format!("facectl serve: web console on {c}, REST API on {url}/api/v1")),
        }
    }
    if !loopback && cfg.require_signature.is_none() {
        printer.note(&format!(
            "facectl serve: warning: the Rekognition endpoint on {url} answers unsigned requests from the network; use --require-signature"
        ));
    }
    printer.note(&format!(
        "facectl serve: Rekognition-compatible endpoint on {url} ({} backend for the console; model {}, FaceModelVersion {}, store {}{}{}); Ctrl-C stops",
        match settings.backend {
            settings::BackendKind::Local => "local",
            settings::BackendKind::Aws => "aws",
        },
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
    server.run(super::stop_signal()).await;
    drop(scratch);
    printer.note("facectl serve: stopped");
    Ok(exit::OK)
}
