//! A reviewer of a unit's internal flow recommends (审核同意 / 审核不同意, 呈单位领导) or returns
//! the record (退案（内部）); the choice is kept on its trail row, so the leader sees the
//! recommendations counted and nobody has to read them out of the result's words.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("review_trail")
                .add_column(string_len_null("recommendation", 20))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("review_trail")
                .drop_column(Alias::new("recommendation"))
                .to_owned(),
        )
        .await
    }
}
