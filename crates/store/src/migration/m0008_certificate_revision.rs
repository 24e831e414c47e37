//! Recounting a certificate (重新统计) keeps its number and prints a new revision under a new
//! verification code; the number is unique per revision, and every revision stays verifiable.
//! At most one certificate of a person's year, or of a cycle, is valid.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0002_organizations::unique;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("certificate")
                .add_column(integer("revision").default(1))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_certificate_number")
                .table(Alias::new("certificate"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("certificate", &["number", "revision"]))
            .await?;
        // One valid certificate per person's year and per cycle, however many clicks at once.
        // Two issues at once could leave two valid before this; the newer one stays valid.
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE certificate SET state = 'superseded' WHERE state = 'valid' AND EXISTS \
             (SELECT 1 FROM certificate n WHERE n.account_id = certificate.account_id \
             AND n.kind = certificate.kind AND n.state = 'valid' AND n.id > certificate.id \
             AND (n.year = certificate.year OR n.cycle_id = certificate.cycle_id))",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ix_certificate_valid_year ON certificate (account_id, kind, year) \
             WHERE state = 'valid' AND year IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ix_certificate_valid_cycle ON certificate (account_id, kind, cycle_id) \
             WHERE state = 'valid' AND cycle_id IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in ["ix_certificate_valid_year", "ix_certificate_valid_cycle"] {
            m.drop_index(
                Index::drop()
                    .name(name)
                    .table(Alias::new("certificate"))
                    .to_owned(),
            )
            .await?;
        }
        m.drop_index(
            Index::drop()
                .name("ix_certificate_number_revision")
                .table(Alias::new("certificate"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("certificate")
                .drop_column(Alias::new("revision"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("certificate", &["number"])).await
    }
}
