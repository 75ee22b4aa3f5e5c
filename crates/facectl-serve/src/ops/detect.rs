//! DetectFaces and CompareFaces: image-only operations, no collection.

use super::faces::check_attributes;
use super::{assess, embed, largest_passing, quality_filter};
use crate::error::RekError;
use crate::params::Params;
use crate::shapes;
use crate::State;
use facectl_engine::{cosine, similarity};
use serde_json::{json, Value};
use std::sync::Arc;

pub(crate) async fn detect(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    check_attributes(&p, "Attributes")?;
    let raw = crate::images::read(&p, "Image", st.s3()).await?;
    let details = st
        .compute(move |engine| {
            let (img, found) = assess(engine, &raw, None, None)?;
            Ok(found
                .iter()
                .map(|f| shapes::face_detail(&f.detection, &f.quality, &img))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(json!({ "FaceDetails": details }))
}

pub(crate) async fn compare(st: &Arc<State>, p: Params<'_>) -> Result<Value, RekError> {
    let threshold = p
        .opt_float("SimilarityThreshold", 0.0, 100.0)?
        .unwrap_or(80.0) as f32;
    let gate = quality_filter(&p, "NONE")?;
    let source = crate::images::read(&p, "SourceImage", st.s3()).await?;
    let target = crate::images::read(&p, "TargetImage", st.s3()).await?;
    st.compute(move |engine| {
        let (simg, sfound) = assess(engine, &source, gate.as_ref(), None)?;
        let sface = largest_passing(&sfound, &source.origin)?;
        let semb = embed(engine, &simg, &sface.detection)?;
        let (timg, tfound) = assess(engine, &target, gate.as_ref(), None)?;
        let mut matched = Vec::new();
        let mut unmatched = Vec::new();
        for f in tfound.iter().filter(|f| f.is_chosen()) {
            let e = embed(engine, &timg, &f.detection)?;
            let sim = similarity(cosine(&semb, &e));
            let face = shapes::compared_face(&f.detection, &f.quality, &timg);
            if sim >= threshold {
                matched.push((sim, face));
            } else {
                unmatched.push(face);
            }
        }
        matched.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(json!({
            "SourceImageFace": {
                "BoundingBox": shapes::bounding_box(shapes::ratios(&sface.detection, &simg)),
                "Confidence": shapes::num(sface.detection.confidence),
            },
            "FaceMatches": matched
                .into_iter()
                .map(|(s, f)| json!({"Similarity": shapes::num(s), "Face": f}))
                .collect::<Vec<_>>(),
            "UnmatchedFaces": unmatched,
        }))
    })
    .await
}
