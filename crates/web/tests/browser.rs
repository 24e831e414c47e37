//! Journeys through the real pages in a headless Chromium, driven over WebDriver.
//!
//! Each test starts its own app (fresh SQLite database in a temporary directory, captcha
//! pinned to `K7M3P`), its own chromedriver and its own browser profile, and saves a
//! screenshot of every page at 375 and 1280 pixels wide under
//! `<target dir>/screenshots/<test name>/`.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` the tests are skipped with a
//! loud message, unless `JXJY_REQUIRE_BROWSER=1` asks for them to fail instead.

use std::future::Future;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CAPTCHA: &str = "K7M3P";
/// The longest any page change or element may take before a test gives up.
const WAIT: Duration = Duration::from_secs(10);
/// The two widths every page is photographed at (phone, desktop).
const NARROW: (u32, u32) = (375, 812);
const WIDE: (u32, u32) = (1280, 900);
/// Tall screenshots of long forms stop at this height.
const MAX_SHOT_HEIGHT: u32 = 4000;

// ---------------------------------------------------------------------------------------
// The app under test

struct App {
    base: String,
    state: jxjy_web::AppState,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl App {
    async fn start(with_demo: bool) -> App {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}/jxjy.db", dir.path().display());
        let store = store::Store::connect(&url)
            .await
            .expect("connect to SQLite");
        store.migrate().await.expect("migrate");
        let config = jxjy_web::Config {
            data_dir: dir.path().to_owned(),
            ..jxjy_web::Config::default()
        };
        let mut state = jxjy_web::AppState::new(store, config);
        state.fixed_captcha = Some(CAPTCHA.to_owned());
        if with_demo {
            jxjy_web::demo::load(&state).await.expect("load demo data");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the app");
        let addr = listener.local_addr().expect("app address");
        let served = state.clone();
        let server = tokio::spawn(async move {
            jxjy_web::serve(listener, served, std::future::pending())
                .await
                .expect("serve");
        });
        App {
            base: format!("http://{addr}"),
            state,
            server,
            _dir: dir,
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

// ---------------------------------------------------------------------------------------
// Browser: chromedriver process, browser profile and the WebDriver session

/// Whether the browser is installed; panics instead of skipping when the run requires it.
fn browser_installed() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("JXJY_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!(
            "JXJY_REQUIRE_BROWSER=1 but {} not found: apt-get install chromium chromium-driver",
            missing.join(" and ")
        );
    }
    // Straight to stderr: the test harness would swallow eprintln! of a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "\n{bar}\nSKIPPED: browser tests need chromium and chromium-driver \
         (apt-get install chromium chromium-driver)\n{bar}\n",
        bar = "*".repeat(78)
    );
    false
}

struct Browser {
    driver: WebDriver,
    _chromedriver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// None when the browser is not installed (and the run does not require it).
    async fn start() -> Option<Browser> {
        if !browser_installed() {
            return None;
        }
        let port = free_port();
        let chromedriver = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver");
        wait_for_chromedriver(port).await;

        let profile = tempfile::tempdir().expect("browser profile directory");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).expect("binary capability");
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-quic".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--window-size={},{}", WIDE.0, WIDE.1),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        for a in &args {
            caps.add_arg(a).expect("browser argument");
        }
        // Ask for pages in Chinese, as the users' browsers do. (Date inputs still show
        // mm/dd/yyyy unless the chromium-l10n package provides the zh-CN interface.)
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({ "intl.accept_languages": "zh-CN,zh" }),
        )
        .expect("language preference");
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
            .await
            .expect("open a Chromium session through chromedriver");
        Some(Browser {
            driver,
            _chromedriver: chromedriver,
            _profile: profile,
        })
    }

    /// Runs a journey and quits the browser afterwards, also when the journey fails or panics.
    async fn run<F, Fut>(self, app: &App, test: &str, journey: F)
    where
        F: FnOnce(Page) -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        let shots = screenshot_dir().join(test);
        std::fs::create_dir_all(&shots).expect("screenshot directory");
        let base = app.base.clone();
        let result = self
            .driver
            .run_and_quit(move |d| journey(Page { d, base, shots }))
            .await;
        if let Err(e) = result {
            panic!("{test}: {e:#}");
        }
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("find a free port");
    l.local_addr().expect("local address").port()
}

/// Polls chromedriver's /status until it answers ready.
async fn wait_for_chromedriver(port: u16) {
    let deadline = Instant::now() + WAIT;
    loop {
        if chromedriver_ready(port) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver did not become ready on port {port} within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn chromedriver_ready(port: u16) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    // Read until the answer says ready; the server need not close the connection.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n @ 1..) = s.read(&mut chunk) {
        answer.extend_from_slice(&chunk[..n]);
        if String::from_utf8_lossy(&answer).contains("\"ready\":true") {
            return true;
        }
    }
    false
}

/// `$CARGO_TARGET_DIR/screenshots`, or `<workspace>/target/screenshots`.
fn screenshot_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) if !t.is_empty() => workspace.join(t), // join keeps an absolute path as is
        _ => workspace.join("target"),
    };
    target.join("screenshots")
}

// ---------------------------------------------------------------------------------------
// Page: what a journey does with the browser

struct Page {
    d: WebDriver,
    base: String,
    shots: PathBuf,
}

impl Page {
    async fn js(&self, script: &str) -> WebDriverResult<serde_json::Value> {
        let ret = self
            .d
            .execute(script, Vec::<serde_json::Value>::new())
            .await?;
        Ok(ret.json().clone())
    }

    /// Polls a JavaScript expression until it is true; script errors (a page being
    /// replaced) count as not yet.
    async fn wait_js(&self, what: &str, expr: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + WAIT;
        let script = format!("return !!({expr});");
        loop {
            if let Ok(v) = self.js(&script).await
                && v.as_bool() == Some(true)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                let url = self.d.current_url().await.map(|u| u.to_string());
                bail!("waited {WAIT:?} for {what}; the browser is at {url:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The page is loaded, and so is its captcha image (whose request sets the captcha).
    async fn settled(&self) -> anyhow::Result<()> {
        self.wait_js(
            "the page and its captcha image to load",
            "document.readyState === 'complete' && \
             Array.from(document.querySelectorAll('img.captcha'))\
             .every(function (i) { return i.complete && i.naturalWidth > 0; })",
        )
        .await
    }

    async fn goto(&self, path: &str) -> anyhow::Result<()> {
        self.d.goto(format!("{}{path}", self.base)).await?;
        self.settled().await
    }

    async fn path(&self) -> anyhow::Result<String> {
        Ok(self.d.current_url().await?.path().to_owned())
    }

    /// Marks the current document, so that `wait_new_page` can tell when it is replaced.
    async fn mark(&self) -> anyhow::Result<()> {
        self.js("window.__jxjyOldPage = true; return null;").await?;
        Ok(())
    }

    async fn wait_new_page(&self) -> anyhow::Result<()> {
        self.wait_js(
            "the next page",
            "!window.__jxjyOldPage && document.readyState === 'complete'",
        )
        .await?;
        self.settled().await
    }

    /// Clicks something that leads to another page (a link or a submit button) and waits
    /// for that page, which may have the same address (a form shown again with errors).
    async fn click_to_next_page(&self, by: By) -> anyhow::Result<()> {
        self.mark().await?;
        self.d.find(by).await?.click().await?;
        self.wait_new_page().await
    }

    async fn submit(&self) -> anyhow::Result<()> {
        self.click_to_next_page(By::Css("main form button[type=submit]"))
            .await
    }

    /// Replaces an input's value by typing, and checks that it arrived as typed.
    async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let input = self.d.find(By::Css(css)).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        let typed = input.value().await?.unwrap_or_default();
        anyhow::ensure!(
            typed == text,
            "typed {text:?} into {css} but it holds {typed:?}"
        );
        Ok(())
    }

    async fn value(&self, css: &str) -> anyhow::Result<String> {
        Ok(self
            .d
            .find(By::Css(css))
            .await?
            .value()
            .await?
            .unwrap_or_default())
    }

    async fn text(&self, css: &str) -> anyhow::Result<String> {
        let el = self
            .d
            .find(By::Css(css))
            .await
            .with_context(|| format!("no element {css} on the page"))?;
        Ok(el.text().await?)
    }

    /// Text of the whole visible page, for assertions and failure messages.
    async fn body_text(&self) -> anyhow::Result<String> {
        Ok(self.d.find(By::Css("body")).await?.text().await?)
    }

    async fn displayed(&self, css: &str) -> anyhow::Result<bool> {
        Ok(self.d.find(By::Css(css)).await?.is_displayed().await?)
    }

    /// Makes the viewport (not the window) the given size.
    async fn resize(&self, (w, h): (u32, u32)) -> anyhow::Result<()> {
        self.d.set_window_rect(0, 0, w, h).await?;
        let inner = self
            .js("return [window.innerWidth, window.innerHeight];")
            .await?;
        let (iw, ih) = (
            inner[0].as_u64().unwrap_or(w.into()) as u32,
            inner[1].as_u64().unwrap_or(h.into()) as u32,
        );
        if (iw, ih) != (w, h) {
            self.d
                .set_window_rect(0, 0, w + w.saturating_sub(iw), h + h.saturating_sub(ih))
                .await?;
        }
        // Let the layout settle at the new width before anything looks at it.
        self.js("return document.body.getBoundingClientRect().width;")
            .await?;
        Ok(())
    }

    async fn save(&self, name: &str, width: u32) -> anyhow::Result<()> {
        let file = self.shots.join(format!("{name}-{width}.png"));
        self.d
            .screenshot(&file)
            .await
            .with_context(|| format!("screenshot {}", file.display()))
    }

    /// The visible part of the page at both widths; leaves the window wide.
    async fn shoot(&self, name: &str) -> anyhow::Result<()> {
        for size in [NARROW, WIDE] {
            self.resize(size).await?;
            self.save(name, size.0).await?;
        }
        Ok(())
    }

    /// The whole page (up to a limit) at both widths, for long forms; leaves the window wide.
    async fn shoot_tall(&self, name: &str) -> anyhow::Result<()> {
        for size in [NARROW, WIDE] {
            self.resize(size).await?;
            let height = self
                .js("return document.documentElement.scrollHeight;")
                .await?
                .as_u64()
                .unwrap_or(size.1.into()) as u32;
            self.resize((size.0, height.clamp(size.1, MAX_SHOT_HEIGHT)))
                .await?;
            self.save(name, size.0).await?;
        }
        self.resize(WIDE).await
    }

    /// Fills the sign-in form (identifier, password, the pinned captcha) and submits it.
    async fn sign_in(&self, identifier: &str, password: &str) -> anyhow::Result<()> {
        if self.path().await? != "/login" {
            self.goto("/login").await?;
        }
        self.fill("#identifier", identifier).await?;
        self.fill("#password", password).await?;
        self.fill("#captcha", CAPTCHA).await?;
        self.submit().await
    }

    /// The error shown under an input, in the same field as the input.
    async fn field_error(&self, input_id: &str) -> anyhow::Result<String> {
        self.text(&format!("#{input_id} ~ p.error")).await
    }

    /// Signs out through the header's 退出 button.
    async fn sign_out(&self) -> anyhow::Result<()> {
        self.click_to_next_page(By::Css("header .who button.link"))
            .await?;
        anyhow::ensure!(self.path().await? == "/login", "sign-out leads to /login");
        let flash = self.text("div.flash").await?;
        anyhow::ensure!(flash.contains("您已安全退出"), "sign-out flash: {flash}");
        Ok(())
    }

    /// Clicks a submit button whose form asks a JavaScript confirm question, accepts
    /// the question and waits for the next page; returns the question.
    async fn click_confirmed(&self, by: By) -> anyhow::Result<String> {
        self.mark().await?;
        self.d.find(by).await?.click().await?;
        let question = self.d.get_alert_text().await?;
        self.d.accept_alert().await?;
        self.wait_new_page().await?;
        Ok(question)
    }

    /// The text of the success (or other) message at the top of the page.
    async fn flash(&self) -> anyhow::Result<String> {
        self.text("div.flash").await
    }

    /// Chooses an option of a select by its value (which is its text when the option
    /// has no value attribute).
    async fn choose(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let select = self.d.find(By::Css(css)).await?;
        let mut found = false;
        for option in select.find_all(By::Css("option")).await? {
            if option.value().await?.as_deref() == Some(value) {
                option.click().await?;
                found = true;
                break;
            }
        }
        anyhow::ensure!(found, "no option {value:?} in {css}");
        let chosen = self.value(css).await?;
        anyhow::ensure!(
            chosen == value,
            "chose {value:?} in {css} but it holds {chosen:?}"
        );
        Ok(())
    }

    /// On the choice of identity (/act), acts for an organisation; checks the greeting
    /// and the header that names it.
    async fn act_for(&self, org: &str) -> anyhow::Result<()> {
        anyhow::ensure!(self.path().await? == "/act", "act_for starts on /act");
        self.click_to_next_page(By::XPath(format!(
            "//ul[@class='choices']/li[.//div[@class='who-org'][normalize-space()='{org}']]\
             //button[normalize-space()='使用该单位账号']"
        )))
        .await?;
        anyhow::ensure!(
            self.path().await? == "/",
            "acting for {org} leads home; page says: {}",
            self.body_text().await?
        );
        let flash = self.flash().await?;
        anyhow::ensure!(
            flash.contains(&format!("您现在代表“{org}”操作")),
            "flash after choosing {org}: {flash}"
        );
        let header = self.text("header a.acting").await?;
        anyhow::ensure!(header.contains(org), "header names {org}: {header}");
        Ok(())
    }

    /// The count of a to-do on the home page; None when the to-do is not listed.
    async fn todo_count(&self, label: &str) -> anyhow::Result<Option<u64>> {
        let counts = self
            .d
            .find_all(By::XPath(format!(
                "//ul[@class='todo-list']//a[span[1][normalize-space()='{label}']]\
                 /span[@class='count']"
            )))
            .await?;
        match counts.first() {
            None => Ok(None),
            Some(c) => Ok(Some(c.text().await?.trim().parse()?)),
        }
    }

    /// The list item (of a `ul.choices`) whose title is `name`.
    async fn choice(&self, name: &str) -> anyhow::Result<WebElement> {
        self.d
            .find(By::XPath(format!(
                "//ul[@class='choices']/li[.//div[@class='who-org'][normalize-space()='{name}']]"
            )))
            .await
            .with_context(|| format!("no choice {name} on the page"))
    }

    /// The texts of the rows of the first `table.list`.
    async fn rows(&self) -> anyhow::Result<Vec<String>> {
        let mut lines = Vec::new();
        for r in self.d.find_all(By::Css("table.list tbody tr")).await? {
            lines.push(r.text().await?);
        }
        Ok(lines)
    }

    /// Elements wider than the viewport at the current width (what makes a phone scroll
    /// sideways), as "tag.class (width px)".
    async fn overflowing(&self) -> anyhow::Result<Vec<String>> {
        let v = self
            .js(
                "var w = document.documentElement.clientWidth, out = []; \
                 if (document.documentElement.scrollWidth > w) \
                   out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + w); \
                 document.querySelectorAll('body *').forEach(function (e) { \
                   var r = e.getBoundingClientRect(); \
                   if (r.width > 0 && r.right > w + 1 && getComputedStyle(e).position !== 'fixed') \
                     out.push(e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') \
                       + ' (right ' + Math.round(r.right) + ' > ' + w + ')'); }); \
                 return out;",
            )
            .await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Whether an input's field is marked as having an error.
    async fn field_has_error(&self, input_id: &str) -> anyhow::Result<bool> {
        let v = self
            .js(&format!(
                "var f = document.getElementById({}).closest('.field'); \
                 return !!f && f.classList.contains('has-error');",
                serde_json::json!(input_id)
            ))
            .await?;
        Ok(v.as_bool() == Some(true))
    }
}

// ---------------------------------------------------------------------------------------
// Shared data

const NEW_LOGIN: &str = "zhaomin2026";
const NEW_PASSWORD: &str = "Xuexi2026go";
const NEW_NAME: &str = "赵敏";
const NEW_DOC: &str = "321101198110166954";

/// Fills every field of the registration form with a valid new person, except the
/// document number and the repeated password, which the caller chooses.
async fn fill_registration(p: &Page, doc_number: &str, password2: &str) -> anyhow::Result<()> {
    p.fill("#login_name", NEW_LOGIN).await?;
    p.fill("#password", NEW_PASSWORD).await?;
    p.fill("#password2", password2).await?;
    p.fill("#real_name", NEW_NAME).await?;
    p.fill("#mobile", "13912345678").await?;
    p.fill("#doc_number", doc_number).await?;
    p.fill("#email", "zhaomin@example.com").await?;
    p.fill("#a1", "王秀英").await?;
    p.fill("#a2", "赵建国").await?;
    p.fill("#a3", "张三").await?;
    p.fill("#captcha", CAPTCHA).await?;
    let agree = p.d.find(By::Css("input[name=agree]")).await?;
    if !agree.is_selected().await? {
        agree.click().await?;
    }
    Ok(())
}

/// The number demo load gives wangfang (a 15-digit number, converted to 18 digits).
fn wangfang_initial_password(app: &App) -> String {
    let doc = domain::identity::parse_document(
        domain::identity::DocumentType::MainlandId,
        "440106661007095",
        app.state.today(),
    )
    .expect("wangfang's demo number parses");
    domain::password::initial_password(&doc.number)
}

// ---------------------------------------------------------------------------------------
// Journeys

#[tokio::test(flavor = "multi_thread")]
async fn register_then_sign_in_then_home() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(false).await;
    browser
        .run(&app, "register_then_sign_in_then_home", |p| async move {
            p.goto("/login").await?;
            assert_eq!(p.text("main h1").await?, "登录");
            assert!(p.displayed("img.captcha").await?, "captcha image shown");
            p.shoot("01-login").await?;

            p.click_to_next_page(By::LinkText("个人注册")).await?;
            assert_eq!(p.path().await?, "/register");
            assert_eq!(p.text("main h1").await?, "个人注册");
            assert_eq!(p.value("#country").await?, "CN");
            p.shoot_tall("02-register").await?;

            fill_registration(&p, NEW_DOC, NEW_PASSWORD).await?;
            p.shoot_tall("03-register-filled").await?;
            p.submit().await?;

            assert_eq!(
                p.path().await?,
                "/login",
                "registration should lead to sign-in; page says: {}",
                p.body_text().await?
            );
            let flash = p.text("div.flash").await?;
            assert!(flash.contains("注册成功"), "flash: {flash}");
            assert!(flash.contains(NEW_LOGIN), "flash names the login: {flash}");
            assert_eq!(
                p.value("#identifier").await?,
                NEW_LOGIN,
                "the new login name is filled in"
            );
            p.shoot("04-login-after-registration").await?;

            p.sign_in(NEW_LOGIN, NEW_PASSWORD).await?;
            assert_eq!(
                p.path().await?,
                "/",
                "sign-in should lead home; page says: {}",
                p.body_text().await?
            );
            assert_eq!(p.text("main h1").await?, format!("您好，{NEW_NAME}"));
            let body = p.body_text().await?;
            assert!(body.contains("待办事项"), "home page: {body}");
            assert!(body.contains("我的账号"), "home page: {body}");
            assert!(body.contains("这是您第一次登录本系统"), "home page: {body}");
            assert_eq!(p.text("header .person").await?, NEW_NAME);
            assert_eq!(p.text("header button.link").await?, "退出");
            p.shoot("05-home").await?;

            // On a phone the navigation hides behind the 菜单 button.
            p.resize(NARROW).await?;
            assert!(!p.displayed("#sidenav").await?, "nav hidden at 375 px");
            let toggle = p.d.find(By::Css("[data-nav-toggle]")).await?;
            assert_eq!(toggle.text().await?, "菜单");
            toggle.click().await?;
            p.wait_js(
                "the navigation to open",
                "document.getElementById('sidenav').classList.contains('open')",
            )
            .await?;
            assert!(p.displayed("#sidenav").await?, "nav shown after 菜单");
            assert_eq!(toggle.attr("aria-expanded").await?.as_deref(), Some("true"));
            let nav = p.text("#sidenav").await?;
            assert!(nav.contains("修改密码"), "nav lists 修改密码: {nav}");
            assert!(
                !nav.contains("账号管理"),
                "no admin pages for a person: {nav}"
            );
            p.save("06-home-nav-open", NARROW.0).await?;

            // At desktop width the navigation is always there and the button is not.
            p.resize(WIDE).await?;
            assert!(p.displayed("#sidenav").await?, "nav shown at 1280 px");
            assert!(!toggle.is_displayed().await?, "no 菜单 button at 1280 px");
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_errors_are_shown_next_to_fields() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(false).await;
    let store = app.state.store.clone();
    browser
        .run(
            &app,
            "registration_errors_are_shown_next_to_fields",
            |p| async move {
                p.goto("/register").await?;
                // A wrong check digit (…2711 is right) and a repeated password that differs.
                fill_registration(&p, "110101199003072712", "Xuexi2026gx").await?;
                p.shoot_tall("01-register-filled-wrong").await?;
                p.submit().await?;

                assert_eq!(p.path().await?, "/register");
                let summary = p.text(".error-summary").await?;
                assert!(
                    summary.contains("请修改以下 2 处"),
                    "exactly the two mistakes are reported: {summary}"
                );
                let doc_error = p.field_error("doc_number").await?;
                assert!(
                    doc_error.contains("校验位"),
                    "doc_number error: {doc_error}"
                );
                assert!(p.field_has_error("doc_number").await?);
                assert_eq!(p.field_error("password2").await?, "两次输入的密码不一致");
                assert!(p.field_has_error("password2").await?);
                assert!(
                    !p.field_has_error("password").await?,
                    "the first password itself is fine"
                );
                assert!(!p.field_has_error("real_name").await?);

                // What was typed stays, except passwords and the captcha.
                assert_eq!(p.value("#login_name").await?, NEW_LOGIN);
                assert_eq!(p.value("#real_name").await?, NEW_NAME);
                assert_eq!(p.value("#mobile").await?, "13912345678");
                assert_eq!(p.value("#doc_number").await?, "110101199003072712");
                assert_eq!(p.value("#email").await?, "zhaomin@example.com");
                assert_eq!(p.value("#a1").await?, "王秀英");
                assert_eq!(p.value("#password").await?, "");
                assert_eq!(p.value("#password2").await?, "");
                assert_eq!(p.value("#captcha").await?, "");
                assert!(
                    p.d.find(By::Css("input[name=agree]"))
                        .await?
                        .is_selected()
                        .await?,
                    "the agreement stays ticked"
                );
                p.shoot_tall("02-register-errors").await?;

                assert!(
                    store.account_by_identifier(NEW_LOGIN).await?.is_none(),
                    "nothing was registered"
                );
                Ok(())
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn four_wrong_passwords_lock_the_account() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    browser
        .run(
            &app,
            "four_wrong_passwords_lock_the_account",
            |p| async move {
                p.goto("/login").await?;
                for (attempt, left) in [(1, 3), (2, 2), (3, 1)] {
                    p.sign_in("zhangwei", "Wrong2026pw").await?;
                    assert_eq!(p.path().await?, "/login");
                    assert!(
                        p.d.find_all(By::Css("#captcha ~ p.error"))
                            .await?
                            .is_empty(),
                        "attempt {attempt}: the captcha was accepted"
                    );
                    let msg = p.field_error("password").await?;
                    assert!(
                        msg.contains("账号或密码不正确") && msg.contains("再输错"),
                        "attempt {attempt}: {msg}"
                    );
                    assert!(
                        msg.contains(&format!("再输错{left}次")),
                        "attempt {attempt} leaves {left}: {msg}"
                    );
                    assert_eq!(p.value("#identifier").await?, "zhangwei");
                    if attempt == 1 {
                        p.shoot("01-wrong-password").await?;
                    }
                }

                p.sign_in("zhangwei", "Wrong2026pw").await?;
                let msg = p.field_error("password").await?;
                assert!(
                    msg.contains("账号已锁定") && msg.contains("15分钟"),
                    "fourth wrong password locks: {msg}"
                );
                p.shoot("02-locked").await?;

                // While locked, even the right password is refused.
                p.sign_in("zhangwei", "Study2026gd").await?;
                assert_eq!(p.path().await?, "/login", "a locked account stays out");
                let msg = p.field_error("password").await?;
                assert!(
                    msg.contains("账号已锁定") && msg.contains("15分钟"),
                    "right password while locked: {msg}"
                );
                p.shoot("03-locked-right-password").await?;
                Ok(())
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn initial_password_must_be_changed() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    let initial = wangfang_initial_password(&app);
    browser
        .run(&app, "initial_password_must_be_changed", |p| async move {
            p.goto("/login").await?;
            p.sign_in("wangfang", &initial).await?;
            assert_eq!(
                p.path().await?,
                "/account/password",
                "an initial password leads to the password page; page says: {}",
                p.body_text().await?
            );
            let notice = p.text("p.notice").await?;
            assert!(notice.contains("初始密码"), "notice: {notice}");
            p.shoot("01-password-forced").await?;

            // Until the password is changed, other pages lead back here.
            p.goto("/").await?;
            assert_eq!(p.path().await?, "/account/password");

            p.fill("#current", &initial).await?;
            p.fill("#new", "Gaimi2026ok").await?;
            p.fill("#new2", "Gaimi2026ok").await?;
            p.submit().await?;
            assert_eq!(
                p.path().await?,
                "/",
                "the new password leads home; page says: {}",
                p.body_text().await?
            );
            assert_eq!(p.text("main h1").await?, "您好，王芳");
            let flash = p.text("div.flash").await?;
            assert!(flash.contains("密码已修改"), "flash: {flash}");
            p.shoot("02-home-after-change").await?;
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_pages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    browser
        .run(&app, "admin_pages", |p| async move {
            p.goto("/login").await?;
            p.sign_in("admin", "Admin2026jx").await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            assert_eq!(p.text("main h1").await?, "您好，周海涛");
            let nav = p.text("#sidenav").await?;
            assert!(
                nav.contains("账号管理") && nav.contains("安全审计"),
                "admin nav: {nav}"
            );
            p.shoot("01-admin-home").await?;

            p.click_to_next_page(By::LinkText("账号管理")).await?;
            assert_eq!(p.path().await?, "/admin/accounts");
            assert_eq!(p.text("main h1").await?, "账号管理");
            // The newest accounts come first; the demo's first four are on the last page.
            let pager = p.text("nav.pager").await?;
            assert!(pager.contains("共"), "pagination with the total: {pager}");
            p.click_to_next_page(By::LinkText("下一页")).await?;
            let source = p.d.source().await?;
            for full in ["110101199003072711", "321101198110166954", "13800138000"] {
                assert!(!source.contains(full), "{full} appears unmasked");
            }
            p.fill("#q", "王芳").await?;
            p.submit().await?;
            let table = p.text("table.list").await?;
            assert!(table.contains("wangfang"), "wangfang listed: {table}");
            assert!(table.contains("待改密"), "wangfang must change: {table}");
            p.fill("#q", "张伟").await?;
            p.submit().await?;
            let table = p.text("table.list").await?;
            assert!(table.contains("1101**********2711"), "masked: {table}");
            let source = p.d.source().await?;
            for full in ["110101199003072711", "321101198110166954", "13800138000"] {
                assert!(!source.contains(full), "{full} appears unmasked");
            }
            p.shoot("02-accounts").await?;

            // Search by name.
            p.fill("#q", "张伟").await?;
            p.submit().await?;
            let rows = p.d.find_all(By::Css("table.list tbody tr")).await?;
            assert_eq!(rows.len(), 1, "one 张伟: {}", p.body_text().await?);
            assert!(rows[0].text().await?.contains("zhangwei"));
            p.shoot("03-accounts-search").await?;

            // Lock zhangwei, through the confirm dialog.
            p.mark().await?;
            p.d.find(By::Css("table.list tbody tr button.danger"))
                .await?
                .click()
                .await?;
            let question = p.d.get_alert_text().await?;
            assert!(question.contains("确定锁定吗"), "confirm: {question}");
            p.d.accept_alert().await?;
            p.wait_new_page().await?;
            let table = p.text("table.list").await?;
            assert!(table.contains("已锁定"), "zhangwei locked: {table}");
            let buttons = p.text("table.list tbody tr .row-actions").await?;
            assert!(buttons.contains("解锁"), "unlock offered: {buttons}");
            p.shoot("04-accounts-locked").await?;

            p.click_to_next_page(By::LinkText("安全审计")).await?;
            assert_eq!(p.path().await?, "/admin/audit");
            assert_eq!(p.text("main h1").await?, "安全审计");
            let rows = p.d.find_all(By::Css("table.list tbody tr")).await?;
            let mut lines = Vec::new();
            for r in &rows {
                lines.push(r.text().await?);
            }
            assert!(
                lines.iter().any(|l| l.contains("登录")
                    && l.contains("成功")
                    && l.contains("admin")
                    && l.contains("127.0.0.1")),
                "admin's sign-in is logged with the browser's address: {lines:#?}"
            );
            assert!(
                lines.iter().any(|l| l.contains("锁定")),
                "the lock is logged: {lines:#?}"
            );
            let source = p.d.source().await?;
            assert!(!source.contains("110101199003072711"));
            p.shoot("05-audit").await?;
            Ok(())
        })
        .await;
}

/// Shoots a page at both widths, and first notes what sticks out at 375 px.
async fn shoot_noting(
    p: &Page,
    name: &str,
    tall: bool,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    p.resize(NARROW).await?;
    for o in p.overflowing().await? {
        notes.push(format!("{name} at {} px: {o}", NARROW.0));
    }
    if tall {
        p.shoot_tall(name).await
    } else {
        p.shoot(name).await
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn organisation_journey() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    let store = app.state.store.clone();
    let initial = wangfang_initial_password(&app);
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const WANGFANG_PASSWORD: &str = "Gaimi2026ok";
    const HZ3: &str = "广州市海珠区第三中学";
    const THZX: &str = "广州市天河中学";
    browser
        .run(&app, "organisation_journey", |p| async move {
            let mut notes = Vec::new();
            let wangfang = store
                .account_by_identifier("wangfang")
                .await?
                .context("demo wangfang")?;
            assert!(
                store.open_binding(wangfang.id).await?.is_none(),
                "wangfang starts unbound"
            );

            // 1. The education bureau approves the registration of a school below it.
            p.goto("/login").await?;
            p.sign_in("gzjy", PW).await?;
            assert_eq!(
                p.path().await?,
                "/act",
                "an operator chooses whom to act as; page says: {}",
                p.body_text().await?
            );
            assert_eq!(p.text("main h1").await?, "选择身份");
            let me = p.choice("本人").await?.text().await?;
            assert!(me.contains("当前身份"), "acting as oneself at first: {me}");
            let bureau = p.choice("广州市教育局").await?.text().await?;
            assert!(
                bureau.contains("主管部门") && bureau.contains("角色：管理员"),
                "the bureau with its roles: {bureau}"
            );
            assert!(bureau.contains("使用该单位账号"), "{bureau}");
            shoot_noting(&p, "01-gzjy-act", false, &mut notes).await?;

            p.act_for("广州市教育局").await?;
            let waiting = p.todo_count("待审核的单位注册").await?;
            assert!(
                waiting.is_some_and(|n| n >= 1),
                "a registration waits: {waiting:?}; page says: {}",
                p.body_text().await?
            );
            let nav = p.text("#sidenav").await?;
            assert!(
                nav.contains("单位审核") && nav.contains("下属单位"),
                "a supervisor's nav: {nav}"
            );
            shoot_noting(&p, "02-gzjy-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待审核的单位注册"))
                .await?;
            assert_eq!(p.path().await?, "/org/registrations");
            assert_eq!(p.text("main h1").await?, "单位审核");
            let card = format!(
                "//section[contains(@class,'card')][h2[contains(normalize-space(),'{HZ3}')]]"
            );
            let hz3_card = p.d.find(By::XPath(card.clone())).await?.text().await?;
            assert!(hz3_card.contains("待审核"), "badge: {hz3_card}");
            assert!(hz3_card.contains("王小红"), "contact: {hz3_card}");
            shoot_noting(&p, "03-registrations", true, &mut notes).await?;

            let question = p
                .click_confirmed(By::XPath(format!(
                    "{card}//button[normalize-space()='通过']"
                )))
                .await?;
            assert_eq!(question, format!("确定通过“{HZ3}”的注册申请吗？"));
            assert_eq!(p.path().await?, "/org/registrations");
            assert_eq!(p.flash().await?, format!("已通过“{HZ3}”的注册申请。"));
            assert!(
                p.d.find_all(By::XPath(card.clone())).await?.is_empty(),
                "the approved registration leaves the list"
            );
            shoot_noting(&p, "04-registrations-approved", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("下属单位")).await?;
            assert_eq!(p.path().await?, "/org/units");
            assert_eq!(p.text("main h1").await?, "下属单位");
            let units = p.rows().await?;
            assert!(
                units
                    .iter()
                    .any(|r| r.contains(HZ3) && r.contains("已通过")),
                "{HZ3} approved: {units:#?}"
            );
            for unit in ["广州市第一中学", THZX] {
                assert!(units.iter().any(|r| r.contains(unit)), "{unit}: {units:#?}");
            }
            shoot_noting(&p, "05-units", true, &mut notes).await?;
            p.sign_out().await?;

            // 2. The school's registrant administers it now, and invites a clerk.
            p.sign_in("haizhu3", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            let school = p.choice(HZ3).await?.text().await?;
            assert!(
                school.contains("角色：管理员"),
                "the registrant is admin: {school}"
            );
            shoot_noting(&p, "06-haizhu3-act", false, &mut notes).await?;
            p.act_for(HZ3).await?;
            shoot_noting(&p, "07-haizhu3-home", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("单位用户")).await?;
            assert_eq!(p.path().await?, "/org/members");
            assert_eq!(p.text("main h1").await?, "单位用户");
            let members = p.rows().await?;
            assert_eq!(members.len(), 1, "only the registrant: {members:#?}");
            assert!(
                members[0].contains("彭丽") && members[0].contains("（本人）"),
                "{members:#?}"
            );
            shoot_noting(&p, "08-members", false, &mut notes).await?;

            p.fill("#q", "lina").await?;
            p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                .await?;
            let lina = p.choice("李娜").await?;
            assert!(
                lina.text().await?.contains("lina"),
                "{}",
                lina.text().await?
            );
            for (role, ticked) in [
                ("clerk", true),
                ("admin", false),
                ("reviewer", false),
                ("leader", false),
            ] {
                let boxes = lina
                    .find_all(By::Css(format!("input[name=roles][value={role}]")))
                    .await?;
                assert_eq!(boxes.len(), 1, "a {role} box");
                assert_eq!(boxes[0].is_selected().await?, ticked, "{role} ticked");
            }
            shoot_noting(&p, "09-members-search", true, &mut notes).await?;

            p.mark().await?;
            lina.find(By::XPath(".//button[normalize-space()='发送邀请']"))
                .await?
                .click()
                .await?;
            p.wait_new_page().await?;
            assert_eq!(p.path().await?, "/org/members");
            let flash = p.flash().await?;
            assert!(
                flash.contains("已邀请 李娜（lina），角色：经办人"),
                "flash: {flash}"
            );
            let members = p.rows().await?;
            assert!(
                members
                    .iter()
                    .any(|r| r.contains("李娜") && r.contains("待接受")),
                "lina invited: {members:#?}"
            );
            shoot_noting(&p, "10-members-invited", true, &mut notes).await?;
            p.sign_out().await?;

            // 3. lina accepts the invitation and acts for the school.
            p.sign_in("lina", PW).await?;
            assert_eq!(
                p.path().await?,
                "/",
                "no active membership yet, so home: {}",
                p.body_text().await?
            );
            assert_eq!(p.todo_count("单位邀请待接受").await?, Some(2));
            shoot_noting(&p, "11-lina-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("单位邀请待接受"))
                .await?;
            assert_eq!(p.path().await?, "/me/organizations");
            assert_eq!(p.text("main h1").await?, "单位账号");
            for org in [HZ3, "广州市天河区人民医院"] {
                let invitation = p.choice(org).await?.text().await?;
                assert!(
                    invitation.contains("角色：经办人") && invitation.contains("接受"),
                    "{org}: {invitation}"
                );
            }
            shoot_noting(&p, "12-lina-organizations", false, &mut notes).await?;

            p.mark().await?;
            p.choice(HZ3)
                .await?
                .find(By::XPath(".//button[normalize-space()='接受']"))
                .await?
                .click()
                .await?;
            p.wait_new_page().await?;
            assert_eq!(p.path().await?, "/me/organizations");
            let flash = p.flash().await?;
            assert!(flash.contains(&format!("您已接受“{HZ3}”的邀请")), "{flash}");
            let school = p.choice(HZ3).await?.text().await?;
            assert!(
                school.contains("使用该单位账号"),
                "now a choice to act for: {school}"
            );
            assert!(
                p.choice("广州市天河区人民医院")
                    .await?
                    .text()
                    .await?
                    .contains("拒绝"),
                "the other invitation still waits"
            );
            shoot_noting(&p, "13-lina-accepted", false, &mut notes).await?;

            assert_eq!(p.text("header a.acting").await?, "本人 ▾");
            p.click_to_next_page(By::Css("header a.acting")).await?;
            assert_eq!(p.path().await?, "/act");
            shoot_noting(&p, "14-lina-act", false, &mut notes).await?;
            p.act_for(HZ3).await?;
            let todo = p.text(".home-grid .card").await?;
            assert!(todo.contains("暂无待办事项"), "nothing waits yet: {todo}");
            let nav = p.text("#sidenav").await?;
            assert!(
                nav.contains("人员管理") && !nav.contains("单位用户"),
                "a clerk's nav: {nav}"
            );
            shoot_noting(&p, "15-lina-home-school", false, &mut notes).await?;
            p.sign_out().await?;

            // 4. wangfang changes her initial password, fills her profile and asks to
            // be bound to the school.
            p.sign_in("wangfang", &initial).await?;
            assert_eq!(p.path().await?, "/account/password");
            p.fill("#current", &initial).await?;
            p.fill("#new", WANGFANG_PASSWORD).await?;
            p.fill("#new2", WANGFANG_PASSWORD).await?;
            p.submit().await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            assert!(p.flash().await?.contains("密码已修改"));
            assert_eq!(p.todo_count("尚未绑定工作单位").await?, Some(1));
            shoot_noting(&p, "16-wangfang-home", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("个人资料")).await?;
            assert_eq!(p.path().await?, "/me/profile");
            assert_eq!(p.text("main h1").await?, "个人资料");
            let facts = p.text("main .facts").await?;
            assert!(
                facts.contains("王芳") && facts.contains("4401"),
                "identity from the account, masked: {facts}"
            );
            shoot_noting(&p, "17-profile", true, &mut notes).await?;

            p.fill("#ethnicity", "汉族").await?;
            p.fill("#native_place", "广东潮州").await?;
            p.fill("#address", "广州市海珠区江南大道中100号").await?;
            p.fill("#postal_code", "510220").await?;
            p.choose("#education_code", "benke").await?;
            p.choose("#degree", "学士").await?;
            p.fill("#school", "华南师范大学").await?;
            p.fill("#major", "汉语言文学").await?;
            p.choose("#series_code", "zhongxiaoxue").await?;
            p.fill("#specialty", "语文").await?;
            p.fill("#qualification", "中学一级教师").await?;
            p.choose("#level_code", "zhongji").await?;
            p.click_to_next_page(By::XPath("//main//form//button[normalize-space()='保存']"))
                .await?;
            assert_eq!(p.path().await?, "/me/profile", "{}", p.body_text().await?);
            assert_eq!(p.flash().await?, "个人资料已保存。");
            assert_eq!(p.value("#native_place").await?, "广东潮州");
            assert_eq!(p.value("#education_code").await?, "benke");
            assert_eq!(p.value("#level_code").await?, "zhongji");
            assert_eq!(p.value("#qualification").await?, "中学一级教师");
            shoot_noting(&p, "18-profile-saved", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText("工作单位")).await?;
            assert_eq!(p.path().await?, "/me/employment");
            let current = p.text("main .card").await?;
            assert!(current.contains("您还没有绑定工作单位"), "{current}");
            shoot_noting(&p, "19-employment-unbound", false, &mut notes).await?;

            p.fill("#q", "海珠区第三中学").await?;
            p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                .await?;
            let found = p.choice(HZ3).await?.text().await?;
            assert!(found.contains("申请绑定"), "{found}");
            shoot_noting(&p, "20-employment-search", false, &mut notes).await?;

            let question = p
                .click_confirmed(By::XPath(format!(
                    "//ul[@class='choices']/li[.//div[@class='who-org'][normalize-space()='{HZ3}']]\
                     //button[normalize-space()='申请绑定']"
                )))
                .await?;
            assert_eq!(question, format!("确定申请绑定到“{HZ3}”吗？"));
            assert_eq!(p.path().await?, "/me/employment");
            let flash = p.flash().await?;
            assert!(
                flash.contains(&format!("已向“{HZ3}”提交绑定申请")),
                "{flash}"
            );
            let current = p.text("main .card").await?;
            assert!(
                current.contains(HZ3) && current.contains("待确认"),
                "waiting: {current}"
            );
            assert!(current.contains("撤回申请"), "{current}");
            shoot_noting(&p, "21-employment-waiting", false, &mut notes).await?;
            p.sign_out().await?;

            // 5. lina, for the school, confirms her.
            p.sign_in("lina", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(HZ3).await?;
            assert_eq!(p.todo_count("待确认的绑定申请").await?, Some(1));
            shoot_noting(&p, "22-lina-home-todo", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待确认的绑定申请"))
                .await?;
            assert_eq!(p.path().await?, "/org/staff");
            assert_eq!(p.text("main h1").await?, "人员管理");
            let staff = p.rows().await?;
            assert_eq!(staff.len(), 1, "{staff:#?}");
            assert!(
                staff[0].contains("王芳") && staff[0].contains("待确认"),
                "{staff:#?}"
            );
            assert!(staff[0].contains("中小学教师"), "her profile: {staff:#?}");
            shoot_noting(&p, "23-staff-waiting", true, &mut notes).await?;

            // On a phone the list is a stack of cards: no header row, one block per person.
            p.resize(NARROW).await?;
            let layout = p
                .js(
                    "return [getComputedStyle(document.querySelector('table.list thead')).display, \
                     getComputedStyle(document.querySelector('table.list tbody tr')).display, \
                     document.documentElement.scrollWidth, document.documentElement.clientWidth];",
                )
                .await?;
            assert_eq!(layout[0], "none", "no header row at 375 px: {layout}");
            assert_eq!(layout[1], "block", "rows are cards at 375 px: {layout}");
            assert!(
                layout[2].as_u64() <= layout[3].as_u64(),
                "the staff list fits 375 px: {layout}"
            );
            p.resize(WIDE).await?;

            p.d.find(By::Css("input[name=binding][aria-label=选择王芳]"))
                .await?
                .click()
                .await?;
            p.click_to_next_page(By::XPath("//button[normalize-space()='确认所选']"))
                .await?;
            assert_eq!(p.flash().await?, "已确认 1 人。");
            assert!(
                p.body_text().await?.contains("没有符合条件的人员"),
                "nobody waits any more"
            );
            shoot_noting(&p, "24-staff-confirmed", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("人员管理")).await?;
            assert_eq!(p.path().await?, "/org/staff");
            let staff = p.rows().await?;
            assert!(
                staff.len() == 1 && staff[0].contains("王芳") && staff[0].contains("已确认"),
                "{staff:#?}"
            );
            shoot_noting(&p, "25-staff", true, &mut notes).await?;
            p.sign_out().await?;

            // 6. wangfang asks to transfer; the other school accepts her.
            p.sign_in("wangfang", WANGFANG_PASSWORD).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            p.click_to_next_page(By::LinkText("工作单位")).await?;
            let current = p.text("main .card").await?;
            assert!(
                current.contains(HZ3) && current.contains("已确认"),
                "confirmed: {current}"
            );
            assert!(
                p.text("main").await?.contains("办理调动：查找调入单位"),
                "transfer offered"
            );
            shoot_noting(&p, "26-employment-confirmed", false, &mut notes).await?;

            p.fill("#q", "天河中学").await?;
            p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                .await?;
            let target = p.choice(THZX).await?;
            let reason = target.find(By::Css("input[name=reason]")).await?;
            reason.send_keys("工作调动到天河区").await?;
            shoot_noting(&p, "27-transfer-filled", false, &mut notes).await?;
            p.mark().await?;
            p.choice(THZX)
                .await?
                .find(By::XPath(".//button[normalize-space()='申请调入']"))
                .await?
                .click()
                .await?;
            p.wait_new_page().await?;
            assert_eq!(p.path().await?, "/me/employment");
            let flash = p.flash().await?;
            assert!(
                flash.contains(&format!("等待“{THZX}”接收")) && flash.contains(HZ3),
                "{flash}"
            );
            let notice = p.text("p.notice").await?;
            assert!(notice.contains(THZX), "{notice}");
            let history = p.rows().await?;
            assert!(
                history
                    .iter()
                    .any(|r| r.contains(&format!("{HZ3} → {THZX}"))
                        && r.contains("待接收")
                        && r.contains("工作调动到天河区")),
                "{history:#?}"
            );
            shoot_noting(&p, "28-transfer-requested", true, &mut notes).await?;
            p.sign_out().await?;

            p.sign_in("thzx", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(THZX).await?;
            let transfers = p.todo_count("待接收的调入申请").await?;
            assert!(transfers.is_some_and(|n| n >= 1), "{transfers:?}");
            shoot_noting(&p, "29-thzx-home", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("调入申请")).await?;
            assert_eq!(p.path().await?, "/org/transfers");
            assert_eq!(p.text("main h1").await?, "调入申请");
            let card =
                "//section[contains(@class,'card')][h2[starts-with(normalize-space(),'王芳')]]";
            let request = p.d.find(By::XPath(card)).await?.text().await?;
            assert!(
                request.contains(HZ3) && request.contains("工作调动到天河区"),
                "{request}"
            );
            shoot_noting(&p, "30-transfers", true, &mut notes).await?;

            let question = p
                .click_confirmed(By::XPath(format!(
                    "{card}//button[normalize-space()='接收']"
                )))
                .await?;
            assert!(
                question.contains("王芳") && question.contains("确定接收吗"),
                "{question}"
            );
            assert_eq!(p.path().await?, "/org/transfers");
            assert_eq!(
                p.flash().await?,
                format!("已接收 王芳，其原单位“{HZ3}”的绑定已结束。")
            );
            assert!(p.d.find_all(By::XPath(card)).await?.is_empty());
            shoot_noting(&p, "31-transfer-accepted", false, &mut notes).await?;
            p.sign_out().await?;

            p.sign_in("wangfang", WANGFANG_PASSWORD).await?;
            p.goto("/me/employment").await?;
            let current = p.text("main .card").await?;
            assert!(
                current.contains(THZX) && current.contains("已确认"),
                "now at the other school: {current}"
            );
            let history = p.rows().await?;
            assert!(
                history
                    .iter()
                    .any(|r| r.contains(&format!("{HZ3} → {THZX}")) && r.contains("已接收")),
                "{history:#?}"
            );
            assert!(
                history
                    .iter()
                    .any(|r| r.starts_with(HZ3) && r.contains("已解除")),
                "the old unit in the history: {history:#?}"
            );
            shoot_noting(&p, "32-employment-transferred", true, &mut notes).await?;

            // 7. At 375 px: the staff list as cards, and the choice of identity while
            // acting for an organisation.
            p.sign_out().await?;
            p.sign_in("thzx", PW).await?;
            assert_eq!(p.path().await?, "/act");
            p.act_for(THZX).await?;
            p.goto("/org/staff?state=confirmed").await?;
            let staff = p.rows().await?;
            assert!(
                staff
                    .iter()
                    .any(|r| r.contains("王芳") && r.contains(THZX) && r.contains("已确认")),
                "wangfang on the staff list: {staff:#?}"
            );
            p.resize(NARROW).await?;
            let cards = p
                .js("var tr = document.querySelector('table.list tbody tr'); \
                     return [getComputedStyle(tr).display, tr.getBoundingClientRect().width, \
                     window.innerWidth];")
                .await?;
            assert_eq!(cards[0], "block", "a card per person at 375 px: {cards}");
            assert!(
                cards[1].as_f64() < cards[2].as_f64(),
                "the card fits the screen: {cards}"
            );
            shoot_noting(&p, "33-staff-cards", true, &mut notes).await?;
            p.goto("/act").await?;
            let school = p.choice(THZX).await?.text().await?;
            assert!(
                school.contains("当前身份"),
                "acting for the school: {school}"
            );
            let me = p.choice("本人").await?.text().await?;
            assert!(me.contains("以本人身份"), "back to oneself offered: {me}");
            shoot_noting(&p, "34-act-acting", false, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "organisation_journey: at {} px {}",
                NARROW.0,
                if notes.is_empty() {
                    "nothing sticks out".to_owned()
                } else {
                    format!("these stick out:\n  {}", notes.join("\n  "))
                }
            );
            Ok(())
        })
        .await;
}

/// The id of the demo organisation with exactly this name.
async fn org_id(store: &store::Store, name: &str) -> anyhow::Result<i64> {
    let page = store
        .organizations(&store::organizations::OrgFilter {
            name: Some(name.to_owned()),
            per_page: 50,
            ..Default::default()
        })
        .await?;
    page.items
        .into_iter()
        .find(|o| o.name == name)
        .map(|o| o.id)
        .with_context(|| format!("demo organisation {name}"))
}

/// Picks the option of a select whose text is `text`; returns its value.
async fn choose_text(p: &Page, select_id: &str, text: &str) -> anyhow::Result<String> {
    let option =
        p.d.find(By::XPath(format!(
            "//select[@id='{select_id}']/option[normalize-space()='{text}']"
        )))
        .await
        .with_context(|| format!("no option {text} in #{select_id}"))?;
    let value = option.value().await?.unwrap_or_default();
    p.choose(&format!("#{select_id}"), &value).await?;
    Ok(value)
}

#[tokio::test(flavor = "multi_thread")]
async fn supervisor_change_and_department_registration() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    let store = app.state.store.clone();
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const RJ: &str = "广州天河软件科技有限公司";
    const THHR: &str = "广州市天河区人力资源和社会保障局";
    const GZJY: &str = "广州市教育局";
    const GZHR: &str = "广州市人力资源和社会保障局";
    const REASON: &str = "公司转型为教育信息化企业，业务归口教育局";
    const DEPT: &str = "广州市交通运输局";
    browser
        .run(
            &app,
            "supervisor_change_and_department_registration",
            |p| async move {
                let mut notes = Vec::new();
                let rj = org_id(&store, RJ).await?;
                let gzjy = org_id(&store, GZJY).await?;
                // Someone on the software company's staff, not yet visible to the bureau.
                let rj_staff = store
                    .staff(&store::bindings::StaffFilter {
                        within: rj,
                        state: Some("confirmed".into()),
                        per_page: 50,
                        ..Default::default()
                    })
                    .await?
                    .items;
                let person = rj_staff
                    .first()
                    .context("the software company has confirmed staff")?
                    .real_name
                    .clone();
                let seen_by_bureau = store
                    .staff(&store::bindings::StaffFilter {
                        within: gzjy,
                        name: Some(person.clone()),
                        per_page: 50,
                        ..Default::default()
                    })
                    .await?
                    .items;
                assert!(
                    seen_by_bureau.iter().all(|r| r.unit_id != rj),
                    "the bureau does not see {RJ} before: {seen_by_bureau:#?}"
                );
                let (_, _, units_before) = store.org_todo_counts(gzjy).await?;

                // 1. The software company asks to move under the education bureau.
                p.goto("/login").await?;
                shoot_noting(&p, "01-login", false, &mut notes).await?;
                p.sign_in("ruanjian", PW).await?;
                assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
                shoot_noting(&p, "02-ruanjian-act", false, &mut notes).await?;
                p.act_for(RJ).await?;
                shoot_noting(&p, "03-ruanjian-home", false, &mut notes).await?;

                p.click_to_next_page(By::LinkText("单位信息")).await?;
                assert_eq!(p.path().await?, "/org/info");
                assert_eq!(p.text("main h1").await?, "单位信息");
                let facts = p.text("main .facts").await?;
                assert!(
                    facts.contains(RJ) && facts.contains(THHR),
                    "the unit and its supervisor: {facts}"
                );
                let main = p.text("main").await?;
                assert!(main.contains("变更主管部门"), "{main}");
                assert!(main.contains("变更须经新的主管部门审核同意"), "{main}");
                shoot_noting(&p, "04-info", true, &mut notes).await?;

                choose_text(&p, "parent_id", GZJY).await?;
                p.fill("#move_reason", REASON).await?;
                shoot_noting(&p, "05-info-move-filled", true, &mut notes).await?;
                let question = p
                    .click_confirmed(By::XPath(
                        "//form[@action='/org/info/supervisor']//button[@type='submit']",
                    ))
                    .await?;
                assert_eq!(question, "确定申请变更主管部门吗？");
                assert_eq!(p.path().await?, "/org/info", "{}", p.body_text().await?);
                let flash = p.flash().await?;
                assert!(
                    flash.contains(&format!("等待“{GZJY}”审核")),
                    "flash after the request: {flash}"
                );
                let notice = p.text("main p.notice").await?;
                assert!(
                    notice.contains(&format!("已申请变更主管部门为“{GZJY}”"))
                        && notice.contains(REASON),
                    "{notice}"
                );
                assert!(
                    p.d.find_all(By::Css("form[action='/org/info/supervisor']"))
                        .await?
                        .is_empty(),
                    "no second request while one waits"
                );
                assert!(
                    p.text("main .facts").await?.contains(THHR),
                    "the supervisor stays until the bureau agrees"
                );
                shoot_noting(&p, "06-info-move-requested", true, &mut notes).await?;
                p.sign_out().await?;

                // 2. The education bureau agrees; the company's staff become its staff.
                p.sign_in("gzjy", PW).await?;
                assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
                p.act_for(GZJY).await?;
                let waiting = p.todo_count("待审核的单位注册").await?;
                assert_eq!(
                    waiting,
                    Some(units_before + 1),
                    "the move request counts as a registration to review"
                );
                shoot_noting(&p, "07-gzjy-home", false, &mut notes).await?;

                p.click_to_next_page(By::PartialLinkText("待审核的单位注册"))
                    .await?;
                assert_eq!(p.path().await?, "/org/registrations");
                assert_eq!(p.text("main h1").await?, "单位审核");
                let main = p.text("main").await?;
                assert!(main.contains("变更主管部门申请"), "{main}");
                let card = format!(
                    "//section[contains(@class,'card')][h2[starts-with(normalize-space(),'{RJ}')]]"
                );
                let request = p.d.find(By::XPath(card.clone())).await?.text().await?;
                assert!(
                    request.contains(THHR) && request.contains(REASON),
                    "the former supervisor and the reason: {request}"
                );
                shoot_noting(&p, "08-registrations-move", true, &mut notes).await?;

                let question = p
                    .click_confirmed(By::XPath(format!(
                        "{card}//button[normalize-space()='同意']"
                    )))
                    .await?;
                assert!(
                    question.contains(RJ) && question.contains("确定同意吗"),
                    "{question}"
                );
                assert_eq!(p.path().await?, "/org/registrations");
                let flash = p.flash().await?;
                assert!(flash.contains("已同意"), "{flash}");
                assert_eq!(flash, format!("已同意“{RJ}”变更到本单位之下。"));
                assert!(
                    p.d.find_all(By::XPath(card)).await?.is_empty(),
                    "the agreed request leaves the list"
                );
                shoot_noting(&p, "09-registrations-move-agreed", false, &mut notes).await?;

                p.click_to_next_page(By::LinkText("人员查询")).await?;
                assert_eq!(p.path().await?, "/org/staff");
                p.fill("#name", &person).await?;
                p.click_to_next_page(By::Css("form.filters button[type=submit]"))
                    .await?;
                let staff = p.rows().await?;
                assert!(
                    staff.iter().any(|r| r.contains(&person) && r.contains(RJ)),
                    "{person} of {RJ} on the bureau's staff list: {staff:#?}"
                );
                shoot_noting(&p, "10-gzjy-staff", true, &mut notes).await?;

                p.click_to_next_page(By::LinkText("下属单位")).await?;
                assert_eq!(p.path().await?, "/org/units");
                let units = p.rows().await?;
                assert!(
                    units.iter().any(|r| r.contains(RJ)),
                    "{RJ} among the bureau's units: {units:#?}"
                );
                shoot_noting(&p, "11-gzjy-units", true, &mut notes).await?;
                p.sign_out().await?;

                // 3. zhangwei registers a department under the city HR bureau.
                p.sign_in("zhangwei", PW).await?;
                assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
                p.click_to_next_page(By::LinkText("单位注册")).await?;
                assert_eq!(p.path().await?, "/organizations/register");
                assert_eq!(p.text("main h1").await?, "单位注册");
                shoot_noting(&p, "12-register-org", true, &mut notes).await?;

                let body = "76543210";
                let org_check = domain::org_code::organization_code_check_char(body)
                    .context("organisation code check")?;
                let first17 = format!("12440104{body}{org_check}");
                let check = domain::org_code::credit_code_check_char(&first17)
                    .context("credit code check")?;
                let code = format!("{first17}{check}");

                p.choose("#kind", "department").await?;
                p.fill("#name", DEPT).await?;
                p.choose("#id_kind", "credit_code").await?;
                p.fill("#id_code", &code).await?;
                p.choose("#city", "440100").await?;
                p.wait_js(
                    "the districts of 广州市",
                    "document.querySelector('#district option[value=\"440104\"]')",
                )
                .await?;
                p.choose("#district", "440104").await?;
                p.choose("#level", "city").await?;
                p.wait_js(
                    "the supervisors of 广州市",
                    &format!(
                        "Array.from(document.querySelectorAll('#parent_id option'))\
                         .some(function (o) {{ return o.textContent.trim() === '{GZHR}'; }})"
                    ),
                )
                .await?;
                choose_text(&p, "parent_id", GZHR).await?;
                p.fill("#address", "广州市越秀区中山一路100号").await?;
                p.fill("#legal_rep", "陈交通").await?;
                p.fill("#contact_name", "张伟").await?;
                p.fill("#contact_phone", "020-83330000").await?;
                shoot_noting(&p, "13-register-org-filled", true, &mut notes).await?;
                p.submit().await?;

                assert_eq!(
                    p.path().await?,
                    "/organizations/register",
                    "{}",
                    p.body_text().await?
                );
                assert!(
                    p.d.find_all(By::Css(".error-summary")).await?.is_empty(),
                    "no errors: {}",
                    p.body_text().await?
                );
                let flash = p.flash().await?;
                assert!(
                    flash.contains(DEPT) && flash.contains(&format!("等待“{GZHR}”审核")),
                    "{flash}"
                );
                let mine = p.text("main section.card").await?;
                assert!(mine.contains("我提交的注册申请"), "{mine}");
                let rows = p.rows().await?;
                assert!(
                    rows.iter().any(|r| r.contains(DEPT)
                        && r.contains("主管部门")
                        && r.contains("待审核")),
                    "{rows:#?}"
                );
                shoot_noting(&p, "14-register-org-submitted", true, &mut notes).await?;

                let saved = store
                    .organization_by_identifier(&code)
                    .await?
                    .context("the department is stored")?;
                assert_eq!(saved.name, DEPT);
                assert_eq!(saved.status, "applied");
                assert_eq!(saved.kind, "department");

                let _ = writeln!(
                    std::io::stderr(),
                    "supervisor_change_and_department_registration: at {} px {}",
                    NARROW.0,
                    if notes.is_empty() {
                        "nothing sticks out".to_owned()
                    } else {
                        format!("these stick out:\n  {}", notes.join("\n  "))
                    }
                );
                Ok(())
            },
        )
        .await;
}

// ---------------------------------------------------------------------------------------
// CE records: declare, attach, submit, return, resubmit, approve in a batch, verification

/// A small but well-formed one-page PDF (header, objects, cross-reference table, trailer).
fn tiny_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// Sets a date input. What a person types into one depends on the browser's interface
/// language (mm/dd/yyyy without the zh-CN locale), so the value is set as the form sends it.
async fn set_date(p: &Page, css: &str, date: chrono::NaiveDate) -> anyhow::Result<()> {
    let value = date.format("%Y-%m-%d").to_string();
    p.js(&format!(
        "var i = document.querySelector({css}); i.value = {value}; \
         i.dispatchEvent(new Event('input', {{ bubbles: true }})); \
         i.dispatchEvent(new Event('change', {{ bubbles: true }})); return null;",
        css = serde_json::json!(css),
        value = serde_json::json!(value)
    ))
    .await?;
    let set = p.value(css).await?;
    anyhow::ensure!(set == value, "set {value} in {css} but it holds {set:?}");
    Ok(())
}

/// A cell of this year's row on the person's 年度验证 page, by its column label.
async fn verification_cell(p: &Page, year: i32, label: &str) -> anyhow::Result<String> {
    let cell =
        p.d.find(By::XPath(format!(
            "//table[contains(@class,'list')]//tr[td[@data-label='年度'][normalize-space()='{year}']]\
             /td[@data-label='{label}']"
        )))
        .await
        .with_context(|| format!("no {label} in the row of {year}"))?;
    Ok(cell.text().await?.trim().to_owned())
}

/// Hours as shown ("5.5"), in tenths.
fn tenths(shown: &str) -> anyhow::Result<i64> {
    Ok(domain::hours::parse(shown)
        .map_err(|e| anyhow::anyhow!("hours {shown:?}: {e}"))?
        .tenths())
}

#[tokio::test(flavor = "multi_thread")]
async fn records_journey() {
    use chrono::Datelike;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const YZ: &str = "广州市第一中学";
    const INSTITUTION: &str = "广东省教育研究院";
    const RETURN_OPINION: &str = "证明材料不全，请补充后重新申报";
    const PDF_NAME: &str = "结业证书.pdf";
    // This year in the calendar of the rules (Asia/Shanghai), from the real clock: a
    // course of up to three days that ended today, never before 1 January.
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00");
    let today = chrono::Utc::now().with_timezone(&shanghai).date_naive();
    let year = today.year();
    let new_year = chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    let start = (today - chrono::Duration::days(2)).max(new_year);
    let end = today;
    let before_start = start - chrono::Duration::days(1);
    // At most 6 hours a day, whatever the number of days.
    let (first_claim, final_claim) = ("6", "5.5");
    let course = format!("{year}年教育数字化转型专题研修");
    let files = tempfile::tempdir().expect("a directory for the certificate");
    let pdf = files.path().join(PDF_NAME);
    std::fs::write(&pdf, tiny_pdf()).expect("write the certificate");
    let pdf = pdf.display().to_string();
    browser
        .run(&app, "records_journey", |p| async move {
            let mut notes = Vec::new();

            // 1. zhangwei declares a course: a mistake first, then a draft, a certificate,
            // and 送审.
            p.goto("/login").await?;
            p.sign_in("zhangwei", PW).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            p.click_to_next_page(By::Css("#sidenav a[href='/me/records']"))
                .await?;
            assert_eq!(p.path().await?, "/me/records");
            assert_eq!(p.text("main h1").await?, "学时申报");
            let rows = p.rows().await?;
            assert!(
                rows.iter().any(|r| r.contains("已通过")),
                "the demo's records are listed: {rows:#?}"
            );
            shoot_noting(&p, "01-records", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText("申报学时")).await?;
            assert_eq!(p.path().await?, "/me/records/new");
            assert_eq!(p.text("main h1").await?, "申报学时");
            assert_eq!(p.value("#year").await?, year.to_string(), "this year first");
            p.choose("#category", "elective").await?;
            p.choose("#study_form", "网络培训").await?;
            p.fill("#course_name", &course).await?;
            p.fill("#institution_name", INSTITUTION).await?;
            set_date(&p, "#start_date", start).await?;
            set_date(&p, "#end_date", before_start).await?;
            p.fill("#claimed", first_claim).await?;
            // An elective is outside one's specialty.
            p.choose("#matches_specialty", "0").await?;
            p.fill("#content", "课堂教学中的数字化工具与资源建设")
                .await?;
            p.click_to_next_page(By::Css("main form button[name=intent][value=draft]"))
                .await?;

            assert_eq!(p.path().await?, "/me/records/new", "shown again");
            let summary = p.text(".error-summary").await?;
            assert!(summary.contains("请修改以下 1 处"), "{summary}");
            assert_eq!(p.field_error("end_date").await?, "结束日期不能早于开始日期");
            assert!(p.field_has_error("end_date").await?);
            assert!(!p.field_has_error("start_date").await?);
            assert!(!p.field_has_error("course_name").await?);
            assert_eq!(p.value("#course_name").await?, course, "the course is kept");
            assert_eq!(p.value("#institution_name").await?, INSTITUTION);
            assert_eq!(p.value("#category").await?, "elective");
            assert_eq!(p.value("#claimed").await?, first_claim);
            assert_eq!(
                p.value("#end_date").await?,
                before_start.format("%Y-%m-%d").to_string()
            );
            shoot_noting(&p, "02-record-new-errors", true, &mut notes).await?;

            set_date(&p, "#end_date", end).await?;
            p.click_to_next_page(By::Css("main form button[name=intent][value=draft]"))
                .await?;
            let here = p.path().await?;
            let id: i64 = here
                .strip_prefix("/me/records/")
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("a draft leads to its record page, not {here}"))?;
            let flash = p.flash().await?;
            assert!(flash.contains("已暂存"), "{flash}");
            assert_eq!(p.text("main h1 .badge").await?, "暂存");
            assert!(
                p.d.find_all(By::Css("main ul.files")).await?.is_empty(),
                "no attachment yet"
            );

            p.d.find(By::Css("input#file"))
                .await?
                .send_keys(&pdf)
                .await?;
            p.click_to_next_page(By::XPath(format!(
                "//form[@action='/me/records/{id}/attachments']//button[normalize-space()='上传']"
            )))
            .await?;
            assert_eq!(p.path().await?, here);
            assert_eq!(p.flash().await?, format!("已上传“{PDF_NAME}”。"));
            let listed = p.text("main ul.files").await?;
            assert!(
                listed.contains(PDF_NAME),
                "the certificate is listed: {listed}"
            );

            p.click_to_next_page(By::XPath(format!(
                "//form[@action='/me/records/{id}/submit']//button[normalize-space()='送审']"
            )))
            .await?;
            assert_eq!(p.path().await?, here);
            let flash = p.flash().await?;
            assert!(
                flash.contains("已送审") && flash.contains(YZ),
                "submitted to the school: {flash}"
            );
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let facts = p.text("main .facts").await?;
            assert!(
                facts.contains("选修科目") && facts.contains("6.0 学时"),
                "{facts}"
            );
            assert!(
                p.d.find_all(By::XPath("//main//button[normalize-space()='回收']"))
                    .await?
                    .len()
                    == 1,
                "a submitted record may be withdrawn"
            );
            shoot_noting(&p, "03-record-submitted", true, &mut notes).await?;

            // 2. Her years: this year's row, with the new hours waiting.
            p.click_to_next_page(By::Css("#sidenav a[href='/me/verification']"))
                .await?;
            assert_eq!(p.path().await?, "/me/verification");
            assert_eq!(p.text("main h1").await?, "年度验证");
            let elective_before = tenths(&verification_cell(&p, year, "选修科目").await?)?;
            let total_before = tenths(&verification_cell(&p, year, "合计").await?)?;
            let pending = tenths(&verification_cell(&p, year, "待审").await?)?;
            assert!(pending >= 60, "the 6 hours wait: {pending} tenths");
            shoot_noting(&p, "04-verification", true, &mut notes).await?;
            p.sign_out().await?;

            // 3. The school returns it with a preset opinion.
            p.sign_in("yizhong", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(YZ).await?;
            let waiting = p.todo_count("待审核的学时记录").await?;
            assert!(waiting.is_some_and(|n| n > 0), "{waiting:?}");
            shoot_noting(&p, "05-yizhong-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待审核的学时记录"))
                .await?;
            assert_eq!(p.path().await?, "/org/records");
            assert_eq!(p.text("main h1").await?, "学时审核");
            let bar = p.text("main .bulk-bar").await?;
            assert!(bar.contains("全选本页待审"), "{bar}");
            let queue = p.rows().await?;
            assert!(
                queue.first().is_some_and(|r| r.contains(&course)
                    && r.contains("张伟")
                    && r.contains("待审")),
                "the newest submission comes first: {queue:#?}"
            );
            shoot_noting(&p, "06-queue", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText(&course)).await?;
            assert_eq!(p.path().await?, format!("/org/records/{id}"));
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let listed = p.text("main ul.files").await?;
            assert!(
                listed.contains(PDF_NAME),
                "the unit sees the certificate: {listed}"
            );
            p.choose("#preset", RETURN_OPINION).await?;
            p.wait_js(
                "the preset opinion to fill the opinion",
                &format!(
                    "document.getElementById('opinion').value === {}",
                    serde_json::json!(RETURN_OPINION)
                ),
            )
            .await?;
            assert_eq!(p.value("textarea#opinion").await?, RETURN_OPINION);
            p.d.find(By::Css("input[name=decision][value=return]"))
                .await?
                .click()
                .await?;
            shoot_noting(&p, "07-review", true, &mut notes).await?;
            p.click_to_next_page(By::XPath("//main//button[normalize-space()='提交审核']"))
                .await?;
            assert_eq!(p.path().await?, "/org/records", "{}", p.body_text().await?);
            let flash = p.flash().await?;
            assert!(flash.contains("已审核"), "{flash}");
            assert_eq!(flash, "已审核：张伟，不同意并退案。");
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(&course)),
                "the returned record leaves the queue"
            );
            p.sign_out().await?;

            // 4. zhangwei corrects it and submits again.
            p.sign_in("zhangwei", PW).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            assert_eq!(p.todo_count("退回待修改的学时记录").await?, Some(1));
            shoot_noting(&p, "08-zhangwei-home-returned", false, &mut notes).await?;
            p.click_to_next_page(By::PartialLinkText("退回待修改的学时记录"))
                .await?;
            assert_eq!(p.path().await?, "/me/records");
            let rows = p.rows().await?;
            assert!(
                rows.len() == 1 && rows[0].contains(&course) && rows[0].contains("已退回修改"),
                "{rows:#?}"
            );
            p.click_to_next_page(By::LinkText(&course)).await?;
            assert_eq!(p.path().await?, here);
            assert_eq!(p.text("main h1 .badge").await?, "已退回修改");
            let notice = p.text("main .notice").await?;
            assert!(notice.contains(RETURN_OPINION), "{notice}");
            shoot_noting(&p, "09-record-returned", true, &mut notes).await?;

            p.click_to_next_page(By::LinkText("修改")).await?;
            assert_eq!(p.path().await?, format!("{here}/edit"));
            assert_eq!(p.text("main h1").await?, "修改学时记录");
            let notice = p.text("main .notice").await?;
            assert!(
                notice.contains("单位退回修改的意见") && notice.contains(RETURN_OPINION),
                "{notice}"
            );
            assert_eq!(p.value("#course_name").await?, course);
            assert_eq!(p.value("#claimed").await?, first_claim);
            p.fill("#claimed", final_claim).await?;
            shoot_noting(&p, "10-record-edit", true, &mut notes).await?;
            p.click_to_next_page(By::Css("main form button[name=intent][value=submit]"))
                .await?;
            assert_eq!(p.path().await?, here, "{}", p.body_text().await?);
            let flash = p.flash().await?;
            assert!(flash.contains("已保存并送审"), "{flash}");
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let facts = p.text("main .facts").await?;
            assert!(facts.contains("5.5 学时"), "{facts}");
            p.sign_out().await?;

            // 5. The school approves it with the rest of the page, in one go.
            p.sign_in("yizhong", PW).await?;
            p.act_for(YZ).await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/org/records']"))
                .await?;
            assert_eq!(p.path().await?, "/org/records");
            let mine =
                p.d.find(By::Css(format!("input[name=record][value='{id}']")))
                    .await?;
            mine.click().await?;
            assert!(mine.is_selected().await?, "the record is ticked");
            p.d.find(By::Css("input[data-select-all=record]"))
                .await?
                .click()
                .await?;
            let boxes = p.d.find_all(By::Css("input[name=record]")).await?;
            for b in &boxes {
                assert!(b.is_selected().await?, "select-all ticks every waiting row");
            }
            let n = boxes.len();
            p.choose("main .bulk-bar select[name=decision]", "approve")
                .await?;
            shoot_noting(&p, "11-queue-selected", true, &mut notes).await?;
            let question = p
                .click_confirmed(By::XPath(
                    "//div[@class='bulk-bar']//button[normalize-space()='提交所选']",
                ))
                .await?;
            assert_eq!(
                question,
                "确定对所选记录提交审核结果吗？同意时按申报学时认定。"
            );
            assert_eq!(p.path().await?, "/org/records", "{}", p.body_text().await?);
            assert_eq!(p.flash().await?, format!("已同意 {n} 条记录。"));
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(&course)),
                "the approved record leaves the queue"
            );
            shoot_noting(&p, "12-queue-approved", true, &mut notes).await?;

            p.click_to_next_page(By::Css("main .page-actions a[href='/org/verification']"))
                .await?;
            assert_eq!(p.path().await?, "/org/verification");
            assert_eq!(p.text("main h1").await?, format!("年度验证（{year}年度）"));
            let staff = p.rows().await?;
            assert!(staff.iter().any(|r| r.contains("张伟")), "{staff:#?}");
            shoot_noting(&p, "13-org-verification", true, &mut notes).await?;

            p.goto("/org/records").await?;
            p.click_to_next_page(By::LinkText("批量申报")).await?;
            assert_eq!(p.path().await?, "/org/records/import");
            assert_eq!(p.text("main h1").await?, "批量申报");
            assert!(p.displayed("input#file").await?);
            shoot_noting(&p, "14-import", true, &mut notes).await?;
            // A workbook with mistakes: the preview names each row's and cell's errors.
            let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/import_errors.xlsx");
            p.d.find(By::Css("input#file"))
                .await?
                .send_keys(fixture.to_string_lossy())
                .await?;
            p.submit().await?;
            assert!(
                p.path().await?.starts_with("/org/records/import/"),
                "the preview of the upload: {}",
                p.body_text().await?
            );
            shoot_noting(&p, "14b-import-preview", true, &mut notes).await?;
            p.goto("/org/records/settings").await?;
            shoot_noting(&p, "14c-review-settings", true, &mut notes).await?;
            p.sign_out().await?;

            // 6. The approved hours count in zhangwei's year.
            p.sign_in("zhangwei", PW).await?;
            p.goto("/me/verification").await?;
            let elective = tenths(&verification_cell(&p, year, "选修科目").await?)?;
            let total = tenths(&verification_cell(&p, year, "合计").await?)?;
            assert_eq!(elective, elective_before + 55, "5.5 elective hours counted");
            assert!(total >= total_before + 55, "{total} after {total_before}");
            shoot_noting(&p, "15-verification-approved", true, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "records_journey: at {} px {}",
                NARROW.0,
                if notes.is_empty() {
                    "nothing sticks out".to_owned()
                } else {
                    format!("these stick out:\n  {}", notes.join("\n  "))
                }
            );
            Ok(())
        })
        .await;
}

// ---------------------------------------------------------------------------------------
// Cycle verification: apply, unit initial review, return by the department, resubmit, the
// chain up to the city HR bureau (its decision in a batch)

/// On an application's review page (/org/cycles/{id}): chooses the decision, writes the
/// opinion, submits, and checks that the queue comes back with the flash of the decision.
async fn decide_cycle(
    p: &Page,
    decision: &str,
    opinion: &str,
    person: &str,
    result: &str,
) -> anyhow::Result<()> {
    p.d.find(By::Css(format!("input[name=decision][value={decision}]")))
        .await?
        .click()
        .await?;
    p.fill("textarea#opinion", opinion).await?;
    p.click_to_next_page(By::XPath("//main//button[normalize-space()='提交审核']"))
        .await?;
    anyhow::ensure!(
        p.path().await? == "/org/cycles",
        "a decision leads back to the queue; page says: {}",
        p.body_text().await?
    );
    let flash = p.flash().await?;
    anyhow::ensure!(
        flash == format!("已审核：{person}，{result}。"),
        "flash after {decision}: {flash}"
    );
    Ok(())
}

/// Opens an application from the queue by the person's name, checks that it waits here.
async fn open_cycle(p: &Page, id: i64, person: &str, state: &str) -> anyhow::Result<()> {
    let link =
        p.d.find(By::Css(format!("table.list a[href='/org/cycles/{id}']")))
            .await
            .with_context(|| format!("application {id} in the queue"))?;
    anyhow::ensure!(link.text().await? == person, "the link names {person}");
    p.click_to_next_page(By::Css(format!("table.list a[href='/org/cycles/{id}']")))
        .await?;
    anyhow::ensure!(p.path().await? == format!("/org/cycles/{id}"));
    let badge = p.text("main h1 .badge").await?;
    anyhow::ensure!(badge == state, "the application is {state}: {badge}");
    anyhow::ensure!(
        p.d.find_all(By::Css("input[name=decision][value=approve]"))
            .await?
            .len()
            == 1,
        "this level may decide"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn cycle_journey() {
    use chrono::Datelike;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const ZW: &str = "张伟";
    const YZ: &str = "广州市第一中学";
    const GZJY: &str = "广州市教育局";
    const GZHR: &str = "广州市人力资源和社会保障局";
    const TARGET: &str = "中学高级教师";
    const RETURN_OPINION: &str = "请补充学时证明";
    // Today as the app reckons it (Asia/Shanghai, from the real clock); the current
    // qualification obtained six years ago. A school teacher's years stop at last year,
    // and the latest five count.
    let today = app.state.today();
    let year = today.year();
    let obtained = today
        .checked_sub_months(chrono::Months::new(6 * 12))
        .expect("six years ago");
    let years = format!("{}年—{}年", year - 5, year - 1);
    browser
        .run(&app, "cycle_journey", |p| async move {
            let mut notes = Vec::new();

            // 1. zhangwei computes his hours, then applies.
            p.goto("/login").await?;
            p.sign_in("zhangwei", PW).await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            p.click_to_next_page(By::Css("#sidenav a[href='/me/cycles']"))
                .await?;
            assert_eq!(p.path().await?, "/me/cycles");
            assert_eq!(p.text("main h1").await?, "周期验证");
            assert_eq!(
                p.text("main .empty").await?,
                "还没有周期验证申请。",
                "no application yet"
            );
            shoot_noting(&p, "01-mine-empty", false, &mut notes).await?;

            p.click_to_next_page(By::LinkText("申请周期验证")).await?;
            assert_eq!(p.path().await?, "/me/cycles/new");
            assert_eq!(p.text("main h1").await?, "周期验证申请");
            let hint = p.text("main .form-card > p.hint").await?;
            assert!(
                hint.contains("中学一级教师"),
                "the current qualification: {hint}"
            );
            p.choose("select#promotion", "senior").await?;
            p.choose("select#target_level", "fugao").await?;
            p.fill("input#target_qualification", TARGET).await?;
            p.choose("select#discipline", "social").await?;
            set_date(&p, "input#qualification_date", obtained).await?;
            shoot_noting(&p, "02-apply-filled", true, &mut notes).await?;

            p.click_to_next_page(By::Css("main form button[name=intent][value=preview]"))
                .await?;
            assert_eq!(p.path().await?, "/me/cycles/new", "the figures on the form");
            assert!(
                p.d.find_all(By::Css(".error-summary")).await?.is_empty(),
                "no errors: {}",
                p.body_text().await?
            );
            let figures = p.text("main section.table-wrap").await?;
            for label in ["学时情况（截至今天）", "验证年度", "要求学时", "结论"]
            {
                assert!(figures.contains(label), "{label} shown: {figures}");
            }
            assert!(figures.contains(&years), "the years {years}: {figures}");
            assert_eq!(
                p.d.find_all(By::Css("main section.table-wrap table.list tbody tr"))
                    .await?
                    .len(),
                5,
                "one line a year"
            );
            // The form keeps what was chosen.
            assert_eq!(p.value("#promotion").await?, "senior");
            assert_eq!(p.value("#target_level").await?, "fugao");
            assert_eq!(p.value("#target_qualification").await?, TARGET);
            assert_eq!(p.value("#discipline").await?, "social");
            assert_eq!(
                p.value("#qualification_date").await?,
                obtained.format("%Y-%m-%d").to_string()
            );
            shoot_noting(&p, "03-apply-preview", true, &mut notes).await?;

            p.click_to_next_page(By::Css("main form button[name=intent][value=submit]"))
                .await?;
            let here = p.path().await?;
            let id: i64 = here
                .strip_prefix("/me/cycles/")
                .and_then(|s| s.parse().ok())
                .with_context(|| format!("submitting leads to the application, not {here}"))?;
            let flash = p.flash().await?;
            assert!(flash.contains("已提交") && flash.contains(YZ), "{flash}");
            assert_eq!(p.text("main h1").await?, format!("{ZW}：{TARGET} 待审"));
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            let facts = p.text("main .facts").await?;
            assert!(
                facts.contains("中级晋升副高") && facts.contains(YZ),
                "{facts}"
            );
            assert_eq!(
                p.d.find_all(By::XPath("//main//button[normalize-space()='回收']"))
                    .await?
                    .len(),
                1,
                "no one has reviewed it: it may be withdrawn"
            );
            let frozen = p.text("main section.table-wrap h2").await?;
            assert_eq!(frozen, "申请时的学时情况");
            shoot_noting(&p, "04-applied", true, &mut notes).await?;
            p.sign_out().await?;

            // 2. The school's initial review: the frozen figures beside today's; 通过.
            p.sign_in("yizhong", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(YZ).await?;
            let waiting = p.todo_count("待审核的周期验证申请").await?;
            assert!(waiting.is_some_and(|n| n >= 1), "{waiting:?}");
            shoot_noting(&p, "05-yizhong-home", false, &mut notes).await?;

            p.click_to_next_page(By::PartialLinkText("待审核的周期验证申请"))
                .await?;
            assert_eq!(p.path().await?, "/org/cycles");
            assert_eq!(p.text("main h1").await?, "周期验证审核");
            let queue = p.rows().await?;
            assert!(
                queue.iter().any(|r| r.contains(ZW)
                    && r.contains(TARGET)
                    && r.contains(&years)
                    && r.contains("待审")),
                "{queue:#?}"
            );
            shoot_noting(&p, "06-yizhong-queue", true, &mut notes).await?;

            open_cycle(&p, id, ZW, "待审").await?;
            let h2s = p.d.find_all(By::Css("main section h2")).await?;
            let mut titles = Vec::new();
            for h in &h2s {
                titles.push(h.text().await?);
            }
            assert!(titles.iter().any(|t| t == "申请时的学时情况"), "{titles:?}");
            assert!(
                titles.iter().any(|t| t == "今天的学时情况 与申请时相同"),
                "today's figures, the same as at the submission: {titles:?}"
            );
            shoot_noting(&p, "07-yizhong-review", true, &mut notes).await?;
            decide_cycle(&p, "approve", "", ZW, "通过").await?;
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(ZW)),
                "the application leaves the school's queue"
            );
            p.sign_out().await?;

            // 3. The education bureau returns it (退案) with an opinion.
            p.sign_in("gzjy", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(GZJY).await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/org/cycles']"))
                .await?;
            assert_eq!(p.path().await?, "/org/cycles");
            let queue = p.rows().await?;
            assert!(
                queue
                    .iter()
                    .any(|r| r.contains(ZW) && r.contains(YZ) && r.contains("办理中")),
                "{queue:#?}"
            );
            shoot_noting(&p, "08-gzjy-queue", true, &mut notes).await?;
            open_cycle(&p, id, ZW, "办理中").await?;
            p.d.find(By::Css("input[name=decision][value=return]"))
                .await?
                .click()
                .await?;
            p.fill("textarea#opinion", RETURN_OPINION).await?;
            shoot_noting(&p, "09-gzjy-return", true, &mut notes).await?;
            decide_cycle(&p, "return", RETURN_OPINION, ZW, "退案").await?;
            p.sign_out().await?;

            // 4. zhangwei sees the opinion and sends it again.
            p.sign_in("zhangwei", PW).await?;
            p.goto("/me/cycles").await?;
            let rows = p.rows().await?;
            assert!(
                rows.len() == 1 && rows[0].contains("待审(退案)"),
                "{rows:#?}"
            );
            p.click_to_next_page(By::Css(format!("table.list a[href='{here}']")))
                .await?;
            assert_eq!(p.path().await?, here);
            assert_eq!(p.text("main h1 .badge").await?, "待审(退案)");
            let notice = p.text("main .notice").await?;
            assert!(notice.contains(RETURN_OPINION), "{notice}");
            shoot_noting(&p, "10-returned", true, &mut notes).await?;
            p.click_to_next_page(By::XPath(format!(
                "//form[@action='{here}/resubmit']//button[normalize-space()='重新送审']"
            )))
            .await?;
            assert_eq!(p.path().await?, here);
            let flash = p.flash().await?;
            assert!(flash.contains("已重新送审"), "{flash}");
            assert_eq!(p.text("main h1 .badge").await?, "待审");
            shoot_noting(&p, "11-resubmitted", false, &mut notes).await?;
            p.sign_out().await?;

            // 5. Up the chain again: the school, the bureau.
            for (login, org, state, shot) in [
                ("yizhong", YZ, "待审", "12-yizhong-again"),
                ("gzjy", GZJY, "办理中", "13-gzjy-again"),
            ] {
                p.sign_in(login, PW).await?;
                p.act_for(org).await?;
                p.goto("/org/cycles").await?;
                open_cycle(&p, id, ZW, state).await?;
                shoot_noting(&p, shot, true, &mut notes).await?;
                decide_cycle(&p, "approve", "", ZW, "通过").await?;
                p.sign_out().await?;
            }

            // 6. The city HR bureau approves in a batch: the last level.
            p.sign_in("gzhr", PW).await?;
            assert_eq!(p.path().await?, "/act", "{}", p.body_text().await?);
            p.act_for(GZHR).await?;
            let waiting = p.todo_count("待审核的周期验证申请").await?;
            assert!(waiting.is_some_and(|n| n >= 1), "{waiting:?}");
            p.click_to_next_page(By::Css("#sidenav a[href='/org/cycles']"))
                .await?;
            assert_eq!(p.path().await?, "/org/cycles");
            let bar = p.text("main .bulk-bar").await?;
            assert!(bar.contains("全选本页"), "{bar}");
            let mine =
                p.d.find(By::Css(format!("input[name=cycle][value='{id}']")))
                    .await?;
            mine.click().await?;
            assert!(mine.is_selected().await?, "the application is ticked");
            assert_eq!(
                p.value("main .bulk-bar select[name=decision]").await?,
                "approve",
                "通过 first"
            );
            shoot_noting(&p, "14-gzhr-queue-selected", true, &mut notes).await?;
            let question = p
                .click_confirmed(By::XPath(
                    "//div[@class='bulk-bar']//button[normalize-space()='提交所选']",
                ))
                .await?;
            assert_eq!(question, "确定对所选申请提交审核结果吗？");
            assert_eq!(p.path().await?, "/org/cycles", "{}", p.body_text().await?);
            let flash = p.flash().await?;
            assert!(flash.contains("已审核 1 份申请"), "{flash}");
            assert_eq!(flash, "已审核 1 份申请：通过。");
            assert!(
                !p.rows().await?.iter().any(|r| r.contains(ZW)),
                "the approved application leaves the queue"
            );
            shoot_noting(&p, "15-gzhr-queue-done", false, &mut notes).await?;
            p.sign_out().await?;

            // 7. zhangwei's application is approved, with every step in its trail.
            p.sign_in("zhangwei", PW).await?;
            p.goto("/me/cycles").await?;
            let rows = p.rows().await?;
            assert!(rows.len() == 1 && rows[0].contains("通过"), "{rows:#?}");
            assert_eq!(p.text("table.list td[data-label='状态']").await?, "通过");
            shoot_noting(&p, "16-mine-approved", false, &mut notes).await?;
            p.click_to_next_page(By::Css(format!("table.list a[href='{here}']")))
                .await?;
            assert_eq!(p.text("main h1 .badge").await?, "通过");
            let trail =
                p.d.find_all(By::XPath(
                    "//section[h2[normalize-space()='审批流程']]//tbody/tr",
                ))
                .await?;
            assert_eq!(trail.len(), 7, "申请, 3 reviews, 重新送审, 2 reviews");
            shoot_noting(&p, "17-approved", true, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "cycle_journey: at {} px {}",
                NARROW.0,
                if notes.is_empty() {
                    "nothing sticks out".to_owned()
                } else {
                    format!("these stick out:\n  {}", notes.join("\n  "))
                }
            );
            Ok(())
        })
        .await;
}

/// Asks the server for `path` with the page's cookies and answers (status, content type).
async fn fetch_head(p: &Page, path: &str) -> anyhow::Result<(u64, String)> {
    let v = p
        .js(&format!(
            "var x = new XMLHttpRequest(); x.open('GET', {}, false); x.send(); \
             return [x.status, x.getResponseHeader('content-type') || ''];",
            serde_json::json!(path)
        ))
        .await?;
    Ok((
        v[0].as_u64().unwrap_or(0),
        v[1].as_str().unwrap_or("").to_owned(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn certificate_journey() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    let last_year = app
        .state
        .today()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year")
        - 1;
    // The demo regenerated one certificate of the school's staff: its first version stays
    // verifiable, as superseded.
    let yz = org_id(&app.state.store, "广州市第一中学")
        .await
        .expect("the school");
    let staff = app
        .state
        .store
        .staff_certificates(
            &store::records::StaffYearFilter {
                within: yz,
                year: last_year,
                page: 1,
                per_page: 200,
                ..Default::default()
            },
            true,
        )
        .await
        .expect("staff");
    let mut superseded = None;
    for r in &staff.items {
        for c in app
            .state
            .store
            .certificates_of(r.account_id)
            .await
            .expect("db")
        {
            if c.state == "superseded" {
                superseded = Some(c.code.clone());
            }
        }
    }
    assert!(
        superseded.is_some(),
        "the demo has a superseded certificate"
    );
    browser
        .run(&app, "certificate_journey", |p| async move {
            let mut notes = Vec::new();

            // 1. zhangwei issues last year's certificate and opens its PDF.
            p.goto("/login").await?;
            p.sign_in("zhangwei", PW).await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/me/certificates']"))
                .await?;
            assert_eq!(p.text("main h1").await?, "继续教育证书");
            shoot_noting(&p, "01-mine", false, &mut notes).await?;
            p.click_to_next_page(By::XPath(format!(
                "//table[contains(@class,'list')]//tr[td[@data-label='年度'][normalize-space()='{last_year}']]\
                 //button[normalize-space()='生成证书']"
            )))
            .await?;
            assert!(p.path().await?.starts_with("/me/certificates/"));
            assert!(p.flash().await?.contains("已生成证书"), "{}", p.flash().await?);
            let body = p.text("section.certificate").await?;
            assert!(body.contains("张伟") && body.contains("达标"), "{body}");
            let code = p.text(".cert-foot strong").await?;
            assert_eq!(code.len(), 12, "a 12-character code: {code}");
            let pdf = p
                .d
                .find(By::LinkText("下载打印（PDF）"))
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            assert_eq!(
                fetch_head(&p, &pdf).await?,
                (200, "application/pdf".to_owned())
            );
            shoot_noting(&p, "02-certificate", true, &mut notes).await?;
            p.sign_out().await?;

            // 2. Anyone checks it on the public page, typing the code as read off the paper.
            p.goto("/verify").await?;
            let typed = format!("{} {}", code[..6].to_lowercase(), &code[6..]);
            p.fill("#code", &typed).await?;
            p.submit().await?;
            assert_eq!(p.path().await?, format!("/verify/{code}"));
            let shown = p.text("main").await?;
            assert!(shown.contains("有效") && shown.contains("张*"), "{shown}");
            assert!(!shown.contains("张伟"), "the name is masked");
            shoot_noting(&p, "03-verify-valid", false, &mut notes).await?;
            p.goto("/verify/AAAAAAAAAAAA").await?;
            assert!(p.body_text().await?.contains("未找到该证书"));
            if let Some(old) = &superseded {
                p.goto(&format!("/verify/{old}")).await?;
                let shown = p.text("main").await?;
                assert!(shown.contains("已作废"), "{shown}");
                shoot_noting(&p, "04-verify-superseded", false, &mut notes).await?;
            }

            // 3. The unit prints: recount (nothing changed), then a batch as one ZIP.
            p.goto("/login").await?;
            p.sign_in("yizhong", PW).await?;
            p.goto("/act").await?;
            p.act_for("广州市第一中学").await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/org/certificates']"))
                .await?;
            assert_eq!(
                p.text("main h1").await?,
                format!("继续教育证书打印（{last_year}年度）")
            );
            let rows = p.rows().await?;
            assert!(rows.iter().any(|r| r.contains("张伟")), "{rows:#?}");
            shoot_noting(&p, "05-unit-list", false, &mut notes).await?;
            p.click_to_next_page(By::XPath(
                "//tr[td[@data-label='姓名'][starts-with(normalize-space(), '张伟')]]//button[normalize-space()='重新统计']",
            ))
            .await?;
            assert!(p.flash().await?.contains("无需更新"), "{}", p.flash().await?);
            p.click_to_next_page(By::XPath(format!(
                "//button[normalize-space()='批量打印{last_year}年度证书（ZIP）']"
            )))
            .await?;
            assert!(p.path().await?.starts_with("/org/certificates/batch/"));
            p.wait_js(
                "the batch to finish",
                "document.body.innerText.indexOf('已完成') >= 0",
            )
            .await?;
            p.settled().await?;
            let zip = p
                .d
                .find(By::LinkText("下载压缩包（ZIP）"))
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            assert_eq!(
                fetch_head(&p, &zip).await?,
                (200, "application/zip".to_owned())
            );
            shoot_noting(&p, "06-batch-done", false, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "certificate_journey: at {} px {}",
                NARROW.0,
                if notes.is_empty() {
                    "nothing sticks out".to_owned()
                } else {
                    format!("these stick out:\n  {}", notes.join("\n  "))
                }
            );
            Ok(())
        })
        .await;
}
