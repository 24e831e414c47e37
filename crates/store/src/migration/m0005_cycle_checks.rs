//! Cycle verifications (周期验证 / 复验): the application with its figures frozen at
//! submission, the organisation that reviews it now, and the trail of every level's step.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;
use super::m0002_organizations::{fk, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // chain: the reviewing organisations' ids, comma-separated, unit first; reviewer_id the
        // one it waits at now (NULL once decided). open_key holds the person's id while an
        // application is open, so a person has one at a time on both engines.
        m.create_table(
            Table::create()
                .table("cycle_check")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(big_integer("unit_id"))
                .col(string_len("promotion", 20))
                .col(string_len("target_qualification", 60))
                .col(string_len("target_level", 20))
                .col(string_len("discipline", 20))
                .col(string_len("series_code", 20))
                .col(date("qualification_date"))
                .col(date("applied_on"))
                .col(integer("year_from"))
                .col(integer("year_to"))
                .col(boolean("includes_current"))
                .col(string_len("state", 20))
                .col(integer("level"))
                .col(string_len("chain", 200))
                .col(big_integer_null("reviewer_id"))
                .col(big_integer_null("open_key"))
                .col(text("frozen"))
                .col(boolean("met"))
                .col(string_len("opinion", 200))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("cycle_check", "account_id", "account"))
                .foreign_key(&mut fk("cycle_check", "unit_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("cycle_check", &["open_key"])).await?;
        m.create_index(index("cycle_check", &["account_id", "id"]))
            .await?;
        m.create_index(index("cycle_check", &["reviewer_id", "state"]))
            .await?;
        m.create_index(index("cycle_check", &["unit_id", "year_to"]))
            .await?;

        m.create_table(
            Table::create()
                .table("cycle_trail")
                .col(big_pk_auto("id"))
                .col(big_integer("cycle_id"))
                .col(string_len("step", 20))
                .col(big_integer_null("org_id"))
                .col(big_integer("actor_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("result", 40))
                .col(string_len("opinion", 400))
                .foreign_key(&mut fk("cycle_trail", "cycle_id", "cycle_check"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("cycle_trail", &["cycle_id", "id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["cycle_trail", "cycle_check"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
