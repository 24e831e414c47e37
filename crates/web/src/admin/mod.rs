//! Platform administration: accounts (search, lock, unlock, reset) and the audit log.

mod accounts;
mod audit_log;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts", get(accounts::list))
        .route("/admin/accounts/{id}/lock", post(accounts::lock))
        .route("/admin/accounts/{id}/unlock", post(accounts::unlock))
        .route(
            "/admin/accounts/{id}/reset-password",
            post(accounts::reset_password),
        )
        .route("/admin/audit", get(audit_log::list))
}
