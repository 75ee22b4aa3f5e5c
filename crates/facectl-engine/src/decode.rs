//! Image input: decoding by content (not extension), EXIF orientation, decompression-bomb
//! limits, and decoding large photos at a reduced working size (JPEG scaled in the DCT domain,
//! PNG streamed row by row).

use std::io::{Cursor, Read};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};
use serde::{Deserialize, Serialize};

use crate::detector::Detection;
use crate::error::ImageError;

/// Caps applied before and while decoding, so hostile files cannot exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeLimits {
    /// Largest encoded input accepted, in bytes (default 64 MiB).
    pub max_bytes: u64,
    /// Largest image accepted, in pixels (width x height; default 100 megapixels). Big
    /// non-interlaced PNGs are streamed into their working size and big baseline JPEGs decoded
    /// at a reduced size in the DCT domain, so this bounds time, not memory, for them.
    pub max_pixels: u64,
    /// Largest image, in pixels, accepted in a format that must be decoded whole (or, for a
    /// progressive JPEG, hold every coefficient) before it can be reduced: progressive JPEG,
    /// WebP, GIF, TIFF, BMP, ICO, interlaced PNG; default 50 megapixels, so 36-48 MP camera and
    /// phone photos are taken (`scripts/bench_large_photos.sh` measures the cost).
    #[serde(default = "default_max_whole_pixels")]
    pub max_whole_pixels: u64,
    /// Photos whose longer side is above this are worked on at most this size: a JPEG decoded
    /// at 1/2, 1/4 or 1/8 scale, a PNG box-averaged while it streams, other formats right after
    /// decoding. The detector looks at 640 pixels, so nothing is lost, and every box and
    /// landmark is still reported in the original's pixels (default 4096).
    #[serde(default = "default_work_max_side")]
    pub work_max_side: u32,
}

fn default_max_whole_pixels() -> u64 {
    50_000_000
}

fn default_work_max_side() -> u32 {
    4096
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_bytes: 64 * 1024 * 1024,
            max_pixels: 100_000_000,
            max_whole_pixels: default_max_whole_pixels(),
            work_max_side: default_work_max_side(),
        }
    }
}

/// Container format detected from the content, as a lowercase name ("jpeg", "png", ...).
pub type ImageFormatName = &'static str;

/// A decoded image, upright (EXIF orientation applied), 8-bit RGB (alpha dropped, grey expanded),
/// at its working size (at most [`DecodeLimits::work_max_side`] on the longer side).
#[derive(Clone, Debug)]
pub struct DecodedImage {
    /// Upright pixels at the working size.
    pub rgb: RgbImage,
    /// Original upright pixels per working pixel, across and down (1 when not reduced). The
    /// engine's detections are in original pixels; `rgb` coordinates are these divided by it.
    pub scale: (f32, f32),
    /// Format detected from the content.
    pub format: ImageFormatName,
    /// EXIF orientation (1-8) that was applied; 1 when there was none.
    pub orientation: u8,
    /// Width of the stored image before orientation was applied.
    pub original_width: u32,
    /// Height of the stored image before orientation was applied.
    pub original_height: u32,
}

impl DecodedImage {
    /// Width of the upright original, in pixels (the working copy may be smaller).
    pub fn width(&self) -> u32 {
        upright(self.orientation, self.original_width, self.original_height).0
    }
    /// Height of the upright original, in pixels.
    pub fn height(&self) -> u32 {
        upright(self.orientation, self.original_width, self.original_height).1
    }
    /// Whether the working pixels are a reduced copy of the original.
    pub fn is_reduced(&self) -> bool {
        self.scale != (1.0, 1.0)
    }
    /// A detection in working pixels (of `rgb`), in the original's pixels.
    pub fn to_original(&self, d: Detection) -> Detection {
        crate::rotate::scale_back(d, self.scale, self.width(), self.height())
    }
    /// A detection in the original's pixels, in working pixels (of `rgb`).
    pub fn to_working(&self, d: &Detection) -> Detection {
        let (sx, sy) = self.scale;
        let inv = (
            1.0 / sx.max(f32::MIN_POSITIVE),
            1.0 / sy.max(f32::MIN_POSITIVE),
        );
        crate::rotate::scale_back(d.clone(), inv, self.rgb.width(), self.rgb.height())
    }
    /// Wraps already-decoded upright pixels (orientation 1, not reduced).
    pub fn from_rgb(rgb: RgbImage) -> DecodedImage {
        let (w, h) = rgb.dimensions();
        DecodedImage {
            rgb,
            scale: (1.0, 1.0),
            format: "raw",
            orientation: 1,
            original_width: w,
            original_height: h,
        }
    }
}

/// A reduced working copy, still as stored, turned upright by `orientation`, with its scale
/// against the `w` x `h` stored original.
pub(crate) fn upright_reduced(
    stored: RgbImage,
    orientation: Orientation,
    w: u32,
    h: u32,
    format: ImageFormatName,
) -> DecodedImage {
    let mut img = DynamicImage::ImageRgb8(stored);
    img.apply_orientation(orientation);
    let rgb = img.into_rgb8();
    let exif = orientation.to_exif();
    let (uw, uh) = upright(exif, w, h);
    DecodedImage {
        scale: (
            uw as f32 / rgb.width() as f32,
            uh as f32 / rgb.height() as f32,
        ),
        rgb,
        format,
        orientation: exif,
        original_width: w,
        original_height: h,
    }
}

/// The orientation in an EXIF block, with or without the JPEG-style `Exif\0\0` prefix.
pub(crate) fn exif_orientation(chunk: &[u8]) -> Option<Orientation> {
    let tiff = chunk.strip_prefix(b"Exif\0\0").unwrap_or(chunk);
    Orientation::from_exif_chunk(tiff)
}

/// Upright size of a `w` x `h` stored image with EXIF orientation `o` (5-8 swap the sides).
fn upright(o: u8, w: u32, h: u32) -> (u32, u32) {
    if (5..=8).contains(&o) {
        (h, w)
    } else {
        (w, h)
    }
}

fn format_name(f: ImageFormat) -> Option<ImageFormatName> {
    Some(match f {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        ImageFormat::Bmp => "bmp",
        ImageFormat::Gif => "gif",
        ImageFormat::Tiff => "tiff",
        ImageFormat::Ico => "ico",
        _ => return None,
    })
}

/// Decodes an image from memory. `origin` (a path or label) appears in every error.
pub fn decode_image(
    bytes: &[u8],
    origin: &str,
    limits: &DecodeLimits,
) -> Result<DecodedImage, ImageError> {
    let origin_s = || origin.to_string();
    if bytes.is_empty() {
        return Err(ImageError::Empty { origin: origin_s() });
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(ImageError::TooLarge {
            origin: origin_s(),
            what: format!("{} bytes", bytes.len()),
            limit: format!("{} bytes", limits.max_bytes),
        });
    }
    let format =
        image::guess_format(bytes).map_err(|_| ImageError::Unsupported { origin: origin_s() })?;
    let name = format_name(format).ok_or_else(|| ImageError::Unsupported { origin: origin_s() })?;

    let reduced = match format {
        ImageFormat::Png => crate::decode_png::decode_reduced(bytes, origin, limits)?,
        ImageFormat::Jpeg => crate::decode_jpeg::decode_reduced(bytes, origin, limits)?,
        _ => None,
    };
    if let Some(img) = reduced {
        return Ok(img);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut il = image::Limits::default();
    // RGBA16 is the widest layout a supported decoder produces: 8 bytes per pixel, plus slack.
    il.max_alloc = Some(
        limits
            .max_whole_pixels
            .saturating_mul(8)
            .saturating_add(64 << 20),
    );
    reader.limits(il);
    let corrupt = |e: image::ImageError| classify(e, origin);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (w, h) = decoder.dimensions();
    check_size(origin, w, h, limits.max_pixels.min(limits.max_whole_pixels))?;
    let orientation = read_orientation(&mut decoder, origin);
    let mut img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    img.apply_orientation(orientation);
    let rgb = match img {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => other.to_rgb8(),
    };
    let (small, scale) = crate::rotate::reduced(&rgb, limits.work_max_side);
    Ok(DecodedImage {
        rgb: small.unwrap_or(rgb),
        scale,
        format: name,
        orientation: orientation.to_exif(),
        original_width: w,
        original_height: h,
    })
}

/// Refuses a `w` x `h` image above `max` pixels or of zero size.
pub(crate) fn check_size(origin: &str, w: u32, h: u32, max: u64) -> Result<(), ImageError> {
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max {
        return Err(ImageError::TooLarge {
            origin: origin.to_string(),
            what: format!("{w}x{h} = {pixels} pixels"),
            limit: format!("{max} pixels"),
        });
    }
    if pixels == 0 {
        return Err(ImageError::Corrupt {
            origin: origin.to_string(),
            reason: format!("image has zero size ({w}x{h})"),
        });
    }
    Ok(())
}

/// EXIF orientation of the image. A broken EXIF block must not make an otherwise good image
/// unreadable, so errors fall back to "no transform". WebP files written by Pillow and others
/// keep the JPEG-style `Exif\0\0` prefix in their EXIF chunk, which the decoder's own lookup
/// does not skip; that prefix is handled here.
fn read_orientation(decoder: &mut impl ImageDecoder, origin: &str) -> Orientation {
    match decoder.orientation() {
        Ok(Orientation::NoTransforms) => {}
        Ok(o) => return o,
        Err(e) => {
            tracing::warn!(origin, error = %e, "ignoring unreadable EXIF orientation");
            return Orientation::NoTransforms;
        }
    }
    match decoder.exif_metadata() {
        Ok(Some(chunk)) => exif_orientation(&chunk).unwrap_or(Orientation::NoTransforms),
        Ok(None) => Orientation::NoTransforms,
        Err(e) => {
            tracing::warn!(origin, error = %e, "ignoring unreadable EXIF block");
            Orientation::NoTransforms
        }
    }
}

pub(crate) fn classify(e: image::ImageError, origin: &str) -> ImageError {
    match e {
        image::ImageError::Unsupported(u) => {
            // Unsupported *variants* of a known format (e.g. an exotic TIFF) are reported as such.
            ImageError::Corrupt {
                origin: origin.to_string(),
                reason: format!("unsupported variant: {u}"),
            }
        }
        image::ImageError::Limits(l) => ImageError::TooLarge {
            origin: origin.to_string(),
            what: format!("decoder limit hit: {l}"),
            limit: "configured DecodeLimits".into(),
        },
        image::ImageError::IoError(io) => ImageError::Corrupt {
            origin: origin.to_string(),
            reason: format!("truncated or unreadable data: {io}"),
        },
        other => ImageError::Corrupt {
            origin: origin.to_string(),
            reason: other.to_string(),
        },
    }
}

/// Reads and decodes an image file; the path appears in every error.
pub fn decode_file(path: &Path, limits: &DecodeLimits) -> Result<DecodedImage, ImageError> {
    let origin = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| ImageError::Io {
        origin: origin.clone(),
        source,
    })?;
    let len = file
        .metadata()
        .map_err(|source| ImageError::Io {
            origin: origin.clone(),
            source,
        })?
        .len();
    if len > limits.max_bytes {
        return Err(ImageError::TooLarge {
            origin,
            what: format!("{len} bytes"),
            limit: format!("{} bytes", limits.max_bytes),
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // Read at most one byte past the cap in case the file grows while we read it.
    file.take(limits.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| ImageError::Io {
            origin: origin.clone(),
            source,
        })?;
    decode_image(&bytes, &origin, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(w, h, image::Rgb([10, 20, 30]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|e| e.to_string())
            .unwrap_or_else(|e| panic!("encode: {e}"));
        out
    }

    #[test]
    fn empty_is_reported_with_origin() {
        let e = decode_image(&[], "x.jpg", &DecodeLimits::default()).unwrap_err();
        assert!(matches!(e, ImageError::Empty { .. }));
        assert!(e.to_string().contains("x.jpg"));
    }

    #[test]
    fn garbage_is_unsupported() {
        let e = decode_image(
            b"hello world, not an image",
            "t.png",
            &DecodeLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, ImageError::Unsupported { .. }), "{e}");
    }

    #[test]
    fn pixel_limit_refuses_bombs() {
        let bytes = png_bytes(200, 100);
        let limits = DecodeLimits {
            max_bytes: 1 << 20,
            max_pixels: 10_000,
            ..DecodeLimits::default()
        };
        let e = decode_image(&bytes, "bomb.png", &limits).unwrap_err();
        assert!(matches!(e, ImageError::TooLarge { .. }), "{e}");
        assert!(e.to_string().contains("bomb.png"));
        let ok = decode_image(&bytes, "ok.png", &DecodeLimits::default()).expect("decodes");
        assert_eq!((ok.width(), ok.height(), ok.format), (200, 100, "png"));
        assert_eq!(ok.rgb.get_pixel(5, 5).0, [10, 20, 30]);
    }

    #[test]
    fn byte_limit_applies() {
        let bytes = png_bytes(20, 20);
        let limits = DecodeLimits {
            max_bytes: 10,
            max_pixels: 1 << 30,
            ..DecodeLimits::default()
        };
        let e = decode_image(&bytes, "big.png", &limits).unwrap_err();
        assert!(matches!(e, ImageError::TooLarge { .. }), "{e}");
    }
}
