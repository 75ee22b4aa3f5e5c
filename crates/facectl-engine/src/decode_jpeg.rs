//! JPEG decoding at a reduced size in the DCT domain: the decoder's scaled inverse DCT (1/2, 1/4
//! or 1/8) skips most of the work of a whole decode, so a 33-megapixel camera photo costs a
//! fraction of its full-size decode in time and memory.

use std::io::Cursor;

use image::metadata::Orientation;
use image::RgbImage;
use jpeg_decoder::{CodingProcess, Decoder, PixelFormat};

use crate::decode::{check_size, exif_orientation, upright_reduced, DecodeLimits, DecodedImage};
use crate::error::ImageError;

/// The image at its working size when it is a baseline or progressive 8-bit grey or colour JPEG
/// whose longer side is above `limits.work_max_side`; `None` when the ordinary whole decode
/// should be used instead (small photos, CMYK, 12-bit, lossless, or a header this decoder
/// cannot read: the whole decode then reports the error).
///
/// The scaled decode keeps the longer side at or above half the working size, then box-averages
/// down to the working size. Baseline JPEGs are decoded a row of blocks at a time, so only
/// `limits.max_pixels` applies to them; a progressive JPEG keeps every coefficient of the whole
/// image (about 3 bytes per pixel), so `limits.max_whole_pixels` applies, as for a whole decode.
pub(crate) fn decode_reduced(
    bytes: &[u8],
    origin: &str,
    limits: &DecodeLimits,
) -> Result<Option<DecodedImage>, ImageError> {
    let mut decoder = Decoder::new(Cursor::new(bytes));
    if decoder.read_info().is_err() {
        return Ok(None);
    }
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    let (w, h) = (u32::from(info.width), u32::from(info.height));
    let side = limits.work_max_side.max(1);
    let channels = match info.pixel_format {
        PixelFormat::L8 => 1,
        PixelFormat::RGB24 => 3,
        PixelFormat::L16 | PixelFormat::CMYK32 => return Ok(None),
    };
    let cap = match info.coding_process {
        CodingProcess::DctSequential => limits.max_pixels,
        CodingProcess::DctProgressive => limits.max_pixels.min(limits.max_whole_pixels),
        CodingProcess::Lossless => return Ok(None),
    };
    if w.max(h) <= side {
        return Ok(None);
    }
    check_size(origin, w, h, cap)?;
    // Ask for half the working size on the longer side: the decoder picks the strongest
    // reduction that still reaches it, and the box average below takes it the rest of the way.
    let half = (side / 2).max(1);
    let (rw, rh) = if w >= h {
        (
            half,
            (u64::from(h) * u64::from(half)).div_ceil(u64::from(w)) as u32,
        )
    } else {
        (
            (u64::from(w) * u64::from(half)).div_ceil(u64::from(h)) as u32,
            half,
        )
    };
    let clamp16 = |v: u32| v.clamp(1, u32::from(u16::MAX)) as u16;
    let (sw, sh) = decoder
        .scale(clamp16(rw), clamp16(rh))
        .map_err(|e| jpeg_error(e, origin))?;
    let (sw, sh) = (u32::from(sw), u32::from(sh));
    let orientation = decoder
        .exif_data()
        .and_then(exif_orientation)
        .unwrap_or(Orientation::NoTransforms);
    let pixels = match decoder.decode() {
        Ok(p) => p,
        // An unsupported feature met past the header (e.g. arithmetic coding): the whole decode
        // gets its chance and reports it in its own words.
        Err(jpeg_decoder::Error::Unsupported(_)) => return Ok(None),
        Err(e) => return Err(jpeg_error(e, origin)),
    };
    let expected = sw as usize * sh as usize * channels;
    if pixels.len() != expected {
        return Err(ImageError::Corrupt {
            origin: origin.to_string(),
            reason: format!(
                "decoder returned {} bytes for a {sw}x{sh} image, expected {expected}",
                pixels.len()
            ),
        });
    }
    let rgb = if channels == 3 {
        RgbImage::from_raw(sw, sh, pixels)
    } else {
        RgbImage::from_raw(sw, sh, pixels.iter().flat_map(|&g| [g, g, g]).collect())
    }
    .ok_or_else(|| ImageError::Corrupt {
        origin: origin.to_string(),
        reason: format!("cannot hold a {sw}x{sh} image"),
    })?;
    let (small, _) = crate::rotate::reduced(&rgb, side);
    Ok(Some(upright_reduced(
        small.unwrap_or(rgb),
        orientation,
        w,
        h,
        "jpeg",
    )))
}

fn jpeg_error(e: jpeg_decoder::Error, origin: &str) -> ImageError {
    let origin = origin.to_string();
    match e {
        jpeg_decoder::Error::Io(io) => ImageError::Corrupt {
            origin,
            reason: format!("truncated or unreadable data: {io}"),
        },
        jpeg_decoder::Error::Unsupported(u) => ImageError::Corrupt {
            origin,
            reason: format!("unsupported variant: {u:?}"),
        },
        other => ImageError::Corrupt {
            origin,
            reason: other.to_string(),
        },
    }
}
