//! Certificates: issuing one (its number follows its id), the one valid certificate of a
//! person's year (a new one supersedes it in the same transaction), and the lookup by code.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait};

use crate::Store;

#[derive(Debug, Clone, FromQueryResult)]
pub struct Certificate {
    pub id: i64,
    pub number: String,
    pub code: String,
    pub kind: String,
    pub account_id: i64,
    pub unit_id: i64,
    pub year: Option<i32>,
    pub cycle_id: Option<i64>,
    pub facts: String,
    pub state: String,
    pub superseded_by: Option<i64>,
    pub issued_at: DateTime<Utc>,
}

const CERTIFICATE: &str = "SELECT id, number, code, kind, account_id, unit_id, year, cycle_id, facts, \
     state, superseded_by, issued_at FROM certificate";

/// A certificate to issue.
pub struct NewCertificate<'a> {
    pub kind: &'a str,
    pub account_id: i64,
    pub unit_id: i64,
    pub year: Option<i32>,
    pub cycle_id: Option<i64>,
    pub facts: &'a str,
    pub code: &'a str,
    pub issued_by: i64,
}

impl Store {
    /// Issues a certificate; the valid one of the same person, kind and year (or cycle) is
    /// superseded by it in the same transaction. `number` makes the printed number from the id.
    /// `None` when the code is taken (the caller draws another).
    pub async fn issue_certificate(
        &self,
        c: &NewCertificate<'_>,
        number: impl Fn(i64) -> String,
        now: DateTime<Utc>,
    ) -> Result<Option<Certificate>, DbErr> {
        let txn = self.db().begin().await?;
        let inserted = txn
            .query_one_raw(self.stmt(
                "INSERT INTO certificate (number, code, kind, account_id, unit_id, year, cycle_id, facts, \
                 state, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?) RETURNING id",
                [
                    c.code.into(),
                    c.code.into(),
                    c.kind.into(),
                    c.account_id.into(),
                    c.unit_id.into(),
                    c.year.into(),
                    c.cycle_id.into(),
                    c.facts.into(),
                    c.issued_by.into(),
                    now.into(),
                ],
            ))
            .await;
        let id: i64 = match inserted {
            Ok(Some(row)) => row.try_get("", "id")?,
            Ok(None) => return Err(DbErr::Custom("insert returned no id".into())),
            Err(e) if crate::is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        txn.execute_raw(self.stmt(
            "UPDATE certificate SET number = ? WHERE id = ?",
            [number(id).into(), id.into()],
        ))
        .await?;
        txn.execute_raw(self.stmt(
            "UPDATE certificate SET state = 'superseded', superseded_by = ? WHERE account_id = ? \
             AND kind = ? AND state = 'valid' AND id <> ? \
             AND (year = ? OR cycle_id = ?)",
            [
                id.into(),
                c.account_id.into(),
                c.kind.into(),
                id.into(),
                c.year.into(),
                c.cycle_id.into(),
            ],
        ))
        .await?;
        let cert = Certificate::find_by_statement(
            self.stmt(&format!("{CERTIFICATE} WHERE id = ?"), [id.into()]),
        )
        .one(&txn)
        .await?;
        txn.commit().await?;
        Ok(cert)
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
}
