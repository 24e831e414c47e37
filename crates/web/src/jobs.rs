//! The workers of background jobs, inside the server process: a job is claimed from the
//! `job` table by one conditional statement, run, and finished with its result. Starting a
//! job kicks a worker at once; a timer picks up anything left (another server's queue, or
//! jobs a crash interrupted). A running job holds a short lease that its worker's heartbeat
//! renews; the timer of any server puts a job whose lease ran out back in the queue, so a job
//! interrupted by a crash runs again within a minute, whether or not its server comes back.

use std::time::Duration;

use crate::AppState;

/// A job that ends with something to tell its user rather than a fault.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// Runs queued jobs until none is left.
pub async fn drain(app: &AppState) {
    loop {
        let job = match app.store.claim_job(app.now()).await {
            Ok(Some(j)) => j,
            Ok(None) => return,
            Err(e) => {
                tracing::error!("claiming a job: {e}");
                return;
            }
        };
        let beat = heartbeat(app, job.id);
        let outcome = match job.kind.as_str() {
            crate::records::import::KIND => crate::records::import::run(app, &job).await,
            crate::certificates::batch::KIND => crate::certificates::batch::run(app, &job).await,
            other => Err(anyhow::anyhow!("unknown job kind {other}")),
        };
        drop(beat);
        let finished = match outcome {
            Ok(result) => {
                app.store
                    .finish_job(job.id, false, &result, app.now())
                    .await
            }
            Err(e) => {
                let message = match e.downcast_ref::<Refused>() {
                    Some(r) => r.0.clone(),
                    None => {
                        tracing::error!("job {} ({}) failed: {e:#}", job.id, job.kind);
                        "处理过程中出现错误，请重试；仍不成功请联系管理员。".to_owned()
                    }
                };
                app.store
                    .finish_job(job.id, true, &message, app.now())
                    .await
            }
        };
        if let Err(e) = finished {
            tracing::error!("finishing job {}: {e}", job.id);
        }
    }
}

/// Starts a worker now, without waiting for the timer.
pub fn kick(app: &AppState) {
    let app = app.clone();
    tokio::spawn(async move { drain(&app).await });
}

/// How long a running job's lease lasts without a heartbeat: after it the job is taken to
/// have died with its server.
pub const LEASE: chrono::Duration = chrono::Duration::seconds(30);

/// How often a worker renews the lease of the job it runs: a few beats fit in one lease, so a
/// slow statement does not lose a job that is still running.
const BEAT: Duration = Duration::from_secs(10);

/// How often a server's timer looks for jobs to requeue and to run.
const TICK: Duration = Duration::from_secs(5);

/// The beating of one job's lease; it stops when dropped, also when the job's run panics, so
/// a job that died never looks alive.
struct Beat(tokio::task::JoinHandle<()>);

impl Drop for Beat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Renews the lease of job `id` while the returned beat lives.
fn heartbeat(app: &AppState, id: i64) -> Beat {
    let app = app.clone();
    Beat(tokio::spawn(async move {
        let mut tick = tokio::time::interval(BEAT);
        // The claim itself was the first beat.
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = app.store.job_heartbeat(id, app.now()).await {
                tracing::warn!("heartbeat of job {id}: {e}");
            }
        }
    }))
}

/// Puts back in the queue the running jobs whose lease ran out (their worker died); every job
/// is idempotent, so running one again is safe.
pub async fn requeue_interrupted(app: &AppState) -> Result<u64, store::DbErr> {
    app.store.requeue_stale_jobs(app.now() - LEASE).await
}

/// The timer of a server: jobs whose worker died go back to the queue, then the queue is
/// drained, every few seconds.
pub fn spawn(app: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(TICK);
        loop {
            tick.tick().await;
            match requeue_interrupted(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("{n} interrupted job(s) queued again"),
                Err(e) => tracing::error!("requeueing jobs: {e}"),
            }
            drain(&app).await;
        }
    });
}
