//! `facectl search`.

use crate::cli::SearchArgs;
use crate::exit;
use crate::printer::{bbox, pct, Printer};
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::model::FaceSelect;
use facectl_core::service::search::{search, SearchOptions, SearchReport};
use serde::Serialize;

/// One row per (face, match), for jsonl and csv.
#[derive(Clone, Copy, Serialize)]
struct Row<'a> {
    face: usize,
    #[serde(rename = "box")]
    bbox: &'a facectl_core::model::BoundingBox,
    face_confidence: f32,
    rank: usize,
    face_id: Option<&'a str>,
    similarity: Option<f32>,
    person_id: Option<&'a str>,
    name: Option<&'a str>,
    image_key: Option<&'a str>,
}

fn rows(report: &SearchReport) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for (i, f) in report.faces.iter().enumerate() {
        let base = Row {
            face: i + 1,
            bbox: &f.face.bbox,
            face_confidence: f.face.confidence,
            rank: 0,
            face_id: None,
            similarity: None,
            person_id: None,
            name: None,
            image_key: None,
        };
        if f.matches.is_empty() {
            out.push(base);
        }
        for (r, m) in f.matches.iter().enumerate() {
            out.push(Row {
                rank: r + 1,
                face_id: Some(&m.face_id),
                similarity: Some(m.similarity),
                person_id: m.person.as_ref().map(|p| p.person_id.as_str()),
                name: m.person.as_ref().map(|p| p.name.as_str()),
                image_key: m.image_key.as_deref(),
                ..base
            });
        }
    }
    out
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
    let report = search(&backend, &args.image, &opts).await?;
    match printer.output {
        OutputFormat::Json => printer.json(&report)?,
        OutputFormat::Jsonl => printer.jsonl(rows(&report))?,
        OutputFormat::Csv => printer.csv(
            &[
                "face",
                "box",
                "rank",
                "name",
                "person_id",
                "similarity",
                "face_id",
                "image_key",
            ],
            rows(&report).into_iter().map(|r| {
                vec![
                    r.face.to_string(),
                    bbox(r.bbox),
                    r.rank.to_string(),
                    r.name.unwrap_or_default().to_string(),
                    r.person_id.unwrap_or_default().to_string(),
                    r.similarity.map(pct).unwrap_or_default(),
                    r.face_id.unwrap_or_default().to_string(),
                    r.image_key.unwrap_or_default().to_string(),
                ]
            }),
        )?,
        OutputFormat::Table => {
            if report.faces.is_empty() {
                printer.line(&format!("{}: no face found", report.image.display()))?;
            } else {
                let mut t =
                    printer.table(&["face", "box", "match", "similarity", "person id", "face id"]);
                for r in rows(&report) {
                    let name = match (r.rank, r.name) {
                        (0, _) => "(no match)".to_string(),
                        (_, Some(n)) => n.to_string(),
                        (_, None) => "(face without a record)".to_string(),
                    };
                    t.add_row(vec![
                        r.face.to_string(),
                        bbox(r.bbox),
                        name,
                        r.similarity.map(pct).unwrap_or_default(),
                        r.person_id.unwrap_or_default().to_string(),
                        r.face_id.unwrap_or_default().to_string(),
                    ]);
                }
                printer.print_table(&t)?;
            }
        }
    }
    Ok(if report.any_match() {
        exit::OK
    } else {
        exit::NEGATIVE
    })
}
