//! Idempotency keys of form submissions: every form that creates something carries a
//! one-time key, so a double click or a replayed POST lands on the first result
//! instead of creating a second object.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, Set};

use crate::Store;
use crate::entity::form_submission as fs;

pub enum Claim {
    /// First use of the key: go ahead, then call `complete`.
    Fresh,
    /// Already completed: send the user where the first submission went.
    Done(String),
    /// Another request with the same key is still running.
    Running,
}

impl Store {
    pub async fn claim_submission(&self, key: &str, now: DateTime<Utc>) -> Result<Claim, DbErr> {
        let row = fs::ActiveModel {
            key: Set(key.to_owned()),
            created_at: Set(now),
            location: Set(None),
        };
        match fs::Entity::insert(row).exec(self.db()).await {
            Ok(_) => Ok(Claim::Fresh),
            Err(e) if crate::is_unique_violation(&e) => {
                match fs::Entity::find_by_id(key.to_owned())
                    .one(self.db())
                    .await?
                {
                    Some(fs::Model {
                        location: Some(l), ..
                    }) => Ok(Claim::Done(l)),
                    _ => Ok(Claim::Running),
                }
            }
            Err(e) => Err(e),
        }
    }

    pub async fn complete_submission(&self, key: &str, location: &str) -> Result<(), DbErr> {
        let row = fs::ActiveModel {
            key: Set(key.to_owned()),
            location: Set(Some(location.to_owned())),
            ..Default::default()
        };
        row.update(self.db()).await.map(|_| ())
    }

    /// Frees a key whose submission was refused, so the corrected form can be sent again.
    pub async fn release_submission(&self, key: &str) -> Result<(), DbErr> {
        fs::Entity::delete_by_id(key.to_owned())
            .exec(self.db())
            .await
            .map(|_| ())
    }

    pub async fn purge_submissions(&self, before: DateTime<Utc>) -> Result<u64, DbErr> {
        Ok(fs::Entity::delete_many()
            .filter(fs::Column::CreatedAt.lt(before))
            .exec(self.db())
            .await?
            .rows_affected)
    }
}
