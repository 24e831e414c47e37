//! The test harness: a fresh database per test on each engine, an injected clock, and
//! a client that keeps cookies and sends the page's CSRF token like a browser.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use jxjy_web::{AppState, Config, FixedClock};
use tower::ServiceExt;

pub const CAPTCHA: &str = "K7M3P";

#[derive(Clone, Copy, Debug)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<FixedClock>,
    pub router: Router,
    _dir: Option<tempfile::TempDir>,
    _files: tempfile::TempDir,
    pg_drop: Option<(String, String)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Each PostgreSQL test has its own database; drop it so runs do not pile them up.
        if let Some((base, name)) = self.pg_drop.take() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(s) = store::Store::connect(&base).await {
                            let _ = s
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

fn postgres_base() -> Option<String> {
    match std::env::var("JXJY_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("JXJY_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("JXJY_REQUIRE_POSTGRES=1 but JXJY_TEST_POSTGRES_URL is not set");
            }
            eprintln!("SKIPPED on PostgreSQL: set JXJY_TEST_POSTGRES_URL to run this test there");
            None
        }
    }
}

/// Builds the app on `engine`; None when PostgreSQL is not configured (and not required).
pub async fn app_on(engine: Engine) -> Option<TestApp> {
    let (store, dir, pg_drop) = match engine {
        Engine::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/jxjy.db", dir.path().display());
            (
                store::Store::connect(&url).await.expect("sqlite"),
                Some(dir),
                None,
            )
        }
        Engine::Postgres => {
            let base = postgres_base()?;
            let name = format!("jxjy_test_{}", random_suffix());
            let admin = store::Store::connect(&base).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at JXJY_TEST_POSTGRES_URL does not answer: {e}")
            });
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            let url = replace_db_name(&base, &name);
            (
                store::Store::connect(&url).await.expect("postgres"),
                None,
                Some((base, name)),
            )
        }
    };
    store.migrate().await.expect("migrations");
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0)
            .single()
            .expect("time"),
    ));
    let files = tempfile::tempdir().expect("a directory for files");
    let config = Config {
        trust_proxy: true,
        data_dir: files.path().to_owned(),
        ..Config::default()
    };
    let mut state = AppState::new(store, config);
    state.clock = clock.clone();
    state.fixed_captcha = Some(CAPTCHA.to_owned());
    let router = jxjy_web::router(state.clone());
    Some(TestApp {
        state,
        clock,
        router,
        _dir: dir,
        _files: files,
        pg_drop,
    })
}

fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let after_scheme = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[after_scheme..].find('/') {
        Some(i) => &head[..after_scheme + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs a test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use $crate::support::*;

            async fn run($app: TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = app_on(Engine::Sqlite).await {
                    run(app).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = app_on(Engine::Postgres).await {
                    run(app).await;
                }
            }
        }
    };
}

pub struct Response {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn assert_redirect(&self, to: &str) {
        assert!(
            self.status.is_redirection(),
            "expected a redirect to {to}, got {} with {}",
            self.status,
            excerpt(&self.body)
        );
        assert_eq!(self.location.as_deref(), Some(to));
    }

    pub fn assert_eq_status(&self, status: u16) {
        assert_eq!(self.status.as_u16(), status, "{}", excerpt(&self.body));
    }

    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "page does not contain {text:?}: {}",
            excerpt(&self.body)
        );
    }

    pub fn assert_lacks(&self, text: &str) {
        assert!(
            !self.body.contains(text),
            "page should not contain {text:?}"
        );
    }

    /// The value attribute of the input named `name`, as the page sent it back.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\"");
        let at = self.body.find(&needle)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let v = tag.find("value=\"")? + 7;
        let end = tag[v..].find('"')?;
        Some(html_unescape(&tag[v..v + end]))
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn excerpt(body: &str) -> String {
    // The part of the page a person reads: errors and flashes first.
    let mut out = String::new();
    for marker in ["class=\"error\"", "class=\"flash", "<h1"] {
        let mut rest = body;
        while let Some(i) = rest.find(marker) {
            let end = (i + 300).min(rest.len());
            let end = (i..=end)
                .rev()
                .find(|&j| rest.is_char_boundary(j))
                .unwrap_or(i);
            out.push_str(&rest[i..end]);
            out.push_str(" … ");
            rest = &rest[end..];
        }
    }
    if out.is_empty() {
        body.chars().take(400).collect()
    } else {
        out
    }
}

/// A browser: cookies, the last page's CSRF token, and the form key of the last form.
pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    pub form_key: Option<String>,
    pub ip: String,
    /// The connection's peer address, as the server sees it behind no proxy.
    pub peer: Option<std::net::SocketAddr>,
}

impl Client {
    pub fn new(app: &TestApp) -> Client {
        Client {
            router: app.router.clone(),
            cookies: HashMap::new(),
            csrf: None,
            form_key: None,
            ip: "198.51.100.7".into(),
            peer: None,
        }
    }

    /// The same browser (its cookies, its session) talking to a differently configured server.
    pub fn switched_to(&mut self, router: Router) -> &mut Client {
        self.router = router;
        self
    }

    /// A browser talking to a differently configured server.
    pub fn with_router(router: Router) -> Client {
        Client {
            router,
            cookies: HashMap::new(),
            csrf: None,
            form_key: None,
            ip: "198.51.100.7".into(),
            peer: None,
        }
    }

    async fn send(&mut self, mut req: Request<Body>) -> Response {
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or("");
            let pair = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = pair.split_once('=') {
                if val.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), val.to_owned());
                }
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(res.into_body(), 10 * 1024 * 1024)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let r = Response {
            status,
            location,
            headers,
            body,
        };
        if let Some(t) = r.input_value("csrf") {
            self.csrf = Some(t);
        }
        if let Some(k) = r.input_value("form_key") {
            self.form_key = Some(k);
        }
        r
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&String> {
        self.cookies.get(name)
    }

    /// The raw body of a download.
    pub async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let req = Request::get(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        assert_eq!(res.status(), StatusCode::OK, "download {path}");
        axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec()
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let req = Request::get(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .header("x-forwarded-for", self.ip.clone())
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// Posts the fields as a urlencoded form, adding the current CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        self.post_raw(path, &all, None).await
    }

    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Response {
        let body = serde_urlencoded::to_string(fields).expect("encode");
        let mut req = Request::post(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", self.ip.clone());
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    /// Posts a multipart form with the current CSRF token and one file.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Response {
        let boundary = "----jxjytestboundary7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .header("x-forwarded-for", self.ip.clone())
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// Opens the sign-in page (and its captcha) and signs in.
    pub async fn sign_in(&mut self, identifier: &str, password: &str) -> Response {
        self.get("/login").await;
        self.get("/captcha").await;
        self.post(
            "/login",
            &[
                ("identifier", identifier),
                ("password", password),
                ("captcha", CAPTCHA),
                ("next", ""),
            ],
        )
        .await
    }
}

pub async fn with_demo(app: &TestApp) {
    jxjy_web::demo::load(&app.state).await.expect("demo data");
}

/// A valid registration form for the given identity, as a person would fill it.
pub fn registration<'a>(
    login: &'a str,
    name: &'a str,
    doc: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("login_name", login),
        ("password", password),
        ("password2", password),
        ("real_name", name),
        ("mobile", "13912345678"),
        ("country", "CN"),
        ("doc_type", "mainland_id"),
        ("doc_number", doc),
        ("email", "person@example.com"),
        ("q1", domain::credentials::SECURITY_QUESTIONS[0]),
        ("a1", "陈秀英"),
        ("q2", domain::credentials::SECURITY_QUESTIONS[1]),
        ("a2", "0512"),
        ("q3", domain::credentials::SECURITY_QUESTIONS[2]),
        ("a3", "Gd2019"),
        ("captcha", CAPTCHA),
        ("agree", "yes"),
    ]
}

/// Opens the registration page (form key, CSRF token, captcha) and posts the form.
pub async fn register(c: &mut Client, fields: &[(&str, &str)]) -> Response {
    c.get("/register").await;
    c.get("/captcha").await;
    let key = c
        .form_key
        .clone()
        .expect("the registration form has a one-time key");
    let mut all = fields.to_vec();
    all.push(("form_key", &key));
    c.post("/register", &all).await
}

impl Client {
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// The same browser in a second tab: same cookies.
    pub fn share_cookies_from(&mut self, other: &Client) {
        self.cookies = other.cookies.clone();
    }
}
