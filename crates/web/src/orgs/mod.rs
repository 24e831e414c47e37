//! Organisations: registration and its review, acting for an organisation, its
//! members and roles, its information, the units below it.

mod acting;
mod info;
mod members;
mod register;
mod review;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use acting::after_sign_in;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/organizations/register",
            get(register::show).post(register::submit),
        )
        .route(
            "/organizations/supervisors/{city}",
            get(register::supervisors),
        )
        .route("/org/registrations", get(review::list))
        .route("/org/registrations/{id}/approve", post(review::approve))
        .route("/org/registrations/{id}/reject", post(review::reject))
        .route("/org/units", get(review::units))
        .route("/org/moves/{id}/approve", post(review::approve_move))
        .route("/org/moves/{id}/reject", post(review::reject_move))
        .route("/act", get(acting::show).post(acting::choose))
        .route("/me/organizations", get(acting::mine))
        .route("/me/organizations/{id}/accept", post(acting::accept))
        .route("/me/organizations/{id}/decline", post(acting::decline))
        .route("/org/members", get(members::list))
        .route("/org/members/invite", post(members::invite))
        .route("/org/members/{id}/roles", post(members::set_roles))
        .route("/org/members/{id}/remove", post(members::remove))
        .route("/org/info", get(info::show).post(info::update))
        .route("/org/info/supervisor", post(info::request_move))
}
