//! The workers of background jobs, inside the server process: a job is claimed from the
//! `job` table by one conditional statement, run, and finished with its result. Starting a
//! job kicks a worker at once; a timer picks up anything left (another server's queue, or
//! jobs a crash interrupted, put back in the queue at start-up).

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
        let outcome = match job.kind.as_str() {
            crate::records::import::KIND => crate::records::import::run(app, &job).await,
            crate::certificates::batch::KIND => crate::certificates::batch::run(app, &job).await,
            other => Err(anyhow::anyhow!("unknown job kind {other}")),
        };
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

/// A running job whose worker has not reported for this long is taken to have died.
const STALE: chrono::Duration = chrono::Duration::minutes(5);

/// The timer of a server: jobs whose worker died go back to the queue, then the queue is
/// drained, every few seconds.
pub fn spawn(app: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            match app.store.requeue_stale_jobs(app.now() - STALE).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("{n} interrupted job(s) queued again"),
                Err(e) => tracing::error!("requeueing jobs: {e}"),
            }
            drain(&app).await;
        }
    });
}
