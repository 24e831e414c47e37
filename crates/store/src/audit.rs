//! The security audit log (安全审计): append-only; nothing here updates or deletes.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::entity::audit_log as l;
use crate::{Page, Store};

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub event: String,
    pub outcome: String,
    pub account_id: Option<i64>,
    /// What the actor typed or was shown as, masked where it is a document number.
    pub identifier: String,
    pub ip: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub event: Option<String>,
    pub outcome: Option<String>,
    pub account_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: u64,
    pub per_page: u64,
}

impl Store {
    pub async fn append_audit(&self, e: &AuditEntry) -> Result<(), DbErr> {
        l::ActiveModel {
            at: Set(e.at),
            event: Set(truncate(&e.event, 40)),
            outcome: Set(truncate(&e.outcome, 20)),
            account_id: Set(e.account_id),
            identifier: Set(truncate(&e.identifier, 40)),
            ip: Set(truncate(&e.ip, 64)),
            detail: Set(truncate(&e.detail, 400)),
            ..Default::default()
        }
        .insert(self.db())
        .await
        .map(|_| ())
    }

    pub async fn audit_entries(&self, f: &AuditFilter) -> Result<Page<AuditEntry>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let mut q = l::Entity::find();
        if let Some(ev) = f.event.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(l::Column::Event.eq(ev));
        }
        if let Some(o) = f.outcome.as_deref().filter(|s| !s.is_empty()) {
            q = q.filter(l::Column::Outcome.eq(o));
        }
        if let Some(id) = f.account_id {
            q = q.filter(l::Column::AccountId.eq(id));
        }
        if let Some(from) = f.from {
            q = q.filter(l::Column::At.gte(from));
        }
        if let Some(to) = f.to {
            q = q.filter(l::Column::At.lt(to));
        }
        let p = q
            .order_by_desc(l::Column::At)
            .order_by_desc(l::Column::Id)
            .paginate(self.db(), per_page);
        let total = p.num_items().await?;
        let items = p
            .fetch_page(page - 1)
            .await?
            .into_iter()
            .map(|m| AuditEntry {
                id: m.id,
                at: m.at,
                event: m.event,
                outcome: m.outcome,
                account_id: m.account_id,
                identifier: m.identifier,
                ip: m.ip,
                detail: m.detail,
            })
            .collect();
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}
