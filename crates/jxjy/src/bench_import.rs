//! `jxjy bench --import N`: a unit clerk uploads an xlsx of N rows through the real pages,
//! sees the preview, starts the import and waits for the job; prints the times and the peak
//! memory of the import alone.

use domain::job::JobState;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use chrono::Datelike;
use tower::ServiceExt;
use web::AppState;

use crate::bench::{demo_org, peak_kib, session_cookie, sign_in};

/// Persons the rows are spread over (ten rows each, at most this many).
const PERSONS: usize = 1000;

pub async fn run(app: &AppState, rows: usize) -> anyhow::Result<()> {
    let unit = demo_org(app, "广州市第一中学").await?;
    let persons = staffed(app, unit, rows.div_ceil(10).clamp(1, PERSONS)).await?;
    let file = workbook(app, &persons, rows)?;
    println!(
        "an xlsx of {rows} rows over {} persons: {:.1} MB",
        persons.len(),
        file.len() as f64 / 1_048_576.0
    );

    let router = web::router(app.clone());
    let mut cookie = sign_in(&router, "yizhong", "Study2026gd").await?;
    let (csrf, c) = page_csrf(&router, &cookie, "/act").await?;
    cookie = c.unwrap_or(cookie);
    post_form(&router, &cookie, "/act", &format!("csrf={csrf}&org={unit}")).await?;
    let (csrf, _) = page_csrf(&router, &cookie, "/org/records/import").await?;

    // From here on the peak memory is the import's (Linux resets VmHWM on "5").
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_kib();

    let t = Instant::now();
    let boundary = "----jxjybenchboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.xlsx\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = router
        .clone()
        .oneshot(
            Request::post("/org/records/import")
                .header(header::COOKIE, &cookie)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))?,
        )
        .await?;
    let job_path = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("the upload answered {}", res.status()))?;
    let preview = t.elapsed();
    let job: i64 = job_path
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no job in {job_path}"))?;
    let checked = app
        .store
        .job(job)
        .await?
        .map(|j| j.result)
        .unwrap_or_default();
    println!(
        "upload, read and check every row (the preview)     {:>8.2} s",
        preview.as_secs_f64()
    );
    if !checked.contains("\"error_rows\":0") {
        anyhow::bail!(
            "the bench file has errors: {}",
            &checked[..checked.len().min(400)]
        );
    }

    let t = Instant::now();
    let (csrf, _) = page_csrf(&router, &cookie, &job_path).await?;
    post_form(
        &router,
        &cookie,
        &format!("{job_path}/start"),
        &format!("csrf={csrf}&mode=all"),
    )
    .await?;
    let done = loop {
        let j = app
            .store
            .job(job)
            .await?
            .ok_or_else(|| anyhow::anyhow!("job {job} is gone"))?;
        if matches!(j.state, JobState::Done | JobState::Failed) {
            break j;
        }
        if t.elapsed() > Duration::from_secs(600) {
            anyhow::bail!("the import did not finish in 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    println!(
        "the import job: check again and store {} rows      {:>8.2} s  ({})",
        done.total,
        t.elapsed().as_secs_f64(),
        done.state.code()
    );
    println!(
        "whole import, upload to the last row                {:>8.2} s  (aim: under 10 s)",
        (preview + t.elapsed()).as_secs_f64()
    );
    if let (Some(b), Some(a)) = (before, peak_kib()) {
        println!(
            "peak resident memory during the import (VmHWM)      {:>8.0} MiB  \
             ({:.0} MiB above the {:.0} MiB resident before it; aim: under 200 MiB)",
            a as f64 / 1024.0,
            a.saturating_sub(b) as f64 / 1024.0,
            b as f64 / 1024.0
        );
    }
    Ok(())
}

/// `n` persons with valid ID numbers, confirmed at the unit: (document number, name).
async fn staffed(app: &AppState, unit: i64, n: usize) -> anyhow::Result<Vec<(String, String)>> {
    let template = app
        .store
        .account_by_identifier("zhangwei")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo data is loaded"))?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let first17 = format!("44010619{:02}0101{:03}", 70 + i / 1000, i % 1000);
        let check = domain::identity::gb11643_check_char(&first17)
            .ok_or_else(|| anyhow::anyhow!("check digit of {first17}"))?;
        let doc = format!("{first17}{check}");
        let name = person_name(i);
        let login = format!("import{i}");
        let [q1, q2, q3] = template.questions.clone();
        let [h1, h2, h3] = template.answer_hashes.clone();
        let id = app
            .store
            .create_account(
                store::accounts::NewAccount {
                    login_name: login.clone(),
                    login_key: domain::credentials::login_key(&login),
                    password_hash: template.password_hash.clone(),
                    must_change_password: false,
                    real_name: name.clone(),
                    gender: None,
                    birth_date: None,
                    mobile: "13800138000".into(),
                    email: format!("{login}@example.com"),
                    country: "CN".into(),
                    doc_type: "mainland_id".into(),
                    doc_number: doc.clone(),
                    security: [(q1, h1), (q2, h2), (q3, h3)],
                    is_platform_admin: false,
                },
                app.now(),
            )
            .await?;
        app.store
            .request_binding(
                id,
                unit,
                domain::binding::BindingState::Confirmed,
                app.now(),
            )
            .await?;
        out.push((doc, name));
    }
    Ok(out)
}

/// A name as on a document (names hold no digits).
fn person_name(i: usize) -> String {
    const SURNAMES: [char; 10] = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'];
    const GIVEN: [char; 20] = [
        '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明',
        '超', '秀', '霞', '平', '刚',
    ];
    [
        SURNAMES[i % 10],
        GIVEN[(i / 10) % 20],
        GIVEN[(i / 200) % 20],
    ]
    .iter()
    .collect()
}

/// The template's first sheet with `rows` rows of this year: ten different courses per person,
/// a day each in January.
fn workbook(app: &AppState, persons: &[(String, String)], rows: usize) -> anyhow::Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, col) in domain::import::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, col.label)?;
    }
    let year = app.today().year();
    for r in 0..rows {
        let (doc, name) = &persons[r % persons.len()];
        let day = 1 + (r / persons.len()) % 28;
        let date = format!("{year}-01-{day:02}");
        let row = (r + 1) as u32;
        let cells = [
            doc.as_str(),
            name.as_str(),
            &year.to_string(),
            "专业科目",
            "培训",
            &format!("专业能力提升第{r}期"),
            "面授",
            "广东继续教育培训中心",
            &date,
            &date,
            "6",
            "是",
            "否",
            "合格",
            "",
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(row, c as u16, *v)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

async fn page_csrf(
    router: &axum::Router,
    cookie: &str,
    path: &str,
) -> anyhow::Result<(String, Option<String>)> {
    let res = router
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())?,
        )
        .await?;
    let renewed = session_cookie(&res);
    let html = String::from_utf8(
        axum::body::to_bytes(res.into_body(), usize::MAX)
            .await?
            .to_vec(),
    )?;
    let marker = "name=\"csrf\" value=\"";
    let at = html
        .find(marker)
        .ok_or_else(|| anyhow::anyhow!("no csrf on {path}"))?
        + marker.len();
    Ok((html[at..at + 64].to_owned(), renewed))
}

async fn post_form(
    router: &axum::Router,
    cookie: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<()> {
    let res = router
        .clone()
        .oneshot(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.to_owned()))?,
        )
        .await?;
    if !res.status().is_redirection() {
        anyhow::bail!("POST {path} answered {}", res.status());
    }
    Ok(())
}
