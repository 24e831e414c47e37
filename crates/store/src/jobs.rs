//! Background jobs: a row per job (kind, JSON arguments, state, progress, result), claimed by
//! the workers of any server with one conditional statement, so several servers share one
//! queue with no broker. States: preview (waiting for the user to start it), queued,
//! running, done, failed.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult};

use domain::job::JobState;

use crate::{ChangeError, Store, from_row};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub args: String,
    pub state: JobState,
    pub done: i64,
    pub total: i64,
    pub result: String,
    pub error: String,
    pub created_by: i64,
    pub org_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

from_row!(Job {
    id, kind, args, done, total, result, error, created_by, org_id, created_at, started_at,
    finished_at,
} coded { state });

const JOB: &str = "SELECT id, kind, args, state, done, total, result, error, created_by, org_id, \
     created_at, started_at, finished_at FROM job";

impl Store {
    /// Records a job in `state` (preview or queued) and answers its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_job(
        &self,
        kind: &str,
        args: &str,
        state: JobState,
        result: &str,
        created_by: i64,
        org_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64, DbErr> {
        let row = self
            .db()
            .query_one_raw(self.stmt(
                "INSERT INTO job (kind, args, state, done, total, result, error, created_by, org_id, created_at) \
                 VALUES (?, ?, ?, 0, 0, ?, '', ?, ?, ?) RETURNING id",
                [
                    kind.into(),
                    args.into(),
                    state.code().into(),
                    result.into(),
                    created_by.into(),
                    org_id.into(),
                    now.into(),
                ],
            ))
            .await?
            .ok_or_else(|| DbErr::Custom("insert returned no id".into()))?;
        row.try_get("", "id")
    }

    pub async fn job(&self, id: i64) -> Result<Option<Job>, DbErr> {
        Job::find_by_statement(self.stmt(&format!("{JOB} WHERE id = ?"), [id.into()]))
            .one(self.db())
            .await
    }

    /// The latest jobs of a kind started for an organisation.
    pub async fn jobs_of(&self, kind: &str, org: i64, limit: u64) -> Result<Vec<Job>, DbErr> {
        Job::find_by_statement(self.stmt(
            &format!("{JOB} WHERE kind = ? AND org_id = ? ORDER BY id DESC LIMIT ?"),
            [kind.into(), org.into(), (limit as i64).into()],
        ))
        .all(self.db())
        .await
    }

    /// The user starts a previewed job of the organisation, once however often they click.
    pub async fn queue_job(&self, id: i64, org: i64, args: &str) -> Result<(), ChangeError> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE job SET state = 'queued', args = ? WHERE id = ? AND org_id = ? AND state = 'preview'",
                [args.into(), id.into(), org.into()],
            ))
            .await?;
        crate::one_row(&r)
    }

    /// Claims the oldest queued job: one conditional statement, so two workers never take
    /// the same job.
    pub async fn claim_job(&self, now: DateTime<Utc>) -> Result<Option<Job>, DbErr> {
        let pick = match self.backend() {
            DbBackend::Postgres => {
                "SELECT id FROM job WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
            }
            _ => "SELECT id FROM job WHERE state = 'queued' ORDER BY id LIMIT 1",
        };
        let row = self
            .db()
            .query_one_raw(self.stmt(
                &format!(
                    "UPDATE job SET state = 'running', started_at = ?, heartbeat_at = ? WHERE id = ({pick}) \
                     AND state = 'queued' RETURNING id"
                ),
                [now.into(), now.into()],
            ))
            .await?;
        match row {
            Some(r) => self.job(r.try_get("", "id")?).await,
            None => Ok(None),
        }
    }

    /// Progress of a running job, which is also its heartbeat.
    pub async fn job_progress(
        &self,
        id: i64,
        done: i64,
        total: i64,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        self.db()
            .execute_raw(self.stmt(
                "UPDATE job SET done = ?, total = ?, heartbeat_at = ? WHERE id = ?",
                [done.into(), total.into(), now.into(), id.into()],
            ))
            .await?;
        Ok(())
    }

    /// The worker's heartbeat while a job runs: it renews the job's lease, also through a long
    /// step that reports no progress.
    pub async fn job_heartbeat(&self, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
        self.db()
            .execute_raw(self.stmt(
                "UPDATE job SET heartbeat_at = ? WHERE id = ? AND state = 'running'",
                [now.into(), id.into()],
            ))
            .await?;
        Ok(())
    }

    /// Ends a running job with its result, or its error when `failed`.
    pub async fn finish_job(
        &self,
        id: i64,
        failed: bool,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let sql = if failed {
            "UPDATE job SET state = 'failed', error = ?, finished_at = ? WHERE id = ? AND state = 'running'"
        } else {
            "UPDATE job SET state = 'done', result = ?, finished_at = ? WHERE id = ? AND state = 'running'"
        };
        self.db()
            .execute_raw(self.stmt(sql, [text.into(), now.into(), id.into()]))
            .await?;
        Ok(())
    }

    /// Jobs whose worker stopped beating before `stale` (a crash) go back to the queue; every
    /// job is idempotent, so running one again is safe. A job another server is still running
    /// beats, and stays where it is.
    pub async fn requeue_stale_jobs(&self, stale: DateTime<Utc>) -> Result<u64, DbErr> {
        let r = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE job SET state = 'queued' WHERE state = 'running' \
                 AND COALESCE(heartbeat_at, started_at) < ?",
                [stale.into()],
            ))
            .await?;
        Ok(r.rows_affected())
    }
}
