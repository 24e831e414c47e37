//! Cross-cutting layers: security headers on every answer, one log line per request, the
//! error page for a panic, and a page in words for a body over the limit.

use std::any::Any;
use std::pin::Pin;
use std::time::{Duration, Instant};

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, EXPECT, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

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

/// How much of a body over the limit is still read, and thrown away, before the answer:
/// a browser that is still sending when the server closes gets a reset and shows that
/// instead of the page. Beyond this, closing at once costs less than reading.
const DRAIN_AT_MOST: u64 = 64 * 1024 * 1024;
/// A slow sender is not waited for longer than this.
const DRAIN_TIME: Duration = Duration::from_secs(60);

/// The page for a body over the limit, naming the limit.
pub fn too_large_page(app: &AppState) -> Response {
    crate::error::error_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "文件过大",
        &format!(
            "上传的文件超过了 {} MB 的上限。请压缩或拆分后返回上一页重新上传，已填写的其他内容不受影响。",
            app.config.upload_limit_mb()
        ),
    )
}

/// A body declared larger than any form may send is answered with a page in words that names
/// the limit, after reading the body (up to a bound) so that the browser gets to show it.
pub async fn too_large(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let allowed = app.config.body_allowance() as u64;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|&n| n > allowed) {
        let mut res = too_large_page(&app);
        // A client that asked to be told before sending (Expect: 100-continue) has sent
        // nothing yet and reads this answer first.
        let waiting = req
            .headers()
            .get(EXPECT)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        if waiting {
            return res;
        }
        if n - allowed <= DRAIN_AT_MOST {
            let _ = tokio::time::timeout(DRAIN_TIME, drain(req.into_body(), n)).await;
        } else {
            res.headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
        return res;
    }
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE
        && !res
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
    {
        return too_large_page(&app);
    }
    res
}

/// Reads and forgets a body, at most `declared` bytes of it.
async fn drain(mut body: Body, declared: u64) {
    let mut read = 0u64;
    while read <= declared {
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            Some(Ok(frame)) => {
                read += frame.data_ref().map_or(0, |d| d.len() as u64);
            }
            _ => break,
        }
    }
}

/// Marks the answer to a request whose handler panicked, for the request log.
#[derive(Clone, Copy)]
struct Panicked;

/// A handler that panics gets the site's error page instead of a dropped connection. The
/// payload is not shown, nor logged: a slicing panic quotes the string it sliced, which is
/// what the person typed. The request log names the method and path.
pub fn panic_page(_payload: Box<dyn Any + Send + 'static>) -> Response {
    let mut res = crate::error::error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "系统繁忙",
        "系统暂时无法完成您的请求，您填写的内容没有丢失，请返回上一页稍后再试。",
    );
    res.extensions_mut().insert(Panicked);
    res
}

/// The server's panic hook: where the panic happened, and its message only when that was
/// written in the code (`panic!("…")`); a formatted message may carry a person's data.
pub fn log_panics_without_data() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        match info.payload().downcast_ref::<&'static str>() {
            Some(m) => tracing::error!("panic at {at}: {m}"),
            None => tracing::error!("panic at {at}"),
        }
    }));
}

/// Logs the path without its query string: queries carry names and document numbers.
pub async fn request_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if res.extensions().get::<Panicked>().is_some() {
        tracing::error!(
            "{method} {path} {} {ms:.1}ms: the handler panicked",
            res.status().as_u16()
        );
    } else {
        tracing::info!("{method} {path} {} {ms:.1}ms", res.status().as_u16());
    }
    res
}
