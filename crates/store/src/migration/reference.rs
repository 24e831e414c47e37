//! Reference data shipped as CSV files inside the binary and loaded by migration.

use sea_orm_migration::prelude::*;

pub const REGIONS: &str = include_str!("../../reference/regions.csv");
pub const SERIES: &str = include_str!("../../reference/series.csv");
pub const LEVELS: &str = include_str!("../../reference/levels.csv");
pub const EDUCATION: &str = include_str!("../../reference/education.csv");

/// Rows of a small, trusted CSV file without quoted fields (header skipped).
pub fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::trim).collect())
}

pub async fn insert_rows(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), DbErr> {
    // Chunked so that no statement exceeds the engines' bound-parameter limits.
    for chunk in rows.chunks(100) {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in chunk {
            insert
                .values(row.iter().cloned().map(Expr::from))
                .map_err(|e| DbErr::Custom(format!("reference row for {table}: {e}")))?;
        }
        manager.exec_stmt(insert).await?;
    }
    Ok(())
}
