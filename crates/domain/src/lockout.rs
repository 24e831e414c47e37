//! Locking an account after repeated wrong passwords.
//!
//! The rule is "more than `max_failures` consecutive wrong passwords lock the account for
//! `lock_for`": with the teacher platform's 3 and 15 minutes, the fourth wrong password locks.
//! The provincial unified login uses 5 and one hour, so both numbers are settings.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockPolicy {
    pub max_failures: u32,
    pub lock_for: Duration,
}

impl Default for LockPolicy {
    /// The teacher platform's numbers: the fourth wrong password locks for 15 minutes.
    fn default() -> Self {
        LockPolicy {
            max_failures: 3,
            lock_for: Duration::minutes(15),
        }
    }
}

/// What is stored per account between sign-in attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoginState {
    pub failed_count: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    Open,
    Locked {
        until: DateTime<Utc>,
        minutes_left: i64,
    },
}

impl LockPolicy {
    pub fn new(max_failures: u32, lock_for: Duration) -> Self {
        LockPolicy {
            max_failures,
            lock_for,
        }
    }

    /// The provincial unified login's numbers: the sixth wrong password locks for an hour.
    pub fn provincial() -> Self {
        LockPolicy::new(5, Duration::hours(1))
    }

    /// Checked before the password is even looked at: while locked, the right password is refused
    /// too, otherwise the lock would not slow down guessing at all.
    pub fn gate(&self, s: &LoginState, now: DateTime<Utc>) -> Gate {
        match s.locked_until {
            Some(until) if now < until => Gate::Locked {
                until,
                minutes_left: minutes_rounded_up(until - now),
            },
            _ => Gate::Open,
        }
    }

    /// The state after a wrong password at `now`, and whether the account is locked afterwards
    /// (which is what the person must be told instead of "wrong password").
    pub fn after_failure(&self, s: &LoginState, now: DateTime<Utc>) -> (LoginState, bool) {
        if let Gate::Locked { .. } = self.gate(s, now) {
            // Attempts during a lock are not evaluated, so they neither count nor extend it.
            return (*s, true);
        }
        // An expired lock means the person waited it out: they get the full number of tries.
        let previous = if s.locked_until.is_some() {
            0
        } else {
            s.failed_count
        };
        let failed_count = previous.saturating_add(1);
        if failed_count > self.max_failures {
            let until = now
                .checked_add_signed(self.lock_for)
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let next = LoginState {
                failed_count,
                locked_until: Some(until),
            };
            let locked = matches!(self.gate(&next, now), Gate::Locked { .. });
            (next, locked)
        } else {
            (
                LoginState {
                    failed_count,
                    locked_until: None,
                },
                false,
            )
        }
    }

    pub fn after_success(&self) -> LoginState {
        LoginState::default()
    }

    /// How many more wrong passwords are allowed before the next one locks, for a hint such as
    /// "还可尝试2次". Zero while locked.
    pub fn attempts_left(&self, s: &LoginState, now: DateTime<Utc>) -> u32 {
        match self.gate(s, now) {
            Gate::Locked { .. } => 0,
            Gate::Open if s.locked_until.is_some() => self.max_failures,
            Gate::Open => self.max_failures.saturating_sub(s.failed_count),
        }
    }
}

/// Rounded up so that the message never promises a time at which the account is still locked.
fn minutes_rounded_up(left: Duration) -> i64 {
    let mut seconds = left.num_seconds();
    if left.subsec_nanos() > 0 {
        seconds = seconds.saturating_add(1);
    }
    seconds.max(0).saturating_add(59) / 60
}

pub fn locked_message(minutes_left: i64) -> String {
    format!(
        "密码连续输错次数过多，账号已锁定，请{}分钟后再试",
        minutes_left.max(1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 9, 0, 0).unwrap()
    }

    fn fail_times(policy: &LockPolicy, n: u32, now: DateTime<Utc>) -> (LoginState, bool) {
        let mut state = LoginState::default();
        let mut locked = false;
        for _ in 0..n {
            (state, locked) = policy.after_failure(&state, now);
        }
        (state, locked)
    }

    #[test]
    fn default_is_three_and_fifteen_minutes() {
        let p = LockPolicy::default();
        assert_eq!(p.max_failures, 3);
        assert_eq!(p.lock_for, Duration::minutes(15));
        assert_eq!(LoginState::default().failed_count, 0);
        assert_eq!(LoginState::default().locked_until, None);
    }

    #[test]
    fn three_wrong_passwords_do_not_lock_the_fourth_does() {
        let p = LockPolicy::default();
        let (s, locked) = fail_times(&p, 3, t0());
        assert!(!locked);
        assert_eq!(s.failed_count, 3);
        assert_eq!(p.gate(&s, t0()), Gate::Open);
        assert_eq!(p.attempts_left(&s, t0()), 0);

        let (s, locked) = p.after_failure(&s, t0());
        assert!(locked);
        let until = t0() + Duration::minutes(15);
        assert_eq!(
            p.gate(&s, t0()),
            Gate::Locked {
                until,
                minutes_left: 15
            }
        );

        let almost = t0() + Duration::minutes(14) + Duration::seconds(59);
        assert_eq!(
            p.gate(&s, almost),
            Gate::Locked {
                until,
                minutes_left: 1
            }
        );
        let after_59s = t0() + Duration::seconds(59);
        assert_eq!(
            p.gate(&s, after_59s),
            Gate::Locked {
                until,
                minutes_left: 15
            }
        );
        assert_eq!(p.gate(&s, t0() + Duration::minutes(15)), Gate::Open);
    }

    #[test]
    fn fourteen_minutes_one_second_left_rounds_up_to_fifteen() {
        assert_eq!(minutes_rounded_up(Duration::seconds(14 * 60 + 1)), 15);
        assert_eq!(minutes_rounded_up(Duration::seconds(14 * 60)), 14);
        assert_eq!(minutes_rounded_up(Duration::milliseconds(1)), 1);
        assert_eq!(minutes_rounded_up(Duration::zero()), 0);
    }

    #[test]
    fn failures_while_locked_neither_count_nor_extend() {
        let p = LockPolicy::default();
        let (s, _) = fail_times(&p, 4, t0());
        let later = t0() + Duration::minutes(10);
        let (s2, locked) = p.after_failure(&s, later);
        assert!(locked);
        assert_eq!(s2, s);
    }

    #[test]
    fn count_starts_again_after_the_lock_expires() {
        let p = LockPolicy::default();
        let (s, _) = fail_times(&p, 4, t0());
        let later = t0() + Duration::minutes(15);
        assert_eq!(p.attempts_left(&s, later), 3);
        let (s, locked) = p.after_failure(&s, later);
        assert!(!locked);
        assert_eq!(s.failed_count, 1);
        assert_eq!(s.locked_until, None);
        let (s, _) = fail_times_from(&p, s, 2, later);
        assert_eq!(p.gate(&s, later), Gate::Open);
        let (_, locked) = p.after_failure(&s, later);
        assert!(locked);
    }

    fn fail_times_from(
        policy: &LockPolicy,
        mut state: LoginState,
        n: u32,
        now: DateTime<Utc>,
    ) -> (LoginState, bool) {
        let mut locked = false;
        for _ in 0..n {
            (state, locked) = policy.after_failure(&state, now);
        }
        (state, locked)
    }

    #[test]
    fn success_resets_the_count() {
        let p = LockPolicy::default();
        let (s, _) = fail_times(&p, 3, t0());
        assert_eq!(s.failed_count, 3);
        let s = p.after_success();
        assert_eq!(s, LoginState::default());
        let (s, locked) = fail_times_from(&p, s, 3, t0());
        assert!(!locked);
        assert_eq!(p.gate(&s, t0()), Gate::Open);
    }

    #[test]
    fn provincial_policy_five_and_an_hour() {
        let p = LockPolicy::provincial();
        assert_eq!(p, LockPolicy::new(5, Duration::minutes(60)));
        let (s, locked) = fail_times(&p, 5, t0());
        assert!(!locked);
        assert_eq!(p.gate(&s, t0()), Gate::Open);
        let (s, locked) = p.after_failure(&s, t0());
        assert!(locked);
        let until = t0() + Duration::hours(1);
        assert_eq!(
            p.gate(&s, t0()),
            Gate::Locked {
                until,
                minutes_left: 60
            }
        );
        let almost = until - Duration::seconds(1);
        assert!(matches!(
            p.gate(&s, almost),
            Gate::Locked {
                minutes_left: 1,
                ..
            }
        ));
        assert_eq!(p.gate(&s, until), Gate::Open);
    }

    #[test]
    fn message() {
        assert_eq!(
            locked_message(15),
            "密码连续输错次数过多，账号已锁定，请15分钟后再试"
        );
        assert_eq!(
            locked_message(0),
            "密码连续输错次数过多，账号已锁定，请1分钟后再试"
        );
    }

    #[test]
    fn extreme_settings_do_not_panic() {
        let forever = LockPolicy::new(0, Duration::MAX);
        let (s, locked) = forever.after_failure(&LoginState::default(), t0());
        assert!(locked);
        assert_eq!(s.locked_until, Some(DateTime::<Utc>::MAX_UTC));
        assert!(matches!(forever.gate(&s, t0()), Gate::Locked { .. }));

        // A zero lock time effectively disables locking rather than locking forever.
        let never = LockPolicy::new(0, Duration::zero());
        let (s, locked) = never.after_failure(&LoginState::default(), t0());
        assert!(!locked);
        assert_eq!(never.gate(&s, t0()), Gate::Open);

        let saturated = LoginState {
            failed_count: u32::MAX,
            locked_until: None,
        };
        let (s, _) = LockPolicy::default().after_failure(&saturated, t0());
        assert_eq!(s.failed_count, u32::MAX);
    }

    proptest! {
        #[test]
        fn locked_iff_more_than_max_failures(
            max in 0u32..12,
            lock_minutes in 3i64..24 * 60,
            n in 0u32..30,
            spacing_secs in 0i64..5,
        ) {
            let p = LockPolicy::new(max, Duration::minutes(lock_minutes));
            let mut state = LoginState::default();
            let mut locked = false;
            let mut now = t0();
            for _ in 0..n {
                (state, locked) = p.after_failure(&state, now);
                now += Duration::seconds(spacing_secs);
            }
            prop_assert_eq!(locked, n > max);
            prop_assert_eq!(matches!(p.gate(&state, now), Gate::Locked { .. }), n > max);
            if n > max {
                let until = state.locked_until.unwrap();
                prop_assert_eq!(p.gate(&state, until), Gate::Open);
            }
        }

        #[test]
        fn gate_never_panics(
            count in any::<u32>(),
            until in proptest::option::of(any::<i64>()),
            now in any::<i64>(),
            max in any::<u32>(),
            lock_secs in any::<i64>(),
        ) {
            let state = LoginState {
                failed_count: count,
                locked_until: until.and_then(|s| DateTime::from_timestamp(s, 0)),
            };
            let now = DateTime::from_timestamp(now, 0).unwrap_or(t0());
            let lock_for = Duration::try_seconds(lock_secs).unwrap_or(Duration::MAX);
            let p = LockPolicy::new(max, lock_for);
            if let Gate::Locked { minutes_left, .. } = p.gate(&state, now) {
                prop_assert!(minutes_left >= 1);
            }
            let _ = p.after_failure(&state, now);
            let _ = p.attempts_left(&state, now);
        }
    }
}
