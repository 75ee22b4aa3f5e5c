//! `facectl doctor`.

use crate::cli::DoctorArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::service::doctor;

pub async fn run(args: DoctorArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let r = doctor::doctor(&backend, args.fix).await?;
    match printer.output {
        OutputFormat::Table | OutputFormat::Csv => {
            let mut t = printer.table(&["finding", "count", "items"]);
            for (what, items) in [
                ("faces in the collection with no record", &r.orphan_faces),
                ("records whose face is gone", &r.dangling_records),
                ("stored images no record uses", &r.orphan_objects),
                (
                    "indexed images whose stored image is missing",
                    &r.missing_objects,
                ),
                (
                    "images left pending by an interrupted run",
                    &r.pending_images,
                ),
                (
                    "images a running writer is importing (left alone)",
                    &r.in_flight_images,
                ),
                (
                    "objects outside facectl's key layout (never deleted)",
                    &r.foreign_objects,
                ),
                ("could not be repaired", &r.unfixed),
            ] {
                let shown: Vec<&str> = items.iter().take(10).map(String::as_str).collect();
                let more = if items.len() > 10 {
                    format!("\n... {} more", items.len() - 10)
                } else {
                    String::new()
                };
                t.add_row(vec![
                    what.to_string(),
                    items.len().to_string(),
                    format!("{}{more}", shown.join("\n")),
                ]);
            }
            printer.print_table(&t)?;
            if r.fixed {
                printer.line("repaired")?;
            }
        }
        _ => printer.json(&r)?,
    }
    Ok(if r.problems() == 0 || (r.fixed && r.unfixed.is_empty()) {
        exit::OK
    } else {
        exit::NEGATIVE
    })
}
