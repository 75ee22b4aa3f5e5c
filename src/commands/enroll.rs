//! `facectl enroll`.

use crate::cli::EnrollArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::naming::parse_meta;
use facectl_core::service::enroll::{enroll, EnrollTarget};
use facectl_core::service::ingest::{FileOutcome, IngestOptions, MultiplePolicy};

pub async fn run(args: EnrollArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let target = EnrollTarget {
        name: args.name.clone(),
        person_id: args.person_id.clone(),
        first_name: args.first_name.clone(),
        last_name: args.last_name.clone(),
        meta: parse_meta(&args.meta)?,
    };
    let opts = IngestOptions {
        all_faces: args.index.all_faces,
        quality: super::quality(&args.index)?,
        // An explicit enrollment names the person: take the largest face.
        multiple: MultiplePolicy::Largest,
        ..IngestOptions::default()
    };
    let progress = printer.progress();
    let report = enroll(&backend, &target, &args.images, &opts, &progress).await?;
    for d in &report.likely_duplicates {
        printer.note(&format!(
            "warning: {}: this face already matches {} ({}) at similarity {:.1}: the same person enrolled twice, or the wrong photo?",
            d.path.display(),
            d.other.name,
            d.other.person_id,
            d.similarity
        ));
    }
    match printer.output {
        OutputFormat::Table => {
            printer.line(&format!(
                "{} ({}): {} face(s) indexed",
                report.person.name, report.person.person_id, report.faces_indexed
            ))?;
            printer.print_table(&outcome_table(printer, &report.files))?;
        }
        OutputFormat::Jsonl => printer.jsonl(&report.files)?,
        OutputFormat::Csv => outcome_csv(printer, &report.files)?,
        OutputFormat::Json => printer.json(&report)?,
    }
    Ok(if report.all_ok() {
        exit::OK
    } else {
        exit::NEGATIVE
    })
}

/// A table of per-file outcomes (shared with bulk-import).
pub fn outcome_table(printer: &Printer, files: &[FileOutcome]) -> comfy_table::Table {
    let mut t = printer.table(&["file", "person", "outcome", "faces", "detail"]);
    for f in files {
        t.add_row(vec![
            f.path.display().to_string(),
            f.name.clone().unwrap_or_default(),
            f.status.as_str().to_string(),
            f.face_ids.len().to_string(),
            f.reason.clone().unwrap_or_else(|| f.face_ids.join(" ")),
        ]);
    }
    t
}

/// Per-file outcomes as CSV.
pub fn outcome_csv(printer: &Printer, files: &[FileOutcome]) -> Result<()> {
    printer.csv(
        &["file", "person_id", "name", "status", "face_ids", "reason"],
        files.iter().map(|f| {
            vec![
                f.path.display().to_string(),
                f.person_id.clone().unwrap_or_default(),
                f.name.clone().unwrap_or_default(),
                f.status.as_str().to_string(),
                f.face_ids.join(" "),
                f.reason.clone().unwrap_or_default(),
            ]
        }),
    )
}
