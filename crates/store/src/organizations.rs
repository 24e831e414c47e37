//! Organisations: the tree (with its closure table), registration and its decision.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait, Value};

use domain::org::{OrgKind, OrgStatus};

use crate::{ChangeError, Page, Store, from_row};

#[derive(Debug, Clone)]
pub struct Organization {
    pub id: i64,
    pub kind: OrgKind,
    pub level: Option<String>,
    pub name: String,
    pub region_code: String,
    pub parent_id: Option<i64>,
    pub id_kind: Option<String>,
    pub id_code: Option<String>,
    pub legal_rep: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub status: OrgStatus,
    pub decision_reason: String,
    pub registered_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Joined for lists: the parent's name and the region's name.
    pub parent_name: Option<String>,
    pub region_name: Option<String>,
    pub registrant_name: Option<String>,
    /// A requested change of supervisor, waiting for the new supervisor.
    pub pending_parent_id: Option<i64>,
    pub pending_reason: String,
    pub email: String,
    pub postcode: String,
    pub functions: String,
    pub nature: String,
    pub affiliation: String,
}

from_row!(Organization {
    id, level, name, region_code, parent_id, id_kind, id_code, legal_rep, contact_name,
    contact_phone, address, decision_reason, registered_by, created_at, decided_at, parent_name,
    region_name, registrant_name, pending_parent_id, pending_reason, email, postcode, functions,
    nature, affiliation,
} coded { kind, status });

/// What the organisation's administrator keeps up to date on its information page.
#[derive(Debug, Clone, Default)]
pub struct OrgContact {
    pub legal_rep: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub email: String,
    pub postcode: String,
    pub functions: String,
    pub nature: String,
    pub affiliation: String,
}

#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub kind: OrgKind,
    pub level: Option<String>,
    pub name: String,
    pub region_code: String,
    pub parent_id: Option<i64>,
    pub id_kind: Option<String>,
    pub id_code: Option<String>,
    pub legal_rep: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address: String,
    pub status: OrgStatus,
    pub registered_by: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateOrgError {
    #[error("identifier already registered")]
    DuplicateIdentifier,
    #[error(transparent)]
    Db(#[from] DbErr),
}

const SELECT: &str = "SELECT o.id, o.kind, o.level, o.name, o.region_code, o.parent_id, o.id_kind, \
     o.id_code, o.legal_rep, o.contact_name, o.contact_phone, o.address, o.status, \
     o.decision_reason, o.registered_by, o.created_at, o.decided_at, \
     p.name AS parent_name, r.name AS region_name, ra.real_name AS registrant_name, \
     o.pending_parent_id, o.pending_reason, o.email, o.postcode, o.functions, o.nature, o.affiliation \
     FROM organization o LEFT JOIN organization p ON p.id = o.parent_id \
     LEFT JOIN region r ON r.code = o.region_code \
     LEFT JOIN account ra ON ra.id = o.registered_by";

#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Only organisations in this organisation's subtree (itself included).
    pub within: Option<i64>,
    pub kind: Option<OrgKind>,
    pub status: Option<OrgStatus>,
    pub parent_id: Option<i64>,
    pub name: Option<String>,
    pub region_prefix: Option<String>,
    pub registered_by: Option<i64>,
    pub exclude: Option<i64>,
    pub page: u64,
    pub per_page: u64,
}

impl Store {
    pub async fn create_organization(
        &self,
        n: NewOrganization,
        now: DateTime<Utc>,
    ) -> Result<i64, CreateOrgError> {
        let txn = self.db().begin().await?;
        let insert = self.stmt(
            "INSERT INTO organization (kind, level, name, region_code, parent_id, id_kind, id_code, \
             legal_rep, contact_name, contact_phone, address, status, decision_reason, registered_by, \
             created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, 0) RETURNING id",
            [
                n.kind.code().into(),
                n.level.into(),
                n.name.into(),
                n.region_code.into(),
                n.parent_id.into(),
                n.id_kind.into(),
                n.id_code.into(),
                n.legal_rep.into(),
                n.contact_name.into(),
                n.contact_phone.into(),
                n.address.into(),
                n.status.code().into(),
                n.registered_by.into(),
                now.into(),
            ],
        );
        let row = match txn.query_one_raw(insert).await {
            Ok(r) => r,
            Err(e) if crate::is_unique_violation(&e) => {
                return Err(CreateOrgError::DuplicateIdentifier);
            }
            Err(e) => return Err(e.into()),
        };
        let id: i64 = row
            .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?
            .try_get("", "id")?;
        txn.execute_raw(self.stmt(
            "INSERT INTO org_closure (ancestor_id, descendant_id, depth) VALUES (?, ?, 0)",
            [id.into(), id.into()],
        ))
        .await?;
        if let Some(parent) = n.parent_id {
            txn.execute_raw(self.stmt(
                "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
                 SELECT ancestor_id, ?, depth + 1 FROM org_closure WHERE descendant_id = ?",
                [id.into(), parent.into()],
            ))
            .await?;
        }
        txn.commit().await?;
        Ok(id)
    }

    pub async fn organization(&self, id: i64) -> Result<Option<Organization>, DbErr> {
        Organization::find_by_statement(self.stmt(&format!("{SELECT} WHERE o.id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    pub async fn organization_by_identifier(
        &self,
        code: &str,
    ) -> Result<Option<Organization>, DbErr> {
        Organization::find_by_statement(
            self.stmt(&format!("{SELECT} WHERE o.id_code = ?"), [code.into()]),
        )
        .one(self.db())
        .await
    }

    /// Whether `descendant` is `ancestor` or lies under it in the tree.
    pub async fn org_reaches(&self, ancestor: i64, descendant: i64) -> Result<bool, DbErr> {
        Ok(self
            .db()
            .query_one_raw(self.stmt(
                "SELECT 1 AS x FROM org_closure WHERE ancestor_id = ? AND descendant_id = ?",
                [ancestor.into(), descendant.into()],
            ))
            .await?
            .is_some())
    }

    pub async fn organizations(&self, f: &OrgFilter) -> Result<Page<Organization>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let mut wh = vec!["1 = 1".to_owned()];
        let mut vals: Vec<Value> = Vec::new();
        if let Some(w) = f.within {
            wh.push("o.id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = ?)".into());
            vals.push(w.into());
        }
        if let Some(k) = f.kind {
            wh.push("o.kind = ?".into());
            vals.push(k.code().into());
        }
        if let Some(s) = f.status {
            wh.push("o.status = ?".into());
            vals.push(s.code().into());
        }
        if let Some(p) = f.parent_id {
            wh.push("o.parent_id = ?".into());
            vals.push(p.into());
        }
        if let Some(n) = f.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            wh.push("o.name LIKE ?".into());
            vals.push(format!("%{}%", escape_like(n)).into());
        }
        if let Some(x) = f.exclude {
            wh.push("o.id <> ?".into());
            vals.push(x.into());
        }
        if let Some(a) = f.registered_by {
            wh.push("o.registered_by = ?".into());
            vals.push(a.into());
        }
        if let Some(r) = f.region_prefix.as_deref().filter(|r| !r.is_empty()) {
            wh.push("o.region_code LIKE ?".into());
            vals.push(format!("{}%", escape_like(r)).into());
        }
        let where_sql = wh.join(" AND ");
        let total = self
            .db()
            .query_one_raw(self.stmt(
                &format!("SELECT COUNT(*) AS n FROM organization o WHERE {where_sql}"),
                vals.clone(),
            ))
            .await?
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        let mut vals_page = vals;
        vals_page.push((per_page as i64).into());
        vals_page.push((((page - 1) * per_page) as i64).into());
        let items = Organization::find_by_statement(self.stmt(
            &format!(
                "{SELECT} WHERE {where_sql} ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?"
            ),
            vals_page,
        ))
        .all(self.db())
        .await?;
        Ok(Page {
            items,
            total: total as u64,
            page,
            per_page,
        })
    }

    /// Approved departments and HR bureaus a unit in `city` (a 6-digit city code) may
    /// name as its supervisor: those of the city and its districts, and provincial ones.
    pub async fn supervisors_in_city(&self, city: &str) -> Result<Vec<Organization>, DbErr> {
        let prefix = format!("{}%", escape_like(city.get(..4).unwrap_or(city)));
        Organization::find_by_statement(self.stmt(
            &format!(
                "{SELECT} WHERE o.status = 'approved' AND o.kind IN ('department', 'hr_bureau') \
                 AND (o.region_code LIKE ? OR o.region_code = '440000') ORDER BY o.kind DESC, o.region_code, o.name"
            ),
            [prefix.into()],
        ))
        .all(self.db())
        .await
    }

    /// Approved organisations a person may bind to, found by name or identifier.
    pub async fn find_employers(
        &self,
        city: Option<&str>,
        q: &str,
        limit: u64,
    ) -> Result<Vec<Organization>, DbErr> {
        let q = q.trim();
        let mut vals: Vec<Value> = vec![
            format!("%{}%", escape_like(q)).into(),
            q.to_ascii_uppercase().into(),
        ];
        let mut region = String::new();
        // The city comes from a query string: only a region code (digits) narrows the search,
        // and it is cut by characters, never inside one.
        let city_prefix = city
            .and_then(|c| c.get(..4))
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if let Some(p) = city_prefix {
            region = " AND o.region_code LIKE ?".into();
            vals.push(format!("{p}%").into());
        }
        vals.push((limit as i64).into());
        Organization::find_by_statement(self.stmt(
            &format!(
                "{SELECT} WHERE o.status = 'approved' AND o.kind IN ('unit', 'institution', 'direct_point') \
                 AND (o.name LIKE ? OR o.id_code = ?){region} ORDER BY o.name LIMIT ?"
            ),
            vals,
        ))
        .all(self.db())
        .await
    }

    /// Records the decision on a registration, if it is still waiting for one.
    pub async fn decide_organization(
        &self,
        id: i64,
        status: OrgStatus,
        reason: &str,
        by: i64,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE organization SET status = ?, decision_reason = ?, decided_by = ?, \
                 decided_at = ?, version = version + 1 WHERE id = ? AND status = 'applied'",
                [
                    status.code().into(),
                    reason.into(),
                    by.into(),
                    now.into(),
                    id.into(),
                ],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// Updates the contact details of an organisation (its name, identifier and place
    /// in the tree change only through their own procedures).
    pub async fn update_organization_contact(&self, id: i64, c: &OrgContact) -> Result<(), DbErr> {
        self.db()
            .execute_raw(self.stmt(
                "UPDATE organization SET legal_rep = ?, contact_name = ?, contact_phone = ?, \
                 address = ?, email = ?, postcode = ?, functions = ?, nature = ?, affiliation = ?, \
                 version = version + 1 WHERE id = ?",
                [
                    c.legal_rep.as_str().into(),
                    c.contact_name.as_str().into(),
                    c.contact_phone.as_str().into(),
                    c.address.as_str().into(),
                    c.email.as_str().into(),
                    c.postcode.as_str().into(),
                    c.functions.as_str().into(),
                    c.nature.as_str().into(),
                    c.affiliation.as_str().into(),
                    id.into(),
                ],
            ))
            .await
            .map(|_| ())
    }
}

impl Store {
    /// Asks to move the organisation under `new_parent`, unless a move is pending.
    pub async fn request_move(
        &self,
        id: i64,
        new_parent: i64,
        reason: &str,
    ) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE organization SET pending_parent_id = ?, pending_reason = ?, version = version + 1 \
                 WHERE id = ? AND pending_parent_id IS NULL",
                [new_parent.into(), reason.into(), id.into()],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// Organisations asking to move under `parent`.
    pub async fn moves_pending_for(&self, parent: i64) -> Result<Vec<Organization>, DbErr> {
        Organization::find_by_statement(self.stmt(
            &format!("{SELECT} WHERE o.pending_parent_id = ? ORDER BY o.name"),
            [parent.into()],
        ))
        .all(self.db())
        .await
    }

    pub async fn reject_move(&self, id: i64, new_parent: i64) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE organization SET pending_parent_id = NULL, pending_reason = '', version = version + 1 \
                 WHERE id = ? AND pending_parent_id = ?",
                [id.into(), new_parent.into()],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// Moves the organisation and everything below it under `new_parent`: the closure
    /// rows that tied the subtree to its old ancestors go, the new ones come, in one
    /// transaction that starts by claiming the pending request.
    pub async fn approve_move(&self, id: i64, new_parent: i64) -> Result<(), ChangeError> {
        let txn = self.db().begin().await?;
        let r = txn
            .execute_raw(self.stmt(
                "UPDATE organization SET parent_id = ?, pending_parent_id = NULL, pending_reason = '', \
                 version = version + 1 WHERE id = ? AND pending_parent_id = ?",
                [new_parent.into(), id.into(), new_parent.into()],
            ))
            .await?;
        if r.rows_affected() != 1 {
            return Err(ChangeError::Conflict);
        }
        txn.execute_raw(self.stmt(
            "DELETE FROM org_closure WHERE descendant_id IN \
             (SELECT descendant_id FROM org_closure WHERE ancestor_id = ?) \
             AND ancestor_id NOT IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = ?)",
            [id.into(), id.into()],
        ))
        .await?;
        txn.execute_raw(self.stmt(
            "INSERT INTO org_closure (ancestor_id, descendant_id, depth) \
             SELECT up.ancestor_id, down.descendant_id, up.depth + down.depth + 1 \
             FROM org_closure up, org_closure down WHERE up.descendant_id = ? AND down.ancestor_id = ?",
            [new_parent.into(), id.into()],
        ))
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

pub(crate) fn escape_like(s: &str) -> String {
    // Wildcards typed by a user are searched for literally.
    s.replace(['%', '_'], "")
}
