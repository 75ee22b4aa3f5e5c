//! `facectl compare`.

use crate::cli::CompareArgs;
use crate::exit;
use crate::printer::{pct, Printer};
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::service::verify::compare;

pub async fn run(args: CompareArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let threshold = args.threshold.unwrap_or(settings.threshold);
    let report = compare(&backend, &args.source, &args.target, threshold).await?;
    match printer.output {
        OutputFormat::Table | OutputFormat::Csv => {
            let verdict = if report.matched { "match" } else { "no match" };
            let mut t = printer.table(&["source", "target", "result", "similarity", "threshold"]);
            t.add_row(vec![
                report.source.display().to_string(),
                report.target.display().to_string(),
                report
                    .reason
                    .clone()
                    .map_or(verdict.to_string(), |r| format!("{verdict} ({r})")),
                report.similarity.map(pct).unwrap_or_default(),
                pct(report.threshold),
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
