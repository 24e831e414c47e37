//! People: the person's own profile and employment (binding, transfer), and the
//! staff work of units (confirm, unbind, add, transfers in) and of supervisors (lists).

mod employment;
mod profile;
mod staff;
mod transfers;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/profile", get(profile::show).post(profile::submit))
        .route("/me/contact", post(profile::change_contact))
        .route("/me/employment", get(employment::show))
        .route("/me/employment/bind", post(employment::bind))
        .route("/me/employment/cancel", post(employment::cancel))
        .route("/me/transfer", post(employment::transfer))
        .route("/me/transfer/{id}/withdraw", post(employment::withdraw))
        .route("/org/staff", get(staff::list))
        .route("/org/staff.xlsx", get(staff::export))
        .route("/org/staff/confirm", post(staff::confirm))
        .route("/org/staff/refuse", post(staff::refuse))
        .route("/org/staff/{binding}/unbind", post(staff::unbind))
        .route(
            "/org/staff/new",
            get(staff::new_person).post(staff::add_person),
        )
        .route("/org/people/{account}", get(staff::person))
        .route(
            "/org/people/{account}/profile",
            get(profile::staff_show).post(profile::staff_submit),
        )
        .route("/org/transfers", get(transfers::list))
        .route("/org/transfers/{id}/accept", post(transfers::accept))
        .route("/org/transfers/{id}/refuse", post(transfers::refuse))
}
