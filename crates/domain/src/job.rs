//! Background jobs (bulk imports, certificate batches): where a job stands. The rows are the
//! store's; what a state means to the person waiting is the same for every kind of job.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobState {
    /// Checked and shown to the user, waiting for them to start it (an import's preview).
    #[serde(rename = "preview")]
    Preview,
    /// Waiting for a worker of any server.
    #[serde(rename = "queued")]
    Queued,
    /// Taken by a worker, which renews its lease while it runs.
    #[serde(rename = "running")]
    Running,
    #[serde(rename = "done")]
    Done,
    #[serde(rename = "failed")]
    Failed,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Preview,
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            JobState::Preview => "preview",
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Still to finish: the page showing it keeps polling.
    pub fn is_unfinished(self) -> bool {
        matches!(self, JobState::Queued | JobState::Running)
    }
}

crate::code::coded!(JobState);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Coded;

    #[test]
    fn codes_round_trip() {
        for s in JobState::ALL {
            assert_eq!(<JobState as Coded>::from_code(s.code()), Some(s));
        }
        assert!(JobState::Running.is_unfinished());
        assert!(!JobState::Preview.is_unfinished());
    }
}
