//! The face collection port over collection `default` of `facectl-collection` in the local
//! database (the faces the CLI and `facectl serve` share), with its search index saved under
//! `<data dir>/index`, made by the on-device engine. CPU work runs on blocking worker threads.

use crate::db::Db;
use crate::engine::{self, EngineSlot};
use crate::error::{blocking, LocalError};
use async_trait::async_trait;
use facectl_collection::analysis::plan_index;
use facectl_collection::db::search_faces;
use facectl_collection::schema::LOCAL_COLLECTION;
use facectl_collection::store::{self, NewFace};
use facectl_collection::{IndexConfig, SearchIndexes};
use facectl_core::model::{
    CollectionFace, CollectionInfo, FaceDetail, FaceMatch, FaceSearchResult, FaceSelect,
    IndexOutcome, IndexedFace, ResourceStatus, UnindexedFace,
};
use facectl_core::ports::{
    BackendResult, CompareOutcome, FaceCollection, ImageInput, IndexRequest, SearchRequest,
};
use facectl_engine::{cosine, similarity, EMBEDDING_DIM};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// Faces read per page when listing.
const LIST_PAGE: usize = 10_000;

/// The local face collection.
pub struct LocalCollection {
    inner: Arc<Inner>,
}

struct Inner {
    db: Arc<Db>,
    engine: Arc<EngineSlot>,
    indexes: SearchIndexes,
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

fn json<T: serde::Serialize>(what: &str, v: &T) -> BackendResult<String> {
    serde_json::to_string(v)
        .map_err(|e| facectl_core::BackendError::Other(format!("cannot store the {what}: {e}")))
}

impl LocalCollection {
    /// The collection of `db`, its search index saved under `index_dir`.
    pub(crate) fn new(db: Arc<Db>, engine: Arc<EngineSlot>, index_dir: PathBuf) -> Self {
        let config = IndexConfig {
            dir: Some(index_dir),
            ..IndexConfig::default()
        };
        LocalCollection {
            inner: Arc::new(Inner {
                db,
                engine,
                indexes: SearchIndexes::new(config, EMBEDDING_DIM),
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
        let row = self
            .db
            .call_blocking(|c| Ok(store::require(c, LOCAL_COLLECTION)?))?;
        let engine = self.engine.get()?;
        store::check_model(row.model.as_deref(), engine.model_fingerprint())
            .map_err(|e| LocalError::from(e).into_backend(self.db.path()))?;
        Ok(engine)
    }

    fn index_faces(&self, image: &OwnedImage, req: &IndexRequest) -> BackendResult<IndexOutcome> {
        let engine = self.engine_for_collection()?;
        let model = engine.model_fingerprint().to_string();
        let img = engine::decode(&engine, &image.bytes, &image.origin)?;
        let faces = engine::assess(&engine, &img, &image.origin)?;
        let gate = engine::gate_thresholds(req.quality);
        let max_faces = req
            .max_faces
            .map(|m| usize::try_from(m).unwrap_or(usize::MAX));
        let mut outcome = IndexOutcome {
            model: model.clone(),
            ..IndexOutcome::default()
        };
        let external_id = non_empty(req.external_id.clone());
        let mut rows = Vec::new();
        for face in plan_index(faces, gate.as_ref(), max_faces) {
            let detail = engine::detail(&face.detection, &face.quality);
            if !face.is_chosen() {
                outcome.unindexed.push(UnindexedFace {
                    detail,
                    reasons: face.reasons,
                });
                continue;
            }
            let embedding = engine
                .embed(&img, &face.detection)
                .map_err(|e| engine::engine_failure(&image.origin, e))?;
            let face_id = uuid::Uuid::new_v4().to_string();
            let b = &face.detection.bbox;
            rows.push(NewFace {
                face_id: face_id.clone(),
                image_id: String::new(),
                external_id: external_id.clone(),
                image_key: image.key.clone(),
                bbox: [b.x, b.y, b.width, b.height],
                image_size: (img.width(), img.height()),
                confidence: face.detection.confidence,
                landmarks: Some(json("landmarks", &face.detection.landmarks)?),
                quality: Some(json("quality", &face.quality)?),
                embedding: embedding.0,
            });
            outcome.indexed.push(IndexedFace { face_id, detail });
        }
        if rows.is_empty() {
            return Ok(outcome);
        }
        self.db.call_blocking(|c| {
            Ok(store::insert_faces(
                c,
                LOCAL_COLLECTION,
                None,
                &model,
                &rows,
            )?)
        })?;
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
        let found = self.db.call_blocking(|c| {
            let mut out = Vec::with_capacity(faces.len());
            for face in &faces {
                let found = search_faces(
                    c,
                    &self.indexes,
                    LOCAL_COLLECTION,
                    face.embedding.as_slice(),
                    k,
                    req.threshold,
                    None,
                )?;
                let matches = found
                    .into_iter()
                    .map(|m| FaceMatch {
                        face_id: m.face.face_id,
                        similarity: m.similarity,
                        person: None,
                        image_key: non_empty(m.face.image_key),
                    })
                    .collect();
                out.push(FaceSearchResult {
                    face: engine::analysis_detail(face),
                    matches,
                });
            }
            Ok(out)
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
        let prints = self
            .db
            .call_blocking(|c| Ok(store::prints_of(c, LOCAL_COLLECTION, &ids)?))?;
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
        let (deleted, _) = self
            .db
            .call_blocking(|c| Ok(store::delete_faces(c, LOCAL_COLLECTION, face_ids)?))?;
        if !deleted.is_empty() {
            tracing::debug!(deleted = deleted.len(), "deleted faces");
        }
        Ok(deleted)
    }
}

#[async_trait]
impl FaceCollection for LocalCollection {
    fn name(&self) -> String {
        format!("{}#{LOCAL_COLLECTION}", self.inner.db.path().display())
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
        let row = self
            .inner
            .db
            .call(|c| Ok(store::require(c, LOCAL_COLLECTION)?))
            .await?;
        Ok(CollectionInfo {
            name: self.name(),
            faces: row.faces,
            model: row.model.unwrap_or_default(),
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
        self.inner
            .db
            .call(|c| {
                let mut out = Vec::new();
                let mut after = 0;
                loop {
                    let page = store::list_faces(c, LOCAL_COLLECTION, after, LIST_PAGE)?;
                    let Some(last) = page.last() else { break };
                    after = last.seq;
                    let full = page.len() == LIST_PAGE;
                    out.extend(page.into_iter().map(|f| CollectionFace {
                        face_id: f.face_id,
                        external_id: f.external_id,
                    }));
                    if !full {
                        break;
                    }
                }
                Ok(out)
            })
            .await
    }
}
