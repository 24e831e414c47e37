//! One set of migrations for SQLite and PostgreSQL: the schema is written with the
//! engine-neutral builder so that the two engines cannot drift apart.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_organizations;
mod m0003_supervisor_change;
mod m0004_records;
mod m0005_cycle_checks;
mod m0006_job_heartbeat;
mod m0007_certificates;
mod m0008_certificate_revision;
mod m0009_record_fields;
mod m0010_review_choices;
mod m0011_guangzhou_years_unit_info;
mod reference;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_organizations::Migration),
            Box::new(m0003_supervisor_change::Migration),
            Box::new(m0004_records::Migration),
            Box::new(m0005_cycle_checks::Migration),
            Box::new(m0006_job_heartbeat::Migration),
            Box::new(m0007_certificates::Migration),
            Box::new(m0008_certificate_revision::Migration),
            Box::new(m0009_record_fields::Migration),
            Box::new(m0010_review_choices::Migration),
            Box::new(m0011_guangzhou_years_unit_info::Migration),
        ]
    }
}
