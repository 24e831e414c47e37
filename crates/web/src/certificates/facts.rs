//! What a certificate prints, worked out from the approved hours of a year (checked against
//! the year's rule set) or from an approved cycle verification's frozen figures.

use domain::cycle::{CycleResult, Promotion};
use domain::hours::Hours;
use domain::identity::mask;
use domain::verification::{Completed, YearRequirement, annual_check};
use serde::{Deserialize, Serialize};

/// What a certificate printed, frozen when it was issued. Hours are kept as they were
/// printed (one decimal); the course counts are empty on certificates issued before they
/// were printed.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(default)]
pub struct Facts {
    pub name: String,
    pub doc_masked: String,
    pub unit: String,
    pub series: String,
    /// The year of a year certificate; 0 on a cycle certificate.
    pub year: i32,
    /// The verification years of a cycle certificate, as printed (2021年—2025年).
    pub years: String,
    pub public: String,
    pub professional: String,
    pub elective: String,
    pub total: String,
    pub public_count: String,
    pub professional_count: String,
    pub elective_count: String,
    pub total_count: String,
    pub required: String,
    pub result: String,
    /// The promotion kind and target qualification of a cycle certificate.
    pub promotion: String,
    pub target: String,
    /// Why a cycle that fell short was approved (特批), each level's reason; empty otherwise.
    pub special: String,
}

impl Facts {
    /// Whether the hours and counts differ from `other` (names and units may be renamed
    /// without making a certificate wrong).
    pub fn figures_differ(&self, other: &Facts) -> bool {
        // Certificates printed before course counts were kept have none; their hours decide.
        let counts = |f: &Facts| {
            if f.public_count.is_empty() {
                None
            } else {
                Some((
                    f.public_count.clone(),
                    f.professional_count.clone(),
                    f.elective_count.clone(),
                ))
            }
        };
        let counts_differ = match (counts(self), counts(other)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        };
        counts_differ
            || (
                &self.public,
                &self.professional,
                &self.elective,
                &self.result,
            ) != (
                &other.public,
                &other.professional,
                &other.elective,
                &other.result,
            )
    }
}

/// Who a certificate is for, as printed.
pub struct Holder<'a> {
    pub name: &'a str,
    pub doc_number: &'a str,
    pub unit: &'a str,
    pub series: &'a str,
}

/// A year's approved hours and course counts.
pub struct YearSums {
    pub year: i32,
    pub public_tenths: i64,
    pub professional_tenths: i64,
    pub elective_tenths: i64,
    pub public_count: i64,
    pub professional_count: i64,
    pub elective_count: i64,
}

/// The facts of a year certificate, and whether the year's requirement is met.
pub fn of_year(h: &Holder, s: &YearSums, rule: Option<&YearRequirement>) -> (Facts, bool) {
    let done = Completed {
        public: Hours::from_tenths(s.public_tenths),
        professional: Hours::from_tenths(s.professional_tenths),
        elective: Hours::from_tenths(s.elective_tenths),
    };
    let checked = rule.map(|r| annual_check(r, &done));
    let met = checked.as_ref().is_some_and(|c| c.met);
    let facts = Facts {
        name: h.name.to_owned(),
        doc_masked: mask(h.doc_number),
        unit: h.unit.to_owned(),
        series: h.series.to_owned(),
        year: s.year,
        public: done.public.to_string(),
        professional: done.professional.to_string(),
        elective: done.elective.to_string(),
        total: (done.public + done.professional + done.elective).to_string(),
        public_count: s.public_count.to_string(),
        professional_count: s.professional_count.to_string(),
        elective_count: s.elective_count.to_string(),
        total_count: (s.public_count + s.professional_count + s.elective_count).to_string(),
        required: checked
            .as_ref()
            .map(|c| format!("{} 学时", c.required.total))
            .unwrap_or_else(|| "无验证规则".into()),
        result: match &checked {
            Some(c) if c.met => "达标".into(),
            Some(_) => "未达标".into(),
            None => "无验证规则".into(),
        },
        ..Facts::default()
    };
    (facts, met)
}

/// The facts of an approved cycle verification, from the figures frozen when it was submitted.
pub fn of_cycle(
    h: &Holder,
    r: &CycleResult,
    promotion: Option<Promotion>,
    target: &str,
    approved: bool,
    applied_on: chrono::NaiveDate,
    special_reasons: &[String],
) -> Facts {
    let mut years = match (r.years.first(), r.years.last()) {
        (Some(a), Some(b)) if a == b => format!("{a}年"),
        (Some(a), Some(b)) => format!("{a}年—{b}年"),
        _ => String::new(),
    };
    // The hours then include the application year's so far: the certificate says so.
    if r.added_current && !r.years.contains(&chrono::Datelike::year(&applied_on)) {
        years.push_str(&format!(
            "（含{}截至申请日的学时）",
            applied_on.format("%Y年")
        ));
    }
    let c = &r.cycle;
    Facts {
        name: h.name.to_owned(),
        doc_masked: mask(h.doc_number),
        unit: h.unit.to_owned(),
        series: h.series.to_owned(),
        years,
        public: c.public_hours.to_string(),
        professional: c.professional_hours.to_string(),
        elective: c.elective_hours.to_string(),
        total: c.total.to_string(),
        public_count: c.public_courses.to_string(),
        professional_count: c.professional_courses.to_string(),
        total_count: String::new(),
        required: format!("{} 学时", r.required),
        // A short cycle passes only by a special approval, and the certificate says so.
        result: match (approved, r.met) {
            (true, true) => "通过",
            (true, false) => domain::cycle::SPECIAL_APPROVAL,
            (false, _) => "未通过",
        }
        .into(),
        promotion: promotion.map(|p| p.label().to_owned()).unwrap_or_default(),
        target: target.to_owned(),
        special: if approved && !r.met {
            special_reasons.join("；")
        } else {
            String::new()
        },
        ..Facts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder() -> Holder<'static> {
        Holder {
            name: "王芳",
            doc_number: "440106199001011234",
            unit: "广州市第一中学",
            series: "中小学教师",
        }
    }

    fn sums(p: i64, f: i64, e: i64) -> YearSums {
        YearSums {
            year: 2025,
            public_tenths: p,
            professional_tenths: f,
            elective_tenths: e,
            public_count: 2,
            professional_count: 3,
            elective_count: 1,
        }
    }

    #[test]
    fn a_year_prints_its_hours_counts_and_result_with_the_number_masked() {
        // 72 hours, of which at least 18 public and 42 professional.
        let req = domain::verification::guangzhou_rules();
        let (f, met) = of_year(&holder(), &sums(240, 480, 60), Some(&req));
        assert!(met);
        assert_eq!(
            (
                f.public.as_str(),
                f.professional.as_str(),
                f.elective.as_str()
            ),
            ("24.0", "48.0", "6.0")
        );
        assert_eq!(f.total, "78.0");
        assert_eq!(f.total_count, "6");
        assert_eq!(f.result, "达标");
        assert_eq!(f.required, "72.0 学时");
        assert!(!f.doc_masked.contains("199001011"));
        let (short, met) = of_year(&holder(), &sums(179, 480, 60), Some(&req));
        assert!(!met);
        assert_eq!(short.result, "未达标");
        assert!(short.figures_differ(&f));
        let (none, _) = of_year(&holder(), &sums(240, 480, 0), None);
        assert_eq!(none.result, "无验证规则");
        // A certificate printed before counts were kept differs only when its hours do.
        let old = Facts {
            public_count: String::new(),
            professional_count: String::new(),
            elective_count: String::new(),
            total_count: String::new(),
            ..f.clone()
        };
        assert!(!old.figures_differ(&f));
        assert!(old.figures_differ(&short));
        let one_more = Facts {
            public_count: "3".into(),
            ..f.clone()
        };
        assert!(one_more.figures_differ(&f), "a course more is a change");
    }

    #[test]
    fn a_cycle_prints_its_years_and_says_when_this_years_hours_were_added() {
        let applied = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut r = domain::cycle::cycle_check(
            applied,
            &domain::cycle::CycleYears {
                years: (2021..=2025).collect(),
                includes_current: false,
            },
            |_| Some(Hours::whole(90)),
            &[],
            &domain::cycle::CycleRules::default(),
        );
        let f = of_cycle(
            &holder(),
            &r,
            Some(Promotion::Senior),
            "中学高级教师",
            true,
            applied,
            &[],
        );
        assert_eq!(f.years, "2021年—2025年");
        assert_eq!(f.required, "450.0 学时");
        // No hours at all against 450: approved only as a special approval, with its reasons.
        assert_eq!(f.result, "通过（特批）");
        assert_eq!(f.special, "");
        let reasons = [
            "广州市第一中学：援藏三年，按规定认定".to_owned(),
            "广州市人力资源和社会保障局：同意特批".to_owned(),
        ];
        let special = of_cycle(
            &holder(),
            &r,
            Some(Promotion::Senior),
            "中学高级教师",
            true,
            applied,
            &reasons,
        );
        assert_eq!(
            special.special,
            "广州市第一中学：援藏三年，按规定认定；广州市人力资源和社会保障局：同意特批"
        );
        let mut met = r.clone();
        met.met = true;
        let plain = of_cycle(
            &holder(),
            &met,
            Some(Promotion::Senior),
            "中学高级教师",
            true,
            applied,
            &reasons,
        );
        assert_eq!(
            (plain.result.as_str(), plain.special.as_str()),
            ("通过", "")
        );
        assert_eq!(f.promotion, "中级晋升副高");
        r.added_current = true;
        let f = of_cycle(
            &holder(),
            &r,
            Some(Promotion::Senior),
            "中学高级教师",
            true,
            applied,
            &[],
        );
        assert_eq!(f.years, "2021年—2025年（含2026年截至申请日的学时）");
    }
}
