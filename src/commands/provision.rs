//! `facectl provision`.

use crate::cli::ProvisionArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_core::model::ResourceState;
use facectl_core::service::provision;

pub async fn run(args: ProvisionArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    if args.print_iam_policy {
        let cfg = crate::backend::aws_config(settings)?;
        let policy = facectl_aws::iam_policy(&cfg, args.account.as_deref(), cfg.region.as_deref());
        printer.line(&serde_json::to_string_pretty(&policy)?)?;
        return Ok(exit::OK);
    }
    let backend = crate::backend::open(settings).await?;
    let report = provision::provision(&backend, args.dry_run).await?;
    match printer.output {
        OutputFormat::Table | OutputFormat::Csv => {
            let mut t = printer.table(&["resource", "name", "state", "detail"]);
            for r in &report.resources {
                let state = match r.state {
                    ResourceState::Existed => "existed",
                    ResourceState::Created => "created",
                    ResourceState::WouldCreate => "would create",
                };
                t.add_row(vec![
                    r.kind.clone(),
                    r.name.clone(),
                    state.to_string(),
                    r.detail.clone().unwrap_or_default(),
                ]);
            }
            printer.print_table(&t)?;
        }
        _ => printer.json(&report)?,
    }
    Ok(exit::OK)
}
