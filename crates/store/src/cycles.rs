//! Cycle verifications: what a check needs (the tree above a unit, the approved records of the
//! years, each year's requirement), the applications with their frozen figures, the queue of
//! each reviewing organisation, and the conditional changes of each level's step with its
//! trail row in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait, Value};

use domain::code::sql_list;
use domain::cycle::{ApplicationState, Promotion};
use domain::org::OrgKind;
use domain::record::{Category, RecordState};

use crate::organizations::escape_like;
use crate::{ChangeError, Page, Store, from_row};

#[derive(Debug, Clone)]
pub struct Above {
    pub id: i64,
    pub kind: OrgKind,
    pub level: Option<String>,
    pub name: String,
}

from_row!(Above { id, level, name } coded { kind });

#[derive(Debug, Clone)]
pub struct EntryRow {
    pub year: i32,
    pub category: Category,
    pub course_name: String,
    pub recognised_tenths: i64,
    pub end_date: NaiveDate,
}

from_row!(EntryRow { year, course_name, recognised_tenths, end_date } coded { category });

#[derive(Debug, Clone, FromQueryResult)]
pub struct YearRequirementRow {
    pub year: i32,
    pub total_tenths: Option<i64>,
}

/// An application as submitted.
#[derive(Debug, Clone)]
pub struct NewCycle<'a> {
    pub account_id: i64,
    pub unit_id: i64,
    pub promotion: Promotion,
    pub target_qualification: &'a str,
    pub target_level: &'a str,
    pub discipline: &'a str,
    pub series_code: &'a str,
    pub qualification_date: NaiveDate,
    pub applied_on: NaiveDate,
    pub year_from: i32,
    pub year_to: i32,
    pub includes_current: bool,
    pub chain: &'a [i64],
    pub frozen: &'a str,
    pub met: bool,
}

#[derive(Debug, Clone)]
pub struct Cycle {
    pub id: i64,
    pub account_id: i64,
    pub unit_id: i64,
    pub promotion: Promotion,
    pub target_qualification: String,
    pub target_level: String,
    pub discipline: String,
    pub series_code: String,
    pub qualification_date: NaiveDate,
    pub applied_on: NaiveDate,
    pub year_from: i32,
    pub year_to: i32,
    pub includes_current: bool,
    pub state: ApplicationState,
    pub level: i32,
    pub chain: String,
    pub reviewer_id: Option<i64>,
    pub frozen: String,
    pub met: bool,
    pub opinion: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub real_name: String,
    pub doc_number: String,
    pub unit_name: String,
    pub reviewer_name: Option<String>,
}

from_row!(Cycle {
    id, account_id, unit_id, target_qualification, target_level, discipline, series_code,
    qualification_date, applied_on, year_from, year_to, includes_current, level, chain,
    reviewer_id, frozen, met, opinion, created_at, submitted_at, version, real_name, doc_number,
    unit_name, reviewer_name,
} coded { promotion, state });

impl Cycle {
    /// The reviewing organisations, unit first.
    pub fn chain_ids(&self) -> Vec<i64> {
        self.chain
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect()
    }
}

const CYCLE: &str = "SELECT c.id, c.account_id, c.unit_id, c.promotion, c.target_qualification, \
     c.target_level, c.discipline, c.series_code, c.qualification_date, c.applied_on, c.year_from, \
     c.year_to, c.includes_current, c.state, c.level, c.chain, c.reviewer_id, c.frozen, c.met, \
     c.opinion, c.created_at, c.submitted_at, c.version, a.real_name, a.doc_number, \
     u.name AS unit_name, r.name AS reviewer_name FROM cycle_check c \
     JOIN account a ON a.id = c.account_id JOIN organization u ON u.id = c.unit_id \
     LEFT JOIN organization r ON r.id = c.reviewer_id";

#[derive(Debug, Clone, FromQueryResult)]
pub struct CycleTrailRow {
    pub step: String,
    pub at: DateTime<Utc>,
    pub result: String,
    pub opinion: String,
    pub actor_name: String,
    pub org_name: Option<String>,
}

/// A step of the trail.
#[derive(Debug, Clone)]
pub struct CycleStep<'a> {
    pub step: &'a str,
    pub org_id: Option<i64>,
    pub actor_id: i64,
    pub result: &'a str,
    pub opinion: &'a str,
}

/// A state change: from where the actor saw it to where the rules put it.
#[derive(Debug, Clone)]
pub struct CycleChange<'a> {
    pub from_state: ApplicationState,
    pub from_level: i32,
    pub to_state: ApplicationState,
    pub to_level: i32,
    pub reviewer_id: Option<i64>,
    pub opinion: &'a str,
    /// Approved or rejected: the person may apply again.
    pub closes: bool,
}

#[derive(Debug, Clone, Default)]
pub struct CycleFilter {
    /// The organisation whose queue it is (applications waiting there).
    pub reviewer_id: Option<i64>,
    /// Applications of this organisation's subtree, any state (queries).
    pub within: Option<i64>,
    pub state: Option<ApplicationState>,
    pub name: Option<String>,
    pub doc_number: Option<String>,
    pub discipline: Option<String>,
    pub target: Option<String>,
    pub year: Option<i32>,
    pub page: u64,
    pub per_page: u64,
}

impl Store {
    /// The organisations above `org`, nearest first.
    pub async fn ancestors(&self, org: i64) -> Result<Vec<Above>, DbErr> {
        Above::find_by_statement(self.stmt(
            "SELECT o.id, o.kind, o.level, o.name FROM org_closure c JOIN organization o ON o.id = c.ancestor_id \
             WHERE c.descendant_id = ? AND c.depth > 0 ORDER BY c.depth",
            [org.into()],
        ))
        .all(self.db())
        .await
    }

    /// The person's approved records of the years `from..=to`.
    pub async fn cycle_entries(
        &self,
        account: i64,
        from: i32,
        to: i32,
    ) -> Result<Vec<EntryRow>, DbErr> {
        EntryRow::find_by_statement(self.stmt(
            "SELECT year, category, course_name, COALESCE(recognised_tenths, 0) AS recognised_tenths, end_date \
             FROM ce_record WHERE account_id = ? AND state = ? AND year BETWEEN ? AND ? \
             ORDER BY year, end_date, id",
            [
                account.into(),
                RecordState::Approved.code().into(),
                from.into(),
                to.into(),
            ],
        ))
        .all(self.db())
        .await
    }

    /// Each year's total requirement for a series and a region, in one statement.
    pub async fn year_requirements(
        &self,
        years: &[i32],
        series: Option<&str>,
        region_code: &str,
    ) -> Result<Vec<YearRequirementRow>, DbErr> {
        if years.is_empty() {
            return Ok(Vec::new());
        }
        let mut parts = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        for y in years {
            parts.push(format!(
                "SELECT CAST(? AS INTEGER) AS year, (SELECT r.total_tenths FROM rule_set r WHERE r.id = {}) AS total_tenths",
                crate::records::rule_for("?", "?", "?")
            ));
            vals.extend([
                Value::from(*y),
                Value::from(*y),
                Value::from(*y),
                series.map(str::to_owned).into(),
                region_code.into(),
            ]);
        }
        YearRequirementRow::find_by_statement(self.stmt(&parts.join(" UNION ALL "), vals))
            .all(self.db())
            .await
    }

    /// Stores an application and its first step; `None` when the person has one open already.
    pub async fn create_cycle(
        &self,
        c: &NewCycle<'_>,
        step: &CycleStep<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, DbErr> {
        let txn = self.db().begin().await?;
        let chain: Vec<String> = c.chain.iter().map(i64::to_string).collect();
        let r = txn
            .query_one_raw(self.stmt(
                "INSERT INTO cycle_check (account_id, unit_id, promotion, target_qualification, target_level, \
                 discipline, series_code, qualification_date, applied_on, year_from, year_to, includes_current, \
                 state, level, chain, reviewer_id, open_key, frozen, met, opinion, created_at, submitted_at, version) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, '', ?, ?, 1) RETURNING id",
                [
                    c.account_id.into(),
                    c.unit_id.into(),
                    c.promotion.code().into(),
                    c.target_qualification.into(),
                    c.target_level.into(),
                    c.discipline.into(),
                    c.series_code.into(),
                    c.qualification_date.into(),
                    c.applied_on.into(),
                    c.year_from.into(),
                    c.year_to.into(),
                    c.includes_current.into(),
                    chain.join(",").into(),
                    c.chain.first().copied().into(),
                    c.account_id.into(),
                    c.frozen.into(),
                    c.met.into(),
                    now.into(),
                    now.into(),
                ],
            ))
            .await;
        let id: i64 = match r {
            Ok(Some(row)) => row.try_get("", "id")?,
            Ok(None) => return Err(DbErr::Custom("insert returned no id".into())),
            Err(e) if crate::is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        Self::cycle_step(self, &txn, id, step, now).await?;
        txn.commit().await?;
        Ok(Some(id))
    }

    async fn cycle_step(
        &self,
        conn: &impl ConnectionTrait,
        id: i64,
        step: &CycleStep<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        conn.execute_raw(self.stmt(
            "INSERT INTO cycle_trail (cycle_id, step, org_id, actor_id, at, result, opinion) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                id.into(),
                step.step.into(),
                step.org_id.into(),
                step.actor_id.into(),
                now.into(),
                step.result.into(),
                step.opinion.into(),
            ],
        ))
        .await?;
        Ok(())
    }

    pub async fn cycle(&self, id: i64) -> Result<Option<Cycle>, DbErr> {
        Cycle::find_by_statement(self.stmt(&format!("{CYCLE} WHERE c.id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    pub async fn cycles_of(&self, account: i64) -> Result<Vec<Cycle>, DbErr> {
        Cycle::find_by_statement(self.stmt(
            &format!("{CYCLE} WHERE c.account_id = ? ORDER BY c.id DESC"),
            [account.into()],
        ))
        .all(self.db())
        .await
    }

    pub async fn cycle_trail(&self, id: i64) -> Result<Vec<CycleTrailRow>, DbErr> {
        CycleTrailRow::find_by_statement(self.stmt(
            "SELECT t.step, t.at, t.result, t.opinion, a.real_name AS actor_name, o.name AS org_name \
             FROM cycle_trail t JOIN account a ON a.id = t.actor_id LEFT JOIN organization o ON o.id = t.org_id \
             WHERE t.cycle_id = ? ORDER BY t.id",
            [id.into()],
        ))
        .all(self.db())
        .await
    }

    /// A step of the chain (or the applicant's withdrawal), if the application is still where
    /// the actor saw it; with its trail row in the same transaction.
    pub async fn change_cycle(
        &self,
        id: i64,
        ch: &CycleChange<'_>,
        step: &CycleStep<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let txn = self.db().begin().await?;
        let r = txn
            .execute_raw(self.stmt(
                "UPDATE cycle_check SET state = ?, level = ?, reviewer_id = ?, opinion = ?, \
                 open_key = CASE WHEN ? THEN NULL ELSE open_key END, \
                 decided_at = CASE WHEN ? THEN ? ELSE decided_at END, version = version + 1 \
                 WHERE id = ? AND state = ? AND level = ?",
                [
                    ch.to_state.code().into(),
                    ch.to_level.into(),
                    ch.reviewer_id.into(),
                    ch.opinion.into(),
                    ch.closes.into(),
                    ch.closes.into(),
                    now.into(),
                    id.into(),
                    ch.from_state.code().into(),
                    ch.from_level.into(),
                ],
            ))
            .await?;
        crate::one_row(&r)?;
        self.cycle_step(&txn, id, step, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Submits a returned or withdrawn application again, with its figures of today.
    #[allow(clippy::too_many_arguments)]
    pub async fn resubmit_cycle(
        &self,
        id: i64,
        from_state: ApplicationState,
        applied_on: NaiveDate,
        years: (i32, i32, bool),
        chain: &[i64],
        frozen: &str,
        met: bool,
        step: &CycleStep<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let txn = self.db().begin().await?;
        let chain_text: Vec<String> = chain.iter().map(i64::to_string).collect();
        let r = txn
            .execute_raw(self.stmt(
                "UPDATE cycle_check SET state = 'pending', level = 0, reviewer_id = ?, chain = ?, \
                 applied_on = ?, year_from = ?, year_to = ?, includes_current = ?, frozen = ?, met = ?, \
                 opinion = '', submitted_at = ?, version = version + 1 WHERE id = ? AND state = ?",
                [
                    chain.first().copied().into(),
                    chain_text.join(",").into(),
                    applied_on.into(),
                    years.0.into(),
                    years.1.into(),
                    years.2.into(),
                    frozen.into(),
                    met.into(),
                    now.into(),
                    id.into(),
                    from_state.code().into(),
                ],
            ))
            .await?;
        crate::one_row(&r)?;
        self.cycle_step(&txn, id, step, now).await?;
        txn.commit().await?;
        Ok(())
    }

    fn cycle_where(f: &CycleFilter) -> (String, Vec<Value>) {
        let mut wh: Vec<String> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        if let Some(r) = f.reviewer_id {
            wh.push(format!(
                "c.reviewer_id = ? AND c.state IN {}",
                sql_list(ApplicationState::OPEN)
            ));
            vals.push(r.into());
        }
        if let Some(w) = f.within {
            wh.push(
                "c.unit_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = ?)".into(),
            );
            vals.push(w.into());
        }
        if let Some(s) = f.state {
            wh.push("c.state = ?".into());
            vals.push(s.code().into());
        }
        crate::person_filter(
            &mut wh,
            &mut vals,
            f.name.as_deref(),
            f.doc_number.as_deref(),
        );
        if let Some(d) = f.discipline.as_deref().filter(|s| !s.is_empty()) {
            wh.push("c.discipline = ?".into());
            vals.push(d.into());
        }
        if let Some(t) = f.target.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            wh.push("c.target_qualification LIKE ?".into());
            vals.push(format!("%{}%", escape_like(t)).into());
        }
        if let Some(y) = f.year {
            wh.push("c.year_to = ?".into());
            vals.push(y.into());
        }
        if wh.is_empty() {
            wh.push("1 = 1".into());
        }
        (wh.join(" AND "), vals)
    }

    /// A page of applications: a reviewer's queue, or a query over a subtree.
    pub async fn cycles(&self, f: &CycleFilter) -> Result<Page<Cycle>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (wh, vals) = Self::cycle_where(f);
        let total = crate::count_of(
            self.db()
                .query_one_raw(self.stmt(
                    &format!("SELECT COUNT(*) AS n FROM cycle_check c WHERE {wh}"),
                    vals.clone(),
                ))
                .await?,
        )?;
        let mut page_vals = vals;
        page_vals.push((per_page as i64).into());
        page_vals.push((((page - 1) * per_page) as i64).into());
        let items = Cycle::find_by_statement(self.stmt(
            &format!("{CYCLE} WHERE {wh} ORDER BY c.submitted_at DESC, c.id DESC LIMIT ? OFFSET ?"),
            page_vals,
        ))
        .all(self.db())
        .await?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Applications waiting at `org`, for its to-do count.
    pub async fn cycle_todo_count(&self, org: i64) -> Result<u64, DbErr> {
        crate::count_of(
            self.db()
                .query_one_raw(self.stmt(
                    &format!(
                        "SELECT COUNT(*) AS n FROM cycle_check WHERE reviewer_id = ? AND state IN {}",
                        sql_list(ApplicationState::OPEN)
                    ),
                    [org.into()],
                ))
                .await?,
        )
    }
}
