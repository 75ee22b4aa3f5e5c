//! `facectl search`: one photo, several photos or folders; per face the best person.

use crate::cli::SearchArgs;
use crate::exit;
use crate::printer::{bbox, pct, Printer};
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::model::FaceSelect;
use facectl_core::service::search::{search, search_many, SearchOptions, SearchReport};
use serde::Serialize;
use std::path::Path;

/// One row per (photo, face, person), for jsonl, csv and the table.
#[derive(Clone, Copy, Serialize)]
struct Row<'a> {
    image: &'a Path,
    face: usize,
    #[serde(rename = "box")]
    bbox: Option<&'a facectl_core::model::BoundingBox>,
    face_confidence: Option<f32>,
    /// 1 for the answer, 2.. for the next persons; 0 when no person reached the threshold.
    rank: usize,
    /// True on the second person when within the runner-up margin of the first.
    close_call: bool,
    face_id: Option<&'a str>,
    similarity: Option<f32>,
    person_id: Option<&'a str>,
    name: Option<&'a str>,
    image_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn rows(reports: &[SearchReport]) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for report in reports {
        let none = Row {
            image: &report.image,
            face: 0,
            bbox: None,
            face_confidence: None,
            rank: 0,
            close_call: false,
            face_id: None,
            similarity: None,
            person_id: None,
            name: None,
            image_key: None,
            error: report.error.as_deref(),
        };
        if report.faces.is_empty() {
            out.push(none);
        }
        for (i, f) in report.faces.iter().enumerate() {
            let base = Row {
                face: i + 1,
                bbox: Some(&f.face.bbox),
                face_confidence: Some(f.face.confidence),
                ..none
            };
            if f.matches.is_empty() {
                out.push(base);
            }
            for (r, m) in f.matches.iter().enumerate() {
                out.push(Row {
                    rank: r + 1,
                    close_call: r == 1 && f.runner_up.is_some(),
                    face_id: Some(&m.face_id),
                    similarity: Some(m.similarity),
                    person_id: m.person.as_ref().map(|p| p.person_id.as_str()),
                    name: m.person.as_ref().map(|p| p.name.as_str()),
                    image_key: m.image_key.as_deref(),
                    ..base
                });
            }
        }
    }
    out
}

/// The name column: who it is, or why there is nobody.
fn who(r: &Row<'_>) -> String {
    match (r.error, r.face, r.rank, r.name) {
        (Some(e), _, _, _) => format!("(error: {e})"),
        (None, 0, _, _) => "(no face found)".to_string(),
        (None, _, 0, _) => "(no match)".to_string(),
        (None, _, _, Some(n)) if r.close_call => format!("{n} (close runner-up)"),
        (None, _, _, Some(n)) => n.to_string(),
        (None, _, _, None) => "(face without a record)".to_string(),
    }
}

pub async fn run(args: SearchArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let opts = SearchOptions {
        select: if args.largest {
            FaceSelect::Largest
        } else {
            FaceSelect::All
        },
        threshold: args.threshold.unwrap_or(settings.threshold),
        max_matches: args.max_matches,
    };
    // One photo: its failure is the command's (exit 2); several: one row each.
    let single = args.images.len() == 1 && !args.images[0].is_dir();
    let reports = if single {
        vec![search(&backend, &args.images[0], &opts).await?]
    } else {
        search_many(&backend, &args.images, &opts).await?
    };
    let all = rows(&reports);
    match printer.output {
        OutputFormat::Json if single => printer.json(&reports[0])?,
        OutputFormat::Json => printer.json(&serde_json::json!({
            "threshold": opts.threshold,
            "images": reports,
        }))?,
        OutputFormat::Jsonl => printer.jsonl(all)?,
        OutputFormat::Csv => printer.csv(
            &[
                "image",
                "face",
                "box",
                "rank",
                "name",
                "person_id",
                "similarity",
                "face_id",
                "image_key",
                "error",
            ],
            all.iter().map(|r| {
                vec![
                    r.image.display().to_string(),
                    r.face.to_string(),
                    r.bbox.map(bbox).unwrap_or_default(),
                    r.rank.to_string(),
                    r.name.unwrap_or_default().to_string(),
                    r.person_id.unwrap_or_default().to_string(),
                    r.similarity.map(pct).unwrap_or_default(),
                    r.face_id.unwrap_or_default().to_string(),
                    r.image_key.unwrap_or_default().to_string(),
                    r.error.unwrap_or_default().to_string(),
                ]
            }),
        )?,
        OutputFormat::Table if single && reports[0].faces.is_empty() => {
            printer.line(&format!("{}: no face found", reports[0].image.display()))?;
        }
        OutputFormat::Table => {
            let mut header = vec!["face", "box", "match", "similarity", "person id", "face id"];
            if !single {
                header.insert(0, "image");
            }
            let mut t = printer.table(&header);
            for r in &all {
                let mut cells = vec![
                    r.face.to_string(),
                    r.bbox.map(bbox).unwrap_or_default(),
                    who(r),
                    r.similarity.map(pct).unwrap_or_default(),
                    r.person_id.unwrap_or_default().to_string(),
                    r.face_id.unwrap_or_default().to_string(),
                ];
                if !single {
                    cells.insert(0, r.image.display().to_string());
                }
                t.add_row(cells);
            }
            printer.print_table(&t)?;
        }
    }
    let failed = reports.iter().any(|r| r.error.is_some());
    Ok(if reports.iter().any(SearchReport::any_match) && !failed {
        exit::OK
    } else {
        exit::NEGATIVE
    })
}
