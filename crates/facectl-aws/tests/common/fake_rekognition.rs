//! A stateful stand-in for Rekognition, built on `aws-smithy-mocks`: requests go through the real
//! SDK client (serialisation of inputs, error metadata) and are answered from memory.
//!
//! "Faces" are coloured squares on a grey photo (see [`photo`]): a face's identity is its
//! dominant colour channel, so crops and re-encodings keep their identity. Search similarity is
//! 99 for the same identity and 5 otherwise.

#![allow(dead_code)]

use aws_sdk_rekognition::error::ErrorMetadata;
use aws_sdk_rekognition::operation::compare_faces::{CompareFacesError, CompareFacesOutput};
use aws_sdk_rekognition::operation::create_collection::{
    CreateCollectionError, CreateCollectionOutput,
};
use aws_sdk_rekognition::operation::delete_faces::{DeleteFacesError, DeleteFacesOutput};
use aws_sdk_rekognition::operation::describe_collection::{
    DescribeCollectionError, DescribeCollectionOutput,
};
use aws_sdk_rekognition::operation::detect_faces::{DetectFacesError, DetectFacesOutput};
use aws_sdk_rekognition::operation::index_faces::{IndexFacesError, IndexFacesOutput};
use aws_sdk_rekognition::operation::list_faces::{ListFacesError, ListFacesOutput};
use aws_sdk_rekognition::operation::search_faces_by_image::{
    SearchFacesByImageError, SearchFacesByImageOutput,
};
use aws_sdk_rekognition::types::error::{
    InvalidParameterException, ResourceAlreadyExistsException, ResourceNotFoundException,
};
use aws_sdk_rekognition::types::{
    BoundingBox, CompareFacesMatch, ComparedFace, ComparedSourceImageFace, Face, FaceDetail,
    FaceMatch, FaceRecord, Image, Reason, UnindexedFace,
};
use aws_sdk_rekognition::Client;
use aws_smithy_mocks::{mock, mock_client, MockResponse, RuleMode};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::sync::{Arc, Mutex};

pub const MODEL: &str = "fake-7.0";

/// Face colours (identity = dominant channel).
pub const RED: [u8; 3] = [210, 40, 40];
pub const GREEN: [u8; 3] = [40, 190, 40];
pub const BLUE: [u8; 3] = [40, 40, 210];

/// A 320x240 grey PNG with square faces `(colour, x, y, side)`; `seed` varies the background so
/// photos of the same faces differ in bytes.
pub fn photo(faces: &[([u8; 3], u32, u32, u32)], seed: u8) -> Vec<u8> {
    let mut img = RgbImage::from_pixel(320, 240, Rgb([120 + seed % 16, 120, 120]));
    for &(c, x0, y0, side) in faces {
        for y in y0..(y0 + side).min(240) {
            for x in x0..(x0 + side).min(320) {
                img.put_pixel(x, y, Rgb(c));
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// A detected face: identity channel and box as ratios.
#[derive(Clone, Copy, Debug)]
struct Found {
    identity: usize,
    left: f32,
    top: f32,
    width: f32,
    height: f32,
}

impl Found {
    fn area(&self) -> f32 {
        self.width * self.height
    }
    fn bbox(&self) -> BoundingBox {
        BoundingBox::builder()
            .left(self.left)
            .top(self.top)
            .width(self.width)
            .height(self.height)
            .build()
    }
    fn detail(&self) -> FaceDetail {
        FaceDetail::builder()
            .bounding_box(self.bbox())
            .confidence(99.9)
            .build()
    }
}

/// x0, y0, x1, y1, pixel count.
type PixelBox = (u32, u32, u32, u32, u32);

/// Faces in an image, largest first.
fn detect(bytes: &[u8]) -> Option<Vec<Found>> {
    let img = image::load_from_memory(bytes).ok()?.to_rgb8();
    let (w, h) = img.dimensions();
    let mut boxes: [Option<PixelBox>; 3] = [None; 3];
    for (x, y, p) in img.enumerate_pixels() {
        let c = p.0.map(i32::from);
        let (max_i, max_v) = (0..3).map(|i| (i, c[i])).max_by_key(|&(_, v)| v)?;
        let others = (0..3).filter(|&i| i != max_i).map(|i| c[i]).max()?;
        if max_v - others < 80 {
            continue;
        }
        let b = boxes[max_i].get_or_insert((x, y, x, y, 0));
        *b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y), b.4 + 1);
    }
    let mut found: Vec<Found> = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let (x0, y0, x1, y1, n) = (*b)?;
            (n >= 50).then(|| Found {
                identity: i,
                left: x0 as f32 / w as f32,
                top: y0 as f32 / h as f32,
                width: (x1 + 1 - x0) as f32 / w as f32,
                height: (y1 + 1 - y0) as f32 / h as f32,
            })
        })
        .collect();
    found.sort_by(|a, b| b.area().total_cmp(&a.area()));
    Some(found)
}

#[derive(Clone, Debug)]
pub struct StoredFace {
    pub face_id: String,
    pub external_id: Option<String>,
    identity: usize,
}

#[derive(Default)]
pub struct State {
    /// Collections by name: faces in insertion order.
    pub collections: BTreeMap<String, Vec<StoredFace>>,
    /// Photo bytes by SHA-256 (stand-in for reading S3 objects).
    photos: HashMap<String, Vec<u8>>,
    next_id: u64,
    /// Operation names in call order.
    pub calls: Vec<String>,
}

/// The fake and a handle on its state.
#[derive(Clone, Default)]
pub struct FakeRekognition {
    pub state: Arc<Mutex<State>>,
}

fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl FakeRekognition {
    /// Makes a photo readable by IndexFaces from S3 (keys are `<prefix>ab/<sha256>.<ext>`).
    pub fn register(&self, bytes: &[u8]) {
        let mut st = self.state.lock().expect("lock");
        st.photos.insert(sha256_hex(bytes), bytes.to_vec());
    }

    pub fn calls(&self) -> Vec<String> {
        self.state.lock().expect("lock").calls.clone()
    }

    pub fn faces(&self, collection: &str) -> Vec<StoredFace> {
        let st = self.state.lock().expect("lock");
        st.collections.get(collection).cloned().unwrap_or_default()
    }

    /// Adds a face to the collection behind facectl's back (an orphan).
    pub fn inject_face(&self, collection: &str, external_id: &str) -> String {
        let mut st = self.state.lock().expect("lock");
        st.next_id += 1;
        let face_id = format!("injected-{:04}", st.next_id);
        st.collections
            .entry(collection.into())
            .or_default()
            .push(StoredFace {
                face_id: face_id.clone(),
                external_id: Some(external_id.into()),
                identity: 1,
            });
        face_id
    }

    fn image_bytes(&self, image: Option<&Image>) -> Option<Vec<u8>> {
        let image = image?;
        if let Some(b) = image.bytes() {
            return Some(b.as_ref().to_vec());
        }
        let name = image.s3_object()?.name()?;
        let stem = name.rsplit('/').next()?.split('.').next()?;
        self.state.lock().ok()?.photos.get(stem).cloned()
    }

    fn log(&self, op: &str) {
        if let Ok(mut st) = self.state.lock() {
            st.calls.push(op.to_string());
        }
    }

    /// A Rekognition client answered by this fake.
    pub fn client(&self) -> Client {
        let f = self.clone();
        let create = mock!(Client::create_collection).then_compute_response(move |req| {
            f.log("CreateCollection");
            let mut st = f.state.lock().expect("lock");
            let name = req.collection_id().unwrap_or_default().to_string();
            if st.collections.contains_key(&name) {
                return MockResponse::Error(CreateCollectionError::ResourceAlreadyExistsException(
                    ResourceAlreadyExistsException::builder()
                        .meta(meta("ResourceAlreadyExistsException", "exists"))
                        .build(),
                ));
            }
            st.collections.insert(name, Vec::new());
            MockResponse::Output(
                CreateCollectionOutput::builder()
                    .status_code(200)
                    .face_model_version(MODEL)
                    .build(),
            )
        });
        let f = self.clone();
        let describe = mock!(Client::describe_collection).then_compute_response(move |req| {
            f.log("DescribeCollection");
            let st = f.state.lock().expect("lock");
            match st.collections.get(req.collection_id().unwrap_or_default()) {
                Some(faces) => MockResponse::Output(
                    DescribeCollectionOutput::builder()
                        .face_count(faces.len() as i64)
                        .face_model_version(MODEL)
                        .build(),
                ),
                None => MockResponse::Error(DescribeCollectionError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .meta(meta("ResourceNotFoundException", "no such collection"))
                        .build(),
                )),
            }
        });
        let f = self.clone();
        let index = mock!(Client::index_faces).then_compute_response(move |req| {
            f.log("IndexFaces");
            let bad = |m: &str| {
                MockResponse::Error(IndexFacesError::InvalidParameterException(
                    InvalidParameterException::builder()
                        .meta(meta("InvalidParameterException", m))
                        .build(),
                ))
            };
            let Some(bytes) = f.image_bytes(req.image()) else {
                return bad("unknown image");
            };
            let Some(found) = detect(&bytes) else {
                return bad("cannot decode");
            };
            let max = req.max_faces().unwrap_or(100).max(1) as usize;
            let mut st = f.state.lock().expect("lock");
            let name = req.collection_id().unwrap_or_default().to_string();
            if !st.collections.contains_key(&name) {
                return MockResponse::Error(IndexFacesError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .meta(meta("ResourceNotFoundException", "no such collection"))
                        .build(),
                ));
            }
            let mut out = IndexFacesOutput::builder().face_model_version(MODEL);
            for (i, face) in found.iter().enumerate() {
                if i >= max {
                    out = out.unindexed_faces(
                        UnindexedFace::builder()
                            .reasons(Reason::ExceedsMaxFaces)
                            .face_detail(face.detail())
                            .build(),
                    );
                    continue;
                }
                st.next_id += 1;
                let face_id = format!("face-{:04}", st.next_id);
                let external_id = req.external_image_id().map(str::to_string);
                st.collections
                    .entry(name.clone())
                    .or_default()
                    .push(StoredFace {
                        face_id: face_id.clone(),
                        external_id: external_id.clone(),
                        identity: face.identity,
                    });
                out = out.face_records(
                    FaceRecord::builder()
                        .face(
                            Face::builder()
                                .face_id(face_id)
                                .set_external_image_id(external_id)
                                .bounding_box(face.bbox())
                                .build(),
                        )
                        .face_detail(face.detail())
                        .build(),
                );
            }
            MockResponse::Output(out.build())
        });
        let f = self.clone();
        let detect_rule = mock!(Client::detect_faces).then_compute_response(move |req| {
            f.log("DetectFaces");
            match f.image_bytes(req.image()).as_deref().and_then(detect) {
                Some(found) => MockResponse::Output(
                    DetectFacesOutput::builder()
                        .set_face_details(Some(found.iter().map(Found::detail).collect()))
                        .build(),
                ),
                None => MockResponse::Error(DetectFacesError::InvalidImageFormatException(
                    aws_sdk_rekognition::types::error::InvalidImageFormatException::builder()
                        .meta(meta("InvalidImageFormatException", "bad image"))
                        .build(),
                )),
            }
        });
        let f = self.clone();
        let search = mock!(Client::search_faces_by_image).then_compute_response(move |req| {
            f.log("SearchFacesByImage");
            let found = f.image_bytes(req.image()).as_deref().and_then(detect);
            let Some(top) = found.as_ref().and_then(|v| v.first().copied()) else {
                return MockResponse::Error(SearchFacesByImageError::InvalidParameterException(
                    InvalidParameterException::builder()
                        .meta(meta(
                            "InvalidParameterException",
                            "There are no faces in the image. Should be at least 1.",
                        ))
                        .build(),
                ));
            };
            let st = f.state.lock().expect("lock");
            let threshold = req.face_match_threshold().unwrap_or(80.0);
            let max = req.max_faces().unwrap_or(80).max(1) as usize;
            let faces = st
                .collections
                .get(req.collection_id().unwrap_or_default())
                .cloned()
                .unwrap_or_default();
            let mut matches: Vec<FaceMatch> = faces
                .iter()
                .map(|s| {
                    let sim = if s.identity == top.identity {
                        99.0
                    } else {
                        5.0
                    };
                    FaceMatch::builder()
                        .similarity(sim)
                        .face(
                            Face::builder()
                                .face_id(&s.face_id)
                                .set_external_image_id(s.external_id.clone())
                                .build(),
                        )
                        .build()
                })
                .filter(|m| m.similarity().unwrap_or(0.0) >= threshold)
                .collect();
            matches.sort_by(|a, b| {
                b.similarity()
                    .unwrap_or(0.0)
                    .total_cmp(&a.similarity().unwrap_or(0.0))
            });
            matches.truncate(max);
            MockResponse::Output(
                SearchFacesByImageOutput::builder()
                    .searched_face_bounding_box(top.bbox())
                    .searched_face_confidence(99.9)
                    .set_face_matches(Some(matches))
                    .face_model_version(MODEL)
                    .build(),
            )
        });
        let f = self.clone();
        let compare = mock!(Client::compare_faces).then_compute_response(move |req| {
            f.log("CompareFaces");
            let src = f
                .image_bytes(req.source_image())
                .as_deref()
                .and_then(detect);
            let tgt = f
                .image_bytes(req.target_image())
                .as_deref()
                .and_then(detect);
            let Some(top) = src.as_ref().and_then(|v| v.first().copied()) else {
                return MockResponse::Error(CompareFacesError::InvalidParameterException(
                    InvalidParameterException::builder()
                        .meta(meta(
                            "InvalidParameterException",
                            "Request has invalid parameters",
                        ))
                        .build(),
                ));
            };
            let threshold = req.similarity_threshold().unwrap_or(80.0);
            let mut out = CompareFacesOutput::builder().source_image_face(
                ComparedSourceImageFace::builder()
                    .bounding_box(top.bbox())
                    .confidence(99.9)
                    .build(),
            );
            for face in tgt.unwrap_or_default() {
                let sim = if face.identity == top.identity {
                    99.0
                } else {
                    5.0
                };
                let compared = ComparedFace::builder()
                    .bounding_box(face.bbox())
                    .confidence(99.9)
                    .build();
                out = if sim >= threshold {
                    out.face_matches(
                        CompareFacesMatch::builder()
                            .similarity(sim)
                            .face(compared)
                            .build(),
                    )
                } else {
                    out.unmatched_faces(compared)
                };
            }
            MockResponse::Output(out.build())
        });
        let f = self.clone();
        let delete = mock!(Client::delete_faces).then_compute_response(move |req| {
            f.log("DeleteFaces");
            let mut st = f.state.lock().expect("lock");
            let Some(faces) = st
                .collections
                .get_mut(req.collection_id().unwrap_or_default())
            else {
                return MockResponse::Error(DeleteFacesError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .meta(meta("ResourceNotFoundException", "no such collection"))
                        .build(),
                ));
            };
            let ids = req.face_ids();
            let deleted: Vec<String> = faces
                .iter()
                .filter(|s| ids.contains(&s.face_id))
                .map(|s| s.face_id.clone())
                .collect();
            faces.retain(|s| !ids.contains(&s.face_id));
            MockResponse::Output(
                DeleteFacesOutput::builder()
                    .set_deleted_faces(Some(deleted))
                    .build(),
            )
        });
        let f = self.clone();
        let list = mock!(Client::list_faces).then_compute_response(move |req| {
            f.log("ListFaces");
            let st = f.state.lock().expect("lock");
            let Some(faces) = st.collections.get(req.collection_id().unwrap_or_default()) else {
                return MockResponse::Error(ListFacesError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .meta(meta("ResourceNotFoundException", "no such collection"))
                        .build(),
                ));
            };
            let start: usize = req.next_token().and_then(|t| t.parse().ok()).unwrap_or(0);
            let max = req.max_results().unwrap_or(4096).max(1) as usize;
            let page: Vec<Face> = faces
                .iter()
                .skip(start)
                .take(max)
                .map(|s| {
                    Face::builder()
                        .face_id(&s.face_id)
                        .set_external_image_id(s.external_id.clone())
                        .build()
                })
                .collect();
            let next = (start + max < faces.len()).then(|| (start + max).to_string());
            MockResponse::Output(
                ListFacesOutput::builder()
                    .set_faces(Some(page))
                    .set_next_token(next)
                    .face_model_version(MODEL)
                    .build(),
            )
        });
        mock_client!(
            aws_sdk_rekognition,
            RuleMode::MatchAny,
            [
                &create,
                &describe,
                &index,
                &detect_rule,
                &search,
                &compare,
                &delete,
                &list
            ]
        )
    }
}
