//! Face thumbnails: a square JPEG crop around a face box, for consoles and reports.

use crate::decode::{decode_image, DecodeLimits};
use crate::error::ImageError;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;

/// A `side`x`side` JPEG of the face whose box (`x`, `y`, `width`, `height`, in pixels of the
/// upright original) is given, with a margin of half the box around it, clamped to the image.
pub fn face_thumbnail(
    bytes: &[u8],
    origin: &str,
    face: (f32, f32, f32, f32),
    side: u32,
) -> Result<Vec<u8>, ImageError> {
    let img = decode_image(bytes, origin, &DecodeLimits::default())?;
    let (sx, sy) = img.scale;
    let (x, y, w, h) = (face.0 / sx, face.1 / sy, face.2 / sx, face.3 / sy);
    let (iw, ih) = (img.rgb.width() as f32, img.rgb.height() as f32);
    // A square around the box's centre, 1.5 times its longer side.
    let half = (w.max(h) * 0.75).max(1.0);
    let (cx, cy) = (x + w / 2.0, y + h / 2.0);
    let x0 = (cx - half).clamp(0.0, (iw - 1.0).max(0.0));
    let y0 = (cy - half).clamp(0.0, (ih - 1.0).max(0.0));
    let x1 = (cx + half).clamp(x0 + 1.0, iw);
    let y1 = (cy + half).clamp(y0 + 1.0, ih);
    let crop = image::imageops::crop_imm(
        &img.rgb,
        x0 as u32,
        y0 as u32,
        ((x1 - x0) as u32).max(1),
        ((y1 - y0) as u32).max(1),
    )
    .to_image();
    let side = side.clamp(16, 1024);
    let thumb = image::imageops::resize(&crop, side, side, FilterType::Triangle);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&thumb)
        .map_err(|e| ImageError::Corrupt {
            origin: origin.to_string(),
            reason: format!("cannot encode the thumbnail: {e}"),
        })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 0])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_thumbnail_is_a_square_jpeg_of_the_asked_size() {
        let bytes = png(200, 100);
        for face in [
            (50.0, 20.0, 40.0, 50.0),
            (190.0, 90.0, 30.0, 30.0),
            (0.0, 0.0, 500.0, 500.0),
        ] {
            let jpeg = face_thumbnail(&bytes, "t.png", face, 96).unwrap();
            let back = image::load_from_memory(&jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (96, 96), "{face:?}");
        }
    }

    #[test]
    fn a_corrupt_photo_is_an_error_naming_it() {
        let err = face_thumbnail(
            b"\x89PNG\r\n\x1a\nnope",
            "bad.png",
            (0.0, 0.0, 1.0, 1.0),
            64,
        )
        .unwrap_err();
        assert!(err.to_string().contains("bad.png"), "{err}");
    }
}
