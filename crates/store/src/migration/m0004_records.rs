//! Continuing-education records and their review: rule sets (data, two shipped), records,
//! the review trail, attachments, preset opinions, a unit's internal-flow setting, and the
//! table of background jobs.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;
use super::m0002_organizations::{fk, unique};
use super::reference::insert_rows;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // region_prefix: the significant digits of the region the rule covers ("44" the
        // province, "4401" Guangzhou, "440106" a district), so that the most specific rule
        // is the one with the longest matching prefix.
        m.create_table(
            Table::create()
                .table("rule_set")
                .col(big_pk_auto("id"))
                .col(string_len("name", 60))
                .col(string_len("region_code", 6))
                .col(string_len("region_prefix", 6))
                .col(string_len_null("series_code", 20))
                .col(integer_null("year_from"))
                .col(integer_null("year_to"))
                .col(big_integer("total_tenths"))
                .col(big_integer("public_tenths"))
                .col(big_integer("professional_tenths"))
                .col(big_integer("elective_tenths"))
                .col(boolean("elective_only"))
                .col(big_integer("main_author_tenths"))
                .col(big_integer("other_author_tenths"))
                .col(integer("deadline_month"))
                .col(integer("deadline_day"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("rule_set", &["region_prefix", "year_from"]))
            .await?;

        let shipped = sea_orm::prelude::ChronoDateTimeUtc::from_timestamp(1_767_225_600, 0)
            .ok_or_else(|| DbErr::Custom("shipped date".into()))?;
        insert_rows(
            m,
            "rule_set",
            &[
                "name",
                "region_code",
                "region_prefix",
                "year_from",
                "year_to",
                "total_tenths",
                "public_tenths",
                "professional_tenths",
                "elective_tenths",
                "elective_only",
                "main_author_tenths",
                "other_author_tenths",
                "deadline_month",
                "deadline_day",
                "updated_at",
                "version",
            ],
            vec![
                vec![
                    "广州市继续教育学时规定".into(),
                    "440100".into(),
                    "4401".into(),
                    Value::Int(None),
                    2020.into(),
                    720i64.into(),
                    180i64.into(),
                    420i64.into(),
                    0i64.into(),
                    false.into(),
                    280i64.into(),
                    140i64.into(),
                    1.into(),
                    31.into(),
                    shipped.into(),
                    1.into(),
                ],
                vec![
                    "广东省继续教育学时规定（2021年起）".into(),
                    "440000".into(),
                    "44".into(),
                    2021.into(),
                    Value::Int(None),
                    900i64.into(),
                    300i64.into(),
                    420i64.into(),
                    180i64.into(),
                    true.into(),
                    280i64.into(),
                    140i64.into(),
                    1.into(),
                    31.into(),
                    shipped.into(),
                    1.into(),
                ],
            ],
        )
        .await?;

        // unit_id is the employer that reviews the record; import_key makes an imported row
        // land once however often the file is uploaded.
        m.create_table(
            Table::create()
                .table("ce_record")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(big_integer("unit_id"))
                .col(integer("year"))
                .col(string_len("category", 20))
                .col(string_len("declaration", 20))
                .col(string_len("course_name", 100))
                .col(string_len("study_form", 30))
                .col(big_integer_null("institution_id"))
                .col(string_len("institution_name", 100))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(big_integer("claimed_tenths"))
                .col(big_integer_null("recognised_tenths"))
                .col(boolean("matches_specialty"))
                .col(boolean("main_author"))
                .col(boolean("passed"))
                .col(string_len("content", 500))
                .col(string_len("source", 20))
                .col(string_len("state", 20))
                .col(string_len("opinion", 200))
                .col(string_len_null("import_key", 64))
                .col(big_integer("declared_by"))
                .col(big_integer_null("declared_for_org"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(big_integer_null("decided_by"))
                .col(integer("version"))
                .foreign_key(&mut fk("ce_record", "account_id", "account"))
                .foreign_key(&mut fk("ce_record", "unit_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ce_record", &["account_id", "year", "state"]))
            .await?;
        m.create_index(index("ce_record", &["unit_id", "state", "submitted_at"]))
            .await?;
        m.create_index(index("ce_record", &["unit_id", "year"]))
            .await?;
        m.create_index(unique("ce_record", &["import_key"])).await?;

        m.create_table(
            Table::create()
                .table("review_trail")
                .col(big_pk_auto("id"))
                .col(big_integer("record_id"))
                .col(string_len("step", 20))
                .col(big_integer_null("org_id"))
                .col(big_integer("actor_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("result", 20))
                .col(string_len("opinion", 400))
                .col(big_integer_null("recognised_tenths"))
                .foreign_key(&mut fk("review_trail", "record_id", "ce_record"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("review_trail", &["record_id", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("attachment")
                .col(big_pk_auto("id"))
                .col(string_len("owner_kind", 20))
                .col(big_integer("owner_id"))
                .col(string_len("file_name", 120))
                .col(string_len("content_type", 40))
                .col(big_integer("size"))
                .col(string_len("storage_key", 80))
                .col(big_integer("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("attachment", &["owner_kind", "owner_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("preset_opinion")
                .col(big_pk_auto("id"))
                .col(big_integer("org_id"))
                .col(string_len("business", 20))
                .col(string_len("step", 20))
                .col(string_len("text", 200))
                .col(integer("sort"))
                .foreign_key(&mut fk("preset_opinion", "org_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("preset_opinion", &["org_id", "business", "step"]))
            .await?;

        // 0: the unit decides in one step; n > 0: n different reviewers before the leader.
        m.alter_table(
            Table::alter()
                .table("organization")
                .add_column(integer("record_reviewers").default(0))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("job")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 30))
                .col(text("args"))
                .col(string_len("state", 20))
                .col(big_integer("done"))
                .col(big_integer("total"))
                .col(text("result"))
                .col(text("error"))
                .col(big_integer("created_by"))
                .col(big_integer_null("org_id"))
                .col(string_len_null("dedupe_key", 80))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("started_at"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("job", &["state", "id"])).await?;
        m.create_index(unique("job", &["dedupe_key"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "job",
            "preset_opinion",
            "attachment",
            "review_trail",
            "ce_record",
            "rule_set",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        m.alter_table(
            Table::alter()
                .table("organization")
                .drop_column(Alias::new("record_reviewers"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
