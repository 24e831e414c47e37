//! The foundation: reference data, accounts, sessions, the security audit log and
//! the idempotency keys of form submissions.

use sea_orm_migration::{prelude::*, schema::*};

use super::reference::{self, insert_rows};

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(super) fn index(table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("ix_{}_{}", table, cols.join("_")))
        .table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("region")
                .col(string_len("code", 6).primary_key())
                .col(string_len("name", 40))
                .col(string_len("level", 10))
                .col(string_len_null("parent_code", 6))
                .to_owned(),
        )
        .await?;
        m.create_index(index("region", &["parent_code"])).await?;
        m.create_table(
            Table::create()
                .table("series")
                .col(string_len("code", 20).primary_key())
                .col(string_len("name", 40))
                .col(integer("sort"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("qualification_level")
                .col(string_len("code", 20).primary_key())
                .col(string_len("name", 20))
                .col(integer("rank"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("education_level")
                .col(string_len("code", 20).primary_key())
                .col(string_len("name", 20))
                .col(integer("sort"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("account")
                .col(big_pk_auto("id"))
                .col(string_len("login_name", 32))
                .col(string_len_uniq("login_key", 32))
                .col(string_len("password_hash", 200))
                .col(boolean("must_change_password"))
                .col(string_len("real_name", 60))
                .col(string_len_null("gender", 1))
                .col(date_null("birth_date"))
                .col(string_len("mobile", 20))
                .col(string_len("email", 100))
                .col(string_len("country", 2))
                .col(string_len("doc_type", 20))
                .col(string_len_uniq("doc_number", 30))
                .col(string_len("question1", 60))
                .col(string_len("answer1_hash", 200))
                .col(string_len("question2", 60))
                .col(string_len("answer2_hash", 200))
                .col(string_len("question3", 60))
                .col(string_len("answer3_hash", 200))
                .col(boolean("is_platform_admin"))
                .col(integer("failed_count"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("password_changed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("account", &["real_name"])).await?;

        m.create_table(
            Table::create()
                .table("session")
                .col(string_len("id", 64).primary_key())
                .col(big_integer_null("account_id"))
                .col(string_len("csrf_token", 64))
                .col(text("data"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session", "account_id")
                        .to("account", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("session", &["account_id"])).await?;
        m.create_index(index("session", &["last_seen_at"])).await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("event", 40))
                .col(string_len("outcome", 20))
                .col(big_integer_null("account_id"))
                .col(string_len("identifier", 40))
                .col(string_len("ip", 64))
                .col(string_len("detail", 400))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_log", &["at"])).await?;
        m.create_index(index("audit_log", &["account_id", "at"]))
            .await?;
        m.create_index(index("audit_log", &["event", "at"])).await?;

        m.create_table(
            Table::create()
                .table("form_submission")
                .col(string_len("key", 64).primary_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(text_null("location"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("form_submission", &["created_at"]))
            .await?;

        let regions = reference::rows(reference::REGIONS)
            .map(|r| {
                let parent = r.get(3).filter(|p| !p.is_empty()).map(|p| String::from(*p));
                vec![r[0].into(), r[1].into(), r[2].into(), parent.into()]
            })
            .collect();
        insert_rows(
            m,
            "region",
            &["code", "name", "level", "parent_code"],
            regions,
        )
        .await?;
        let series = reference::rows(reference::SERIES)
            .enumerate()
            .map(|(i, r)| vec![r[0].into(), r[1].into(), (i as i32).into()])
            .collect();
        insert_rows(m, "series", &["code", "name", "sort"], series).await?;
        let levels = reference::rows(reference::LEVELS)
            .map(|r| {
                vec![
                    r[0].into(),
                    r[1].into(),
                    r[2].parse::<i32>().unwrap_or(0).into(),
                ]
            })
            .collect();
        insert_rows(m, "qualification_level", &["code", "name", "rank"], levels).await?;
        let education = reference::rows(reference::EDUCATION)
            .enumerate()
            .map(|(i, r)| vec![r[0].into(), r[1].into(), (i as i32).into()])
            .collect();
        insert_rows(m, "education_level", &["code", "name", "sort"], education).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "form_submission",
            "audit_log",
            "session",
            "account",
            "education_level",
            "qualification_level",
            "series",
            "region",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
