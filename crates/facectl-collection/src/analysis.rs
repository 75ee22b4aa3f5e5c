//! The image step of indexing and searching, shared by every caller: which faces of a photo
//! are indexed (quality gate, at most `max_faces`, largest first) and which face a search
//! uses (the largest that passes the gate).

use facectl_engine::{quality_gate, Detection, Quality, QualityThresholds, MAX_FACES};

/// Reason given to faces left out because the image had more than `max_faces` usable faces.
pub const EXCEEDS_MAX_FACES: &str = "EXCEEDS_MAX_FACES";

/// One assessed face and, when it is left out, why.
#[derive(Clone, Debug)]
pub struct Assessed {
    pub detection: Detection,
    pub quality: Quality,
    /// Empty when the face is to be indexed.
    pub reasons: Vec<String>,
}

impl Assessed {
    pub fn is_chosen(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Decides which faces (largest first, as [`facectl_engine::Engine::assess`] gives them) are
/// indexed: those passing `gate` (all with `None`), at most `max_faces` (and [`MAX_FACES`]);
/// the rest carry their quality issues or [`EXCEEDS_MAX_FACES`].
pub fn plan_index(
    faces: Vec<(Detection, Quality)>,
    gate: Option<&QualityThresholds>,
    max_faces: Option<usize>,
) -> Vec<Assessed> {
    let limit = max_faces.map_or(MAX_FACES, |m| m.min(MAX_FACES));
    let mut chosen = 0usize;
    faces
        .into_iter()
        .map(|(detection, quality)| {
            let issues = gate
                .map(|t| quality_gate(&detection, &quality, t))
                .unwrap_or_default();
            let reasons = if !issues.is_empty() {
                issues.iter().map(|i| i.as_str().to_string()).collect()
            } else if chosen >= limit {
                vec![EXCEEDS_MAX_FACES.to_string()]
            } else {
                chosen += 1;
                Vec::new()
            };
            Assessed {
                detection,
                quality,
                reasons,
            }
        })
        .collect()
}

/// Why no face of an image can be searched with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoSearchFace {
    /// No face at all.
    NoFace,
    /// Faces, none passing the gate: their issues, sorted, without repeats.
    NonePasses(Vec<String>),
}

/// The face a search uses: the largest that passed the gate (faces as [`plan_index`] gives
/// them without `max_faces`, largest first).
pub fn largest_passing(faces: &[Assessed]) -> Result<&Assessed, NoSearchFace> {
    if faces.is_empty() {
        return Err(NoSearchFace::NoFace);
    }
    if let Some(face) = faces.iter().find(|f| f.is_chosen()) {
        return Ok(face);
    }
    let mut issues: Vec<String> = faces.iter().flat_map(|f| f.reasons.clone()).collect();
    issues.sort();
    issues.dedup();
    Err(NoSearchFace::NonePasses(issues))
}
