//! Cycle verification (周期验证 / 复验) before a title promotion: the person's application
//! and each reviewing level's queue, up the tree from the unit to the city HR bureau.

mod apply;
pub(crate) mod check;
mod review;
mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/cycles", get(apply::list))
        .route("/me/cycles/new", get(apply::new).post(apply::create))
        .route("/me/cycles/{id}", get(apply::show))
        .route("/me/cycles/{id}/withdraw", post(apply::withdraw))
        .route("/me/cycles/{id}/resubmit", post(apply::resubmit))
        .route("/org/cycles", get(review::queue))
        .route("/org/cycles/decide", post(review::decide_batch))
        .route("/org/cycles/search", get(review::search))
        .route("/org/cycles/search.xlsx", get(review::export))
        .route("/org/cycles/{id}", get(review::show))
        .route("/org/cycles/{id}/decide", post(review::decide))
}
