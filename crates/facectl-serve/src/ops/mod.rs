//! The Rekognition operations, one module per group, and the engine work they share.

pub(crate) mod collections;
pub(crate) mod detect;
pub(crate) mod faces;
pub(crate) mod search;
pub(crate) mod users;

use crate::error::RekError;
use crate::images::RawImage;
use crate::params::Params;
use facectl_engine::align_face;
use facectl_engine::quality::measure;
use facectl_engine::{
    quality_gate, DecodedImage, Detection, Engine, Quality, QualityIssue, QualityLevel,
    QualityThresholds, MAX_FACES,
};

/// QualityFilter values.
pub(crate) const QUALITY_FILTERS: &[&str] = &["NONE", "AUTO", "LOW", "MEDIUM", "HIGH"];

/// The gate of a `QualityFilter` member (`default` when absent); `None` for NONE.
pub(crate) fn quality_filter(
    p: &Params<'_>,
    default: &str,
) -> Result<Option<QualityThresholds>, RekError> {
    let f = p
        .opt_enum("QualityFilter", QUALITY_FILTERS)?
        .unwrap_or(default);
    let level: QualityLevel = f
        .to_ascii_lowercase()
        .parse()
        .map_err(RekError::invalid_parameter)?;
    Ok(match level {
        QualityLevel::None => None,
        l => Some(QualityThresholds::for_level(l)),
    })
}

/// One detected face with its measured quality and the gate's verdict.
pub(crate) struct Found {
    pub det: Detection,
    pub quality: Quality,
    pub issues: Vec<QualityIssue>,
}

/// Decodes the image and assesses every face, largest first, at most 100 (faces whose
/// landmarks cannot be aligned are left out).
pub(crate) fn assess(
    engine: &Engine,
    raw: &RawImage,
    gate: Option<&QualityThresholds>,
) -> Result<(DecodedImage, Vec<Found>), RekError> {
    let img = crate::images::decode(raw, &engine.config().decode)?;
    let mut dets = engine
        .detect(&img)
        .map_err(|e| RekError::invalid_image_format(format!("{}: {e}", raw.origin)))?;
    dets.sort_by(|a, b| b.bbox.area().total_cmp(&a.bbox.area()));
    dets.truncate(MAX_FACES);
    let found = dets
        .into_iter()
        .filter_map(|det| {
            let aligned = align_face(&img, &det)?;
            let quality = measure(&det, &aligned.planar);
            let issues = gate
                .map(|t| quality_gate(&det, &quality, t))
                .unwrap_or_default();
            Some(Found {
                det,
                quality,
                issues,
            })
        })
        .collect();
    Ok((img, found))
}

/// The embedding of one face.
pub(crate) fn embed(
    engine: &Engine,
    img: &DecodedImage,
    det: &Detection,
) -> Result<Vec<f32>, RekError> {
    engine
        .embed(img, det)
        .map(|e| e.0)
        .map_err(|e| RekError::internal(format!("face engine: {e}")))
}

/// The largest face that passes the gate, for the search and compare sources.
pub(crate) fn largest_passing(found: Vec<Found>, origin: &str) -> Result<Found, RekError> {
    if found.is_empty() {
        return Err(RekError::invalid_parameter(format!(
            "There are no faces in the image. Should be at least 1. ({origin})"
        )));
    }
    let mut issues = Vec::new();
    for f in found {
        if f.issues.is_empty() {
            return Ok(f);
        }
        issues.extend(f.issues.iter().map(|i| i.as_str()));
    }
    issues.sort();
    issues.dedup();
    Err(RekError::invalid_parameter(format!(
        "No face in the image passes the quality filter ({origin}: {})",
        issues.join(", ")
    )))
}
