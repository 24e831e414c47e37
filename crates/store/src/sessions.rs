//! Server-side sessions. The cookie holds a random token; the table holds only its
//! SHA-256, so a leaked database dump cannot be replayed as cookies.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set};

use crate::Store;
use crate::entity::session as s;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub account_id: Option<i64>,
    pub csrf_token: String,
    pub data: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl From<s::Model> for SessionRow {
    fn from(m: s::Model) -> Self {
        SessionRow {
            id: m.id,
            account_id: m.account_id,
            csrf_token: m.csrf_token,
            data: m.data,
            created_at: m.created_at,
            last_seen_at: m.last_seen_at,
        }
    }
}

impl Store {
    pub async fn insert_session(&self, row: &SessionRow) -> Result<(), DbErr> {
        s::ActiveModel {
            id: Set(row.id.clone()),
            account_id: Set(row.account_id),
            csrf_token: Set(row.csrf_token.clone()),
            data: Set(row.data.clone()),
            created_at: Set(row.created_at),
            last_seen_at: Set(row.last_seen_at),
        }
        .insert(self.db())
        .await
        .map(|_| ())
    }

    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>, DbErr> {
        Ok(s::Entity::find_by_id(id.to_owned())
            .one(self.db())
            .await?
            .map(SessionRow::from))
    }

    pub async fn save_session(
        &self,
        id: &str,
        data: &str,
        last_seen_at: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        s::Entity::update_many()
            .col_expr(s::Column::Data, Expr::value(data))
            .col_expr(s::Column::LastSeenAt, Expr::value(last_seen_at))
            .filter(s::Column::Id.eq(id))
            .exec(self.db())
            .await
            .map(|_| ())
    }

    pub async fn delete_session(&self, id: &str) -> Result<(), DbErr> {
        s::Entity::delete_by_id(id.to_owned())
            .exec(self.db())
            .await
            .map(|_| ())
    }

    /// Ends every session of the account but `keep` (after a password change).
    pub async fn delete_other_sessions(
        &self,
        account_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, DbErr> {
        let mut q = s::Entity::delete_many().filter(s::Column::AccountId.eq(account_id));
        if let Some(keep) = keep {
            q = q.filter(s::Column::Id.ne(keep));
        }
        Ok(q.exec(self.db()).await?.rows_affected)
    }

    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    pub async fn purge_sessions(
        &self,
        idle_before: DateTime<Utc>,
        created_before: DateTime<Utc>,
    ) -> Result<u64, DbErr> {
        Ok(s::Entity::delete_many()
            .filter(
                Expr::col(s::Column::LastSeenAt)
                    .lt(idle_before)
                    .or(Expr::col(s::Column::CreatedAt).lt(created_before)),
            )
            .exec(self.db())
            .await?
            .rows_affected)
    }
}
