//! Conversions from Rekognition's types to facectl's (boxes in pixels, reasons as strings).

use crate::imageprep::ratio_box_to_pixels;
use aws_sdk_rekognition::types as rk;
use facectl_core::model::{BoundingBox, FaceDetail, FaceQuality, Pose, QualityFilter};

/// Rekognition's ratio box in pixels of a `width` x `height` image.
pub fn bbox(b: Option<&rk::BoundingBox>, width: u32, height: u32) -> BoundingBox {
    match b {
        Some(b) => ratio_box_to_pixels(
            b.left().unwrap_or(0.0),
            b.top().unwrap_or(0.0),
            b.width().unwrap_or(0.0),
            b.height().unwrap_or(0.0),
            width,
            height,
        ),
        None => BoundingBox::default(),
    }
}

pub fn pose(p: Option<&rk::Pose>) -> Option<Pose> {
    p.map(|p| Pose {
        yaw: p.yaw().unwrap_or(0.0),
        roll: p.roll().unwrap_or(0.0),
        pitch: p.pitch().unwrap_or(0.0),
    })
}

pub fn quality(q: Option<&rk::ImageQuality>) -> Option<FaceQuality> {
    q.map(|q| FaceQuality {
        brightness: q.brightness().unwrap_or(0.0),
        sharpness: q.sharpness().unwrap_or(0.0),
    })
}

/// A DetectFaces / IndexFaces face detail.
pub fn face_detail(d: Option<&rk::FaceDetail>, width: u32, height: u32) -> FaceDetail {
    match d {
        Some(d) => FaceDetail {
            bbox: bbox(d.bounding_box(), width, height),
            confidence: d.confidence().unwrap_or(0.0),
            pose: pose(d.pose()),
            quality: quality(d.quality()),
        },
        None => FaceDetail::default(),
    }
}

/// A CompareFaces face.
pub fn compared_face(f: &rk::ComparedFace, width: u32, height: u32) -> FaceDetail {
    FaceDetail {
        bbox: bbox(f.bounding_box(), width, height),
        confidence: f.confidence().unwrap_or(0.0),
        pose: pose(f.pose()),
        quality: quality(f.quality()),
    }
}

pub fn quality_filter(q: QualityFilter) -> rk::QualityFilter {
    match q {
        QualityFilter::None => rk::QualityFilter::None,
        QualityFilter::Auto => rk::QualityFilter::Auto,
        QualityFilter::Low => rk::QualityFilter::Low,
        QualityFilter::Medium => rk::QualityFilter::Medium,
        QualityFilter::High => rk::QualityFilter::High,
    }
}

/// Sorts faces largest first.
pub fn largest_first(faces: &mut [FaceDetail]) {
    faces.sort_by(|a, b| b.bbox.area().total_cmp(&a.bbox.area()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_convert_to_pixels() {
        let d = rk::FaceDetail::builder()
            .bounding_box(
                rk::BoundingBox::builder()
                    .left(0.1)
                    .top(0.2)
                    .width(0.5)
                    .height(0.25)
                    .build(),
            )
            .confidence(99.5)
            .pose(rk::Pose::builder().yaw(10.0).roll(-2.0).pitch(3.0).build())
            .quality(
                rk::ImageQuality::builder()
                    .brightness(70.0)
                    .sharpness(80.0)
                    .build(),
            )
            .build();
        let f = face_detail(Some(&d), 400, 200);
        assert_eq!(
            f.bbox,
            BoundingBox {
                x: 40.0,
                y: 40.0,
                width: 200.0,
                height: 50.0
            }
        );
        assert_eq!(f.confidence, 99.5);
        assert_eq!(f.pose.map(|p| p.yaw), Some(10.0));
        assert_eq!(f.quality.map(|q| q.sharpness), Some(80.0));
        assert_eq!(quality_filter(QualityFilter::High), rk::QualityFilter::High);
    }
}
