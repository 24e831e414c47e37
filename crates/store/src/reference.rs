//! Reference data loaded by migration: regions (GB/T 2260), series, levels, education.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{DbErr, FromQueryResult};

use crate::Store;

#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
}

#[derive(Debug, Clone, FromQueryResult, serde::Serialize)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// Guangdong, whose cities and districts the system serves.
pub const HOME_PROVINCE: &str = "440000";

fn regions() -> SelectStatement {
    Query::select()
        .columns(["code", "name", "level", "parent_code"].map(Alias::new))
        .from(Alias::new("region"))
        .order_by(Alias::new("code"), Order::Asc)
        .to_owned()
}

impl Store {
    /// Regions under `parent` (cities of a province, districts of a city), in code order.
    pub async fn regions_under(&self, parent: &str) -> Result<Vec<Region>, DbErr> {
        let q = regions()
            .and_where(Expr::col(Alias::new("parent_code")).eq(parent))
            .to_owned();
        Region::find_by_statement(self.backend().build(&q))
            .all(self.db())
            .await
    }

    pub async fn region(&self, code: &str) -> Result<Option<Region>, DbErr> {
        let q = regions()
            .and_where(Expr::col(Alias::new("code")).eq(code))
            .to_owned();
        Region::find_by_statement(self.backend().build(&q))
            .one(self.db())
            .await
    }

    pub async fn provinces(&self) -> Result<Vec<Region>, DbErr> {
        let q = regions()
            .and_where(Expr::col(Alias::new("level")).eq("province"))
            .to_owned();
        Region::find_by_statement(self.backend().build(&q))
            .all(self.db())
            .await
    }

    pub async fn series(&self) -> Result<Vec<Named>, DbErr> {
        self.named("series", "sort").await
    }

    pub async fn qualification_levels(&self) -> Result<Vec<Named>, DbErr> {
        self.named("qualification_level", "rank").await
    }

    pub async fn education_levels(&self) -> Result<Vec<Named>, DbErr> {
        self.named("education_level", "sort").await
    }

    async fn named(&self, table: &str, order: &str) -> Result<Vec<Named>, DbErr> {
        let q = Query::select()
            .columns(["code", "name"].map(Alias::new))
            .from(Alias::new(table))
            .order_by(Alias::new(order), Order::Asc)
            .to_owned();
        Named::find_by_statement(self.backend().build(&q))
            .all(self.db())
            .await
    }
}
