//! Users of a collection (Rekognition's Users API): user rows and which faces belong to them.
//! A face names its user in `fc_faces.user_id`; a user is deleted with its faces kept.

use crate::error::{CollectionError, CollectionResult};
use crate::store::{now, require};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Creates the user. A retry with the same client request token succeeds again (idempotent);
/// any other second creation is [`CollectionError::UserExists`].
pub fn create_user(
    conn: &mut Connection,
    collection_id: &str,
    user: &str,
    token: Option<&str>,
) -> CollectionResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    require(&tx, collection_id)?;
    let n = tx.execute(
        "INSERT OR IGNORE INTO fc_users (collection, user_id, created, token) VALUES (?1, ?2, ?3, ?4)",
        params![collection_id, user, now(), token],
    )?;
    if n == 0 {
        let stored: Option<String> = tx.query_row(
            "SELECT token FROM fc_users WHERE collection = ?1 AND user_id = ?2",
            params![collection_id, user],
            |r| r.get(0),
        )?;
        if token.is_none() || stored.as_deref() != token {
            return Err(CollectionError::UserExists(user.to_string()));
        }
    }
    tx.commit()?;
    Ok(())
}

pub fn user_exists(conn: &Connection, collection_id: &str, user: &str) -> CollectionResult<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM fc_users WHERE collection = ?1 AND user_id = ?2",
            params![collection_id, user],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// [`CollectionError::UserNotFound`] unless the user exists (and the collection).
pub fn require_user(conn: &Connection, collection_id: &str, user: &str) -> CollectionResult<()> {
    require(conn, collection_id)?;
    if user_exists(conn, collection_id, user)? {
        Ok(())
    } else {
        Err(CollectionError::UserNotFound {
            collection: collection_id.to_string(),
            user: user.to_string(),
        })
    }
}

/// Deletes the user; its faces stay in the collection, no longer associated.
pub fn delete_user(conn: &mut Connection, collection_id: &str, user: &str) -> CollectionResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    require_user(&tx, collection_id, user)?;
    tx.execute(
        "DELETE FROM fc_users WHERE collection = ?1 AND user_id = ?2",
        params![collection_id, user],
    )?;
    tx.execute(
        "UPDATE fc_faces SET user_id = NULL WHERE collection = ?1 AND user_id = ?2",
        params![collection_id, user],
    )?;
    tx.commit()?;
    Ok(())
}

/// User ids after `after`, sorted, at most `limit`.
pub fn list_users(
    conn: &Connection,
    collection_id: &str,
    after: Option<&str>,
    limit: usize,
) -> CollectionResult<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT user_id FROM fc_users WHERE collection = ?1 AND user_id > ?2
         ORDER BY user_id LIMIT ?3",
    )?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = st.query_map(params![collection_id, after.unwrap_or(""), limit], |r| {
        r.get(0)
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn user_count(conn: &Connection, collection_id: &str) -> CollectionResult<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM fc_users WHERE collection = ?1",
        [collection_id],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Ids of the user's faces, in insertion order.
pub fn user_faces(
    conn: &Connection,
    collection_id: &str,
    user: &str,
) -> CollectionResult<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT face_id FROM fc_faces WHERE collection = ?1 AND user_id = ?2 ORDER BY seq",
    )?;
    let rows = st.query_map(params![collection_id, user], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Face prints of the user's faces (corrupt ones left out).
pub fn user_prints(
    conn: &Connection,
    collection_id: &str,
    user: &str,
) -> CollectionResult<Vec<Vec<f32>>> {
    let ids = user_faces(conn, collection_id, user)?;
    Ok(crate::store::prints_of(conn, collection_id, &ids)?
        .into_iter()
        .map(|p| p.embedding)
        .collect())
}

/// Sets (or clears, with `None`) the user of these faces, in one transaction.
pub fn set_face_user(
    conn: &mut Connection,
    collection_id: &str,
    faces: &[String],
    user: Option<&str>,
) -> CollectionResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut st = tx.prepare_cached(
            "UPDATE fc_faces SET user_id = ?3 WHERE collection = ?1 AND face_id = ?2",
        )?;
        for f in faces {
            st.execute(params![collection_id, f, user])?;
        }
    }
    tx.commit()?;
    Ok(())
}
