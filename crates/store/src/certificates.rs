//! Certificates: issuing one (its number follows its id, a recount keeps it under a new
//! revision), the one valid certificate of a person's year or cycle (a new one supersedes it in
//! the same transaction), the lookup by code, and a unit's list of its staff's certificates.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait};

use domain::certificate::{CertificateKind, CertificateState};

use crate::records::StaffYearFilter;
use crate::{Page, Store, from_row};

#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: i64,
    pub number: String,
    pub code: String,
    pub kind: CertificateKind,
    pub account_id: i64,
    pub unit_id: i64,
    pub year: Option<i32>,
    pub cycle_id: Option<i64>,
    pub facts: String,
    pub state: CertificateState,
    pub superseded_by: Option<i64>,
    pub issued_at: DateTime<Utc>,
    pub revision: i32,
}

from_row!(Certificate {
    id, number, code, account_id, unit_id, year, cycle_id, facts, superseded_by, issued_at, revision,
} coded { kind, state });

const CERTIFICATE: &str = "SELECT id, number, code, kind, account_id, unit_id, year, cycle_id, facts, \
     state, superseded_by, issued_at, revision FROM certificate";

/// A certificate to issue.
pub struct NewCertificate<'a> {
    pub kind: CertificateKind,
    pub account_id: i64,
    pub unit_id: i64,
    pub year: Option<i32>,
    pub cycle_id: Option<i64>,
    pub facts: &'a str,
    pub code: &'a str,
    pub issued_by: i64,
    /// The valid certificate this one replaces, as the caller saw it; `None` issues the first.
    /// Whatever else is valid by then makes the issue `Raced`, so a recount never undoes a
    /// regeneration made a moment before, and a second first issue never supersedes the first.
    pub replaces: Option<i64>,
    /// A recount (重新统计) prints the next revision of this number; otherwise the number is new.
    pub recount_of: Option<(&'a str, i32)>,
}

/// How an issue ended.
#[derive(Debug)]
pub enum Issued {
    Done(Certificate),
    /// The verification code was drawn before; the caller draws another.
    CodeTaken,
    /// Someone else issued the same certificate (or revision) at the same moment.
    Raced,
}

impl Store {
    /// Issues a certificate, superseding the one it replaces in the same transaction. `number`
    /// makes the printed number from the id. At most one certificate of a year (or cycle) is
    /// valid: a unique index on the valid ones turns a concurrent second issue into `Raced`.
    pub async fn issue_certificate(
        &self,
        c: &NewCertificate<'_>,
        number: impl Fn(i64) -> String,
        now: DateTime<Utc>,
    ) -> Result<Issued, DbErr> {
        match self.try_issue(c, number, now).await {
            Err(e) if crate::is_unique_violation(&e) => {
                let taken = self
                    .db()
                    .query_one_raw(
                        self.stmt("SELECT id FROM certificate WHERE code = ?", [c.code.into()]),
                    )
                    .await?
                    .is_some();
                Ok(if taken {
                    Issued::CodeTaken
                } else {
                    Issued::Raced
                })
            }
            other => other,
        }
    }

    async fn try_issue(
        &self,
        c: &NewCertificate<'_>,
        number: impl Fn(i64) -> String,
        now: DateTime<Utc>,
    ) -> Result<Issued, DbErr> {
        let txn = self.db().begin().await?;
        if let Some(old) = c.replaces {
            let r = txn
                .execute_raw(self.stmt(
                    "UPDATE certificate SET state = 'superseded' WHERE id = ? AND account_id = ? \
                     AND kind = ? AND state = 'valid' AND (year = ? OR cycle_id = ?)",
                    [
                        old.into(),
                        c.account_id.into(),
                        c.kind.code().into(),
                        c.year.into(),
                        c.cycle_id.into(),
                    ],
                ))
                .await?;
            if r.rows_affected() != 1 {
                txn.rollback().await?;
                return Ok(Issued::Raced);
            }
        }
        let (first_number, revision) = match c.recount_of {
            Some((n, r)) => (n, r + 1),
            None => (c.code, 1),
        };
        let row = txn
            .query_one_raw(self.stmt(
                "INSERT INTO certificate (number, revision, code, kind, account_id, unit_id, year, cycle_id, \
                 facts, state, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?) \
                 RETURNING id",
                [
                    first_number.into(),
                    revision.into(),
                    c.code.into(),
                    c.kind.code().into(),
                    c.account_id.into(),
                    c.unit_id.into(),
                    c.year.into(),
                    c.cycle_id.into(),
                    c.facts.into(),
                    c.issued_by.into(),
                    now.into(),
                ],
            ))
            .await?
            .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?;
        let id: i64 = row.try_get("", "id")?;
        if c.recount_of.is_none() {
            txn.execute_raw(self.stmt(
                "UPDATE certificate SET number = ? WHERE id = ?",
                [number(id).into(), id.into()],
            ))
            .await?;
        }
        if let Some(old) = c.replaces {
            txn.execute_raw(self.stmt(
                "UPDATE certificate SET superseded_by = ? WHERE id = ?",
                [id.into(), old.into()],
            ))
            .await?;
        }
        let cert = Certificate::find_by_statement(
            self.stmt(&format!("{CERTIFICATE} WHERE id = ?"), [id.into()]),
        )
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::Custom("issued certificate vanished".into()))?;
        txn.commit().await?;
        Ok(Issued::Done(cert))
    }

    pub async fn certificate(&self, id: i64) -> Result<Option<Certificate>, DbErr> {
        Certificate::find_by_statement(
            self.stmt(&format!("{CERTIFICATE} WHERE id = ?"), [id.into()]),
        )
        .one(self.db())
        .await
    }

    pub async fn certificate_by_code(&self, code: &str) -> Result<Option<Certificate>, DbErr> {
        Certificate::find_by_statement(
            self.stmt(&format!("{CERTIFICATE} WHERE code = ?"), [code.into()]),
        )
        .one(self.db())
        .await
    }

    /// A person's certificates, newest first.
    pub async fn certificates_of(&self, account: i64) -> Result<Vec<Certificate>, DbErr> {
        Certificate::find_by_statement(self.stmt(
            &format!("{CERTIFICATE} WHERE account_id = ? ORDER BY id DESC"),
            [account.into()],
        ))
        .all(self.db())
        .await
    }

    /// The valid certificate of a person's year or cycle.
    pub async fn valid_certificate(
        &self,
        account: i64,
        kind: CertificateKind,
        year: Option<i32>,
        cycle: Option<i64>,
    ) -> Result<Option<Certificate>, DbErr> {
        Certificate::find_by_statement(self.stmt(
            &format!(
                "{CERTIFICATE} WHERE account_id = ? AND kind = ? AND state = 'valid' \
                 AND (year = ? OR cycle_id = ?)"
            ),
            [
                account.into(),
                kind.code().into(),
                year.into(),
                cycle.into(),
            ],
        ))
        .one(self.db())
        .await
    }

    /// Certificates by id, in one statement.
    pub async fn certificates_by_ids(&self, ids: &[i64]) -> Result<Vec<Certificate>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::placeholders(ids.len());
        Certificate::find_by_statement(self.stmt(
            &format!("{CERTIFICATE} WHERE id IN ({marks}) ORDER BY id"),
            ids.iter().map(|i| (*i).into()).collect::<Vec<_>>(),
        ))
        .all(self.db())
        .await
    }

    /// How many of the certificates `ids` are first issues (replacing none) made by `by` at or
    /// after `since`. A batch run again after a crash finds the certificates its interrupted
    /// run issued already valid; this counts them with its own.
    pub async fn first_issued_since(
        &self,
        ids: &[i64],
        by: i64,
        since: DateTime<Utc>,
    ) -> Result<u64, DbErr> {
        let mut n = 0;
        // Chunked so that no statement exceeds the engines' bound-parameter limits.
        for chunk in ids.chunks(500) {
            let mut vals: Vec<sea_orm::Value> = chunk.iter().map(|i| (*i).into()).collect();
            vals.extend([by.into(), since.into()]);
            let row = self
                .db()
                .query_one_raw(self.stmt(
                    &format!(
                        "SELECT COUNT(*) AS n FROM certificate c WHERE c.id IN ({}) \
                         AND c.issued_by = ? AND c.issued_at >= ? \
                         AND NOT EXISTS (SELECT 1 FROM certificate p WHERE p.superseded_by = c.id)",
                        crate::placeholders(chunk.len())
                    ),
                    vals,
                ))
                .await?;
            n += crate::count_of(row)?;
        }
        Ok(n)
    }

    /// A page of a unit's staff for a year with their figures, the year's requirement and the
    /// valid certificate, as the unit's certificate list shows them (one statement).
    pub async fn staff_certificates(
        &self,
        f: &StaffYearFilter,
        only_with_hours: bool,
    ) -> Result<Page<StaffCertificateRow>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (with, mut vals) = Self::staff_year_sql(f);
        vals.push(f.year.into());
        let hours = if only_with_hours {
            "WHERE fig.public_tenths + fig.professional_tenths + fig.elective_tenths > 0"
        } else {
            ""
        };
        vals.push((per_page as i64).into());
        vals.push((((page - 1) * per_page) as i64).into());
        let sql = format!(
            "{with} SELECT fig.account_id, fig.real_name, fig.doc_number, fig.unit_id, fig.unit_name, fig.series_code, \
             fig.public_tenths, fig.professional_tenths, fig.elective_tenths, fig.public_count, \
             fig.professional_count, fig.elective_count, fig.rule_id, fig.met, \
             rq.total_tenths AS required_tenths, cv.id AS certificate_id, \
             COUNT(*) OVER () AS n_rows FROM fig LEFT JOIN rule_set rq ON rq.id = fig.rule_id \
             LEFT JOIN certificate cv ON cv.account_id = fig.account_id AND cv.kind = 'year' \
             AND cv.year = ? AND cv.state = 'valid' {hours} \
             ORDER BY fig.requested_at DESC, fig.binding_id DESC LIMIT ? OFFSET ?"
        );
        let rows = self.db().query_all_raw(self.stmt(&sql, vals)).await?;
        let total = match rows.first() {
            Some(r) => r.try_get::<i64>("", "n_rows")?.max(0) as u64,
            None => 0,
        };
        let items = rows
            .iter()
            .map(|r| StaffCertificateRow::from_query_result(r, ""))
            .collect::<Result<_, _>>()?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}

/// One line of a unit's certificate list.
#[derive(Debug, Clone, FromQueryResult)]
pub struct StaffCertificateRow {
    pub account_id: i64,
    pub real_name: String,
    pub doc_number: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub series_code: Option<String>,
    pub public_tenths: i64,
    pub professional_tenths: i64,
    pub elective_tenths: i64,
    pub public_count: i64,
    pub professional_count: i64,
    pub elective_count: i64,
    pub rule_id: Option<i64>,
    pub met: Option<i32>,
    pub required_tenths: Option<i64>,
    pub certificate_id: Option<i64>,
}
