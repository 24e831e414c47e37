//! Certificates: what each printed, frozen, under a number and a verification code.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;
use super::m0002_organizations::{fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("certificate")
                .col(big_pk_auto("id"))
                .col(string_len("number", 30))
                .col(string_len("code", 20))
                .col(string_len("kind", 20))
                .col(big_integer("account_id"))
                .col(big_integer("unit_id"))
                .col(integer_null("year"))
                .col(big_integer_null("cycle_id"))
                .col(text("facts"))
                .col(string_len("state", 20))
                .col(big_integer_null("superseded_by"))
                .col(big_integer("issued_by"))
                .col(timestamp_with_time_zone("issued_at"))
                .foreign_key(&mut fk("certificate", "account_id", "account"))
                .foreign_key(&mut fk("certificate", "unit_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("certificate", &["number"])).await?;
        m.create_index(unique("certificate", &["code"])).await?;
        m.create_index(index("certificate", &["account_id", "kind", "year"]))
            .await?;
        m.create_index(index("certificate", &["unit_id", "year"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("certificate")).to_owned())
            .await
    }
}
