//! facectl's DynamoDB item layout: face items and image records in one table.
//!
//! Face item (hash key = the Rekognition face id):
//!
//! | attribute | type | meaning |
//! |---|---|---|
//! | `<hash key>` (`FaceId`) | S | Rekognition FaceId |
//! | `ItemType` | S | `face` |
//! | `PersonId` | S | person id (= ExternalImageId); GSI `person_id-index` |
//! | `<name attr>` (`FullName`) | S | display name; with two name attributes: first / last parts |
//! | `DisplayName` | S | display name, only when the name is split over several attributes |
//! | `NameLower` | S | lower-cased display name; GSI `name_lower-index` |
//! | `FirstName`, `LastName` | S | optional |
//! | `Meta` | M of S | `--meta key=value` pairs |
//! | `Bucket`, `ImageKey` | S | where the source image is stored (S3 key without the prefix) |
//! | `ImageHash` | S | SHA-256 of the source image; GSI `image_hash-index` |
//! | `Box` | M {X, Y, Width, Height: N} | face box in pixels |
//! | `Confidence` | N | detector confidence |
//! | `Model` | S | Rekognition face model version |
//! | `CreatedAt` | N | seconds since the epoch |
//!
//! Image record (hash key = `image#<sha256>`): `ItemType` = `image`, `ImageKey`, `Source`,
//! `Status` (`pending`, `indexed`, `no_face`, `multiple_faces`), `ImagePersonId`, `Faces`,
//! `UpdatedAt`, and while `pending` the claim: `Owner` (the writer holding it) and `LeaseUntil`
//! (N, epoch seconds). Image records carry none of the GSI attributes, so the indexes only hold
//! faces.
//!
//! Items written by other tools (e.g. tutorial tables with only `FaceId` and `FullName`) are read
//! leniently: a missing person id is derived from the name, other fields default.

use crate::TableSchema;
use aws_sdk_dynamodb::types::AttributeValue;
use facectl_core::model::*;
use facectl_core::naming::person_id_for;
use std::collections::{BTreeMap, HashMap};

pub type Item = HashMap<String, AttributeValue>;

/// Hash key prefix of image records.
pub const IMAGE_PREFIX: &str = "image#";
pub const ITEM_TYPE: &str = "ItemType";
pub const PERSON_ID: &str = "PersonId";
pub const NAME_LOWER: &str = "NameLower";
pub const IMAGE_HASH: &str = "ImageHash";
pub const STATUS: &str = "Status";
const DISPLAY_NAME: &str = "DisplayName";
const FIRST_NAME: &str = "FirstName";
const LAST_NAME: &str = "LastName";
const META: &str = "Meta";
const BUCKET: &str = "Bucket";
const IMAGE_KEY: &str = "ImageKey";
const BOX: &str = "Box";
const CONFIDENCE: &str = "Confidence";
const MODEL: &str = "Model";
const CREATED_AT: &str = "CreatedAt";
const SOURCE: &str = "Source";
const IMAGE_PERSON_ID: &str = "ImagePersonId";
const FACES: &str = "Faces";
const UPDATED_AT: &str = "UpdatedAt";
pub const OWNER: &str = "Owner";
pub const LEASE_UNTIL: &str = "LeaseUntil";

/// Hash key value of an image record.
pub fn image_key_value(hash: &str) -> String {
    format!("{IMAGE_PREFIX}{hash}")
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_s<'a>(item: &'a Item, key: &str) -> Option<&'a str> {
    item.get(key)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

fn get_n<T: std::str::FromStr>(item: &Item, key: &str) -> Option<T> {
    item.get(key)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// The lower-cased name used by the name index.
pub fn name_lower(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The face item for a record.
pub fn face_item(schema: &TableSchema, bucket: &str, f: &FaceRecord) -> Item {
    let p = &f.person;
    let mut item = Item::new();
    item.insert(schema.hash_key.clone(), s(&f.face_id));
    item.insert(ITEM_TYPE.into(), s("face"));
    item.insert(PERSON_ID.into(), s(&p.person_id));
    item.insert(NAME_LOWER.into(), s(name_lower(&p.name)));
    if let [only] = schema.name_attrs.as_slice() {
        item.insert(only.clone(), s(&p.name));
        if let Some(v) = p.first_name.as_deref().filter(|v| !v.is_empty()) {
            item.insert(FIRST_NAME.into(), s(v));
        }
        if let Some(v) = p.last_name.as_deref().filter(|v| !v.is_empty()) {
            item.insert(LAST_NAME.into(), s(v));
        }
    } else {
        // Split over several attributes: first part, then the rest.
        let (first, rest) = match (&p.first_name, &p.last_name) {
            (Some(f), Some(l)) => (f.clone(), l.clone()),
            _ => match p.name.trim().split_once(' ') {
                Some((f, l)) => (f.to_string(), l.trim().to_string()),
                None => (p.name.trim().to_string(), String::new()),
            },
        };
        for (i, attr) in schema.name_attrs.iter().enumerate() {
            let v = if i == 0 { &first } else { &rest };
            if i <= 1 && !v.is_empty() {
                item.insert(attr.clone(), s(v));
            }
        }
        item.insert(DISPLAY_NAME.into(), s(&p.name));
    }
    if !p.meta.is_empty() {
        let meta = p.meta.iter().map(|(k, v)| (k.clone(), s(v))).collect();
        item.insert(META.into(), AttributeValue::M(meta));
    }
    item.insert(BUCKET.into(), s(bucket));
    if !f.image_key.is_empty() {
        item.insert(IMAGE_KEY.into(), s(&f.image_key));
    }
    if !f.image_hash.is_empty() {
        item.insert(IMAGE_HASH.into(), s(&f.image_hash));
    }
    let b = &f.bbox;
    let bbox = [
        ("X", b.x),
        ("Y", b.y),
        ("Width", b.width),
        ("Height", b.height),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), n(v)))
    .collect();
    item.insert(BOX.into(), AttributeValue::M(bbox));
    item.insert(CONFIDENCE.into(), n(f.confidence));
    if !f.model.is_empty() {
        item.insert(MODEL.into(), s(&f.model));
    }
    item.insert(CREATED_AT.into(), n(f.created_at));
    item
}

/// The person of a face item.
pub fn person_of(schema: &TableSchema, item: &Item) -> PersonInfo {
    let parts: Vec<&str> = schema
        .name_attrs
        .iter()
        .filter_map(|a| get_s(item, a))
        .collect();
    let name = match get_s(item, DISPLAY_NAME) {
        Some(d) => d.to_string(),
        None => parts.join(" "),
    };
    let split = schema.name_attrs.len() > 1;
    let first_name = get_s(item, FIRST_NAME)
        .or(if split { parts.first().copied() } else { None })
        .map(str::to_string);
    let last_name = get_s(item, LAST_NAME)
        .or(if split { parts.get(1).copied() } else { None })
        .map(str::to_string);
    let meta: BTreeMap<String, String> = item
        .get(META)
        .and_then(|m| m.as_m().ok())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_s().ok()?.clone())))
                .collect()
        })
        .unwrap_or_default();
    PersonInfo {
        person_id: get_s(item, PERSON_ID)
            .map(str::to_string)
            .unwrap_or_else(|| person_id_for(&name)),
        name,
        first_name,
        last_name,
        meta,
    }
}

/// The record of a face item; `None` for image records and items without a string key.
pub fn face_record(schema: &TableSchema, item: &Item) -> Option<FaceRecord> {
    let face_id = get_s(item, &schema.hash_key)?;
    if face_id.starts_with(IMAGE_PREFIX) {
        return None;
    }
    let bbox = item
        .get(BOX)
        .and_then(|b| b.as_m().ok())
        .map(|m| {
            let f = |k: &str| -> f32 {
                m.get(k)
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0.0)
            };
            BoundingBox {
                x: f("X"),
                y: f("Y"),
                width: f("Width"),
                height: f("Height"),
            }
        })
        .unwrap_or_default();
    Some(FaceRecord {
        face_id: face_id.to_string(),
        person: person_of(schema, item),
        image_key: get_s(item, IMAGE_KEY).unwrap_or_default().to_string(),
        image_hash: get_s(item, IMAGE_HASH).unwrap_or_default().to_string(),
        bbox,
        confidence: get_n(item, CONFIDENCE).unwrap_or(0.0),
        model: get_s(item, MODEL).unwrap_or_default().to_string(),
        created_at: get_n(item, CREATED_AT).unwrap_or(0),
    })
}

/// The item of an image record.
pub fn image_item(schema: &TableSchema, r: &ImageRecord) -> Item {
    let mut item = Item::new();
    item.insert(schema.hash_key.clone(), s(image_key_value(&r.image_hash)));
    item.insert(ITEM_TYPE.into(), s("image"));
    item.insert(IMAGE_KEY.into(), s(&r.image_key));
    if !r.source.is_empty() {
        item.insert(SOURCE.into(), s(&r.source));
    }
    item.insert(STATUS.into(), s(r.status.as_str()));
    if let Some(p) = r.person_id.as_deref().filter(|p| !p.is_empty()) {
        item.insert(IMAGE_PERSON_ID.into(), s(p));
    }
    item.insert(FACES.into(), n(r.faces));
    item.insert(UPDATED_AT.into(), n(r.updated_at));
    if let (Some(c), ImageStatus::Pending) = (&r.claim, r.status) {
        item.insert(OWNER.into(), s(&c.owner));
        item.insert(LEASE_UNTIL.into(), n(c.lease_until));
    }
    item
}

/// The record of an image item; `None` for face items.
pub fn image_record(schema: &TableSchema, item: &Item) -> Option<ImageRecord> {
    let hash = get_s(item, &schema.hash_key)?.strip_prefix(IMAGE_PREFIX)?;
    let status = get_s(item, STATUS)
        .and_then(ImageStatus::parse)
        .unwrap_or(ImageStatus::Pending);
    let claim = get_s(item, OWNER)
        .filter(|_| status == ImageStatus::Pending)
        .map(|owner| ImageClaim {
            owner: owner.to_string(),
            lease_until: get_n(item, LEASE_UNTIL).unwrap_or(0),
        });
    Some(ImageRecord {
        image_hash: hash.to_string(),
        image_key: get_s(item, IMAGE_KEY).unwrap_or_default().to_string(),
        source: get_s(item, SOURCE).unwrap_or_default().to_string(),
        status,
        person_id: get_s(item, IMAGE_PERSON_ID).map(str::to_string),
        faces: get_n(item, FACES).unwrap_or(0),
        updated_at: get_n(item, UPDATED_AT).unwrap_or(0),
        claim,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> FaceRecord {
        FaceRecord {
            face_id: "f-1".into(),
            person: PersonInfo {
                person_id: "Jos:c3:a9_Doe".into(),
                name: "José Doe".into(),
                first_name: Some("José".into()),
                last_name: Some("Doe".into()),
                meta: [("team".to_string(), "red".to_string())].into(),
            },
            image_key: "ab/abc.jpg".into(),
            image_hash: "abc".into(),
            bbox: BoundingBox {
                x: 1.5,
                y: 2.0,
                width: 30.0,
                height: 40.25,
            },
            confidence: 99.9,
            model: "7.0".into(),
            created_at: 1_700_000_000,
        }
    }

    #[test]
    fn face_items_round_trip() {
        let schema = TableSchema::default();
        let item = face_item(&schema, "bucket", &record());
        assert_eq!(item["FaceId"].as_s().ok().map(String::as_str), Some("f-1"));
        assert_eq!(
            item["FullName"].as_s().ok().map(String::as_str),
            Some("José Doe")
        );
        assert_eq!(
            item[NAME_LOWER].as_s().ok().map(String::as_str),
            Some("josé doe")
        );
        assert_eq!(face_record(&schema, &item), Some(record()));
        assert!(image_record(&schema, &item).is_none());
    }

    #[test]
    fn split_names_and_custom_hash_key() {
        let schema = TableSchema {
            hash_key: "RekognitionId".into(),
            name_attrs: vec!["first_name".into(), "last_name".into()],
            ..TableSchema::default()
        };
        let mut r = record();
        r.person.first_name = None;
        r.person.last_name = None;
        let item = face_item(&schema, "b", &r);
        assert_eq!(
            item["RekognitionId"].as_s().ok().map(String::as_str),
            Some("f-1")
        );
        assert_eq!(
            item["first_name"].as_s().ok().map(String::as_str),
            Some("José")
        );
        assert_eq!(
            item["last_name"].as_s().ok().map(String::as_str),
            Some("Doe")
        );
        let back = face_record(&schema, &item).expect("face");
        assert_eq!(back.person.name, "José Doe");
        assert_eq!(back.person.first_name.as_deref(), Some("José"));
    }

    #[test]
    fn tutorial_items_are_read_leniently() {
        let schema = TableSchema::default();
        let item: Item = [
            ("FaceId".to_string(), s("0b683aed")),
            ("FullName".to_string(), s("Jane Doe")),
        ]
        .into();
        let f = face_record(&schema, &item).expect("face");
        assert_eq!(f.person.person_id, "Jane_Doe");
        assert_eq!(f.person.name, "Jane Doe");
        assert_eq!(f.image_key, "");
    }

    #[test]
    fn image_records_round_trip() {
        let schema = TableSchema::default();
        let r = ImageRecord {
            image_hash: "abc".into(),
            image_key: "ab/abc.jpg".into(),
            source: "/photos/a.jpg".into(),
            status: ImageStatus::MultipleFaces,
            person_id: Some("Jane_Doe".into()),
            faces: 0,
            updated_at: 5,
            claim: None,
        };
        let item = image_item(&schema, &r);
        assert_eq!(
            item["FaceId"].as_s().ok().map(String::as_str),
            Some("image#abc")
        );
        assert!(!item.contains_key(PERSON_ID) && !item.contains_key(IMAGE_HASH));
        assert_eq!(image_record(&schema, &item), Some(r.clone()));
        assert!(face_record(&schema, &item).is_none());
        let pending = ImageRecord {
            status: ImageStatus::Pending,
            claim: Some(ImageClaim {
                owner: "host/1/run".into(),
                lease_until: 99,
            }),
            ..r
        };
        let item = image_item(&schema, &pending);
        assert_eq!(image_record(&schema, &item), Some(pending));
    }
}
