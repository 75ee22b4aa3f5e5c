//! `facectl status`.

use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::service::inventory;

pub async fn run(settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let s = inventory::status(&backend).await?;
    match printer.output {
        OutputFormat::Table | OutputFormat::Csv => {
            let mut t = printer.table(&["", ""]);
            let images: Vec<String> = s
                .images_by_status
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            for (k, v) in [
                ("backend", s.backend.clone()),
                ("image store", s.image_store.clone()),
                ("collection", s.collection.name.clone()),
                ("table", s.table.clone()),
                ("model", s.collection.model.clone()),
                ("persons", s.persons.to_string()),
                ("faces in collection", s.collection.faces.to_string()),
                ("face records", s.face_records.to_string()),
                ("images", images.join(", ")),
                (
                    "stored objects",
                    format!("{} ({} bytes)", s.store.objects, s.store.bytes),
                ),
            ] {
                t.add_row(vec![k.to_string(), v]);
            }
            printer.print_table(&t)?;
        }
        _ => printer.json(&s)?,
    }
    Ok(exit::OK)
}
