//! Annual verification (年度验证): whether a person's approved hours of a year meet that year's
//! rule set. The rule sets are data maintained by HR; the two constructors here are the reference
//! data shipped with the system, not constants the rules depend on.

use serde::{Deserialize, Serialize};

use crate::hours::Hours;

/// One year's requirement in a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRequirement {
    pub total: Hours,
    pub public: Hours,
    pub professional: Hours,
    pub elective: Hours,
    /// When set, only elective records fill the elective minimum. When not set, hours of public
    /// and professional records above their own minimums may fill it too. Elective hours never
    /// fill the public or professional minimums; every category counts towards the total.
    pub elective_counts_only_as_elective: bool,
}

/// The Guangzhou rules (years up to 2020): at least 72 hours (12 days) a year, of which at least
/// 18 public and at least 42 professional.
pub fn guangzhou_rules() -> YearRequirement {
    YearRequirement {
        total: Hours::whole(72),
        public: Hours::whole(18),
        professional: Hours::whole(42),
        elective: Hours::ZERO,
        elective_counts_only_as_elective: false,
    }
}

/// The province-wide rule in force since 2021: at least 90 hours a year, of which at least 30
/// public, 42 professional and 18 elective; an elective record counts only as elective.
pub fn provincial_rules_since_2021() -> YearRequirement {
    YearRequirement {
        total: Hours::whole(90),
        public: Hours::whole(30),
        professional: Hours::whole(42),
        elective: Hours::whole(18),
        elective_counts_only_as_elective: true,
    }
}

/// A rule set as HR maintains it: which years, region and series it covers, the year's
/// requirement, the fixed figures of authored works and the registration deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    pub name: String,
    pub region_code: String,
    pub series_code: Option<String>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    pub requirement: YearRequirement,
    pub declaration: crate::record::DeclarationRules,
    /// Records of a year are registered by this day (month, day) of the next year.
    pub deadline: (u32, u32),
}

impl RuleSet {
    /// The last day records of `year` may be registered.
    pub fn deadline_for(&self, year: i32) -> chrono::NaiveDate {
        year.checked_add(1)
            .and_then(|next| {
                chrono::NaiveDate::from_ymd_opt(next, self.deadline.0, self.deadline.1)
            })
            .unwrap_or_else(|| crate::record::annual_deadline(year))
    }
}

/// Every problem of a rule set as HR typed it, as (field, message) pairs; empty when it may
/// be saved. Fields: `name`, `years`, `total`, `deadline`, `authors`.
pub fn check_rule_set(rs: &RuleSet) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let name = rs.name.trim();
    if name.is_empty() {
        out.push(("name", "请填写规则名称".to_owned()));
    } else if name.chars().count() > 60 {
        out.push(("name", "规则名称不能超过60个字".to_owned()));
    }
    if let (Some(a), Some(b)) = (rs.year_from, rs.year_to)
        && a > b
    {
        out.push(("years", "起始年度不能晚于截止年度".to_owned()));
    }
    let r = &rs.requirement;
    let minimums = r.public + r.professional + r.elective;
    if !r.total.is_positive() {
        out.push(("total", "年度总学时必须大于0".to_owned()));
    } else if r.total < minimums {
        out.push((
            "total",
            format!(
                "年度总学时不能少于各科目最低学时之和（{}）",
                minimums.short()
            ),
        ));
    }
    let (m, d) = rs.deadline;
    if chrono::NaiveDate::from_ymd_opt(2001, m, d).is_none() {
        out.push(("deadline", "登记截止日期不是有效的月、日".to_owned()));
    }
    let a = &rs.declaration;
    if !a.main_author_hours.is_positive() || a.other_author_hours > a.main_author_hours {
        out.push((
            "authors",
            "第一作者学时应大于0，且不少于其他作者学时".to_owned(),
        ));
    }
    out
}

/// Whether two rule sets for the same region and series would both apply to some year, so
/// that which one counts would be a guess.
pub fn years_overlap(a: (Option<i32>, Option<i32>), b: (Option<i32>, Option<i32>)) -> bool {
    let start = a.0.unwrap_or(i32::MIN).max(b.0.unwrap_or(i32::MIN));
    let end = a.1.unwrap_or(i32::MAX).min(b.1.unwrap_or(i32::MAX));
    start <= end
}

/// The significant digits of a region code, so that a rule for "440000" (the province) covers
/// every code starting "44", one for "440100" (Guangzhou) every code starting "4401"; the
/// most specific rule is the one with the longest prefix.
pub fn region_prefix(code: &str) -> &str {
    let code = code.trim();
    if code.len() != 6 || !code.is_ascii() {
        return code;
    }
    if code.ends_with("0000") {
        &code[..2]
    } else if code.ends_with("00") {
        &code[..4]
    } else {
        code
    }
}

/// Hours completed in a year, by category (approved records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Completed {
    pub public: Hours,
    pub professional: Hours,
    pub elective: Hours,
}

/// The figures of a requirement, as shown next to the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Required {
    pub total: Hours,
    pub public: Hours,
    pub professional: Hours,
    pub elective: Hours,
}

impl From<&YearRequirement> for Required {
    fn from(r: &YearRequirement) -> Self {
        Required {
            total: r.total,
            public: r.public,
            professional: r.professional,
            elective: r.elective,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualResult {
    pub required: Required,
    pub completed: Completed,
    /// Every category counted, elective included.
    pub counted_total: Hours,
    pub met: bool,
    pub shortfall_total: Hours,
    pub shortfall_public: Hours,
    pub shortfall_professional: Hours,
    pub shortfall_elective: Hours,
}

fn non_negative(h: Hours) -> Hours {
    h.max(Hours::ZERO)
}

/// Checks a year's completed hours against its requirement: the total counts every category,
/// and each category minimum is checked on its own. Excess hours of a year are not carried over
/// here; a rule set that allows it adds them to `completed` itself.
pub fn annual_check(req: &YearRequirement, completed: &Completed) -> AnnualResult {
    let public = non_negative(completed.public);
    let professional = non_negative(completed.professional);
    let elective = non_negative(completed.elective);
    let counted_total = public + professional + elective;

    let shortfall_public = public.shortfall(req.public);
    let shortfall_professional = professional.shortfall(req.professional);
    let elective_counted = if req.elective_counts_only_as_elective {
        elective
    } else {
        let surplus = public.checked_sub(req.public).unwrap_or(Hours::ZERO)
            + professional
                .checked_sub(req.professional)
                .unwrap_or(Hours::ZERO);
        elective + surplus
    };
    let shortfall_elective = elective_counted.shortfall(req.elective);
    let shortfall_total = counted_total.shortfall(req.total);

    let met = [
        shortfall_total,
        shortfall_public,
        shortfall_professional,
        shortfall_elective,
    ]
    .iter()
    .all(|s| *s == Hours::ZERO);

    AnnualResult {
        required: Required::from(req),
        completed: Completed {
            public,
            professional,
            elective,
        },
        counted_total,
        met,
        shortfall_total,
        shortfall_public,
        shortfall_professional,
        shortfall_elective,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(n: i64) -> Hours {
        Hours::whole(n)
    }

    fn done(public: i64, professional: i64, elective: i64) -> Completed {
        Completed {
            public: h(public),
            professional: h(professional),
            elective: h(elective),
        }
    }

    #[test]
    fn rule_sets_are_checked_before_they_are_saved() {
        let mut rs = RuleSet {
            name: "广东省继续教育学时规定".into(),
            region_code: "440000".into(),
            series_code: None,
            year_from: Some(2021),
            year_to: None,
            requirement: provincial_rules_since_2021(),
            declaration: crate::record::DeclarationRules::default(),
            deadline: (1, 31),
        };
        assert!(check_rule_set(&rs).is_empty());
        rs.requirement.total = h(89);
        assert_eq!(
            check_rule_set(&rs),
            vec![(
                "total",
                "年度总学时不能少于各科目最低学时之和（90）".to_owned()
            )]
        );
        rs.requirement.total = h(90);
        rs.year_to = Some(2020);
        rs.deadline = (2, 30);
        let fields: Vec<_> = check_rule_set(&rs).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["years", "deadline"]);
    }

    #[test]
    fn overlapping_years_of_two_rule_sets() {
        assert!(years_overlap((None, Some(2020)), (Some(2020), None)));
        assert!(!years_overlap((None, Some(2020)), (Some(2021), None)));
        assert!(years_overlap((None, None), (Some(2021), Some(2021))));
        assert!(!years_overlap(
            (Some(2018), Some(2019)),
            (Some(2020), Some(2022))
        ));
    }

    #[test]
    fn region_prefixes_of_province_city_and_district() {
        assert_eq!(region_prefix("440000"), "44");
        assert_eq!(region_prefix("440100"), "4401");
        assert_eq!(region_prefix("440106"), "440106");
        assert_eq!(region_prefix("44"), "44");
    }

    #[test]
    fn deadline_is_31_january_of_the_next_year_unless_the_rule_moves_it() {
        let mut rs = RuleSet {
            name: "广州".into(),
            region_code: "440100".into(),
            series_code: None,
            year_from: None,
            year_to: Some(2020),
            requirement: guangzhou_rules(),
            declaration: crate::record::DeclarationRules::default(),
            deadline: (1, 31),
        };
        assert_eq!(
            rs.deadline_for(2020),
            chrono::NaiveDate::from_ymd_opt(2021, 1, 31).unwrap()
        );
        rs.deadline = (2, 30);
        assert_eq!(
            rs.deadline_for(2020),
            chrono::NaiveDate::from_ymd_opt(2021, 1, 31).unwrap(),
            "an impossible day falls back to 31 January"
        );
    }

    #[test]
    fn guangzhou_72_18_42() {
        let gz = guangzhou_rules();
        assert_eq!(gz.total.to_days(), h(12));

        let r = annual_check(&gz, &done(20, 52, 0));
        assert!(r.met);
        assert_eq!(r.counted_total, h(72));
        assert_eq!(r.required.total, h(72));

        let r = annual_check(&gz, &done(10, 62, 0));
        assert!(!r.met);
        assert_eq!(r.counted_total, h(72));
        assert_eq!(r.shortfall_total, Hours::ZERO);
        assert_eq!(r.shortfall_public, h(8));
        assert_eq!(r.shortfall_professional, Hours::ZERO);

        let r = annual_check(&gz, &done(18, 42, 0));
        assert!(!r.met);
        assert_eq!(r.counted_total, h(60));
        assert_eq!(r.shortfall_total, h(12));
        assert_eq!(r.shortfall_public, Hours::ZERO);
        assert_eq!(r.shortfall_professional, Hours::ZERO);

        // Elective hours count towards the total, not towards the professional minimum.
        let r = annual_check(&gz, &done(18, 42, 12));
        assert!(r.met);
        let r = annual_check(&gz, &done(18, 30, 24));
        assert!(!r.met);
        assert_eq!(r.shortfall_professional, h(12));
        assert_eq!(r.shortfall_total, Hours::ZERO);
    }

    #[test]
    fn provincial_90_30_42_18() {
        let p = provincial_rules_since_2021();
        let r = annual_check(&p, &done(30, 42, 18));
        assert!(r.met);
        assert_eq!(r.counted_total, h(90));

        // 90 in total, but professional surplus does not fill the elective minimum.
        let r = annual_check(&p, &done(30, 60, 0));
        assert!(!r.met);
        assert_eq!(r.counted_total, h(90));
        assert_eq!(r.shortfall_total, Hours::ZERO);
        assert_eq!(r.shortfall_elective, h(18));

        // Elective surplus does not fill the professional minimum either.
        let r = annual_check(&p, &done(30, 30, 30));
        assert!(!r.met);
        assert_eq!(r.shortfall_professional, h(12));
        assert_eq!(r.shortfall_elective, Hours::ZERO);

        let r = annual_check(&p, &done(29, 42, 18));
        assert_eq!(r.shortfall_public, h(1));
        assert_eq!(r.shortfall_total, h(1));
        assert!(!r.met);
    }

    #[test]
    fn surplus_may_fill_elective_when_the_rule_set_says_so() {
        let mut p = provincial_rules_since_2021();
        p.elective_counts_only_as_elective = false;
        let r = annual_check(&p, &done(30, 60, 0));
        assert!(r.met);
        let r = annual_check(&p, &done(30, 50, 0));
        assert_eq!(r.shortfall_elective, h(10));
    }

    #[test]
    fn half_hours_are_exact() {
        let gz = guangzhou_rules();
        let c = Completed {
            public: Hours::from_tenths(175),
            professional: Hours::from_tenths(545),
            elective: Hours::ZERO,
        };
        let r = annual_check(&gz, &c);
        assert_eq!(r.counted_total, h(72));
        assert_eq!(r.shortfall_public, Hours::from_tenths(5));
        assert!(!r.met);
    }

    proptest! {
        #[test]
        fn met_means_no_shortfall(p in 0i64..2000, q in 0i64..2000, e in 0i64..2000) {
            for req in [guangzhou_rules(), provincial_rules_since_2021()] {
                let c = Completed {
                    public: Hours::from_tenths(p),
                    professional: Hours::from_tenths(q),
                    elective: Hours::from_tenths(e),
                };
                let r = annual_check(&req, &c);
                prop_assert_eq!(r.counted_total.tenths(), p + q + e);
                prop_assert_eq!(
                    r.met,
                    p + q + e >= req.total.tenths()
                        && p >= req.public.tenths()
                        && q >= req.professional.tenths()
                        && (e >= req.elective.tenths() || !req.elective_counts_only_as_elective)
                );
            }
        }
    }
}
