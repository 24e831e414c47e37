//! Attachment rows: which file (by content key) belongs to which object, under what name.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::{ChangeError, Store};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Attachment {
    pub id: i64,
    pub owner_kind: String,
    pub owner_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
    pub uploaded_by: i64,
    pub created_at: DateTime<Utc>,
}

const ATTACHMENT: &str = "SELECT id, owner_kind, owner_id, file_name, content_type, size, storage_key, \
     uploaded_by, created_at FROM attachment";

/// What an upload stores.
pub struct NewAttachment<'a> {
    pub owner_kind: &'a str,
    pub owner_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub storage_key: &'a str,
    pub uploaded_by: i64,
}

impl Store {
    pub async fn add_attachment(
        &self,
        a: &NewAttachment<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, DbErr> {
        let row = self
            .db()
            .query_one_raw(self.stmt(
                "INSERT INTO attachment (owner_kind, owner_id, file_name, content_type, size, storage_key, \
                 uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    a.owner_kind.into(),
                    a.owner_id.into(),
                    a.file_name.into(),
                    a.content_type.into(),
                    a.size.into(),
                    a.storage_key.into(),
                    a.uploaded_by.into(),
                    now.into(),
                ],
            ))
            .await?
            .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?;
        row.try_get("", "id")
    }

    pub async fn attachments(&self, kind: &str, owner: i64) -> Result<Vec<Attachment>, DbErr> {
        Attachment::find_by_statement(self.stmt(
            &format!("{ATTACHMENT} WHERE owner_kind = ? AND owner_id = ? ORDER BY id"),
            [kind.into(), owner.into()],
        ))
        .all(self.db())
        .await
    }

    pub async fn attachment(&self, id: i64) -> Result<Option<Attachment>, DbErr> {
        Attachment::find_by_statement(self.stmt(&format!("{ATTACHMENT} WHERE id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    /// Removes an attachment of the object; the file stays while another row names it.
    pub async fn delete_attachment(
        &self,
        id: i64,
        kind: &str,
        owner: i64,
    ) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "DELETE FROM attachment WHERE id = ? AND owner_kind = ? AND owner_id = ?",
                [id.into(), kind.into(), owner.into()],
            ))
            .await?;
        crate::one_row(&r)
    }
}
