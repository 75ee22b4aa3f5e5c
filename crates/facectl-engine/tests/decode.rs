//! Image input against the peers' expectations: formats by content, EXIF orientation, broken files.

mod common;

use common::*;
use facectl_engine::{decode_file, decode_image, DecodeLimits, DecodedImage, ImageError};

fn mean_abs_diff(a: &DecodedImage, b: &DecodedImage) -> f64 {
    assert_eq!(
        (a.width(), a.height()),
        (b.width(), b.height()),
        "sizes differ"
    );
    let (x, y) = (a.rgb.as_raw(), b.rgb.as_raw());
    x.iter()
        .zip(y)
        .map(|(p, q)| (*p as f64 - *q as f64).abs())
        .sum::<f64>()
        / x.len() as f64
}

#[test]
fn hopper_containers_decode_to_the_same_picture() {
    let base = decode(&format!("{HOPPER}/hopper.png"));
    assert_eq!((base.width(), base.height()), (128, 128));
    for (f, fmt) in [
        ("hopper.jpg", "jpeg"),
        ("hopper.webp", "webp"),
        ("hopper.bmp", "bmp"),
        ("hopper.gif", "gif"),
        ("hopper.tif", "tiff"),
        ("hopper_gray.jpg", "jpeg"),
    ] {
        let img = decode(&format!("{HOPPER}/{f}"));
        assert_eq!(img.format, fmt, "{f}");
        let d = mean_abs_diff(&img, &base);
        // Grey and palette versions lose colour; all stay close to the PNG.
        assert!(d < 25.0, "{f}: mean abs diff {d}");
    }
}

#[test]
fn exif_orientations_are_applied() {
    for ext in ["jpg", "webp"] {
        let upright = decode(&format!("{HOPPER}/hopper.{ext}"));
        for n in 2..=8u8 {
            let img = decode(&format!("{HOPPER}/hopper_orientation_{n}.{ext}"));
            assert_eq!(img.orientation, n, "hopper_orientation_{n}.{ext}");
            let d = mean_abs_diff(&img, &upright);
            // Pillow's assert_image_similar tolerance for the same files.
            assert!(d <= 17.0, "hopper_orientation_{n}.{ext}: mean abs diff {d}");
        }
    }
    assert_eq!(decode(&format!("{HOPPER}/hopper.jpg")).orientation, 1);
}

#[test]
fn sideways_photo_with_orientation_6_becomes_portrait() {
    let img = decode(&format!("{INSPIRE}/bulk/image_T1.jpeg"));
    assert_eq!(img.orientation, 6);
    assert_eq!((img.original_width, img.original_height), (640, 480));
    assert_eq!((img.width(), img.height()), (480, 640));
}

#[test]
fn broken_exif_does_not_prevent_decoding() {
    let img = decode(&format!("{HOPPER}/hopper_bad_exif.jpg"));
    assert_eq!((img.width(), img.height()), (500, 500));
}

#[test]
fn einstein_in_seven_formats_has_the_same_pixels() {
    let base = decode(&format!("{IMGTOOLS}/einstein.png"));
    assert_eq!((base.width(), base.height()), (256, 256));
    for f in ["jpeg", "tiff", "gif", "bmp", "webp"] {
        let img = decode(&format!("{IMGTOOLS}/einstein.{f}"));
        let d = mean_abs_diff(&img, &base);
        assert!(d < 20.0, "einstein.{f}: mean abs diff {d}");
    }
    // ICO is not a required format: this one (palette PNG inside) is refused cleanly.
    let ico = peer(&format!("{IMGTOOLS}/einstein.ico"));
    match decode_file(&ico, &DecodeLimits::default()) {
        Ok(img) => assert!(mean_abs_diff(&img, &base) < 20.0),
        Err(e) => assert!(e.to_string().contains("einstein.ico"), "{e}"),
    }
}

#[test]
fn content_decides_the_format_not_the_extension() {
    let kun = decode(&format!("{INSPIRE}/bulk/kun.jpg"));
    assert_eq!((kun.format, kun.width(), kun.height()), ("png", 325, 402));
    let d1 = decode(&format!("{INSPIRE}/RD/d1.jpeg"));
    assert_eq!(d1.format, "webp");
    let rot = decode(&format!("{INSPIRE}/rotate/rot_0.jpg"));
    assert_eq!(rot.format, "png");
    // RGBA PNG: alpha dropped, shape as face_recognition's test asserts (h 1200, w 626).
    let rgba = decode(&format!("{AGEITGEY}/tests/test_images/32bit.png"));
    assert_eq!((rgba.height(), rgba.width()), (1200, 626));
}

#[test]
fn empty_and_corrupt_files_give_clear_errors() {
    let empty = peer(&format!("{IMGTOOLS}/empty.png"));
    let e = decode_file(&empty, &DecodeLimits::default()).unwrap_err();
    assert!(e.to_string().contains("empty.png"), "{e}");
    assert!(
        matches!(
            e,
            ImageError::Corrupt { .. } | ImageError::Unsupported { .. } | ImageError::Empty { .. }
        ),
        "{e:?}"
    );
    let corrupt = peer(&format!("{IMGTOOLS}/corrupted.png"));
    let e = decode_file(&corrupt, &DecodeLimits::default()).unwrap_err();
    assert!(e.to_string().contains("corrupted.png"), "{e}");
    assert!(
        matches!(
            e,
            ImageError::Corrupt { .. } | ImageError::Unsupported { .. }
        ),
        "{e:?}"
    );
    let e = decode_image(&[], "zero-bytes", &DecodeLimits::default()).unwrap_err();
    assert!(matches!(e, ImageError::Empty { .. }));
    let missing = decode_file("/nonexistent/x.jpg".as_ref(), &DecodeLimits::default()).unwrap_err();
    assert!(matches!(missing, ImageError::Io { .. }));
    assert!(missing.to_string().contains("/nonexistent/x.jpg"));
}

#[test]
fn truncated_jpeg_decodes_or_fails_cleanly() {
    // CompreFace expects its truncated.jpg to decode (225x225, grey fill for the missing part).
    let img = decode(&format!("{IMGTOOLS}/truncated.jpg"));
    assert_eq!((img.height(), img.width()), (225, 225));
    // Decoded at a reduced size in the DCT domain, it decodes too, or fails naming the file.
    let small = DecodeLimits {
        work_max_side: 100,
        ..DecodeLimits::default()
    };
    match decode_file(&peer(&format!("{IMGTOOLS}/truncated.jpg")), &small) {
        Ok(img) => assert_eq!((img.height(), img.width()), (225, 225)),
        Err(e) => assert!(e.to_string().contains("truncated.jpg"), "{e}"),
    }
    // Cutting a JPEG anywhere never panics, whole or reduced.
    let bytes = std::fs::read(peer(&format!("{HOPPER}/hopper.jpg"))).expect("read");
    for cut in [2usize, 10, 100, 600, bytes.len() / 2, bytes.len() - 3] {
        for limits in [DecodeLimits::default(), small] {
            if let Err(e) = decode_image(&bytes[..cut], "cut.jpg", &limits) {
                assert!(e.to_string().contains("cut.jpg"), "{e}");
            }
        }
    }
}

#[test]
fn decompression_bombs_are_refused() {
    let limits = DecodeLimits {
        max_bytes: 64 << 20,
        max_pixels: 10_000,
        ..DecodeLimits::default()
    };
    let e = decode_file(&peer(&format!("{HOPPER}/hopper.png")), &limits).unwrap_err();
    assert!(matches!(e, ImageError::TooLarge { .. }), "{e:?}");
    assert!(
        e.to_string().contains("hopper.png") && e.to_string().contains("pixels"),
        "{e}"
    );
}

#[test]
fn photos_above_the_working_size_are_reduced_but_keep_their_size() {
    let limits = DecodeLimits {
        work_max_side: 100,
        ..DecodeLimits::default()
    };
    for name in ["hopper.jpg", "hopper.png"] {
        let full = decode_file(&peer(&format!("{HOPPER}/{name}")), &DecodeLimits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let img = decode_file(&peer(&format!("{HOPPER}/{name}")), &limits)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(full.rgb.width().max(full.rgb.height()) > 100, "{name}");
        // Both are reduced by a whole factor: the JPEG in the DCT domain, the PNG while it is
        // streamed (128 / 2 = 64).
        let long = img.rgb.width().max(img.rgb.height());
        assert!(long <= 100 && long > 50, "{name}: {long}");
        assert_eq!(
            (img.width(), img.height()),
            (full.width(), full.height()),
            "{name}"
        );
        assert!(img.is_reduced() && !full.is_reduced(), "{name}");
        let (sx, sy) = img.scale;
        assert!(
            (sx * img.rgb.width() as f32 - full.width() as f32).abs() < 0.01,
            "{name}"
        );
        assert!(
            (sy * img.rgb.height() as f32 - full.height() as f32).abs() < 0.01,
            "{name}"
        );
    }
}

#[test]
fn whole_decode_formats_have_a_lower_pixel_cap_than_reduced_ones() {
    // hopper is 128x128 = 16,384 pixels, above this working size: a PNG is streamed and a
    // baseline JPEG decoded in the DCT domain into a reduced copy (only max_pixels applies),
    // while a WebP must be decoded whole, so max_whole_pixels applies.
    let limits = DecodeLimits {
        max_whole_pixels: 10_000,
        work_max_side: 64,
        ..DecodeLimits::default()
    };
    for name in ["hopper.png", "hopper.jpg"] {
        let img = decode_file(&peer(&format!("{HOPPER}/{name}")), &limits);
        assert!(img.is_ok(), "{name}: {:?}", img.err());
    }
    let e = decode_file(&peer(&format!("{HOPPER}/hopper.webp")), &limits).unwrap_err();
    assert!(matches!(e, ImageError::TooLarge { .. }), "{e:?}");
    assert!(e.to_string().contains("hopper.webp"), "{e}");
}

/// `img` reduced to `w` x `h`, for comparing a reduced decode with the whole one.
fn shrink(img: &DecodedImage, w: u32, h: u32) -> DecodedImage {
    let rgb = image::imageops::thumbnail(&img.rgb, w, h);
    DecodedImage::from_rgb(rgb)
}

#[test]
fn jpegs_decoded_at_a_reduced_size_match_the_whole_decode() {
    // Baseline and progressive photos, and the EXIF-turned hopper: the scaled inverse DCT gives
    // the picture a whole decode gives once reduced to the same size, upright.
    for rel in [
        "ageitgey_face_recognition/examples/obama-480p.jpg",
        "ageitgey_face_recognition/examples/knn_examples/test/obama_and_biden.jpg",
        "insightface/cpp-package/inspireface/test_res/data/bulk/woman_search.jpeg",
        "insightface/cpp-package/inspireface/test_res/data/bulk/image_T1.jpeg",
        &format!("{HOPPER}/hopper_orientation_6.jpg"),
    ] {
        let full = decode(rel);
        let side = full.width().max(full.height()) / 3;
        let limits = DecodeLimits {
            work_max_side: side,
            ..DecodeLimits::default()
        };
        let small = decode_file(&peer(rel), &limits).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(small.format, "jpeg", "{rel}");
        assert_eq!(small.orientation, full.orientation, "{rel}");
        assert_eq!(
            (small.width(), small.height()),
            (full.width(), full.height()),
            "{rel}"
        );
        let long = small.rgb.width().max(small.rgb.height());
        assert!(long <= side && long >= side / 2, "{rel}: {long} for {side}");
        let (sw, sh) = small.rgb.dimensions();
        let reference = shrink(&full, sw, sh);
        let d = mean_abs_diff(&DecodedImage::from_rgb(small.rgb.clone()), &reference);
        assert!(
            d < 6.0,
            "{rel}: mean abs diff {d} against the reduced whole decode"
        );
    }
}

#[test]
fn a_progressive_jpeg_keeps_the_whole_decode_cap() {
    // A progressive JPEG holds every coefficient of the whole image while it decodes, so the
    // whole-decode cap applies to it even when it is decoded reduced.
    let rel = "ageitgey_face_recognition/examples/knn_examples/test/obama_and_biden.jpg";
    let limits = DecodeLimits {
        max_whole_pixels: 2_000_000,
        work_max_side: 1000,
        ..DecodeLimits::default()
    };
    let e = decode_file(&peer(rel), &limits).unwrap_err();
    assert!(matches!(e, ImageError::TooLarge { .. }), "{e:?}");
    let ok = DecodeLimits {
        max_whole_pixels: 3_000_000,
        ..limits
    };
    assert!(decode_file(&peer(rel), &ok).is_ok());
}
