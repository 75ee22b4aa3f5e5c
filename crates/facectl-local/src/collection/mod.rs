//! The face collection port: face prints in SQLite (`collection_faces`), searched through an
//! in-memory index, made by the on-device engine. CPU work runs on blocking worker threads.

mod index;
pub(crate) mod store;

use crate::db::Db;
use crate::engine::{self, EngineSlot};
use crate::error::blocking;
use async_trait::async_trait;
use facectl_core::model::{
    CollectionFace, CollectionInfo, FaceDetail, FaceMatch, FaceSearchResult, FaceSelect,
    IndexOutcome, IndexedFace, ResourceStatus, UnindexedFace,
};
use facectl_core::ports::{
    BackendResult, CompareOutcome, FaceCollection, ImageInput, IndexRequest, SearchRequest,
};
use facectl_engine::{cosine, quality_gate, similarity, MAX_FACES};
use index::{Change, IndexCache};
use std::collections::HashSet;
use std::sync::Arc;
use store::{check_model, NewFace};

/// Reason given to faces left out because the image had more than `max_faces` usable faces.
const EXCEEDS_MAX_FACES: &str = "EXCEEDS_MAX_FACES";

/// The local face collection.
pub struct LocalCollection {
    inner: Arc<Inner>,
}

struct Inner {
    db: Arc<Db>,
    engine: Arc<EngineSlot>,
    index: IndexCache,
}

/// An image handed to a worker thread.
struct OwnedImage {
    bytes: Vec<u8>,
    key: String,
    origin: String,
}

impl From<ImageInput<'_>> for OwnedImage {
    fn from(i: ImageInput<'_>) -> Self {
        OwnedImage {
            bytes: i.bytes.to_vec(),
            key: i.key.to_string(),
            origin: i.origin.to_string(),
        }
    }
}

fn engine_select(select: FaceSelect) -> facectl_engine::FaceSelect {
    match select {
        FaceSelect::Largest => facectl_engine::FaceSelect::Largest,
        FaceSelect::All => facectl_engine::FaceSelect::All,
    }
}

fn non_empty(key: String) -> Option<String> {
    (!key.is_empty()).then_some(key)
}

impl LocalCollection {
    pub(crate) fn new(db: Arc<Db>, engine: Arc<EngineSlot>) -> Self {
        LocalCollection {
            inner: Arc::new(Inner {
                db,
                engine,
                index: IndexCache::default(),
            }),
        }
    }

    /// Runs `f` on a worker thread with the shared state.
    async fn run<T, F>(&self, f: F) -> BackendResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> BackendResult<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        blocking(move || f(&inner)).await
    }
}

impl Inner {
    /// The engine, after checking that the collection exists and was built with its model.
    fn engine_for_collection(&self) -> BackendResult<Arc<facectl_engine::Engine>> {
        let bound = self.db.call_blocking(|c| store::bound_model(c))?;
        let engine = self.engine.get()?;
        check_model(bound.as_deref(), engine.model_fingerprint())?;
        Ok(engine)
    }

    fn index_faces(&self, image: &OwnedImage, req: &IndexRequest) -> BackendResult<IndexOutcome> {
        let engine = self.engine_for_collection()?;
        let model = engine.model_fingerprint().to_string();
        let img = engine::decode(&engine, &image.bytes, &image.origin)?;
        let faces = engine::assess(&engine, &img, &image.origin)?;
        let gate = engine::gate_thresholds(req.quality);
        let limit = req
            .max_faces
            .map_or(MAX_FACES, |m| usize::try_from(m).unwrap_or(MAX_FACES))
            .min(MAX_FACES);
        let mut outcome = IndexOutcome {
            model: model.clone(),
            ..IndexOutcome::default()
        };
        let mut chosen = Vec::new();
        for (det, quality) in faces {
            let detail = engine::detail(&det, &quality);
            let issues = gate
                .map(|t| quality_gate(&det, &quality, &t))
                .unwrap_or_default();
            if !issues.is_empty() {
                let reasons = issues.iter().map(|i| i.as_str().to_string()).collect();
                outcome.unindexed.push(UnindexedFace { detail, reasons });
            } else if chosen.len() >= limit {
                let reasons = vec![EXCEEDS_MAX_FACES.to_string()];
                outcome.unindexed.push(UnindexedFace { detail, reasons });
            } else {
                chosen.push((det, quality, detail));
            }
        }
        let now = facectl_core::model::now_epoch();
        let external_id = non_empty(req.external_id.clone());
        let mut rows = Vec::with_capacity(chosen.len());
        for (det, quality, detail) in chosen {
            let embedding = engine
                .embed(&img, &det)
                .map_err(|e| engine::engine_failure(&image.origin, e))?;
            let face_id = uuid::Uuid::new_v4().to_string();
            outcome.indexed.push(IndexedFace {
                face_id: face_id.clone(),
                detail,
            });
            rows.push(NewFace {
                face_id,
                external_id: external_id.clone(),
                image_key: image.key.clone(),
                embedding: embedding.0,
                detection: det,
                quality,
                created_at: now,
            });
        }
        if rows.is_empty() {
            return Ok(outcome);
        }
        let generation = self
            .db
            .call_blocking(|c| store::insert_faces(c, &model, &rows))?;
        let added = rows
            .iter()
            .map(|r| {
                (
                    r.face_id.clone(),
                    r.image_key.clone(),
                    r.embedding.as_slice(),
                )
            })
            .collect();
        self.index.apply(generation, Change::Added(added));
        tracing::debug!(origin = image.origin, indexed = rows.len(), "indexed faces");
        Ok(outcome)
    }

    fn search_image(
        &self,
        image: &OwnedImage,
        req: &SearchRequest,
    ) -> BackendResult<Vec<FaceSearchResult>> {
        let engine = self.engine_for_collection()?;
        let t0 = std::time::Instant::now();
        let img = engine::decode(&engine, &image.bytes, &image.origin)?;
        tracing::debug!(
            origin = image.origin,
            ms = t0.elapsed().as_secs_f64() * 1e3,
            "decoded"
        );
        let faces = engine::analyze(&engine, &img, &image.origin, engine_select(req.select))?;
        if faces.is_empty() {
            return Ok(Vec::new());
        }
        let k = usize::try_from(req.max_matches).unwrap_or(usize::MAX);
        let t0 = std::time::Instant::now();
        let found = self.index.with_current(&self.db, |idx| {
            faces
                .iter()
                .map(|face| FaceSearchResult {
                    face: engine::analysis_detail(face),
                    matches: idx
                        .top_k(face.embedding.as_slice(), k, req.threshold)
                        .into_iter()
                        .map(|(face_id, key, similarity)| FaceMatch {
                            face_id,
                            similarity,
                            person: None,
                            image_key: non_empty(key),
                        })
                        .collect(),
                })
                .collect()
        });
        tracing::debug!(
            ms = t0.elapsed().as_secs_f64() * 1e3,
            "searched the collection"
        );
        found
    }

    fn match_faces(
        &self,
        image: &OwnedImage,
        face_ids: &[String],
    ) -> BackendResult<Option<FaceSearchResult>> {
        let engine = self.engine_for_collection()?;
        let img = engine::decode(&engine, &image.bytes, &image.origin)?;
        let largest = engine::analyze(
            &engine,
            &img,
            &image.origin,
            facectl_engine::FaceSelect::Largest,
        )?;
        let Some(face) = largest.into_iter().next() else {
            return Ok(None);
        };
        let mut seen = HashSet::new();
        let ids: Vec<String> = face_ids
            .iter()
            .filter(|id| seen.insert(id.as_str()))
            .cloned()
            .collect();
        let prints = self.db.call_blocking(|c| store::prints_of(c, &ids))?;
        let mut matches: Vec<FaceMatch> = prints
            .into_iter()
            .map(|p| FaceMatch {
                similarity: similarity(cosine(face.embedding.as_slice(), &p.embedding)),
                face_id: p.face_id,
                person: None,
                image_key: non_empty(p.image_key),
            })
            .collect();
        matches.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then_with(|| a.face_id.cmp(&b.face_id))
        });
        Ok(Some(FaceSearchResult {
            face: engine::analysis_detail(&face),
            matches,
        }))
    }

    fn compare(
        &self,
        source: &OwnedImage,
        target: &OwnedImage,
    ) -> BackendResult<Option<CompareOutcome>> {
        let engine = self.engine.get()?;
        let mut largest = Vec::with_capacity(2);
        for image in [source, target] {
            let img = engine::decode(&engine, &image.bytes, &image.origin)?;
            let faces = engine::analyze(
                &engine,
                &img,
                &image.origin,
                facectl_engine::FaceSelect::Largest,
            )?;
            match faces.into_iter().next() {
                Some(face) => largest.push(face),
                None => return Ok(None),
            }
        }
        let (Some(a), Some(b)) = (largest.first(), largest.get(1)) else {
            return Ok(None);
        };
        Ok(Some(CompareOutcome {
            source_face: engine::analysis_detail(a),
            target_face: engine::analysis_detail(b),
            similarity: similarity(cosine(a.embedding.as_slice(), b.embedding.as_slice())),
        }))
    }

    fn detect_faces(&self, image: &OwnedImage) -> BackendResult<Vec<FaceDetail>> {
        let engine = self.engine.get()?;
        let img = engine::decode(&engine, &image.bytes, &image.origin)?;
        let faces = engine::assess(&engine, &img, &image.origin)?;
        Ok(faces.iter().map(|(d, q)| engine::detail(d, q)).collect())
    }

    fn delete_faces(&self, face_ids: &[String]) -> BackendResult<Vec<String>> {
        let (deleted, generation) = self
            .db
            .call_blocking(|c| store::delete_faces(c, face_ids))?;
        if !deleted.is_empty() {
            self.index.apply(generation, Change::Removed(&deleted));
            tracing::debug!(deleted = deleted.len(), "deleted faces");
        }
        Ok(deleted)
    }
}

#[async_trait]
impl FaceCollection for LocalCollection {
    fn name(&self) -> String {
        format!("{}#collection_faces", self.inner.db.path().display())
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        let done = self.inner.db.provision(dry_run).await?;
        Ok(ResourceStatus {
            kind: "collection".into(),
            name: self.name(),
            state: done.state,
            detail: done.detail,
        })
    }

    async fn info(&self) -> BackendResult<CollectionInfo> {
        let (faces, model) = self
            .inner
            .db
            .call(|c| Ok((store::count(c)?, store::bound_model(c)?)))
            .await?;
        Ok(CollectionInfo {
            name: self.name(),
            faces,
            model: model.unwrap_or_default(),
        })
    }

    async fn index_faces(
        &self,
        image: ImageInput<'_>,
        req: &IndexRequest,
    ) -> BackendResult<IndexOutcome> {
        let image = OwnedImage::from(image);
        let req = req.clone();
        self.run(move |inner| inner.index_faces(&image, &req)).await
    }

    async fn detect_faces(&self, image: ImageInput<'_>) -> BackendResult<Vec<FaceDetail>> {
        let image = OwnedImage::from(image);
        self.run(move |inner| inner.detect_faces(&image)).await
    }

    async fn search_image(
        &self,
        image: ImageInput<'_>,
        req: &SearchRequest,
    ) -> BackendResult<Vec<FaceSearchResult>> {
        let image = OwnedImage::from(image);
        let req = *req;
        self.run(move |inner| inner.search_image(&image, &req))
            .await
    }

    async fn match_faces(
        &self,
        image: ImageInput<'_>,
        face_ids: &[String],
    ) -> BackendResult<Option<FaceSearchResult>> {
        let image = OwnedImage::from(image);
        let face_ids = face_ids.to_vec();
        self.run(move |inner| inner.match_faces(&image, &face_ids))
            .await
    }

    async fn compare(
        &self,
        source: ImageInput<'_>,
        target: ImageInput<'_>,
    ) -> BackendResult<Option<CompareOutcome>> {
        let (source, target) = (OwnedImage::from(source), OwnedImage::from(target));
        self.run(move |inner| inner.compare(&source, &target)).await
    }

    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<Vec<String>> {
        let face_ids = face_ids.to_vec();
        self.run(move |inner| inner.delete_faces(&face_ids)).await
    }

    async fn list_faces(&self) -> BackendResult<Vec<CollectionFace>> {
        self.inner.db.call(|c| store::list(c)).await
    }
}
