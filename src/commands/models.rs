//! `facectl models install|check`: the model files and the ONNX Runtime library.

use crate::cli::{ModelsAction, ModelsArgs};
use crate::exit;
use crate::printer::Printer;
use crate::settings::{OutputFormat, Settings};
use anyhow::Result;
use facectl_engine::models::{self, ModelSource};
use facectl_engine::{Engine, ModelPaths};

pub fn run(args: ModelsArgs, settings: &Settings, printer: &Printer) -> Result<u8> {
    match args.action {
        ModelsAction::Install {
            from,
            base_url,
            onnxruntime,
        } => {
            let source = match (from, base_url) {
                (Some(path), _) => ModelSource::Path(path),
                (None, Some(url)) => ModelSource::Url(url),
                (None, None) => ModelSource::Official,
            };
            let what = if onnxruntime {
                "ONNX Runtime"
            } else {
                "models"
            };
            printer.note(&format!(
                "installing {what} into {}",
                settings.model_dir.display()
            ));
            let installed = if onnxruntime {
                models::InstalledModels {
                    dir: settings.model_dir.clone(),
                    files: vec![models::install_onnxruntime(&settings.model_dir, &source)?],
                }
            } else {
                models::install(&settings.model_dir, source)?
            };
            match printer.output {
                OutputFormat::Table | OutputFormat::Csv => {
                    let mut t = printer.table(&["file", "sha-256", "verified by", "from"]);
                    for f in &installed.files {
                        t.add_row(vec![
                            f.path.display().to_string(),
                            f.sha256.clone(),
                            if f.hash_pinned { "pinned SHA-256" } else { "load check" }.to_string(),
                            f.source.clone(),
                        ]);
                    }
                    printer.print_table(&t)?;
                }
                _ => printer.json(&serde_json::json!({
                    "dir": installed.dir,
                    "files": installed.files.iter().map(|f| serde_json::json!({
                        "file": f.path, "sha256": f.sha256, "hash_pinned": f.hash_pinned, "source": f.source,
                    })).collect::<Vec<_>>(),
                }))?,
            }
            Ok(exit::OK)
        }
        ModelsAction::Check => {
            let paths = ModelPaths::find_in_dir(&settings.model_dir);
            let engine = Engine::load(&paths, settings.engine_config())?;
            let rt = engine.runtime();
            printer.line(&format!(
                "models in {} load: {} on {} {}",
                settings.model_dir.display(),
                engine.model_fingerprint(),
                rt.name,
                rt.version
            ))?;
            if let Some(why) = &rt.fallback_reason {
                printer.note(&format!("ONNX Runtime not used: {why}"));
            }
            Ok(exit::OK)
        }
    }
}
