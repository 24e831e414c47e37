//! A record's optional location (学习地点) and remarks (备注); and every declaration type's
//! hours limit as data of the rule set. The shipped rule sets get the domain's default limits,
//! which bound 其他 by its days like every time-based type.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("ce_record")
                .add_column(string_len("location", 100).default(""))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("ce_record")
                .add_column(string_len("remarks", 500).default(""))
                .to_owned(),
        )
        .await?;
        // "training:days,…": limits_text of domain's DeclarationRules.
        m.alter_table(
            Table::alter()
                .table("rule_set")
                .add_column(string_len("declaration_limits", 400).default(""))
                .to_owned(),
        )
        .await?;
        let defaults = domain::record::DeclarationRules::default().limits_text();
        // Codes of declaration types and limits only: nothing to quote.
        debug_assert!(
            defaults
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b"_:,".contains(&b))
        );
        m.get_connection()
            .execute_unprepared(&format!(
                "UPDATE rule_set SET declaration_limits = '{defaults}'"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("rule_set", "declaration_limits"),
            ("ce_record", "remarks"),
            ("ce_record", "location"),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
