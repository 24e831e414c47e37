//! Accounts: real-name identities, their credentials and their sign-in state.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entity::account as a;
use crate::{Page, Store};

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login_name: String,
    pub login_key: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub real_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub mobile: String,
    pub email: String,
    pub country: String,
    pub doc_type: String,
    pub doc_number: String,
    /// Three (question, answer hash) pairs.
    pub security: [(String, String); 3],
    pub is_platform_admin: bool,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub login_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub real_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub mobile: String,
    pub email: String,
    pub country: String,
    pub doc_type: String,
    pub doc_number: String,
    pub questions: [String; 3],
    pub answer_hashes: [String; 3],
    pub is_platform_admin: bool,
    pub failed_count: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<a::Model> for Account {
    fn from(m: a::Model) -> Self {
        Account {
            id: m.id,
            login_name: m.login_name,
            password_hash: m.password_hash,
            must_change_password: m.must_change_password,
            real_name: m.real_name,
            gender: m.gender,
            birth_date: m.birth_date,
            mobile: m.mobile,
            email: m.email,
            country: m.country,
            doc_type: m.doc_type,
            doc_number: m.doc_number,
            questions: [m.question1, m.question2, m.question3],
            answer_hashes: [m.answer1_hash, m.answer2_hash, m.answer3_hash],
            is_platform_admin: m.is_platform_admin,
            failed_count: u32::try_from(m.failed_count).unwrap_or(0),
            locked_until: m.locked_until,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("document number already registered")]
    DuplicateDocument,
    #[error("login name taken")]
    DuplicateLogin,
    #[error(transparent)]
    Db(#[from] DbErr),
}

#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Matches the name, the login name or the whole document number.
    pub q: Option<String>,
    pub locked_only: bool,
    pub page: u64,
    pub per_page: u64,
}

impl Store {
    pub async fn create_account(
        &self,
        n: NewAccount,
        now: DateTime<Utc>,
    ) -> Result<i64, CreateAccountError> {
        // Checked first for the clear message; the unique indexes still decide a race.
        if self.account_by_document(&n.doc_number).await?.is_some() {
            return Err(CreateAccountError::DuplicateDocument);
        }
        if a::Entity::find()
            .filter(a::Column::LoginKey.eq(&n.login_key))
            .one(self.db())
            .await?
            .is_some()
        {
            return Err(CreateAccountError::DuplicateLogin);
        }
        let [(q1, h1), (q2, h2), (q3, h3)] = n.security;
        let row = a::ActiveModel {
            login_name: Set(n.login_name),
            login_key: Set(n.login_key),
            password_hash: Set(n.password_hash),
            must_change_password: Set(n.must_change_password),
            real_name: Set(n.real_name),
            gender: Set(n.gender),
            birth_date: Set(n.birth_date),
            mobile: Set(n.mobile),
            email: Set(n.email),
            country: Set(n.country),
            doc_type: Set(n.doc_type),
            doc_number: Set(n.doc_number.clone()),
            question1: Set(q1),
            answer1_hash: Set(h1),
            question2: Set(q2),
            answer2_hash: Set(h2),
            question3: Set(q3),
            answer3_hash: Set(h3),
            is_platform_admin: Set(n.is_platform_admin),
            failed_count: Set(0),
            locked_until: Set(None),
            created_at: Set(now),
            password_changed_at: Set(now),
            ..Default::default()
        };
        match row.insert(self.db()).await {
            Ok(m) => Ok(m.id),
            Err(e) if crate::is_unique_violation(&e) => {
                if self.account_by_document(&n.doc_number).await?.is_some() {
                    Err(CreateAccountError::DuplicateDocument)
                } else {
                    Err(CreateAccountError::DuplicateLogin)
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn account(&self, id: i64) -> Result<Option<Account>, DbErr> {
        Ok(a::Entity::find_by_id(id)
            .one(self.db())
            .await?
            .map(Account::from))
    }

    pub async fn account_by_document(&self, doc_number: &str) -> Result<Option<Account>, DbErr> {
        Ok(a::Entity::find()
            .filter(a::Column::DocNumber.eq(doc_number))
            .one(self.db())
            .await?
            .map(Account::from))
    }

    /// The account a sign-in identifier names: a login name (any case) or a document number.
    pub async fn account_by_identifier(&self, identifier: &str) -> Result<Option<Account>, DbErr> {
        let ident = identifier.trim();
        Ok(a::Entity::find()
            .filter(
                Condition::any()
                    .add(a::Column::LoginKey.eq(ident.to_ascii_lowercase()))
                    .add(a::Column::DocNumber.eq(ident.to_ascii_uppercase())),
            )
            .one(self.db())
            .await?
            .map(Account::from))
    }

    /// Writes the sign-in state only if nobody changed the count meanwhile, so two
    /// concurrent wrong passwords are both counted (the caller retries on `false`).
    pub async fn update_login_state(
        &self,
        id: i64,
        expected_failed_count: u32,
        failed_count: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<bool, DbErr> {
        let res = a::Entity::update_many()
            .col_expr(a::Column::FailedCount, Expr::value(failed_count as i32))
            .col_expr(a::Column::LockedUntil, Expr::value(locked_until))
            .filter(a::Column::Id.eq(id))
            .filter(a::Column::FailedCount.eq(expected_failed_count as i32))
            .exec(self.db())
            .await?;
        Ok(res.rows_affected == 1)
    }

    pub async fn unlock_account(&self, id: i64) -> Result<(), DbErr> {
        a::Entity::update_many()
            .col_expr(a::Column::FailedCount, Expr::value(0))
            .col_expr(
                a::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(a::Column::Id.eq(id))
            .exec(self.db())
            .await
            .map(|_| ())
    }

    pub async fn lock_account(&self, id: i64, until: DateTime<Utc>) -> Result<(), DbErr> {
        a::Entity::update_many()
            .col_expr(a::Column::LockedUntil, Expr::value(Some(until)))
            .filter(a::Column::Id.eq(id))
            .exec(self.db())
            .await
            .map(|_| ())
    }

    pub async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        a::Entity::update_many()
            .col_expr(a::Column::PasswordHash, Expr::value(password_hash))
            .col_expr(a::Column::MustChangePassword, Expr::value(must_change))
            .col_expr(a::Column::PasswordChangedAt, Expr::value(now))
            .col_expr(a::Column::FailedCount, Expr::value(0))
            .col_expr(
                a::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(a::Column::Id.eq(id))
            .exec(self.db())
            .await
            .map(|_| ())
    }

    /// Changes the recovery contacts of an account.
    pub async fn set_contact(&self, id: i64, mobile: &str, email: &str) -> Result<(), DbErr> {
        a::Entity::update_many()
            .col_expr(a::Column::Mobile, Expr::value(mobile))
            .col_expr(a::Column::Email, Expr::value(email))
            .filter(a::Column::Id.eq(id))
            .exec(self.db())
            .await
            .map(|_| ())
    }

    pub async fn set_platform_admin(&self, id: i64, yes: bool) -> Result<(), DbErr> {
        a::Entity::update_many()
            .col_expr(a::Column::IsPlatformAdmin, Expr::value(yes))
            .filter(a::Column::Id.eq(id))
            .exec(self.db())
            .await
            .map(|_| ())
    }

    pub async fn search_accounts(
        &self,
        f: &AccountFilter,
        now: DateTime<Utc>,
    ) -> Result<Page<Account>, DbErr> {
        let (page, per_page) = crate::page_bounds(f.page, f.per_page);
        let mut q = a::Entity::find();
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            // A document number is found in the form registration stores it in, so a 15-digit
            // legacy number finds the account registered with it.
            let document = domain::identity::parse_document(
                domain::identity::DocumentType::MainlandId,
                text,
                now.date_naive(),
            )
            .map(|d| d.number)
            .unwrap_or_else(|_| text.to_ascii_uppercase());
            q = q.filter(
                Condition::any()
                    .add(a::Column::RealName.contains(text))
                    .add(a::Column::LoginKey.contains(text.to_ascii_lowercase()))
                    .add(a::Column::DocNumber.eq(document)),
            );
        }
        if f.locked_only {
            q = q.filter(a::Column::LockedUntil.gt(now));
        }
        let paginator = q.order_by_desc(a::Column::Id).paginate(self.db(), per_page);
        let total = paginator.num_items().await?;
        let items = paginator
            .fetch_page(page - 1)
            .await?
            .into_iter()
            .map(Account::from)
            .collect();
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}

impl Store {
    pub async fn count_locked_accounts(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        a::Entity::find()
            .filter(a::Column::LockedUntil.gt(now))
            .count(self.db())
            .await
    }
}
