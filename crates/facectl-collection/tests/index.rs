//! The search index against exact scoring: small and big collections, saved bases shared by
//! two "processes" (two `SearchIndexes` on one database), deletes, re-created collections
//! and damaged index files.

use facectl_collection::schema::SCHEMA_V1;
use facectl_collection::store::{self, NewFace};
use facectl_collection::{Hit, IndexConfig, SearchIndexes};
use facectl_engine::EmbeddingIndex;
use rusqlite::Connection;
use std::path::Path;

mod common;

use common::{unit, Rng};

const DIM: usize = 128;

/// Face-print-like vectors: a shared direction plus noise (cosines between strangers ~0.2,
/// as between real face prints).
fn prints(rng: &mut Rng, n: usize) -> Vec<Vec<f32>> {
    let common = unit((0..DIM).map(|_| rng.normal()).collect());
    (0..n)
        .map(|_| {
            unit(
                (0..DIM)
                    .map(|d| 0.5 * common[d] + 0.1 * rng.normal())
                    .collect(),
            )
        })
        .collect()
}

/// A probe of the same "person": the print with noise added.
fn probe(rng: &mut Rng, v: &[f32]) -> Vec<f32> {
    unit(v.iter().map(|x| x + 0.06 * rng.normal()).collect())
}

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(SCHEMA_V1).unwrap();
    conn
}

fn face(i: usize, v: &[f32]) -> NewFace {
    NewFace {
        face_id: format!("face-{i:07}"),
        image_key: format!("img-{i}.jpg"),
        bbox: [1.0, 2.0, 30.0, 40.0],
        confidence: 0.99,
        embedding: v.to_vec(),
        ..NewFace::default()
    }
}

fn insert(conn: &mut Connection, from: usize, vs: &[Vec<f32>]) -> Vec<i64> {
    let faces: Vec<NewFace> = vs
        .iter()
        .enumerate()
        .map(|(i, v)| face(from + i, v))
        .collect();
    for chunk in faces.chunks(5_000) {
        store::insert_faces(conn, "c", None, "m", chunk).unwrap();
    }
    let ids: Vec<String> = faces.iter().map(|f| f.face_id.clone()).collect();
    let mut seqs: Vec<i64> = store::faces_by_id(conn, "c", &ids)
        .unwrap()
        .into_iter()
        .map(|f| f.seq)
        .collect();
    seqs.sort();
    seqs
}

fn config(dir: Option<&Path>, persist_min: usize, ann_min: usize) -> IndexConfig {
    IndexConfig {
        dir: dir.map(Path::to_path_buf),
        persist_min,
        ann_min,
        threads: 2,
        cohort_sample: 100_000,
        ..IndexConfig::default()
    }
}

/// What the engine's exact index answers for the same faces (by seq).
fn reference(seqs: &[i64], vs: &[Vec<f32>], q: &[f32], k: usize, min: f32) -> Vec<(i64, f32)> {
    let mut idx = EmbeddingIndex::new(DIM);
    for (s, v) in seqs.iter().zip(vs) {
        idx.push(s.to_string(), v).unwrap();
    }
    idx.top_k(q, k, min)
        .into_iter()
        .map(|(id, s)| (id.parse().unwrap(), s))
        .collect()
}

fn pairs(hits: &[Hit]) -> Vec<(i64, f32)> {
    hits.iter().map(|h| (h.seq, h.similarity)).collect()
}

fn assert_same(a: &[(i64, f32)], b: &[(i64, f32)]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x.0, y.0, "{a:?} vs {b:?}");
        assert!((x.1 - y.1).abs() < 1e-3, "{a:?} vs {b:?}");
    }
}

#[test]
fn small_collection_scores_like_the_engine_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir.path().join("db"));
    store::create_collection(&conn, "c", None).unwrap();
    let mut rng = Rng(7);
    let vs = prints(&mut rng, 300);
    let seqs = insert(&mut conn, 0, &vs);
    let idx = SearchIndexes::new(config(Some(&dir.path().join("index")), 1_000, 50_000), DIM);
    for i in [0, 17, 299] {
        let q = probe(&mut rng, &vs[i]);
        let got = idx.search(&conn, "c", &q, 5, 0.0).unwrap();
        assert_eq!(got[0].seq, seqs[i]);
        assert_same(&pairs(&got), &reference(&seqs, &vs, &q, 5, 0.0));
        // A threshold only cuts the list.
        let strict = idx.search(&conn, "c", &q, 5, 80.0).unwrap();
        assert_same(&pairs(&strict), &reference(&seqs, &vs, &q, 5, 80.0));
    }
    // Below persist_min nothing is written.
    assert!(!dir.path().join("index").exists());
    // Unknown collection.
    assert!(matches!(
        idx.search(&conn, "nope", &vs[0], 1, 0.0),
        Err(facectl_collection::CollectionError::NotFound(_))
    ));
}

#[test]
fn graph_search_finds_what_exact_search_finds() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir.path().join("db"));
    store::create_collection(&conn, "c", None).unwrap();
    let mut rng = Rng(11);
    let vs = prints(&mut rng, 4_000);
    let seqs = insert(&mut conn, 0, &vs);
    let ann = SearchIndexes::new(config(Some(&dir.path().join("index")), 500, 1_000), DIM);
    let exact = SearchIndexes::new(config(None, usize::MAX, usize::MAX), DIM);
    let (mut top1, mut top10, mut n10) = (0, 0, 0);
    let trials = 200;
    for t in 0..trials {
        let i = (t * 19) % vs.len();
        let q = probe(&mut rng, &vs[i]);
        let a = ann.search(&conn, "c", &q, 10, 0.0).unwrap();
        let e = exact.search(&conn, "c", &q, 10, 0.0).unwrap();
        assert_eq!(e[0].seq, seqs[i]);
        if a.first().map(|h| h.seq) == Some(e[0].seq) {
            top1 += 1;
            // Re-ranked exactly, with the same cohort: the same score.
            assert!((a[0].similarity - e[0].similarity).abs() < 1e-3);
        }
        n10 += e.len();
        top10 += e
            .iter()
            .filter(|h| a.iter().any(|x| x.seq == h.seq))
            .count();
    }
    assert!(ann.graph_memory("c") > 0, "the graph was not used");
    assert!(top1 * 100 >= trials * 99, "recall@1 {top1}/{trials}");
    eprintln!("recall@1 {top1}/{trials}, recall@10 {top10}/{n10}");
    assert!(top10 * 100 >= n10 * 95, "recall@10 {top10}/{n10}");
}

#[test]
fn a_second_process_maps_the_saved_index_and_follows_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let index = dir.path().join("index");
    let mut conn = open(&db);
    store::create_collection(&conn, "c", None).unwrap();
    let mut rng = Rng(3);
    let vs = prints(&mut rng, 3_000);
    let mut seqs = insert(&mut conn, 0, &vs[..2_000]);
    let a = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
    let q0 = probe(&mut rng, &vs[5]);
    assert_eq!(a.search(&conn, "c", &q0, 1, 0.0).unwrap()[0].seq, seqs[5]);
    assert!(
        index.read_dir().unwrap().next().is_some(),
        "no base was saved"
    );

    // Another process: its own connection and indexes, same files.
    let mut conn_b = open(&db);
    let b = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
    assert_eq!(b.search(&conn_b, "c", &q0, 1, 0.0).unwrap()[0].seq, seqs[5]);
    assert!(b.graph_memory("c") > 0);

    // B adds faces and deletes face 5; A sees both without rebuilding from scratch.
    seqs.extend(insert(&mut conn_b, 2_000, &vs[2_000..]));
    let (gone, _) = store::delete_faces(&mut conn_b, "c", &["face-0000005".to_string()]).unwrap();
    assert_eq!(gone.len(), 1);
    let hits = a.search(&conn, "c", &q0, 10, 0.0).unwrap();
    assert!(
        hits.iter().all(|h| h.seq != seqs[5]),
        "a deleted face was found"
    );
    let q = probe(&mut rng, &vs[2_500]);
    assert_eq!(
        a.search(&conn, "c", &q, 1, 0.0).unwrap()[0].seq,
        seqs[2_500]
    );
    assert_eq!(
        b.search(&conn_b, "c", &q, 1, 0.0).unwrap()[0].seq,
        seqs[2_500]
    );

    // A third process starting now sees the same.
    let c = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
    let live_seqs: Vec<i64> = seqs.iter().copied().filter(|s| *s != seqs[5]).collect();
    let live_vs: Vec<Vec<f32>> = vs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(_, v)| v.clone())
        .collect();
    let got = c.search(&conn, "c", &q, 3, 0.0).unwrap();
    assert_same(&pairs(&got), &reference(&live_seqs, &live_vs, &q, 3, 0.0));
}

#[test]
fn a_collection_created_again_does_not_reuse_the_old_index() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let mut conn = open(&dir.path().join("db"));
    store::create_collection(&conn, "c", None).unwrap();
    let mut rng = Rng(5);
    let old = prints(&mut rng, 1_500);
    insert(&mut conn, 0, &old);
    let a = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
    let q = probe(&mut rng, &old[3]);
    assert_eq!(a.search(&conn, "c", &q, 1, 0.0).unwrap().len(), 1);

    // Another process deletes and re-creates it with other faces.
    let mut conn_b = open(&dir.path().join("db"));
    store::delete_collection(&mut conn_b, "c").unwrap();
    store::create_collection(&conn_b, "c", None).unwrap();
    let new = prints(&mut rng, 10);
    let seqs = insert(&mut conn_b, 0, &new);
    let hits = a.search(&conn, "c", &q, 20, 0.0).unwrap();
    assert!(hits.iter().all(|h| seqs.contains(&h.seq)), "{hits:?}");
    assert_same(&pairs(&hits), &reference(&seqs, &new, &q, 20, 0.0));
}

#[test]
fn damaged_index_files_are_rebuilt_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let mut conn = open(&dir.path().join("db"));
    store::create_collection(&conn, "c", None).unwrap();
    let mut rng = Rng(9);
    let vs = prints(&mut rng, 1_200);
    let seqs = insert(&mut conn, 0, &vs);
    let q = probe(&mut rng, &vs[42]);
    let a = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
    let want = pairs(&a.search(&conn, "c", &q, 5, 0.0).unwrap());
    assert_eq!(want[0].0, seqs[42]);
    let folder = index.read_dir().unwrap().next().unwrap().unwrap().path();
    // Cut the saved graph, then the saved rows, in half.
    for ext in ["usearch", "flat"] {
        for entry in folder.read_dir().unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == ext) {
                let bytes = std::fs::read(&p).unwrap();
                std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
            }
        }
        let b = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
        assert_same(&pairs(&b.search(&conn, "c", &q, 5, 0.0).unwrap()), &want);
    }
    // A pointer that is not JSON.
    std::fs::write(folder.join("current.json"), b"{not json").unwrap();
    let c = SearchIndexes::new(config(Some(&index), 500, 1_000), DIM);
    assert_same(&pairs(&c.search(&conn, "c", &q, 5, 0.0).unwrap()), &want);
}

#[test]
fn corrupt_face_prints_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(&dir.path().join("db"));
    store::create_collection(&conn, "c", None).unwrap();
    let mut rng = Rng(1);
    let vs = prints(&mut rng, 20);
    let seqs = insert(&mut conn, 0, &vs);
    conn.execute(
        "UPDATE fc_faces SET embedding = x'0102' WHERE seq = ?1",
        [seqs[0]],
    )
    .unwrap();
    conn.execute(
        "UPDATE fc_faces SET embedding = 'text' WHERE seq = ?1",
        [seqs[1]],
    )
    .unwrap();
    let idx = SearchIndexes::new(config(None, 1_000, 50_000), DIM);
    let q = probe(&mut rng, &vs[0]);
    let hits = idx.search(&conn, "c", &q, 20, 0.0).unwrap();
    assert_eq!(hits.len(), 18);
    assert!(hits.iter().all(|h| h.seq != seqs[0] && h.seq != seqs[1]));
}
