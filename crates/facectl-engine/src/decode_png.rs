//! PNG decoding straight into a reduced working copy: rows are streamed and box-averaged, so
//! a huge PNG (a 9000x9000 image can be 97 KB on disk) never exists at full size in memory.

use std::io::Cursor;

use image::metadata::Orientation;
use image::RgbImage;
use png::{ColorType, Transformations};

use crate::decode::{check_size, exif_orientation, upright_reduced, DecodeLimits, DecodedImage};
use crate::error::ImageError;

/// The image at its working size when it is a non-interlaced PNG larger than
/// `limits.work_max_side`; `None` when the ordinary whole decode should be used instead.
pub(crate) fn decode_reduced(
    bytes: &[u8],
    origin: &str,
    limits: &DecodeLimits,
) -> Result<Option<DecodedImage>, ImageError> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| png_error(e, origin))?;
    let (w, h, interlaced) = {
        let info = reader.info();
        (info.width, info.height, info.interlaced)
    };
    check_size(origin, w, h, limits.max_pixels)?;
    let side = limits.work_max_side.max(1);
    if interlaced || w.max(h) <= side {
        return Ok(None);
    }
    let orientation = reader
        .info()
        .exif_metadata
        .as_deref()
        .and_then(exif_orientation)
        .unwrap_or(Orientation::NoTransforms);
    let channels = match reader.output_color_type().0 {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => {
            return Err(ImageError::Corrupt {
                origin: origin.to_string(),
                reason: "indexed PNG without a palette".into(),
            })
        }
    };
    let mut acc = BoxAverage::new(w, h, w.max(h).div_ceil(side));
    let mut y = 0u32;
    while let Some(row) = reader.next_row().map_err(|e| png_error(e, origin))? {
        acc.add_row(row.data(), channels);
        y += 1;
    }
    if y != h {
        return Err(ImageError::Corrupt {
            origin: origin.to_string(),
            reason: format!("truncated or unreadable data: {y} of {h} rows"),
        });
    }
    Ok(Some(upright_reduced(
        acc.finish(),
        orientation,
        w,
        h,
        "png",
    )))
}

fn png_error(e: png::DecodingError, origin: &str) -> ImageError {
    match e {
        png::DecodingError::LimitsExceeded => ImageError::TooLarge {
            origin: origin.to_string(),
            what: "PNG decoder limit hit".into(),
            limit: "the PNG decoder's memory limit".into(),
        },
        png::DecodingError::IoError(io) => ImageError::Corrupt {
            origin: origin.to_string(),
            reason: format!("truncated or unreadable data: {io}"),
        },
        other => ImageError::Corrupt {
            origin: origin.to_string(),
            reason: other.to_string(),
        },
    }
}

/// Sums `k` x `k` blocks of RGB rows as they arrive and writes each finished band of blocks
/// out as averaged pixels (edge blocks average only the pixels they have).
struct BoxAverage {
    width: u32,
    k: u32,
    out: RgbImage,
    sums: Vec<u32>,
    rows_in_band: u32,
    band: u32,
}

impl BoxAverage {
    fn new(width: u32, height: u32, k: u32) -> BoxAverage {
        let k = k.max(1);
        let (ow, oh) = (width.div_ceil(k), height.div_ceil(k));
        BoxAverage {
            width,
            k,
            out: RgbImage::new(ow, oh),
            sums: vec![0; ow as usize * 3],
            rows_in_band: 0,
            band: 0,
        }
    }

    fn add_row(&mut self, data: &[u8], channels: usize) {
        let k = self.k as usize;
        for (bx, sum) in self.sums.chunks_exact_mut(3).enumerate() {
            let start = bx * k * channels;
            let end = ((bx + 1) * k).min(self.width as usize) * channels;
            let Some(block) = data.get(start..end) else {
                break;
            };
            let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
            for px in block.chunks_exact(channels) {
                if channels < 3 {
                    r += u32::from(px[0]);
                } else {
                    r += u32::from(px[0]);
                    g += u32::from(px[1]);
                    b += u32::from(px[2]);
                }
            }
            if channels < 3 {
                g = r;
                b = r;
            }
            sum[0] += r;
            sum[1] += g;
            sum[2] += b;
        }
        self.rows_in_band += 1;
        if self.rows_in_band == self.k {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.rows_in_band == 0 || self.band >= self.out.height() {
            return;
        }
        let k = self.k;
        for (bx, sum) in self.sums.chunks_exact_mut(3).enumerate() {
            let cols = (self.width - bx as u32 * k).min(k);
            let n = cols * self.rows_in_band;
            let avg = |v: u32| ((v + n / 2) / n).min(255) as u8;
            self.out.put_pixel(
                bx as u32,
                self.band,
                image::Rgb([avg(sum[0]), avg(sum[1]), avg(sum[2])]),
            );
            sum.fill(0);
        }
        self.rows_in_band = 0;
        self.band += 1;
    }

    fn finish(mut self) -> RgbImage {
        self.flush();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, color: png::ColorType, px: impl Fn(u32, u32) -> Vec<u8>) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(color);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().unwrap_or_else(|e| panic!("{e}"));
            let mut data: Vec<u8> = Vec::new();
            for y in 0..h {
                for x in 0..w {
                    data.extend(px(x, y));
                }
            }
            writer
                .write_image_data(&data)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        out
    }

    fn limits(side: u32) -> DecodeLimits {
        DecodeLimits {
            work_max_side: side,
            ..DecodeLimits::default()
        }
    }

    #[test]
    fn large_png_is_averaged_into_its_working_size() {
        // Left half dark, right half bright, 10 x 7, reduced by 3 -> 4 x 3 (edge blocks partial).
        let bytes = png(10, 7, png::ColorType::Rgb, |x, _| {
            if x < 6 {
                vec![30, 60, 90]
            } else {
                vec![200, 100, 0]
            }
        });
        let img = crate::decode::decode_image(&bytes, "big.png", &limits(4)).expect("decodes");
        assert_eq!(img.rgb.dimensions(), (4, 3));
        assert_eq!((img.width(), img.height()), (10, 7));
        assert_eq!(img.scale, (2.5, 7.0 / 3.0));
        assert_eq!(img.rgb.get_pixel(0, 2).0, [30, 60, 90]);
        assert_eq!(img.rgb.get_pixel(3, 0).0, [200, 100, 0]);
        assert!(img.is_reduced());
    }

    #[test]
    fn grey_and_alpha_pngs_expand_to_rgb() {
        let bytes = png(9, 9, png::ColorType::GrayscaleAlpha, |_, _| vec![77, 10]);
        let img = crate::decode::decode_image(&bytes, "g.png", &limits(3)).expect("decodes");
        assert_eq!(img.rgb.dimensions(), (3, 3));
        assert_eq!(img.rgb.get_pixel(1, 1).0, [77, 77, 77]);
    }

    #[test]
    fn truncated_large_png_is_corrupt_with_its_name() {
        let bytes = png(64, 64, png::ColorType::Rgb, |x, y| {
            vec![(x * y) as u8, x as u8, y as u8]
        });
        let cut = &bytes[..bytes.len() / 2];
        let e = crate::decode::decode_image(cut, "cut.png", &limits(16)).unwrap_err();
        assert!(matches!(e, ImageError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("cut.png"), "{e}");
    }

    #[test]
    fn small_png_is_not_reduced() {
        let bytes = png(8, 8, png::ColorType::Rgb, |_, _| vec![1, 2, 3]);
        let img = crate::decode::decode_image(&bytes, "s.png", &limits(8)).expect("decodes");
        assert_eq!(img.rgb.dimensions(), (8, 8));
        assert!(!img.is_reduced());
    }
}
