//! How an action that changes something ends on a page: with a message on the page it came from.
//!
//! A handler names that page once ([`Back::to`]); then a refusal of the domain
//! ([`OrBack::or_back`]), a conditional change that lost its race ([`Back::changed`]) and the
//! success ([`Back::done`]) each end there with a flash message, instead of every handler
//! writing its own match arms for each.

use std::fmt::Display;

use axum::response::{IntoResponse, Redirect, Response};
use store::ChangeError;

use crate::error::{AppError, AppResult};
use crate::session::Session;

/// The page an action returns to, and the session its messages are flashed into.
pub struct Back<'a> {
    session: &'a Session,
    to: String,
}

impl<'a> Back<'a> {
    pub fn to(session: &'a Session, to: impl Into<String>) -> Back<'a> {
        Back {
            session,
            to: to.into(),
        }
    }

    /// Ends the action with an error message: the caller returns this error.
    pub fn refuse(&self, message: impl Display) -> AppError {
        self.session.flash("error", message.to_string());
        AppError::Redirect(self.to.clone())
    }

    /// The outcome of a conditional change: done, or someone was quicker — then the action
    /// ends with `conflict` and nothing changed. A database failure stays a failure.
    pub fn changed<T>(&self, r: Result<T, ChangeError>, conflict: &str) -> AppResult<T> {
        match r {
            Ok(v) => Ok(v),
            Err(ChangeError::Conflict) => Err(self.refuse(conflict)),
            Err(ChangeError::Db(e)) => Err(e.into()),
        }
    }

    /// The action succeeded: its message, back on the page.
    pub fn done(&self, message: impl Into<String>) -> AppResult<Response> {
        self.session.flash("success", message);
        Ok(Redirect::to(&self.to).into_response())
    }

    /// The action succeeded; its message is shown on `to`, not on the page it came from.
    pub fn done_at(&self, to: &str, message: impl Into<String>) -> AppResult<Response> {
        self.session.flash("success", message);
        Ok(Redirect::to(to).into_response())
    }
}

/// A domain refusal ends the action with its own message.
pub trait OrBack<T> {
    fn or_back(self, back: &Back<'_>) -> AppResult<T>;
}

impl<T, E: Display> OrBack<T> for Result<T, E> {
    fn or_back(self, back: &Back<'_>) -> AppResult<T> {
        self.map_err(|e| back.refuse(e))
    }
}
