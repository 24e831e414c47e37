//! A cycle check computed for a person on a day: the years, the approved records of those years
//! and of the application's year, each year's requirement, the review chain of the unit.

use chrono::{Datelike, NaiveDate};
use domain::cycle::{
    CourseEntry, CycleResult, CycleRules, CycleYears, cycle_check, review_chain, verification_years,
};
use domain::hours::Hours;
use domain::org::{OrgKind, OrgLevel};

use crate::AppState;
use crate::records::RuleContext;

pub struct Computed {
    pub years: CycleYears,
    pub result: CycleResult,
    /// The reviewing organisations, the unit first.
    pub chain: Vec<i64>,
}

/// The check of `account` applying on `day` with the qualification obtained on `obtained`.
/// `Err` carries a message for the qualification date's field.
pub async fn compute(
    app: &AppState,
    cx: &RuleContext,
    account: i64,
    day: NaiveDate,
    obtained: NaiveDate,
) -> anyhow::Result<Result<Computed, String>> {
    let rules = CycleRules::default();
    let series = cx.series.clone().unwrap_or_default();
    let years = match verification_years(day, obtained, &series, &rules) {
        Ok(y) => y,
        Err(e) => return Ok(Err(e)),
    };
    let first = *years.years.first().unwrap_or(&day.year());
    let last = (*years.years.last().unwrap_or(&day.year())).max(day.year());
    let entries: Vec<CourseEntry> = app
        .store
        .cycle_entries(account, first, last)
        .await?
        .into_iter()
        .map(|e| CourseEntry {
            year: e.year,
            category: e.category,
            topic: e.course_name,
            hours: Hours::from_tenths(e.recognised_tenths),
            end: e.end_date,
        })
        .collect();
    let required = app
        .store
        .year_requirements(&years.years, cx.series.as_deref(), &cx.region_code)
        .await?;
    let result = cycle_check(
        day,
        &years,
        |y| {
            required
                .iter()
                .find(|r| r.year == y)
                .and_then(|r| r.total_tenths)
                .map(Hours::from_tenths)
        },
        &entries,
        &rules,
    );
    let above = app.store.ancestors(cx.unit_id).await?;
    let kinds: Vec<(OrgKind, Option<OrgLevel>)> = above
        .iter()
        .map(|a| (a.kind, a.level.as_deref().and_then(OrgLevel::from_code)))
        .collect();
    let mut chain = vec![cx.unit_id];
    chain.extend(review_chain(&kinds).into_iter().map(|i| above[i].id));
    Ok(Ok(Computed {
        years,
        result,
        chain,
    }))
}
