//! `tilt`: how well faces tilted in the image plane are found and matched. Each LFW photo is
//! turned by +-angle (alternating) and its largest face compared with the upright photo's.

use std::path::Path;

use facectl_engine::{decode_file, similarity, DecodedImage, EngineConfig, FaceSelect};
use serde_json::json;

use super::{files_under, load_engine, median, write_json, Args};

pub fn run(args: &Args) -> Result<(), String> {
    let data = args.path("data")?;
    let n: usize = args.num("images", 300)?;
    let angles: Vec<f64> = args
        .get("angles")
        .unwrap_or("0,15,30,45")
        .split(',')
        .map(|a| {
            a.trim()
                .parse()
                .map_err(|_| format!("--angles: bad angle {a:?}"))
        })
        .collect::<Result<_, _>>()?;
    let engine = load_engine(args, EngineConfig::default())?;
    let files = files_under(&data.join("images"));
    if files.is_empty() {
        return Err(format!("{}: no images", data.join("images").display()));
    }
    // Every k-th photo, so that many people are covered.
    let step = (files.len() / n.max(1)).max(1);
    let picked: Vec<&Path> = files
        .iter()
        .step_by(step)
        .take(n)
        .map(|p| p.as_path())
        .collect();
    println!(
        "tilt: {} lfw photos from {}, turned by +-angle, largest face vs the upright photo's",
        picked.len(),
        data.display()
    );
    let mut report = Vec::new();
    for &angle in &angles {
        let mut sims = Vec::new();
        let (mut found, mut matched, mut usable) = (0, 0, 0);
        for (i, p) in picked.iter().enumerate() {
            let img = decode_file(p, &engine.config().decode).map_err(|e| e.to_string())?;
            let Some(reference) = largest(&engine, &img)? else {
                continue;
            };
            usable += 1;
            let deg = if i % 2 == 0 { angle } else { -angle };
            let (rgb, _) = facectl_engine::rotate::rotate(&img.rgb, deg);
            let turned = DecodedImage::from_rgb(rgb);
            let Some(e) = largest(&engine, &turned)? else {
                continue;
            };
            found += 1;
            let s = similarity(facectl_engine::cosine(&reference, &e)) as f64;
            if s >= 80.0 {
                matched += 1;
            }
            sims.push(s);
        }
        let pct = |k: usize| 100.0 * k as f64 / usable.max(1) as f64;
        let med = median(&mut sims);
        println!(
            "  {angle:>4} deg: face found {:.1} %, matches its upright photo (similarity >= 80) {:.1} %, median similarity {med:.1}",
            pct(found),
            pct(matched)
        );
        report.push(json!({"angle": angle, "images": usable, "found_pct": pct(found), "matched_pct": pct(matched), "median_similarity": med}));
    }
    write_json(args, &json!({"tilt": report}))
}

/// Embedding of the largest face, if any.
fn largest(
    engine: &facectl_engine::Engine,
    img: &DecodedImage,
) -> Result<Option<Vec<f32>>, String> {
    let faces = engine
        .analyze(img, FaceSelect::Largest)
        .map_err(|e| e.to_string())?;
    Ok(faces.into_iter().next().map(|f| f.embedding.0))
}
