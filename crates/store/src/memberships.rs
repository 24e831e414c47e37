//! Memberships: personal accounts acting for an organisation, with their roles.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, TransactionTrait};

use domain::org::OrgKind;
use domain::roles::MembershipState;

use crate::{ChangeError, Store, code_values, from_row};

#[derive(Debug, Clone)]
pub struct Membership {
    pub id: i64,
    pub organization_id: i64,
    pub account_id: i64,
    pub state: MembershipState,
    pub roles: i32,
    pub created_at: DateTime<Utc>,
    /// Joined for display.
    pub org_name: String,
    pub org_kind: OrgKind,
    pub real_name: String,
    pub login_name: String,
    pub doc_number: String,
}

from_row!(Membership {
    id, organization_id, account_id, roles, created_at, org_name, real_name, login_name, doc_number,
} coded { state, org_kind });

const SELECT: &str = "SELECT m.id, m.organization_id, m.account_id, m.state, m.roles, m.created_at, \
     o.name AS org_name, o.kind AS org_kind, a.real_name, a.login_name, a.doc_number \
     FROM membership m JOIN organization o ON o.id = m.organization_id \
     JOIN account a ON a.id = m.account_id";

impl Store {
    /// Invites (or re-invites, after a removal or a refusal) an account to act for the
    /// organisation. Answers false when the account is already invited or active.
    pub async fn invite_member(
        &self,
        org: i64,
        account: i64,
        roles: i32,
        by: Option<i64>,
        state: MembershipState,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let state = state.code();
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE membership SET state = ?, roles = ?, invited_by = ?, created_at = ?, decided_at = NULL \
                 WHERE organization_id = ? AND account_id = ? AND state IN ('removed', 'declined')",
                [state.into(), roles.into(), by.into(), now.into(), org.into(), account.into()],
            ))
            .await?;
        if r.rows_affected() == 1 {
            return Ok(true);
        }
        let r = self
            .db()
            .execute_raw(self.stmt(
                "INSERT INTO membership (organization_id, account_id, state, roles, invited_by, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                [org.into(), account.into(), state.into(), roles.into(), by.into(), now.into()],
            ))
            .await;
        match r {
            Ok(_) => Ok(true),
            Err(e) if crate::is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub async fn membership(&self, id: i64) -> Result<Option<Membership>, DbErr> {
        Membership::find_by_statement(self.stmt(&format!("{SELECT} WHERE m.id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    pub async fn membership_of(&self, org: i64, account: i64) -> Result<Option<Membership>, DbErr> {
        Membership::find_by_statement(self.stmt(
            &format!("{SELECT} WHERE m.organization_id = ? AND m.account_id = ?"),
            [org.into(), account.into()],
        ))
        .one(self.db())
        .await
    }

    /// The organisations an account acts for (active) or is invited to, approved ones only.
    pub async fn memberships_of_account(&self, account: i64) -> Result<Vec<Membership>, DbErr> {
        Membership::find_by_statement(self.stmt(
            &format!(
                "{SELECT} WHERE m.account_id = ? AND m.state IN ('invited', 'active') \
                 AND o.status = 'approved' ORDER BY o.name"
            ),
            [account.into()],
        ))
        .all(self.db())
        .await
    }

    pub async fn members_of(&self, org: i64) -> Result<Vec<Membership>, DbErr> {
        Membership::find_by_statement(self.stmt(
            &format!(
                "{SELECT} WHERE m.organization_id = ? AND m.state IN ('invited', 'active') \
                 ORDER BY m.state, a.real_name"
            ),
            [org.into()],
        ))
        .all(self.db())
        .await
    }

    /// Active members holding the role whose bit is `admin_bit` (a power of two).
    pub async fn count_admins(&self, org: i64, admin_bit: i32) -> Result<u32, DbErr> {
        let row = self
            .db()
            .query_one_raw(self.stmt(
                "SELECT COUNT(*) AS n FROM membership WHERE organization_id = ? AND state = 'active' \
                 AND (roles / ?) % 2 = 1",
                [org.into(), admin_bit.into()],
            ))
            .await?;
        Ok(row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0) as u32)
    }

    /// Moves a membership from `from` to `to`, only if it is still in `from`.
    pub async fn change_membership(
        &self,
        id: i64,
        from: &[MembershipState],
        to: MembershipState,
        roles: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<(), ChangeError> {
        let placeholders = vec!["?"; from.len()].join(", ");
        let mut vals: Vec<sea_orm::Value> = vec![to.code().into(), now.into()];
        let roles_sql = match roles {
            Some(r) => {
                vals.push(r.into());
                ", roles = ?"
            }
            None => "",
        };
        vals.push(id.into());
        vals.extend(code_values(from));
        let r = self
            .db()
            .execute_raw(self.stmt(
                &format!(
                    "UPDATE membership SET state = ?, decided_at = ?{roles_sql} WHERE id = ? AND state IN ({placeholders})"
                ),
                vals,
            ))
            .await?;
        crate::one_row(&r)
    }

    /// Changes a membership's state or roles while keeping at least one active
    /// administrator. The organisation's row is written first, so two administrators
    /// demoting each other at once take turns and the second sees the first's change.
    #[allow(clippy::too_many_arguments)]
    pub async fn change_membership_keeping_admin(
        &self,
        id: i64,
        org: i64,
        to: MembershipState,
        roles: i32,
        admin_bit: i32,
        now: DateTime<Utc>,
    ) -> Result<(), KeepAdminError> {
        let txn = self.db().begin().await.map_err(ChangeError::from)?;
        txn.execute_raw(self.stmt(
            "UPDATE organization SET version = version + 1 WHERE id = ?",
            [org.into()],
        ))
        .await
        .map_err(ChangeError::from)?;
        let r = txn
            .execute_raw(self.stmt(
                "UPDATE membership SET state = ?, roles = ?, decided_at = ? \
                 WHERE id = ? AND organization_id = ? AND state IN ('invited', 'active')",
                [
                    to.code().into(),
                    roles.into(),
                    now.into(),
                    id.into(),
                    org.into(),
                ],
            ))
            .await
            .map_err(ChangeError::from)?;
        if r.rows_affected() != 1 {
            return Err(KeepAdminError::Change(ChangeError::Conflict));
        }
        let admins: i64 = txn
            .query_one_raw(self.stmt(
                "SELECT COUNT(*) AS n FROM membership WHERE organization_id = ? AND state = 'active' \
                 AND (roles / ?) % 2 = 1",
                [org.into(), admin_bit.into()],
            ))
            .await
            .map_err(ChangeError::from)?
            .map(|r| r.try_get("", "n"))
            .transpose()
            .map_err(ChangeError::from)?
            .unwrap_or(0);
        if admins < 1 {
            // Dropping the transaction rolls the change back.
            return Err(KeepAdminError::LastAdmin);
        }
        txn.commit().await.map_err(ChangeError::from)?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeepAdminError {
    #[error("the organisation would have no administrator")]
    LastAdmin,
    #[error(transparent)]
    Change(#[from] ChangeError),
}
