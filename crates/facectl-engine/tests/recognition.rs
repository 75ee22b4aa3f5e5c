//! Recognition against the peers' expectations (needs FACECTL_MODEL_DIR): same-person pairs
//! reach the default match similarity, different people do not; search and concurrency.

mod common;

use std::sync::Arc;

use common::*;
use facectl_engine::{
    cosine, similarity, Embedding, EmbeddingIndex, FaceSelect, DEFAULT_MATCH_SIMILARITY,
    EMBEDDING_DIM,
};

fn embed(rel: &str) -> Embedding {
    let img = decode(rel);
    let faces = engine()
        .analyze(&img, FaceSelect::Largest)
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(faces.len(), 1, "{rel}: no face");
    faces
        .into_iter()
        .next()
        .map(|f| f.embedding)
        .unwrap_or_else(|| panic!("{rel}"))
}

fn sim(a: &str, b: &str) -> f32 {
    similarity(cosine(&embed(a).0, &embed(b).0))
}

#[test]
fn embeddings_are_unit_length_128_d() {
    let e = embed(&format!("{HOPPER}/hopper.jpg"));
    assert_eq!(e.len(), EMBEDDING_DIM);
    let n: f32 = e.0.iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((n - 1.0).abs() < 1e-4, "norm {n}");
}

#[test]
fn same_person_pairs_match() {
    let t = format!("{AGEITGEY}/tests/test_images");
    for (a, b) in [
        (format!("{t}/obama.jpg"), format!("{t}/obama2.jpg")),
        (format!("{t}/obama.jpg"), format!("{t}/obama3.jpg")),
        (
            format!("{COMPREFACE}/001_A.jpg"),
            format!("{COMPREFACE}/002_A.jpg"),
        ),
        (
            format!("{INSPIRE}/bulk/kun.jpg"),
            format!("{INSPIRE}/bulk/jntm.jpg"),
        ),
        (
            format!("{INSPIRE}/bulk/Rob_Lowe_0001.jpg"),
            format!("{INSPIRE}/bulk/Rob_Lowe_0002.jpg"),
        ),
        (
            format!("{INSPIRE}/bulk/woman.png"),
            format!("{INSPIRE}/bulk/woman_search.jpeg"),
        ),
    ] {
        let s = sim(&a, &b);
        assert!(s >= DEFAULT_MATCH_SIMILARITY, "{a} vs {b}: similarity {s}");
    }
}

#[test]
fn different_people_do_not_match() {
    let t = format!("{AGEITGEY}/tests/test_images");
    for (a, b) in [
        (format!("{t}/obama.jpg"), format!("{t}/biden.jpg")),
        (
            format!("{COMPREFACE}/007_B.jpg"),
            format!("{COMPREFACE}/009_C.jpg"),
        ),
        (
            format!("{INSPIRE}/bulk/kun.jpg"),
            format!("{INSPIRE}/bulk/woman.png"),
        ),
        (
            format!("{INSPIRE}/bulk/jntm.jpg"),
            format!("{INSPIRE}/bulk/woman.png"),
        ),
        (
            format!("{INSPIRE}/bulk/jntm.jpg"),
            format!("{INSPIRE}/bulk/Rob_Lowe_0001.jpg"),
        ),
    ] {
        let s = sim(&a, &b);
        assert!(s < DEFAULT_MATCH_SIMILARITY, "{a} vs {b}: similarity {s}");
    }
}

#[test]
fn facenet_aligned_crops_are_five_different_people() {
    let names = [
        "angelina_jolie",
        "bradley_cooper",
        "kate_siegel",
        "paul_rudd",
        "shea_whigham",
    ];
    let embs: Vec<Embedding> = names
        .iter()
        .map(|n| {
            embed(&format!(
                "facenet_pytorch/data/test_images_aligned/{n}/1.png"
            ))
        })
        .collect();
    for i in 0..embs.len() {
        for j in i + 1..embs.len() {
            let s = similarity(cosine(&embs[i].0, &embs[j].0));
            assert!(
                s < DEFAULT_MATCH_SIMILARITY,
                "{} vs {}: {s}",
                names[i],
                names[j]
            );
        }
    }
}

#[test]
fn same_picture_in_other_containers_gives_near_identical_embeddings() {
    let base = embed(&format!("{HOPPER}/hopper.png"));
    for f in [
        "hopper.jpg",
        "hopper.webp",
        "hopper.bmp",
        "hopper_orientation_3.jpg",
        "hopper_orientation_6.webp",
    ] {
        let c = cosine(&base.0, &embed(&format!("{HOPPER}/{f}")).0);
        assert!(c > 0.85, "{f}: cosine {c}");
    }
    let same = embed(&format!("{HOPPER}/hopper.png"));
    assert!((similarity(cosine(&base.0, &same.0)) - 100.0).abs() < 1e-3);
}

#[test]
fn top_k_search_finds_the_enrolled_person() {
    let t = format!("{AGEITGEY}/tests/test_images");
    let mut idx = EmbeddingIndex::new(EMBEDDING_DIM);
    for (id, rel) in [
        ("obama", format!("{t}/obama.jpg")),
        ("biden", format!("{t}/biden.jpg")),
        ("hopper", format!("{HOPPER}/hopper.jpg")),
        ("kun", format!("{INSPIRE}/bulk/kun.jpg")),
        ("woman", format!("{INSPIRE}/bulk/woman.png")),
    ] {
        idx.push(id, &embed(&rel).0).expect("push");
    }
    let probe = embed(&format!("{t}/obama2.jpg"));
    let hits = idx.top_k(&probe.0, 3, DEFAULT_MATCH_SIMILARITY);
    assert_eq!(
        hits.first().map(|h| h.0.as_str()),
        Some("obama"),
        "{hits:?}"
    );
    assert_eq!(hits.len(), 1, "only obama reaches the threshold: {hits:?}");
    let jntm = embed(&format!("{INSPIRE}/bulk/jntm.jpg"));
    assert_eq!(
        idx.top_k(&jntm.0, 1, DEFAULT_MATCH_SIMILARITY)
            .first()
            .map(|h| h.0.clone()),
        Some("kun".into())
    );
    idx.remove("obama");
    assert!(idx.top_k(&probe.0, 3, DEFAULT_MATCH_SIMILARITY).is_empty());
}

#[test]
fn engine_runs_concurrently_with_identical_results() {
    let files: Vec<String> = [
        format!("{AGEITGEY}/tests/test_images/obama.jpg"),
        format!("{COMPREFACE}/000_5.jpg"),
        format!("{HOPPER}/hopper.jpg"),
        format!("{INSPIRE}/bulk/kun.jpg"),
    ]
    .to_vec();
    let imgs: Arc<Vec<_>> = Arc::new(files.iter().map(|f| decode(f)).collect());
    let seq: Vec<Vec<Vec<f32>>> = imgs
        .iter()
        .map(|i| {
            engine()
                .analyze(i, FaceSelect::All)
                .expect("analyze")
                .into_iter()
                .map(|f| f.embedding.0)
                .collect()
        })
        .collect();
    let handles: Vec<_> = (0..3)
        .map(|k| {
            let imgs = Arc::clone(&imgs);
            std::thread::spawn(move || {
                (0..imgs.len())
                    .map(|i| {
                        let img = &imgs[(i + k) % imgs.len()];
                        let r: Vec<Vec<f32>> = engine()
                            .analyze(img, FaceSelect::All)
                            .expect("analyze")
                            .into_iter()
                            .map(|f| f.embedding.0)
                            .collect();
                        ((i + k) % imgs.len(), r)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for h in handles {
        for (i, r) in h.join().expect("thread") {
            assert_eq!(r, seq[i], "image {i} differs when run concurrently");
        }
    }
    let batch = engine().analyze_batch(&imgs, FaceSelect::All);
    assert_eq!(batch.len(), imgs.len());
    for (i, r) in batch.into_iter().enumerate() {
        let r: Vec<Vec<f32>> = r
            .expect("batch")
            .into_iter()
            .map(|f| f.embedding.0)
            .collect();
        assert_eq!(r, seq[i]);
    }
}
