//! `facectl delete`: plan, confirm (on a terminal) or require `--yes`, then delete.

use crate::cli::DeleteArgs;
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::{bail, Result};
use facectl_core::service::delete::{self, DeleteReport, DeleteTarget};
use facectl_core::service::verify::PersonRef;
use std::io::{BufRead, IsTerminal, Write};

pub async fn run(args: DeleteArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    let backend = crate::backend::open(settings).await?;
    let target = if let Some(name) = &args.person {
        DeleteTarget::Person(PersonRef::Name(name.clone()))
    } else if let Some(id) = &args.person_id {
        DeleteTarget::Person(PersonRef::Id(id.clone()))
    } else if let Some(face) = &args.face {
        DeleteTarget::Face(face.clone())
    } else if let Some(image) = &args.image {
        DeleteTarget::Image(image.clone())
    } else {
        bail!("give --person, --person-id, --face or --image");
    };
    let mut plan = delete::plan(&backend, &target).await?;
    plan.dry_run = args.dry_run;
    if plan.is_empty() {
        render(printer, &plan)?;
        printer.note("nothing to delete");
        return Ok(exit::NEGATIVE);
    }
    if args.dry_run {
        render(printer, &plan)?;
        return Ok(exit::OK);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            bail!(
                "refusing to delete {} face(s) and {} image(s) without --yes (not on a terminal)",
                plan.face_ids.len(),
                plan.images.len() + plan.foreign_objects.len()
            );
        }
        eprint!(
            "Delete {} face(s) and {} image(s) of {}? [y/N] ",
            plan.face_ids.len(),
            plan.images.len() + plan.foreign_objects.len(),
            if plan.persons.is_empty() {
                "unknown persons".to_string()
            } else {
                plan.persons.join(", ")
            }
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            printer.note("nothing deleted");
            return Ok(exit::NEGATIVE);
        }
    }
    let done = delete::execute(&backend, &plan).await?;
    render(printer, &done)?;
    Ok(exit::OK)
}

fn render(printer: &Printer, r: &DeleteReport) -> Result<()> {
    match printer.output {
        OutputFormat::Table | OutputFormat::Csv => {
            let verb = if r.dry_run { "would delete" } else { "deleted" };
            let mut t = printer.table(&["what", verb]);
            t.add_row(vec!["persons".to_string(), r.persons.join(", ")]);
            t.add_row(vec!["faces".to_string(), r.face_ids.join("\n")]);
            t.add_row(vec!["images".to_string(), r.images.join("\n")]);
            if !r.foreign_objects.is_empty() {
                let label = "photos uploaded by other tools";
                t.add_row(vec![label.to_string(), r.foreign_objects.join("\n")]);
            }
            printer.print_table(&t)?;
        }
        _ => printer.json(r)?,
    }
    Ok(())
}
