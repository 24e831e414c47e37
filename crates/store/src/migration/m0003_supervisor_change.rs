//! A unit's pending request to change its supervising department.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column at a time.
        m.alter_table(
            Table::alter()
                .table("organization")
                .add_column(big_integer_null("pending_parent_id"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("organization")
                .add_column(string_len("pending_reason", 200).default(""))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organization", &["pending_parent_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["pending_reason", "pending_parent_id"] {
            m.alter_table(
                Table::alter()
                    .table("organization")
                    .drop_column(Alias::new(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
