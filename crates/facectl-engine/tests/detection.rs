//! Detection against the peers' expectations (needs FACECTL_MODEL_DIR): EXIF-rotated files give
//! the same faces, group photos give the right count within the documented tolerance, no-face
//! images give none, boxes and landmarks land where the annotations say.

mod common;

use common::*;
use facectl_engine::Detection;

fn detect(rel: &str) -> Vec<Detection> {
    engine()
        .detect(&decode(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Index of the box containing each point; panics unless each point is in exactly one box.
fn match_points(rel: &str, dets: &[Detection], points: &[[f32; 2]]) -> usize {
    for p in points {
        let n = dets.iter().filter(|d| d.bbox.contains(p[0], p[1])).count();
        assert_eq!(
            n,
            1,
            "{rel}: point {p:?} is inside {n} boxes; boxes: {:?}",
            dets.iter().map(|d| d.bbox).collect::<Vec<_>>()
        );
    }
    // Boxes that contain no annotated point (extra detections).
    dets.iter()
        .filter(|d| !points.iter().any(|p| d.bbox.contains(p[0], p[1])))
        .count()
}

#[test]
fn exif_rotated_hopper_gives_the_same_face_as_upright() {
    for ext in ["jpg", "webp"] {
        let up = detect(&format!("{HOPPER}/hopper.{ext}"));
        assert_eq!(up.len(), 1, "hopper.{ext}");
        for n in 2..=8 {
            let d = detect(&format!("{HOPPER}/hopper_orientation_{n}.{ext}"));
            assert_eq!(d.len(), 1, "hopper_orientation_{n}.{ext}");
            let iou = d[0].bbox.iou(&up[0].bbox);
            assert!(iou > 0.8, "hopper_orientation_{n}.{ext}: IoU {iou}");
            // Landmarks agree too (mirrored files are not exactly symmetric faces).
            for k in 0..5 {
                let (a, b) = (d[0].landmarks[k], up[0].landmarks[k]);
                let dist = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
                assert!(
                    dist < 8.0,
                    "hopper_orientation_{n}.{ext}: landmark {k} off by {dist}"
                );
            }
        }
    }
}

#[test]
fn other_hopper_containers_have_one_face() {
    for f in [
        "hopper.png",
        "hopper.bmp",
        "hopper.gif",
        "hopper.tif",
        "hopper_gray.jpg",
    ] {
        assert_eq!(detect(&format!("{HOPPER}/{f}")).len(), 1, "{f}");
    }
}

#[test]
fn compreface_noses_match_boxes_one_to_one() {
    let exp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(peer("compreface/expectations.json")).expect("read"),
    )
    .expect("json");
    let mut extras = Vec::new();
    let noses = exp["nose_annotations"]
        .as_object()
        .expect("nose_annotations");
    assert_eq!(noses.len(), 18);
    for (name, pts) in noses {
        let rel = format!("{COMPREFACE}/{}", name.trim_start_matches("S/"));
        let points: Vec<[f32; 2]> = pts
            .as_array()
            .expect("points")
            .iter()
            .map(|p| {
                [
                    p[0].as_f64().unwrap_or(0.0) as f32,
                    p[1].as_f64().unwrap_or(0.0) as f32,
                ]
            })
            .collect();
        let dets = detect(&rel);
        let extra = match_points(&rel, &dets, &points);
        if extra > 0 {
            extras.push((name.clone(), extra));
        }
    }
    // Documented tolerance: 006_A.jpg (32 MP) also shows a doll's face that YuNet reports (75 %).
    assert!(
        extras.len() <= 1 && extras.iter().all(|(_, n)| *n == 1),
        "extra boxes: {extras:?}"
    );
}

#[test]
fn compreface_000_5_boxes_within_20_px() {
    let dets = detect(&format!("{COMPREFACE}/000_5.jpg"));
    let want = [
        [544, 222, 661, 361],
        [421, 236, 530, 369],
        [161, 36, 266, 160],
        [342, 160, 437, 268],
        [243, 174, 352, 309],
    ];
    assert_eq!(dets.len(), 5);
    for w in want {
        let hit = dets.iter().any(|d| {
            let b = d.bbox;
            (b.x - w[0] as f32).abs() <= 20.0
                && (b.y - w[1] as f32).abs() <= 20.0
                && (b.right() - w[2] as f32).abs() <= 20.0
                && (b.bottom() - w[3] as f32).abs() <= 20.0
        });
        assert!(
            hit,
            "no box within 20 px of {w:?}: {:?}",
            dets.iter().map(|d| d.bbox).collect::<Vec<_>>()
        );
    }
    // Sorted by area, largest first.
    assert!(dets
        .windows(2)
        .all(|p| p[0].bbox.area() >= p[1].bbox.area()));
}

#[test]
fn dlib_annotated_faces_are_found() {
    let ann: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(peer("dlib_faces/annotations.json")).expect("read"),
    )
    .expect("json");
    let mut extra_total = 0;
    for (name, a) in ann["annotations"].as_object().expect("annotations") {
        let rel = format!("dlib_faces/{name}");
        let centres: Vec<[f32; 2]> = a["boxes"]
            .as_array()
            .expect("boxes")
            .iter()
            .map(|b| {
                let v: Vec<f32> = b
                    .as_array()
                    .expect("box")
                    .iter()
                    .map(|x| x.as_f64().unwrap_or(0.0) as f32)
                    .collect();
                [v[0] + v[2] / 2.0, v[1] + v[3] / 2.0]
            })
            .collect();
        let dets = detect(&rel);
        let extra = match_points(&rel, &dets, &centres);
        assert!(extra <= 1, "{rel}: {extra} unannotated boxes");
        extra_total += extra;
    }
    // Documented: 2008_004176.jpg has one unannotated (dark, 64 %) face.
    assert!(
        extra_total <= 1,
        "{extra_total} extra boxes over the dlib set"
    );
}

#[test]
fn group_photos_have_the_expected_count() {
    // (file, faces counted by eye or asserted) — exact on all of these.
    for (rel, n) in [
        (
            "insightface/python-package/insightface/data/images/t1.jpg",
            6,
        ),
        ("facenet_pytorch/data/multiface.jpg", 6),
        (&format!("{INSPIRE}/attribute/7242.jpg")[..], 2),
        (&format!("{INSPIRE}/attribute/1423.jpg")[..], 1),
        (&format!("{AGEITGEY}/examples/two_people.jpg")[..], 2),
        ("dlib_faces/examples/faces/Tom_Cruise_avp_2014_4.jpg", 1),
    ] {
        assert_eq!(detect(rel).len(), n, "{rel}");
    }
    // bald_guys.jpg: "about 24" by eye.
    let n = detect("dlib_faces/examples/faces/bald_guys.jpg").len();
    assert!((22..=26).contains(&n), "bald_guys.jpg: {n}");
}

#[test]
fn no_face_images_give_zero_faces() {
    for rel in [
        format!("{COMPREFACE}/017_0.jpg"),
        format!("{INSPIRE}/bulk/view.jpg"),
        format!("{INSPIRE}/crop/no_face.png"),
        format!("{HOPPER}/flower.jpg"),
        format!("{HOPPER}/flower.webp"),
        format!("{HOPPER}/flower2.jpg"),
        format!("{HOPPER}/flower2.webp"),
        format!("{HOPPER}/exif_imagemagick_orientation.png"),
        format!("{HOPPER}/hopper_bad_exif.jpg"),
        "insightface/python-package/insightface/data/images/mask_black.jpg".into(),
        "insightface/python-package/insightface/data/images/mask_white.jpg".into(),
    ] {
        assert_eq!(detect(&rel).len(), 0, "{rel}");
    }
    let black = facectl_engine::DecodedImage::from_rgb(image::RgbImage::new(512, 512));
    assert!(engine().detect(&black).expect("detect").is_empty());
    for (w, h) in [(0, 0), (0, 10), (1, 1), (3, 700)] {
        let tiny = facectl_engine::DecodedImage::from_rgb(image::RgbImage::new(w, h));
        assert!(
            engine().detect(&tiny).expect("detect").is_empty(),
            "{w}x{h}"
        );
    }
}

#[test]
fn dogs_give_no_face() {
    let img = decode("dlib_faces/examples/faces/dogs.jpg");
    let faces = engine()
        .analyze(&img, facectl_engine::FaceSelect::All)
        .expect("analyze");
    assert!(
        faces.is_empty(),
        "{} faces on dogs.jpg: {faces:?}",
        faces.len()
    );
    // YuNet alone scores one dog's face at ~86 %: the face check is what drops it, on its
    // colour (off the human skin locus) and its face print together.
    let unchecked = engine_with(|c| c.face_check = None);
    let raw = unchecked.detect(&img).expect("detect");
    assert_eq!(raw.len(), 1, "{raw:?}");
    assert!(
        raw[0].confidence > 80.0 && raw[0].confidence < 90.0,
        "{raw:?}"
    );
    let face = facectl_engine::align_face(&img, &raw[0]).expect("aligns");
    let print = unchecked.embed(&img, &raw[0]).expect("embeds");
    let ev = facectl_engine::facecheck::BUILTIN.evidence(
        facectl_engine::facecheck::skin_chroma(&face.planar),
        print.as_slice(),
    );
    let check = facectl_engine::FaceCheck::default();
    assert!(
        ev.skin_distance
            .is_some_and(|d| d > check.min_skin_distance),
        "{ev:?}"
    );
    assert!(ev.faceness < check.max_faceness, "{ev:?}");
}

#[test]
fn partial_faces_at_the_border_are_clipped() {
    let img = decode(&format!(
        "{AGEITGEY}/tests/test_images/obama_partial_face.jpg"
    ));
    let d = engine().detect(&img).expect("detect");
    assert_eq!(d.len(), 1);
    assert!(
        d[0].bbox.x >= 0.0 && d[0].bbox.x < 2.0,
        "face cut by the left border: {:?}",
        d[0].bbox
    );
    assert!(d[0].bbox.right() <= img.width() as f32 && d[0].bbox.bottom() <= img.height() as f32);
    let d2 = detect(&format!(
        "{AGEITGEY}/tests/test_images/obama_partial_face2.jpg"
    ));
    assert_eq!(d2.len(), 1);
}

#[test]
fn landmarks_come_in_yunet_order() {
    let d = detect(&format!("{AGEITGEY}/tests/test_images/obama.jpg"));
    assert_eq!(d.len(), 1);
    let l = d[0].landmarks;
    // Subject's right eye is on the image's left; eyes above nose above mouth.
    assert!(l[0][0] < l[1][0] && l[3][0] < l[4][0]);
    assert!(l[2][1] > l[0][1].max(l[1][1]) && l[3][1] > l[2][1] && l[4][1] > l[2][1]);
    // dlib's 5-point nose tip for this image is (496, 295): same face, same place.
    assert!(
        (l[2][0] - 496.0).abs() < 15.0 && (l[2][1] - 295.0).abs() < 35.0,
        "{:?}",
        l[2]
    );
    assert!(d[0].bbox.contains(496.0, 295.0));
}

#[test]
fn large_photos_are_downscaled_without_losing_the_face() {
    // 32 MP and 4912x7360 photos of one person: one face each at the annotated nose.
    for (f, nose) in [
        ("001_A.jpg", [2109.0, 2261.0]),
        ("003_A.jpg", [3210.0, 1382.0]),
        ("005_A.jpg", [2092.0, 2871.0]),
    ] {
        let d = detect(&format!("{COMPREFACE}/{f}"));
        assert_eq!(d.len(), 1, "{f}");
        assert!(d[0].bbox.contains(nose[0], nose[1]), "{f}: {:?}", d[0].bbox);
    }
}

#[test]
fn head_pose_signs_follow_inspireface() {
    let pose = |f: &str| {
        let img = decode(&format!("{INSPIRE}/pose/{f}"));
        let a = engine()
            .analyze(&img, facectl_engine::FaceSelect::Largest)
            .expect("analyze");
        assert_eq!(a.len(), 1, "{f}");
        a[0].quality.clone()
    };
    assert!((-90.0..=-10.0).contains(&pose("left_face.jpeg").yaw));
    assert!((10.0..=90.0).contains(&pose("right_face.png").yaw));
    assert!(pose("lower_face.jpeg").pitch < -10.0);
    // InspireFace asserts pitch > 5 for rise_face; the landmark model reaches only the sign.
    assert!(pose("rise_face.jpeg").pitch > 0.0);
    // InspireFace asserts < -30 / > 25: the eye-line angle gives -27 / 28.
    assert!(pose("left_wryneck.png").roll < -20.0);
    assert!(pose("right_wryneck.png").roll > 20.0);
}

#[test]
fn kun_box_matches_inspireface() {
    let d = detect(&format!("{INSPIRE}/bulk/kun.jpg"));
    assert_eq!(d.len(), 1);
    let want = facectl_engine::BoundingBox::from_corners(98.0, 146.0, 233.0, 272.0);
    // Different detector, different box convention (YuNet's box includes the forehead).
    assert!(d[0].bbox.iou(&want) > 0.5, "{:?}", d[0].bbox);
}

#[test]
fn a_face_turned_45_degrees_is_found_by_the_rotated_pass_and_keeps_its_identity() {
    // Pillow's hopper_45.png: hopper.png turned 45 degrees in the image plane. YuNet finds no
    // face upright; the rotated passes (default +-45 degrees) do.
    let upright = decode(&format!("{HOPPER}/hopper.png"));
    let turned = decode(&format!("{HOPPER}/hopper_45.png"));
    let a = engine()
        .analyze(&upright, facectl_engine::FaceSelect::Largest)
        .expect("analyze");
    let b = engine()
        .analyze(&turned, facectl_engine::FaceSelect::Largest)
        .expect("analyze");
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1, "hopper_45.png: a face");
    let sim = facectl_engine::similarity(facectl_engine::cosine(
        a[0].embedding.as_slice(),
        b[0].embedding.as_slice(),
    ));
    assert!(sim >= 80.0, "same person: similarity {sim}");
    // The box centre is on the face: between the eyes and the mouth.
    let (cx, cy) = b[0].detection.bbox.center();
    let lm = &b[0].detection.landmarks;
    let (mx, my) = (
        lm.iter().map(|p| p[0]).sum::<f32>() / 5.0,
        lm.iter().map(|p| p[1]).sum::<f32>() / 5.0,
    );
    assert!(
        (cx - mx).abs() < b[0].detection.bbox.width / 3.0
            && (cy - my).abs() < b[0].detection.bbox.height / 3.0,
        "box {:?} vs landmarks {lm:?}",
        b[0].detection.bbox
    );
    // Off, the upright pass alone finds nothing (the reason the passes exist).
    let off = engine_with(|c| c.rotated_passes = Vec::new());
    assert!(off.detect(&turned).expect("detect").is_empty());
}

#[test]
fn face_check_keeps_every_face_on_the_peer_photos_of_people() {
    // Every decodable peer image except the dogs: the check must not change what is found.
    let unchecked = engine_with(|c| c.face_check = None);
    let mut stack = vec![data_dir().join("peers")];
    let (mut images, mut faces) = (0, 0);
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("peers folder").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.file_name().is_some_and(|n| n == "dogs.jpg") {
                continue;
            }
            let Ok(img) = facectl_engine::decode_file(&p, &engine().config().decode) else {
                continue;
            };
            let raw = unchecked.detect(&img).expect("detect");
            let kept = engine().detect(&img).expect("detect");
            assert_eq!(kept.len(), raw.len(), "{}", p.display());
            images += 1;
            faces += raw.len();
        }
    }
    assert!(
        images >= 50 && faces >= 150,
        "{images} images, {faces} faces"
    );
}

#[test]
fn faces_tilted_45_degrees_match_their_upright_photo() {
    // A face turned 45 degrees in the image plane is often found upright with landmarks that
    // miss the tilt; the re-look on turned copies fixes the landmarks, so it still matches.
    let relook_off = engine_with(|c| c.rotated_below_confidence = 0.0);
    let mut fixed = 0;
    for rel in [
        "ageitgey_face_recognition/examples/obama-480p.jpg",
        "ageitgey_face_recognition/examples/biden.jpg",
        &format!("{HOPPER}/hopper.png"),
    ] {
        let img = decode(rel);
        let upright = engine()
            .analyze(&img, facectl_engine::FaceSelect::Largest)
            .expect("analyze");
        let reference = &upright.first().expect("upright face").embedding;
        for deg in [45.0, -45.0] {
            let (rgb, _) = facectl_engine::rotate::rotate(&img.rgb, deg);
            let turned = facectl_engine::DecodedImage::from_rgb(rgb);
            let sim = |e: &facectl_engine::Engine| {
                e.analyze(&turned, facectl_engine::FaceSelect::Largest)
                    .expect("analyze")
                    .first()
                    .map(|f| {
                        facectl_engine::similarity(facectl_engine::cosine(
                            reference.as_slice(),
                            f.embedding.as_slice(),
                        ))
                    })
                    .unwrap_or(0.0)
            };
            let (on, off) = (sim(engine()), sim(&relook_off));
            assert!(
                on >= 80.0,
                "{rel} turned {deg}: similarity {on} (re-look off: {off})"
            );
            if off < 80.0 {
                fixed += 1;
            }
        }
    }
    // Without the re-look, some of these do not match (2 of 6 with the shipped models).
    assert!(fixed >= 1, "the re-look changed nothing here");
}
