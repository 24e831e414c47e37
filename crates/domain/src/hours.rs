//! Hours (学时) as a fixed-point number of tenths: the forms show one decimal place, and sums of
//! hours must be exact, so no floating point is ever involved.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

use crate::credentials::FieldError;
use crate::text;

/// One day of training is counted as 6 hours (one hour being 45 minutes).
pub const HOURS_PER_DAY: i64 = 6;

/// Largest figure a person may type for one record: 9999.9 hours.
pub const MAX_TENTHS: i64 = 99_999;

/// A number of hours in tenths of an hour: `Hours::from_tenths(305)` is 30.5 hours.
///
/// Arithmetic never panics: `+` and `-` saturate at the bounds of `i64` (far beyond any real
/// figure) and may go below zero; use [`Hours::checked_sub`] or [`Hours::shortfall`] where a
/// negative result means something.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hours(i64);

impl Hours {
    pub const ZERO: Hours = Hours(0);

    pub const fn from_tenths(tenths: i64) -> Hours {
        Hours(tenths)
    }

    pub const fn tenths(self) -> i64 {
        self.0
    }

    /// Whole hours: `Hours::whole(28)` is 28.0.
    pub const fn whole(hours: i64) -> Hours {
        Hours(hours.saturating_mul(10))
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, other: Hours) -> Option<Hours> {
        self.0.checked_add(other.0).map(Hours)
    }

    /// `None` when the result would be below zero (or overflow).
    pub fn checked_sub(self, other: Hours) -> Option<Hours> {
        match self.0.checked_sub(other.0) {
            Some(t) if t >= 0 => Some(Hours(t)),
            _ => None,
        }
    }

    /// How much `self` falls short of `required`: zero when it is reached.
    pub fn shortfall(self, required: Hours) -> Hours {
        required.checked_sub(self).unwrap_or(Hours::ZERO)
    }

    /// Days converted to hours: a day is [`HOURS_PER_DAY`] hours. `days` is itself a one-decimal
    /// figure (half days exist).
    pub fn from_days(days: Hours) -> Hours {
        Hours(days.0.saturating_mul(HOURS_PER_DAY))
    }

    /// Hours converted to days, rounded half up to one decimal: 378 h → 63.0, 100 h → 16.7.
    pub fn to_days(self) -> Hours {
        Hours(
            self.0
                .saturating_add(HOURS_PER_DAY / 2)
                .div_euclid(HOURS_PER_DAY),
        )
    }

    /// The figure without a trailing ".0": "28", "30.5" — for sentences rather than tables.
    pub fn short(self) -> String {
        if self.0 % 10 == 0 {
            let sign = if self.0 < 0 { "-" } else { "" };
            format!("{sign}{}", self.0.unsigned_abs() / 10)
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Hours {
    /// Always one decimal place: "30.0", "0.5".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", abs / 10, abs % 10)
    }
}

impl Add for Hours {
    type Output = Hours;
    fn add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }
}

impl Sub for Hours {
    type Output = Hours;
    fn sub(self, other: Hours) -> Hours {
        Hours(self.0.saturating_sub(other.0))
    }
}

impl Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        iter.fold(Hours::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Hours> for Hours {
    fn sum<I: Iterator<Item = &'a Hours>>(iter: I) -> Hours {
        iter.copied().sum()
    }
}

/// Reads hours as typed on a form: "30", "30.5", full-width "０.５" or "３０．５".
pub fn parse(input: &str) -> Result<Hours, FieldError> {
    let s = text::normalised(input);
    if s.is_empty() {
        return Err(FieldError::new("请填写学时"));
    }
    if s.starts_with('-') {
        return Err(FieldError::new("学时不能为负数"));
    }
    let (whole, fraction) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s.as_str(), None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return Err(FieldError::new("学时应为数字，最多保留一位小数"));
    }
    let tenth = match fraction {
        None => 0,
        Some(f) if f.len() == 1 => i64::from(f.as_bytes()[0] - b'0'),
        Some(_) => return Err(FieldError::new("学时最多保留一位小数")),
    };
    let too_large = || FieldError::new("学时不能超过9999.9");
    let digits = whole.trim_start_matches('0');
    if digits.len() > 4 {
        return Err(too_large());
    }
    let mut tenths: i64 = 0;
    for b in digits.bytes() {
        tenths = tenths * 10 + i64::from(b - b'0');
    }
    tenths = tenths * 10 + tenth;
    if tenths > MAX_TENTHS {
        return Err(too_large());
    }
    Ok(Hours(tenths))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_typed_figures() {
        assert_eq!(parse("30"), Ok(Hours::whole(30)));
        assert_eq!(parse("30.5"), Ok(Hours::from_tenths(305)));
        assert_eq!(parse("０.５"), Ok(Hours::from_tenths(5)));
        assert_eq!(parse("３０．５"), Ok(Hours::from_tenths(305)));
        assert_eq!(parse(" 0 "), Ok(Hours::ZERO));
        assert_eq!(parse("0009999.9"), Ok(Hours::from_tenths(99_999)));
    }

    #[test]
    fn refuses_bad_figures() {
        assert_eq!(parse("-1"), Err(FieldError::new("学时不能为负数")));
        assert_eq!(parse("－1"), Err(FieldError::new("学时不能为负数")));
        assert_eq!(parse("30.55"), Err(FieldError::new("学时最多保留一位小数")));
        assert_eq!(parse("10000"), Err(FieldError::new("学时不能超过9999.9")));
        assert_eq!(
            parse("99999999999999999999999"),
            Err(FieldError::new("学时不能超过9999.9"))
        );
        for bad in ["abc", "3a", "1.2.3", ".5", "5.", "+5", "1e3", "三十"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(parse(""), Err(FieldError::new("请填写学时")));
    }

    #[test]
    fn displays_one_decimal() {
        assert_eq!(Hours::whole(30).to_string(), "30.0");
        assert_eq!(Hours::from_tenths(5).to_string(), "0.5");
        assert_eq!(Hours::from_tenths(-5).to_string(), "-0.5");
        assert_eq!(Hours::whole(28).short(), "28");
        assert_eq!(Hours::from_tenths(305).short(), "30.5");
    }

    #[test]
    fn days_and_hours() {
        assert_eq!(HOURS_PER_DAY, 6);
        assert_eq!(Hours::from_days(Hours::whole(12)), Hours::whole(72));
        assert_eq!(Hours::from_days(Hours::from_tenths(5)), Hours::whole(3));
        assert_eq!(Hours::whole(378).to_days(), Hours::whole(63));
        assert_eq!(Hours::whole(360).to_days(), Hours::whole(60));
        assert_eq!(Hours::whole(100).to_days(), Hours::from_tenths(167));
        assert_eq!(Hours::whole(72).to_days().to_string(), "12.0");
        // 0.3 h = 0.05 days, rounded half up to 0.1.
        assert_eq!(Hours::from_tenths(3).to_days(), Hours::from_tenths(1));
        assert_eq!(Hours::from_tenths(2).to_days(), Hours::ZERO);
    }

    #[test]
    fn arithmetic() {
        let a = Hours::whole(18);
        let b = Hours::from_tenths(425);
        assert_eq!(a + b, Hours::from_tenths(605));
        assert_eq!(b - a, Hours::from_tenths(245));
        assert_eq!(a - b, Hours::from_tenths(-245));
        assert_eq!(a.checked_sub(b), None);
        assert_eq!(b.checked_sub(a), Some(Hours::from_tenths(245)));
        assert_eq!(a.shortfall(Hours::whole(30)), Hours::whole(12));
        assert_eq!(b.shortfall(Hours::whole(30)), Hours::ZERO);
        assert_eq!([a, b, a].iter().sum::<Hours>(), Hours::from_tenths(785));
        assert_eq!(
            vec![a, b].into_iter().sum::<Hours>(),
            Hours::from_tenths(605)
        );
        assert_eq!(
            Hours::from_tenths(i64::MAX) + Hours::whole(1),
            Hours::from_tenths(i64::MAX)
        );
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(t in 0i64..=MAX_TENTHS) {
            let h = Hours::from_tenths(t);
            prop_assert_eq!(parse(&h.to_string()), Ok(h));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,12}") {
            let _ = parse(&s);
        }

        #[test]
        fn to_days_is_within_half_a_tenth(t in 0i64..1_000_000) {
            let days = Hours::from_tenths(t).to_days().tenths();
            // |days × 6 − t| ≤ 3 tenths of an hour (half a tenth of a day).
            prop_assert!((days * 6 - t).abs() <= 3);
        }
    }
}
