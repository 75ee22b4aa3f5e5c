//! `facectl list persons|faces`.

use crate::cli::{ListArgs, ListWhat};
use crate::exit;
use crate::printer::{bbox, pct, Printer};
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::service::inventory;

pub async fn run(args: ListArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    match args.what {
        ListWhat::Persons => {
            let persons = inventory::list_persons(&backend).await?;
            match printer.output {
                OutputFormat::Json => printer.json(&persons)?,
                OutputFormat::Jsonl => printer.jsonl(&persons)?,
                OutputFormat::Csv => printer.csv(
                    &["person_id", "name", "faces", "images"],
                    persons.iter().map(|p| {
                        vec![
                            p.person.person_id.clone(),
                            p.person.name.clone(),
                            p.faces.to_string(),
                            p.images.to_string(),
                        ]
                    }),
                )?,
                OutputFormat::Table => {
                    let mut t = printer.table(&["name", "person id", "faces", "images", "meta"]);
                    for p in &persons {
                        let meta: Vec<String> = p
                            .person
                            .meta
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect();
                        t.add_row(vec![
                            p.person.name.clone(),
                            p.person.person_id.clone(),
                            p.faces.to_string(),
                            p.images.to_string(),
                            meta.join(" "),
                        ]);
                    }
                    printer.print_table(&t)?;
                }
            }
        }
        ListWhat::Faces { person_id } => {
            let faces = inventory::list_faces(&backend, person_id.as_deref()).await?;
            match printer.output {
                OutputFormat::Json => printer.json(&faces)?,
                OutputFormat::Jsonl => printer.jsonl(&faces)?,
                OutputFormat::Csv => printer.csv(
                    &[
                        "face_id",
                        "person_id",
                        "name",
                        "image_key",
                        "box",
                        "confidence",
                    ],
                    faces.iter().map(|f| {
                        vec![
                            f.face_id.clone(),
                            f.person.person_id.clone(),
                            f.person.name.clone(),
                            f.image_key.clone(),
                            bbox(&f.bbox),
                            pct(f.confidence),
                        ]
                    }),
                )?,
                OutputFormat::Table => {
                    let mut t = printer.table(&["face id", "name", "image", "box", "confidence"]);
                    for f in &faces {
                        t.add_row(vec![
                            f.face_id.clone(),
                            f.person.name.clone(),
                            f.image_key.clone(),
                            bbox(&f.bbox),
                            pct(f.confidence),
                        ]);
                    }
                    printer.print_table(&t)?;
                }
            }
        }
    }
    Ok(exit::OK)
}
