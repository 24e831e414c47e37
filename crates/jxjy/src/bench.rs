//! `jxjy bench`: prints performance figures; never a pass/fail test. It runs on a
//! scratch SQLite database of its own, so it can be run anywhere without touching data.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use tower::ServiceExt;
use web::{AppState, CaptchaMode, Config};

pub async fn run(
    signins: usize,
    pages: usize,
    staff: u64,
    postgres: Option<&str>,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("jxjy-bench-{}", std::process::id()));
    let url = format!("sqlite://{}/bench.db", dir.display());
    let app = scratch_app(&url).await?;
    let mut result = measure(&app, signins, pages).await;
    if result.is_ok() && staff > 0 {
        println!("\n== staff lists over {staff} persons, SQLite");
        result = staff_lists(&app, staff).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    if let (Some(base), true) = (postgres, staff > 0) {
        let name = format!("jxjy_bench_{}", std::process::id());
        let admin = store::Store::connect(base).await?;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        let url = format!(
            "{}/{name}",
            base.trim_end_matches('/')
                .rsplit_once('/')
                .map(|(h, _)| h)
                .unwrap_or(base)
        );
        println!("\n== staff lists over {staff} persons, PostgreSQL");
        let outcome = async {
            let app = scratch_app(&url).await?;
            staff_lists(&app, staff).await
        }
        .await;
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await?;
        outcome?;
    }
    Ok(())
}

async fn scratch_app(url: &str) -> anyhow::Result<AppState> {
    let store = store::Store::connect(url).await?;
    store.migrate().await?;
    let config = Config {
        captcha: CaptchaMode::Off,
        ..Config::default()
    };
    let app = AppState::new(store, config);
    web::demo::load(&app).await?;
    Ok(app)
}

/// Seeds `n` persons over the demo units and times the staff lists that units,
/// a city bureau and the province open, as the pages run them.
async fn staff_lists(app: &AppState, n: u64) -> anyhow::Result<()> {
    use store::bindings::StaffFilter;
    use store::organizations::OrgFilter;
    let units: Vec<i64> = app
        .store
        .organizations(&OrgFilter {
            kind: Some("unit".into()),
            status: Some("approved".into()),
            per_page: 100,
            ..Default::default()
        })
        .await?
        .items
        .iter()
        .map(|o| o.id)
        .collect();
    let started = Instant::now();
    app.store.seed_bench_staff(&units, n, app.now()).await?;
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    let org = |name: &'static str| {
        let store = app.store.clone();
        async move {
            store
                .organizations(&OrgFilter {
                    name: Some(name.into()),
                    per_page: 1,
                    ..Default::default()
                })
                .await
                .ok()
                .and_then(|p| p.items.into_iter().next())
                .map(|o| o.id)
                .ok_or_else(|| anyhow::anyhow!("no demo organisation {name}"))
        }
    };
    let unit = org("广州市第一中学").await?;
    let city = org("广州市人力资源和社会保障局").await?;
    let province = org("广东省人力资源和社会保障厅").await?;
    let cases: Vec<(&str, StaffFilter)> = vec![
        (
            "a unit, first page",
            StaffFilter {
                within: unit,
                per_page: 20,
                page: 1,
                ..Default::default()
            },
        ),
        (
            "a city bureau, first page",
            StaffFilter {
                within: city,
                per_page: 20,
                page: 1,
                ..Default::default()
            },
        ),
        (
            "the province, first page",
            StaffFilter {
                within: province,
                per_page: 20,
                page: 1,
                ..Default::default()
            },
        ),
        (
            "the province, page 2000",
            StaffFilter {
                within: province,
                per_page: 20,
                page: 2000,
                ..Default::default()
            },
        ),
        (
            "the province, sorted by name",
            StaffFilter {
                within: province,
                per_page: 20,
                page: 1,
                sort: Some("name".into()),
                ..Default::default()
            },
        ),
        (
            "the province, name contains",
            StaffFilter {
                within: province,
                per_page: 20,
                page: 1,
                name: Some("人员9999".into()),
                ..Default::default()
            },
        ),
        (
            "the province, exact document number",
            StaffFilter {
                within: province,
                per_page: 20,
                page: 1,
                doc_number: Some("BENCH77777".into()),
                ..Default::default()
            },
        ),
        (
            "a unit, series and level",
            StaffFilter {
                within: unit,
                per_page: 20,
                page: 1,
                series_code: Some("gongcheng".into()),
                level_code: Some("fugao".into()),
                ..Default::default()
            },
        ),
    ];
    for (label, f) in &cases {
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..7 {
            let t = Instant::now();
            total = app.store.staff(f).await?.total;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{label:<40} {total:>7} rows  median {:>7.2} ms  (aim: under 50 ms)",
            ms(times[times.len() / 2])
        );
    }
    println!("query plan of the province's first page:");
    for line in app.store.explain_staff(&cases[2].1).await? {
        println!("  {line}");
    }
    Ok(())
}

async fn measure(app: &AppState, signins: usize, pages: usize) -> anyhow::Result<()> {
    let p = &app.config.argon2;
    println!(
        "argon2id parameters: m = {} KiB, t = {}, p = {}",
        p.memory_kib, p.iterations, p.parallelism
    );
    let hash = web::password_hash::hash_blocking(p, "Bench2026pw")?;

    // One core: verifications back to back on this thread.
    let started = Instant::now();
    for _ in 0..signins {
        web::password_hash::verify_blocking("Bench2026pw", &hash);
    }
    let per_core = signins as f64 / started.elapsed().as_secs_f64();
    println!("password verifications, one core: {per_core:.1} per second (aim: at least 20)");

    // All cores: whole sign-ins through the router (page, form, hash, session, audit).
    let router = web::router(app.clone());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..cores {
        let router = router.clone();
        let n = signins / cores + usize::from(worker < signins % cores);
        tasks.push(tokio::spawn(async move {
            for _ in 0..n {
                sign_in(&router, "zhangwei", "Study2026gd").await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let rate = signins as f64 / started.elapsed().as_secs_f64();
    println!(
        "HTTP sign-ins on {cores} cores: {rate:.1} per second ({:.1} per core)",
        rate / cores as f64
    );

    // The signed-in home page, measured inside the server (no network).
    let cookie = sign_in(&router, "zhangwei", "Study2026gd").await?;
    let mut times = Vec::with_capacity(pages);
    for _ in 0..pages {
        let req = Request::get("/")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())?;
        let t = Instant::now();
        let res = router.clone().oneshot(req).await?;
        let _ = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    let pct = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "signed-in home page over {pages} requests: mean {:.2} ms, p50 {:.2} ms, p95 {:.2} ms (aim: under 5 ms)",
        ms(mean),
        ms(pct(0.5)),
        ms(pct(0.95))
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Signs in like a browser and returns the session cookie.
async fn sign_in(router: &axum::Router, login: &str, password: &str) -> anyhow::Result<String> {
    let res = router
        .clone()
        .oneshot(Request::get("/login").body(Body::empty())?)
        .await?;
    let cookie = session_cookie(&res).ok_or_else(|| anyhow::anyhow!("no session cookie"))?;
    let html = String::from_utf8(
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await?
            .to_vec(),
    )?;
    let marker = "name=\"csrf\" value=\"";
    let at = html
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no csrf"))?
        + marker.len();
    let csrf = &html[at..at + 64];
    let body = format!("csrf={csrf}&identifier={login}&password={password}&captcha=&next=");
    let res = router
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::COOKIE, &cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))?,
        )
        .await?;
    if res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        != Some("/")
    {
        anyhow::bail!("sign-in did not succeed: {}", res.status());
    }
    session_cookie(&res).ok_or_else(|| anyhow::anyhow!("no session after sign-in"))
}

fn session_cookie(res: &axum::response::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("jxjy_sid=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}
