//! Preparing images for Rekognition: size from the header, conversion of other formats and
//! oversized images to JPEG under the 5 MB byte limit, face crops, box ratios to pixels.
//!
//! Pixels are only decoded for a conversion or a crop, and then through facectl's own decoder
//! (`facectl_engine::decode_image`: the same pixel caps as the local backend, big JPEGs decoded
//! at a reduced size in the DCT domain, big PNGs streamed), so a hostile or huge photo costs
//! bounded time and memory here too. A converted image is upright by its EXIF orientation in
//! every format (Rekognition itself only reads a JPEG's), and its reported size is the upright
//! one, so boxes on the conversion stay in step with it.

use facectl_core::model::BoundingBox;
use facectl_core::BackendError;
use facectl_engine::{decode_image, DecodeLimits, DecodedImage};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::borrow::Cow;
use std::io::Cursor;

/// Rekognition's limit for images passed as bytes.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Rekognition's limit for images read from S3.
pub const MAX_S3_BYTES: usize = 15 * 1024 * 1024;
/// Rekognition's smallest accepted image side.
pub const MIN_SIDE: u32 = 80;

/// True for the formats Rekognition reads (JPEG, PNG), by content.
pub fn is_jpeg_or_png(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF]) || bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

fn invalid(origin: &str, reason: impl Into<String>) -> BackendError {
    BackendError::InvalidImage {
        origin: origin.into(),
        reason: reason.into(),
    }
}

/// The EXIF orientation Rekognition applies: a JPEG's tag; PNGs (and everything else) are
/// used as stored, as Rekognition does.
fn orientation(bytes: &[u8]) -> Orientation {
    if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Orientation::NoTransforms;
    }
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_decoder().ok())
        .and_then(|mut d| d.orientation().ok())
        .unwrap_or(Orientation::NoTransforms)
}

/// Whether the orientation turns the image by a quarter (width and height swap).
fn quarter_turn(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// Width and height of the upright image (JPEG EXIF orientation applied, as Rekognition does
/// before it measures boxes), read from the header only.
pub fn dimensions(bytes: &[u8], origin: &str) -> Result<(u32, u32), BackendError> {
    let (w, h) = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| invalid(origin, format!("unreadable image: {e}")))?
        .into_dimensions()
        .map_err(|e| invalid(origin, format!("unreadable image: {e}")))?;
    Ok(if quarter_turn(orientation(bytes)) {
        (h, w)
    } else {
        (w, h)
    })
}

/// The upright image (EXIF orientation applied), at most `DecodeLimits::work_max_side` pixels
/// on its longer side, under the local backend's decoding limits.
fn decode(bytes: &[u8], origin: &str) -> Result<DecodedImage, BackendError> {
    decode_image(bytes, origin, &DecodeLimits::default()).map_err(|e| invalid(origin, e.reason()))
}

fn encode_jpeg(img: &DynamicImage, origin: &str) -> Result<Vec<u8>, BackendError> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img.to_rgb8())
        .write_to(&mut out, ImageFormat::Jpeg)
        .map_err(|e| invalid(origin, format!("cannot convert to JPEG: {e}")))?;
    Ok(out.into_inner())
}

/// An image ready to send as bytes, with the size of the original (box ratios refer to it).
#[derive(Debug)]
pub struct Prepared<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub width: u32,
    pub height: u32,
}

/// Returns the bytes as they are when Rekognition accepts them (JPEG/PNG, at most `limit`
/// bytes); otherwise a JPEG conversion, downscaled until it fits. Refuses images it cannot
/// decode or that are smaller than Rekognition's minimum.
pub fn prepare<'a>(
    bytes: &'a [u8],
    origin: &str,
    limit: usize,
) -> Result<Prepared<'a>, BackendError> {
    let (width, height) = dimensions(bytes, origin)?;
    if width < MIN_SIDE || height < MIN_SIDE {
        return Err(invalid(
            origin,
            format!(
                "{width}x{height} pixels is below Rekognition's minimum of {MIN_SIDE}x{MIN_SIDE}"
            ),
        ));
    }
    if is_jpeg_or_png(bytes) && bytes.len() <= limit {
        return Ok(Prepared {
            bytes: Cow::Borrowed(bytes),
            width,
            height,
        });
    }
    let decoded = decode(bytes, origin)?;
    let (width, height) = (decoded.width(), decoded.height());
    let mut img = DynamicImage::ImageRgb8(decoded.rgb);
    let mut jpeg = encode_jpeg(&img, origin)?;
    while jpeg.len() > limit {
        let (w, h) = (img.width() * 3 / 4, img.height() * 3 / 4);
        if w < MIN_SIDE || h < MIN_SIDE {
            return Err(invalid(
                origin,
                format!("cannot bring the image under Rekognition's {limit} byte limit"),
            ));
        }
        img = img.resize(w, h, image::imageops::FilterType::Triangle);
        jpeg = encode_jpeg(&img, origin)?;
    }
    tracing::debug!(
        origin,
        from = bytes.len(),
        to = jpeg.len(),
        "converted image for Rekognition"
    );
    Ok(Prepared {
        bytes: Cow::Owned(jpeg),
        width,
        height,
    })
}

/// Rekognition's ratio box (0-1 of width / height) in pixels of a `width` x `height` image.
pub fn ratio_box_to_pixels(
    left: f32,
    top: f32,
    box_width: f32,
    box_height: f32,
    width: u32,
    height: u32,
) -> BoundingBox {
    let (w, h) = (width as f32, height as f32);
    BoundingBox {
        x: left * w,
        y: top * h,
        width: box_width * w,
        height: box_height * h,
    }
}

/// JPEGs of the faces in `boxes` (pixels of the upright original), each with `margin` (fraction
/// of the box size) on every side, clamped to the image, and at least [`MIN_SIDE`] pixels wide
/// and high where the image allows. Decodes the image once (a big photo at its working size,
/// which the boxes are scaled to).
pub fn crop_faces(
    bytes: &[u8],
    boxes: &[BoundingBox],
    margin: f32,
    origin: &str,
) -> Result<Vec<Vec<u8>>, BackendError> {
    let decoded = decode(bytes, origin)?;
    let (sx, sy) = decoded.scale;
    let img = DynamicImage::ImageRgb8(decoded.rgb);
    let (iw, ih) = (img.width() as f32, img.height() as f32);
    let grow = |lo: f32, len: f32, limit: f32| {
        let pad = (len * margin).max((MIN_SIDE as f32 - len) / 2.0).max(0.0);
        let a = (lo - pad).clamp(0.0, limit);
        let b = (lo + len + pad).clamp(0.0, limit);
        (a, b)
    };
    let mut out = Vec::with_capacity(boxes.len());
    for bbox in boxes {
        let (x0, x1) = grow(bbox.x / sx, bbox.width / sx, iw);
        let (y0, y1) = grow(bbox.y / sy, bbox.height / sy, ih);
        let (w, h) = ((x1 - x0).round() as u32, (y1 - y0).round() as u32);
        if w == 0 || h == 0 {
            return Err(invalid(origin, "face box lies outside the image"));
        }
        let cropped = img.crop_imm(x0.round() as u32, y0.round() as u32, w, h);
        out.push(encode_jpeg(&cropped, origin)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, ImageFormat::Png)
            .expect("encode");
        out.into_inner()
    }

    /// Pillow's test images: hopper.jpg upright, hopper_orientation_N.jpg the same picture
    /// stored turned, with EXIF orientation N.
    fn hopper(name: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/peers/pillow_hopper/Tests/images")
            .join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// The upright picture, as a conversion or crop sees it.
    fn pic(bytes: &[u8], name: &str) -> DynamicImage {
        DynamicImage::ImageRgb8(decode(bytes, name).unwrap_or_else(|e| panic!("{e}")).rgb)
    }

    /// Mean absolute difference per channel of two images of the same size.
    fn mean_abs_diff(a: &DynamicImage, b: &DynamicImage) -> f64 {
        let (a, b) = (a.to_rgb8(), b.to_rgb8());
        assert_eq!(a.dimensions(), b.dimensions());
        let sum: u64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(&x, &y)| (x as i64 - y as i64).unsigned_abs())
            .sum();
        sum as f64 / a.as_raw().len() as f64
    }

    #[test]
    fn exif_orientation_gives_upright_sizes_crops_and_conversions() {
        // Pillow's threshold for "similar" is 17; the stored (unturned) pixels differ by 59-82.
        let base = pic(&hopper("hopper.jpg"), "hopper.jpg");
        for n in 2..=8 {
            let name = format!("hopper_orientation_{n}.jpg");
            let bytes = hopper(&name);
            assert_eq!(
                dimensions(&bytes, &name).expect("dims"),
                (base.width(), base.height())
            );
            let upright = pic(&bytes, &name);
            let d = mean_abs_diff(&base, &upright);
            assert!(d < 17.0, "{name}: differs from hopper.jpg by {d:.1}");
            // A conversion (forced by a small byte limit) stays upright.
            let p = prepare(&bytes, &name, 4_000).expect("prepare");
            assert!(matches!(p.bytes, Cow::Owned(_)), "{name} was converted");
            assert_eq!((p.width, p.height), (base.width(), base.height()), "{name}");
            let converted = pic(&p.bytes, "converted");
            let converted = converted.resize_exact(
                base.width(),
                base.height(),
                image::imageops::FilterType::Triangle,
            );
            let d = mean_abs_diff(&base, &converted);
            assert!(d < 17.0, "{name} converted: differs by {d:.1}");
        }
    }

    #[test]
    fn small_jpeg_and_png_pass_unchanged() {
        let bytes = png(120, 90);
        let p = prepare(&bytes, "a.png", MAX_BYTES).expect("prepare");
        assert!(matches!(p.bytes, Cow::Borrowed(_)));
        assert_eq!((p.width, p.height), (120, 90));
    }

    #[test]
    fn other_formats_and_oversized_images_become_small_jpegs() {
        let img = RgbImage::from_fn(300, 200, |x, y| {
            Rgb([(x * 7 % 256) as u8, (y * 13 % 256) as u8, 9])
        });
        let mut bmp = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut bmp, ImageFormat::Bmp)
            .expect("bmp");
        let bmp = bmp.into_inner();
        let p = prepare(&bmp, "a.bmp", MAX_BYTES).expect("prepare");
        assert!(p.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert_eq!((p.width, p.height), (300, 200));
        // A limit below the PNG's size forces downscaling.
        let big = png(400, 400);
        let p = prepare(&big, "big.png", 12_000).expect("prepare");
        assert!(p.bytes.len() <= 12_000, "{}", p.bytes.len());
        assert!(is_jpeg_or_png(&p.bytes));
        assert_eq!(
            (p.width, p.height),
            (400, 400),
            "original size kept for boxes"
        );
    }

    #[test]
    fn refuses_garbage_and_tiny_images() {
        let e = prepare(b"not an image at all", "x.txt", MAX_BYTES).expect_err("garbage");
        assert!(matches!(e, BackendError::InvalidImage { ref origin, .. } if origin == "x.txt"));
        let e = prepare(&png(40, 40), "tiny.png", MAX_BYTES).expect_err("tiny");
        assert!(e.to_string().contains("minimum"), "{e}");
    }

    #[test]
    fn boxes_and_crops() {
        let b = ratio_box_to_pixels(0.25, 0.5, 0.5, 0.25, 200, 100);
        assert_eq!(
            b,
            BoundingBox {
                x: 50.0,
                y: 50.0,
                width: 100.0,
                height: 25.0
            }
        );
        let bytes = png(400, 300);
        let face = BoundingBox {
            x: 100.0,
            y: 100.0,
            width: 100.0,
            height: 100.0,
        };
        let crops = crop_faces(&bytes, &[face], 0.25, "p.png").expect("crop");
        assert_eq!(dimensions(&crops[0], "crop").expect("dims"), (150, 150));
        // Clamped at the image border.
        let edge = BoundingBox {
            x: 350.0,
            y: 250.0,
            width: 100.0,
            height: 100.0,
        };
        let crops = crop_faces(&bytes, &[edge], 0.25, "p.png").expect("crop");
        let (w, h) = dimensions(&crops[0], "crop").expect("dims");
        assert!(w <= 75 && h <= 75, "{w}x{h}");
    }
}
