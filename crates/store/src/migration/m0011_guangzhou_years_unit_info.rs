//! Two shipped corrections. Guangzhou's requirement year by year, as its 2012 manual gives it
//! (穗人社函〔2012〕272号, worked example: 2007 = 90 hours, 2008 onwards 72 a year), instead of
//! one rule of 72 for every year up to 2020; and the unit information of the provincial
//! manual's 法人单位信息维护 page: e-mail, postcode, functions, nature and affiliation.

use sea_orm_migration::{prelude::*, schema::*};

use super::reference::insert_rows;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The Guangzhou rule as m0004 shipped it; only an untouched one is split, so a rule a bureau
/// has already edited is left as they made it.
const SHIPPED_GUANGZHOU: &str = "name = '广州市继续教育学时规定' AND region_code = '440100' \
     AND region_prefix = '4401' AND series_code IS NULL AND year_from IS NULL AND year_to = 2020 \
     AND total_tenths = 720 AND version = 1";

const UNIT_COLUMNS: [(&str, u32); 4] = [
    ("email", 100),
    ("postcode", 6),
    ("nature", 20),
    ("affiliation", 20),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let split = db
            .execute_unprepared(&format!(
                "UPDATE rule_set SET name = '广州市继续教育学时规定（2006年及以前）', year_to = 2006 \
                 WHERE {SHIPPED_GUANGZHOU}"
            ))
            .await?
            .rows_affected();
        if split == 1 {
            let shipped = sea_orm::prelude::ChronoDateTimeUtc::from_timestamp(1_767_225_600, 0)
                .ok_or_else(|| DbErr::Custom("shipped date".into()))?;
            // The manual gives 2007 its total only; the per-category minimums of the annual
            // verification (18 public, 42 professional) are the ones it states for every year.
            let year = |name: &str, from: i32, to: i32, total: i64| -> Vec<Value> {
                vec![
                    name.into(),
                    "440100".into(),
                    "4401".into(),
                    from.into(),
                    to.into(),
                    total.into(),
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
                ]
            };
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
                    year("广州市继续教育学时规定（2007年）", 2007, 2007, 900),
                    year("广州市继续教育学时规定（2008—2020年）", 2008, 2020, 720),
                ],
            )
            .await?;
            // The new years keep the declaration limits m0009 gave the rule they split from.
            db.execute_unprepared(
                "UPDATE rule_set SET declaration_limits = (SELECT r.declaration_limits FROM rule_set r \
                 WHERE r.name = '广州市继续教育学时规定（2006年及以前）' AND r.region_code = '440100') \
                 WHERE region_code = '440100' AND version = 1 AND name IN \
                 ('广州市继续教育学时规定（2007年）', '广州市继续教育学时规定（2008—2020年）')",
            )
            .await?;
        }

        // One column per statement: SQLite adds one column at a time.
        for (column, len) in UNIT_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table("organization")
                    .add_column(string_len(column, len).default(""))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("organization")
                .add_column(text("functions").default(""))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in UNIT_COLUMNS
            .iter()
            .map(|(c, _)| *c)
            .chain(std::iter::once("functions"))
        {
            m.alter_table(
                Table::alter()
                    .table("organization")
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared(
            "DELETE FROM rule_set WHERE region_code = '440100' AND version = 1 AND name IN \
             ('广州市继续教育学时规定（2007年）', '广州市继续教育学时规定（2008—2020年）')",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE rule_set SET name = '广州市继续教育学时规定', year_to = 2020 \
             WHERE name = '广州市继续教育学时规定（2006年及以前）' AND version = 1",
        )
        .await?;
        Ok(())
    }
}
