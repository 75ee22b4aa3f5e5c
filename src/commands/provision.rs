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
        let (account, region) = (args.account.as_deref(), cfg.region.as_deref());
        let mut policy = facectl_aws::iam_policy(&cfg, account, region);
        if args.trigger {
            let trigger = crate::backend::trigger_config(settings, &cfg)?;
            policy = facectl_aws::iam::with_trigger(policy, &trigger, account, region);
        }
        printer.line(&serde_json::to_string_pretty(&policy)?)?;
        return Ok(exit::OK);
    }
    let report = if args.trigger {
        let (backend, queue) = crate::backend::open_with_uploads(settings).await?;
        provision::provision_with_trigger(&backend, queue.as_ref(), args.dry_run).await?
    } else {
        let backend = crate::backend::open(settings).await?;
        provision::provision(&backend, args.dry_run).await?
    };
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
