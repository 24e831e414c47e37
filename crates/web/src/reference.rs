//! Reference data for pages: the cascading region picker's JSON.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use store::reference::Region;

use crate::AppState;
use crate::error::AppResult;

pub fn routes() -> Router<AppState> {
    Router::new().route("/regions/{code}/children", get(children))
}

/// The cities of a province or the districts of a city, for the next select.
async fn children(
    State(app): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<Region>>> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Json(Vec::new()));
    }
    Ok(Json(app.store.regions_under(&code).await?))
}
