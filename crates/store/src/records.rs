//! Continuing-education records: declaring, the conditional state changes of their review with
//! the trail row of each step in the same transaction, the unit's review queue, preset opinions,
//! and the figures of the annual verification computed in SQL.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait, Value};

use domain::code::sql_list;
use domain::record::{Category, DeclarationType, RecordSource, RecordState};

use crate::organizations::escape_like;
use crate::{ChangeError, Page, Store, code_values, count_of, from_row, placeholders};

/// What a declarer types; the same for a new record and for a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFields {
    pub year: i32,
    pub category: Category,
    pub declaration: DeclarationType,
    pub course_name: String,
    pub study_form: String,
    pub institution_id: Option<i64>,
    pub institution_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub claimed_tenths: i64,
    pub matches_specialty: bool,
    pub main_author: bool,
    pub passed: bool,
    pub content: String,
    /// 学习地点, optional.
    pub location: String,
    /// 备注, optional.
    pub remarks: String,
}

/// Who did a step and for which organisation, with its result and opinion, for the trail.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    pub step: &'a str,
    pub org_id: Option<i64>,
    pub actor_id: i64,
    pub result: &'a str,
    pub opinion: &'a str,
    pub recognised_tenths: Option<i64>,
}

/// A new record: whose it is, which unit reviews it, where it came from, where it starts.
#[derive(Debug, Clone)]
pub struct NewRecord<'a> {
    pub fields: &'a RecordFields,
    pub account_id: i64,
    pub unit_id: i64,
    pub declared_by: i64,
    pub declared_for_org: Option<i64>,
    pub source: RecordSource,
    pub state: RecordState,
    pub recognised_tenths: Option<i64>,
    pub import_key: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Record {
    pub id: i64,
    pub account_id: i64,
    pub unit_id: i64,
    pub year: i32,
    pub category: Category,
    pub declaration: DeclarationType,
    pub course_name: String,
    pub study_form: String,
    pub institution_id: Option<i64>,
    pub institution_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub claimed_tenths: i64,
    pub recognised_tenths: Option<i64>,
    pub matches_specialty: bool,
    pub main_author: bool,
    pub passed: bool,
    pub content: String,
    pub location: String,
    pub remarks: String,
    pub source: RecordSource,
    pub state: RecordState,
    pub opinion: String,
    pub declared_by: i64,
    pub declared_for_org: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub real_name: String,
    pub doc_number: String,
    pub unit_name: String,
}

from_row!(Record {
    id, account_id, unit_id, year, course_name, study_form, institution_id, institution_name,
    start_date, end_date, claimed_tenths, recognised_tenths, matches_specialty, main_author, passed,
    content, location, remarks, opinion, declared_by, declared_for_org, created_at, submitted_at,
    decided_at, version, real_name, doc_number, unit_name,
} coded { category, declaration, source, state });

const RECORD: &str = "SELECT c.id, c.account_id, c.unit_id, c.year, c.category, c.declaration, \
     c.course_name, c.study_form, c.institution_id, c.institution_name, c.start_date, c.end_date, \
     c.claimed_tenths, c.recognised_tenths, c.matches_specialty, c.main_author, c.passed, c.content, \
     c.location, c.remarks, c.source, c.state, c.opinion, c.declared_by, c.declared_for_org, c.created_at, c.submitted_at, \
     c.decided_at, c.version, a.real_name, a.doc_number, o.name AS unit_name \
     FROM ce_record c JOIN account a ON a.id = c.account_id JOIN organization o ON o.id = c.unit_id";

#[derive(Debug, Clone, FromQueryResult)]
pub struct TrailRow {
    pub step: String,
    pub at: DateTime<Utc>,
    pub result: String,
    pub opinion: String,
    pub recognised_tenths: Option<i64>,
    pub actor_name: String,
    pub org_name: Option<String>,
}

/// Filters of a record list: a person's own, or a unit's queue.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub account_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub year: Option<i32>,
    /// The states shown; none for every state but deleted.
    pub states: Option<&'static [RecordState]>,
    pub category: Option<Category>,
    pub name: Option<String>,
    pub doc_number: Option<String>,
    pub course: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

/// A rule set as stored.
#[derive(Debug, Clone, FromQueryResult)]
pub struct RuleSetRow {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub series_code: Option<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub total_tenths: i64,
    pub public_tenths: i64,
    pub professional_tenths: i64,
    pub elective_tenths: i64,
    pub elective_only: bool,
    pub main_author_tenths: i64,
    pub other_author_tenths: i64,
    pub deadline_month: i32,
    pub deadline_day: i32,
    /// Each declaration type's hours limit, as `DeclarationRules::limits_text` writes it.
    pub declaration_limits: String,
    pub version: i32,
}

const RULE_COLUMNS: &str = "r.id, r.name, r.region_code, r.series_code, r.year_from, r.year_to, \
     r.total_tenths, r.public_tenths, r.professional_tenths, r.elective_tenths, r.elective_only, \
     r.main_author_tenths, r.other_author_tenths, r.deadline_month, r.deadline_day, \
     r.declaration_limits, r.version";

/// The id of the rule set for a year, a series and a region, as a scalar subquery over three
/// SQL expressions: the longest region prefix wins, then a rule naming the series over one
/// for every series, then the newest.
pub(crate) fn rule_for(year: &str, series: &str, region: &str) -> String {
    format!(
        "(SELECT r0.id FROM rule_set r0 WHERE (r0.year_from IS NULL OR r0.year_from <= {year}) \
         AND (r0.year_to IS NULL OR r0.year_to >= {year}) \
         AND (r0.series_code IS NULL OR r0.series_code = {series}) \
         AND substr({region}, 1, length(r0.region_prefix)) = r0.region_prefix \
         ORDER BY length(r0.region_prefix) DESC, CASE WHEN r0.series_code IS NULL THEN 1 ELSE 0 END, \
         r0.id DESC LIMIT 1)"
    )
}

/// Approved hours per category and the hours still waiting, summed in SQL (cast, because
/// PostgreSQL sums bigints as numeric).
fn sums() -> String {
    let approved = RecordState::Approved.code();
    let pending = sql_list(RecordState::PENDING);
    let mut out: Vec<String> = Category::ALL
        .iter()
        .map(|c| {
            format!(
                "CAST(SUM(CASE WHEN c.state = '{approved}' AND c.category = '{0}' \
                 THEN c.recognised_tenths ELSE 0 END) AS BIGINT) AS {0}_tenths",
                c.code()
            )
        })
        .collect();
    out.push(format!(
        "CAST(SUM(CASE WHEN c.state IN {pending} THEN c.claimed_tenths ELSE 0 END) AS BIGINT) \
         AS pending_tenths"
    ));
    out.extend(Category::ALL.iter().map(|c| {
        format!(
            "CAST(SUM(CASE WHEN c.state = '{approved}' AND c.category = '{0}' THEN 1 ELSE 0 END) \
             AS BIGINT) AS {0}_count",
            c.code()
        )
    }));
    out.join(", ")
}

/// Whether the figures `p`, `f`, `e` (public, professional, elective) of a row meet the rule
/// `r`, in SQL; NULL where no rule applies. The same arithmetic as `annual_check` in domain.
fn met_sql(p: &str, f: &str, e: &str) -> String {
    format!(
        "CASE WHEN r.id IS NULL THEN NULL \
         WHEN {p} + {f} + {e} >= r.total_tenths AND {p} >= r.public_tenths \
         AND {f} >= r.professional_tenths \
         AND (CASE WHEN r.elective_only THEN {e} \
              ELSE {e} + (CASE WHEN {p} > r.public_tenths THEN {p} - r.public_tenths ELSE 0 END) \
                       + (CASE WHEN {f} > r.professional_tenths THEN {f} - r.professional_tenths ELSE 0 END) END) \
             >= r.elective_tenths \
         THEN 1 ELSE 0 END"
    )
}

/// A year of a person: approved hours per category, hours waiting, and the rule set.
#[derive(Debug, Clone, FromQueryResult)]
pub struct YearFigures {
    pub year: i32,
    pub public_tenths: i64,
    pub professional_tenths: i64,
    pub elective_tenths: i64,
    pub pending_tenths: i64,
    pub public_count: i64,
    pub professional_count: i64,
    pub elective_count: i64,
    pub rule_id: Option<i64>,
}

/// One line of a unit's yearly verification table.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StaffYearRow {
    pub account_id: i64,
    pub real_name: String,
    pub doc_number: String,
    pub unit_name: String,
    pub series_code: Option<String>,
    pub public_tenths: i64,
    pub professional_tenths: i64,
    pub elective_tenths: i64,
    pub pending_tenths: i64,
    pub rule_id: Option<i64>,
    pub met: Option<i32>,
}

#[derive(Debug, Clone, Default)]
pub struct StaffYearFilter {
    pub within: i64,
    pub year: i32,
    /// "met", "short" or "none" (no rule applies).
    pub result: Option<String>,
    pub name: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

/// What waits in a unit's records: submissions to review, returns the declarers have not
/// corrected yet, and the unit's own declarations (代申报) not yet confirmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordTodos {
    pub pending: u64,
    pub returned: u64,
    pub unconfirmed: u64,
}

/// Counts of a unit's yearly table by result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResultCounts {
    pub met: u64,
    pub short: u64,
    pub none: u64,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct PresetOpinion {
    pub id: i64,
    pub step: String,
    pub text: String,
}

impl Store {
    /// Stores a new record and the first step of its trail, in one transaction. An import key
    /// seen before leaves the earlier record in place and answers `None`.
    pub async fn create_record(
        &self,
        new: &NewRecord<'_>,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, DbErr> {
        let txn = self.db().begin().await?;
        let f = new.fields;
        let submitted = (new.state != RecordState::Draft).then_some(now);
        let decided = (new.state == RecordState::Approved).then_some(now);
        let decided_by = (new.state == RecordState::Approved).then_some(new.declared_by);
        let r = txn
            .query_one_raw(self.stmt(
                "INSERT INTO ce_record (account_id, unit_id, year, category, declaration, course_name, \
                 study_form, institution_id, institution_name, start_date, end_date, claimed_tenths, \
                 recognised_tenths, matches_specialty, main_author, passed, content, location, remarks, \
                 source, state, opinion, import_key, declared_by, declared_for_org, created_at, \
                 submitted_at, decided_at, decided_by, version) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, 1) \
                 RETURNING id",
                [
                    new.account_id.into(),
                    new.unit_id.into(),
                    f.year.into(),
                    f.category.code().into(),
                    f.declaration.code().into(),
                    f.course_name.clone().into(),
                    f.study_form.clone().into(),
                    f.institution_id.into(),
                    f.institution_name.clone().into(),
                    f.start_date.into(),
                    f.end_date.into(),
                    f.claimed_tenths.into(),
                    new.recognised_tenths.into(),
                    f.matches_specialty.into(),
                    f.main_author.into(),
                    f.passed.into(),
                    f.content.clone().into(),
                    f.location.clone().into(),
                    f.remarks.clone().into(),
                    new.source.code().into(),
                    new.state.code().into(),
                    new.import_key.clone().into(),
                    new.declared_by.into(),
                    new.declared_for_org.into(),
                    now.into(),
                    submitted.into(),
                    decided.into(),
                    decided_by.into(),
                ],
            ))
            .await;
        let id: i64 = match r {
            Ok(Some(row)) => row.try_get("", "id")?,
            Ok(None) => return Err(DbErr::Custom("insert returned no id".into())),
            Err(e) if crate::is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        self.insert_step(&txn, id, step, now).await?;
        txn.commit().await?;
        Ok(Some(id))
    }

    /// One conditional UPDATE and, when it matched its row, the step of the trail, in one
    /// transaction: every state change of a record goes through here.
    async fn update_with_step(
        &self,
        sql: &str,
        vals: impl IntoIterator<Item = Value>,
        id: i64,
        step: Option<&Step<'_>>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let txn = self.db().begin().await?;
        let r = txn.execute_raw(self.stmt(sql, vals)).await?;
        crate::one_row(&r)?;
        if let Some(step) = step {
            self.insert_step(&txn, id, step, now).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    async fn insert_step(
        &self,
        conn: &impl ConnectionTrait,
        record: i64,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        conn.execute_raw(self.stmt(
            "INSERT INTO review_trail (record_id, step, org_id, actor_id, at, result, opinion, \
             recognised_tenths) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.into(),
                step.step.into(),
                step.org_id.into(),
                step.actor_id.into(),
                now.into(),
                step.result.into(),
                step.opinion.into(),
                step.recognised_tenths.into(),
            ],
        ))
        .await?;
        Ok(())
    }

    pub async fn record(&self, id: i64) -> Result<Option<Record>, DbErr> {
        Record::find_by_statement(self.stmt(&format!("{RECORD} WHERE c.id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    /// Rewrites what the declarer typed while the record is still theirs to change (the
    /// version they edited, in one of `states`), and moves it to `to` with the step. The record
    /// goes to `unit`, the person's employer now (they may have moved since the draft).
    #[allow(clippy::too_many_arguments)]
    pub async fn update_record(
        &self,
        id: i64,
        unit: i64,
        version: i32,
        states: &[RecordState],
        fields: &RecordFields,
        to: RecordState,
        step: Option<&Step<'_>>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let f = fields;
        let mut vals: Vec<Value> = vec![
            f.year.into(),
            f.category.code().into(),
            f.declaration.code().into(),
            f.course_name.clone().into(),
            f.study_form.clone().into(),
            f.institution_id.into(),
            f.institution_name.clone().into(),
            f.start_date.into(),
            f.end_date.into(),
            f.claimed_tenths.into(),
            f.matches_specialty.into(),
            f.main_author.into(),
            f.passed.into(),
            f.content.clone().into(),
            f.location.clone().into(),
            f.remarks.clone().into(),
            to.code().into(),
            (to == RecordState::Submitted).then_some(now).into(),
            unit.into(),
            id.into(),
            version.into(),
        ];
        vals.extend(code_values(states));
        self.update_with_step(
                &format!(
                    "UPDATE ce_record SET year = ?, category = ?, declaration = ?, course_name = ?, \
                     study_form = ?, institution_id = ?, institution_name = ?, start_date = ?, \
                     end_date = ?, claimed_tenths = ?, matches_specialty = ?, main_author = ?, \
                     passed = ?, content = ?, location = ?, remarks = ?, state = ?, \
                     submitted_at = COALESCE(?, submitted_at), \
                     unit_id = ?, version = version + 1 WHERE id = ? AND version = ? AND state IN ({})",
                    placeholders(states.len())
                ),
                vals,
            id,
            step,
            now,
        )
        .await
    }

    /// Moves one record from one of `from` to `to` with its trail step, in one transaction;
    /// `recognised` sets the recognised hours (approval, correction). With `seen`, only the
    /// version the actor looked at changes. Someone quicker makes it a conflict and nothing
    /// changes.
    pub async fn change_record(
        &self,
        id: i64,
        from: &[RecordState],
        seen: Option<i32>,
        to: RecordState,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let decides = RecordState::DECIDED.contains(&to) || to == RecordState::Returned;
        let mut vals: Vec<Value> = vec![
            to.code().into(),
            step.opinion.into(),
            step.recognised_tenths.into(),
            decides.then_some(now).into(),
            decides.then_some(step.actor_id).into(),
            (to == RecordState::Submitted).then_some(now).into(),
            id.into(),
        ];
        vals.extend(code_values(from));
        let seen_sql = match seen {
            Some(v) => {
                vals.push(v.into());
                " AND version = ?"
            }
            None => "",
        };
        self.update_with_step(
            &format!(
                "UPDATE ce_record SET state = ?, opinion = ?, \
                     recognised_tenths = COALESCE(?, recognised_tenths), \
                     decided_at = COALESCE(?, decided_at), decided_by = COALESCE(?, decided_by), \
                     submitted_at = COALESCE(?, submitted_at), version = version + 1 \
                     WHERE id = ? AND state IN ({}){seen_sql}",
                placeholders(from.len())
            ),
            vals,
            id,
            Some(step),
            now,
        )
        .await
    }

    /// 送审 of a draft or a returned record, to the person's employer now, with its step.
    pub async fn submit_record(
        &self,
        id: i64,
        from: RecordState,
        unit: i64,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        self.update_with_step(
            "UPDATE ce_record SET state = 'submitted', unit_id = ?, submitted_at = ?, \
                 version = version + 1 WHERE id = ? AND state = ?",
            [unit.into(), now.into(), id.into(), from.code().into()],
            id,
            Some(step),
            now,
        )
        .await
    }

    /// The different staff who reviewed the record since it was last submitted.
    pub async fn reviewers_since_submit(&self, id: i64) -> Result<Vec<i64>, DbErr> {
        let rows = self
            .db()
            .query_all_raw(self.stmt(
                "SELECT DISTINCT actor_id FROM review_trail WHERE record_id = ? AND step = 'review' \
                 AND id > (SELECT COALESCE(MAX(id), 0) FROM review_trail WHERE record_id = ? AND step = 'submit')",
                [id.into(), id.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| r.try_get::<i64>("", "actor_id"))
            .collect()
    }

    /// The declarer deletes a record that is still theirs (in one of `states`). It goes to the
    /// state "deleted" with a trail step rather than out of the table: a returned record carries
    /// the unit's decisions, and every step is kept. The first statement writes, so two
    /// writers on SQLite queue instead of failing.
    pub async fn delete_record(
        &self,
        id: i64,
        account: i64,
        states: &[RecordState],
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let txn = self.db().begin().await?;
        let mut vals: Vec<Value> = vec![id.into(), account.into()];
        vals.extend(code_values(states));
        let r = txn
            .execute_raw(self.stmt(
                &format!(
                    "UPDATE ce_record SET state = 'deleted', version = version + 1 \
                     WHERE id = ? AND account_id = ? AND state IN ({})",
                    placeholders(states.len())
                ),
                vals,
            ))
            .await?;
        crate::one_row(&r)?;
        self.insert_step(
            &txn,
            id,
            &Step {
                step: "delete",
                org_id: None,
                actor_id: account,
                result: "申报人删除",
                opinion: "",
                recognised_tenths: None,
            },
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A unit decides many submitted records at once with one opinion: approval recognises the
    /// claimed hours. Records no longer waiting (someone was quicker) are left alone; the ids
    /// changed here, each with its trail row, are returned.
    pub async fn decide_records(
        &self,
        ids: &[i64],
        unit: i64,
        to: RecordState,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let txn = self.db().begin().await?;
        let approve = to == RecordState::Approved;
        let mut vals: Vec<Value> = vec![
            to.code().into(),
            step.opinion.into(),
            approve.into(),
            now.into(),
            step.actor_id.into(),
            unit.into(),
            step.actor_id.into(),
        ];
        vals.extend(ids.iter().map(|i| Value::from(*i)));
        let rows = txn
            .query_all_raw(self.stmt(
                &format!(
                    "UPDATE ce_record SET state = ?, opinion = ?, \
                     recognised_tenths = CASE WHEN ? THEN claimed_tenths ELSE recognised_tenths END, \
                     decided_at = ?, decided_by = ?, version = version + 1 \
                     WHERE unit_id = ? AND account_id <> ? AND state = 'submitted' \
                     AND id IN ({}) RETURNING id",
                    placeholders(ids.len())
                ),
                vals,
            ))
            .await?;
        let changed: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect::<Result<_, _>>()?;
        if !changed.is_empty() {
            let mut vals: Vec<Value> = vec![
                step.step.into(),
                step.org_id.into(),
                step.actor_id.into(),
                now.into(),
                step.result.into(),
                step.opinion.into(),
                approve.into(),
            ];
            vals.extend(changed.iter().map(|i| Value::from(*i)));
            txn.execute_raw(self.stmt(
                &format!(
                    "INSERT INTO review_trail (record_id, step, org_id, actor_id, at, result, opinion, \
                     recognised_tenths) SELECT id, ?, ?, ?, ?, ?, ?, \
                     CASE WHEN ? THEN recognised_tenths ELSE NULL END FROM ce_record WHERE id IN ({})",
                    placeholders(changed.len())
                ),
                vals,
            ))
            .await?;
        }
        txn.commit().await?;
        Ok(changed)
    }

    /// How many of `ids` are records of `account` (who may not decide their own).
    pub async fn own_records(&self, ids: &[i64], account: i64) -> Result<u64, DbErr> {
        self.records_among(ids, "account_id = ?", account).await
    }

    /// How many of `ids` are records of another unit than `unit`.
    pub async fn foreign_records(&self, ids: &[i64], unit: i64) -> Result<u64, DbErr> {
        self.records_among(ids, "unit_id <> ?", unit).await
    }

    /// How many of `ids` are records meeting `condition` (one `?`, bound to `value`).
    async fn records_among(&self, ids: &[i64], condition: &str, value: i64) -> Result<u64, DbErr> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut vals: Vec<Value> = vec![value.into()];
        vals.extend(ids.iter().map(|i| Value::from(*i)));
        count_of(
            self.db()
                .query_one_raw(self.stmt(
                    &format!(
                        "SELECT COUNT(*) AS n FROM ce_record WHERE {condition} AND id IN ({})",
                        placeholders(ids.len())
                    ),
                    vals,
                ))
                .await?,
        )
    }

    /// 培训信息维护: the unit corrects an approved record (the fields and the recognised
    /// hours) with a reason; the figures that count it change with it.
    #[allow(clippy::too_many_arguments)]
    pub async fn correct_record(
        &self,
        id: i64,
        version: i32,
        unit: i64,
        fields: &RecordFields,
        recognised_tenths: i64,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let f = fields;
        self.update_with_step(
                "UPDATE ce_record SET year = ?, category = ?, declaration = ?, course_name = ?, \
                 study_form = ?, institution_name = ?, start_date = ?, end_date = ?, \
                 claimed_tenths = ?, recognised_tenths = ?, matches_specialty = ?, main_author = ?, \
                 passed = ?, content = ?, location = ?, remarks = ?, version = version + 1 \
                 WHERE id = ? AND version = ? AND unit_id = ? AND state = 'approved'",
                [
                    f.year.into(),
                    f.category.code().into(),
                    f.declaration.code().into(),
                    f.course_name.clone().into(),
                    f.study_form.clone().into(),
                    f.institution_name.clone().into(),
                    f.start_date.into(),
                    f.end_date.into(),
                    f.claimed_tenths.into(),
                    recognised_tenths.into(),
                    f.matches_specialty.into(),
                    f.main_author.into(),
                    f.passed.into(),
                    f.content.clone().into(),
                    f.location.clone().into(),
                    f.remarks.clone().into(),
                    id.into(),
                    version.into(),
                    unit.into(),
                ],
            id,
            Some(step),
            now,
        )
        .await
    }

    /// The unit deletes an approved record with a reason. The record goes to the state
    /// "deleted" (kept with its trail, counted nowhere) rather than out of the table, so the
    /// reason and who gave it stay on file.
    pub async fn delete_approved(
        &self,
        id: i64,
        unit: i64,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        self.update_with_step(
            "UPDATE ce_record SET state = 'deleted', opinion = ?, version = version + 1 \
                 WHERE id = ? AND unit_id = ? AND state = 'approved'",
            [step.opinion.into(), id.into(), unit.into()],
            id,
            Some(step),
            now,
        )
        .await
    }

    pub async fn review_trail(&self, record: i64) -> Result<Vec<TrailRow>, DbErr> {
        TrailRow::find_by_statement(self.stmt(
            "SELECT t.step, t.at, t.result, t.opinion, t.recognised_tenths, a.real_name AS actor_name, \
             o.name AS org_name FROM review_trail t JOIN account a ON a.id = t.actor_id \
             LEFT JOIN organization o ON o.id = t.org_id WHERE t.record_id = ? ORDER BY t.id",
            [record.into()],
        ))
        .all(self.db())
        .await
    }

    fn record_where(f: &RecordFilter) -> (String, Vec<Value>) {
        let mut wh: Vec<String> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        if let Some(a) = f.account_id {
            wh.push("c.account_id = ?".into());
            vals.push(a.into());
        }
        if let Some(u) = f.unit_id {
            wh.push("c.unit_id = ?".into());
            vals.push(u.into());
            // A unit never sees its staff's drafts.
            wh.push(format!("c.state <> '{}'", RecordState::Draft.code()));
        }
        match f.states {
            Some([]) => wh.push("1 = 0".into()),
            Some(states) => {
                wh.push(format!("c.state IN ({})", placeholders(states.len())));
                vals.extend(code_values(states));
            }
            None => wh.push(format!("c.state <> '{}'", RecordState::Deleted.code())),
        }
        if let Some(y) = f.year {
            wh.push("c.year = ?".into());
            vals.push(y.into());
        }
        if let Some(c) = f.category {
            wh.push("c.category = ?".into());
            vals.push(c.code().into());
        }
        crate::person_filter(
            &mut wh,
            &mut vals,
            f.name.as_deref(),
            f.doc_number.as_deref(),
        );
        if let Some(n) = f.course.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            wh.push("c.course_name LIKE ?".into());
            vals.push(format!("%{}%", escape_like(n)).into());
        }
        if wh.is_empty() {
            wh.push("1 = 1".into());
        }
        (wh.join(" AND "), vals)
    }

    /// A page of records, newest submission first (drafts by creation).
    pub async fn records(&self, f: &RecordFilter) -> Result<Page<Record>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (wh, vals) = Self::record_where(f);
        let total = count_of(
            self.db()
                .query_one_raw(self.stmt(
                    &format!("SELECT COUNT(*) AS n FROM ce_record c WHERE {wh}"),
                    vals.clone(),
                ))
                .await?,
        )?;
        let mut page_vals = vals;
        page_vals.push((per_page as i64).into());
        page_vals.push((((page - 1) * per_page) as i64).into());
        let items = Record::find_by_statement(self.stmt(
            &format!(
                "{RECORD} WHERE {wh} ORDER BY COALESCE(c.submitted_at, c.created_at) DESC, c.id DESC \
                 LIMIT ? OFFSET ?"
            ),
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

    /// Every record of a filter, for an export; capped so that a file stays a file.
    pub async fn records_for_export(
        &self,
        f: &RecordFilter,
        limit: u64,
    ) -> Result<Vec<Record>, DbErr> {
        let (wh, mut vals) = Self::record_where(f);
        vals.push((limit as i64).into());
        Record::find_by_statement(self.stmt(
            &format!(
                "{RECORD} WHERE {wh} ORDER BY COALESCE(c.submitted_at, c.created_at) DESC, c.id DESC LIMIT ?"
            ),
            vals,
        ))
        .all(self.db())
        .await
    }

    /// Records of the unit waiting for a decision, and records returned to their declarers.
    pub async fn record_todo_counts(&self, unit: i64) -> Result<RecordTodos, DbErr> {
        let row = self
            .db()
            .query_one_raw(self.stmt(
                &format!(
                    "SELECT SUM(CASE WHEN state IN {pending} THEN 1 ELSE 0 END) AS pending, \
                     SUM(CASE WHEN state = '{returned}' THEN 1 ELSE 0 END) AS returned, \
                     SUM(CASE WHEN state = '{unconfirmed}' THEN 1 ELSE 0 END) AS unconfirmed \
                     FROM ce_record WHERE unit_id = ? AND state IN {open}",
                    pending = sql_list(RecordState::PENDING),
                    returned = RecordState::Returned.code(),
                    unconfirmed = RecordState::UnitDraft.code(),
                    open = sql_list(RecordState::OPEN),
                ),
                [unit.into()],
            ))
            .await?;
        let get = |name: &str| -> Result<u64, DbErr> {
            Ok(row
                .as_ref()
                .map(|r| r.try_get::<Option<i64>>("", name))
                .transpose()?
                .flatten()
                .unwrap_or(0)
                .max(0) as u64)
        };
        Ok(RecordTodos {
            pending: get("pending")?,
            returned: get("returned")?,
            unconfirmed: get("unconfirmed")?,
        })
    }

    /// The person's records returned to them for correction.
    pub async fn returned_count(&self, account: i64) -> Result<u64, DbErr> {
        count_of(
            self.db()
                .query_one_raw(self.stmt(
                    "SELECT COUNT(*) AS n FROM ce_record WHERE account_id = ? AND year > 0 AND state = 'returned'",
                    [account.into()],
                ))
                .await?,
        )
    }

    pub async fn rule_sets(&self) -> Result<Vec<RuleSetRow>, DbErr> {
        RuleSetRow::find_by_statement(self.stmt(
            &format!(
                "SELECT {RULE_COLUMNS} FROM rule_set r ORDER BY r.region_prefix, r.year_from, r.id"
            ),
            [],
        ))
        .all(self.db())
        .await
    }

    pub async fn rule_set(&self, id: i64) -> Result<Option<RuleSetRow>, DbErr> {
        RuleSetRow::find_by_statement(self.stmt(
            &format!("SELECT {RULE_COLUMNS} FROM rule_set r WHERE r.id = ?"),
            [id.into()],
        ))
        .one(self.db())
        .await
    }

    /// The rule set for a year of someone in `region_code` of `series`.
    pub async fn rule_set_for(
        &self,
        year: i32,
        series: Option<&str>,
        region_code: &str,
    ) -> Result<Option<RuleSetRow>, DbErr> {
        let pick = rule_for("?", "?", "?");
        RuleSetRow::find_by_statement(self.stmt(
            &format!("SELECT {RULE_COLUMNS} FROM rule_set r WHERE r.id = {pick}"),
            [
                year.into(),
                year.into(),
                series.map(str::to_owned).into(),
                region_code.into(),
            ],
        ))
        .one(self.db())
        .await
    }

    fn year_figures_sql(
        account: i64,
        year: Option<i32>,
        series: Option<&str>,
        region_code: &str,
    ) -> (String, Vec<Value>) {
        let pick = rule_for("y.year", "?", "?");
        let mut vals: Vec<Value> = vec![
            series.map(str::to_owned).into(),
            region_code.into(),
            account.into(),
        ];
        let year_sql = match year {
            Some(y) => {
                vals.push(y.into());
                "AND c.year = ?"
            }
            None => "",
        };
        let sums = sums();
        let counted = sql_list(RecordState::IN_PROGRESS);
        (
            format!(
                "SELECT y.year, y.public_tenths, y.professional_tenths, y.elective_tenths, \
                 y.pending_tenths, y.public_count, y.professional_count, y.elective_count, \
                 {pick} AS rule_id FROM (SELECT c.year, {sums} FROM ce_record c \
                 WHERE c.account_id = ? {year_sql} AND c.state IN {counted} \
                 GROUP BY c.year) y ORDER BY y.year DESC"
            ),
            vals,
        )
    }

    /// The years of a person with approved or waiting records (or only `year`), with their
    /// figures and rule set, newest first. Region and series choose the rule sets.
    pub async fn year_figures(
        &self,
        account: i64,
        year: Option<i32>,
        series: Option<&str>,
        region_code: &str,
    ) -> Result<Vec<YearFigures>, DbErr> {
        let (sql, vals) = Self::year_figures_sql(account, year, series, region_code);
        YearFigures::find_by_statement(self.stmt(&sql, vals))
            .all(self.db())
            .await
    }

    pub(crate) fn staff_year_sql(f: &StaffYearFilter) -> (String, Vec<Value>) {
        let pick = rule_for("?", "p.series_code", "o.region_code");
        let mut vals: Vec<Value> = vec![f.year.into(), f.year.into(), f.within.into()];
        let mut name_sql = String::new();
        if let Some(n) = f.name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            name_sql = " AND a.real_name LIKE ?".into();
            vals.push(format!("%{}%", escape_like(n)).into());
        }
        vals.push(f.year.into());
        let met = met_sql(
            "t.public_tenths",
            "t.professional_tenths",
            "t.elective_tenths",
        );
        let sums = sums();
        let counted = sql_list(RecordState::IN_PROGRESS);
        let sql = format!(
            "WITH staff AS (SELECT a.id AS account_id, a.real_name, a.doc_number, o.name AS unit_name, \
               p.series_code, b.requested_at, b.id AS binding_id, b.unit_id, {pick} AS rule_id \
               FROM binding b JOIN account a ON a.id = b.account_id JOIN organization o ON o.id = b.unit_id \
               LEFT JOIN person_profile p ON p.account_id = b.account_id \
               WHERE b.unit_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = ?) \
               AND b.state = 'confirmed'{name_sql}), \
             done AS (SELECT c.account_id, {sums} FROM ce_record c WHERE c.year = ? \
               AND c.state IN {counted} \
               AND c.account_id IN (SELECT account_id FROM staff) GROUP BY c.account_id), \
             t AS (SELECT s.*, COALESCE(d.public_tenths, 0) AS public_tenths, \
               COALESCE(d.professional_tenths, 0) AS professional_tenths, \
               COALESCE(d.elective_tenths, 0) AS elective_tenths, \
               COALESCE(d.pending_tenths, 0) AS pending_tenths, \
               COALESCE(d.public_count, 0) AS public_count, \
               COALESCE(d.professional_count, 0) AS professional_count, \
               COALESCE(d.elective_count, 0) AS elective_count \
               FROM staff s LEFT JOIN done d ON d.account_id = s.account_id), \
             fig AS (SELECT t.*, {met} AS met FROM t LEFT JOIN rule_set r ON r.id = t.rule_id) "
        );
        (sql, vals)
    }

    fn result_where(result: Option<&str>) -> &'static str {
        match result {
            Some("met") => "WHERE met = 1",
            Some("short") => "WHERE met = 0",
            Some("none") => "WHERE met IS NULL",
            _ => "",
        }
    }

    /// A unit's (or a supervisor's subtree's) staff with their figures of a year against the
    /// rule sets, filtered by result and paginated, all in SQL.
    pub async fn staff_year(&self, f: &StaffYearFilter) -> Result<Page<StaffYearRow>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (with, vals) = Self::staff_year_sql(f);
        let wh = Self::result_where(f.result.as_deref());
        let total = count_of(
            self.db()
                .query_one_raw(self.stmt(
                    &format!("{with} SELECT COUNT(*) AS n FROM fig {wh}"),
                    vals.clone(),
                ))
                .await?,
        )?;
        let mut page_vals = vals;
        page_vals.push((per_page as i64).into());
        page_vals.push((((page - 1) * per_page) as i64).into());
        let items = StaffYearRow::find_by_statement(self.stmt(
            &format!(
                "{with} SELECT account_id, real_name, doc_number, unit_name, series_code, public_tenths, \
                 professional_tenths, elective_tenths, pending_tenths, rule_id, met FROM fig {wh} \
                 ORDER BY requested_at DESC, binding_id DESC LIMIT ? OFFSET ?"
            ),
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

    /// Every row of a yearly table, for an export.
    pub async fn staff_year_all(
        &self,
        f: &StaffYearFilter,
        limit: u64,
    ) -> Result<Vec<StaffYearRow>, DbErr> {
        let (with, mut vals) = Self::staff_year_sql(f);
        let wh = Self::result_where(f.result.as_deref());
        vals.push((limit as i64).into());
        StaffYearRow::find_by_statement(self.stmt(
            &format!(
                "{with} SELECT account_id, real_name, doc_number, unit_name, series_code, public_tenths, \
                 professional_tenths, elective_tenths, pending_tenths, rule_id, met FROM fig {wh} \
                 ORDER BY requested_at DESC, binding_id DESC LIMIT ?"
            ),
            vals,
        ))
        .all(self.db())
        .await
    }

    /// How many of the table meet, fall short, or have no rule.
    pub async fn staff_year_counts(&self, f: &StaffYearFilter) -> Result<ResultCounts, DbErr> {
        let (with, vals) = Self::staff_year_sql(f);
        let rows = self
            .db()
            .query_all_raw(self.stmt(
                &format!("{with} SELECT met, COUNT(*) AS n FROM fig GROUP BY met"),
                vals,
            ))
            .await?;
        let mut c = ResultCounts::default();
        for r in rows {
            let met: Option<i32> = r.try_get("", "met")?;
            let n = r.try_get::<i64>("", "n")?.max(0) as u64;
            match met {
                Some(1) => c.met += n,
                Some(_) => c.short += n,
                None => c.none += n,
            }
        }
        Ok(c)
    }

    /// A page of the yearly table and its counts by result, from one statement (the table's
    /// CTE runs once): what the page shows. The total follows from the counts.
    pub async fn staff_year_with_counts(
        &self,
        f: &StaffYearFilter,
    ) -> Result<(Page<StaffYearRow>, ResultCounts), DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (sql, vals) = Self::staff_year_page_sql(f);
        let rows = self.db().query_all_raw(self.stmt(&sql, vals)).await?;
        let counts = match rows.first() {
            Some(r) => {
                let n =
                    |c: &str| -> Result<u64, DbErr> { Ok(r.try_get::<i64>("", c)?.max(0) as u64) };
                ResultCounts {
                    met: n("n_met")?,
                    short: n("n_short")?,
                    none: n("n_none")?,
                }
            }
            // A page past the end (or an empty table) still shows the counts.
            None => self.staff_year_counts(f).await?,
        };
        let total = match f.result.as_deref() {
            Some("met") => counts.met,
            Some("short") => counts.short,
            Some("none") => counts.none,
            _ => counts.met + counts.short + counts.none,
        };
        let items = rows
            .iter()
            .map(|r| StaffYearRow::from_query_result(r, ""))
            .collect::<Result<_, _>>()?;
        Ok((
            Page {
                items,
                total,
                page,
                per_page,
            },
            counts,
        ))
    }

    fn staff_year_page_sql(f: &StaffYearFilter) -> (String, Vec<Value>) {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (with, mut vals) = Self::staff_year_sql(f);
        let wh = Self::result_where(f.result.as_deref());
        vals.push((per_page as i64).into());
        vals.push((((page - 1) * per_page) as i64).into());
        (
            format!(
                "{with} SELECT account_id, real_name, doc_number, unit_name, series_code, public_tenths, \
                 professional_tenths, elective_tenths, pending_tenths, rule_id, met, n_met, n_short, n_none \
                 FROM (SELECT fig.*, SUM(CASE WHEN met = 1 THEN 1 ELSE 0 END) OVER () AS n_met, \
                 SUM(CASE WHEN met = 0 THEN 1 ELSE 0 END) OVER () AS n_short, \
                 SUM(CASE WHEN met IS NULL THEN 1 ELSE 0 END) OVER () AS n_none FROM fig) x {wh} \
                 ORDER BY requested_at DESC, binding_id DESC LIMIT ? OFFSET ?"
            ),
            vals,
        )
    }

    /// The engine's plans of a person's yearly figures and of a page of a yearly table, for the
    /// benchmark to show which indexes they use.
    pub async fn explain_verification(
        &self,
        account: i64,
        year: i32,
        series: Option<&str>,
        region_code: &str,
        f: &StaffYearFilter,
    ) -> Result<(Vec<String>, Vec<String>), DbErr> {
        let prefix = match self.backend() {
            sea_orm::DbBackend::Postgres => "EXPLAIN ",
            _ => "EXPLAIN QUERY PLAN ",
        };
        let mut out = Vec::new();
        for (sql, vals) in [
            Self::year_figures_sql(account, Some(year), series, region_code),
            Self::staff_year_page_sql(f),
        ] {
            let rows = self
                .db()
                .query_all_raw(self.stmt(&format!("{prefix}{sql}"), vals))
                .await?;
            out.push(
                rows.iter()
                    .map(|r| {
                        r.try_get::<String>("", "QUERY PLAN")
                            .or_else(|_| r.try_get::<String>("", "detail"))
                            .unwrap_or_default()
                    })
                    .collect(),
            );
        }
        let table = out.pop().unwrap_or_default();
        let person = out.pop().unwrap_or_default();
        Ok((person, table))
    }

    pub async fn preset_opinions(&self, org: i64) -> Result<Vec<PresetOpinion>, DbErr> {
        PresetOpinion::find_by_statement(self.stmt(
            "SELECT id, step, text FROM preset_opinion WHERE org_id = ? AND business = 'ce_record' \
             ORDER BY step, sort, id",
            [org.into()],
        ))
        .all(self.db())
        .await
    }

    pub async fn add_preset_opinion(&self, org: i64, step: &str, text: &str) -> Result<(), DbErr> {
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO preset_opinion (org_id, business, step, text, sort) VALUES (?, 'ce_record', ?, ?, \
                 (SELECT COALESCE(MAX(sort), 0) + 1 FROM preset_opinion WHERE org_id = ?))",
                [org.into(), step.into(), text.into(), org.into()],
            ))
            .await?;
        Ok(())
    }

    pub async fn delete_preset_opinion(&self, org: i64, id: i64) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "DELETE FROM preset_opinion WHERE id = ? AND org_id = ?",
                [id.into(), org.into()],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// How many reviewers the unit's internal flow needs (0: none).
    pub async fn record_reviewers(&self, org: i64) -> Result<u32, DbErr> {
        let row = self
            .db()
            .query_one_raw(self.stmt(
                "SELECT record_reviewers FROM organization WHERE id = ?",
                [org.into()],
            ))
            .await?;
        Ok(row
            .map(|r| r.try_get::<i32>("", "record_reviewers"))
            .transpose()?
            .unwrap_or(0)
            .max(0) as u32)
    }

    pub async fn set_record_reviewers(&self, org: i64, n: u32) -> Result<(), DbErr> {
        self.db()
            .execute_raw(self.stmt(
                "UPDATE organization SET record_reviewers = ? WHERE id = ?",
                [(n as i32).into(), org.into()],
            ))
            .await?;
        Ok(())
    }
}

impl RuleSetRow {
    /// The rule set as the domain's rules read it.
    pub fn to_domain(&self) -> domain::verification::RuleSet {
        use domain::hours::Hours;
        domain::verification::RuleSet {
            name: self.name.clone(),
            region_code: self.region_code.clone(),
            series_code: self.series_code.clone(),
            year_from: self.year_from,
            year_to: self.year_to,
            requirement: domain::verification::YearRequirement {
                total: Hours::from_tenths(self.total_tenths),
                public: Hours::from_tenths(self.public_tenths),
                professional: Hours::from_tenths(self.professional_tenths),
                elective: Hours::from_tenths(self.elective_tenths),
                elective_counts_only_as_elective: self.elective_only,
            },
            declaration: domain::record::DeclarationRules {
                main_author_hours: Hours::from_tenths(self.main_author_tenths),
                other_author_hours: Hours::from_tenths(self.other_author_tenths),
                ..Default::default()
            }
            .with_limits_text(&self.declaration_limits),
            deadline: (
                self.deadline_month.clamp(1, 12) as u32,
                self.deadline_day.clamp(1, 31) as u32,
            ),
        }
    }
}

/// One row of a bulk import, with whose record it is and its idempotency key.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub account_id: i64,
    pub fields: RecordFields,
    pub import_key: String,
}

/// A person of a unit's staff, found by document number for an import.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StaffMember {
    pub account_id: i64,
    pub doc_number: String,
    pub real_name: String,
    /// The professional series of the profile, which chooses the rule set with the year.
    pub series_code: Option<String>,
}

impl Store {
    /// The confirmed staff of `unit` among these document numbers, in one query per 500.
    pub async fn staff_by_documents(
        &self,
        unit: i64,
        docs: &[String],
    ) -> Result<Vec<StaffMember>, DbErr> {
        let mut out = Vec::new();
        for chunk in docs.chunks(500) {
            let mut vals: Vec<Value> = vec![unit.into()];
            vals.extend(chunk.iter().map(|d| Value::from(d.clone())));
            out.extend(
                StaffMember::find_by_statement(self.stmt(
                    &format!(
                        "SELECT a.id AS account_id, a.doc_number, a.real_name, \
                         NULLIF(p.series_code, '') AS series_code FROM account a \
                         JOIN binding b ON b.open_key = a.id AND b.state = 'confirmed' AND b.unit_id = ? \
                         LEFT JOIN person_profile p ON p.account_id = a.id \
                         WHERE a.doc_number IN ({})",
                        placeholders(chunk.len())
                    ),
                    vals,
                ))
                .all(self.db())
                .await?,
            );
        }
        Ok(out)
    }

    /// Which of these import keys are stored already.
    pub async fn existing_import_keys(&self, keys: &[String]) -> Result<Vec<String>, DbErr> {
        let mut out = Vec::new();
        for chunk in keys.chunks(500) {
            let rows = self
                .db()
                .query_all_raw(self.stmt(
                    &format!(
                        "SELECT import_key FROM ce_record WHERE import_key IN ({})",
                        placeholders(chunk.len())
                    ),
                    chunk.iter().map(|k| Value::from(k.clone())),
                ))
                .await?;
            for r in rows {
                out.push(r.try_get::<String>("", "import_key")?);
            }
        }
        Ok(out)
    }

    /// Stores a batch of imported rows as records the unit declared and approved, each with
    /// its trail row, in one transaction. A row whose key is stored already is skipped, so a
    /// file imported twice (or a batch run twice) lands once. Answers how many were new.
    pub async fn import_records(
        &self,
        rows: &[ImportRecord],
        unit: i64,
        actor: i64,
        now: DateTime<Utc>,
    ) -> Result<u64, DbErr> {
        if rows.is_empty() {
            return Ok(0);
        }
        let txn = self.db().begin().await?;
        let mut values = Vec::with_capacity(rows.len());
        let mut vals: Vec<Value> = Vec::with_capacity(rows.len() * 25);
        for r in rows {
            let f = &r.fields;
            values.push(
                "(?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', 'approved', '', ?, ?, ?, ?, ?, ?, ?, 1)",
            );
            vals.extend([
                r.account_id.into(),
                unit.into(),
                f.year.into(),
                f.category.code().into(),
                f.declaration.code().into(),
                f.course_name.clone().into(),
                f.study_form.clone().into(),
                f.institution_name.clone().into(),
                f.start_date.into(),
                f.end_date.into(),
                f.claimed_tenths.into(),
                f.claimed_tenths.into(),
                f.matches_specialty.into(),
                f.main_author.into(),
                f.passed.into(),
                f.content.clone().into(),
                f.location.clone().into(),
                f.remarks.clone().into(),
                r.import_key.clone().into(),
                actor.into(),
                unit.into(),
                now.into(),
                now.into(),
                now.into(),
                actor.into(),
            ]);
        }
        let inserted = txn
            .query_all_raw(self.stmt(
                &format!(
                    "INSERT INTO ce_record (account_id, unit_id, year, category, declaration, course_name, \
                     study_form, institution_id, institution_name, start_date, end_date, claimed_tenths, \
                     recognised_tenths, matches_specialty, main_author, passed, content, location, remarks, \
                     source, state, opinion, import_key, declared_by, declared_for_org, created_at, \
                     submitted_at, decided_at, decided_by, version) VALUES {} \
                     ON CONFLICT (import_key) DO NOTHING RETURNING id",
                    values.join(", ")
                ),
                vals,
            ))
            .await?;
        let ids: Vec<i64> = inserted
            .iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect::<Result<_, _>>()?;
        if !ids.is_empty() {
            let mut vals: Vec<Value> = vec![unit.into(), actor.into(), now.into()];
            vals.extend(ids.iter().map(|i| Value::from(*i)));
            txn.execute_raw(self.stmt(
                &format!(
                    "INSERT INTO review_trail (record_id, step, org_id, actor_id, at, result, opinion, \
                     recognised_tenths) SELECT id, 'import', ?, ?, ?, '批量导入并确认', '', recognised_tenths \
                     FROM ce_record WHERE id IN ({})",
                    placeholders(ids.len())
                ),
                vals,
            ))
            .await?;
        }
        txn.commit().await?;
        Ok(ids.len() as u64)
    }
}

impl Store {
    /// Saves a rule set: a new one when `id` is `None`, else the version the editor saw.
    pub async fn save_rule_set(
        &self,
        id: Option<(i64, i32)>,
        rs: &domain::verification::RuleSet,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, ChangeError> {
        let prefix = domain::verification::region_prefix(&rs.region_code).to_owned();
        let r = &rs.requirement;
        let mut vals: Vec<Value> = vec![
            rs.name.trim().into(),
            rs.region_code.clone().into(),
            prefix.into(),
            rs.series_code.clone().into(),
            rs.year_from.into(),
            rs.year_to.into(),
            r.total.tenths().into(),
            r.public.tenths().into(),
            r.professional.tenths().into(),
            r.elective.tenths().into(),
            r.elective_counts_only_as_elective.into(),
            rs.declaration.main_author_hours.tenths().into(),
            rs.declaration.other_author_hours.tenths().into(),
            (rs.deadline.0 as i32).into(),
            (rs.deadline.1 as i32).into(),
            rs.declaration.limits_text().into(),
            by.into(),
            now.into(),
        ];
        match id {
            None => {
                let row = self
                    .db()
                    .query_one_raw(self.stmt(
                        "INSERT INTO rule_set (name, region_code, region_prefix, series_code, year_from, year_to, \
                         total_tenths, public_tenths, professional_tenths, elective_tenths, elective_only, \
                         main_author_tenths, other_author_tenths, deadline_month, deadline_day, \
                         declaration_limits, updated_by, updated_at, version) \
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id",
                        vals,
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?;
                Ok(row.try_get("", "id")?)
            }
            Some((id, version)) => {
                vals.push(id.into());
                vals.push(version.into());
                let r = self
                    .db()
                    .execute_raw(self.stmt(
                        "UPDATE rule_set SET name = ?, region_code = ?, region_prefix = ?, series_code = ?, \
                         year_from = ?, year_to = ?, total_tenths = ?, public_tenths = ?, professional_tenths = ?, \
                         elective_tenths = ?, elective_only = ?, main_author_tenths = ?, other_author_tenths = ?, \
                         deadline_month = ?, deadline_day = ?, declaration_limits = ?, updated_by = ?, \
                         updated_at = ?, \
                         version = version + 1 WHERE id = ? AND version = ?",
                        vals,
                    ))
                    .await?;
                crate::one_row(&r)?;
                Ok(id)
            }
        }
    }
}

/// The recommendations of a record's internal flow since its last submission.
#[derive(Debug, Clone, Copy, FromQueryResult)]
pub struct RecommendationRow {
    pub record_id: i64,
    pub reviewers: i64,
    pub agree: i64,
    pub disagree: i64,
}

impl Store {
    /// A reviewer's step in a unit's internal flow with their recommendation (or return): the
    /// record, at the version the reviewer saw, moves to `to` (under review, or returned with
    /// the opinion for its declarer) and the step is kept with the choice. Two reviewers at
    /// once: one wins.
    pub async fn review_in_flow(
        &self,
        id: i64,
        version: i32,
        to: RecordState,
        step: &Step<'_>,
        recommendation: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let returned = to == RecordState::Returned;
        let txn = self.db().begin().await?;
        let r = txn
            .execute_raw(self.stmt(
                &format!(
                    "UPDATE ce_record SET state = ?, \
                     opinion = CASE WHEN ? THEN ? ELSE opinion END, \
                     decided_at = CASE WHEN ? THEN ? ELSE decided_at END, \
                     decided_by = CASE WHEN ? THEN ? ELSE decided_by END, version = version + 1 \
                     WHERE id = ? AND version = ? AND state IN {}",
                    sql_list(RecordState::PENDING)
                ),
                [
                    to.code().into(),
                    returned.into(),
                    step.opinion.into(),
                    returned.into(),
                    now.into(),
                    returned.into(),
                    step.actor_id.into(),
                    id.into(),
                    version.into(),
                ],
            ))
            .await?;
        crate::one_row(&r)?;
        txn.execute_raw(self.stmt(
            "INSERT INTO review_trail (record_id, step, org_id, actor_id, at, result, opinion, \
             recognised_tenths, recommendation) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [
                id.into(),
                step.step.into(),
                step.org_id.into(),
                step.actor_id.into(),
                now.into(),
                step.result.into(),
                step.opinion.into(),
                recommendation.into(),
            ],
        ))
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The recommendations given on each of `ids` since its last submission, in one statement;
    /// records nobody reviewed have no row.
    pub async fn recommendations(&self, ids: &[i64]) -> Result<Vec<RecommendationRow>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        RecommendationRow::find_by_statement(self.stmt(
            &format!(
                "SELECT t.record_id, COUNT(DISTINCT t.actor_id) AS reviewers, \
                 COUNT(DISTINCT CASE WHEN t.recommendation = 'agree' THEN t.actor_id END) AS agree, \
                 COUNT(DISTINCT CASE WHEN t.recommendation = 'disagree' THEN t.actor_id END) AS disagree \
                 FROM review_trail t WHERE t.record_id IN ({}) AND t.step = 'review' \
                 AND t.id > (SELECT COALESCE(MAX(s.id), 0) FROM review_trail s \
                   WHERE s.record_id = t.record_id AND s.step = 'submit') \
                 GROUP BY t.record_id",
                placeholders(ids.len())
            ),
            ids.iter().map(|i| Value::from(*i)),
        ))
        .all(self.db())
        .await
    }

    /// 确认 of a unit's declaration (代申报), at the version the unit saw: approved with its
    /// claimed hours recognised, with the step.
    pub async fn confirm_declaration(
        &self,
        id: i64,
        version: i32,
        unit: i64,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        self.update_with_step(
            "UPDATE ce_record SET state = 'approved', recognised_tenths = claimed_tenths, \
             decided_at = ?, decided_by = ?, version = version + 1 \
             WHERE id = ? AND version = ? AND unit_id = ? AND state = 'unit_draft'",
            [
                now.into(),
                step.actor_id.into(),
                id.into(),
                version.into(),
                unit.into(),
            ],
            id,
            Some(step),
            now,
        )
        .await
    }

    /// The unit deletes its declaration before confirming it: kept as deleted with the step,
    /// counted nowhere.
    pub async fn discard_declaration(
        &self,
        id: i64,
        unit: i64,
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        self.update_with_step(
            "UPDATE ce_record SET state = 'deleted', version = version + 1 \
             WHERE id = ? AND unit_id = ? AND state = 'unit_draft'",
            [id.into(), unit.into()],
            id,
            Some(step),
            now,
        )
        .await
    }
}
