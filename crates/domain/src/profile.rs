//! Rules for the fields of a person's profile (DOMAIN.md §3) that the account rules do not
//! already cover.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::credentials::FieldError;
use crate::text;

/// 学科类别: cycle verification and some rule sets differ between the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Discipline {
    #[serde(rename = "social")]
    Social,
    #[serde(rename = "natural")]
    Natural,
}

impl Discipline {
    pub const ALL: [Discipline; 2] = [Discipline::Social, Discipline::Natural];

    pub fn code(self) -> &'static str {
        match self {
            Discipline::Social => "social",
            Discipline::Natural => "natural",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Discipline::Social => "社会科学类",
            Discipline::Natural => "自然科学类",
        }
    }
}

impl fmt::Display for Discipline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Optional; stored as six digits or the empty string.
pub fn validate_postal_code(input: &str) -> Result<String, FieldError> {
    let s: String = text::normalised(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() || (s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())) {
        return Ok(s);
    }
    Err(FieldError::new("邮政编码应为6位数字"))
}

/// No one in the system can have a graduation, first job or qualification earlier: it is there
/// to catch a mistyped year such as 1091.
pub const EARLIEST_YEAR: i32 = 1930;

enum DateError {
    Format,
    Impossible,
}

fn digits(s: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Reads the ways people and spreadsheets write a date: 2020-01-31, 2020/1/31, 2020.01.31,
/// 2020年1月31日 and 20200131.
fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let s = match s.strip_suffix('日') {
        Some(rest) => rest.replacen('年', "-", 1).replacen('月', "-", 1),
        None => s.to_owned(),
    };
    let (y, m, d) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (&s[..4], &s[4..6], &s[6..])
    } else {
        let sep = s
            .chars()
            .find(|c| !c.is_ascii_digit())
            .ok_or(DateError::Format)?;
        if !matches!(sep, '-' | '/' | '.') {
            return Err(DateError::Format);
        }
        let mut parts = s.split(sep);
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(y), Some(m), Some(d), None) => (y, m, d),
            _ => return Err(DateError::Format),
        }
    };
    let year = digits(y, 4..=4).ok_or(DateError::Format)?;
    let month = digits(m, 1..=2).ok_or(DateError::Format)?;
    let day = digits(d, 1..=2).ok_or(DateError::Format)?;
    let year = i32::try_from(year).map_err(|_| DateError::Format)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::Impossible)
}

/// A date of the past such as a graduation: empty means not given.
pub fn validate_past_date(
    input: &str,
    today: NaiveDate,
    field_label: &str,
) -> Result<Option<NaiveDate>, FieldError> {
    let s = text::normalised(input);
    if s.is_empty() {
        return Ok(None);
    }
    let date = parse_date(&s).map_err(|e| {
        FieldError::new(match e {
            DateError::Format => format!("{field_label}格式应如 2020-01-31"),
            DateError::Impossible => {
                format!("{field_label}不是有效的日期，请核对月份和日期")
            }
        })
    })?;
    if date > today {
        return Err(FieldError::new(format!("{field_label}不能晚于今天")));
    }
    if date.year() < EARLIEST_YEAR {
        return Err(FieldError::new(format!(
            "{field_label}不能早于{EARLIEST_YEAR}年"
        )));
    }
    Ok(Some(date))
}

/// The day a person born on `birth` turns `years`; someone born on 29 February turns it on 28
/// February in common years, the lenient choice.
fn birthday(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    birth.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// Orders of dates that cannot be true, as (field name, message) pairs for the form. Nothing is
/// said without a birth date. A qualification before the start of work is fine: people obtain
/// some while still at school.
pub fn check_profile_dates(
    birth: Option<NaiveDate>,
    graduation: Option<NaiveDate>,
    work_start: Option<NaiveDate>,
    qualification_date: Option<NaiveDate>,
) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let Some(birth) = birth else {
        return problems;
    };
    let checks = [
        ("graduation_date", graduation, 16, "毕业时间不能早于16周岁"),
        ("work_start", work_start, 16, "参加工作时间不能早于16周岁"),
        (
            "qualification_date",
            qualification_date,
            18,
            "取得资格时间不能早于18周岁",
        ),
    ];
    for (field, date, age, message) in checks {
        if let (Some(date), Some(min)) = (date, birthday(birth, age))
            && date < min
        {
            problems.push((field, message.to_owned()));
        }
    }
    problems
}

/// A free-text field of one line such as a specialty or a school; empty is allowed.
pub fn validate_short_text(
    input: &str,
    max_chars: usize,
    label: &str,
) -> Result<String, FieldError> {
    let s = input.trim();
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(format!(
            "{label}不能包含换行、制表符等控制字符"
        )));
    }
    if s.chars().count() > max_chars {
        return Err(FieldError::new(format!("{label}不能超过{max_chars}个字")));
    }
    Ok(s.to_owned())
}

crate::code::coded!(Discipline);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as DeError;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn msg<T: fmt::Debug>(r: Result<T, FieldError>) -> String {
        r.unwrap_err().0
    }

    const TODAY: (i32, u32, u32) = (2025, 6, 15);

    fn today() -> NaiveDate {
        date(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn disciplines() {
        for (d, code, label) in [
            (Discipline::Social, "social", "社会科学类"),
            (Discipline::Natural, "natural", "自然科学类"),
        ] {
            assert_eq!(d.code(), code);
            assert_eq!(d.label(), label);
            assert_eq!(d.to_string(), label);
            assert_eq!(Discipline::from_code(code), Some(d));
            let de = Discipline::deserialize(IntoDeserializer::<DeError>::into_deserializer(code));
            assert_eq!(de, Ok(d));
        }
        assert_eq!(Discipline::from_code("science"), None);
    }

    #[test]
    fn postal_codes() {
        assert_eq!(validate_postal_code("").unwrap(), "");
        assert_eq!(validate_postal_code("   ").unwrap(), "");
        assert_eq!(validate_postal_code(" 510000 ").unwrap(), "510000");
        assert_eq!(validate_postal_code("５１０ ６３０").unwrap(), "510630");
        for bad in ["51000", "5100000", "51000a", "５１０-６３０"] {
            assert_eq!(
                msg(validate_postal_code(bad)),
                "邮政编码应为6位数字",
                "{bad}"
            );
        }
    }

    #[test]
    fn past_dates() {
        let t = today();
        let v = |s: &str| validate_past_date(s, t, "毕业时间");
        assert_eq!(v(""), Ok(None));
        assert_eq!(v("  "), Ok(None));
        for s in [
            "2010-07-01",
            "2010/07/01",
            "2010.07.01",
            "2010-7-1",
            "2010/7/1",
            " 2010.7.01 ",
            "20100701",
            "2010年7月1日",
            "２０１０－０７－０１",
        ] {
            assert_eq!(v(s), Ok(Some(date(2010, 7, 1))), "{s}");
        }
        assert_eq!(v("2025-06-15"), Ok(Some(t)));
        assert_eq!(v("1930-01-01"), Ok(Some(date(1930, 1, 1))));
        assert_eq!(msg(v("2025-06-16")), "毕业时间不能晚于今天");
        assert_eq!(msg(v("1929-12-31")), "毕业时间不能早于1930年");
        assert_eq!(msg(v("0001-01-01")), "毕业时间不能早于1930年");
        assert_eq!(
            msg(v("2023-02-29")),
            "毕业时间不是有效的日期，请核对月份和日期"
        );
        assert_eq!(
            msg(v("2010-13-01")),
            "毕业时间不是有效的日期，请核对月份和日期"
        );
        assert_eq!(
            msg(v("2010-00-10")),
            "毕业时间不是有效的日期，请核对月份和日期"
        );
        assert_eq!(
            msg(v("20101301")),
            "毕业时间不是有效的日期，请核对月份和日期"
        );
        assert_eq!(v("2024-02-29"), Ok(Some(date(2024, 2, 29))));
        for bad in [
            "2010",
            "2010-07",
            "10-07-01",
            "2010-07-01-01",
            "2010-07/01",
            "2010-007-01",
            "2010 07 01",
            "2010_07_01",
            "2010年7月",
            "2010年7月1",
            "-2010-07-01",
            "+2010-07-01",
            "2010-+7-01",
            "2010-07-01T00:00",
            "abc",
            "日",
        ] {
            assert_eq!(msg(v(bad)), "毕业时间格式应如 2020-01-31", "{bad}");
        }
    }

    #[test]
    fn profile_dates() {
        let birth = Some(date(1990, 3, 7));
        assert!(check_profile_dates(None, Some(date(1990, 1, 1)), None, None).is_empty());
        assert!(check_profile_dates(birth, None, None, None).is_empty());
        assert!(
            check_profile_dates(
                birth,
                Some(date(2012, 7, 1)),
                Some(date(2012, 8, 1)),
                Some(date(2015, 12, 1))
            )
            .is_empty()
        );
        // On the birthday itself the person has the age.
        assert!(
            check_profile_dates(
                birth,
                Some(date(2006, 3, 7)),
                Some(date(2006, 3, 7)),
                Some(date(2008, 3, 7))
            )
            .is_empty()
        );
        // A qualification obtained at school, before work started, is fine.
        assert!(
            check_profile_dates(
                birth,
                Some(date(2012, 7, 1)),
                Some(date(2013, 1, 1)),
                Some(date(2011, 12, 1))
            )
            .is_empty()
        );
        assert_eq!(
            check_profile_dates(
                birth,
                Some(date(2006, 3, 6)),
                Some(date(2006, 3, 6)),
                Some(date(2008, 3, 6))
            ),
            vec![
                ("graduation_date", "毕业时间不能早于16周岁".to_owned()),
                ("work_start", "参加工作时间不能早于16周岁".to_owned()),
                (
                    "qualification_date",
                    "取得资格时间不能早于18周岁".to_owned()
                ),
            ]
        );
        // A date before the birth itself is caught by the same rules.
        assert_eq!(
            check_profile_dates(birth, None, Some(date(1980, 1, 1)), None),
            vec![("work_start", "参加工作时间不能早于16周岁".to_owned())]
        );
        assert_eq!(
            check_profile_dates(birth, None, None, Some(date(2007, 1, 1))),
            vec![(
                "qualification_date",
                "取得资格时间不能早于18周岁".to_owned()
            )]
        );
        // Born on 29 February: the 16th birthday falls on 28 February of the common year.
        let leap = Some(date(2000, 2, 29));
        assert!(check_profile_dates(leap, Some(date(2016, 2, 29)), None, None).is_empty());
        assert!(check_profile_dates(leap, None, Some(date(2017, 2, 28)), None).is_empty());
        assert_eq!(
            check_profile_dates(leap, None, Some(date(2016, 2, 28)), None).len(),
            1
        );
        // Near the end of the calendar no birthday exists; nothing to say rather than a panic.
        assert!(
            check_profile_dates(Some(NaiveDate::MAX), Some(NaiveDate::MIN), None, None).is_empty()
        );
    }

    #[test]
    fn short_texts() {
        assert_eq!(validate_short_text("", 20, "从事专业").unwrap(), "");
        assert_eq!(
            validate_short_text(" 土木工程 ", 20, "从事专业").unwrap(),
            "土木工程"
        );
        assert!(validate_short_text(&"专".repeat(20), 20, "从事专业").is_ok());
        assert_eq!(
            msg(validate_short_text(&"专".repeat(21), 20, "从事专业")),
            "从事专业不能超过20个字"
        );
        assert_eq!(
            msg(validate_short_text("土木\n工程", 20, "从事专业")),
            "从事专业不能包含换行、制表符等控制字符"
        );
        assert_eq!(
            msg(validate_short_text("x", 0, "备注")),
            "备注不能超过0个字"
        );
    }

    proptest! {
        #[test]
        fn never_panic(s in any::<String>(), max in any::<usize>(), days in -200_000i64..200_000) {
            let today = today() + chrono::Duration::days(days);
            let _ = validate_postal_code(&s);
            let _ = validate_past_date(&s, today, "毕业时间");
            let _ = validate_past_date(&s, NaiveDate::MIN, &s);
            let _ = validate_past_date(&s, NaiveDate::MAX, &s);
            let _ = validate_short_text(&s, max, &s);
            let _ = Discipline::from_code(&s);
        }

        #[test]
        fn never_panic_on_date_like_input(s in "[0-9\\-/.年月日 ]{0,14}") {
            let _ = validate_past_date(&s, today(), "毕业时间");
        }

        #[test]
        fn accepted_dates_are_in_range_and_round_trip(y in 1900i32..2100, m in 1u32..=12, d in 1u32..=31) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            if let Ok(Some(got)) = validate_past_date(&s, today(), "日期") {
                prop_assert!(got <= today() && got >= date(EARLIEST_YEAR, 1, 1));
                prop_assert_eq!(got.format("%Y-%m-%d").to_string(), s.clone());
                let slashed = s.replace('-', "/");
                prop_assert_eq!(validate_past_date(&slashed, today(), "日期"), Ok(Some(got)));
            }
        }

        #[test]
        fn dates_never_panic(
            birth in proptest::option::of(any::<i32>()),
            others in proptest::collection::vec(proptest::option::of(any::<i32>()), 3),
        ) {
            let to_date = |n: Option<i32>| n.and_then(NaiveDate::from_num_days_from_ce_opt);
            let _ = check_profile_dates(to_date(birth), to_date(others[0]), to_date(others[1]), to_date(others[2]));
        }
    }
}
