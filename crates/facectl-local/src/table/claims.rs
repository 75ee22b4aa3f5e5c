//! Image claims in SQLite: the `owner` and `lease_until` columns of `images`, each change in
//! one statement or one immediate transaction so two writers can never both hold an image.

use super::sql::{claim_columns, finish_image, image_from_row, IMAGE_SELECT};
use crate::error::LocalResult;
use facectl_core::model::{ImageClaim, ImageRecord, ImageStatus};
use facectl_core::BackendError;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

fn read(conn: &Connection, hash: &str) -> LocalResult<Option<ImageRecord>> {
    let sql = format!("{IMAGE_SELECT} WHERE image_hash = ?1");
    conn.query_row(&sql, [hash], image_from_row)
        .optional()?
        .map(finish_image)
        .transpose()
}

/// Fails with a conflict unless `image`'s stored record is `pending` and held by the owner
/// named in `image.claim`.
pub(crate) fn check_held(conn: &Connection, image: &ImageRecord) -> LocalResult<()> {
    let Some(claim) = &image.claim else {
        return Err(BackendError::Conflict(format!(
            "image {} is committed without a claim",
            image.image_hash
        ))
        .into());
    };
    let stored = read(conn, &image.image_hash)?;
    let held = stored.as_ref().is_some_and(|s| {
        s.status == ImageStatus::Pending && s.claim.as_ref().map(|c| &c.owner) == Some(&claim.owner)
    });
    if held {
        return Ok(());
    }
    let now = match &stored {
        None => "deleted".to_string(),
        Some(s) if s.status != ImageStatus::Pending => s.status.as_str().to_string(),
        Some(s) => format!(
            "held by {}",
            s.claim
                .as_ref()
                .map(|c| c.owner.as_str())
                .unwrap_or("nobody")
        ),
    };
    Err(BackendError::Conflict(format!(
        "image {} is no longer pending for {} (now {now})",
        image.image_hash, claim.owner
    ))
    .into())
}

/// Inserts the pending record unless one exists; returns the existing record otherwise.
pub(crate) fn claim_image(
    conn: &mut Connection,
    image: &ImageRecord,
) -> LocalResult<Option<ImageRecord>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(existing) = read(&tx, &image.image_hash)? {
        return Ok(Some(existing));
    }
    let pending = ImageRecord {
        status: ImageStatus::Pending,
        ..image.clone()
    };
    let (owner, lease_until) = claim_columns(&pending);
    tx.execute(
        "INSERT INTO images (image_hash, image_key, source, status, person_id, faces, updated_at,
             owner, lease_until)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7, ?8)",
        params![
            pending.image_hash,
            pending.image_key,
            pending.source,
            pending.person_id,
            pending.faces,
            pending.updated_at,
            owner,
            lease_until
        ],
    )?;
    tx.commit()?;
    Ok(None)
}

pub(crate) fn take_over_image(
    conn: &Connection,
    hash: &str,
    from: &str,
    claim: &ImageClaim,
) -> LocalResult<bool> {
    let n = conn.execute(
        "UPDATE images SET owner = ?1, lease_until = ?2
         WHERE image_hash = ?3 AND status = 'pending' AND COALESCE(owner, '') = ?4",
        params![claim.owner, claim.lease_until, hash, from],
    )?;
    Ok(n > 0)
}

pub(crate) fn renew_claims(conn: &Connection, owner: &str, lease_until: i64) -> LocalResult<usize> {
    Ok(conn.execute(
        "UPDATE images SET lease_until = ?1 WHERE status = 'pending' AND owner = ?2",
        params![lease_until, owner],
    )?)
}

pub(crate) fn release_image(conn: &Connection, hash: &str, owner: &str) -> LocalResult<bool> {
    let n = conn.execute(
        "DELETE FROM images WHERE image_hash = ?1 AND status = 'pending' AND owner = ?2",
        params![hash, owner],
    )?;
    Ok(n > 0)
}
