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
            .run_and_quit(move |d| {
                journey(Page {
                    d,
                    base,
                    shots,
                    audited: Default::default(),
                })
            })
            .await;
        if let Err(e) = result {
            panic!("{test}: {e:#}");
        }
    }
}

/// axe-core's script, installed by `scripts/setup --tests` from the version pinned in
/// `tests/axe/package-lock.json`; read once.
fn axe_source() -> anyhow::Result<&'static str> {
    static SOURCE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    SOURCE
        .get_or_init(|| {
            std::fs::read_to_string(&path).map_err(|e| {
                format!(
                    "{}: {e}; run `bash scripts/setup --tests` (it installs axe-core with npm)",
                    path.display()
                )
            })
        })
        .as_deref()
        .map_err(|e| anyhow::anyhow!("{e}"))
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
    /// The pages axe-core has already checked (address, title and size of the markup), so
    /// that a page seen again unchanged is not checked twice.
    audited: std::sync::Mutex<std::collections::HashSet<String>>,
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
        .await?;
        self.accessible().await
    }

    /// Runs axe-core's WCAG 2.1 A and AA rules on the page and fails on any violation, so
    /// that every page a journey visits stays usable with a screen reader, a keyboard and
    /// weak eyes.
    async fn accessible(&self) -> anyhow::Result<()> {
        let seen = self
            .js("return document.contentType === 'text/html' ? \
                 location.pathname + location.search + '|' + document.title + '|' + \
                 document.documentElement.outerHTML.length : null;")
            .await?;
        let Some(key) = seen.as_str() else {
            return Ok(()); // a PDF or an image shown by the browser
        };
        if !self
            .audited
            .lock()
            .map_err(|_| anyhow::anyhow!("audit set poisoned"))?
            .insert(key.to_owned())
        {
            return Ok(());
        }
        if self.js("return !!window.axe;").await?.as_bool() != Some(true) {
            self.js(axe_source()?).await.context("load axe-core")?;
        }
        let found = self
            .d
            .execute_async(
                "var done = arguments[arguments.length - 1]; \
                 axe.run(document, { runOnly: { type: 'tag', \
                   values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, \
                   resultTypes: ['violations'] }) \
                 .then(function (r) { done(r.violations.map(function (v) { \
                   return v.id + ' (' + v.impact + '): ' + v.help + ' — ' + \
                     v.nodes.slice(0, 5).map(function (n) { \
                       return n.target.join(' ') + (n.failureSummary ? ' [' + \
                         n.failureSummary.replace(/\\s+/g, ' ') + ']' : ''); \
                     }).join('; '); })); }) \
                 .catch(function (e) { done(['axe-core failed: ' + e]); });",
                Vec::<serde_json::Value>::new(),
            )
            .await
            .context("run axe-core")?;
        let violations: Vec<String> = found
            .json()
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        anyhow::ensure!(
            violations.is_empty(),
            "accessibility (axe-core, WCAG 2.1 AA) on {}:\n{}",
            key.split('|').next().unwrap_or(key),
            violations.join("\n")
        );
        Ok(())
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

// ---------------------------------------------------------------------------------------
// Journeys, one file each

mod accounts;
mod admin;
mod certificates;
mod cycles;
mod orgs;
mod records;
mod units;
