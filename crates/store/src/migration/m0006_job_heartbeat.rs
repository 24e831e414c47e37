//! A running job's heartbeat: a server that starts puts back in the queue only the jobs whose
//! worker stopped beating, never a job another server is still running.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("job")
                .add_column(timestamp_with_time_zone_null("heartbeat_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("job")
                .drop_column(Alias::new("heartbeat_at"))
                .to_owned(),
        )
        .await
    }
}
