//! Persistence of jxjy: one data layer over SQLite (the embedded default) and
//! PostgreSQL (a province's engine), with the same migrations and queries.

mod entity;
mod migration;

pub mod accounts;
pub mod attachments;
pub mod audit;
/// Bulk data for `jxjy bench`, outside the server's normal build.
#[cfg(feature = "bench")]
pub mod bench;
pub mod bindings;
pub mod certificates;
pub mod cycles;
pub mod files;
pub mod jobs;
pub mod memberships;
pub mod organizations;
pub mod profiles;
pub mod records;
pub mod reference;
pub mod sessions;
pub mod submissions;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

pub use sea_orm::DbErr;

/// A page of a list, cut in SQL, with the total the pagination shows.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects to `sqlite://path` (created if missing, WAL mode) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, DbErr> {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            if let Some(dir) = sqlite_path(url)
                .and_then(|p| p.parent().map(|d| d.to_owned()))
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
            }
            // Several readers with WAL; writers queue on the busy timeout instead of failing.
            opts.max_connections(4).map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(15))
                    .foreign_keys(true)
            });
        } else {
            opts.max_connections(20);
        }
        let db = Database::connect(opts).await?;
        Ok(Store { db })
    }

    /// Applies every pending migration; safe to run at every start-up.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        migration::Migrator::up(&self.db, None).await
    }

    /// Answers whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.db.ping().await
    }

    pub fn engine(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Postgres => "postgres",
            DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Runs a raw statement; used by tests and operators, never with user input.
    pub async fn execute_unprepared(&self, sql: &str) -> Result<(), DbErr> {
        self.db.execute_unprepared(sql).await.map(|_| ())
    }

    /// A transaction on the store's pool; tests hold one open (a row or the write lock taken)
    /// to force the losing path of a race between a handler's read and its write.
    pub async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, DbErr> {
        use sea_orm::TransactionTrait;
        self.db.begin().await
    }

    /// The integer column `n` of a raw query's first row (0 when there is none); used by tests
    /// and operators, never with user input.
    pub async fn query_i64(&self, sql: &str) -> Result<i64, DbErr> {
        let row = self.db.query_one_raw(self.stmt(sql, [])).await?;
        Ok(row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0))
    }

    /// The text column `t` of every row of a raw query; used by tests to copy prepared
    /// databases, never with user input.
    pub async fn query_texts(&self, sql: &str) -> Result<Vec<Option<String>>, DbErr> {
        self.db
            .query_all_raw(sea_orm::Statement::from_string(self.backend(), sql))
            .await?
            .iter()
            .map(|r| r.try_get::<Option<String>>("", "t"))
            .collect()
    }

    /// Closes every pooled connection and waits for them to end, so that PostgreSQL can
    /// use the database as a template or drop it.
    pub async fn close(self) -> Result<(), DbErr> {
        self.db.close().await
    }
}

fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(std::path::PathBuf::from(path))
    }
}

impl Store {
    /// A raw statement with `?` placeholders, numbered `$1…` for PostgreSQL. Used for
    /// the joins the entity API says less clearly; never with `?` inside a literal.
    pub(crate) fn stmt(
        &self,
        sql: &str,
        values: impl IntoIterator<Item = sea_orm::Value>,
    ) -> sea_orm::Statement {
        let sql = match self.backend() {
            DbBackend::Postgres => {
                let mut out = String::with_capacity(sql.len() + 8);
                let mut n = 0;
                for ch in sql.chars() {
                    if ch == '?' {
                        n += 1;
                        out.push('$');
                        out.push_str(&n.to_string());
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            _ => sql.to_owned(),
        };
        sea_orm::Statement::from_sql_and_values(self.backend(), sql, values)
    }
}

/// A state change that found the object no longer in the state it expected: someone
/// else acted first. The caller tells the user so, and nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("the object changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A conditional change that matched its one row, or the conflict of someone quicker.
pub(crate) fn one_row(r: &sea_orm::ExecResult) -> Result<(), ChangeError> {
    if r.rows_affected() == 1 {
        Ok(())
    } else {
        Err(ChangeError::Conflict)
    }
}

pub(crate) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// The `n` of a `SELECT COUNT(*) AS n`, zero when there is no row.
pub(crate) fn count_of(row: Option<sea_orm::QueryResult>) -> Result<u64, DbErr> {
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0)
        .max(0) as u64)
}

/// `?, ?, …` for an `IN (…)` of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Conditions on the person of a row whose account is `c.account_id`: a part of their name,
/// and their document number (as stored, upper case); blank filters add nothing.
pub(crate) fn person_filter(
    wh: &mut Vec<String>,
    vals: &mut Vec<sea_orm::Value>,
    name: Option<&str>,
    doc_number: Option<&str>,
) {
    if let Some(n) = name.map(str::trim).filter(|s| !s.is_empty()) {
        wh.push("c.account_id IN (SELECT id FROM account WHERE real_name LIKE ?)".into());
        vals.push(format!("%{}%", organizations::escape_like(n)).into());
    }
    if let Some(d) = doc_number.map(str::trim).filter(|s| !s.is_empty()) {
        wh.push("c.account_id IN (SELECT id FROM account WHERE doc_number = ?)".into());
        vals.push(d.to_ascii_uppercase().into());
    }
}

pub(crate) fn page_bounds(page: u64, per_page: u64) -> (u64, u64) {
    let per_page = per_page.clamp(1, 200);
    // A page number typed into a URL must not overflow the offset.
    let page = page.clamp(1, 1_000_000);
    (page, per_page)
}

/// A column holding one of the domain's codes. A code the domain does not know (written by a
/// migration gone wrong or another program) is an error where it is read, never quietly some
/// other value.
pub(crate) fn coded<T: domain::Coded>(
    row: &sea_orm::QueryResult,
    pre: &str,
    column: &str,
) -> Result<T, DbErr> {
    let code: String = row.try_get(pre, column)?;
    T::from_code(&code).ok_or_else(|| {
        DbErr::Type(format!(
            "unknown code {code:?} in column {column} ({})",
            std::any::type_name::<T>()
        ))
    })
}

/// The bound values of a set of codes, for an `IN (…)` of [`placeholders`].
pub(crate) fn code_values<T: domain::Coded>(values: &[T]) -> Vec<sea_orm::Value> {
    values
        .iter()
        .map(|v| sea_orm::Value::from(v.code()))
        .collect()
}

/// Implements `FromQueryResult` for a row struct whose fields are read by their own names:
/// the `plain` ones as they are, the `coded` ones through [`coded`].
macro_rules! from_row {
    ($t:ident { $($plain:ident),* $(,)? } coded { $($code:ident),* $(,)? }) => {
        impl sea_orm::FromQueryResult for $t {
            fn from_query_result(
                row: &sea_orm::QueryResult,
                pre: &str,
            ) -> Result<Self, sea_orm::DbErr> {
                Ok($t {
                    $($plain: row.try_get(pre, stringify!($plain))?,)*
                    $($code: $crate::coded(row, pre, stringify!($code))?,)*
                })
            }
        }
    };
}

pub(crate) use from_row;

#[cfg(test)]
mod code_tests {
    use domain::record::RecordState;

    #[tokio::test]
    async fn an_unknown_state_in_a_row_is_an_error() {
        let store = crate::Store::connect("sqlite::memory:").await.unwrap();
        let row = sea_orm::ConnectionTrait::query_one_raw(
            store.db(),
            store.stmt("SELECT 'approved' AS a, 'aproved' AS b", []),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(
            crate::coded::<RecordState>(&row, "", "a").unwrap(),
            RecordState::Approved
        );
        let err = crate::coded::<RecordState>(&row, "", "b").unwrap_err();
        assert!(err.to_string().contains("aproved"), "{err}");
    }
}
