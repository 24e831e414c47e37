//! `jxjy bench --certificates N`: the time to typeset one certificate, and a unit printing the
//! certificates of N staff for a year as one ZIP through the background job, with the peak
//! memory of the process while it runs.

use std::time::{Duration, Instant};

use crate::bench::{demo_org, peak_kib};
use web::AppState;

pub async fn run(app: &AppState, n: u64) -> anyhow::Result<()> {
    const YEAR: i32 = 2025;
    let parent = demo_org(app, "广州市教育局").await?;
    let unit = app
        .store
        .seed_bench_units(parent, 1, "440106", app.now())
        .await?
        .first()
        .copied()
        .ok_or_else(|| anyhow::anyhow!("no unit seeded"))?;
    let persons = app
        .store
        .seed_bench_persons(unit, n, &[], n, app.now())
        .await?;
    // Fifteen records each: every person has hours in each of 2021–2025.
    app.store
        .seed_bench_records(persons, n * 15, app.now())
        .await?;
    println!("seeded {n} staff in one unit with 15 approved records each over 2021–2025");

    // One certificate: the first print reads the fonts; the others are what a click costs.
    let page = app
        .store
        .staff_certificates(
            &store::records::StaffYearFilter {
                within: unit,
                year: YEAR,
                page: 1,
                per_page: 1,
                ..Default::default()
            },
            true,
        )
        .await?;
    let row = page
        .items
        .first()
        .ok_or_else(|| anyhow::anyhow!("no staff with hours"))?;
    let rules = app.store.rule_sets().await?;
    let series = app.store.series().await?;
    let (facts, _) = web::certificates::unit::row_facts(row, YEAR, &rules, &series);
    let cert = web::certificates::issue(
        app,
        &web::certificates::Issue {
            kind: domain::certificate::CertificateKind::Year,
            account_id: row.account_id,
            unit_id: row.unit_id,
            year: Some(YEAR),
            cycle_id: None,
            issued_by: row.account_id,
            replaces: None,
            recount: false,
        },
        &facts,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?
    .ok_or_else(|| anyhow::anyhow!("not issued"))?;
    let url = &app.config.public_url;
    let t = Instant::now();
    let first = web::certificates::pdf::render(&app.printer, &cert, &facts, url)?;
    println!(
        "first certificate (reads the fonts): {:.0} ms, {} KiB",
        t.elapsed().as_secs_f64() * 1000.0,
        first.len() / 1024
    );
    // Each run prints another person's figures, so typst's memo cache cannot answer for it.
    let mut times: Vec<Duration> = Vec::new();
    for i in 0..30 {
        let mut other = facts.clone();
        other.name = format!("{}{i}", facts.name);
        other.total = format!("{}.{i}", 90 + i);
        let t = Instant::now();
        web::certificates::pdf::render(&app.printer, &cert, &other, url)?;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "one certificate (typeset + PDF, 30 runs): median {:.1} ms, p95 {:.1} ms (aim: under 100 ms)",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() * 95 / 100].as_secs_f64() * 1000.0
    );

    // The unit's certificate list: a page of 20 with today's figures and the valid certificate.
    let mut times: Vec<Duration> = Vec::new();
    for i in 0..30u64 {
        let t = Instant::now();
        let page = app
            .store
            .staff_certificates(
                &store::records::StaffYearFilter {
                    within: unit,
                    year: YEAR,
                    page: 1 + i % 5,
                    per_page: 20,
                    ..Default::default()
                },
                false,
            )
            .await?;
        times.push(t.elapsed());
        anyhow::ensure!(page.total == n, "the list counts {} of {n}", page.total);
    }
    times.sort();
    println!(
        "the unit's certificate list, a page of 20 of {n} (one statement): median {:.1} ms, p95 {:.1} ms",
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[times.len() * 95 / 100].as_secs_f64() * 1000.0
    );

    // The batch: the job the unit's button starts, run to its end.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = peak_kib();
    let job = app
        .store
        .create_job(
            web::certificates::batch::KIND,
            &format!("{{\"year\":{YEAR}}}"),
            domain::job::JobState::Queued,
            "",
            row.account_id,
            Some(unit),
            app.now(),
        )
        .await?;
    let t = Instant::now();
    web::jobs::drain(app).await;
    let took = t.elapsed();
    let done = app
        .store
        .job(job)
        .await?
        .ok_or_else(|| anyhow::anyhow!("job vanished"))?;
    anyhow::ensure!(
        done.state == domain::job::JobState::Done,
        "batch ended {}: {}",
        done.state.code(),
        done.error
    );
    let outcome: serde_json::Value = serde_json::from_str(&done.result)?;
    println!(
        "batch of {} certificates ({} issued by the job) into one ZIP of {:.1} MB: {:.1} s, \
         {:.1} ms each (aim: 1,000 under 2 minutes)",
        outcome["count"],
        outcome["issued"],
        outcome["bytes"].as_f64().unwrap_or(0.0) / 1_048_576.0,
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / n.max(1) as f64
    );
    if let (Some(b), Some(a)) = (before, peak_kib()) {
        println!(
            "peak resident memory during the batch: {:.0} MiB (before it: {:.0} MiB; aim: under 500 MB)",
            a as f64 / 1024.0,
            b as f64 / 1024.0
        );
    }
    Ok(())
}
