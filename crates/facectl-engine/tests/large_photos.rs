//! Photos above the working size (needs FACECTL_MODEL_DIR): a PNG streamed and a JPEG decoded
//! at a reduced size in the DCT domain give the same face as the small original, with boxes and
//! landmarks in the big photo's own pixels.

mod common;

use common::*;
use facectl_engine::{DecodeLimits, DecodedImage};
use image::codecs::jpeg::JpegEncoder;

/// `small` blown up `k` times by pixel repetition, one row at a time.
fn blown_up_rows(small: &DecodedImage, k: u32, mut each_row: impl FnMut(&[u8])) {
    let (w, h) = (small.rgb.width() * k, small.rgb.height() * k);
    let mut row = vec![0u8; w as usize * 3];
    for y in 0..h {
        for x in 0..w {
            let p = small.rgb.get_pixel(x / k, y / k).0;
            row[x as usize * 3..x as usize * 3 + 3].copy_from_slice(&p);
        }
        each_row(&row);
    }
}

fn big_png(small: &DecodedImage, k: u32) -> Vec<u8> {
    let (w, h) = (small.rgb.width() * k, small.rgb.height() * k);
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().expect("png header");
        let mut stream = writer.stream_writer().expect("png stream");
        blown_up_rows(small, k, |row| {
            std::io::Write::write_all(&mut stream, row).expect("png row")
        });
        stream.finish().expect("png end");
    }
    bytes
}

fn big_jpeg(small: &DecodedImage, k: u32) -> Vec<u8> {
    let (w, h) = (small.rgb.width() * k, small.rgb.height() * k);
    let mut pixels = Vec::with_capacity(w as usize * h as usize * 3);
    blown_up_rows(small, k, |row| pixels.extend_from_slice(row));
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode(&pixels, w, h, image::ExtendedColorType::Rgb8)
        .expect("jpeg encode");
    bytes
}

/// The big photo decodes reduced, keeps its size, and gives the small photo's face: box and
/// nose within 3 % of the face's width of `k` times the small ones, similarity at least 95.
fn same_face_at_size(small: &DecodedImage, bytes: &[u8], name: &str, k: u32) {
    let big = facectl_engine::decode_image(bytes, name, &DecodeLimits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let (w, h) = (small.width() * k, small.height() * k);
    assert_eq!((big.width(), big.height()), (w, h), "{name}");
    let long = big.rgb.width().max(big.rgb.height());
    assert!(
        big.is_reduced() && (2048..=4096).contains(&long),
        "{name}: working copy {:?}",
        big.rgb.dimensions()
    );
    let a = engine()
        .analyze(small, facectl_engine::FaceSelect::Largest)
        .expect("analyze small");
    let b = engine()
        .analyze(&big, facectl_engine::FaceSelect::Largest)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let (a, b) = (&a[0], &b[0]);
    let kf = k as f32;
    for (got, want) in [
        (b.detection.bbox.x, a.detection.bbox.x * kf),
        (b.detection.bbox.y, a.detection.bbox.y * kf),
        (b.detection.bbox.width, a.detection.bbox.width * kf),
        (b.detection.bbox.height, a.detection.bbox.height * kf),
        (
            b.detection.landmarks[2][0],
            a.detection.landmarks[2][0] * kf,
        ),
        (
            b.detection.landmarks[2][1],
            a.detection.landmarks[2][1] * kf,
        ),
    ] {
        assert!(
            (got - want).abs() <= 0.03 * a.detection.bbox.width * kf,
            "{name}: {got} vs {want}"
        );
    }
    let sim = facectl_engine::similarity(facectl_engine::cosine(
        a.embedding.as_slice(),
        b.embedding.as_slice(),
    ));
    assert!(sim >= 95.0, "{name}: same face, similarity {sim}");
    assert!(b.issues.is_empty(), "{name}: {:?}", b.issues);
}

/// 853x480 blown up 9 times: 7677x4320 (33 MP). The PNG is streamed into a 2559x1440 copy,
/// the JPEG decoded at half size (3839x2160) by the scaled inverse DCT.
#[test]
fn a_huge_photo_is_searched_at_working_size_with_boxes_in_its_own_pixels() {
    let small = decode("ageitgey_face_recognition/examples/obama-480p.jpg");
    let k = 9;
    same_face_at_size(&small, &big_png(&small, k), "big.png", k);
    same_face_at_size(&small, &big_jpeg(&small, k), "big.jpg", k);
}

/// A baseline JPEG above the whole-decode pixel cap is still taken (it is decoded reduced, a
/// row of blocks at a time), while the same picture as a BMP, which is decoded whole, is refused
/// from its header.
#[test]
fn a_big_baseline_jpeg_is_not_held_to_the_whole_decode_cap() {
    let small = decode("ageitgey_face_recognition/examples/obama-480p.jpg");
    let k = 6; // 5118x2880 = 14.7 MP
    let limits = DecodeLimits {
        max_whole_pixels: 10_000_000,
        ..DecodeLimits::default()
    };
    let jpeg = big_jpeg(&small, k);
    let img =
        facectl_engine::decode_image(&jpeg, "big.jpg", &limits).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(img.width(), small.width() * k);
    let mut bmp = Vec::new();
    let rgb = image::RgbImage::from_fn(small.width() * k, small.height() * k, |x, y| {
        *small.rgb.get_pixel(x / k, y / k)
    });
    image::DynamicImage::ImageRgb8(rgb)
        .write_to(&mut std::io::Cursor::new(&mut bmp), image::ImageFormat::Bmp)
        .expect("bmp encode");
    let e = facectl_engine::decode_image(&bmp, "big.bmp", &limits).unwrap_err();
    assert!(
        e.to_string().contains("big.bmp") && e.to_string().contains("too large"),
        "{e}"
    );
}
