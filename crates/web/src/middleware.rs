//! Cross-cutting layers: security headers on every answer, one log line per request.

use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                   base-uri 'none'; object-src 'none'";

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    res
}

/// A body over the limit is refused before it is read; say so in words, not a bare 413.
pub async fn friendly_too_large(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        && !res
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
    {
        return crate::error::error_page(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "文件过大",
            "上传的内容超过了允许的大小。请压缩或拆分后返回上一页重新上传，已填写的其他内容不受影响。",
        );
    }
    res
}

/// Logs the path without its query string: queries carry names and document numbers.
pub async fn request_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        "{} {} {} {:.1}ms",
        method,
        path,
        res.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    res
}
