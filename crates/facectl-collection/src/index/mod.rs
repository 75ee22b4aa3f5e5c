//! The search index of each collection: a saved base (exact rows, plus an HNSW graph above
//! [`IndexConfig::ann_min`] faces) memory-mapped from the index folder, and in memory the
//! faces added and removed since the base's generation, read from the database. A process
//! brings its copy up to date from the generation counter; when the changes since the base
//! grow past a share of it, the base is rewritten (under new file names, then switched by
//! renaming `current.json`), so other processes keep reading the files they mapped.

mod ann;
mod flat;
mod pointer;

use crate::error::CollectionResult;
use crate::store::{self, CollectionRow};
use ann::Ann;
use facectl_engine::GalleryScorer;
use flat::{dot, normalised, Flat};
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

pub(crate) use pointer::Pointer;

/// Sizes that decide how a collection is searched.
#[derive(Clone, Debug)]
pub struct IndexConfig {
    /// Where saved bases live (one folder per collection); `None` keeps everything in memory.
    pub dir: Option<PathBuf>,
    /// Fewest faces worth a saved base (below it, a process reads the prints from the database).
    pub persist_min: usize,
    /// Fewest faces searched through the HNSW graph instead of scoring every face.
    pub ann_min: usize,
    /// Threads that build a graph.
    pub threads: usize,
    /// Faces of the base sampled for the probe's cohort when the graph is used.
    pub cohort_sample: usize,
    /// Candidate list of a graph search: longer finds more of the true nearest faces, slower.
    pub search_expansion: usize,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            dir: None,
            persist_min: 1_000,
            ann_min: 50_000,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cohort_sample: 2_048,
            search_expansion: ann::EXPANSION_SEARCH,
        }
    }
}

/// A search hit: the face's `seq` and its 0-100 score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub seq: i64,
    pub similarity: f32,
}

/// Saved (or, without a folder, built in memory) rows of one generation.
struct Base {
    flat: Flat,
    ann: Option<Ann>,
    files: Option<Pointer>,
}

/// One process's view of a collection's faces.
struct State {
    uid: String,
    generation: i64,
    /// Highest `seq` in `base` or `delta`.
    max_seq: i64,
    base: Option<Base>,
    /// Faces added after the base (unit rows).
    delta: Flat,
    /// Faces of `base` or `delta` removed since.
    removed: HashSet<i64>,
}

impl State {
    fn empty(uid: &str, dim: usize) -> State {
        State {
            uid: uid.to_string(),
            // Before every generation: a collection of generation 0 that holds faces (one
            // taken over from an older layout) is read too.
            generation: -1,
            max_seq: 0,
            base: None,
            delta: Flat::owned(dim),
            removed: HashSet::new(),
        }
    }

    fn base_len(&self) -> usize {
        self.base.as_ref().map_or(0, |b| b.flat.len())
    }

    /// Live rows, base then delta, in `seq` order.
    fn live_rows(&self) -> impl Iterator<Item = (i64, &[f32])> + Clone + '_ {
        let base = self.base.as_ref().map(|b| &b.flat);
        base.into_iter()
            .flat_map(flat_rows)
            .chain(flat_rows(&self.delta))
            .filter(|(seq, _)| !self.removed.contains(seq))
    }
}

/// The rows of a flat store with their `seq`s.
fn flat_rows(f: &Flat) -> impl Iterator<Item = (i64, &[f32])> + Clone + '_ {
    (0..f.len()).map(move |i| (f.seqs()[i], f.row(i)))
}

/// The search indexes of the collections of one database.
pub struct SearchIndexes {
    config: IndexConfig,
    dim: usize,
    states: Mutex<HashMap<String, Arc<RwLock<State>>>>,
}

impl SearchIndexes {
    pub fn new(config: IndexConfig, dim: usize) -> SearchIndexes {
        SearchIndexes {
            config,
            dim,
            states: Mutex::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    fn state(&self, collection: &str, uid: &str) -> Arc<RwLock<State>> {
        let mut states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        let s = states
            .entry(collection.to_string())
            .or_insert_with(|| Arc::new(RwLock::new(State::empty(uid, self.dim))));
        Arc::clone(s)
    }

    /// Forgets a deleted collection and its saved files.
    pub fn forget(&self, row: &CollectionRow) {
        let mut states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        states.remove(&row.id);
        if let Some(dir) = &self.config.dir {
            let d = pointer::collection_dir(dir, &row.uid);
            if d.exists() {
                if let Err(e) = std::fs::remove_dir_all(&d) {
                    tracing::warn!(dir = %d.display(), error = %e, "could not remove search index files");
                }
            }
        }
    }

    /// The `k` best faces of the collection reaching `min_similarity`, best first, scored as
    /// [`facectl_engine::EmbeddingIndex::top_k`] scores them. Brings this process's copy of
    /// the index up to date first (reading `conn`; rewriting the saved base when due).
    pub fn search(
        &self,
        conn: &Connection,
        collection: &str,
        query: &[f32],
        k: usize,
        min_similarity: f32,
    ) -> CollectionResult<Vec<Hit>> {
        let row = store::require(conn, collection)?;
        let state = self.state(collection, &row.uid);
        self.refresh(conn, &row, &state)?;
        let st = state.read().unwrap_or_else(|p| p.into_inner());
        let Some(q) = normalised(query, self.dim) else {
            return Ok(Vec::new());
        };
        let t0 = std::time::Instant::now();
        let hits = match st.base.as_ref().and_then(|b| b.ann.as_ref()) {
            Some(ann) => self.search_ann(&st, ann, &q, k, min_similarity, &row)?,
            None => search_exact(&st, &q, k, min_similarity),
        };
        tracing::debug!(
            faces = row.faces,
            graph = st.base.as_ref().is_some_and(|b| b.ann.is_some()),
            ms = t0.elapsed().as_secs_f64() * 1e3,
            "scored the collection"
        );
        Ok(hits)
    }

    fn search_ann(
        &self,
        st: &State,
        ann: &Ann,
        q: &[f32],
        k: usize,
        min_similarity: f32,
        row: &CollectionRow,
    ) -> CollectionResult<Vec<Hit>> {
        let Some(base) = st.base.as_ref() else {
            return Ok(Vec::new());
        };
        let live = usize::try_from(row.faces).unwrap_or(usize::MAX).max(1);
        let k = k.min(live);
        if k == 0 {
            return Ok(Vec::new());
        }
        // The probe's cohort: a uniform sample of the base's rows.
        let n = base.flat.len();
        let step = (n / self.config.cohort_sample.max(1)).max(1);
        let cohort: Vec<f32> = (0..n)
            .step_by(step)
            .filter(|i| !st.removed.contains(&base.flat.seqs()[*i]))
            .map(|i| dot(base.flat.row(i), q))
            .collect();
        let scorer = GalleryScorer::new(&cohort, live);
        let min_cos = scorer.min_cosine(min_similarity);
        let mut cands: Vec<(i64, f32)> = Vec::new();
        let mut ask = k
            .saturating_mul(4)
            .max(64)
            .saturating_add(st.removed.len().min(4096))
            .min(ann.len());
        loop {
            let seqs = ann.search(q, ask, self.config.search_expansion)?;
            cands.clear();
            let mut last = f32::INFINITY;
            for seq in &seqs {
                if st.removed.contains(seq) {
                    continue;
                }
                if let Some(i) = base.flat.find(*seq) {
                    let c = dot(base.flat.row(i), q);
                    last = last.min(c);
                    if c >= min_cos {
                        cands.push((*seq, c));
                    }
                }
            }
            let exhausted = seqs.len() < ask || ask >= ann.len();
            if cands.len() >= k || exhausted || last < min_cos {
                break;
            }
            ask = ask.saturating_mul(4).min(ann.len());
        }
        let d = &st.delta;
        for i in 0..d.len() {
            let seq = d.seqs()[i];
            if !st.removed.contains(&seq) {
                let c = dot(d.row(i), q);
                if c >= min_cos {
                    cands.push((seq, c));
                }
            }
        }
        Ok(rank(cands, &scorer, k, min_similarity))
    }

    /// Brings `state` to the database's generation of the collection.
    fn refresh(
        &self,
        conn: &Connection,
        row: &CollectionRow,
        state: &RwLock<State>,
    ) -> CollectionResult<()> {
        {
            let st = state.read().unwrap_or_else(|p| p.into_inner());
            if st.uid == row.uid && st.generation == row.generation {
                return Ok(());
            }
        }
        let mut st = state.write().unwrap_or_else(|p| p.into_inner());
        let mut tried_saved = false;
        for _ in 0..4 {
            let tx = conn.unchecked_transaction()?;
            let now = store::require(&tx, &row.id)?;
            let empty = st.base.is_none() && st.delta.len() == 0 && st.max_seq == 0;
            if empty && !tried_saved && self.config.dir.is_some() {
                // A copy that holds nothing yet starts from the saved base, if there is one.
                tried_saved = true;
                drop(tx);
                *st = self.reopen(&now);
                continue;
            }
            // A copy holding faces needs the removal log since its generation; a fresh one
            // reads every live face and needs no log.
            let fresh = st.base.is_none() && st.delta.len() == 0 && st.max_seq == 0;
            let stale = st.uid != now.uid
                || st.generation > now.generation
                || (!fresh && now.pruned > st.generation && st.generation != now.generation);
            if stale {
                drop(tx);
                *st = self.reopen(&now);
                continue;
            }
            if st.generation == now.generation {
                return Ok(());
            }
            let dim = self.dim;
            let mut max_seq = st.max_seq;
            let delta = &mut st.delta;
            store::for_each_print(&tx, &row.id, max_seq, |p| {
                if let Some(v) = normalised(&p.embedding, dim) {
                    delta.push(p.seq, &v);
                } else {
                    tracing::warn!(
                        face_id = p.face_id,
                        "face print left out of the search index"
                    );
                }
                max_seq = max_seq.max(p.seq);
                Ok(())
            })?;
            st.max_seq = max_seq;
            if !fresh {
                let removed = store::removed_since(&tx, &row.id, st.generation)?;
                st.removed.extend(removed);
            }
            st.generation = now.generation;
            tx.commit()?;
            self.maybe_compact(conn, &now, &mut st);
            return Ok(());
        }
        Ok(())
    }

    /// A state for the collection from its saved base, if one can be used.
    fn reopen(&self, row: &CollectionRow) -> State {
        let mut st = State::empty(&row.uid, self.dim);
        let Some(dir) = &self.config.dir else {
            return st;
        };
        match Pointer::read(dir, &row.uid) {
            Ok(Some(p)) if p.generation <= row.generation && p.generation >= row.pruned => {
                match p.open(dir, &row.uid, self.dim) {
                    Ok((flat, ann)) => {
                        tracing::debug!(
                            faces = flat.len(),
                            graph = ann.is_some(),
                            generation = p.generation,
                            "mapped the saved search index"
                        );
                        st.generation = p.generation;
                        st.max_seq = p.max_seq;
                        st.base = Some(Base {
                            flat,
                            ann,
                            files: Some(p),
                        });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "ignoring the saved search index; rebuilding it")
                    }
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "ignoring the saved search index; rebuilding it"),
        }
        st
    }

    /// Rewrites the base when the changes since it are a big enough share of it. A failure
    /// only costs speed: the state stays correct, and the next search tries again.
    fn maybe_compact(&self, conn: &Connection, row: &CollectionRow, st: &mut State) {
        let live = usize::try_from(row.faces).unwrap_or(usize::MAX);
        let changes = st.delta.len() + st.removed.len();
        let base_len = st.base_len();
        let has_graph = st.base.as_ref().is_some_and(|b| b.ann.is_some());
        let due = match &self.config.dir {
            Some(_) => {
                live >= self.config.persist_min
                    && (st.base.is_none() || changes > (base_len / 16).max(1_000))
            }
            None => {
                live >= self.config.ann_min && (!has_graph || changes > (base_len / 16).max(1_000))
            }
        };
        if !due || changes == 0 {
            return;
        }
        let t0 = std::time::Instant::now();
        match self.compact(row, st) {
            Ok(base) => {
                tracing::info!(
                    faces = base.flat.len(),
                    graph = base.ann.is_some(),
                    s = t0.elapsed().as_secs_f64(),
                    "rewrote the search index"
                );
                if let (Some(dir), Some(new)) = (&self.config.dir, base.files.as_ref()) {
                    new.remove_older_files(dir, &row.uid);
                }
                st.base = Some(base);
                st.delta = Flat::owned(self.dim);
                st.removed.clear();
                if let Err(e) = store::prune_removed(conn, &row.id, &row.uid, st.generation) {
                    tracing::debug!(error = %e, "could not prune the removal log");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not rewrite the search index"),
        }
    }

    fn compact(&self, row: &CollectionRow, st: &State) -> CollectionResult<Base> {
        let count = st.live_rows().count();
        let graph = count >= self.config.ann_min;
        let old_graph = st.base.as_ref().and_then(|b| match (&b.ann, &b.files) {
            (Some(_), Some(p)) => p.ann.as_ref().map(|_| p.clone()),
            _ => None,
        });
        let build_graph = |ann: &Ann, rows: Vec<(i64, &[f32])>| -> CollectionResult<()> {
            add_parallel(ann, &rows, self.config.threads)
        };
        let ann = if !graph {
            None
        } else if let (Some(p), Some(dir)) = (old_graph, &self.config.dir) {
            // Grow the saved graph: drop the removed faces, add the new ones.
            let ann = Ann::load(
                &p.ann_path(dir, &row.uid),
                self.dim,
                st.delta.len(),
                self.config.threads,
            )?;
            for seq in &st.removed {
                ann.remove(*seq)?;
            }
            let d = &st.delta;
            let rows: Vec<(i64, &[f32])> = (0..d.len())
                .map(|i| (d.seqs()[i], d.row(i)))
                .filter(|(s, _)| !st.removed.contains(s))
                .collect();
            build_graph(&ann, rows)?;
            Some(ann)
        } else {
            let ann = Ann::new(self.dim, count, self.config.threads)?;
            let mut chunk = Vec::with_capacity(65_536);
            for r in st.live_rows() {
                chunk.push(r);
                if chunk.len() == chunk.capacity() {
                    build_graph(&ann, std::mem::take(&mut chunk))?;
                    chunk.reserve(65_536);
                }
            }
            build_graph(&ann, chunk)?;
            Some(ann)
        };
        match &self.config.dir {
            Some(dir) => {
                let p = Pointer::write(
                    dir,
                    &row.uid,
                    st.generation,
                    st.max_seq,
                    self.dim,
                    count,
                    st.live_rows(),
                    ann.as_ref(),
                )?;
                let (flat, ann) = p.open(dir, &row.uid, self.dim)?;
                Ok(Base {
                    flat,
                    ann,
                    files: Some(p),
                })
            }
            None => {
                let mut flat = Flat::owned(self.dim);
                for (seq, v) in st.live_rows() {
                    flat.push(seq, v);
                }
                Ok(Base {
                    flat,
                    ann,
                    files: None,
                })
            }
        }
    }

    /// Bytes of memory the graph of the collection holds in this process (0 without one).
    pub fn graph_memory(&self, collection: &str) -> usize {
        let states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        states.get(collection).map_or(0, |s| {
            let st = s.read().unwrap_or_else(|p| p.into_inner());
            st.base
                .as_ref()
                .and_then(|b| b.ann.as_ref())
                .map_or(0, Ann::memory_usage)
        })
    }
}

/// Adds rows to the graph from `threads` threads.
fn add_parallel(ann: &Ann, rows: &[(i64, &[f32])], threads: usize) -> CollectionResult<()> {
    let per = rows.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let workers: Vec<_> = rows
            .chunks(per)
            .map(|part| {
                s.spawn(move || -> CollectionResult<()> {
                    for (seq, v) in part {
                        ann.add(*seq, v)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for w in workers {
            match w.join() {
                Ok(r) => r?,
                Err(_) => {
                    return Err(crate::error::CollectionError::Index {
                        path: "(build)".into(),
                        reason: "a graph-building thread panicked".into(),
                    })
                }
            }
        }
        Ok(())
    })
}

/// Every live face scored (small collections): the probe's cohort is the whole collection.
fn search_exact(st: &State, q: &[f32], k: usize, min_similarity: f32) -> Vec<Hit> {
    let scored: Vec<(i64, f32)> = st.live_rows().map(|(seq, v)| (seq, dot(v, q))).collect();
    let cosines: Vec<f32> = scored.iter().map(|(_, c)| *c).collect();
    let scorer = GalleryScorer::new(&cosines, cosines.len());
    let min_cos = scorer.min_cosine(min_similarity);
    let cands = scored.into_iter().filter(|(_, c)| *c >= min_cos).collect();
    rank(cands, &scorer, k, min_similarity)
}

/// Candidates (seq, raw cosine) to hits: best first, scored, at least `min_similarity`, `k`.
fn rank(
    mut cands: Vec<(i64, f32)>,
    scorer: &GalleryScorer,
    k: usize,
    min_similarity: f32,
) -> Vec<Hit> {
    cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    cands
        .into_iter()
        .map(|(seq, c)| Hit {
            seq,
            similarity: scorer.score(c),
        })
        .filter(|h| h.similarity >= min_similarity.max(0.0))
        .take(k)
        .collect()
}
