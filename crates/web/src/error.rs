//! One error type for handlers. Input problems never reach here: they are shown next
//! to their fields. What reaches here is "not yours / not there" (404, so nothing's
//! existence leaks), a refused request, or a fault that is logged and apologised for.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The object moved on meanwhile (a record withdrawn while its page was open): go to the
    /// given page, where a flash message says what happened.
    #[error("moved on to {0}")]
    Redirect(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<store::DbErr> for AppError {
    fn from(e: store::DbErr) -> Self {
        AppError::Internal(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_owned()).into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "页面不存在",
                "您访问的页面不存在或您无权查看。请从导航重新进入。",
            ),
            AppError::Redirect(to) => axum::response::Redirect::to(&to).into_response(),
            AppError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统繁忙",
                    "系统暂时无法完成您的请求，您填写的内容没有丢失，请返回上一页稍后再试。",
                )
            }
        }
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

pub type AppResult<T> = Result<T, AppError>;
