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
    records: u64,
    import: usize,
    certificates: u64,
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
    if result.is_ok() && records > 0 {
        println!("\n== CE records: {records} records, SQLite");
        // A scratch database of its own, so that neither benchmark's rows weigh on the other.
        result = async {
            let app = scratch_app(&format!("sqlite://{}/records.db", dir.display())).await?;
            record_figures(&app, records).await
        }
        .await;
    }
    if result.is_ok() && import > 0 {
        println!("\n== bulk import of {import} rows, SQLite");
        result = async {
            let app = scratch_app(&format!("sqlite://{}/import.db", dir.display())).await?;
            crate::bench_import::run(&app, import).await
        }
        .await;
    }
    if result.is_ok() && certificates > 0 {
        println!("\n== certificates: one, then a batch of {certificates}, SQLite");
        result = async {
            let app = scratch_app(&format!("sqlite://{}/certificates.db", dir.display())).await?;
            crate::bench_certificates::run(&app, certificates).await
        }
        .await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(files_dir());
    result?;
    if let Some(base) = postgres {
        if staff > 0 {
            println!("\n== staff lists over {staff} persons, PostgreSQL");
            on_postgres(base, |app| async move { staff_lists(&app, staff).await }).await?;
        }
        if records > 0 {
            println!("\n== CE records: {records} records, PostgreSQL");
            on_postgres(
                base,
                |app| async move { record_figures(&app, records).await },
            )
            .await?;
        }
        if certificates > 0 {
            println!("\n== certificates: one, then a batch of {certificates}, PostgreSQL");
            on_postgres(base, |app| async move {
                crate::bench_certificates::run(&app, certificates).await
            })
            .await?;
        }
        if import > 0 {
            println!("\n== bulk import of {import} rows, PostgreSQL");
            on_postgres(base, |app| async move {
                crate::bench_import::run(&app, import).await
            })
            .await?;
        }
    }
    let _ = std::fs::remove_dir_all(files_dir());
    if let Some(kib) = peak_kib() {
        println!(
            "\npeak resident memory of this process (VmHWM): {:.0} MiB",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}

/// Runs `bench` on a scratch database created on the server of `base` and dropped afterwards.
async fn on_postgres<F, Fut>(base: &str, bench: F) -> anyhow::Result<()>
where
    F: FnOnce(AppState) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
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
    let outcome = async {
        let app = scratch_app(&url).await?;
        bench(app).await
    }
    .await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    outcome
}

/// The peak resident set of this process so far, in KiB (Linux only).
pub(crate) fn peak_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Where the scratch apps keep their files (uploaded imports), removed at the end.
fn files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("jxjy-bench-files-{}", std::process::id()))
}

async fn scratch_app(url: &str) -> anyhow::Result<AppState> {
    let store = store::Store::connect(url).await?;
    store.migrate().await?;
    let config = Config {
        captcha: CaptchaMode::Off,
        data_dir: files_dir(),
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
    let units = demo_units(app).await?;
    let started = Instant::now();
    app.store.seed_bench_staff(&units, n, app.now()).await?;
    println!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    let unit = demo_org(app, "广州市第一中学").await?;
    let city = demo_org(app, "广州市人力资源和社会保障局").await?;
    let province = demo_org(app, "广东省人力资源和社会保障厅").await?;
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

/// The approved units of the demo, for the seeders to spread persons over.
async fn demo_units(app: &AppState) -> anyhow::Result<Vec<i64>> {
    use store::organizations::OrgFilter;
    Ok(app
        .store
        .organizations(&OrgFilter {
            kind: Some(domain::org::OrgKind::Unit),
            status: Some(domain::org::OrgStatus::Approved),
            per_page: 100,
            ..Default::default()
        })
        .await?
        .items
        .iter()
        .map(|o| o.id)
        .collect())
}

/// A demo organisation by its name.
pub(crate) async fn demo_org(app: &AppState, name: &str) -> anyhow::Result<i64> {
    use store::organizations::OrgFilter;
    app.store
        .organizations(&OrgFilter {
            name: Some(name.into()),
            per_page: 1,
            ..Default::default()
        })
        .await?
        .items
        .into_iter()
        .next()
        .map(|o| o.id)
        .ok_or_else(|| anyhow::anyhow!("no demo organisation {name}"))
}

/// Median and 95th percentile of some timings, in milliseconds.
fn quantiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let at = |q: f64| ms(times[((times.len() as f64 * q) as usize).min(times.len() - 1)]);
    (at(0.5), at(0.95))
}

/// Seeds `n` CE records over n/5 persons, 5,000 of them in one demo unit, and times what the
/// pages run: a person's annual verification, a page of that unit's yearly verification
/// table with its counts, and the unit approving 1,000 records at once.
async fn record_figures(app: &AppState, n: u64) -> anyhow::Result<()> {
    use store::records::{StaffYearFilter, Step};
    const UNIT: &str = "广州市第一中学";
    const UNIT_STAFF: u64 = 5_000;
    const OTHER_STAFF: u64 = 1_000;
    const YEAR: i32 = 2024;
    const BATCH: u64 = 1_000;

    let focus = demo_org(app, UNIT).await?;
    let persons = (n / 5).max(1);
    let focus_staff = persons.min(UNIT_STAFF);
    // The other persons in units of a thousand, as in a province with many employers: a few
    // huge units would give the planners statistics no province has.
    let started = Instant::now();
    let parent = demo_org(app, "广州市教育局").await?;
    let others = app
        .store
        .seed_bench_units(
            parent,
            (persons - focus_staff).div_ceil(OTHER_STAFF),
            "440106",
            app.now(),
        )
        .await?;
    let seeded = app
        .store
        .seed_bench_persons(focus, focus_staff, &others, persons, app.now())
        .await?;
    let persons_took = started.elapsed();
    let started = Instant::now();
    app.store.seed_bench_records(seeded, n, app.now()).await?;
    let records_took = started.elapsed();
    println!(
        "seeded {persons} persons ({focus_staff} in {UNIT}, the others over {} new units) in {:.1} s, \
         then {n} records and ANALYZE in {:.1} s",
        others.len(),
        persons_took.as_secs_f64(),
        records_took.as_secs_f64()
    );
    let region = app
        .store
        .organization(focus)
        .await?
        .map(|o| o.region_code)
        .unwrap_or_default();

    // A person's annual verification: one year of figures with its rule set, for 500
    // different persons of the unit in turn.
    let mut times = Vec::new();
    for i in 0..500 {
        let account = seeded.after + 1 + (i % focus_staff) as i64;
        let series = store::bench::bench_series(account);
        let t = Instant::now();
        app.store
            .year_figures(account, Some(YEAR), Some(series), &region)
            .await?;
        times.push(t.elapsed());
    }
    let (p50, p95) = quantiles(&mut times);
    println!(
        "{:<46} median {p50:>7.2} ms  p95 {p95:>7.2} ms  (aim: under 5 ms)",
        "a person's verification of a year (500 persons)"
    );

    // The unit's yearly table: a page of 20 and the counts by result, as the page asks them.
    let table = StaffYearFilter {
        within: focus,
        year: YEAR,
        page: 1,
        per_page: 20,
        ..Default::default()
    };
    let short = StaffYearFilter {
        result: Some("short".into()),
        ..table.clone()
    };
    for (label, f) in [
        ("the unit's table, page 1 + counts", &table),
        ("the unit's table, short only, page 1 + counts", &short),
    ] {
        let mut times = Vec::new();
        let mut shown = (0, Default::default());
        for _ in 0..20 {
            let t = Instant::now();
            let (page, counts) = app.store.staff_year_with_counts(f).await?;
            times.push(t.elapsed());
            shown = (page.total, counts);
        }
        let (p50, p95) = quantiles(&mut times);
        let (total, c): (u64, store::records::ResultCounts) = shown;
        println!(
            "{label:<46} median {p50:>7.2} ms  p95 {p95:>7.2} ms  (aim: under 100 ms)  \
             {total} rows; met {}, short {}, no rule {}",
            c.met, c.short, c.none
        );
    }

    // The unit approves 1,000 submitted records at once (one per person, so fewer when the
    // unit has fewer staff), five times over fresh batches.
    let actor = app
        .store
        .account_by_identifier("yizhong")
        .await?
        .map(|a| a.id)
        .ok_or_else(|| anyhow::anyhow!("no demo account yizhong"))?;
    let step = Step {
        step: "decide",
        org_id: Some(focus),
        actor_id: actor,
        result: "同意",
        opinion: "同意",
        recognised_tenths: None,
    };
    let mut times = Vec::new();
    let mut batch = 0;
    for _ in 0..5 {
        let ids = app
            .store
            .seed_bench_submitted(focus, BATCH, YEAR + 1, app.now())
            .await?;
        let t = Instant::now();
        let changed = app
            .store
            .decide_records(
                &ids,
                focus,
                domain::record::RecordState::Approved,
                &step,
                app.now(),
            )
            .await?;
        times.push(t.elapsed());
        batch = ids.len();
        if changed.len() != ids.len() {
            anyhow::bail!(
                "batch approval changed {} of {} records",
                changed.len(),
                ids.len()
            );
        }
    }
    let (p50, _) = quantiles(&mut times);
    println!(
        "{:<46} median {p50:>7.2} ms  max {:>7.2} ms  (aim: under 2000 ms)",
        format!("approving {batch} submitted records at once"),
        ms(times[times.len() - 1])
    );

    let person = seeded.after + 1;
    let series = store::bench::bench_series(person);
    let (person_plan, table_plan) = app
        .store
        .explain_verification(person, YEAR, Some(series), &region, &table)
        .await?;
    println!("query plan of a person's verification of a year:");
    for line in person_plan {
        println!("  {line}");
    }
    println!("query plan of the unit's table, page 1 and counts:");
    for line in table_plan {
        println!("  {line}");
    }
    if let Some(kib) = peak_kib() {
        println!(
            "peak resident memory so far (VmHWM): {:.0} MiB",
            kib as f64 / 1024.0
        );
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
pub(crate) async fn sign_in(
    router: &axum::Router,
    login: &str,
    password: &str,
) -> anyhow::Result<String> {
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
    // Someone who acts for organisations is taken to choose one first.
    if !matches!(
        res.headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/" | "/act")
    ) {
        anyhow::bail!("sign-in did not succeed: {}", res.status());
    }
    session_cookie(&res).ok_or_else(|| anyhow::anyhow!("no session after sign-in"))
}

pub(crate) fn session_cookie(res: &axum::response::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("jxjy_sid=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}
