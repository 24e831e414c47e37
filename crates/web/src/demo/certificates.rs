//! Demo certificates: last year's certificates of three staff of 广州市第一中学 (one of them
//! regenerated, so its first certificate shows as superseded on the public page) and the
//! certificate of the approved cycle verification. 张伟 gets none: issuing his is the tour.

use domain::certificate::CertificateKind;
use store::records::StaffYearFilter;

use crate::AppState;
use crate::certificates::{Issue, cycle_facts, issue, unit::row_facts};

pub async fn load(app: &AppState) -> anyhow::Result<()> {
    let (Some(zhangwei), Some(clerk)) = (
        app.store.account_by_identifier("zhangwei").await?,
        app.store.account_by_identifier("yizhong").await?,
    ) else {
        return Ok(());
    };
    let Some(binding) = app.store.open_binding(zhangwei.id).await? else {
        return Ok(());
    };
    let year = chrono::Datelike::year(&app.today()) - 1;
    let staff = app
        .store
        .staff_certificates(
            &StaffYearFilter {
                within: binding.unit_id,
                year,
                page: 1,
                per_page: 10,
                ..StaffYearFilter::default()
            },
            true,
        )
        .await?;
    let rules = app.store.rule_sets().await?;
    let series = app.store.series().await?;
    let others = staff.items.iter().filter(|r| r.account_id != zhangwei.id);
    for (n, r) in others.take(3).enumerate() {
        if !app.store.certificates_of(r.account_id).await?.is_empty() {
            continue;
        }
        let (facts, _) = row_facts(r, year, &rules, &series);
        let first = |replaces| Issue {
            kind: CertificateKind::Year,
            account_id: r.account_id,
            unit_id: r.unit_id,
            year: Some(year),
            cycle_id: None,
            issued_by: clerk.id,
            replaces,
            recount: false,
        };
        let issued = issue(app, &first(None), &facts)
            .await
            .map_err(|e| anyhow::anyhow!("demo certificate: {e:?}"))?;
        // The first is regenerated once: its first number stays verifiable, as superseded.
        if n == 0
            && let Some(old) = issued
        {
            issue(app, &first(Some(&old)), &facts)
                .await
                .map_err(|e| anyhow::anyhow!("demo certificate: {e:?}"))?;
        }
    }
    if let Some(p) = app.store.account_by_identifier("demo33").await? {
        let approved = app
            .store
            .cycles_of(p.id)
            .await?
            .into_iter()
            .find(|c| c.state == domain::cycle::ApplicationState::Approved);
        if let Some(c) = approved
            && app
                .store
                .valid_certificate(
                    p.id,
                    domain::certificate::CertificateKind::Cycle,
                    None,
                    Some(c.id),
                )
                .await?
                .is_none()
        {
            let facts = cycle_facts(app, &c)
                .await
                .map_err(|e| anyhow::anyhow!("demo cycle certificate: {e:?}"))?;
            issue(
                app,
                &Issue {
                    kind: CertificateKind::Cycle,
                    account_id: p.id,
                    unit_id: c.unit_id,
                    year: None,
                    cycle_id: Some(c.id),
                    issued_by: p.id,
                    replaces: None,
                    recount: false,
                },
                &facts,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo cycle certificate: {e:?}"))?;
        }
    }
    Ok(())
}
