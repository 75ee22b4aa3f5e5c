//! SQL of the person table: `persons`, `face_records` and `images`, and row mapping to the
//! port's model types.

use crate::error::{LocalError, LocalResult};
use facectl_core::model::{
    now_epoch, BoundingBox, FaceRecord, ImageClaim, ImageRecord, ImageStatus, PersonInfo,
};
use facectl_core::BackendError;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet};

/// Most ids bound in one `IN (...)` list.
const CHUNK: usize = 500;

const FACE_SELECT: &str = "SELECT f.face_id, f.image_key, f.image_hash, f.bbox_x, f.bbox_y,
        f.bbox_width, f.bbox_height, f.confidence, f.model, f.created_at,
        p.person_id, p.name, p.first_name, p.last_name, p.meta
    FROM face_records f JOIN persons p ON p.person_id = f.person_id";

const FACE_ORDER: &str = "ORDER BY f.created_at, f.face_id";

pub(crate) const IMAGE_SELECT: &str = "SELECT image_hash, image_key, source, status, person_id,
        faces, updated_at, owner, lease_until FROM images";

/// The key persons are looked up by name with: case-insensitive (Unicode lowercase).
pub(crate) fn name_fold(name: &str) -> String {
    name.to_lowercase()
}

/// A face row as read, before its JSON and numbers are checked.
struct RawFace {
    record: FaceRecord,
    meta: String,
}

fn raw_face(r: &Row<'_>) -> rusqlite::Result<RawFace> {
    Ok(RawFace {
        record: FaceRecord {
            face_id: r.get(0)?,
            image_key: r.get(1)?,
            image_hash: r.get(2)?,
            bbox: BoundingBox {
                x: r.get(3)?,
                y: r.get(4)?,
                width: r.get(5)?,
                height: r.get(6)?,
            },
            confidence: r.get(7)?,
            model: r.get(8)?,
            created_at: r.get(9)?,
            person: PersonInfo {
                person_id: r.get(10)?,
                name: r.get(11)?,
                first_name: r.get(12)?,
                last_name: r.get(13)?,
                meta: BTreeMap::new(),
            },
        },
        meta: r.get(14)?,
    })
}

fn parse_meta(json: &str, person_id: &str) -> LocalResult<BTreeMap<String, String>> {
    serde_json::from_str(json)
        .map_err(|e| LocalError::Corrupt(format!("metadata of person {person_id}: {e}")))
}

fn finish_face(raw: RawFace) -> LocalResult<FaceRecord> {
    let mut record = raw.record;
    record.person.meta = parse_meta(&raw.meta, &record.person.person_id)?;
    Ok(record)
}

fn query_faces(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> LocalResult<Vec<FaceRecord>> {
    let sql = format!("{FACE_SELECT} {filter} {FACE_ORDER}");
    let mut stmt = conn.prepare(&sql)?;
    let raws = stmt
        .query_map(args, raw_face)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(finish_face).collect()
}

pub(crate) fn all_faces(conn: &Connection) -> LocalResult<Vec<FaceRecord>> {
    query_faces(conn, "", [])
}

pub(crate) fn faces_of_person(conn: &Connection, person_id: &str) -> LocalResult<Vec<FaceRecord>> {
    query_faces(conn, "WHERE f.person_id = ?1", [person_id])
}

pub(crate) fn faces_of_image(conn: &Connection, image_hash: &str) -> LocalResult<Vec<FaceRecord>> {
    query_faces(conn, "WHERE f.image_hash = ?1", [image_hash])
}

/// Records of the given face ids, missing ids left out, ordered by time.
pub(crate) fn faces(conn: &Connection, ids: &[String]) -> LocalResult<Vec<FaceRecord>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let filter = format!("WHERE f.face_id IN ({marks})");
        out.extend(query_faces(
            conn,
            &filter,
            rusqlite::params_from_iter(chunk),
        )?);
    }
    out.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.face_id.cmp(&b.face_id))
    });
    out.dedup_by(|a, b| a.face_id == b.face_id);
    Ok(out)
}

fn person_from_row(r: &Row<'_>) -> rusqlite::Result<(PersonInfo, String)> {
    Ok((
        PersonInfo {
            person_id: r.get(0)?,
            name: r.get(1)?,
            first_name: r.get(2)?,
            last_name: r.get(3)?,
            meta: BTreeMap::new(),
        },
        r.get(4)?,
    ))
}

fn finish_person((mut person, meta): (PersonInfo, String)) -> LocalResult<PersonInfo> {
    person.meta = parse_meta(&meta, &person.person_id)?;
    Ok(person)
}

const PERSON_SELECT: &str = "SELECT person_id, name, first_name, last_name, meta FROM persons";

pub(crate) fn person(conn: &Connection, person_id: &str) -> LocalResult<Option<PersonInfo>> {
    let sql = format!("{PERSON_SELECT} WHERE person_id = ?1");
    conn.query_row(&sql, [person_id], person_from_row)
        .optional()?
        .map(finish_person)
        .transpose()
}

pub(crate) fn persons_named(conn: &Connection, name: &str) -> LocalResult<Vec<PersonInfo>> {
    let sql = format!("{PERSON_SELECT} WHERE name_fold = ?1 ORDER BY person_id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map([name_fold(name)], person_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(finish_person).collect()
}

fn upsert_person(conn: &Connection, p: &PersonInfo, now: i64) -> LocalResult<()> {
    let meta = serde_json::to_string(&p.meta)
        .map_err(|e| LocalError::Corrupt(format!("metadata of person {}: {e}", p.person_id)))?;
    conn.execute(
        "INSERT INTO persons (person_id, name, name_fold, first_name, last_name, meta,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT (person_id) DO UPDATE SET name = excluded.name,
             name_fold = excluded.name_fold, first_name = excluded.first_name,
             last_name = excluded.last_name, meta = excluded.meta,
             updated_at = excluded.updated_at",
        params![
            p.person_id,
            p.name,
            name_fold(&p.name),
            p.first_name,
            p.last_name,
            meta,
            now
        ],
    )?;
    Ok(())
}

/// The claim columns stored for a record: only `pending` records keep their claim.
pub(crate) fn claim_columns(i: &ImageRecord) -> (Option<&str>, i64) {
    match (&i.claim, i.status) {
        (Some(c), ImageStatus::Pending) => (Some(c.owner.as_str()), c.lease_until),
        _ => (None, 0),
    }
}

fn upsert_image(conn: &Connection, i: &ImageRecord) -> LocalResult<()> {
    let (owner, lease_until) = claim_columns(i);
    conn.execute(
        "INSERT INTO images (image_hash, image_key, source, status, person_id, faces, updated_at,
             owner, lease_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (image_hash) DO UPDATE SET image_key = excluded.image_key,
             source = excluded.source, status = excluded.status,
             person_id = excluded.person_id, faces = excluded.faces,
             updated_at = excluded.updated_at, owner = excluded.owner,
             lease_until = excluded.lease_until",
        params![
            i.image_hash,
            i.image_key,
            i.source,
            i.status.as_str(),
            i.person_id,
            i.faces,
            i.updated_at,
            owner,
            lease_until
        ],
    )?;
    Ok(())
}

/// Persons, face records and the image record in one transaction; a face id already recorded,
/// or an image no longer pending and held by `image.claim`'s owner, fails the whole commit
/// with a conflict.
pub(crate) fn commit_image(
    conn: &mut Connection,
    image: &ImageRecord,
    faces: &[FaceRecord],
) -> LocalResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    super::claims::check_held(&tx, image)?;
    let now = now_epoch();
    let mut persons: BTreeMap<&str, &PersonInfo> = BTreeMap::new();
    for f in faces {
        persons.insert(f.person.person_id.as_str(), &f.person);
    }
    for p in persons.values() {
        upsert_person(&tx, p, now)?;
    }
    {
        let mut exists = tx.prepare("SELECT 1 FROM face_records WHERE face_id = ?1")?;
        let mut insert = tx.prepare(
            "INSERT INTO face_records (face_id, person_id, image_hash, image_key, bbox_x, bbox_y,
                 bbox_width, bbox_height, confidence, model, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for f in faces {
            if exists.exists([&f.face_id])? {
                return Err(BackendError::Conflict(format!(
                    "face {} is already recorded",
                    f.face_id
                ))
                .into());
            }
            insert.execute(params![
                f.face_id,
                f.person.person_id,
                f.image_hash,
                f.image_key,
                f.bbox.x,
                f.bbox.y,
                f.bbox.width,
                f.bbox.height,
                f.confidence,
                f.model,
                f.created_at
            ])?;
        }
    }
    let done = ImageRecord {
        claim: None,
        ..image.clone()
    };
    upsert_image(&tx, &done)?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn put_image(conn: &Connection, image: &ImageRecord) -> LocalResult<()> {
    upsert_image(conn, image)
}

pub(crate) fn image_from_row(r: &Row<'_>) -> rusqlite::Result<(ImageRecord, String, i64)> {
    let owner: Option<String> = r.get(7)?;
    let lease_until: i64 = r.get(8)?;
    Ok((
        ImageRecord {
            image_hash: r.get(0)?,
            image_key: r.get(1)?,
            source: r.get(2)?,
            status: ImageStatus::Pending,
            person_id: r.get(4)?,
            faces: 0,
            updated_at: r.get(6)?,
            claim: owner.map(|owner| ImageClaim { owner, lease_until }),
        },
        r.get(3)?,
        r.get(5)?,
    ))
}

pub(crate) fn finish_image(
    (mut image, status, faces): (ImageRecord, String, i64),
) -> LocalResult<ImageRecord> {
    image.status = ImageStatus::parse(&status).ok_or_else(|| {
        LocalError::Corrupt(format!(
            "image {} has unknown status `{status}`",
            image.image_hash
        ))
    })?;
    image.faces = u32::try_from(faces).map_err(|_| {
        LocalError::Corrupt(format!("image {} has {faces} faces", image.image_hash))
    })?;
    if image.status != ImageStatus::Pending {
        image.claim = None;
    }
    Ok(image)
}

pub(crate) fn image(conn: &Connection, image_hash: &str) -> LocalResult<Option<ImageRecord>> {
    let sql = format!("{IMAGE_SELECT} WHERE image_hash = ?1");
    conn.query_row(&sql, [image_hash], image_from_row)
        .optional()?
        .map(finish_image)
        .transpose()
}

pub(crate) fn images(
    conn: &Connection,
    status: Option<ImageStatus>,
) -> LocalResult<Vec<ImageRecord>> {
    let order = "ORDER BY updated_at, image_hash";
    let rows = match status {
        Some(s) => {
            let sql = format!("{IMAGE_SELECT} WHERE status = ?1 {order}");
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map([s.as_str()], image_from_row)?;
            rows.collect::<Result<Vec<_>, _>>()?
        }
        None => {
            let sql = format!("{IMAGE_SELECT} {order}");
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map([], image_from_row)?;
            rows.collect::<Result<Vec<_>, _>>()?
        }
    };
    rows.into_iter().map(finish_image).collect()
}

pub(crate) fn delete_image(conn: &Connection, image_hash: &str) -> LocalResult<bool> {
    Ok(conn.execute("DELETE FROM images WHERE image_hash = ?1", [image_hash])? > 0)
}

/// Deletes face records; persons left without any face are deleted too, so that a person is
/// known exactly while they have faces. Returns how many records went.
pub(crate) fn delete_faces(conn: &mut Connection, ids: &[String]) -> LocalResult<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut deleted = 0;
    let mut touched = BTreeSet::new();
    {
        let mut owner = tx.prepare("SELECT person_id FROM face_records WHERE face_id = ?1")?;
        let mut delete = tx.prepare("DELETE FROM face_records WHERE face_id = ?1")?;
        for id in ids {
            let person: Option<String> = owner.query_row([id], |r| r.get(0)).optional()?;
            if let Some(person) = person {
                deleted += delete.execute([id])?;
                touched.insert(person);
            }
        }
    }
    for person in &touched {
        tx.execute(
            "DELETE FROM persons WHERE person_id = ?1
               AND NOT EXISTS (SELECT 1 FROM face_records WHERE person_id = ?1)",
            [person],
        )?;
    }
    tx.commit()?;
    Ok(deleted)
}
