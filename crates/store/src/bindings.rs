//! Employment bindings of persons to units, transfers between units, staff lists,
//! and the trail of every decision about them.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait, Value};

use domain::binding::{BindingState, TransferState};

use crate::organizations::escape_like;
use crate::{ChangeError, Page, Store, from_row};

#[derive(Debug, Clone)]
pub struct Binding {
    pub id: i64,
    pub account_id: i64,
    pub unit_id: i64,
    pub state: BindingState,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub unit_name: String,
}

from_row!(Binding {
    id, account_id, unit_id, reason, requested_at, decided_at, ended_at, unit_name,
} coded { state });

const BINDING: &str = "SELECT b.id, b.account_id, b.unit_id, b.state, b.reason, b.requested_at, \
     b.decided_at, b.ended_at, o.name AS unit_name FROM binding b JOIN organization o ON o.id = b.unit_id";

#[derive(Debug, Clone)]
pub struct Transfer {
    pub id: i64,
    pub account_id: i64,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub reason: String,
    pub state: TransferState,
    pub opinion: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub from_unit_name: String,
    pub to_unit_name: String,
    pub real_name: String,
    pub doc_number: String,
}

from_row!(Transfer {
    id, account_id, from_unit_id, to_unit_id, reason, opinion, created_at, decided_at,
    from_unit_name, to_unit_name, real_name, doc_number,
} coded { state });

const TRANSFER: &str = "SELECT t.id, t.account_id, t.from_unit_id, t.to_unit_id, t.reason, t.state, \
     t.opinion, t.created_at, t.decided_at, f.name AS from_unit_name, u.name AS to_unit_name, \
     a.real_name, a.doc_number FROM transfer t JOIN organization f ON f.id = t.from_unit_id \
     JOIN organization u ON u.id = t.to_unit_id JOIN account a ON a.id = t.account_id";

/// One line of a staff list.
#[derive(Debug, Clone)]
pub struct StaffRow {
    pub binding_id: i64,
    pub account_id: i64,
    pub real_name: String,
    pub gender: Option<String>,
    pub doc_number: String,
    pub mobile: String,
    pub state: BindingState,
    pub unit_id: i64,
    pub unit_name: String,
    pub series_code: Option<String>,
    pub level_code: Option<String>,
    pub requested_at: DateTime<Utc>,
}

from_row!(StaffRow {
    binding_id, account_id, real_name, gender, doc_number, mobile, unit_id, unit_name,
    series_code, level_code, requested_at,
} coded { state });

#[derive(Debug, Clone, Default)]
pub struct StaffFilter {
    /// The organisation whose subtree's staff are listed.
    pub within: i64,
    pub name: Option<String>,
    pub doc_number: Option<String>,
    pub series_code: Option<String>,
    pub level_code: Option<String>,
    /// Waiting or confirmed; both (every open binding) when None.
    pub state: Option<BindingState>,
    /// Column to sort by: "name", "unit", "requested_at" (default).
    pub sort: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct TrailEntry {
    pub action: String,
    pub at: DateTime<Utc>,
    pub note: String,
    pub actor_name: Option<String>,
    pub org_name: Option<String>,
}

impl Store {
    /// Opens a binding request; false when the person already has an open binding.
    pub async fn request_binding(
        &self,
        account: i64,
        unit: i64,
        state: BindingState,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, DbErr> {
        let r = self
            .db()
            .query_one_raw(self.stmt(
                "INSERT INTO binding (account_id, unit_id, state, open_key, reason, requested_at, decided_at) \
                 VALUES (?, ?, ?, ?, '', ?, ?) RETURNING id",
                [
                    account.into(),
                    unit.into(),
                    state.code().into(),
                    account.into(),
                    now.into(),
                    (state == BindingState::Confirmed).then_some(now).into(),
                ],
            ))
            .await;
        match r {
            Ok(Some(row)) => Ok(Some(row.try_get("", "id")?)),
            Ok(None) => Err(DbErr::Custom("insert returned no id".into())),
            Err(e) if crate::is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn binding(&self, id: i64) -> Result<Option<Binding>, DbErr> {
        Binding::find_by_statement(self.stmt(&format!("{BINDING} WHERE b.id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    /// The person's open binding (waiting or confirmed), if any.
    pub async fn open_binding(&self, account: i64) -> Result<Option<Binding>, DbErr> {
        Binding::find_by_statement(
            self.stmt(&format!("{BINDING} WHERE b.open_key = ?"), [account.into()]),
        )
        .one(self.db())
        .await
    }

    /// Every binding the person ever had, newest first: their history stays theirs.
    pub async fn bindings_of(&self, account: i64) -> Result<Vec<Binding>, DbErr> {
        Binding::find_by_statement(self.stmt(
            &format!("{BINDING} WHERE b.account_id = ? ORDER BY b.requested_at DESC, b.id DESC"),
            [account.into()],
        ))
        .all(self.db())
        .await
    }

    /// Moves a binding of `unit` from state `from` to `to`; refusing or ending it
    /// closes it. Each argument is a column of the one conditional UPDATE.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_binding(
        &self,
        id: i64,
        unit: i64,
        from: BindingState,
        to: BindingState,
        reason: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let closes = !to.is_open();
        let sql = if closes {
            "UPDATE binding SET state = ?, reason = ?, decided_by = ?, decided_at = COALESCE(decided_at, ?), \
             ended_at = ?, open_key = NULL WHERE id = ? AND unit_id = ? AND state = ?"
        } else {
            "UPDATE binding SET state = ?, reason = ?, decided_by = ?, decided_at = ?, \
             ended_at = ? WHERE id = ? AND unit_id = ? AND state = ?"
        };
        let ended: Option<DateTime<Utc>> = closes.then_some(now);
        let r = self
            .db()
            .execute_raw(self.stmt(
                sql,
                [
                    to.code().into(),
                    reason.into(),
                    by.into(),
                    now.into(),
                    ended.into(),
                    id.into(),
                    unit.into(),
                    from.code().into(),
                ],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// The WHERE clause of a staff list and its values.
    fn staff_where(f: &StaffFilter) -> (String, Vec<Value>) {
        let mut wh = vec![
            "b.unit_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = ?)".to_owned(),
        ];
        let mut vals: Vec<Value> = vec![f.within.into()];
        match f.state.filter(|s| s.is_open()) {
            Some(s) => {
                wh.push("b.state = ?".into());
                vals.push(s.code().into());
            }
            None => wh.push("b.open_key IS NOT NULL".into()),
        }
        // Filters on the person are subqueries: each is evaluated once, and the
        // count then needs no join at all.
        let mut person = Vec::new();
        if let Some(n) = f.name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            person.push("real_name LIKE ?");
            vals.push(format!("%{}%", escape_like(n)).into());
        }
        if let Some(d) = f
            .doc_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            person.push("doc_number = ?");
            vals.push(d.to_ascii_uppercase().into());
        }
        if !person.is_empty() {
            wh.push(format!(
                "b.account_id IN (SELECT id FROM account WHERE {})",
                person.join(" AND ")
            ));
        }
        let mut profile = Vec::new();
        if let Some(s) = f.series_code.as_deref().filter(|s| !s.is_empty()) {
            profile.push("series_code = ?");
            vals.push(s.into());
        }
        if let Some(l) = f.level_code.as_deref().filter(|s| !s.is_empty()) {
            profile.push("level_code = ?");
            vals.push(l.into());
        }
        if !profile.is_empty() {
            wh.push(format!(
                "b.account_id IN (SELECT account_id FROM person_profile WHERE {})",
                profile.join(" AND ")
            ));
        }
        (wh.join(" AND "), vals)
    }

    const STAFF_FROM: &'static str = "FROM binding b JOIN account a ON a.id = b.account_id \
                    JOIN organization o ON o.id = b.unit_id \
                    LEFT JOIN person_profile p ON p.account_id = b.account_id";

    /// The count and page statements of a staff list.
    fn staff_sql(f: &StaffFilter) -> (String, String, Vec<Value>, Vec<Value>) {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (where_sql, vals) = Self::staff_where(f);
        let from = Self::STAFF_FROM;
        let count = format!("SELECT COUNT(*) AS n FROM binding b WHERE {where_sql}");
        let order = match f.sort.as_deref() {
            Some("name") => "a.real_name, b.id",
            Some("unit") => "o.name, a.real_name, b.id",
            _ => "b.requested_at DESC, b.id DESC",
        };
        let list = format!(
            "SELECT b.id AS binding_id, a.id AS account_id, a.real_name, a.gender, a.doc_number, a.mobile, \
             b.state, b.unit_id, o.name AS unit_name, p.series_code, p.level_code, b.requested_at \
             {from} WHERE {where_sql} ORDER BY {order} LIMIT ? OFFSET ?"
        );
        let mut page_vals = vals.clone();
        page_vals.push((per_page as i64).into());
        page_vals.push((((page - 1) * per_page) as i64).into());
        (count, list, vals, page_vals)
    }

    pub async fn staff(&self, f: &StaffFilter) -> Result<Page<StaffRow>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let (count, list, vals, page_vals) = Self::staff_sql(f);
        let total: i64 = self
            .db()
            .query_one_raw(self.stmt(&count, vals))
            .await?
            .map(|r| r.try_get("", "n"))
            .transpose()?
            .unwrap_or(0);
        let items = StaffRow::find_by_statement(self.stmt(&list, page_vals))
            .all(self.db())
            .await?;
        Ok(Page {
            items,
            total: total as u64,
            page,
            per_page,
        })
    }

    /// The engine's plan for a staff list's count and page queries, for the benchmark
    /// to show that they use the indexes.
    pub async fn explain_staff(&self, f: &StaffFilter) -> Result<Vec<String>, DbErr> {
        let (count, list, vals, page_vals) = Self::staff_sql(f);
        let prefix = match self.backend() {
            sea_orm::DbBackend::Postgres => "EXPLAIN ",
            _ => "EXPLAIN QUERY PLAN ",
        };
        let mut out = Vec::new();
        for (sql, v) in [(count, vals), (list, page_vals)] {
            let rows = self
                .db()
                .query_all_raw(self.stmt(&format!("{prefix}{sql}"), v))
                .await?;
            out.push("--".to_owned());
            for r in rows {
                let line = r
                    .try_get::<String>("", "QUERY PLAN")
                    .or_else(|_| r.try_get::<String>("", "detail"))
                    .unwrap_or_default();
                out.push(line);
            }
        }
        Ok(out)
    }

    /// Counts for the to-do list of an organisation: binding requests and transfers
    /// waiting for it, and registrations and changes of supervisor waiting for its approval.
    pub async fn org_todo_counts(&self, org: i64) -> Result<(u64, u64, u64), DbErr> {
        let one = |sql: &str| self.stmt(sql, [org.into()]);
        let count = |row: Option<sea_orm::QueryResult>| -> Result<u64, DbErr> {
            Ok(row
                .map(|r| r.try_get::<i64>("", "n"))
                .transpose()?
                .unwrap_or(0) as u64)
        };
        let bindings = count(
            self.db()
                .query_one_raw(one(
                    "SELECT COUNT(*) AS n FROM binding WHERE unit_id = ? AND state = 'requested'",
                ))
                .await?,
        )?;
        let transfers = count(
            self.db()
                .query_one_raw(one("SELECT COUNT(*) AS n FROM transfer WHERE to_unit_id = ? AND state = 'requested'"))
                .await?,
        )?;
        let units = count(
            self.db()
                .query_one_raw(self.stmt(
                    "SELECT COUNT(*) AS n FROM organization \
                     WHERE (parent_id = ? AND status = 'applied') OR pending_parent_id = ?",
                    [org.into(), org.into()],
                ))
                .await?,
        )?;
        Ok((bindings, transfers, units))
    }

    pub async fn request_transfer(
        &self,
        account: i64,
        from_unit: i64,
        to_unit: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, DbErr> {
        let r = self
            .db()
            .query_one_raw(self.stmt(
                "INSERT INTO transfer (account_id, from_unit_id, to_unit_id, reason, state, open_key, opinion, created_at) \
                 VALUES (?, ?, ?, ?, 'requested', ?, '', ?) RETURNING id",
                [account.into(), from_unit.into(), to_unit.into(), reason.into(), account.into(), now.into()],
            ))
            .await;
        match r {
            Ok(Some(row)) => Ok(Some(row.try_get("", "id")?)),
            Ok(None) => Err(DbErr::Custom("insert returned no id".into())),
            Err(e) if crate::is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn transfer(&self, id: i64) -> Result<Option<Transfer>, DbErr> {
        Transfer::find_by_statement(self.stmt(&format!("{TRANSFER} WHERE t.id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    pub async fn transfers_of(&self, account: i64) -> Result<Vec<Transfer>, DbErr> {
        Transfer::find_by_statement(self.stmt(
            &format!("{TRANSFER} WHERE t.account_id = ? ORDER BY t.created_at DESC, t.id DESC"),
            [account.into()],
        ))
        .all(self.db())
        .await
    }

    pub async fn transfers_to(
        &self,
        unit: i64,
        state: TransferState,
    ) -> Result<Vec<Transfer>, DbErr> {
        Transfer::find_by_statement(self.stmt(
            &format!("{TRANSFER} WHERE t.to_unit_id = ? AND t.state = ? ORDER BY t.created_at"),
            [unit.into(), state.code().into()],
        ))
        .all(self.db())
        .await
    }

    /// Refuses or withdraws a waiting transfer.
    pub async fn close_transfer(
        &self,
        id: i64,
        to: TransferState,
        opinion: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE transfer SET state = ?, opinion = ?, decided_by = ?, decided_at = ?, open_key = NULL \
                 WHERE id = ? AND state = 'requested'",
                [to.code().into(), opinion.into(), by.into(), now.into(), id.into()],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// Accepts a transfer: the old binding ends and a confirmed one to the receiving
    /// unit begins, in one transaction, only if the transfer is still waiting.
    pub async fn accept_transfer(
        &self,
        id: i64,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, ChangeError> {
        let txn = self.db().begin().await?;
        // The write comes first: SQLite then takes its write lock at once (waiting on a
        // concurrent writer) instead of failing a read snapshot that went stale.
        let r = txn
            .execute_raw(self.stmt(
                "UPDATE transfer SET state = 'accepted', decided_by = ?, decided_at = ?, open_key = NULL \
                 WHERE id = ? AND state = 'requested'",
                [by.into(), now.into(), id.into()],
            ))
            .await?;
        if r.rows_affected() != 1 {
            return Err(ChangeError::Conflict);
        }
        let t = Transfer::find_by_statement(
            self.stmt(&format!("{TRANSFER} WHERE t.id = ?"), [id.into()]),
        )
        .one(&txn)
        .await?
        .ok_or(ChangeError::Conflict)?;
        let ended = txn
            .execute_raw(self.stmt(
                "UPDATE binding SET state = 'ended', reason = ?, ended_at = ?, open_key = NULL \
                 WHERE open_key = ? AND unit_id = ? AND state = 'confirmed'",
                [
                    format!("调动至{}", t.to_unit_name).into(),
                    now.into(),
                    t.account_id.into(),
                    t.from_unit_id.into(),
                ],
            ))
            .await?;
        if ended.rows_affected() != 1 {
            return Err(ChangeError::Conflict);
        }
        let row = txn
            .query_one_raw(self.stmt(
                "INSERT INTO binding (account_id, unit_id, state, open_key, reason, requested_at, decided_at, decided_by) \
                 VALUES (?, ?, 'confirmed', ?, ?, ?, ?, ?) RETURNING id",
                [
                    t.account_id.into(),
                    t.to_unit_id.into(),
                    t.account_id.into(),
                    format!("由{}调入", t.from_unit_name).into(),
                    now.into(),
                    now.into(),
                    by.into(),
                ],
            ))
            .await?
            .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?;
        let binding_id: i64 = row.try_get("", "id")?;
        txn.commit().await?;
        Ok(binding_id)
    }

    /// One row of the trail: what happened to which object, who did it and for whom.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_trail(
        &self,
        subject: &str,
        subject_id: i64,
        action: &str,
        account: Option<i64>,
        acting_org: Option<i64>,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO org_trail (subject, subject_id, action, account_id, acting_org_id, at, note) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    subject.into(),
                    subject_id.into(),
                    action.into(),
                    account.into(),
                    acting_org.into(),
                    now.into(),
                    note.chars().take(400).collect::<String>().into(),
                ],
            ))
            .await
            .map(|_| ())
    }

    pub async fn trail(&self, subject: &str, subject_id: i64) -> Result<Vec<TrailEntry>, DbErr> {
        TrailEntry::find_by_statement(self.stmt(
            "SELECT t.action, t.at, t.note, a.real_name AS actor_name, o.name AS org_name \
             FROM org_trail t LEFT JOIN account a ON a.id = t.account_id \
             LEFT JOIN organization o ON o.id = t.acting_org_id \
             WHERE t.subject = ? AND t.subject_id = ? ORDER BY t.at, t.id",
            [subject.into(), subject_id.into()],
        ))
        .all(self.db())
        .await
    }
}
