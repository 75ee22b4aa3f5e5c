//! `facectl status`: what is stored, and which runtime the face engine would run on.

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
                ("face engine runtime", runtime(settings)),
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
        _ => {
            let mut v = serde_json::to_value(&s)?;
            if let Some(obj) = v.as_object_mut() {
                obj.insert("engine_runtime".into(), runtime(settings).into());
            }
            printer.json(&v)?
        }
    }
    Ok(exit::OK)
}

/// The face engine's runtime as configured (the engine itself is not loaded for this): the
/// local backend's models run on it, the aws backend's run in Rekognition.
fn runtime(settings: &Settings) -> String {
    use facectl_engine::RuntimePreference;
    if settings.backend == crate::settings::BackendKind::Aws {
        return "Rekognition (aws backend)".into();
    }
    let r = &settings.runtime;
    match (r.prefer, &r.onnxruntime_library) {
        (RuntimePreference::Tract, _) => "tract".into(),
        (RuntimePreference::Auto, None) => {
            "tract (no ONNX Runtime library: `facectl models install --onnxruntime`)".into()
        }
        (RuntimePreference::OnnxRuntime, None) => {
            "onnxruntime, but no library is installed (facectl models install --onnxruntime)".into()
        }
        (_, Some(lib)) => format!("onnxruntime ({})", lib.display()),
    }
}
