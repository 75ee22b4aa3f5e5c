//! The Rekognition operations, one module per group, and the engine work they share.

pub(crate) mod collections;
pub(crate) mod detect;
pub(crate) mod faces;
pub(crate) mod search;
pub(crate) mod users;

use crate::error::RekError;
use crate::images::RawImage;
use crate::params::Params;
use facectl_collection::analysis::{self, Assessed, NoSearchFace};
use facectl_engine::{DecodedImage, Detection, Engine, QualityLevel, QualityThresholds};

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

/// Decodes the image and assesses every face, largest first, at most 100 (faces whose
/// landmarks cannot be aligned are left out), with the gate's verdict and at most
/// `max_faces` chosen for indexing.
pub(crate) fn assess(
    engine: &Engine,
    raw: &RawImage,
    gate: Option<&QualityThresholds>,
    max_faces: Option<usize>,
) -> Result<(DecodedImage, Vec<Assessed>), RekError> {
    let img = crate::images::decode(raw, &engine.config().decode)?;
    let faces = engine
        .assess(&img)
        .map_err(|e| RekError::invalid_image_format(format!("{}: {e}", raw.origin)))?;
    Ok((img, analysis::plan_index(faces, gate, max_faces)))
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

/// The largest face that passes the gate, for the search and compare sources (faces as
/// [`assess`] gives them without `max_faces`).
pub(crate) fn largest_passing<'a>(
    found: &'a [Assessed],
    origin: &str,
) -> Result<&'a Assessed, RekError> {
    analysis::largest_passing(found).map_err(|e| match e {
        NoSearchFace::NoFace => RekError::invalid_parameter(format!(
            "There are no faces in the image. Should be at least 1. ({origin})"
        )),
        NoSearchFace::NonePasses(issues) => RekError::invalid_parameter(format!(
            "No face in the image passes the quality filter ({origin}: {})",
            issues.join(", ")
        )),
    })
}
