//! Organisations and who acts for them: the organisation tree (with a closure table,
//! so "everything under this bureau" is one indexed join on both engines), role
//! memberships, person profiles, employment bindings, transfers, and their trail.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_foundation::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

pub(super) fn unique(table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = index(table, cols);
    i.unique();
    i
}

pub(super) fn fk(from: &str, col: &str, to: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(from), Alias::new(col))
        .to(Alias::new(to), Alias::new("id"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organization")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 20))
                .col(string_len_null("level", 20))
                .col(string_len("name", 100))
                .col(string_len("region_code", 6))
                .col(big_integer_null("parent_id"))
                .col(string_len_null("id_kind", 20))
                .col(string_len_null("id_code", 20))
                .col(string_len("legal_rep", 60))
                .col(string_len("contact_name", 60))
                .col(string_len("contact_phone", 30))
                .col(string_len("address", 200))
                .col(string_len("status", 20))
                .col(string_len("decision_reason", 200))
                .col(big_integer_null("registered_by"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("organization", "parent_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organization", &["parent_id", "status"]))
            .await?;
        m.create_index(index("organization", &["kind", "status"]))
            .await?;
        m.create_index(index("organization", &["region_code"]))
            .await?;
        m.create_index(index("organization", &["name"])).await?;
        m.create_index(unique("organization", &["id_code"])).await?;

        m.create_table(
            Table::create()
                .table("org_closure")
                .col(big_integer("ancestor_id"))
                .col(big_integer("descendant_id"))
                .col(integer("depth"))
                .primary_key(
                    Index::create()
                        .col(Alias::new("ancestor_id"))
                        .col(Alias::new("descendant_id")),
                )
                .foreign_key(&mut fk("org_closure", "ancestor_id", "organization"))
                .foreign_key(&mut fk("org_closure", "descendant_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("org_closure", &["descendant_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("membership")
                .col(big_pk_auto("id"))
                .col(big_integer("organization_id"))
                .col(big_integer("account_id"))
                .col(string_len("state", 20))
                .col(integer("roles"))
                .col(big_integer_null("invited_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(&mut fk("membership", "organization_id", "organization"))
                .foreign_key(&mut fk("membership", "account_id", "account"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("membership", &["organization_id", "account_id"]))
            .await?;
        m.create_index(index("membership", &["account_id", "state"]))
            .await?;

        m.create_table(
            Table::create()
                .table("person_profile")
                .col(big_integer("account_id").primary_key())
                .col(string_len("ethnicity", 20))
                .col(string_len("native_place", 60))
                .col(string_len("education_code", 20))
                .col(string_len("degree", 20))
                .col(string_len("major", 60))
                .col(string_len("school", 100))
                .col(date_null("graduation_date"))
                .col(date_null("work_start"))
                .col(string_len("qualification", 60))
                .col(string_len("level_code", 20))
                .col(date_null("qualification_date"))
                .col(string_len("series_code", 20))
                .col(string_len("specialty", 60))
                .col(string_len("discipline", 20))
                .col(string_len("postal_code", 6))
                .col(string_len("address", 200))
                .col(string_len("region_code", 6))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("person_profile", "account_id", "account"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("person_profile", &["series_code", "level_code"]))
            .await?;

        // open_key holds the person's id while the binding is open and NULL after: a
        // unique index on it allows one open binding per person on both engines.
        m.create_table(
            Table::create()
                .table("binding")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(big_integer("unit_id"))
                .col(string_len("state", 20))
                .col(big_integer_null("open_key"))
                .col(string_len("reason", 200))
                .col(timestamp_with_time_zone("requested_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(big_integer_null("decided_by"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .foreign_key(&mut fk("binding", "account_id", "account"))
                .foreign_key(&mut fk("binding", "unit_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("binding", &["open_key"])).await?;
        m.create_index(index("binding", &["unit_id", "state"]))
            .await?;
        m.create_index(index("binding", &["account_id"])).await?;
        // Staff lists show the newest first and stop after a page: walking this index
        // backwards finds a page without sorting every member of a bureau's subtree.
        m.create_index(index("binding", &["requested_at", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("transfer")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(big_integer("from_unit_id"))
                .col(big_integer("to_unit_id"))
                .col(string_len("reason", 200))
                .col(string_len("state", 20))
                .col(big_integer_null("open_key"))
                .col(string_len("opinion", 200))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(big_integer_null("decided_by"))
                .foreign_key(&mut fk("transfer", "account_id", "account"))
                .foreign_key(&mut fk("transfer", "from_unit_id", "organization"))
                .foreign_key(&mut fk("transfer", "to_unit_id", "organization"))
                .to_owned(),
        )
        .await?;
        m.create_index(unique("transfer", &["open_key"])).await?;
        m.create_index(index("transfer", &["to_unit_id", "state"]))
            .await?;
        m.create_index(index("transfer", &["account_id"])).await?;

        m.create_table(
            Table::create()
                .table("org_trail")
                .col(big_pk_auto("id"))
                .col(string_len("subject", 20))
                .col(big_integer("subject_id"))
                .col(string_len("action", 40))
                .col(big_integer_null("account_id"))
                .col(big_integer_null("acting_org_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string_len("note", 400))
                .to_owned(),
        )
        .await?;
        m.create_index(index("org_trail", &["subject", "subject_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "org_trail",
            "transfer",
            "binding",
            "person_profile",
            "membership",
            "org_closure",
            "organization",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
