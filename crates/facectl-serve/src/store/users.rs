//! Users of a collection (the Users API): user rows and the faces associated to them.

use super::{db_err, now, Store};
use crate::error::RekError;
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Creates the user. A retry with the same client request token succeeds again
    /// (idempotent); any other second creation is a conflict.
    pub fn create_user(
        &mut self,
        collection: &str,
        user: &str,
        token: Option<&str>,
    ) -> Result<(), RekError> {
        self.collection(collection)?;
        let n = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO users (collection, user_id, created, token) VALUES (?1, ?2, ?3, ?4)",
                params![collection, user, now(), token],
            )
            .map_err(db_err)?;
        if n == 0 {
            let stored: Option<String> = self
                .conn
                .query_row(
                    "SELECT token FROM users WHERE collection = ?1 AND user_id = ?2",
                    params![collection, user],
                    |r| r.get(0),
                )
                .map_err(db_err)?;
            if token.is_some() && stored.as_deref() == token {
                return Ok(());
            }
            return Err(RekError::conflict(format!(
                "A User with the same Id already exists within the collection: {user}"
            )));
        }
        Ok(())
    }

    pub fn user_exists(&self, collection: &str, user: &str) -> Result<bool, RekError> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM users WHERE collection = ?1 AND user_id = ?2",
                params![collection, user],
                |_| Ok(()),
            )
            .optional()
            .map_err(db_err)?
            .is_some())
    }

    /// Deletes the user and disassociates its faces.
    pub fn delete_user(&mut self, collection: &str, user: &str) -> Result<(), RekError> {
        self.collection(collection)?;
        let tx = self.conn.transaction().map_err(db_err)?;
        let n = tx
            .execute(
                "DELETE FROM users WHERE collection = ?1 AND user_id = ?2",
                params![collection, user],
            )
            .map_err(db_err)?;
        if n == 0 {
            return Err(RekError::not_found(format!(
                "The user id: {user} does not exist in collection {collection}"
            )));
        }
        tx.execute(
            "UPDATE faces SET user_id = NULL WHERE collection = ?1 AND user_id = ?2",
            params![collection, user],
        )
        .map_err(db_err)?;
        tx.commit().map_err(db_err)
    }

    /// User ids after `after`, sorted, at most `limit`.
    pub fn list_users(
        &self,
        collection: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>, RekError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT user_id FROM users WHERE collection = ?1 AND user_id > ?2 ORDER BY user_id LIMIT ?3",
            )
            .map_err(db_err)?;
        let rows = st
            .query_map(
                params![collection, after.unwrap_or(""), limit as i64],
                |r| r.get::<_, String>(0),
            )
            .map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    pub fn user_count(&self, collection: &str) -> Result<i64, RekError> {
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM users WHERE collection = ?1",
                params![collection],
                |r| r.get(0),
            )
            .map_err(db_err)
    }

    /// Face ids associated to the user.
    pub fn user_faces(&self, collection: &str, user: &str) -> Result<Vec<String>, RekError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT face_id FROM faces WHERE collection = ?1 AND user_id = ?2 ORDER BY seq",
            )
            .map_err(db_err)?;
        let rows = st
            .query_map(params![collection, user], |r| r.get::<_, String>(0))
            .map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    /// Sets (or clears, with `None`) the user of these faces in one transaction.
    pub fn set_face_user(
        &mut self,
        collection: &str,
        faces: &[String],
        user: Option<&str>,
    ) -> Result<(), RekError> {
        let tx = self.conn.transaction().map_err(db_err)?;
        for f in faces {
            tx.execute(
                "UPDATE faces SET user_id = ?3 WHERE collection = ?1 AND face_id = ?2",
                params![collection, f, user],
            )
            .map_err(db_err)?;
        }
        tx.commit().map_err(db_err)
    }
}
