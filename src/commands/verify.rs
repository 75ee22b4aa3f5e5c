//! `facectl verify`.

use crate::cli::VerifyArgs;
use crate::exit;
use crate::printer::{pct, Printer};
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::service::verify::{verify, PersonRef};

pub async fn run(args: VerifyArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let who = match (&args.person_id, &args.name) {
        (Some(id), _) => PersonRef::Id(id.clone()),
        (None, Some(name)) => PersonRef::Name(name.clone()),
        (None, None) => anyhow::bail!("give --name or --person-id"),
    };
    let threshold = args.threshold.unwrap_or(settings.threshold);
    let report = verify(&backend, &args.image, &who, threshold).await?;
    match printer.output {
        OutputFormat::Table | OutputFormat::Csv => {
            let verdict = if report.matched { "match" } else { "no match" };
            let mut t = printer.table(&[
                "image",
                "person",
                "result",
                "similarity",
                "threshold",
                "faces compared",
            ]);
            t.add_row(vec![
                report.image.display().to_string(),
                report.person.name.clone(),
                report
                    .reason
                    .clone()
                    .map_or(verdict.to_string(), |r| format!("{verdict} ({r})")),
                report.similarity.map(pct).unwrap_or_default(),
                pct(report.threshold),
                report.faces_compared.to_string(),
            ]);
            printer.print_table(&t)?;
        }
        _ => printer.json(&report)?,
    }
    Ok(if report.matched {
        exit::OK
    } else {
        exit::NEGATIVE
    })
}
