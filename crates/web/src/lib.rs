//! Pages and API of jxjy: an axum router over the store, one module per area.

pub mod config;
/// The demo organisations, accounts and records, for `jxjy demo` and the tests; not in the
/// server's normal build.
#[cfg(feature = "demo")]
pub mod demo;
pub mod password_hash;

pub mod accounts;
mod admin;
mod audit;
mod auth;
mod back;
mod captcha;
pub mod certificates;
mod clock;
pub(crate) mod cycles;
mod error;
mod forms;
mod home;
pub mod jobs;
mod layout;
mod middleware;
mod orgs;
mod pager;
mod people;
mod policy;
pub mod print;
mod records;
mod reference;
mod session;
mod sheet;
mod verification;
mod xlsx;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{CaptchaMode, Config};

/// Everything a handler needs; cheap to clone, holds no per-user state of its own
/// (the servers of a province share nothing but the database).
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    /// Attachments and uploaded files.
    pub files: store::files::FileStore,
    /// Typesets certificates; reads its fonts on the first print.
    pub printer: print::Printer,
    /// Tests and browser runs pin the captcha text instead of turning captchas off.
    pub fixed_captcha: Option<String>,
}

impl AppState {
    pub fn new(store: store::Store, config: Config) -> AppState {
        AppState {
            store,
            files: store::files::FileStore::local(config.data_dir.join("files")),
            printer: print::Printer::new(config.font_dir.clone()),
            config: Arc::new(config),
            clock: Arc::new(SystemClock),
            fixed_captcha: None,
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today in the Asia/Shanghai calendar, the calendar of every rule.
    pub fn today(&self) -> chrono::NaiveDate {
        clock::shanghai_date(self.now())
    }
}

/// Room for the other fields of a form that carries a file.
pub const UPLOAD_OVERHEAD: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(home::index))
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(orgs::routes())
        .merge(people::routes())
        .merge(records::routes())
        .merge(verification::routes())
        .merge(cycles::routes())
        .merge(certificates::routes())
        .merge(reference::routes())
        .route("/captcha", get(captcha::image))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::layer,
        ));
    let site = Router::new()
        .route("/healthz", get(healthz))
        .route("/static/{file}", get(layout::static_file))
        .merge(pages)
        .fallback(error::not_found);
    with_platform_layers(site, state)
}

/// The layers every answer passes through: form keys freed whatever the outcome, body limits,
/// the error page for a panic, security headers, the request log. Public so that a test can put a route of its own under them.
pub fn with_platform_layers(site: Router<AppState>, state: AppState) -> Router {
    site.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        forms::release_unfinished_keys,
    ))
    // Uploads are the largest bodies; every other form keeps axum's 2 MB limit.
    .layer(tower_http::limit::RequestBodyLimitLayer::new(
        state.config.body_allowance(),
    ))
    .layer(tower_http::catch_panic::CatchPanicLayer::custom(
        middleware::panic_page,
    ))
    .layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::too_large,
    ))
    .layer(axum::middleware::from_fn(middleware::security_headers))
    .layer(axum::middleware::from_fn(middleware::request_log))
    .with_state(state)
}

/// Serves the site on `listener` until `shutdown` resolves. The peer address of each
/// connection is kept for the audit log.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    middleware::log_panics_without_data();
    jobs::spawn(state.clone());
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!("health check: database does not answer: {e}");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable",
            )
        }
    }
}
